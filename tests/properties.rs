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
