//! Hostile inputs, small and fast: each ends in a clear error or a bounded
//! run, never a panic. The same cases at full scale (a 2 GB field, 1M
//! rows, ...) with their memory figures are `examples/hostile.rs`.

use std::path::Path;

use linkage::input::{read_csv, read_csv_file, CsvOptions, LoadReport, MAX_ROW_BYTES};
use linkage::{Dataset, Error, Resolver, Settings};

fn read(bytes: &[u8]) -> linkage::Result<Dataset> {
    let mut data = Dataset::default();
    read_csv(
        bytes,
        Path::new("hostile.csv"),
        "hostile",
        &CsvOptions::default(),
        &mut data,
        &mut LoadReport::default(),
    )?;
    Ok(data)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "linkage-hostile-test-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_field_longer_than_the_row_limit_is_an_error_naming_its_row() {
    let mut text = b"id,name\n1,Ann\n2,".to_vec();
    // Past the limit by more than the parser's read-ahead (64 KiB).
    text.resize(text.len() + MAX_ROW_BYTES as usize + (128 << 10), b'a');
    text.extend_from_slice(b"\n3,Bob\n");
    match read(&text) {
        Err(Error::BadRow { row, reason, .. }) => {
            assert_eq!(row, 3);
            assert!(reason.contains("longer than 8 MiB"), "{reason}");
            assert!(!reason.contains("aaaa"), "the value is not in the message");
        }
        Err(other) => panic!("expected a row error, got {other}"),
        Ok(data) => panic!("read {} records", data.len()),
    }
}

#[test]
fn a_file_without_line_breaks_is_an_error_at_row_1() {
    let text: Vec<u8> = b"Ann,Lee,"
        .iter()
        .copied()
        .cycle()
        .take(MAX_ROW_BYTES as usize + (128 << 10))
        .collect();
    match read(&text) {
        Err(err) => assert!(matches!(err, Error::BadRow { row: 1, .. }), "{err}"),
        Ok(data) => panic!("read {} records", data.len()),
    }
}

#[test]
fn a_long_field_under_the_limit_reads() {
    let mut text = b"id,name,email\n1,Ann Lee,ann@example.org\n2,".to_vec();
    text.resize(text.len() + (1 << 20), b'a');
    text.extend_from_slice(b",bob@example.org\n");
    let data = read(&text).unwrap();
    assert_eq!(data.len(), 2);
    let res = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data)
        .unwrap();
    assert_eq!(res.clustering.cluster_of.len(), 2);
}

#[test]
fn a_wide_file_reads_every_row_from_a_bounded_sample() {
    let cols = 1_500;
    let rows = 800;
    let mut text = String::from("id,first_name,last_name");
    // Names without four digits (`extra1234` would make the header look
    // like a row of ids: `input::format::looks_like_data`).
    let letters = |c: usize| -> String {
        [c / 676, c / 26 % 26, c % 26]
            .iter()
            .map(|&d| (b'a' + d as u8) as char)
            .collect()
    };
    for c in 0..cols {
        text.push_str(&format!(",extra_{}", letters(c)));
    }
    text.push('\n');
    for r in 0..rows {
        text.push_str(&format!("{r},Ann{},Lee", r % 7));
        for c in 0..cols {
            text.push_str(&format!(",{}", (r + c) % 13));
        }
        text.push('\n');
    }
    let path = scratch("wide.csv");
    std::fs::write(&path, &text).unwrap();
    let mut data = Dataset::default();
    let schema = read_csv_file(
        &path,
        "wide",
        &CsvOptions::default(),
        &mut data,
        &mut LoadReport::default(),
    )
    .unwrap();
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    assert_eq!(schema.header, Some(true));
    assert_eq!(data.len(), rows);
    assert_eq!(schema.columns.len(), cols + 3);
    assert!(linkage::input::sample::sample_rows(cols + 3) < linkage::infer::SAMPLE_ROWS);
}

#[test]
fn identical_rows_resolve_with_every_record_in_one_cluster() {
    let mut text = String::from("id,first_name,last_name,email,phone,postcode,dob\n");
    for i in 0..3_000 {
        text.push_str(&format!(
            "{i},Ann,Lee,ann.lee@example.org,555-010-2000,62704,1980-02-03\n"
        ));
    }
    let data = read(text.as_bytes()).unwrap();
    let settings = Settings::default();
    let res = Resolver::new(settings).unwrap().resolve(&data).unwrap();
    assert_eq!(res.clustering.cluster_of.len(), data.len());
    // Windowed, not all pairs: the block of 3,000 gives no 4.5 million pairs.
    assert!(res.candidate_pairs < 100_000, "{}", res.candidate_pairs);
}

#[test]
fn identical_rows_with_one_id_are_a_duplicate_id_error() {
    let mut text = String::from("id,name,email\n");
    for _ in 0..1_000 {
        text.push_str("7,Ann Lee,ann@example.org\n");
    }
    let err = read(text.as_bytes()).expect_err("a repeated id");
    assert!(
        matches!(
            err,
            Error::DuplicateId {
                row: 3,
                first_row: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn one_blocking_key_shared_by_every_record_keeps_pairs_in_proportion() {
    let n = 4_000;
    let mut text = String::from("id,first_name,last_name,email,postcode,dob\n");
    for i in 0..n {
        text.push_str(&format!(
            "{i},Given{i},Lee,p{i}@example.org,62704,1980-02-03\n"
        ));
    }
    let data = read(text.as_bytes()).unwrap();
    let settings = Settings::default();
    let per_record = settings.blocking.max_pairs_per_record as u64;
    let res = Resolver::new(settings).unwrap().resolve(&data).unwrap();
    assert_eq!(res.clustering.cluster_of.len(), n);
    assert!(
        res.candidate_pairs <= per_record * n as u64,
        "{} pairs for {n} records",
        res.candidate_pairs
    );
}

#[test]
fn deeply_nested_model_json_is_an_error() {
    let depth = 100_000;
    let mut json = String::from(
        r#"{"prior": 0.0001, "threshold": 0.9, "comparisons": [{"name": "deep", "levels": [{"label": "deep", "m": 0.9, "u": 0.1, "when": "#,
    );
    json.push_str(&r#"{"type": "all", "of": ["#.repeat(depth));
    json.push_str(&"]}".repeat(depth));
    json.push_str("}]}]}");
    let err = Settings::from_json(&json).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn a_model_file_over_the_size_limit_is_refused_unread() {
    let path = scratch("huge.json");
    // Sparse: no 65 MB written.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(linkage::settings::MAX_SETTINGS_BYTES + 1)
        .unwrap();
    drop(f);
    let err = Settings::load(&path).unwrap_err();
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    assert!(err.to_string().contains("over the 64 MiB"), "{err}");
}

#[test]
fn a_model_with_too_many_comparisons_is_refused() {
    let mut s = Settings::for_kinds(&[linkage::FieldKind::Surname]);
    let one = s.comparisons[0].clone();
    s.comparisons = (0..=linkage::settings::MAX_COMPARISONS)
        .map(|i| {
            let mut c = one.clone();
            c.name = format!("c{i}");
            c
        })
        .collect();
    let err = Resolver::new(s).unwrap_err();
    assert!(err.to_string().contains("comparisons"), "{err}");
    // The defaults for every kind stay well within it.
    let all = Settings::for_kinds(&linkage::FieldKind::ALL);
    assert!(all.comparisons.len() <= linkage::settings::MAX_COMPARISONS / 2);
    Resolver::new(all).unwrap();
}

#[test]
fn a_model_asking_for_endless_training_is_refused() {
    // Kept from fuzzing: 2 billion EM iterations with a tolerance of 0.
    let mut s = Settings::default();
    s.training.max_iterations = 2_065_624_700;
    s.training.tolerance = 0.0;
    let err = Resolver::new(s).unwrap_err();
    assert!(err.to_string().contains("EM iterations"), "{err}");
    let mut s = Settings::default();
    s.training.u_sample_pairs = usize::MAX;
    assert!(Resolver::new(s).is_err());
}
