//! Writes a synthetic multi-source customer dataset with its truth file.
//!
//! ```text
//! cargo run --release --example generate -- --customers 100000 --seed 42 --out /tmp/synth100k
//! cargo run --release --example generate -- --customers 100000 --namesakes --out /tmp/names100k
//! ```
//!
//! `--namesakes` draws the namesake population (`Population::Namesakes`:
//! Zipf-like names and towns, namesakes of one birth year and town,
//! fathers and sons, twins); `--namesake-share P` sets the share of people
//! copying an earlier person's name and birth year.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use linkage::synth::{generate, write_csv, Population, SynthOptions};

fn main() -> ExitCode {
    let mut options = SynthOptions::default();
    let mut out = PathBuf::from("synth");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--namesakes" {
            options.population = Population::Namesakes;
            continue;
        }
        let value = args.next();
        let ok = match (a.as_str(), value) {
            ("--customers", Some(v)) => v.parse().map(|n| options.customers = n).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|n| options.seed = n).is_ok(),
            ("--noise", Some(v)) => v.parse().map(|n| options.noise = n).is_ok(),
            ("--households", Some(v)) => v.parse().map(|n| options.household_rate = n).is_ok(),
            ("--namesake-share", Some(v)) => v.parse().map(|n| options.namesake_share = n).is_ok(),
            ("--out", Some(v)) => {
                out = v.into();
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("usage: generate [--customers N] [--seed S] [--noise P] [--households P] [--namesakes] [--namesake-share P] [--out DIR]");
            return ExitCode::from(2);
        }
    }
    let t = Instant::now();
    let data = generate(&options);
    if let Err(e) = write_csv(&data, &out) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{} customers, {} records written to {} in {:.2?}",
        options.customers,
        data.dataset.len(),
        out.display(),
        t.elapsed()
    );
    // The process ends here: handing millions of small strings back to the
    // allocator one by one would take longer than generating them.
    std::mem::forget(data);
    ExitCode::SUCCESS
}
