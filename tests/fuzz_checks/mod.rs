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
use linkage::store::{IdentityStore, StoreOptions, SurvivorshipRules};
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
    ("store_db_open", store_db_open),
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

/// The store database every `store_db_open` input corrupts: a durable
/// store made once per process from a few synthetic records (a resolved
/// batch, then records added, updated and removed), closed, read back as
/// bytes.
pub struct BaseDb {
    /// The database file's bytes (no write-ahead log beside it).
    pub bytes: Vec<u8>,
    /// Its page size (from the SQLite header).
    pub page: usize,
    /// The stored values (longer than three characters): none may appear
    /// in an error.
    pub values: Vec<String>,
    /// What the file holds: identities with their members.
    content: Content,
    /// Its event log.
    events: Vec<linkage::store::LoggedEvent>,
    /// Its model and sources.
    settings: String,
    sources: Vec<String>,
}

/// A directory of this process's own under the temporary directory,
/// emptied.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("linkage-fuzz-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// The base database (made on first use).
pub fn base_db() -> &'static BaseDb {
    static BASE: OnceLock<BaseDb> = OnceLock::new();
    BASE.get_or_init(|| {
        let data = linkage::synth::generate(&linkage::synth::SynthOptions {
            customers: 6,
            seed: 16,
            ..linkage::synth::SynthOptions::default()
        })
        .dataset;
        let resolution = resolve(&data, Settings::default()).expect("the sample resolves");
        let path = scratch("base").join("store.db");
        let store = IdentityStore::from_resolution(&data, &resolution)
            .expect("a store")
            .persist(&path, &StoreOptions::default())
            .expect("a durable store");
        let signup = store.add_source("signup");
        let mut twin = Record::new(signup, "S-1");
        for (k, v) in &data.records[0].fields {
            twin.set(*k, v.to_uppercase());
        }
        store.add(twin).expect("add");
        let mut other = Record::new(signup, "S-2");
        other.set(FieldKind::GivenName, "Quillon");
        other.set(FieldKind::Surname, "Vastrebeck");
        store.add(other.clone()).expect("add");
        other.set(FieldKind::Email, "qv@example.org");
        store.update(other).expect("update");
        let r = &data.records[1];
        store
            .remove(&data.sources[r.source as usize], &r.id)
            .expect("remove");
        let content = check_store(&store, false);
        let events = store.events(0, usize::MAX).expect("the log");
        let settings = store.settings().to_json();
        let sources = store.sources();
        store.close().expect("close");
        // The log is checkpointed into the file and emptied at close (an
        // empty `-wal` may stay when the read connection closes last).
        let wal = path.with_file_name("store.db-wal");
        let left = std::fs::metadata(&wal).map_or(0, |m| m.len());
        assert_eq!(left, 0, "a log is left beside the closed store");
        let bytes = std::fs::read(&path).expect("the store file");
        let page = match u16::from_be_bytes([bytes[16], bytes[17]]) {
            1 => 65536,
            p => p as usize,
        };
        let mut values: Vec<String> = data
            .records
            .iter()
            .flat_map(|r| r.fields.iter().map(|(_, v)| v.clone()))
            .filter(|v| v.chars().count() > 3)
            .collect();
        values.sort();
        values.dedup();
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
        BaseDb {
            bytes,
            page,
            values,
            content,
            events,
            settings,
            sources,
        }
    })
}

/// The base database corrupted as `ops` says: operations of an opcode
/// byte and a 4-byte offset (little-endian, taken modulo the file's or the
/// page count), some with more bytes: overwrite (a length byte, then the
/// bytes), truncate, copy a page over another (two 2-byte page numbers),
/// zero a page, xor a byte.
pub fn corrupt_db(base: &BaseDb, ops: &[u8]) -> Vec<u8> {
    let mut bytes = base.bytes.clone();
    let mut rest = ops;
    let mut take = |n: usize| -> Option<&[u8]> {
        if rest.len() < n {
            return None;
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Some(head)
    };
    for _ in 0..64 {
        let Some(head) = take(5) else { break };
        let op = head[0];
        let at = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let len = bytes.len();
        let pages = len.div_ceil(base.page).max(1);
        match op % 5 {
            0 => {
                let Some(&[n]) = take(1) else { break };
                let Some(new) = take(n as usize % 16 + 1) else {
                    break;
                };
                if len > 0 {
                    let from = at % len;
                    let end = (from + new.len()).min(len);
                    bytes[from..end].copy_from_slice(&new[..end - from]);
                }
            }
            1 => bytes.truncate(at % (len + 1)),
            2 => {
                let (src, dst) = ((at & 0xffff) % pages, (at >> 16) % pages);
                let page = |p: usize| p * base.page..((p + 1) * base.page).min(len);
                let copy: Vec<u8> = bytes[page(src)].to_vec();
                let target = page(dst);
                let n = copy.len().min(target.len());
                bytes[target.start..target.start + n].copy_from_slice(&copy[..n]);
            }
            3 => {
                let p = at % pages;
                let end = ((p + 1) * base.page).min(len);
                bytes[p * base.page..end].fill(0);
            }
            _ => {
                let Some(&[x]) = take(1) else { break };
                if len > 0 {
                    bytes[at % len] ^= x.max(1);
                }
            }
        }
    }
    bytes
}

/// A store's content, comparable across opens: identities with their
/// members (source, id, values) in join order.
type Content = Vec<(u64, Vec<(String, String, Vec<(FieldKind, String)>)>)>;

/// The invariants of an opened store: every record in exactly one live
/// identity, identity ids unique and ascending, each resolving to itself,
/// each member readable; the event log, when readable, numbered 0, 1, 2,
/// ...; `deep`: golden records and matching work on every identity.
fn check_store(store: &IdentityStore, deep: bool) -> Content {
    let ids = store.identity_ids();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "identity ids repeat");
    assert_eq!(store.identity_count(), ids.len());
    let mut seen = HashSet::new();
    let mut content = Vec::new();
    for &id in &ids {
        assert_eq!(store.resolve_id(id), Some(id), "live identity {id} moved");
        let members = store.records_of(id);
        assert!(!members.is_empty(), "identity {id} is empty");
        let mut held = Vec::new();
        for m in members {
            assert!(
                seen.insert((m.source.clone(), m.id.clone())),
                "a record in two identities"
            );
            assert_eq!(store.identity_of(&m.source, &m.id), Some(id));
            let record = store.record(&m.source, &m.id).expect("a member is stored");
            assert_eq!(record.id, m.id);
            held.push((m.source, m.id, record.fields));
        }
        if deep {
            let golden = store.golden_record(id, &SurvivorshipRules::default());
            assert!(golden.is_some(), "no golden record for identity {id}");
        }
        content.push((id, held));
    }
    assert_eq!(seen.len(), store.len(), "records outside identities");
    if let Ok(events) = store.events(0, usize::MAX) {
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e.seq, i as u64, "event log out of sequence");
        }
    }
    if let Some((_, members)) = content.first().filter(|_| deep) {
        let (source, _, fields) = &members[0];
        let index = store.sources().iter().position(|s| s == source);
        let mut probe = Record::new(index.expect("a member's source is known") as u32, "probe");
        for (k, v) in fields {
            probe.set(*k, v.clone());
        }
        if let Ok(matches) = store.match_record(&probe, 3) {
            for m in matches {
                assert!(ids.contains(&m.identity), "a match to no live identity");
                assert!((0.0..=1.0).contains(&m.probability), "{}", m.probability);
                assert!(!m.weight.is_nan(), "a match of weight NaN");
            }
        }
    }
    content
}

/// A refused open: a clear error that names the file and shows no stored
/// value.
fn check_open_error(e: &linkage::Error, base: &BaseDb) {
    let message = e.to_string();
    assert!(
        message.contains("store.db"),
        "error does not name the file: {message}"
    );
    assert!(
        !matches!(e, linkage::Error::StoreLocked { .. }),
        "a fresh store is locked"
    );
    for v in &base.values {
        assert!(
            !message.contains(v.as_str()),
            "an error shows a stored value"
        );
    }
}

/// A corrupted store database opened read-only and for writing. The
/// first byte: bit 0 tries a change after a writable open; the rest are
/// the corruptions of [`corrupt_db`]. Each open either fails with a clear
/// error (naming the file, no stored value shown) or gives a store that
/// holds every record in exactly one identity (see `check_store`); both
/// opens that succeed hold the same content; a change accepted and
/// closed is there when the file is opened again.
pub fn store_db_open(data: &[u8]) {
    let Some((&flags, ops)) = data.split_first() else {
        return;
    };
    let base = base_db();
    let bytes = corrupt_db(base, ops);
    let mut contents = Vec::new();
    for read_only in [true, false] {
        let dir = scratch("db");
        let path = dir.join("store.db");
        std::fs::write(&path, &bytes).expect("the corrupted file");
        let options = if read_only {
            StoreOptions::read_only()
        } else {
            StoreOptions::default()
        };
        let store = match IdentityStore::open(&path, &options) {
            Ok(store) => store,
            Err(e) => {
                check_open_error(&e, base);
                continue;
            }
        };
        // Golden records and matching once per content (the opens that
        // succeed are compared below).
        let content = check_store(&store, contents.is_empty());
        // Every row carries a checksum: a damaged file that opens holds
        // what was written, and its log, when readable, is the one written.
        assert!(
            content == base.content,
            "a damaged file opened with other content"
        );
        assert!(
            store.settings().to_json() == base.settings,
            "a damaged file opened with another model"
        );
        assert!(
            store.sources() == base.sources,
            "a damaged file opened with other sources"
        );
        if let Ok(events) = store.events(0, usize::MAX) {
            assert!(
                events == base.events,
                "a damaged file opened with another log"
            );
        }
        contents.push(content);
        if read_only || flags & 1 == 0 {
            drop(store);
            continue;
        }
        let before = store.len();
        let source = store.add_source("fuzz");
        let mut record = Record::new(source, "F-1");
        record.set(FieldKind::GivenName, "Ostrava");
        record.set(FieldKind::Surname, "Quintrell");
        let Ok(change) = store.add(record) else {
            drop(store);
            continue;
        };
        assert_eq!(store.identity_of("fuzz", "F-1"), Some(change.identity));
        assert_eq!(store.len(), before + 1, "an add did not add one record");
        let after = check_store(&store, true);
        if store.close().is_ok() {
            let again = IdentityStore::open(&path, &StoreOptions::read_only())
                .expect("a store closed after a change opens again");
            assert_eq!(check_store(&again, false), after, "the change did not last");
        }
    }
    if let [a, b] = &contents[..] {
        assert_eq!(a, b, "read-only and writable opens differ");
    }
    let _ = std::fs::remove_dir_all(
        std::env::temp_dir().join(format!("linkage-fuzz-{}-db", std::process::id())),
    );
}

/// The reasons a corrupted base database is refused with, read-only and
/// for writing (`None` for an open that succeeded): the replay test
/// checks that each kept `store_db_open` crasher still reaches the check
/// it was kept for (its offsets follow the base file's layout).
pub fn store_db_open_refusals(data: &[u8]) -> [Option<String>; 2] {
    let bytes = corrupt_db(base_db(), data.get(1..).unwrap_or_default());
    [StoreOptions::read_only(), StoreOptions::default()].map(|options| {
        let dir = scratch("refusals");
        let path = dir.join("store.db");
        std::fs::write(&path, &bytes).expect("the corrupted file");
        let reason = IdentityStore::open(&path, &options)
            .err()
            .map(|e| e.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        reason
    })
}
