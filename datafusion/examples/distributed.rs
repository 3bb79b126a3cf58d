//! Resolve customer records on Apache DataFusion, in this process or on a
//! Ballista cluster.
//!
//! ```text
//! cargo run --release -p linkage-datafusion --example distributed -- \
//!     crm.csv pos.parquet web.csv --out clusters.parquet [--cluster df://HOST:PORT]
//! ```
//!
//! Prints the report lines of the core `resolve` example (columns read,
//! blocking rules, normalization, blocks, training, links and clusters,
//! time and peak memory), and the metrics with `--truth`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use linkage::eval::{evaluate, Truth};
use linkage_datafusion::{resolve, write_clusters, Engine, Options};

const USAGE: &str = "usage: distributed FILE... [--out FILE.parquet|FILE.csv] [--truth FILE]
                   [--cluster df://HOST:PORT] [--memory-limit SIZE] [--partitions N]
                   [--work-dir DIR] [--keep-tables] [--threshold P] [--link-only] [--quiet]

  --cluster URL      run on the Ballista scheduler at URL (its executors must be
                     linkage's: examples/executor.rs); default: in this process
  --memory-limit S   in process: bytes the engine may hold before spilling (e.g. 4G;
                     default half the machine's memory)
  --partitions N     in process: partitions per stage (default: the cores)
  --work-dir DIR     where the run's tables go (default: the temporary directory;
                     on a cluster, a path every executor sees)
  --keep-tables      leave the run's tables (Parquet) in the work directory";

struct Args {
    files: Vec<PathBuf>,
    out: Option<PathBuf>,
    truth: Option<PathBuf>,
    cluster: Option<String>,
    memory_limit: Option<usize>,
    partitions: Option<usize>,
    work_dir: Option<PathBuf>,
    threshold: Option<f64>,
    link_only: bool,
    keep_tables: bool,
    quiet: bool,
}

fn parse_bytes(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('G' | 'g') => (&s[..s.len() - 1], 1usize << 30),
        Some('M' | 'm') => (&s[..s.len() - 1], 1 << 20),
        Some('K' | 'k') => (&s[..s.len() - 1], 1 << 10),
        _ => (s, 1),
    };
    num.parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0)
        .map(|v| (v * mult as f64) as usize)
        .ok_or_else(|| format!("'{s}' is not a size (e.g. 4G, 512M)"))
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        files: Vec::new(),
        out: None,
        truth: None,
        cluster: None,
        memory_limit: None,
        partitions: None,
        work_dir: None,
        threshold: None,
        link_only: false,
        keep_tables: false,
        quiet: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--out" => args.out = Some(value("--out")?.into()),
            "--truth" => args.truth = Some(value("--truth")?.into()),
            "--cluster" => args.cluster = Some(value("--cluster")?),
            "--work-dir" => args.work_dir = Some(value("--work-dir")?.into()),
            "--memory-limit" => {
                args.memory_limit = Some(parse_bytes(&value("--memory-limit")?)?);
            }
            "--partitions" => {
                let v = value("--partitions")?;
                args.partitions = Some(
                    v.parse()
                        .map_err(|_| format!("--partitions: '{v}' is not a count"))?,
                );
            }
            "--threshold" => {
                let v = value("--threshold")?;
                args.threshold = Some(
                    v.parse()
                        .map_err(|_| format!("--threshold: '{v}' is not a number"))?,
                );
            }
            "--link-only" => args.link_only = true,
            "--keep-tables" => args.keep_tables = true,
            "--quiet" | "-q" => args.quiet = true,
            "--help" | "-h" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => args.files.push(a.into()),
        }
    }
    if args.files.is_empty() {
        return Err("no input files".into());
    }
    Ok(args)
}

/// Peak resident memory of this process (Linux), as text.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or("unknown".into(), |kb| format!("{:.1} MB", kb / 1024.0))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut options = Options::default();
    if let Some(t) = args.threshold {
        options.settings.threshold = t;
    }
    if args.link_only {
        options.settings.link_mode = linkage::block::LinkMode::LinkOnly;
    }
    options.keep_tables = args.keep_tables;
    if let Some(d) = &args.work_dir {
        options.work_dir = d.clone();
    }
    options.engine = match &args.cluster {
        Some(url) => Engine::Ballista { url: url.clone() },
        None => {
            let Engine::InProcess { memory_limit, .. } = Engine::in_process() else {
                unreachable!("in_process is in process")
            };
            Engine::InProcess {
                memory_limit: args.memory_limit.unwrap_or(memory_limit),
                partitions: args.partitions,
            }
        }
    };
    let res = resolve(&args.files, &options).await?;
    let say = |s: String| {
        if !args.quiet {
            eprintln!("{s}");
        }
    };
    say(format!(
        "read {} records from {} files; columns as inferred (kind, confidence, why):",
        res.data.len(),
        res.schemas.len()
    ));
    for s in &res.schemas {
        say(format!("  {}:", s.source));
        for c in &s.columns {
            say(format!(
                "    {:<22} -> {:<14} {:.2}  {}",
                c.column,
                c.kind.name(),
                c.confidence,
                c.reason
            ));
        }
    }
    say("blocking rules (OR-ed):".to_string());
    for r in &res.settings.blocking.rules {
        say(format!("    {}", r.name));
    }
    let names: Vec<&str> = res
        .settings
        .comparisons
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    say(format!("comparisons: {}", names.join(", ")));
    let n = &res.normalize_report;
    say(format!(
        "normalize: invalid emails {}, phones {}, dates {}, postcodes {} (kept as missing); \
         full names refiled by how the data uses their words {}",
        n.invalid_emails, n.invalid_phones, n.invalid_dates, n.invalid_postcodes, n.names_refiled
    ));
    for r in &res.blocking.rules {
        say(format!(
            "  block {:<48} {:>9} new pairs, largest block {}{}",
            r.rule,
            r.new_pairs,
            r.largest_block,
            if r.oversized_blocks > 0 {
                format!(
                    " ({} oversized blocks windowed to {})",
                    r.oversized_blocks, r.limit.window
                )
            } else {
                String::new()
            }
        ));
    }
    let tr = &res.training_report;
    say(format!(
        "train: u from {} random pairs; EM over {} patterns, {} iterations, converged: {}, prior {:.4} ({:.0} expected matches beyond blocking windows)",
        tr.u_pairs, tr.patterns, tr.iterations, tr.converged, res.settings.prior, tr.unseen_matches
    ));
    for w in &tr.warnings {
        say(format!("warning: {w}"));
    }
    say(format!(
        "{} candidate pairs, {} links >= {} and {} uncontested >= {} ({} of those \
         refused as ambiguous), {} clusters ({} joins vetoed); {} components, {} label rounds",
        res.blocking.pairs,
        res.links,
        res.settings.threshold,
        res.tentative_links,
        res.settings
            .uncontested_threshold
            .map_or("-".to_string(), |t| t.to_string()),
        res.clustering.ambiguous,
        res.clustering.cluster_count(),
        res.clustering.vetoed,
        res.components.0,
        res.components.1,
    ));
    let t = &res.timings;
    say(format!(
        "time: read {:.2?}, normalize {:.2?}, block+compare {:.2?}, train {:.2?}, score {:.2?}, cluster {:.2?}; peak memory {}",
        t.read, t.normalize, t.block_and_compare, t.train, t.score, t.cluster, peak_rss()
    ));
    if let Some(p) = &args.out {
        write_clusters(&res, p)?;
    }
    if let Some(p) = &args.truth {
        let truth = Truth::from_csv(p)?;
        let m = evaluate(&res.data, &res.clustering.cluster_of, &truth);
        println!(
            "precision {:.4}  recall {:.4}  F1 {:.4}  clusters {}  entities {}  ({} records, {:.2?})",
            m.precision,
            m.recall,
            m.f1,
            m.clusters,
            m.entities,
            res.data.len(),
            start.elapsed()
        );
    } else {
        println!(
            "{} records -> {} clusters ({:.2?})",
            res.data.len(),
            res.clustering.cluster_count(),
            start.elapsed()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
