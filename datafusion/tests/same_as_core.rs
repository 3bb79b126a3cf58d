//! The DataFusion plan gives the core's clusters: on the bundled sample
//! (always), and on `customers10k` and `messy10k` of `../shared/data`
//! (skipped, with a message, when absent).

use std::path::{Path, PathBuf};

use linkage::input::{read_csv_files, CsvOptions};
use linkage::{Resolver, Settings};
use linkage_datafusion::{resolve, Engine, Options};

fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .filter(|p| p.file_stem().is_some_and(|s| s != "truth"))
        .collect();
    files.sort();
    files
}

/// Runs the core and the plan (in process, `partitions` partitions, a
/// small memory limit) on `files`; asserts the same candidate pairs, model
/// and clusters; returns the F1 against `truth` when given.
fn same_clusters(files: &[PathBuf], partitions: usize, truth: Option<&Path>) -> Option<f64> {
    same_clusters_with(files, partitions, truth, Settings::default())
}

/// Settings whose blocks over 6 records are windowed (3 neighbours), so
/// that small files exercise the windows' part of the plan.
fn small_blocks() -> Settings {
    let mut s = Settings::default();
    s.blocking.max_block_size = 6;
    s.blocking.window = 3;
    s
}

fn same_clusters_with(
    files: &[PathBuf],
    partitions: usize,
    truth: Option<&Path>,
    base: Settings,
) -> Option<f64> {
    let (data, schemas, _) = read_csv_files(files, &CsvOptions::default()).unwrap();
    let mut settings = base.clone();
    settings.schemas = schemas;
    let core = Resolver::new(settings).unwrap().resolve(&data).unwrap();

    let options = Options {
        engine: Engine::InProcess {
            memory_limit: 512 << 20,
            partitions: Some(partitions),
        },
        settings: base,
        ..Options::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let df = runtime.block_on(resolve(files, &options)).unwrap();
    assert_eq!(df.data.records, data.records);
    assert_eq!(df.blocking.pairs, core.candidate_pairs, "candidate pairs");
    for ((est, new), r) in core.blocking_report.rules.iter().zip(&df.blocking.rules) {
        assert_eq!(*new, r.new_pairs, "new pairs of rule {}", est.rule);
        assert_eq!(
            est.largest_block as u64, r.largest_block,
            "largest block of {}",
            est.rule
        );
    }
    assert_eq!(df.settings.prior, core.settings.prior, "prior");
    assert_eq!(
        df.settings.comparisons, core.settings.comparisons,
        "trained comparisons"
    );
    let core_links = core.links.iter().filter(|l| !l.tentative).count() as u64;
    assert_eq!(df.links, core_links, "links");
    assert_eq!(df.clustering.vetoed, core.clustering.vetoed, "vetoed joins");
    assert_eq!(
        df.clustering.ambiguous, core.clustering.ambiguous,
        "ambiguous"
    );
    assert_eq!(
        df.clustering.cluster_of, core.clustering.cluster_of,
        "clusters"
    );
    truth.map(|t| {
        let truth = linkage::eval::Truth::from_csv(t).unwrap();
        linkage::eval::evaluate(&df.data, &df.clustering.cluster_of, &truth).f1
    })
}

#[test]
fn the_bundled_sample_gives_the_core_clusters() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    let f1 = same_clusters(&csv_files(&dir), 3, Some(&dir.join("truth.csv"))).unwrap();
    assert!(f1 > 0.9, "F1 {f1}");
}

#[test]
fn windowed_blocks_give_the_core_clusters() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    let f1 = same_clusters_with(
        &csv_files(&dir),
        3,
        Some(&dir.join("truth.csv")),
        small_blocks(),
    );
    assert!(f1.unwrap() > 0.8, "F1 {f1:?}");
}

fn shared(set: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(set);
    if dir.join("truth.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: {} not found", dir.display());
        None
    }
}

#[test]
fn customers10k_gives_the_core_clusters() {
    let Some(dir) = shared("customers10k") else {
        return;
    };
    let f1 = same_clusters(&csv_files(&dir), 4, Some(&dir.join("truth.csv"))).unwrap();
    eprintln!("customers10k F1 {f1:.4}");
}

#[test]
fn messy10k_gives_the_core_clusters() {
    let Some(dir) = shared("messy10k") else {
        return;
    };
    let f1 = same_clusters(&csv_files(&dir), 2, Some(&dir.join("truth.csv"))).unwrap();
    eprintln!("messy10k F1 {f1:.4}");
}
