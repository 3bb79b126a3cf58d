//! A Ballista cluster on localhost: one scheduler and two executors, each
//! a process of its own (the `scheduler` and `executor` examples), run the
//! plan; the clusters are the core's. The bundled sample always runs;
//! `customers10k` and `messy10k` when `../shared/data` is present (else skipped, with a
//! message). The processes are stopped at the end, pass or fail.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use linkage::input::{read_csv_files, CsvOptions};
use linkage::{Resolver, Settings};
use linkage_datafusion::{resolve, Engine, Options};

/// Child processes, killed when dropped.
struct Cluster {
    children: Vec<Child>,
    work: PathBuf,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The example programs, built beside the test binary by `cargo test`.
fn example(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?.join("examples");
    let path = dir.join(name);
    path.is_file().then_some(path)
}

fn wait_for(addr: SocketAddr, what: &str) {
    let start = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn start_cluster() -> Option<(Cluster, String)> {
    let (Some(scheduler), Some(executor)) = (example("scheduler"), example("executor")) else {
        eprintln!(
            "skipped: the scheduler and executor examples are not built (cargo test builds them)"
        );
        return None;
    };
    let work = std::env::temp_dir().join(format!("linkage-ballista-test-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let port = free_port();
    let mut cluster = Cluster {
        children: Vec::new(),
        work: work.clone(),
    };
    let log = |name: &str| std::fs::File::create(work.join(format!("{name}.log"))).unwrap();
    cluster.children.push(
        Command::new(scheduler)
            .args(["--port", &port.to_string()])
            .stdout(log("scheduler"))
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    wait_for(SocketAddr::from(([127, 0, 0, 1], port)), "the scheduler");
    for i in 0..2 {
        let (p, g) = (free_port(), free_port());
        let dir = work.join(format!("executor{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        cluster.children.push(
            Command::new(&executor)
                .args([
                    "--scheduler",
                    &format!("127.0.0.1:{port}"),
                    "--port",
                    &p.to_string(),
                    "--grpc-port",
                    &g.to_string(),
                    "--work-dir",
                    dir.to_str().unwrap(),
                    "--slots",
                    "2",
                ])
                .stdout(log(&format!("executor{i}")))
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap(),
        );
        wait_for(SocketAddr::from(([127, 0, 0, 1], p)), "an executor");
    }
    // Executors register with the scheduler right after they listen.
    std::thread::sleep(Duration::from_secs(2));
    Some((cluster, format!("df://127.0.0.1:{port}")))
}

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

fn same_as_core(files: &[PathBuf], url: &str, work: &Path, base: Settings) {
    let (data, schemas, _) = read_csv_files(files, &CsvOptions::default()).unwrap();
    let mut settings = base.clone();
    settings.schemas = schemas;
    let core = Resolver::new(settings).unwrap().resolve(&data).unwrap();
    let options = Options {
        engine: Engine::Ballista { url: url.into() },
        work_dir: work.to_path_buf(),
        settings: base,
        ..Options::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let df = runtime.block_on(resolve(files, &options)).unwrap();
    assert_eq!(df.blocking.pairs, core.candidate_pairs, "candidate pairs");
    assert_eq!(df.settings.prior, core.settings.prior, "prior");
    assert_eq!(
        df.clustering.cluster_of, core.clustering.cluster_of,
        "clusters"
    );
}

#[test]
fn a_ballista_cluster_gives_the_core_clusters() {
    let Some((cluster, url)) = start_cluster() else {
        return;
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    same_as_core(
        &csv_files(&sample),
        &url,
        &cluster.work,
        Settings::default(),
    );
    // Blocks over 6 records windowed (3 neighbours): the windows' part of
    // the plan runs on the cluster too.
    let mut small_blocks = Settings::default();
    small_blocks.blocking.max_block_size = 6;
    small_blocks.blocking.window = 3;
    same_as_core(
        &csv_files(&sample),
        &url,
        &cluster.work,
        small_blocks.clone(),
    );
    for set in ["customers10k", "messy10k"] {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data")
            .join(set);
        if shared.join("truth.csv").is_file() {
            same_as_core(
                &csv_files(&shared),
                &url,
                &cluster.work,
                Settings::default(),
            );
        } else {
            eprintln!("skipped: {} not found", shared.display());
        }
    }
    // Both executors ran tasks: each wrote shuffle files of its own.
    for i in 0..2 {
        let files = files_under(&cluster.work.join(format!("executor{i}")));
        eprintln!("executor {i}: {files} shuffle files");
        assert!(files > 0, "executor {i} ran no task");
    }
    drop(cluster);
}

/// Files under `dir`, at any depth.
fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                files_under(&p)
            } else {
                1
            }
        })
        .sum()
}
