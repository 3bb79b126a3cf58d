//! Invariants checked on generated data: every record lands in exactly one
//! cluster, results do not depend on the thread count, scoring is
//! symmetric, and normalizers never panic on arbitrary text.

use linkage::normalize::record::NormalizeReport;
use linkage::normalize::{NormalizeRules, NormalizedRecord};
use linkage::synth::{generate, SynthOptions};
use linkage::{FieldKind, Record, Resolver, Settings};
use proptest::prelude::*;

fn small(seed: u64, customers: usize) -> linkage::synth::SynthData {
    generate(&SynthOptions {
        customers,
        seed,
        ..SynthOptions::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_record_in_exactly_one_cluster(seed in any::<u64>(), customers in 1usize..120) {
        let data = small(seed, customers);
        let res = Resolver::new(Settings::default()).unwrap().resolve(&data.dataset).unwrap();
        let c = &res.clustering;
        prop_assert_eq!(c.cluster_of.len(), data.dataset.len());
        let members = c.members();
        let total: usize = members.iter().map(Vec::len).sum();
        prop_assert_eq!(total, data.dataset.len());
        // Ids are 0..k, each used, numbered in input order of first members.
        for (id, m) in members.iter().enumerate() {
            prop_assert!(!m.is_empty(), "cluster {} is empty", id);
        }
        let firsts: Vec<u32> = members.iter().map(|m| m[0]).collect();
        prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn same_clusters_whatever_the_thread_count(seed in any::<u64>()) {
        let data = small(seed, 150);
        let one = Resolver::new(Settings::default()).unwrap().threads(1).resolve(&data.dataset).unwrap();
        let two = Resolver::new(Settings::default()).unwrap().threads(2).resolve(&data.dataset).unwrap();
        let three = Resolver::new(Settings::default()).unwrap().threads(3).resolve(&data.dataset).unwrap();
        prop_assert_eq!(&one.clustering.cluster_of, &two.clustering.cluster_of);
        prop_assert_eq!(&one.clustering.cluster_of, &three.clustering.cluster_of);
        prop_assert_eq!(one.settings.to_json(), two.settings.to_json());
    }

    #[test]
    fn progress_reports_every_stage_and_changes_nothing(seed in any::<u64>(), budget in prop_oneof![Just(None), Just(Some(1u64))]) {
        use linkage::progress::{Progress, Stage};
        use std::sync::{Arc, Mutex};
        let data = small(seed, 150);
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let log = seen.clone();
        let mut watched = Resolver::new(Settings::default()).unwrap().threads(2)
            .on_progress(move |p| log.lock().unwrap().push(p));
        if let Some(bytes) = budget {
            // Streamed: block and compare run interleaved, twice.
            watched = watched.memory_budget(bytes);
        }
        let watched = watched.resolve(&data.dataset).unwrap();
        let plain = Resolver::new(Settings::default()).unwrap().resolve(&data.dataset).unwrap();
        prop_assert_eq!(&watched.clustering.cluster_of, &plain.clustering.cluster_of);
        let seen = seen.lock().unwrap();
        for stage in Stage::ALL {
            let reports: Vec<&Progress> = seen.iter().filter(|p| p.stage == stage).collect();
            prop_assert!(reports.len() >= 2, "{:?} reported {} times", stage, reports.len());
            prop_assert_eq!(reports[0].done, 0);
            prop_assert!(reports.iter().all(|p| p.done <= p.total));
            prop_assert!(reports.last().unwrap().is_finished());
            prop_assert_eq!(reports.iter().filter(|p| p.is_finished()).count(), 1, "{:?} finished twice", stage);
        }
        let normalize = seen.iter().find(|p| p.stage == Stage::Normalize).unwrap();
        prop_assert_eq!(normalize.total, data.dataset.len() as u64);
    }

    #[test]
    fn scoring_is_symmetric(seed in any::<u64>()) {
        let data = small(seed, 60);
        let res = Resolver::new(Settings::default()).unwrap().resolve(&data.dataset).unwrap();
        let n = data.dataset.len();
        for a in 0..n.min(40) {
            for b in (a + 1)..n.min(40) {
                let ab = res.explain_pair(a, b).unwrap();
                let ba = res.explain_pair(b, a).unwrap();
                let levels_ab: Vec<u8> = ab.fields.iter().map(|f| f.level).collect();
                let levels_ba: Vec<u8> = ba.fields.iter().map(|f| f.level).collect();
                prop_assert_eq!(levels_ab, levels_ba);
                prop_assert!((ab.total_weight - ba.total_weight).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn normalizing_arbitrary_text_never_panics(values in proptest::collection::vec(any::<String>(), 9)) {
        let kinds = [
            FieldKind::GivenName, FieldKind::Surname, FieldKind::FullName, FieldKind::Email, FieldKind::Phone,
            FieldKind::Street, FieldKind::Postcode, FieldKind::DateOfBirth, FieldKind::City,
        ];
        let mut r = Record::new(0, "x");
        for (k, v) in kinds.iter().zip(&values) {
            r.set(*k, v.clone());
        }
        let mut report = NormalizeReport::default();
        let _ = NormalizedRecord::from_record(&r, &NormalizeRules::default(), &mut report);
    }

    #[test]
    fn resolving_arbitrary_records_keeps_every_record(names in proptest::collection::vec(("[A-Za-zé' ]{0,8}", "[A-Za-z]{0,8}", "[0-9/ -]{0,12}"), 1..40)) {
        let mut data = linkage::Dataset::default();
        let s = data.add_source("s");
        for (i, (g, f, d)) in names.iter().enumerate() {
            data.records.push(Record::new(s, i.to_string())
                .with(FieldKind::GivenName, g.clone())
                .with(FieldKind::Surname, f.clone())
                .with(FieldKind::DateOfBirth, d.clone()));
        }
        let res = Resolver::new(Settings::default()).unwrap().resolve(&data).unwrap();
        prop_assert_eq!(res.clustering.cluster_of.len(), names.len());
    }
}

#[test]
fn a_trained_model_round_trips_and_reproduces_clusters() {
    let data = small(11, 200);
    let first = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data.dataset)
        .unwrap();
    let json = first.settings.to_json();
    let reloaded = Settings::from_json(&json).unwrap();
    assert!(reloaded.trained);
    assert_eq!(reloaded, first.settings);
    let again = Resolver::new(reloaded)
        .unwrap()
        .resolve(&data.dataset)
        .unwrap();
    assert_eq!(first.clustering.cluster_of, again.clustering.cluster_of);
}

#[test]
fn records_without_any_known_field_stay_alone() {
    let mut data = linkage::Dataset::default();
    let s = data.add_source("s");
    for i in 0..5 {
        data.records.push(Record::new(s, format!("r{i}")));
    }
    let res = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data)
        .unwrap();
    assert_eq!(res.clustering.cluster_of, vec![0, 1, 2, 3, 4]);
    assert!(
        !res.training_report.warnings.is_empty(),
        "an untrained model is reported"
    );
    // The same, and an empty dataset, under a budget that streams.
    let tight = Resolver::new(Settings::default()).unwrap().memory_budget(1);
    let res = tight.resolve(&data).unwrap();
    assert_eq!(res.clustering.cluster_of, vec![0, 1, 2, 3, 4]);
    let empty = tight.resolve(&linkage::Dataset::default()).unwrap();
    assert!(empty.clustering.cluster_of.is_empty() && empty.links.is_empty());
}

#[test]
fn link_only_never_links_within_a_source() {
    let data = small(5, 300);
    let settings = Settings {
        link_mode: linkage::block::LinkMode::LinkOnly,
        ..Settings::default()
    };
    let res = Resolver::new(settings)
        .unwrap()
        .resolve(&data.dataset)
        .unwrap();
    assert!(!res.links.is_empty());
    for l in &res.links {
        let (a, b) = (
            &data.dataset.records[l.a as usize],
            &data.dataset.records[l.b as usize],
        );
        assert_ne!(a.source, b.source);
    }
}

#[test]
fn explanations_add_up_and_name_no_values() {
    let data = small(9, 200);
    let res = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data.dataset)
        .unwrap();
    let link = res.links.first().expect("some link");
    let ex = res.explain_pair(link.a as usize, link.b as usize).unwrap();
    let sum: f64 = ex.prior_weight
        + ex.fields
            .iter()
            .map(|f| f.weight + f.tf_adjustment)
            .sum::<f64>();
    assert!((sum - ex.total_weight).abs() < 1e-9);
    assert!((ex.total_weight - link.weight).abs() < 1e-9);
    let cluster = res.clustering.cluster_of[link.a as usize];
    let cx = res.explain_cluster(cluster).unwrap();
    assert_eq!(
        cx.links.len() + 1,
        cx.records.len(),
        "a cluster is held by a spanning tree of links"
    );
    let json = serde_json::to_string(&cx).unwrap();
    let given = data.dataset.records[link.a as usize]
        .get(FieldKind::GivenName)
        .unwrap_or("\u{0}");
    assert!(!json.contains(given), "explanations carry no record values");
}

#[test]
fn a_placeholder_email_does_not_merge_strangers() {
    let mut data = small(21, 400);
    for r in data.dataset.records.iter_mut().step_by(3) {
        r.fields.retain(|(k, _)| *k != FieldKind::Email);
        r.set(FieldKind::Email, "noemail@none.com");
    }
    let res = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data.dataset)
        .unwrap();
    assert!(res
        .normalize_report
        .placeholders
        .iter()
        .any(|p| p.value == "noemail@none.com"));
    let largest = res.clustering.members().iter().map(Vec::len).max().unwrap();
    assert!(largest <= 8, "placeholder merged {largest} records");
    let truth = linkage::eval::Truth::from_triples(
        data.truth
            .iter()
            .map(|(s, r, e)| (s.as_str(), r.as_str(), e.as_str())),
    );
    let m = linkage::eval::evaluate(&data.dataset, &res.clustering.cluster_of, &truth);
    assert!(m.precision > 0.9, "precision {:.4}", m.precision);
}

#[test]
fn an_edited_schema_overrides_inference() {
    use linkage::input::{read_csv, CsvOptions, LoadReport};
    let csv = b"id,who,birthday\n1,Ann Lee,03/04/1971\n2,Bob Stone,05/06/1980\n";
    let read = |options: &CsvOptions| {
        let mut d = linkage::Dataset::default();
        let schema = read_csv(
            &csv[..],
            std::path::Path::new("x.csv"),
            "x",
            options,
            &mut d,
            &mut LoadReport::default(),
        )
        .unwrap();
        (d, schema)
    };
    let (d, mut schema) = read(&CsvOptions::default());
    assert_eq!(schema.columns[1].kind, FieldKind::FullName);
    assert_eq!(schema.columns[2].kind, FieldKind::DateOfBirth);
    assert_eq!(
        d.records[0].get(FieldKind::DateOfBirth),
        Some("03/04/1971"),
        "order unknown: kept as written"
    );
    // The user says: `birthday` is day first, `who` is not identity data.
    schema.columns[1].kind = FieldKind::Ignore;
    schema.columns[2].date_order = Some(linkage::normalize::date::DateOrder::DayFirst);
    let json = serde_json::to_string(&schema).unwrap();
    let edited: linkage::schema::FileSchema = serde_json::from_str(&json).unwrap();
    let (d, _) = read(&CsvOptions {
        schemas: vec![edited],
        ..CsvOptions::default()
    });
    assert_eq!(d.records[0].get(FieldKind::FullName), None);
    assert_eq!(d.records[0].get(FieldKind::DateOfBirth), Some("1971-04-03"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary bytes as a CSV export: either a clear error, or every row
    /// resolved into exactly one cluster. Never a panic.
    #[test]
    fn arbitrary_csv_bytes_never_panic(body in proptest::collection::vec(
        prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b'@'), Just(b'/'), any::<u8>(), 0x41u8..0x5a, 0x30u8..0x39],
        0..400,
    )) {
        use linkage::input::{read_csv, CsvOptions, LoadReport};
        let mut text = b"id,name,email,phone,address,dob,zip\n".to_vec();
        text.extend(body);
        let mut data = linkage::Dataset::default();
        let result = read_csv(&text[..], std::path::Path::new("fuzz.csv"), "fuzz", &CsvOptions::default(), &mut data, &mut LoadReport::default());
        if result.is_ok() {
            let res = Resolver::new(Settings::default()).unwrap().resolve(&data).unwrap();
            prop_assert_eq!(res.clustering.cluster_of.len(), data.len());
        }
    }

    /// A whole file of arbitrary bytes, header included: encoding,
    /// delimiter and header-row detection and inference see anything.
    /// Either a clear error or every row in exactly one cluster.
    #[test]
    fn arbitrary_files_never_panic(text in proptest::collection::vec(
        prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), Just(b'"'), Just(b'\n'), Just(0xFFu8), Just(0xFEu8), Just(b'@'), any::<u8>(), 0x41u8..0x5a, 0x30u8..0x39],
        0..500,
    )) {
        use linkage::input::{read_csv, CsvOptions, LoadReport};
        let mut data = linkage::Dataset::default();
        let result = read_csv(&text[..], std::path::Path::new("fuzz.csv"), "fuzz", &CsvOptions::default(), &mut data, &mut LoadReport::default());
        if let Ok(schema) = result {
            prop_assert!(schema.delimiter.is_some() && schema.encoding.is_some() && schema.header.is_some());
            let res = Resolver::new(Settings::default()).unwrap().resolve(&data).unwrap();
            prop_assert_eq!(res.clustering.cluster_of.len(), data.len());
        }
    }
}

#[test]
fn the_plan_counts_pairs_before_comparing_and_warns_of_exploding_keys() {
    let data = small(7, 300).dataset;
    let resolver = Resolver::new(Settings::default()).unwrap();
    let plan = resolver.plan(&data).unwrap();
    let res = resolver.resolve(&data).unwrap();
    assert_eq!(plan.records, data.len());
    assert_eq!(plan.rules.len(), res.blocking_report.rules.len());
    for (p, (r, _)) in plan.rules.iter().zip(&res.blocking_report.rules) {
        assert_eq!(p, r, "the plan's estimate is the run's");
    }
    assert!(plan.candidate_pairs_max >= res.candidate_pairs);
    assert!(plan.memory_bytes > 0);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);

    // 12,000 Johns in one postcode: the postcode & given-name key explodes.
    let mut crowd = linkage::Dataset::default();
    let s = crowd.add_source("crm");
    for i in 0..12_000 {
        crowd.records.push(
            Record::new(s, i.to_string())
                .with(FieldKind::GivenName, "John")
                .with(FieldKind::Surname, format!("Surname{i}"))
                .with(FieldKind::Postcode, "12345"),
        );
    }
    let plan = resolver.plan(&crowd).unwrap();
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("Postcode & GivenCanonical") && w.contains("12000 records")),
        "{:?}",
        plan.warnings
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Chunks of any size hand on exactly the pairs of one whole run, in
    /// the same order, and report the same counts.
    #[test]
    fn pairs_in_chunks_are_the_pairs_whole(seed in any::<u64>(), chunk in 1usize..400) {
        use linkage::block::Blocker;
        use linkage::pipeline::{kinds_present, normalize_all};
        let data = small(seed, 200).dataset;
        let settings = Settings::for_kinds(&kinds_present(&data));
        let (records, _) = normalize_all(&data, &settings.normalize);
        let sources: Vec<u32> = data.records.iter().map(|r| r.source).collect();
        let blocker = Blocker::new(&settings.blocking, settings.link_mode, &records, &sources);
        let (whole, report) = blocker.pairs();
        let mut chunked = Vec::new();
        let mut sizes = Vec::new();
        let chunked_report = blocker.for_each_chunk(chunk, |c| {
            sizes.push(c.len());
            chunked.extend(c)
        });
        prop_assert_eq!(&whole, &chunked);
        prop_assert_eq!(report.rules, chunked_report.rules);
        prop_assert_eq!(report.pairs, chunked_report.pairs);
        prop_assert!(chunked_report.chunks as usize == sizes.len());
        prop_assert!(chunked_report.chunks >= report.chunks);
    }

    /// A memory budget too small to hold the pairs streams them: the same
    /// model, links and identities, and a trained model reloaded streams
    /// to the same identities too.
    #[test]
    fn streaming_under_a_memory_budget_changes_nothing(seed in any::<u64>()) {
        let data = small(seed, 150).dataset;
        let held = Resolver::new(Settings::default()).unwrap().resolve(&data).unwrap();
        let tight = Resolver::new(Settings::default()).unwrap().memory_budget(1);
        prop_assert!(tight.plan(&data).unwrap().streamed);
        prop_assert!(!Resolver::new(Settings::default()).unwrap().plan(&data).unwrap().streamed);
        let streamed = tight.resolve(&data).unwrap();
        prop_assert_eq!(held.settings.to_json(), streamed.settings.to_json());
        prop_assert_eq!(&held.links, &streamed.links);
        prop_assert_eq!(&held.clustering.cluster_of, &streamed.clustering.cluster_of);
        prop_assert_eq!(held.candidate_pairs, streamed.candidate_pairs);
        prop_assert!(streamed.pairs_streamed && !held.pairs_streamed);
        let trained = Resolver::new(held.settings.clone()).unwrap().memory_budget(1);
        let again = trained.resolve(&data).unwrap();
        prop_assert_eq!(&held.clustering.cluster_of, &again.clustering.cluster_of);
        prop_assert_eq!(held.candidate_pairs, again.candidate_pairs);
    }
}

#[test]
fn a_budget_below_the_records_themselves_is_called_out() {
    let data = small(3, 100).dataset;
    let plan = Resolver::new(Settings::default())
        .unwrap()
        .memory_budget(1_000)
        .plan(&data)
        .unwrap();
    assert!(plan.streamed);
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("records alone") && w.contains("memory budget")),
        "{:?}",
        plan.warnings
    );
}
