//! Every example program, run on the bundled sample in `examples/data/`.

use std::process::Command;

/// `cargo run --example NAME -- ARGS` in the profile the tests run in.
fn example_command(name: &str, args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", name]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    cmd.arg("--").args(args);
    cmd
}

/// Runs an example and asserts that it succeeds.
fn cargo_example(name: &str, args: &[&str]) -> std::process::Output {
    let out = example_command(name, args).output().expect("cargo runs");
    assert!(
        out.status.success(),
        "example {name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn resolve_runs_on_the_bundled_sample_and_writes_every_output() {
    let dir = std::env::temp_dir().join(format!("linkage-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clusters = dir.join("clusters.csv");
    let pairs = dir.join("pairs.csv");
    let model = dir.join("model.json");
    let golden = dir.join("golden.csv");
    let out = cargo_example(
        "resolve",
        &[
            "--quiet",
            "--out",
            clusters.to_str().unwrap(),
            "--pairs",
            pairs.to_str().unwrap(),
            "--save-model",
            model.to_str().unwrap(),
            "--golden",
            golden.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let f1: f64 = stdout
        .split_whitespace()
        .skip_while(|w| *w != "F1")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no F1 in {stdout}"));
    assert!(f1 > 0.9, "F1 on the bundled sample: {f1}");
    // One row per input record.
    let rows = std::fs::read_to_string(&clusters).unwrap().lines().count() - 1;
    let truth_rows = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/truth.csv"
    ))
    .unwrap()
    .lines()
    .count()
        - 1;
    assert_eq!(rows, truth_rows);
    assert!(std::fs::read_to_string(&pairs)
        .unwrap()
        .contains("given_name_level"));
    // The saved model is reused as it is: same clusters.
    let again = dir.join("again.csv");
    cargo_example(
        "resolve",
        &[
            "--quiet",
            "--config",
            model.to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&clusters).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
    // A memory budget below what the pairs need streams them: same clusters.
    let streamed = dir.join("streamed.csv");
    cargo_example(
        "resolve",
        &[
            "--quiet",
            "--memory-budget",
            "64K",
            "--out",
            streamed.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&clusters).unwrap(),
        std::fs::read_to_string(&streamed).unwrap()
    );
    let bad = example_command("resolve", &["--memory-budget", "lots"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--memory-budget: 'lots'"));
    // Golden records: a profile for every cluster, each value with its source.
    let golden = std::fs::read_to_string(&golden).unwrap();
    let mut lines = golden.lines();
    assert_eq!(
        lines.next(),
        Some("identity,field,value,source,record_id,decided_by,support,conflict")
    );
    let identities: std::collections::BTreeSet<&str> =
        lines.filter_map(|l| l.split(',').next()).collect();
    let clusters_file = std::fs::read_to_string(&clusters).unwrap();
    let cluster_ids: std::collections::BTreeSet<&str> = clusters_file
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit(',').next())
        .collect();
    assert_eq!(identities, cluster_ids);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn generate_is_deterministic() {
    let dir = std::env::temp_dir().join(format!("linkage-generate-{}", std::process::id()));
    for sub in ["a", "b"] {
        cargo_example(
            "generate",
            &[
                "--customers",
                "300",
                "--seed",
                "2026",
                "--out",
                dir.join(sub).to_str().unwrap(),
            ],
        );
    }
    for f in ["crm.csv", "pos.csv", "web.csv", "billing.csv", "truth.csv"] {
        let a = std::fs::read(dir.join("a").join(f)).unwrap();
        let b = std::fs::read(dir.join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs between runs");
        // The bundled sample is this very output.
        let bundled = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/data")
                .join(f),
        )
        .unwrap();
        assert!(
            a == bundled,
            "examples/data/{f} is not the generator's output (regenerate it: see README)"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn resolve_reports_bad_input_without_printing_records() {
    let dir = std::env::temp_dir().join(format!("linkage-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.csv");
    std::fs::write(
        &f,
        "id,first_name,email\n1,Secretname,a@b.com\n2,Other,x@y.com,extra\n",
    )
    .unwrap();
    let out = example_command("resolve", &[f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("row 3") && err.contains("4 fields where the header has 3"),
        "{err}"
    );
    assert!(
        !err.contains("Secretname") && !err.contains("x@y.com"),
        "error leaks record values: {err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn resolve_takes_column_corrections_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("linkage-columns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // No header row, but nothing in the first row says so (no long numbers,
    // no emails): only --no-header reads it as a record.
    let f = dir.join("people.csv");
    std::fs::write(
        &f,
        "r1,Ann,Lee,Acme\nr2,Ann,Lee,Acme\nr3,Bo,Ray,Zed\nr4,Cy,Fox,Yew\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut all = vec![f.to_str().unwrap()];
        all.extend_from_slice(args);
        example_command("resolve", &all).output().unwrap()
    };
    let out = run(&[
        "--no-header",
        "--column",
        "column2=given_name",
        "--column",
        "people:column3=surname",
        "--ignore",
        "column4",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("read 4 records"), "{err}");
    assert!(err.contains("no header row"), "{err}");
    for (column, kind) in [
        ("column2", "given_name"),
        ("column3", "surname"),
        ("column4", "ignore"),
    ] {
        assert!(
            err.lines().any(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.len() >= 4
                    && w[0] == column
                    && w[2] == kind
                    && w[3] == "1.00"
                    && l.contains("given by the user")
            }),
            "{column} -> {kind}: {err}"
        );
    }
    // Detected, the first row is the header: one record fewer.
    let out = run(&["--column", "Ann=given_name"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("read 3 records"),
        "{err}"
    );
    // Mistakes are errors naming the flag and the header.
    for (args, says) in [
        (
            &["--column", "Zip=zipcode"][..],
            "--column 'Zip=zipcode': unknown kind 'zipcode'",
        ),
        (
            &["--column", "Zip=postcode"],
            "--column 'Zip=postcode': no input file has a column 'Zip'",
        ),
        (
            &["--ignore", "crm:Ann"],
            "--ignore 'crm:Ann': no input file is named 'crm'",
        ),
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(says), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bench_reports_a_row_per_size() {
    let out = cargo_example("bench", &["--sizes", "1500,3000"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| records"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in rows {
        let f1: f64 = row
            .trim_end_matches(" |")
            .rsplit("| ")
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(f1 > 0.9, "{row}");
    }
}

#[test]
fn bench_runs_both_populations_and_diagnoses_impure_clusters() {
    let out = cargo_example(
        "bench",
        &[
            "--sizes",
            "3000",
            "--variants",
            "default,namesakes",
            "--diagnose",
            "20",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| records"))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!((rows[0][1], rows[1][1]), ("default", "namesakes"), "{text}");
    for row in &rows {
        let figures: Vec<f64> = row[row.len() - 3..]
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        let (precision, recall, f1) = (figures[0], figures[1], figures[2]);
        assert!(precision > 0.8 && recall > 0.9, "{row:?}");
        let harmonic = 2.0 * precision * recall / (precision + recall);
        assert!((f1 - harmonic).abs() < 1e-3, "{row:?}");
    }
    // One diagnosis per run, after the table.
    assert_eq!(text.matches("impure clusters of").count(), 2, "{text}");
    assert!(text.contains("how the two people of the strongest cross link relate"));
}

#[test]
fn generate_namesakes_is_deterministic_and_differs_from_the_default() {
    let dir = std::env::temp_dir().join(format!("linkage-namesakes-{}", std::process::id()));
    for (sub, extra) in [("a", true), ("b", true), ("c", false)] {
        let out = dir.join(sub);
        let mut args = vec!["--customers", "400", "--out", out.to_str().unwrap()];
        if extra {
            args.push("--namesakes");
        }
        cargo_example("generate", &args);
    }
    for f in ["crm.csv", "pos.csv", "web.csv", "billing.csv", "truth.csv"] {
        let read = |sub: &str| std::fs::read(dir.join(sub).join(f)).unwrap();
        assert!(read("a") == read("b"), "{f} differs between runs");
        if f != "truth.csv" {
            assert!(read("a") != read("c"), "{f}: namesakes same as default");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn suppress_splits_prospects_into_known_and_new() {
    let dir = std::env::temp_dir().join(format!("linkage-suppress-{}", std::process::id()));
    let out = cargo_example("suppress", &["--out-dir", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let number_after = |word: &str| -> f64 {
        stdout
            .split_whitespace()
            .skip_while(|w| *w != word)
            .nth(1)
            .and_then(|v| v.trim_end_matches(',').parse().ok())
            .unwrap_or_else(|| panic!("no {word} in {stdout}"))
    };
    assert!(number_after("precision") >= 0.97, "{stdout}");
    assert!(number_after("recall") >= 0.95, "{stdout}");
    let rows = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    let prospects = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/web.csv"
    ))
    .unwrap();
    assert_eq!(
        rows("known.csv") + rows("new.csv"),
        prospects.lines().count() - 1
    );
    // New prospects are written as they were, header first.
    let new = std::fs::read_to_string(dir.join("new.csv")).unwrap();
    assert_eq!(new.lines().next(), prospects.lines().next());
    for line in new.lines().skip(1) {
        assert!(prospects.lines().any(|p| p == line), "row changed");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn store_bench_reports_latency_and_file_size() {
    let out = cargo_example("store_bench", &["--records", "3000", "--probes", "100"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "match_record (top 5)",
        "p99",
        "add, 100 records",
        "durable Normal: open",
        "durable Full: add, 100 records",
        "adds from 2 threads",
        "2 threads",
        "save",
        "load",
        "bytes/record",
        "F1",
    ] {
        assert!(stdout.contains(needle), "no '{needle}' in {stdout}");
    }
}

#[test]
fn load_drives_the_service_kills_it_and_finds_every_acknowledged_write() {
    // The service binary the load test starts.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--example", "serve"]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    assert!(build.status().expect("cargo runs").success());
    let out = cargo_example(
        "load",
        &["--clients", "2", "--requests", "300", "--customers", "300"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "| Match |",
        "| Add |",
        "server RSS",
        "SIGKILL after",
        "0 lost",
        "SIGTERM: server exited with exit status: 0",
    ] {
        assert!(stdout.contains(needle), "no '{needle}' in {stdout}");
    }
}

#[test]
fn hostile_runs_every_case_at_a_small_scale() {
    let dir = std::env::temp_dir().join(format!("linkage-hostile-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = cargo_example(
        "hostile",
        &["--scale", "0.0001", "--dir", dir.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The header, its rule, one row per case; no case over budget.
    assert_eq!(stdout.lines().count(), 2 + 9, "{stdout}");
    assert!(
        !stdout.contains("PANIC") && !stdout.contains("(over)"),
        "{stdout}"
    );
    // Each case deleted its file.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
