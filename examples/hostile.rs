//! Hostile inputs at scale: writes each file in a scratch directory, reads
//! and resolves it as `resolve` does (`read_csv_files`, then a `Resolver`
//! under a memory budget; models through `Settings::load`), and prints one
//! table row per case: what happened, wall time, peak RSS against the
//! budget. Each case runs in a process of its own (so peaks are apart) and
//! its file is deleted afterwards.
//!
//! ```text
//! cargo run --release --example hostile -- [--dir /tmp] [--scale 1] [--budget 1G] [CASE...]
//! ```
//!
//! Cases (sizes at `--scale 1`): `one-field` (a 2 GB file that is one
//! field), `long-line` (a 100 MB line without a newline), `identical-rows`
//! (1M rows identical but for the id), `same-ids` (1M identical rows, id
//! included), `wide` (10,000 columns), `one-key` (500,000 records sharing
//! every blocking key), `deep-json` (a model condition nested a million deep),
//! `huge-json` (a 1 GB model), `many-comparisons` (a valid model of 20,000
//! comparisons). A case fails (exit 1) on a panic or a peak over 1.2 times
//! the budget; a clear error is a pass.

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use linkage::input::{read_csv_files, CsvOptions};
use linkage::{Resolver, Settings};

const CASES: &[&str] = &[
    "one-field",
    "long-line",
    "identical-rows",
    "same-ids",
    "wide",
    "one-key",
    "deep-json",
    "huge-json",
    "many-comparisons",
];

struct Args {
    dir: PathBuf,
    scale: f64,
    budget: u64,
    cases: Vec<String>,
    child: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        dir: std::env::temp_dir(),
        scale: 1.0,
        budget: 1 << 30,
        cases: Vec::new(),
        child: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--dir" => args.dir = value()?.into(),
            "--scale" => {
                args.scale = value()?
                    .parse()
                    .map_err(|_| "--scale: not a number".to_string())?
            }
            "--budget" => args.budget = common::parse_bytes(&value()?)?,
            "--child" => args.child = true,
            c if CASES.contains(&c) => args.cases.push(c.to_string()),
            other => return Err(format!("unknown case or option {other}; cases: {CASES:?}")),
        }
    }
    if args.cases.is_empty() {
        args.cases = CASES.iter().map(|c| c.to_string()).collect();
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if args.child {
        let case = &args.cases[0];
        let ok = run_case(case, &args).unwrap_or_else(|e| {
            eprintln!("{case}: could not write the file: {e}");
            false
        });
        std::process::exit(if ok { 0 } else { 1 });
    }
    println!("| case | input | outcome | time | peak RSS | budget |\n|---|---|---|---|---|---|");
    let exe = std::env::current_exe().expect("own path");
    let mut failed = 0;
    for case in &args.cases {
        let status = Command::new(&exe)
            .args(["--child", case, "--dir"])
            .arg(&args.dir)
            .args(["--scale", &args.scale.to_string()])
            .args(["--budget", &args.budget.to_string()])
            .status()
            .expect("the case runs");
        if !status.success() {
            failed += 1;
        }
    }
    if failed > 0 {
        eprintln!("{failed} case(s) failed");
        std::process::exit(1);
    }
}

/// Writes the case's file, runs it and prints its row; false when it
/// panicked or went over budget.
fn run_case(case: &str, args: &Args) -> std::io::Result<bool> {
    let scaled = |n: f64| ((n * args.scale) as u64).max(1);
    let dir = args
        .dir
        .join(format!("linkage-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let json = case.ends_with("json") || case == "many-comparisons";
    let file = dir.join(format!("{case}.{}", if json { "json" } else { "csv" }));
    let input = match case {
        "one-field" => {
            let n = scaled(2.0 * (1u64 << 30) as f64);
            write_repeated(&file, b"id\n", b"a", n)?;
            format!("{} one field", size(n))
        }
        "long-line" => {
            let n = scaled(100.0 * (1u64 << 20) as f64);
            write_repeated(&file, b"", b"Ann,Lee,", n / 8)?;
            format!("{} line, no newline", size(n))
        }
        "identical-rows" | "same-ids" => {
            let n = scaled(1e6);
            let mut w = BufWriter::new(File::create(&file)?);
            writeln!(
                w,
                "id,first_name,last_name,email,phone,street,city,postcode,dob"
            )?;
            for i in 0..n {
                let id = if case == "same-ids" { 0 } else { i };
                writeln!(w, "{id},Ann,Lee,ann.lee@example.org,555-010-2000,12 Main St,Springfield,62704,1980-02-03")?;
            }
            w.flush()?;
            format!("{n} rows")
        }
        "wide" => {
            let cols = scaled(10_000.0);
            let rows = 1_000;
            let mut w = BufWriter::new(File::create(&file)?);
            let header: Vec<String> = (0..cols).map(|c| format!("field{c}")).collect();
            writeln!(w, "id,{}", header.join(","))?;
            for r in 0..rows {
                let row: Vec<String> = (0..cols)
                    .map(|c| format!("v{}", (r * 7 + c) % 97))
                    .collect();
                writeln!(w, "{r},{}", row.join(","))?;
            }
            w.flush()?;
            format!("{cols} columns x {rows} rows")
        }
        "one-key" => {
            let n = scaled(500_000.0);
            let mut w = BufWriter::new(File::create(&file)?);
            writeln!(w, "id,first_name,last_name,email,phone,postcode,dob")?;
            for i in 0..n {
                // Every record: one surname, postcode and birth date; given
                // names, emails and phones all differ.
                writeln!(
                    w,
                    "{i},{},Lee,p{i}@example.org,555-{:03}-{:04},62704,1980-02-03",
                    letters(i),
                    i / 10_000,
                    i % 10_000
                )?;
            }
            w.flush()?;
            format!("{n} records, one key")
        }
        "deep-json" => {
            let n = scaled(1e6);
            // Nested where the model is parsed (not an ignored field).
            let mut w = BufWriter::new(File::create(&file)?);
            // A level whose condition is `all` of `all` of ... n deep.
            w.write_all(b"{\"prior\": 0.0001, \"threshold\": 0.9, \"comparisons\": [{\"name\": \"deep\", \"levels\": [{\"label\": \"deep\", \"m\": 0.9, \"u\": 0.1, \"when\": ")?;
            for _ in 0..n {
                w.write_all(b"{\"type\": \"all\", \"of\": [")?;
            }
            for _ in 0..n {
                w.write_all(b"]}")?;
            }
            w.write_all(b"}, {\"label\": \"else\", \"m\": 0.1, \"u\": 0.9, \"when\": {\"type\": \"else\"}}]}]}")?;
            w.flush()?;
            format!("{} deep", n)
        }
        "huge-json" => {
            let n = scaled((1u64 << 30) as f64);
            let mut w = BufWriter::new(File::create(&file)?);
            w.write_all(
                b"{\"prior\": 0.0001, \"threshold\": 0.9, \"comparisons\": [], \"note\": \"",
            )?;
            let chunk = vec![b'x'; 1 << 16];
            let mut left = n;
            while left > 0 {
                let k = left.min(chunk.len() as u64) as usize;
                w.write_all(&chunk[..k])?;
                left -= k as u64;
            }
            w.write_all(b"\"}")?;
            w.flush()?;
            format!("{} model", size(n))
        }
        "many-comparisons" => {
            let n = scaled(20_000.0) as usize;
            let mut s = Settings::for_kinds(&[linkage::FieldKind::Surname]);
            let one = s.comparisons[0].clone();
            s.comparisons = (0..n)
                .map(|i| {
                    let mut c = one.clone();
                    c.name = format!("{}{i}", c.name);
                    c
                })
                .collect();
            s.save(&file).map_err(std::io::Error::other)?;
            format!("{n} comparisons, {}", size(std::fs::metadata(&file)?.len()))
        }
        _ => unreachable!("cases are checked when parsed"),
    };
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(|| match case {
        _ if json => run_model(&file),
        _ => run_csv(&file, args.budget),
    });
    let secs = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let peak = common::peak_rss_mb().unwrap_or(0.0);
    let over = peak > 1.2 * (args.budget as f64 / (1u64 << 20) as f64);
    let text = match &outcome {
        // The scratch directory left out of messages (the table stays short).
        Ok(t) => t.replace(&format!("{}/", dir.display()), ""),
        Err(_) => "PANIC".to_string(),
    };
    println!(
        "| {case} | {input} | {text} | {secs:.1} s | {peak:.0} MB{} | {} |",
        if over { " (over)" } else { "" },
        size(args.budget)
    );
    Ok(outcome.is_ok() && !over)
}

/// Reads and resolves a CSV file as `resolve` does.
fn run_csv(file: &Path, budget: u64) -> String {
    let (data, _, _) = match read_csv_files(&[file], &CsvOptions::default()) {
        Ok(d) => d,
        Err(e) => return format!("error: {e}"),
    };
    let resolver = match Resolver::new(Settings::default()) {
        Ok(r) => r.memory_budget(budget),
        Err(e) => return format!("error: {e}"),
    };
    match resolver.resolve(&data) {
        Ok(r) => format!(
            "{} records -> {} clusters, {} pairs{}",
            data.len(),
            r.clustering.cluster_count(),
            r.candidate_pairs,
            if r.pairs_streamed { " (streamed)" } else { "" }
        ),
        Err(e) => format!("error: {e}"),
    }
}

/// Loads a model as `resolve --config` does and resolves a small sample.
fn run_model(file: &Path) -> String {
    let settings = match Settings::load(file) {
        Ok(s) => s,
        Err(e) => return format!("error: {e}"),
    };
    let data = linkage::synth::generate(&linkage::synth::SynthOptions {
        customers: 50,
        ..Default::default()
    });
    match Resolver::new(settings).and_then(|r| r.resolve(&data.dataset)) {
        Ok(r) => format!("resolved, {} clusters", r.clustering.cluster_count()),
        Err(e) => format!("error: {e}"),
    }
}

/// A distinct given name for each number (`Baaab`: digits are no name).
fn letters(mut i: u64) -> String {
    let mut name = String::from("B");
    for _ in 0..5 {
        name.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
    }
    name
}

/// Writes `head`, then `unit` repeated until `n` bytes of it.
fn write_repeated(file: &Path, head: &[u8], unit: &[u8], n: u64) -> std::io::Result<()> {
    let mut w = BufWriter::new(File::create(file)?);
    w.write_all(head)?;
    let chunk: Vec<u8> = unit
        .iter()
        .copied()
        .cycle()
        .take(unit.len() * 8192)
        .collect();
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..k])?;
        left -= k as u64;
    }
    w.flush()
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.0} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
