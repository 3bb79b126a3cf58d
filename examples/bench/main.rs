//! End-to-end benchmark on generated data: for each size and population,
//! generate the customers, write them as CSV, then time read, the
//! pipeline's stages and writing the clusters, and report candidate pairs,
//! pairs per second, peak memory, and precision, recall and F1 against the
//! generator's truth. For each size, generating the files and resolving
//! them run in two processes of their own, so the peak memory reported is
//! the resolving run's alone.
//!
//! ```text
//! cargo run --release --example bench -- --sizes 10000,100000,1000000
//! cargo run --release --example bench -- --sizes 1000000 --variants default,namesakes
//! cargo run --release --example bench -- --sizes 1000000 --namesakes --diagnose 1000
//! ```
//!
//! `--variants` lists the populations (`default`, `namesakes`; `--namesakes`
//! is `--variants namesakes`): the namesake population has Zipf-like names
//! and towns, namesakes of one birth year and town, fathers and sons, twins
//! (`linkage::synth::Population::Namesakes`). `--diagnose N` samples up to
//! N impure clusters of each run and prints what joined them after the
//! table (`diagnose.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use linkage::eval::{evaluate, Truth};
use linkage::input::{read_csv_files, CsvOptions};
use linkage::synth::{generate, write_csv, Population, SynthOptions};
use linkage::{output, Resolver, Settings};

#[path = "../common/mod.rs"]
mod common;
mod diagnose;

const HEADER: &str = "| records | population | candidate pairs | read | normalize | block | compare (pairs/s) | train | score | cluster | write | total | peak RSS | precision | recall | F1 |";

/// A population's name on the command line and in the table.
fn population_name(p: Population) -> &'static str {
    match p {
        Population::Namesakes => "namesakes",
        _ => "default",
    }
}

fn parse_population(name: &str) -> Option<Population> {
    match name.trim() {
        "default" => Some(Population::Default),
        "namesakes" => Some(Population::Namesakes),
        _ => None,
    }
}

/// Generates about `records` records as CSV files in `dir`.
fn generate_files(
    records: usize,
    seed: u64,
    population: Population,
    dir: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    // The generator makes about 1.75 records per customer.
    let customers = (records * 4 / 7).max(1);
    let data = generate(&SynthOptions {
        customers,
        seed,
        population,
        ..SynthOptions::default()
    });
    write_csv(&data, dir)?;
    // This process only generates: leave the memory to the exit.
    std::mem::forget(data);
    Ok(())
}

/// Reads and resolves the files in `dir`: one table row, then the
/// diagnosis of up to `diagnose` impure clusters (if asked).
fn one(
    dir: &Path,
    population: Population,
    threads: Option<usize>,
    budget: Option<u64>,
    diagnose: usize,
) -> Result<String, Box<dyn std::error::Error>> {
    let files: Vec<PathBuf> = ["crm", "pos", "web", "billing"]
        .iter()
        .map(|s| dir.join(format!("{s}.csv")))
        .collect();

    let start = Instant::now();
    let (dataset, _, _) = read_csv_files(&files, &CsvOptions::default())?;
    let read = start.elapsed();
    let mut resolver = Resolver::new(Settings::default())?;
    if let Some(n) = threads {
        resolver = resolver.threads(n);
    }
    if let Some(bytes) = budget {
        resolver = resolver.memory_budget(bytes);
    }
    let res = resolver.resolve(&dataset)?;
    let t = Instant::now();
    output::write_clusters(
        &res,
        std::io::BufWriter::new(std::fs::File::create(dir.join("clusters.csv"))?),
    )?;
    let write = t.elapsed();
    let total = start.elapsed();
    let truth = Truth::from_csv(&dir.join("truth.csv"))?;
    let m = evaluate(&dataset, &res.clustering.cluster_of, &truth);

    let s = |d: std::time::Duration| format!("{:.2} s", d.as_secs_f64());
    let tm = &res.timings;
    let pps = res.candidate_pairs as f64 / tm.compare.as_secs_f64().max(1e-9);
    // The row (and its peak memory) before the diagnosis adds its own.
    let mut out = format!(
        "| {} | {} | {} | {} | {} | {} | {} ({:.2} M/s) | {} | {} | {} | {} | {} | {} | {:.4} | {:.4} | {:.4} |\n",
        dataset.len(),
        population_name(population),
        res.candidate_pairs,
        s(read),
        s(tm.normalize),
        s(tm.block),
        s(tm.compare),
        pps / 1e6,
        s(tm.train),
        s(tm.score),
        s(tm.cluster),
        s(write),
        s(total),
        common::peak_rss(),
        m.precision,
        m.recall,
        m.f1
    );
    if diagnose > 0 {
        out.push_str(&format!(
            "\n### {} records, {} population: impure clusters\n\n",
            dataset.len(),
            population_name(population)
        ));
        out.push_str(&diagnose::impure_clusters(&dataset, &res, &truth, diagnose));
    }
    Ok(out)
}

fn main() -> ExitCode {
    let mut sizes = vec![10_000usize, 100_000];
    let mut seed = 42u64;
    let mut threads = None;
    let mut single: Option<PathBuf> = None;
    let mut generate_only: Option<(usize, PathBuf)> = None;
    let mut budget: Option<String> = None;
    let mut variants = vec![Population::Default];
    let mut diagnose = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--namesakes" {
            variants = vec![Population::Namesakes];
            continue;
        }
        let v = args.next();
        let ok = match (a.as_str(), v) {
            ("--sizes", Some(v)) => v
                .split(',')
                .map(|x| x.trim().replace('_', "").parse::<usize>())
                .collect::<Result<Vec<_>, _>>()
                .map(|s| sizes = s)
                .is_ok(),
            ("--variants", Some(v)) => v
                .split(',')
                .map(parse_population)
                .collect::<Option<Vec<_>>>()
                .map(|p| variants = p)
                .is_some(),
            ("--seed", Some(v)) => v.parse().map(|x| seed = x).is_ok(),
            ("--threads", Some(v)) => v.parse().map(|x| threads = Some(x)).is_ok(),
            ("--diagnose", Some(v)) => v.parse().map(|x| diagnose = x).is_ok(),
            // Internal: the two child processes of one size.
            ("--one", Some(v)) => {
                single = Some(v.into());
                true
            }
            ("--generate", Some(v)) => v.split_once(':').is_some_and(|(n, dir)| {
                n.parse()
                    .map(|n| generate_only = Some((n, dir.into())))
                    .is_ok()
            }),
            ("--memory-budget", Some(v)) => {
                common::parse_bytes(&v).map(|_| budget = Some(v)).is_ok()
            }
            _ => false,
        };
        if !ok {
            eprintln!(
                "usage: bench [--sizes 10000,100000,1000000] [--variants default,namesakes] [--namesakes] [--diagnose N] [--seed S] [--threads N] [--memory-budget SIZE]"
            );
            return ExitCode::from(2);
        }
    }
    let report = |r: Result<Option<String>, Box<dyn std::error::Error>>| match r {
        Ok(text) => {
            if let Some(text) = text {
                print!("{text}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    };
    // A child runs one population.
    let population = variants[0];
    if let Some((n, dir)) = generate_only {
        return report(generate_files(n, seed, population, &dir).map(|_| None));
    }
    if let Some(dir) = single {
        let bytes = budget.as_deref().and_then(|b| common::parse_bytes(b).ok());
        return report(one(&dir, population, threads, bytes, diagnose).map(Some));
    }
    println!("{HEADER}");
    println!("|{}", "---|".repeat(HEADER.matches('|').count() - 1));
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut diagnoses = String::new();
    for n in sizes {
        for &population in &variants {
            let name = population_name(population);
            let dir = std::env::temp_dir()
                .join(format!("linkage-bench-{name}-{n}-{}", std::process::id()));
            let mut gen = Command::new(&exe);
            gen.args([
                "--generate",
                &format!("{n}:{}", dir.display()),
                "--seed",
                &seed.to_string(),
                "--variants",
                name,
            ]);
            let mut run = Command::new(&exe);
            run.arg("--one").arg(&dir).args(["--variants", name]);
            if let Some(t) = threads {
                run.args(["--threads", &t.to_string()]);
            }
            if let Some(b) = &budget {
                run.args(["--memory-budget", b]);
            }
            if diagnose > 0 {
                run.args(["--diagnose", &diagnose.to_string()]);
            }
            let result = child(&mut gen).and_then(|_| child(&mut run));
            std::fs::remove_dir_all(&dir).ok();
            match result {
                Ok(out) => {
                    // The row first, then the diagnosis (printed after the table).
                    let (row, rest) = out.split_once('\n').unwrap_or((&out, ""));
                    println!("{row}");
                    diagnoses.push_str(rest);
                }
                Err(e) => {
                    eprintln!("size {n} ({name}) failed: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    print!("{diagnoses}");
    ExitCode::SUCCESS
}

/// Runs a child process; its standard output, or its error.
fn child(cmd: &mut Command) -> Result<String, String> {
    match cmd.output() {
        Ok(out) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        Err(e) => Err(e.to_string()),
    }
}
