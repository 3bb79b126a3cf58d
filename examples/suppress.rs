//! Suppression list: which prospects are already customers?
//!
//! Resolves the customer files into identities, then matches every row of
//! a prospect list against them. Prospects who are not customers yet go to
//! `new.csv` (their rows unchanged, ready for the "become a customer"
//! mailing); the others go to `known.csv` with the customer identity they
//! are, its records, the match probability and the fields that decided.
//!
//! ```text
//! cargo run --release --example suppress -- crm.csv billing.csv --prospects leads.csv --out-dir out/
//! ```
//!
//! With no files it runs on the bundled sample: `crm`, `pos` and
//! `billing` are the customers, `web` sign-ups the prospects, and the
//! truth file scores the result.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use linkage::eval::Truth;
use linkage::input::{read_csv_files, CsvOptions};
use linkage::store::{IdentityMatch, IdentityStore};
use linkage::{Resolver, Settings};

const USAGE: &str = "usage: suppress [CUSTOMERS.csv ...] --prospects FILE.csv [--out-dir DIR]
                [--truth FILE] [--model FILE]

Writes DIR/new.csv (prospects who are not customers, rows unchanged) and
DIR/known.csv (prospect id, customer identity, its records, probability,
deciding fields). --model uses a saved, trained model instead of training
on the customer files. With no files, runs on the bundled sample.";

struct Args {
    customers: Vec<PathBuf>,
    prospects: PathBuf,
    out_dir: PathBuf,
    truth: Option<PathBuf>,
    model: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut customers = Vec::new();
    let (mut prospects, mut out_dir, mut truth, mut model) = (None, None, None, None);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--prospects" => prospects = Some(value("--prospects")?),
            "--out-dir" => out_dir = Some(value("--out-dir")?),
            "--truth" => truth = Some(value("--truth")?),
            "--model" => model = Some(value("--model")?),
            "-h" | "--help" => return Err(String::new()),
            f if f.starts_with("--") => return Err(format!("unknown option {f}")),
            f => customers.push(PathBuf::from(f)),
        }
    }
    if customers.is_empty() && prospects.is_none() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
        customers = ["crm", "pos", "billing"]
            .iter()
            .map(|s| dir.join(format!("{s}.csv")))
            .collect();
        prospects = Some(dir.join("web.csv"));
        truth = truth.or(Some(dir.join("truth.csv")));
    }
    Ok(Args {
        prospects: prospects.ok_or("--prospects is required")?,
        customers,
        out_dir: out_dir.unwrap_or_else(|| PathBuf::from("suppress-out")),
        truth,
        model,
    })
}

/// The three fields that weighed most for the match, e.g.
/// `email: exact +14.1; date_of_birth: exact +9.8`.
fn reasons(m: &IdentityMatch) -> String {
    let mut f: Vec<_> = m.explanation.fields.iter().collect();
    f.sort_by(|a, b| {
        (b.weight + b.tf_adjustment)
            .total_cmp(&(a.weight + a.tf_adjustment))
            .then(a.comparison.cmp(&b.comparison))
    });
    f.iter()
        .take(3)
        .filter(|x| x.weight + x.tf_adjustment > 0.0)
        .map(|x| {
            format!(
                "{}: {} {:+.1}",
                x.comparison,
                x.label,
                x.weight + x.tf_adjustment
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn run(a: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let options = CsvOptions::default();
    let (customers, _, _) = read_csv_files(&a.customers, &options)?;
    let settings = match &a.model {
        Some(p) => Settings::load(p)?,
        None => Settings::default(),
    };
    let resolution = Resolver::new(settings)?.resolve(&customers)?;
    let store = IdentityStore::from_resolution(&customers, &resolution)?;
    drop(resolution);
    println!(
        "customers: {} records from {} files, {} identities",
        customers.len(),
        a.customers.len(),
        store.identity_count()
    );

    let (prospects, _, _) = read_csv_files(std::slice::from_ref(&a.prospects), &options)?;
    let source_name = prospects.sources.first().cloned().unwrap_or_default();
    let source = store.add_source(&source_name);

    std::fs::create_dir_all(&a.out_dir).map_err(|e| format!("{}: {e}", a.out_dir.display()))?;
    let mut known = csv::Writer::from_path(a.out_dir.join("known.csv"))?;
    known.write_record([
        "prospect_id",
        "customer_identity",
        "probability",
        "customer_records",
        "reasons",
    ])?;
    let mut is_new = Vec::with_capacity(prospects.len());
    for p in &prospects.records {
        let mut p = p.clone();
        p.source = source;
        let best = store.match_record(&p, 1)?.into_iter().next();
        match best.filter(|m| m.is_match) {
            Some(m) => {
                let records: Vec<String> = store
                    .records_of(m.identity)
                    .iter()
                    .map(|r| format!("{}:{}", r.source, r.id))
                    .collect();
                known.write_record([
                    p.id.as_str(),
                    &m.identity.to_string(),
                    &format!("{:.4}", m.probability),
                    &records.join(";"),
                    &reasons(&m),
                ])?;
                is_new.push(false);
            }
            None => is_new.push(true),
        }
    }
    known.flush()?;

    // new.csv: the prospect rows as they were (rows map 1:1 to records).
    let mut rdr = csv::Reader::from_path(&a.prospects)?;
    let mut new = csv::Writer::from_path(a.out_dir.join("new.csv"))?;
    new.write_record(rdr.headers()?)?;
    for (row, keep) in rdr.records().zip(&is_new) {
        if *keep {
            new.write_record(&row?)?;
        }
    }
    new.flush()?;
    let n_new = is_new.iter().filter(|x| **x).count();
    println!(
        "prospects: {} in {}; {} already customers -> {}; {} new -> {}",
        prospects.len(),
        a.prospects.display(),
        prospects.len() - n_new,
        a.out_dir.join("known.csv").display(),
        n_new,
        a.out_dir.join("new.csv").display()
    );

    if let Some(t) = &a.truth {
        let truth = Truth::from_csv(t)?;
        let customer_entities: std::collections::HashSet<&str> = customers
            .records
            .iter()
            .filter_map(|r| truth.entity(&customers.sources[r.source as usize], &r.id))
            .collect();
        let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
        for (p, new) in prospects.records.iter().zip(&is_new) {
            let is_customer = truth
                .entity(&source_name, &p.id)
                .is_some_and(|e| customer_entities.contains(e));
            match (is_customer, !new) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
        let precision = f64::from(tp) / f64::from((tp + fp).max(1));
        let recall = f64::from(tp) / f64::from((tp + fn_).max(1));
        println!(
            "against {}: suppression precision {precision:.4}, recall {recall:.4} \
             ({fn_} customers would still get the prospect mailing, {fp} prospects wrongly held back)",
            t.display()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
