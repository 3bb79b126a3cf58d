//! Replays every kept fuzz crasher (`tests/data/fuzz/<target>/*`, the
//! minimized inputs of `fuzz/`'s targets) through the same invariant
//! checks the fuzz targets run, so each fixed bug stays fixed in an
//! ordinary `cargo test`, no fuzzer needed.

mod fuzz_checks;

use std::path::Path;

#[test]
fn every_kept_fuzz_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut replayed = 0;
    for (target, check) in fuzz_checks::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.is_file()) {
            let bytes = std::fs::read(file).unwrap();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name == "README.md" {
                continue;
            }
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{target}/{name} fails its target's checks");
            replayed += 1;
        }
    }
    println!("replayed {replayed} kept fuzz inputs");
}

/// Each kept `store_db_open` crasher is refused, both ways, for the reason
/// it was kept (its corruption hits bytes of the base file's present
/// layout: a change to the layout that moves them fails here, not
/// silently).
#[test]
fn kept_store_databases_are_refused_for_their_reason() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/store_db_open");
    for (file, reason) in [
        ("slot-count-of-168-million", "metadata's pages are damaged"),
        ("slot-count-beyond-the-log", "slot count"),
        // Dropped by hand from its page's cell list, which the event
        // log's b-tree check now finds first (the count check is the unit
        // test `a_log_shorter_than_its_recorded_count_is_refused`).
        ("last-event-row-dropped", "event log's pages are damaged"),
        (
            "event-page-cell-offsets-damaged",
            "event log's pages are damaged",
        ),
        ("model-threshold-digit-changed", "model fails its checksum"),
        ("source-name-changed", "source names fail"),
        ("meta-page-cells-overlap", "metadata's pages are damaged"),
        (
            "meta-key-renamed-and-sources-page-overwritten",
            "a key this format does not have",
        ),
        ("records-divider-key-zeroed", "records' pages are damaged"),
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        for got in fuzz_checks::store_db_open_refusals(&bytes) {
            let got = got.unwrap_or_else(|| panic!("{file} opened"));
            assert!(got.contains(reason), "{file}: {got}");
        }
    }
}

/// Every directory under `tests/data/fuzz/` is a target's (a misspelt
/// directory would silently replay nothing).
#[test]
fn every_kept_directory_names_a_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let Ok(entries) = std::fs::read_dir(&root) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        if e.path().is_dir() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(
                fuzz_checks::TARGETS.iter().any(|(t, _)| *t == name),
                "tests/data/fuzz/{name} is no fuzz target"
            );
        }
    }
}

/// The `store_db_open` target's base database, untouched, opens both
/// ways and holds its records (so the target reaches the store's checks,
/// not only the refusals), and a change to it lasts.
#[test]
fn the_untouched_store_database_opens_both_ways() {
    use linkage::store::{IdentityStore, StoreOptions};
    let base = fuzz_checks::base_db();
    let dir = std::env::temp_dir().join(format!("linkage-replay-{}-db", std::process::id()));
    for options in [StoreOptions::read_only(), StoreOptions::default()] {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        std::fs::write(&path, &base.bytes).unwrap();
        let store = IdentityStore::open(&path, &options).unwrap();
        assert!(store.len() > 5 && store.identity_count() > 1);
        assert!(store.events(0, usize::MAX).unwrap().len() > 3);
    }
    let _ = std::fs::remove_dir_all(&dir);
    // The target itself on the untouched file, with and without a change.
    fuzz_checks::store_db_open(&[0]);
    fuzz_checks::store_db_open(&[1]);
}

/// Writes the fuzzers' seed corpora to `fuzz/corpus/<target>/` from the
/// bundled sample, the normalizer case files and synthetic customers
/// (`cargo test --release --test fuzz_replay -- --ignored`; see README
/// "Fuzzing"). Ignored by default: it writes files.
#[test]
#[ignore]
fn write_seed_corpus() {
    use linkage::{synth, FieldKind, Resolver, Settings};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("fuzz/corpus");
    let write = |target: &str, name: String, bytes: &[u8]| {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    // Whole files: the sample's and the case files' first lines.
    let mut csvs: Vec<_> = ["examples/data", "tests/data"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    for p in &csvs {
        let text = std::fs::read_to_string(p).unwrap();
        let head: Vec<&str> = text.lines().take(30).collect();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        write(
            "csv_read",
            format!("seed-{stem}"),
            head.join("\n").as_bytes(),
        );
        write(
            "csv_read",
            format!("seed-{stem}-semicolon"),
            head.join("\n").replace(',', ";").as_bytes(),
        );
    }
    // Normalizer inputs: the first column of each case file.
    for (file, target) in [
        ("names", "normalize_name"),
        ("emails", "normalize_email"),
        ("phones", "normalize_phone"),
        ("streets", "normalize_address"),
        ("dates", "normalize_date"),
    ] {
        let text = std::fs::read_to_string(root.join(format!("tests/data/{file}.csv"))).unwrap();
        for (i, line) in text.lines().skip(1).enumerate() {
            let cell = line.split(',').next().unwrap_or("").trim_matches('"');
            write(target, format!("seed-{i}"), cell.as_bytes());
        }
    }
    for (i, org) in [
        "Acme Holdings GmbH & Co. KG",
        "International Business Machines Corp.",
        "Morton's Steak House, Inc",
        "N. V. Philips' Gloeilampenfabrieken",
        "The Child Care Ctr of St. Louis",
        "S.p.A. Fiat",
        "Smith & Sons Mfg Ltd",
    ]
    .iter()
    .enumerate()
    {
        write(
            "normalize_organisation",
            format!("seed-{i}"),
            org.as_bytes(),
        );
    }
    // Records in the targets' text form.
    let data = synth::generate(&synth::SynthOptions {
        customers: 40,
        seed: 16,
        ..synth::SynthOptions::default()
    });
    let line = |r: &linkage::Record| -> String {
        r.fields
            .iter()
            .map(|(k, v)| {
                let i = FieldKind::ALL.iter().position(|x| x == k).unwrap() as u32;
                format!("{}{}", char::from_u32('0' as u32 + i).unwrap(), v)
            })
            .collect::<Vec<_>>()
            .join("\t")
    };
    let records = &data.dataset.records;
    for (i, pair) in records.windows(2).step_by(3).take(40).enumerate() {
        let text = format!("{}\n{}", line(&pair[0]), line(&pair[1]));
        write("compare_pair", format!("seed-{i}"), text.as_bytes());
    }
    for (i, chunk) in records.chunks(8).take(12).enumerate() {
        let text: Vec<String> = chunk.iter().map(line).collect();
        write(
            "resolve_small",
            format!("seed-{i}"),
            text.join("\n").as_bytes(),
        );
    }
    // Settings: defaults, defaults for every kind, a trained model.
    write(
        "settings_json",
        "seed-default".into(),
        Settings::default().to_json().as_bytes(),
    );
    write(
        "settings_json",
        "seed-all-kinds".into(),
        Settings::for_kinds(&FieldKind::ALL).to_json().as_bytes(),
    );
    let resolution = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data.dataset)
        .unwrap();
    write(
        "settings_json",
        "seed-trained".into(),
        resolution.settings.to_json().as_bytes(),
    );
    // Store snapshots: raw (first byte even) and payload only (odd).
    let small = synth::generate(&synth::SynthOptions {
        customers: 6,
        seed: 16,
        ..synth::SynthOptions::default()
    });
    let res = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&small.dataset)
        .unwrap();
    let store = linkage::store::IdentityStore::from_resolution(&small.dataset, &res).unwrap();
    let bytes = store.to_bytes().unwrap();
    let mut raw = vec![0u8];
    raw.extend_from_slice(&bytes);
    write("store_snapshot", "seed-raw".into(), &raw);
    let mut payload = vec![1u8];
    payload.extend_from_slice(&bytes[24..]);
    write("store_snapshot", "seed-payload".into(), &payload);
    // Store databases: the base file untouched, with a change (first
    // byte 1), and each kind of corruption once.
    let base = fuzz_checks::base_db();
    let len = (base.bytes.len() as u32).to_le_bytes();
    let half = (base.bytes.len() as u32 / 2).to_le_bytes();
    let op = |code: u8, at: [u8; 4], more: &[u8]| {
        let mut v = vec![code];
        v.extend_from_slice(&at);
        v.extend_from_slice(more);
        v
    };
    let seeds: [(&str, Vec<u8>); 7] = [
        ("seed-untouched", vec![0]),
        ("seed-change", vec![1]),
        (
            "seed-overwrite",
            [vec![1], op(0, half, &[3, 0xff, 0, 0x7f, 1])].concat(),
        ),
        ("seed-truncate", [vec![0], op(1, half, &[])].concat()),
        (
            "seed-page-copy",
            [vec![1], op(2, [1, 0, 2, 0], &[])].concat(),
        ),
        (
            "seed-page-zero",
            [vec![1], op(3, [3, 0, 0, 0], &[])].concat(),
        ),
        (
            "seed-xor",
            [vec![1], op(4, [100, 0, 0, 0], &[0x10]), op(4, len, &[1])].concat(),
        ),
    ];
    for (name, bytes) in seeds {
        write("store_db_open", name.into(), &bytes);
    }
    // Near each metadata key (values without a checksum): the byte after
    // it and the record header before it changed.
    for key in [
        "slot_count",
        "next_identity",
        "clock",
        "format",
        "placeholders",
    ] {
        let Some(at) = base
            .bytes
            .windows(key.len())
            .position(|w| w == key.as_bytes())
        else {
            continue;
        };
        for (i, delta) in [(at + key.len(), 0x40u8), (at.saturating_sub(2), 0x07)]
            .into_iter()
            .enumerate()
        {
            let seed = [vec![0], op(4, (delta.0 as u32).to_le_bytes(), &[delta.1])].concat();
            write("store_db_open", format!("seed-meta-{key}-{i}"), &seed);
        }
    }
    std::fs::write(corpus.join("store_db_open.base.db"), &base.bytes).unwrap();
}
