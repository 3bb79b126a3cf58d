//! # linkage-datafusion
//!
//! The `linkage` pipeline as an Apache DataFusion plan: in this process
//! (all cores, a memory limit with spilling to disk) or on an Apache
//! Ballista cluster. Every decision is the core's (normalization, blocking
//! keys and windows, comparison levels, weights, training, the clustering
//! rule); the engine moves and joins the data:
//!
//! 1. input: CSV or Parquet files, one source each, read and inferred by
//!    the core ([`linkage::input::read_csv_files`]); records normalized by
//!    the core (whole-dataset passes included) and written as the `recs`
//!    table;
//! 2. blocking ([`blocking`]): keys per record by a function, each rule's
//!    block sizes aggregated and its cap and window set by the core, the
//!    name order of oversized blocks by a window function, candidate pairs
//!    by equi-joins on the keys (windows as joins on the place in the
//!    name order), each pair kept by the first rule that generates it;
//! 3. compare: levels of each pair by a function;
//! 4. train: comparison patterns counted by the engine, EM on the driver
//!    (the core's `train`; u from its random pairs);
//! 5. score: each pair weighed and cut by functions;
//! 6. cluster: connected components of the links by label propagation in
//!    the engine, the core's clustering rule per component.
//!
//! Results are the core's: the same candidate pairs, patterns, model,
//! links and clusters as [`linkage::Resolver`] for the same input, whatever
//! the partition, thread or executor count (tests/same_as_core.rs).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod blocking;
mod components;
pub mod error;
mod output;
mod scoring;
mod session;
mod tables;
mod training;
pub mod udf;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use linkage::cluster::Clustering;
use linkage::explain::RecordRef;
use linkage::input::{read_csv_files, CsvOptions, LoadReport};
use linkage::normalize::record::NormalizeReport;
use linkage::pipeline::{kinds_present, normalize_all, train};
use linkage::schema::FileSchema;
use linkage::score::{TermFrequencies, TrainingReport};
use linkage::{Dataset, Resolver, Settings};

pub use blocking::{Blocking, RuleStats};
pub use error::{Error, Result};
pub use output::write_clusters;
pub use session::Engine;

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the plan runs.
    pub engine: Engine,
    /// Settings (empty comparisons and rules are chosen from the data, as
    /// the core does).
    pub settings: Settings,
    /// How the files are read.
    pub csv: CsvOptions,
    /// Where the run's tables are written (a directory of its own is made
    /// inside; Ballista executors must see the same path).
    pub work_dir: PathBuf,
    /// Keep the run's tables after it (default: removed).
    pub keep_tables: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            engine: Engine::in_process(),
            settings: Settings::default(),
            csv: CsvOptions::default(),
            work_dir: std::env::temp_dir(),
            keep_tables: false,
        }
    }
}

/// Wall time of each stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    /// Reading and inferring the files.
    pub read: Duration,
    /// Normalizing (core) and writing the records table.
    pub normalize: Duration,
    /// Keys, blocks, candidate pairs and their levels.
    pub block_and_compare: Duration,
    /// Pattern counts and EM.
    pub train: Duration,
    /// Weighing and cutting the pairs.
    pub score: Duration,
    /// Components and clustering.
    pub cluster: Duration,
}

/// Everything a run produced.
#[derive(Debug)]
pub struct Outcome {
    /// The records read.
    pub data: Dataset,
    /// Each file's schema, as inferred.
    pub schemas: Vec<FileSchema>,
    /// What reading reported.
    pub load: LoadReport,
    /// The settings used, with the trained model.
    pub settings: Settings,
    /// What normalization rejected.
    pub normalize_report: NormalizeReport,
    /// What blocking did.
    pub blocking: Blocking,
    /// What training did.
    pub training_report: TrainingReport,
    /// Links at or above the threshold.
    pub links: u64,
    /// Tentative (uncontested) links.
    pub tentative_links: u64,
    /// Components of the link graph and label propagation rounds.
    pub components: (usize, usize),
    /// The identities.
    pub clustering: Clustering,
    /// Wall time per stage.
    pub timings: Timings,
}

impl Outcome {
    /// Each record's source and id, in input order.
    pub fn refs(&self) -> Vec<RecordRef> {
        self.data
            .records
            .iter()
            .map(|r| RecordRef {
                source: self.data.source_name(r).to_string(),
                id: r.id.clone(),
            })
            .collect()
    }
}

/// Resolves the records of `files` (CSV or `.parquet`, one source each)
/// into identities on the engine of `options`.
pub async fn resolve(files: &[PathBuf], options: &Options) -> Result<Outcome> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let (data, schemas, load) = read_csv_files(files, &options.csv)?;
    timings.read = t.elapsed();
    let mut settings = options.settings.clone();
    settings.schemas = schemas.clone();
    settings.fill_defaults(&kinds_present(&data));
    // The core validates the settings as it would for its own run.
    Resolver::new(settings.clone())?;

    let t = Instant::now();
    let (records, normalize_report) = normalize_all(&data, &settings.normalize);
    let sources: Vec<u32> = data.records.iter().map(|r| r.source).collect();
    let ctx = session::context(&options.engine).await?;
    let work = tables::WorkDir::new(&options.work_dir, options.keep_tables)?;
    tables::write_records(&work.table("recs"), &records, &sources)?;
    tables::register(&ctx, "recs", &work.table("recs")).await?;
    timings.normalize = t.elapsed();

    let t = Instant::now();
    let blocking = blocking::candidates(&ctx, &work, &settings, records.len()).await?;
    timings.block_and_compare = t.elapsed();

    let t = Instant::now();
    let training_report = if settings.trained {
        TrainingReport::default()
    } else {
        let table = training::pattern_table(&ctx, settings.comparisons.len(), &blocking).await?;
        train(&mut settings, &records, &sources, &table)
    };
    timings.train = t.elapsed();

    let t = Instant::now();
    let tf = TermFrequencies::compute(&settings.comparisons, &records);
    let attrs = TermFrequencies::adjusted_attrs(&settings.comparisons);
    tables::write_tf(&work.table("tfs"), &tf, &attrs, records.len())?;
    tables::register(&ctx, "tfs", &work.table("tfs")).await?;
    let links = scoring::links(&ctx, &settings).await?;
    timings.score = t.elapsed();

    let t = Instant::now();
    let tentative_links = links.iter().filter(|l| l.tentative).count() as u64;
    let link_count = links.len() as u64 - tentative_links;
    let (labels, rounds) = components::components(&ctx, &work, &links).await?;
    let component_count = {
        let mut ls: Vec<u32> = labels.values().copied().collect();
        ls.sort_unstable();
        ls.dedup();
        ls.len()
    };
    let clustering = components::cluster(&records, &tf, &settings, links, &labels)?;
    timings.cluster = t.elapsed();

    Ok(Outcome {
        data,
        schemas,
        load,
        settings,
        normalize_report,
        blocking,
        training_report,
        links: link_count,
        tentative_links,
        components: (component_count, rounds),
        clustering,
        timings,
    })
}

/// Whether a path names a Parquet file (else CSV), by its extension.
pub fn is_parquet(path: &Path) -> bool {
    linkage::parquet::is_parquet(path)
}
