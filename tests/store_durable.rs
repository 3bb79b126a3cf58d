//! The durable store: every change committed and read back, one writer
//! process, read-only readers, the event log in the database, removed
//! values gone from the file, snapshots imported, damaged files refused.

use std::path::{Path, PathBuf};

use linkage::store::{Durability, Event, IdentityStore, Outcome, StoreOptions};
use linkage::{Dataset, Error, FieldKind as K, Record, Resolution};

mod common;
use common::{read_and_resolve, store_clusters};

fn sample() -> (Dataset, Resolution) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    read_and_resolve(&dir, &["crm", "pos", "web", "billing"])
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkage-durable-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("store.db")
}

fn person(source: u32, id: &str, fields: &[(K, &str)]) -> Record {
    let mut r = Record::new(source, id);
    for (k, v) in fields {
        r.set(*k, *v);
    }
    r
}

/// The store's content, comparable across stores: identities (members by
/// source and id, join order) and every record's values.
/// A member: source, id and values.
type Member = (String, String, Vec<(K, String)>);

fn content(store: &IdentityStore) -> Vec<(u64, Vec<Member>)> {
    store
        .identity_ids()
        .into_iter()
        .map(|id| {
            let members = store
                .records_of(id)
                .into_iter()
                .map(|r| {
                    let fields = store.record(&r.source, &r.id).unwrap().fields;
                    (r.source, r.id, fields)
                })
                .collect();
            (id, members)
        })
        .collect()
}

/// The same changes on an in-memory store and a durable one.
fn changes(store: &IdentityStore, data: &Dataset) {
    let web = store.add_source("signup");
    let known = &data.records[3];
    let mut twin = Record::new(web, "S-1");
    for (k, v) in &known.fields {
        twin.set(*k, v.to_uppercase());
    }
    assert_eq!(store.add(twin).unwrap().outcome, Outcome::Attached);
    store
        .add(person(
            web,
            "S-2",
            &[
                (K::GivenName, "Quillon"),
                (K::Surname, "Vastrebeck"),
                (K::Email, "qv@example.org"),
            ],
        ))
        .unwrap();
    store
        .update(person(
            web,
            "S-2",
            &[
                (K::GivenName, "Quillon"),
                (K::Surname, "Vastrebeck"),
                (K::Email, "qv2@example.org"),
            ],
        ))
        .unwrap();
    let r = &data.records[10];
    store
        .remove(&data.sources[r.source as usize], &r.id)
        .unwrap();
}

#[test]
fn a_durable_store_reopens_exactly_as_it_was_left() {
    let (data, res) = sample();
    let path = temp("reopen");
    let memory = IdentityStore::from_resolution(&data, &res).unwrap();
    let durable = IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .persist(&path, &StoreOptions::default())
        .unwrap();
    assert_eq!(store_clusters(&durable, &data), res.clustering.cluster_of);
    changes(&memory, &data);
    changes(&durable, &data);
    assert_eq!(content(&durable), content(&memory));
    assert_eq!(durable.events_since(0), memory.events_since(0));
    drop(durable);

    let reopened = IdentityStore::open(&path, &StoreOptions::default()).unwrap();
    assert_eq!(content(&reopened), content(&memory));
    assert_eq!(reopened.events_since(0), memory.events_since(0));
    // The log is read by sequence number: a consumer resumes after the
    // last one it saw.
    let all = reopened.events(0, usize::MAX).unwrap();
    let page = reopened.events(2, 3).unwrap();
    assert_eq!(page, all[2..5].to_vec());
    assert!(reopened.events(all.len() as u64, 10).unwrap().is_empty());
    // Decisions after reopening are those of a store that never closed.
    let later = person(
        0,
        "late-1",
        &[
            (K::GivenName, "Quillon"),
            (K::Surname, "Vastrebeck"),
            (K::Email, "qv2@example.org"),
        ],
    );
    let a = reopened.add(later.clone()).unwrap();
    let b = memory.add(later).unwrap();
    assert_eq!((a.identity, a.outcome), (b.identity, b.outcome));
    assert_eq!(a.events, b.events);
    reopened.close().unwrap();

    // Full durability reads the same file.
    let full = IdentityStore::open(&path, &StoreOptions::durability(Durability::Full)).unwrap();
    assert_eq!(content(&full), content(&memory));
}

#[test]
fn one_writer_at_a_time_and_readers_beside_it() {
    let (data, res) = sample();
    let path = temp("lock");
    let writer = IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .persist(&path, &StoreOptions::default())
        .unwrap();
    match IdentityStore::open(&path, &StoreOptions::default()) {
        Err(Error::StoreLocked { path: p }) => assert_eq!(p, path),
        other => panic!("a second writer must be refused, got {other:?}"),
    }
    let reader = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
    assert_eq!(reader.identity_ids(), writer.identity_ids());
    let probe = data.records[5].clone();
    let m = reader.match_record(&probe, 3).unwrap();
    assert!(m[0].is_match);
    assert!(matches!(
        reader.remove("crm", &data.records[0].id),
        Err(Error::StoreFile { .. })
    ));
    // The reader follows the writer's event log live.
    let seen = reader.events_since(0).len();
    changes(&writer, &data);
    let now = reader.events_since(seen as u64);
    assert_eq!(now, writer.events_since(seen as u64));
    assert!(!now.is_empty());
    // A closed writer frees the lock.
    writer.close().unwrap();
    IdentityStore::open(&path, &StoreOptions::default()).unwrap();
}

#[test]
fn a_reader_refreshed_sees_what_the_writer_committed() {
    let (data, res) = sample();
    let path = temp("refresh");
    let writer = IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .persist(&path, &StoreOptions::default())
        .unwrap();
    let reader = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
    assert_eq!(reader.refresh().unwrap(), 0, "nothing new yet");
    // (`events_since` reads the log live; the state waits for `refresh`.)
    let before = reader.events_since(0).len() as u64;
    changes(&writer, &data);
    // A bridge that merges two identities, then a removal that splits one.
    let web = writer.add_source("signup");
    let (a, b) = (&data.records[0], &data.records[1]);
    let mut bridge = Record::new(web, "S-9");
    for (k, v) in a.fields.iter().chain(&b.fields) {
        if !bridge.fields.iter().any(|(k2, _)| k2 == k) {
            bridge.set(*k, v.clone());
        }
    }
    writer.add(bridge).unwrap();
    writer.remove("signup", "S-9").unwrap();
    let logged = writer.events_since(0).len() as u64;
    assert_ne!(content(&reader), content(&writer));
    assert_eq!(reader.refresh().unwrap(), logged - before);
    assert_eq!(content(&reader), content(&writer));
    assert_eq!(reader.sources(), writer.sources());
    for id in writer.identity_ids() {
        assert_eq!(reader.resolve_id(id), writer.resolve_id(id));
    }
    // Matching on the refreshed reader is matching on a fresh open.
    let fresh = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
    assert_eq!(content(&fresh), content(&reader));
    let probe = person(
        0,
        "probe",
        &[
            (K::GivenName, "Quillon"),
            (K::Surname, "Vastrebeck"),
            (K::Email, "qv2@example.org"),
        ],
    );
    let ours = reader.match_record(&probe, 3).unwrap();
    let theirs = fresh.match_record(&probe, 3).unwrap();
    assert!(ours[0].is_match, "the updated record is found");
    assert_eq!(
        ours.iter()
            .map(|m| (m.identity, m.weight))
            .collect::<Vec<_>>(),
        theirs
            .iter()
            .map(|m| (m.identity, m.weight))
            .collect::<Vec<_>>()
    );
    assert_eq!(reader.refresh().unwrap(), 0);
    // The writer itself is always current.
    assert_eq!(writer.refresh().unwrap(), 0);
}

#[test]
fn refreshes_between_random_changes_keep_the_reader_equal() {
    let (data, res) = sample();
    let path = temp("refresh-random");
    let writer = IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .persist(&path, &StoreOptions::default())
        .unwrap();
    let reader = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
    let extra = writer.add_source("extra");
    // A small deterministic generator: changes of every kind on records
    // copied from the sample (so they join, merge and split).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let mut added: Vec<String> = Vec::new();
    for step in 0..120 {
        match next(4) {
            0 | 1 => {
                let from = &data.records[next(data.records.len())];
                let id = format!("X-{step}");
                let mut r = Record::new(extra, &id);
                for (k, v) in &from.fields {
                    if next(4) > 0 {
                        r.set(*k, v.clone());
                    }
                }
                if writer.add(r).is_ok() {
                    added.push(id);
                }
            }
            2 if !added.is_empty() => {
                let id = added[next(added.len())].clone();
                let from = &data.records[next(data.records.len())];
                let mut r = Record::new(extra, &id);
                for (k, v) in &from.fields {
                    r.set(*k, v.clone());
                }
                writer.update(r).unwrap();
            }
            _ => {
                let r = &data.records[next(data.records.len())];
                let source = &data.sources[r.source as usize];
                let _ = writer.remove(source, &r.id);
            }
        }
        if next(5) == 0 {
            reader.refresh().unwrap();
            assert_eq!(content(&reader), content(&writer), "after step {step}");
        }
    }
    reader.refresh().unwrap();
    assert_eq!(content(&reader), content(&writer));
    assert_eq!(reader.len(), writer.len());
    // The changes made identities of every kind of event.
    let kinds: std::collections::BTreeSet<&str> = writer
        .events_since(0)
        .iter()
        .map(|e| match e.event {
            Event::Created { .. } => "created",
            Event::Attached { .. } => "attached",
            Event::Merged { .. } => "merged",
            Event::Split { .. } => "split",
            Event::Updated { .. } => "updated",
            Event::Removed { .. } => "removed",
            Event::Retired { .. } => "retired",
            Event::Seeded { .. } => "seeded",
        })
        .collect();
    for k in [
        "attached", "merged", "split", "updated", "removed", "retired",
    ] {
        assert!(kinds.contains(k), "no {k} event");
    }
}

fn file_holds(path: &Path, needle: &str) -> bool {
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        files.push(PathBuf::from(p));
    }
    files.iter().any(|f| {
        std::fs::read(f)
            .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

#[test]
fn a_removed_record_leaves_no_value_in_the_file() {
    let (data, res) = sample();
    let path = temp("forget");
    let store = IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .persist(&path, &StoreOptions::default())
        .unwrap();
    let web = store.add_source("web");
    let secret = "Zorbuquaxeline";
    let mail = "zorbuquax.9137@example.org";
    store
        .add(person(
            web,
            "forget-me",
            &[
                (K::GivenName, secret),
                (K::Surname, "Prendergast"),
                (K::Email, mail),
            ],
        ))
        .unwrap();
    assert!(file_holds(&path, secret), "the value is written");
    store.remove("web", "forget-me").unwrap();
    for needle in [secret, mail, "zorbuquax"] {
        assert!(!file_holds(&path, needle), "'{needle}' left in the file");
    }
    // The event log names the record, never its values.
    let log = serde_json::to_string(&store.events_since(0)).unwrap();
    assert!(log.contains("forget-me") && !log.contains("orbuquax"));
    store.close().unwrap();
    assert!(!file_holds(&path, "orbuquax"));
}

#[test]
fn opening_a_snapshot_imports_it() {
    let (data, res) = sample();
    let path = temp("import");
    let memory = IdentityStore::from_resolution(&data, &res).unwrap();
    changes(&memory, &data);
    memory.save(&path).unwrap();
    let imported = IdentityStore::open(&path, &StoreOptions::default()).unwrap();
    assert_eq!(content(&imported), content(&memory));
    assert_eq!(imported.events_since(0), memory.events_since(0));
    drop(imported);
    // Now a database, with the snapshot kept beside it.
    let again = IdentityStore::open(&path, &StoreOptions::default()).unwrap();
    assert_eq!(content(&again), content(&memory));
    let backup = PathBuf::from(format!("{}.snapshot", path.display()));
    assert_eq!(
        content(&IdentityStore::load(&backup).unwrap()),
        content(&memory)
    );
    // And exported again as a snapshot.
    let export = path.with_extension("export");
    again.save(&export).unwrap();
    assert_eq!(
        content(&IdentityStore::load(&export).unwrap()),
        content(&memory)
    );
}

#[test]
fn a_damaged_store_file_is_a_clear_error() {
    let (data, res) = sample();
    let path = temp("damage");
    IdentityStore::from_resolution(&data, &res)
        .unwrap()
        .persist(&path, &StoreOptions::default())
        .unwrap()
        .close()
        .unwrap();
    let good = std::fs::read(&path).unwrap();
    let broken = path.with_extension("broken");
    let refused = |bytes: &[u8], what: &str| {
        std::fs::write(&broken, bytes).unwrap();
        match IdentityStore::open(&broken, &StoreOptions::default()) {
            Err(Error::StoreFile { reason, .. }) => reason,
            Ok(_) => panic!("{what}: a damaged file opened as a store"),
            Err(e) => panic!("{what}: unexpected error {e}"),
        }
    };
    for cut in [
        0,
        10,
        100,
        good.len() / 3,
        good.len() / 2,
        good.len() - 4096,
    ] {
        let reason = refused(&good[..cut], &format!("truncated to {cut}"));
        assert!(!reason.is_empty());
    }
    // A flipped byte in every 4 KB page past the header, each on its own.
    let pages = good.len() / 4096;
    for page in 1..pages {
        let mut bad = good.clone();
        let at = page * 4096 + 2048;
        bad[at] ^= 0x20;
        std::fs::write(&broken, &bad).unwrap();
        if let Ok(s) = IdentityStore::open(&broken, &StoreOptions::default()) {
            // Only a flip in unused space may go unnoticed: then the
            // store must be the one written.
            assert_eq!(
                store_clusters(&s, &data),
                res.clustering.cluster_of,
                "page {page}"
            );
            let all: Vec<_> = data
                .records
                .iter()
                .map(|r| s.record(&data.sources[r.source as usize], &r.id))
                .collect();
            assert!(
                all.iter()
                    .zip(&data.records)
                    .all(|(a, b)| a.as_ref() == Some(b)),
                "page {page}"
            );
        }
    }
    let reason = refused(b"not a store at all, just some text here", "text");
    assert!(reason.contains("not a linkage store"), "{reason}");
}
