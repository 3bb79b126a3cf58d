//! The fuzz targets' bodies: each takes the fuzzer's bytes, runs one part
//! of `linkage` on them and asserts that part's invariants (a failed
//! assertion or a panic is a crasher). Shared by the libFuzzer targets in
//! `fuzz/fuzz_targets/` (through `#[path]`) and by `tests/fuzz_replay.rs`,
//! which replays every kept crasher under `tests/data/fuzz/<target>/`, so
//! the invariants are written once and the replay needs no fuzzer.
//!
//! Record-based targets read their bytes as text (UTF-8, lossy): one
//! record a line, fields separated by tabs, each field's first character
//! choosing its kind (`'0'` + the index in [`FieldKind::ALL`], modulo)
//! and the rest its value. Kept inputs stay readable and seeds are easy
//! to write.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use linkage::input::{read_csv, CsvOptions, LoadReport};
use linkage::normalize::address::{
    normalize_city, normalize_postcode, normalize_state, normalize_unit, parse_full_address,
    parse_street,
};
use linkage::normalize::date::{date_from_parts, parse_date, Date, DateOrder};
use linkage::normalize::email::normalize_email;
use linkage::normalize::name::{parse_full_name, parse_given, parse_surname, NameParts};
use linkage::normalize::organisation::{acronym, normalize_organisation, short_form};
use linkage::normalize::phone::{normalize_phone, PhoneRules};
use linkage::normalize::record::{NormalizeReport, NormalizeRules};
use linkage::normalize::NormalizedRecord;
use linkage::score::{Scorer, TermFrequencies};
use linkage::store::IdentityStore;
use linkage::{Dataset, FieldKind, Record, Resolution, Resolver, Settings};

/// A target's body: panics when an invariant fails.
pub type Check = fn(&[u8]);

/// Every target by the name of its directory under `tests/data/fuzz/`.
pub const TARGETS: &[(&str, Check)] = &[
    ("csv_read", csv_read),
    ("normalize_name", normalize_name),
    ("normalize_email", normalize_email_target),
    ("normalize_phone", normalize_phone_target),
    ("normalize_address", normalize_address),
    ("normalize_date", normalize_date),
    ("normalize_organisation", normalize_organisation_target),
    ("compare_pair", compare_pair),
    ("settings_json", settings_json),
    ("store_snapshot", store_snapshot),
    ("resolve_small", resolve_small),
];

/// At most this many records per record-based input (a short resolution).
const MAX_RECORDS: usize = 8;

/// Whole CSV bytes through encoding and delimiter detection, header-row
/// judgement, inference and `read_csv`. Either an error that names the
/// file, or: the schema says how the file was read, every row is one
/// record with a unique non-empty id, forcing the header question either
/// way reads or fails cleanly, and a resolution puts every record in exactly one cluster.
pub fn csv_read(data: &[u8]) {
    let path = Path::new("fuzz.csv");
    let read = |header: Option<bool>| {
        let mut dataset = Dataset::default();
        let options = CsvOptions {
            header,
            ..CsvOptions::default()
        };
        let r = read_csv(
            data,
            path,
            "fuzz",
            &options,
            &mut dataset,
            &mut LoadReport::default(),
        );
        (r, dataset)
    };
    let (result, dataset) = read(None);
    let schema = match result {
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains("fuzz.csv"),
                "error does not name the file: {message}"
            );
            return;
        }
        Ok(schema) => schema,
    };
    let delimiter = schema.delimiter.expect("schema records the delimiter");
    assert!(matches!(delimiter, ',' | ';' | '\t' | '|'), "{delimiter:?}");
    assert!(schema.encoding.is_some() && schema.header.is_some());
    assert!(schema.id_column < schema.columns.len().max(1));
    let mut ids = HashSet::new();
    for r in &dataset.records {
        assert_eq!(r.source, 0);
        assert!(!r.id.is_empty(), "a record without an id");
        assert!(ids.insert(r.id.as_str()), "a repeated id was accepted");
        for (kind, _) in &r.fields {
            assert!(
                schema.columns.iter().any(|c| c.kind == *kind),
                "a field of a kind no column holds"
            );
        }
    }
    // No row lost: as many records as the csv parser finds rows, when the
    // file is UTF-8 (other encodings are transcoded first).
    if schema.encoding.as_deref() == Some("UTF-8") {
        let rows = csv::ReaderBuilder::new()
            .has_headers(schema.header == Some(true))
            .flexible(true)
            .delimiter(delimiter as u8)
            .from_reader(data)
            .byte_records()
            .count();
        assert_eq!(dataset.len(), rows, "records lost or invented");
    }
    // Forcing the header question either way reads or fails cleanly.
    let (forced, _) = read(Some(!schema.header.unwrap_or(true)));
    if let Err(e) = forced {
        assert!(e.to_string().contains("fuzz.csv"));
    }
    let resolution = resolve(&dataset, Settings::default()).expect("default settings resolve");
    check_resolution(&dataset, &resolution);
}

/// A folded name part: non-empty, no outer or doubled spaces, folding it
/// again changes nothing.
fn check_folded(part: &Option<String>, what: &str) {
    if let Some(p) = part {
        assert!(!p.is_empty(), "{what} is Some(\"\")");
        assert_eq!(p.trim(), p, "{what} has outer spaces");
        assert!(!p.contains("  "), "{what} has doubled spaces");
        assert!(
            !p.chars().any(|c| c.is_uppercase()),
            "{what} is not lower case"
        );
    }
}

fn check_name(parts: &NameParts) {
    check_folded(&parts.given, "given");
    check_folded(&parts.middle, "middle");
    check_folded(&parts.surname, "surname");
    check_folded(&parts.honorific, "honorific");
    check_folded(&parts.maiden, "maiden");
    check_folded(&parts.alias, "alias");
    if let Some(s) = &parts.suffix {
        assert!(
            ["jr", "sr", "ii", "iii", "iv", "v"].contains(&s.as_str()),
            "suffix {s:?}"
        );
    }
    assert_eq!(
        parts.given_is_initial(),
        parts.given.as_ref().is_some_and(|g| g.chars().count() == 1)
    );
}

/// Names: full names, given names and surnames each give folded parts.
pub fn normalize_name(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for parts in [parse_full_name(&s), parse_given(&s), parse_surname(&s)] {
        check_name(&parts);
    }
}

/// Emails: `full` is `local@domain`, lower case, without spaces, and
/// normalizing it again gives the same address.
pub fn normalize_email_target(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let Some(e) = normalize_email(&s) else { return };
    assert_eq!(e.full, format!("{}@{}", e.local, e.domain));
    assert!(!e.local.is_empty() && !e.domain.is_empty());
    assert!(!e.full.chars().any(char::is_whitespace), "{:?}", e.full);
    assert_eq!(e.full, e.full.to_lowercase(), "not lower case");
    let again = normalize_email(&e.full).expect("a normalized email is an email");
    assert_eq!(again, e, "normalizing is not idempotent");
}

/// Phones: the national number and extension are ASCII digits, bounded by
/// the input, and the number written in international form reads back as
/// the same number.
pub fn normalize_phone_target(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for country in [1u16, 44, 49] {
        let rules = PhoneRules {
            default_country: country,
        };
        let Some(p) = normalize_phone(&s, &rules) else {
            continue;
        };
        assert!(!p.national.is_empty(), "empty national number");
        assert!(p.national.bytes().all(|b| b.is_ascii_digit()));
        assert!(p.national.len() <= s.len());
        if let Some(x) = &p.extension {
            assert!(!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()));
        }
        let again = normalize_phone(&format!("+{} {}", p.country, p.national), &rules)
            .expect("a normalized number reads again");
        assert_eq!(
            again.national, p.national,
            "international form reads differently"
        );
    }
}

fn check_text(v: &Option<String>, what: &str) {
    if let Some(v) = v {
        assert!(!v.is_empty(), "{what} is Some(\"\")");
        assert_eq!(v.trim(), v, "{what} has outer spaces");
        assert!(!v.contains("  "), "{what} has doubled spaces");
    }
}

/// Addresses: street lines, one-line addresses, postcodes, units, cities
/// and states give trimmed non-empty parts; a normalized postcode reads
/// back as itself.
pub fn normalize_address(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let check_street = |a: &linkage::normalize::address::StreetAddress| {
        check_text(&a.house_number, "house number");
        check_text(&a.street_name, "street name");
        check_text(&a.street, "street");
        check_text(&a.unit, "unit");
        check_text(&a.po_box, "po box");
    };
    check_street(&parse_street(&s));
    let full = parse_full_address(&s);
    check_street(&full.street);
    check_text(&full.city, "city");
    check_text(&full.state, "state");
    check_text(&full.postcode, "postcode");
    if let Some(p) = normalize_postcode(&s) {
        assert!(!p.code.is_empty());
        assert!(p.code.chars().any(|c| c.is_ascii_digit()), "{:?}", p.code);
        let again = normalize_postcode(&p.code).expect("a postcode reads again");
        assert_eq!(again.code, p.code, "postcode not idempotent");
    }
    for strict in [false, true] {
        check_text(&normalize_unit(&s, strict), "unit");
    }
    check_text(&normalize_city(&s), "city");
    check_text(&normalize_state(&s), "state");
}

fn check_date(d: Date) {
    assert!(d.month <= 12, "{d:?}");
    assert!(d.month > 0 || d.day == 0, "a day without a month: {d:?}");
    if d.day > 0 {
        assert!(
            Date::new(d.year, d.month, d.day).is_some(),
            "impossible date {d:?}"
        );
    }
    if d.approximate {
        assert!(d.month == 0 && d.day == 0, "{d:?}");
    }
}

/// Dates: every date read is possible, and its written form reads back as
/// the same date in either order; parts (year, month, day) read soundly.
pub fn normalize_date(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for order in [DateOrder::MonthFirst, DateOrder::DayFirst] {
        if let Some(d) = parse_date(&s, order) {
            check_date(d);
            if !d.approximate {
                let text = d.to_string();
                assert_eq!(
                    parse_date(&text, order),
                    Some(d),
                    "{text} reads differently"
                );
            }
        }
    }
    let mut parts = s.splitn(3, '\u{1f}');
    let (y, m, d) = (parts.next(), parts.next(), parts.next());
    if let Some(got) = date_from_parts(y, m, d).date {
        check_date(got);
    }
}

/// Organisation names: a non-empty, folded, trimmed key; acronyms and
/// short forms never panic and are non-empty when given.
pub fn normalize_organisation_target(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let Some(n) = normalize_organisation(&s) else {
        return;
    };
    check_text(&Some(n.clone()), "organisation");
    assert!(!n.chars().any(|c| c.is_uppercase()), "{n:?}");
    check_text(&acronym(&n), "acronym");
    check_text(&short_form(&n), "short form");
}

/// Records from text: one a line, tab-separated fields, each field's first
/// character its kind (see the module docs). Ids are the line numbers.
pub fn records_from(data: &[u8]) -> Dataset {
    let text = String::from_utf8_lossy(data);
    let mut dataset = Dataset::default();
    let sources = [dataset.add_source("a"), dataset.add_source("b")];
    for (i, line) in text.split('\n').take(MAX_RECORDS).enumerate() {
        let mut record = Record::new(sources[i % 2], format!("r{i}"));
        for field in line.split('\t') {
            let mut chars = field.chars();
            let Some(k) = chars.next() else { continue };
            let kind =
                FieldKind::ALL[(k as usize).wrapping_sub('0' as usize) % FieldKind::ALL.len()];
            record.set(kind, chars.as_str());
        }
        dataset.records.push(record);
    }
    dataset
}

fn kinds_of(dataset: &Dataset) -> Vec<FieldKind> {
    let mut kinds: Vec<FieldKind> = dataset
        .records
        .iter()
        .flat_map(|r| r.fields.iter().map(|(k, _)| *k))
        .collect();
    kinds.sort_by_key(|k| FieldKind::ALL.iter().position(|x| x == k));
    kinds.dedup();
    kinds
}

/// A pair of records through normalization, comparison and weighing: the
/// levels of (a, b) are those of (b, a), each within its comparison's
/// levels, and the weights are finite and the same both ways.
pub fn compare_pair(data: &[u8]) {
    let mut dataset = records_from(data);
    dataset.records.truncate(2);
    while dataset.records.len() < 2 {
        dataset.records.push(Record::new(0, "empty"));
    }
    let settings = Settings::for_kinds(&kinds_of(&dataset));
    let rules = NormalizeRules::default();
    let mut report = NormalizeReport::default();
    let records: Vec<NormalizedRecord> = dataset
        .records
        .iter()
        .map(|r| NormalizedRecord::from_record(r, &rules, &mut report))
        .collect();
    let comparisons = &settings.comparisons;
    let mut ab = Vec::new();
    let mut ba = Vec::new();
    linkage::compare::compare_pair(comparisons, &records[0], &records[1], &mut ab);
    linkage::compare::compare_pair(comparisons, &records[1], &records[0], &mut ba);
    assert_eq!(ab, ba, "comparison levels are not symmetric");
    for (c, level) in comparisons.iter().zip(&ab) {
        assert!(
            (*level as usize) < c.levels.len(),
            "{}: level {level} of {}",
            c.name,
            c.levels.len()
        );
    }
    let tf = TermFrequencies::compute(comparisons, &records);
    let scorer = Scorer::new(
        comparisons,
        settings.prior,
        settings.cluster.contradiction_weight,
        &tf,
        &records,
    );
    let w_ab = scorer.score(0, 1);
    let w_ba = scorer.score(1, 0);
    for w in [w_ab, w_ba] {
        assert!(w.total.is_finite() && w.person.is_finite() && w.against.is_finite());
        assert!(w.against <= 0.0, "against is {}", w.against);
    }
    assert!((w_ab.total - w_ba.total).abs() < 1e-9, "{w_ab:?} {w_ba:?}");
    assert!(
        (w_ab.person - w_ba.person).abs() < 1e-9,
        "{w_ab:?} {w_ba:?}"
    );
}

/// A small fixed dataset for settings to run on.
fn sample_dataset() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        linkage::synth::generate(&linkage::synth::SynthOptions {
            customers: 12,
            seed: 16,
            ..linkage::synth::SynthOptions::default()
        })
        .dataset
    })
}

/// A pool of `threads` threads, made once (a pool per input would cost
/// more than the resolution).
fn pool(threads: usize) -> &'static rayon::ThreadPool {
    static POOLS: [OnceLock<rayon::ThreadPool>; 2] = [OnceLock::new(), OnceLock::new()];
    POOLS[threads - 1].get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    })
}

/// Resolves on one thread.
fn resolve(dataset: &Dataset, settings: Settings) -> linkage::Result<Resolution> {
    let resolver = Resolver::new(settings)?;
    pool(1).install(|| resolver.resolve(dataset))
}

/// Settings and model JSON: `Settings::from_json` either fails or gives
/// settings that write and read back unchanged; `Resolver::new` either
/// refuses them with an error or they resolve a small dataset with every
/// record in exactly one cluster.
pub fn settings_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(settings) = Settings::from_json(text) else {
        return;
    };
    let json = settings.to_json();
    let again = Settings::from_json(&json).expect("written settings read back");
    assert_eq!(again.to_json(), json, "settings do not round-trip");
    let dataset = sample_dataset();
    match resolve(dataset, settings) {
        Ok(resolution) => check_resolution(dataset, &resolution),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// Frames `payload` as a store file of this build's format (magic,
/// version, length, CRC-32), so the fuzzer reaches the payload decoder.
pub fn frame_store(payload: &[u8]) -> Vec<u8> {
    let mut out = b"LNKSTORE".to_vec();
    out.extend_from_slice(&linkage::store::FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Store snapshot bytes: the first byte chooses raw bytes (even) or the
/// rest framed with a valid header and checksum (odd). Either an error, or
/// a store whose identities hold each record once and that saves and
/// loads back to the same bytes.
pub fn store_snapshot(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        frame_store(rest)
    };
    let Ok(store) = IdentityStore::from_bytes(&bytes) else {
        return;
    };
    let mut held = 0;
    for id in store.identity_ids() {
        let members = store.records_of(id);
        assert!(!members.is_empty(), "identity {id} is empty");
        for m in &members {
            assert_eq!(store.identity_of(&m.source, &m.id), Some(id));
        }
        held += members.len();
    }
    assert_eq!(held, store.len(), "records outside identities");
    assert_eq!(store.identity_count(), store.identity_ids().len());
    let saved = store.to_bytes().expect("a loaded store saves");
    let reloaded = IdentityStore::from_bytes(&saved).expect("a saved store loads");
    assert_eq!(reloaded.len(), store.len());
    assert_eq!(
        reloaded.to_bytes().expect("saves again"),
        saved,
        "not a fixed point"
    );
}

/// Every record in exactly one cluster, clusters numbered by their first
/// record in input order, each accepted link inside one cluster.
pub fn check_resolution(dataset: &Dataset, resolution: &Resolution) {
    let cluster_of = &resolution.clustering.cluster_of;
    assert_eq!(cluster_of.len(), dataset.len(), "records lost");
    let mut next = 0u32;
    let mut seen = HashMap::new();
    for &c in cluster_of {
        if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(c) {
            assert_eq!(c, next, "cluster ids not in first-record order");
            e.insert(());
            next += 1;
        }
    }
    for link in &resolution.clustering.accepted {
        assert_eq!(cluster_of[link.a as usize], cluster_of[link.b as usize]);
    }
    for l in &resolution.links {
        assert!(l.weight.is_finite(), "a link of weight {}", l.weight);
    }
}

/// A short resolution of a few arbitrary records with default settings:
/// every record in exactly one cluster, the same clusters on one thread
/// and on two.
pub fn resolve_small(data: &[u8]) {
    let dataset = records_from(data);
    let one = resolve(&dataset, Settings::default()).expect("default settings resolve");
    check_resolution(&dataset, &one);
    let resolver = Resolver::new(Settings::default()).expect("default settings");
    let two = pool(2)
        .install(|| resolver.resolve(&dataset))
        .expect("default settings resolve");
    assert_eq!(
        one.clustering.cluster_of, two.clustering.cluster_of,
        "clusters depend on the thread count"
    );
}
