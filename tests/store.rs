//! The identity store: incremental resolution against batch, merges,
//! splits, updates, stable ids across save and load, corrupt files.

use std::path::Path;

use linkage::eval::{evaluate, Truth};
use linkage::store::{Event, IdentityStore, Outcome};
use linkage::{Dataset, FieldKind as K, Record, Resolution, Settings};

mod common;
use common::{one_at_a_time, read_and_resolve, store_clusters};

fn sample() -> (Dataset, Resolution, Truth) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let (data, res) = read_and_resolve(&dir, &["crm", "pos", "web", "billing"]);
    let truth = Truth::from_csv(&dir.join("truth.csv")).unwrap();
    (data, res, truth)
}

#[test]
fn one_by_one_agrees_with_the_batch_on_the_sample() {
    let (data, res, truth) = sample();
    let batch = evaluate(&data, &res.clustering.cluster_of, &truth);
    let store = one_at_a_time(&res.settings, &data.sources, &data.records);
    assert_eq!(store.len(), data.len());
    let inc = evaluate(&data, &store_clusters(&store, &data), &truth);
    eprintln!(
        "sample: batch F1 {:.4}, incremental F1 {:.4}",
        batch.f1, inc.f1
    );
    assert!(
        (batch.f1 - inc.f1).abs() <= 0.02,
        "batch {:.4} incremental {:.4}",
        batch.f1,
        inc.f1
    );
    // A store seeded from the batch holds exactly the batch's identities.
    let seeded = IdentityStore::from_resolution(&data, &res).unwrap();
    let got = store_clusters(&seeded, &data);
    assert_eq!(got, res.clustering.cluster_of);
    assert_eq!(seeded.identity_count(), res.clustering.cluster_count());
}

fn person(source: u32, id: &str, fields: &[(K, &str)]) -> Record {
    let mut r = Record::new(source, id);
    for (k, v) in fields {
        r.set(*k, *v);
    }
    r
}

/// Two records of one person that do not link directly (one has only an
/// email, the other only a birth date), and a third that holds both.
fn bridge_case(store: &IdentityStore) -> (Record, Record, Record) {
    let crm = store.add_source("crm");
    let web = store.add_source("web");
    let a = person(
        crm,
        "A",
        &[
            (K::GivenName, "Z"),
            (K::Surname, "Quartermaine"),
            (K::Email, "zq1977@example.org"),
            (K::Phone, "555-010-4477"),
        ],
    );
    let b = person(
        web,
        "B",
        &[
            (K::GivenName, "Zebulon"),
            (K::Surname, "Quartermain"),
            (K::DateOfBirth, "1977-05-14"),
            (K::Postcode, "30301"),
        ],
    );
    let c = person(
        web,
        "C",
        &[
            (K::GivenName, "Zebulon"),
            (K::Surname, "Quartermaine"),
            (K::Email, "zq1977@example.org"),
            (K::DateOfBirth, "1977-05-14"),
            (K::Postcode, "30301"),
        ],
    );
    (a, b, c)
}

fn trained() -> Settings {
    sample().1.settings
}

#[test]
fn a_bridging_record_merges_into_the_older_identity_and_its_removal_splits_again() {
    let store = IdentityStore::new(trained()).unwrap();
    let (a, b, c) = bridge_case(&store);
    let ia = store.add(a).unwrap();
    let ib = store.add(b).unwrap();
    assert_eq!(ia.outcome, Outcome::Created);
    assert_eq!(ib.outcome, Outcome::Created, "A and B alone do not link");
    let m = store.match_record(&c, 5).unwrap();
    assert!(m.len() >= 2 && m[0].is_match && m[1].is_match, "{m:?}");
    let before = store.events_since(0).len();
    assert_eq!(store.identity_count(), 2, "match_record changes nothing");
    assert_eq!(store.events_since(0).len(), before);

    let ic = store.add(c).unwrap();
    assert_eq!(
        ic.outcome,
        Outcome::Merged {
            absorbed: vec![ib.identity]
        }
    );
    assert_eq!(ic.identity, ia.identity, "the older identity survives");
    assert_eq!(ic.links.len(), 2, "one deciding link per identity joined");
    assert_eq!(store.resolve_id(ib.identity), Some(ia.identity));
    assert_eq!(store.records_of(ib.identity).len(), 3);
    assert!(ic.events.iter().any(|e| e.event
        == Event::Merged {
            into: ia.identity,
            from: ib.identity,
            by: ic.record.clone()
        }));

    // Forget the bridge: A and B fall apart; the parts are equal, so the
    // one holding the earliest record (A) keeps the id.
    let gone = store.remove("web", "C").unwrap();
    assert_eq!(gone.outcome, Outcome::Removed);
    assert_eq!(store.identity_count(), 2);
    assert_eq!(store.identity_of("crm", "A"), Some(ia.identity));
    let split = store.identity_of("web", "B").unwrap();
    assert_ne!(split, ia.identity);
    assert!(split > ib.identity, "ids are never reused");
    assert!(
        matches!(gone.events.last().map(|e| &e.event), Some(Event::Split { from, into, .. }) if *from == ia.identity && *into == split)
    );
    assert_eq!(store.identity_of("web", "C"), None);
    let probe = person(
        0,
        "probe",
        &[
            (K::Email, "zq1977@example.org"),
            (K::GivenName, "Z"),
            (K::Surname, "Quartermaine"),
        ],
    );
    assert_eq!(
        store.match_record(&probe, 3).unwrap()[0].identity,
        ia.identity
    );
}

#[test]
fn update_moves_a_record_that_now_describes_someone_else() {
    let store = IdentityStore::new(trained()).unwrap();
    let (a, _, c) = bridge_case(&store);
    let ia = store.add(a).unwrap();
    let ic = store.add(c.clone()).unwrap();
    assert_eq!(ic.identity, ia.identity);
    let mut other = c.clone();
    other.fields.clear();
    other.set(K::GivenName, "Philippa");
    other.set(K::Surname, "Vandersloot");
    other.set(K::Email, "pv@example.net");
    other.set(K::DateOfBirth, "1991-11-02");
    let up = store.update(other).unwrap();
    assert_eq!(up.outcome, Outcome::Updated);
    assert_ne!(store.identity_of("web", "C"), Some(ia.identity));
    assert_eq!(store.identity_of("crm", "A"), Some(ia.identity));
    assert!(up
        .events
        .iter()
        .any(|e| matches!(e.event, Event::Split { .. })));
    // And back: it rejoins.
    let back = store.update(c).unwrap();
    assert_eq!(back.identity, ia.identity);
    assert_eq!(store.identity_count(), 1);
}

#[test]
fn bad_calls_are_clear_errors() {
    let store = IdentityStore::new(trained()).unwrap();
    let (a, _, _) = bridge_case(&store);
    store.add(a.clone()).unwrap();
    let dup = store.add(a.clone()).unwrap_err().to_string();
    assert!(
        dup.contains("crm record 'A' is already in the store"),
        "{dup}"
    );
    let missing = store.remove("crm", "nobody").unwrap_err().to_string();
    assert!(missing.contains("not in the store"), "{missing}");
    let stray = store.add(Record::new(99, "X")).unwrap_err().to_string();
    assert!(stray.contains("source index 99"), "{stray}");
    assert!(matches!(
        IdentityStore::new(Settings::default()),
        Err(linkage::Error::UntrainedModel)
    ));
}

#[test]
fn ids_and_answers_survive_save_and_load() {
    let (data, res, _) = sample();
    let store = IdentityStore::from_resolution(&data, &res).unwrap();
    let probe = {
        let mut r = data.records[5].clone();
        r.id = "new-1".into();
        r
    };
    store
        .remove(
            &data.sources[data.records[7].source as usize],
            &data.records[7].id,
        )
        .unwrap();
    let dir = std::env::temp_dir().join(format!("linkage-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("customers.store");
    store.save(&path).unwrap();
    let loaded = IdentityStore::load(&path).unwrap();
    assert_eq!(loaded.identity_ids(), store.identity_ids());
    assert_eq!(loaded.events_since(0), store.events_since(0));
    for r in &data.records {
        let s = &data.sources[r.source as usize];
        assert_eq!(loaded.identity_of(s, &r.id), store.identity_of(s, &r.id));
    }
    // The same change gives the same answer in both.
    let x = store.add(probe.clone()).unwrap();
    let y = loaded.add(probe).unwrap();
    assert_eq!(x, y);
    assert_eq!(loaded.to_bytes().unwrap(), store.to_bytes().unwrap());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn corrupt_truncated_or_foreign_files_are_rejected() {
    let (data, res, _) = sample();
    let bytes = IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .to_bytes()
        .unwrap();
    let reason = |b: &[u8]| IdentityStore::from_bytes(b).unwrap_err().to_string();
    assert!(reason(&bytes[..bytes.len() - 1]).contains("truncated"));
    assert!(reason(&bytes[..10]).contains("truncated"));
    assert!(reason(b"").contains("not a linkage store"));
    assert!(reason(b"id,name\n1,Ann\n").contains("not a linkage store"));
    let mut flipped = bytes.clone();
    let mid = bytes.len() / 2;
    flipped[mid] ^= 0x40;
    assert!(reason(&flipped).contains("checksum"));
    let mut version = bytes.clone();
    version[8] = 99;
    assert!(reason(&version).contains("version 99"));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(reason(&longer).contains("trailing"));
    let path = std::env::temp_dir().join(format!("linkage-missing-{}.store", std::process::id()));
    assert!(matches!(
        IdentityStore::load(&path),
        Err(linkage::Error::Io { .. })
    ));
}

#[test]
fn readers_share_the_store_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<IdentityStore>();
    let (data, res, _) = sample();
    let store = std::sync::Arc::new(IdentityStore::from_resolution(&data, &res).unwrap());
    let answers: Vec<Vec<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let store = store.clone();
                let data = &data;
                s.spawn(move || {
                    data.records
                        .iter()
                        .take(100)
                        .map(|r| {
                            store
                                .match_record(r, 1)
                                .unwrap()
                                .first()
                                .map_or(u64::MAX, |m| m.identity)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers[0], answers[1]);
}

mod invariants {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    fn fixture() -> &'static (Dataset, Settings) {
        static F: OnceLock<(Dataset, Settings)> = OnceLock::new();
        F.get_or_init(|| {
            let (data, res, _) = sample();
            (data, res.settings)
        })
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(usize),
        Remove(usize),
        /// Record `.0` takes the values of record `.1`.
        Update(usize, usize),
    }

    fn op(n: usize) -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0..n).prop_map(Op::Add),
            1 => (0..n).prop_map(Op::Remove),
            1 => (0..n, 0..n).prop_map(|(a, b)| Op::Update(a, b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever the sequence of adds, updates and removes: every stored
        /// record is in exactly one identity, removed ones in none, the log
        /// is contiguous, and a saved and reloaded store is the same store.
        #[test]
        fn every_stored_record_in_exactly_one_identity(ops in proptest::collection::vec(op(538), 1..120)) {
            let (data, settings) = fixture();
            let store = IdentityStore::new(settings.clone()).unwrap();
            for s in &data.sources {
                store.add_source(s);
            }
            let mut present = BTreeSet::new();
            for o in ops {
                match o {
                    Op::Add(i) => {
                        let r = store.add(data.records[i].clone());
                        prop_assert_eq!(r.is_ok(), present.insert(i));
                    }
                    Op::Remove(i) => {
                        let r = &data.records[i];
                        let done = store.remove(&data.sources[r.source as usize], &r.id);
                        prop_assert_eq!(done.is_ok(), present.remove(&i));
                    }
                    Op::Update(i, j) => {
                        let mut r = data.records[j].clone();
                        r.source = data.records[i].source;
                        r.id = data.records[i].id.clone();
                        prop_assert_eq!(store.update(r).is_ok(), present.contains(&i));
                    }
                }
            }
            prop_assert_eq!(store.len(), present.len());
            let mut seen = 0;
            for id in store.identity_ids() {
                let members = store.records_of(id);
                prop_assert!(!members.is_empty());
                for m in &members {
                    prop_assert_eq!(store.identity_of(&m.source, &m.id), Some(id));
                }
                seen += members.len();
            }
            prop_assert_eq!(seen, present.len());
            for (i, r) in data.records.iter().enumerate() {
                let got = store.identity_of(&data.sources[r.source as usize], &r.id);
                prop_assert_eq!(got.is_some(), present.contains(&i));
            }
            let events = store.events_since(0);
            prop_assert!(events.iter().enumerate().all(|(i, e)| e.seq == i as u64));
            let loaded = IdentityStore::from_bytes(&store.to_bytes().unwrap()).unwrap();
            prop_assert_eq!(loaded.identity_ids(), store.identity_ids());
            prop_assert_eq!(loaded.to_bytes().unwrap(), store.to_bytes().unwrap());
        }
    }
}
