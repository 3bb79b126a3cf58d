//! Resolve customer records from several systems' CSV exports into identities.
//!
//! ```text
//! cargo run --release --example resolve -- crm.csv pos.csv web.csv --out clusters.csv --truth truth.csv
//! cargo run --release --features parquet --example resolve -- crm.parquet web.csv --out clusters.parquet
//! ```
//!
//! With no files it runs on the bundled sample in `examples/data/` and
//! prints the metrics against its truth file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use linkage::eval::{evaluate, Truth};
use linkage::input::{read_csv_files, ColumnOverride, CsvOptions};
use linkage::progress::{Progress, Stage};
use linkage::store::{golden_records, SurvivorshipRules};
use linkage::{output, Resolver, Settings};

mod common;

const USAGE: &str = "usage: resolve [FILE.csv ...] [--out FILE] [--truth FILE] [--pairs FILE]
               [--golden FILE] [--survivorship RULES.json]
               [--config FILE] [--save-model FILE] [--threshold P] [--threads N]
               [--id COLUMN] [--link-only] [--country CODE] [--day-first]
               [--explain SOURCE:ID] [--plan] [--memory-budget SIZE] [--quiet]
               [--column [SOURCE:]HEADER=KIND ...] [--ignore [SOURCE:]HEADER ...]
               [--header | --no-header] [--report FILE.html] [--report-redact]

  --link-only      compare records of different files only (no deduplication within a file)
  --country CODE   calling code for phone numbers written without one (default 1)
  --day-first      read ambiguous dates such as 06/12/1939 as day/month
  --explain S:ID   print the identity of record ID from source S and the links that hold it
  --plan           only estimate: pairs per blocking rule, memory, warnings; compare nothing
  --memory-budget SIZE  keep memory within SIZE (e.g. 4G, 512M): beyond it candidate pairs are
                   streamed in chunks, compared twice, never all held (same results)
  --golden FILE    one profile per identity: each field's surviving value and its source record
  --survivorship F survivorship rules as JSON (default: valid only, most frequent, most recent)
  --column H=KIND  the column headed H holds KIND (given_name, surname, full_name, organisation,
                   email, phone, street, postcode, date_of_birth, birth_year, national_id, ...),
                   whatever inference says; in every file with that header, or in one file
                   with SOURCE:H=KIND (SOURCE: the file name without .csv). Repeatable.
  --ignore H       leave the column headed H (or SOURCE:H) out. Repeatable.
  --report FILE    one self-contained HTML page about the run (summary, columns read, blocking,
                   model, score histogram and threshold curves, identities, waterfalls)
  --report-redact  mask personal values in the report (initials, masked emails and phones)
  --header         the first row of every file names the columns (no detection)
  --no-header      the first row of every file is data: columns are column1, column2, ...

Each FILE is one source system's export (.parquet read as Parquet, and --out
FILE.parquet written as Parquet, when built with --features parquet): delimiter (, ; tab |), encoding
(UTF-8, UTF-16, Windows-1252) and header row are detected, and what each
column holds is inferred; all of it is printed, --column / --ignore /
--header / --no-header correct it, and --save-model / --config let you read
and override all of it. The record id is the first column unless --id
names another. With no FILE, runs on the bundled sample in examples/data/
with its truth file.";

#[derive(Default)]
struct Args {
    files: Vec<PathBuf>,
    out: Option<PathBuf>,
    golden: Option<PathBuf>,
    survivorship: Option<PathBuf>,
    truth: Option<PathBuf>,
    pairs: Option<PathBuf>,
    config: Option<PathBuf>,
    save_model: Option<PathBuf>,
    threshold: Option<f64>,
    threads: Option<usize>,
    memory_budget: Option<u64>,
    id: Option<String>,
    link_only: bool,
    country: Option<u16>,
    day_first: bool,
    explain: Option<String>,
    quiet: bool,
    plan: bool,
    /// Column overrides, each with the flag and value as typed.
    columns: Vec<(linkage::input::ColumnOverride, String)>,
    header: Option<bool>,
    report: Option<PathBuf>,
    report_redact: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--out" => args.out = Some(value("--out")?.into()),
            "--golden" => args.golden = Some(value("--golden")?.into()),
            "--survivorship" => args.survivorship = Some(value("--survivorship")?.into()),
            "--truth" => args.truth = Some(value("--truth")?.into()),
            "--pairs" => args.pairs = Some(value("--pairs")?.into()),
            "--config" => args.config = Some(value("--config")?.into()),
            "--save-model" => args.save_model = Some(value("--save-model")?.into()),
            "--id" => args.id = Some(value("--id")?),
            "--threshold" => {
                let v = value("--threshold")?;
                args.threshold = Some(
                    v.parse()
                        .map_err(|_| format!("--threshold: '{v}' is not a number"))?,
                );
            }
            "--threads" => {
                let v = value("--threads")?;
                args.threads = Some(
                    v.parse()
                        .map_err(|_| format!("--threads: '{v}' is not a count"))?,
                );
            }
            "--memory-budget" => {
                let v = value("--memory-budget")?;
                args.memory_budget =
                    Some(common::parse_bytes(&v).map_err(|e| format!("--memory-budget: {e}"))?);
            }
            "--country" => {
                let v = value("--country")?;
                args.country = Some(
                    v.trim_start_matches('+')
                        .parse()
                        .map_err(|_| format!("--country: '{v}' is not a calling code"))?,
                );
            }
            "--explain" => args.explain = Some(value("--explain")?),
            "--column" => {
                let v = value("--column")?;
                let o = ColumnOverride::parse(&v).map_err(|e| flag_error("--column", &v, e))?;
                args.columns.push((o, format!("--column '{v}'")));
            }
            "--ignore" => {
                let v = value("--ignore")?;
                let o = ColumnOverride::ignore(&v).map_err(|e| flag_error("--ignore", &v, e))?;
                args.columns.push((o, format!("--ignore '{v}'")));
            }
            "--report" => args.report = Some(value("--report")?.into()),
            "--report-redact" => args.report_redact = true,
            "--header" => args.header = Some(true),
            "--no-header" => args.header = Some(false),
            "--link-only" => args.link_only = true,
            "--day-first" => args.day_first = true,
            "--quiet" | "-q" => args.quiet = true,
            "--plan" => args.plan = true,
            "--help" | "-h" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => args.files.push(a.into()),
        }
    }
    if args.files.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
        for s in ["crm", "pos", "web", "billing"] {
            args.files.push(dir.join(format!("{s}.csv")));
        }
        if args.truth.is_none() {
            args.truth = Some(dir.join("truth.csv"));
        }
    }
    Ok(args)
}

/// A column override's error, named by its flag and value as typed.
fn flag_error(flag: &str, value: &str, e: linkage::Error) -> String {
    match e {
        linkage::Error::ColumnOverride { reason, .. } => format!("{flag} '{value}': {reason}"),
        e => format!("{flag} '{value}': {e}"),
    }
}

/// A progress bar per stage on stderr (drawn only when stderr is a
/// terminal), fed by the library's progress callback.
fn progress_bars() -> impl Fn(Progress) + Send + Sync + 'static {
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let bars: Mutex<HashMap<Stage, ProgressBar>> = Mutex::new(HashMap::new());
    let style = ProgressStyle::with_template(
        "{prefix:>9} [{bar:32}] {human_pos:>11}/{human_len:<11} {elapsed:>4} (eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    move |p: Progress| {
        let Ok(mut bars) = bars.lock() else { return };
        let bar = bars.entry(p.stage).or_insert_with(|| {
            let b = multi.add(ProgressBar::new(p.total));
            b.set_style(style.clone());
            b.set_prefix(p.stage.name());
            b
        });
        if p.done > bar.position() {
            bar.set_position(p.done);
        }
        if p.is_finished() {
            bar.finish();
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut settings = match &args.config {
        Some(p) => Settings::load(p)?,
        None => Settings::default(),
    };
    if let Some(t) = args.threshold {
        settings.threshold = t;
    }
    if args.link_only {
        settings.link_mode = linkage::block::LinkMode::LinkOnly;
    }
    if let Some(c) = args.country {
        settings.normalize.phone.default_country = c;
    }
    if args.day_first {
        settings.normalize.date_order = linkage::normalize::date::DateOrder::DayFirst;
    }
    let options = CsvOptions {
        id_column: args.id.clone(),
        schemas: settings.schemas.clone(),
        columns: args.columns.iter().map(|(o, _)| o.clone()).collect(),
        header: args.header,
    };
    let (data, schemas, load) = read_csv_files(&args.files, &options).map_err(|e| match e {
        // Name the override by its flag, as typed.
        linkage::Error::ColumnOverride { spec, reason } => {
            let flag = args
                .columns
                .iter()
                .find(|(o, _)| o.to_string() == spec)
                .map_or_else(|| format!("column override '{spec}'"), |(_, t)| t.clone());
            format!("{flag}: {reason}").into()
        }
        e => Box::<dyn std::error::Error>::from(e),
    })?;
    let say = |s: String| {
        if !args.quiet {
            eprintln!("{s}");
        }
    };
    say(format!(
        "read {} records from {} files; columns as inferred (kind, confidence, why):",
        data.len(),
        schemas.len()
    ));
    for s in &schemas {
        let delimiter = match s.delimiter {
            Some('\t') => "tab".to_string(),
            Some(d) => format!("'{d}'"),
            None => "?".to_string(),
        };
        say(format!(
            "  {} (delimiter {delimiter}, {}{}):",
            s.source,
            s.encoding.as_deref().unwrap_or("?"),
            if s.header == Some(false) {
                ", no header row: columns numbered"
            } else {
                ""
            }
        ));
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
    if load.generated_ids > 0 {
        say(format!(
            "  {} rows had no id and were given one (#row<N>)",
            load.generated_ids
        ));
    }
    settings.schemas = schemas.clone();
    settings.fill_defaults(&linkage::pipeline::kinds_present(&data));
    say("blocking rules (OR-ed):".to_string());
    for r in &settings.blocking.rules {
        say(format!("    {}", r.name));
    }
    let names: Vec<&str> = settings
        .comparisons
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    say(format!("comparisons: {}", names.join(", ")));
    let mut resolver = Resolver::new(settings)?;
    if let Some(n) = args.threads {
        resolver = resolver.threads(n);
    }
    if let Some(bytes) = args.memory_budget {
        resolver = resolver.memory_budget(bytes);
    }
    if args.plan {
        let plan = resolver.plan(&data)?;
        println!(
            "plan: {} records, at most {} candidate pairs, about {:.1} MB{}",
            plan.records,
            plan.candidate_pairs_max,
            plan.memory_bytes as f64 / 1e6,
            if plan.streamed {
                " (pairs streamed in chunks)"
            } else {
                ""
            }
        );
        for r in &plan.rules {
            println!(
                "  {:<48} {:>12} pairs (largest block {}, {} oversized)",
                r.rule, r.pairs, r.largest_block, r.oversized_blocks
            );
        }
        for w in &plan.warnings {
            println!("warning: {w}");
        }
        return Ok(());
    }
    if !args.quiet {
        resolver = resolver.on_progress(progress_bars());
    }
    let res = resolver.resolve(&data)?;
    let n = &res.normalize_report;
    say(format!(
        "normalize: invalid emails {}, phones {}, dates {}, postcodes {} (kept as missing); \
         full names refiled by how the data uses their words {}",
        n.invalid_emails, n.invalid_phones, n.invalid_dates, n.invalid_postcodes, n.names_refiled
    ));
    for p in &n.placeholders {
        say(format!(
            "  placeholder {:?} '{}' held by {} records: treated as missing",
            p.attr, p.value, p.count
        ));
    }
    for (est, new) in &res.blocking_report.rules {
        say(format!(
            "  block {:<48} {:>9} pairs, {:>9} new, largest block {}",
            est.rule, est.pairs, new, est.largest_block
        ));
    }
    for o in &res.blocking_report.oversized {
        say(format!(
            "  oversized block ({} records) under '{}': compared with a window",
            o.size, o.rule
        ));
    }
    let tr = &res.training_report;
    say(format!(
        "train: u from {} random pairs; EM over {} patterns, {} iterations, converged: {}, prior {:.4} ({:.0} expected matches beyond blocking windows)",
        tr.u_pairs, tr.patterns, tr.iterations, tr.converged, res.settings.prior, tr.unseen_matches
    ));
    for w in &res.blocking_report.warnings {
        say(format!("warning: {w}"));
    }
    for w in &tr.warnings {
        say(format!("warning: {w}"));
    }
    say(format!(
        "{} candidate pairs{}, {} links >= {} and {} uncontested >= {} ({} of those \
         refused as ambiguous), {} clusters ({} joins vetoed)",
        res.candidate_pairs,
        if res.pairs_streamed {
            format!(
                " (streamed in {} chunks under the memory budget)",
                res.blocking_report.chunks
            )
        } else {
            String::new()
        },
        res.links.iter().filter(|l| !l.tentative).count(),
        res.settings.threshold,
        res.links.iter().filter(|l| l.tentative).count(),
        res.settings
            .uncontested_threshold
            .map_or("-".to_string(), |t| t.to_string()),
        res.clustering.ambiguous,
        res.clustering.cluster_count(),
        res.clustering.vetoed
    ));
    // A misread file collapses loudly: an identity far larger than people
    // have, or nothing identifying compared.
    let mut sizes = std::collections::HashMap::new();
    for c in &res.clustering.cluster_of {
        *sizes.entry(*c).or_insert(0usize) += 1;
    }
    let largest = sizes.values().copied().max().unwrap_or(0);
    if largest > 100 && largest * 50 > res.clustering.cluster_of.len() {
        say(format!(
            "warning: the largest identity holds {largest} records ({:.1}% of the input): \
             if these are not one customer, check the column mapping above (--column, --ignore)",
            100.0 * largest as f64 / res.clustering.cluster_of.len().max(1) as f64
        ));
    }
    let identifying = [
        "given_name",
        "surname",
        "organisation",
        "email",
        "phone",
        "national_id",
    ];
    if !res
        .settings
        .comparisons
        .iter()
        .any(|c| identifying.contains(&c.name.as_str()))
    {
        say(
            "warning: no name, organisation, email, phone or national id is compared: \
             check the column mapping above (--column, --ignore)"
                .to_string(),
        );
    }
    let t = &res.timings;
    say(format!(
        "time: normalize {:.2?}, block {:.2?}, compare {:.2?}, train {:.2?}, score {:.2?}, cluster {:.2?}; peak memory {}",
        t.normalize, t.block, t.compare, t.train, t.score, t.cluster, common::peak_rss()
    ));
    if let Some(p) = &args.out {
        write_clusters(&res, p)?;
    }
    if let Some(p) = &args.pairs {
        output::write_pairs(&res, std::io::BufWriter::new(std::fs::File::create(p)?))?;
    }
    if let Some(p) = &args.golden {
        let rules = match &args.survivorship {
            Some(f) => serde_json::from_str(
                &std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?,
            )
            .map_err(|e| format!("{}: {e}", f.display()))?,
            None => SurvivorshipRules::default(),
        };
        let golden = golden_records(
            &data,
            &res.clustering.cluster_of,
            &rules,
            &res.settings.normalize,
        );
        let conflicts: usize = golden.iter().filter(|g| !g.conflicts.is_empty()).count();
        output::write_golden(&golden, std::io::BufWriter::new(std::fs::File::create(p)?))?;
        say(format!(
            "golden records: {} written to {}; {conflicts} identities with conflicting birth dates or ids",
            golden.len(),
            p.display()
        ));
    }
    if let Some(p) = &args.save_model {
        res.settings.save(p)?;
    }
    if let Some(spec) = &args.explain {
        explain(&res, spec)?;
    }
    let truth = args.truth.as_deref().map(Truth::from_csv).transpose()?;
    let metrics = truth
        .as_ref()
        .map(|t| evaluate(&data, &res.clustering.cluster_of, t));
    if let Some(p) = &args.report {
        let t = Instant::now();
        let options = linkage::report::ReportOptions {
            dataset: Some(&data),
            schemas: &schemas,
            truth: truth.as_ref(),
            metrics,
            redact: args.report_redact,
            peak_memory_bytes: common::peak_rss_mb().map(|mb| (mb * 1048576.0) as u64),
            title: None,
        };
        let file = std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?;
        linkage::report::write_html(&res, &options, std::io::BufWriter::new(file))
            .map_err(|e| format!("{}: {e}", p.display()))?;
        say(format!(
            "report: {} ({} bytes, written in {:.2?})",
            p.display(),
            std::fs::metadata(p).map_or(0, |m| m.len()),
            t.elapsed()
        ));
    }
    if let Some(m) = metrics {
        println!(
            "precision {:.4}  recall {:.4}  F1 {:.4}  clusters {}  entities {}  ({} records, {:.2?})",
            m.precision,
            m.recall,
            m.f1,
            m.clusters,
            m.entities,
            data.len(),
            start.elapsed()
        );
    } else {
        println!(
            "{} records -> {} clusters ({:.2?})",
            data.len(),
            res.clustering.cluster_count(),
            start.elapsed()
        );
    }
    Ok(())
}

/// Writes the clusters to `path`: Parquet for `.parquet` (feature
/// `parquet`), else CSV.
fn write_clusters(
    res: &linkage::Resolution,
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    if parquet {
        #[cfg(feature = "parquet")]
        return Ok(linkage::parquet::write_clusters(
            &res.refs,
            &res.clustering.cluster_of,
            file,
            path,
        )?);
        #[cfg(not(feature = "parquet"))]
        return Err(format!(
            "{}: this build writes no Parquet (run with --features parquet)",
            path.display()
        )
        .into());
    }
    Ok(output::write_clusters(res, file)?)
}

/// Prints one record's identity: its members and each link's field weights.
/// Records are named by source and id only.
fn explain(res: &linkage::Resolution, spec: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (source, id) = spec.split_once(':').ok_or("--explain needs SOURCE:ID")?;
    let index = res
        .index_of(source, id)
        .ok_or_else(|| format!("--explain: no record {id} in source {source}"))?;
    let cluster = res.clustering.cluster_of[index];
    let ex = res.explain_cluster(cluster).ok_or("no such cluster")?;
    println!("identity {cluster}: {} records", ex.records.len());
    for r in &ex.records {
        println!("  {}:{}", r.source, r.id);
    }
    for link in &ex.links {
        println!(
            "link {}:{} - {}:{}  probability {:.4}  weight {:+.2} (prior {:+.2})",
            link.a.source,
            link.a.id,
            link.b.source,
            link.b.id,
            link.probability,
            link.total_weight,
            link.prior_weight
        );
        for f in &link.fields {
            println!(
                "    {:<14} {:<34} {:+.2}",
                f.comparison,
                f.label,
                f.weight + f.tf_adjustment
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
        Ok(args) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
