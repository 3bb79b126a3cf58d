//! Load and fault test of the service (`examples/serve.rs`) on localhost.
//!
//! Starts the service over a store seeded from generated customers (or an
//! existing store), drives it with N concurrent clients for a bounded
//! number of requests (match, add, update, remove), prints throughput and
//! p50/p99/max latency per operation and the server's memory before and
//! after. Then it loads it again, kills it with SIGKILL mid-load,
//! restarts it on the same store and checks that every write the server
//! acknowledged is there; finally it stops it with SIGTERM.
//!
//! ```text
//! cargo build --release --example serve
//! cargo run --release --example load -- [--clients 4] [--requests 8000] \
//!     [--customers 5000 | --store existing.db]
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use linkage::synth::{generate, write_csv, SynthData, SynthOptions};
use linkage::Record;

#[path = "common/http.rs"]
mod http;
use http::{free_port, rss_mb, Client};

struct Options {
    clients: usize,
    requests: usize,
    customers: usize,
    store: Option<PathBuf>,
}

/// SplitMix64, for each client's choices.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Op {
    Match,
    Add,
    Update,
    Remove,
}

const OPS: [Op; 4] = [Op::Match, Op::Add, Op::Update, Op::Remove];

/// What a client saw: latencies per operation, failures, and the last
/// acknowledged state of each record it wrote (`None`: removed).
#[derive(Default)]
struct Tally {
    lat: HashMap<Op, Vec<Duration>>,
    failed: HashMap<Op, usize>,
    acked: HashMap<String, Option<Value>>,
    /// Records whose last request got no answer (the server died).
    uncertain: Vec<String>,
    stopped_by_error: bool,
}

fn fields_json(r: &Record) -> Value {
    let map: serde_json::Map<String, Value> = r
        .fields
        .iter()
        .map(|(k, v)| {
            let k = serde_json::to_value(k)
                .ok()
                .and_then(|k| k.as_str().map(String::from));
            (k.unwrap_or_default(), Value::String(v.clone()))
        })
        .collect();
    Value::Object(map)
}

/// One client: `n` requests, its own record ids (`prefix`-k in source
/// `load`), stopping at the first transport error when `stop_on_error`.
fn client(
    addr: SocketAddr,
    token: String,
    pool: Arc<Vec<Record>>,
    prefix: String,
    n: usize,
    seed: u64,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut c = Client::new(addr, Some(token));
    let mut rng = Rng(seed);
    let mut t = Tally::default();
    let mut mine: Vec<String> = Vec::new();
    let mut next = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    for _ in 0..n {
        if stop.load(Ordering::SeqCst) || Instant::now() > deadline {
            break;
        }
        let roll = rng.below(100);
        let op = match roll {
            0..=59 => Op::Match,
            60..=79 => Op::Add,
            80..=91 => Op::Update,
            _ => Op::Remove,
        };
        let op = if mine.is_empty() && matches!(op, Op::Update | Op::Remove) {
            Op::Add
        } else {
            op
        };
        let values = &pool[rng.below(pool.len())];
        let fields = fields_json(values);
        let (method, path, body, key) = match op {
            Op::Match => (
                "POST",
                "/match".to_string(),
                Some(json!({"record": {"source": "web", "fields": fields}, "k": 5})),
                None,
            ),
            Op::Add => {
                next += 1;
                let id = format!("{prefix}-{next}");
                (
                    "POST",
                    "/records".to_string(),
                    Some(json!({"source": "load", "id": id, "fields": fields})),
                    Some(id),
                )
            }
            Op::Update => {
                let id = mine[rng.below(mine.len())].clone();
                (
                    "PUT",
                    format!("/records/load/{id}"),
                    Some(json!({"fields": fields})),
                    Some(id),
                )
            }
            Op::Remove => {
                let i = rng.below(mine.len());
                let id = mine.swap_remove(i);
                ("DELETE", format!("/records/load/{id}"), None, Some(id))
            }
        };
        let body = body.map(|b| b.to_string());
        let start = Instant::now();
        match c.send(method, &path, body.as_deref()) {
            Ok(reply) if reply.status == 200 => {
                t.lat.entry(op).or_default().push(start.elapsed());
                if let Some(id) = key {
                    match op {
                        Op::Add | Op::Update => {
                            if op == Op::Add {
                                mine.push(id.clone());
                            }
                            t.acked.insert(id, Some(fields));
                        }
                        _ => {
                            t.acked.insert(id, None);
                        }
                    }
                }
            }
            Ok(_) => *t.failed.entry(op).or_default() += 1,
            Err(_) => {
                *t.failed.entry(op).or_default() += 1;
                if let Some(id) = key {
                    t.uncertain.push(id);
                }
                t.stopped_by_error = true;
                break;
            }
        }
    }
    t
}

fn percentile(d: &[Duration], q: f64) -> f64 {
    if d.is_empty() {
        return 0.0;
    }
    d[((d.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3
}

fn report(tallies: &[Tally], wall: Duration) {
    let total: usize = tallies
        .iter()
        .map(|t| t.lat.values().map(Vec::len).sum::<usize>())
        .sum();
    println!(
        "{total} requests answered 200 in {:.2?}: {:.0} requests/s",
        wall,
        total as f64 / wall.as_secs_f64()
    );
    println!("| operation | ok | failed | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for op in OPS {
        let mut d: Vec<Duration> = tallies
            .iter()
            .flat_map(|t| t.lat.get(&op).into_iter().flatten().copied())
            .collect();
        d.sort();
        let failed: usize = tallies
            .iter()
            .map(|t| t.failed.get(&op).copied().unwrap_or(0))
            .sum();
        println!(
            "| {op:?} | {} | {failed} | {:.2} | {:.2} | {:.2} |",
            d.len(),
            percentile(&d, 0.5),
            percentile(&d, 0.99),
            percentile(&d, 1.0)
        );
    }
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

fn start_server(serve: &Path, args: &[String], token_file: &Path) -> Result<Server, String> {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let log = std::env::temp_dir().join(format!("linkage-load-server-{}.log", std::process::id()));
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let child = Command::new(serve)
        .args(args)
        .arg("--listen")
        .arg(addr.to_string())
        .arg("--token-file")
        .arg(token_file)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("{}: {e}", serve.display()))?;
    let mut server = Server { child, addr };
    let start = Instant::now();
    let token = std::fs::read_to_string(token_file).map_err(|e| e.to_string())?;
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("the server exited at start ({status})"));
        }
        let mut c = Client::new(addr, Some(token.trim().to_string()));
        if c.send("GET", "/health", None)
            .is_ok_and(|r| r.status == 200)
        {
            return Ok(server);
        }
        if start.elapsed() > Duration::from_secs(900) {
            let _ = server.child.kill();
            return Err("the server did not answer /health in 15 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run_clients(
    o: &Options,
    addr: SocketAddr,
    token: &str,
    pool: &Arc<Vec<Record>>,
    phase: &str,
    stop: &Arc<AtomicBool>,
) -> (Vec<Tally>, Duration) {
    let per = o.requests.div_ceil(o.clients);
    let t = Instant::now();
    let handles: Vec<_> = (0..o.clients)
        .map(|i| {
            let (token, pool, stop) = (token.to_string(), pool.clone(), stop.clone());
            let prefix = format!("{phase}{i}");
            std::thread::spawn(move || client(addr, token, pool, prefix, per, 1 + i as u64, stop))
        })
        .collect();
    let tallies = handles
        .into_iter()
        .map(|h| h.join().unwrap_or_default())
        .collect();
    (tallies, t.elapsed())
}

fn run(o: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let serve = std::env::current_exe()?.with_file_name("serve");
    if !serve.exists() {
        return Err(format!(
            "{} not found: build it first (cargo build --release --example serve)",
            serve.display()
        )
        .into());
    }
    let dir = std::env::temp_dir().join(format!("linkage-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let token: String = {
        let mut r = Rng(std::process::id() as u64 ^ Instant::now().elapsed().as_nanos() as u64);
        (0..32)
            .map(|_| char::from(b"0123456789abcdef"[r.below(16)]))
            .collect()
    };
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{token}\n"))?;
    // Values for adds and updates: generated customers not in the store.
    let extra = generate(&SynthOptions {
        customers: 2000,
        seed: 4242,
        ..SynthOptions::default()
    });
    let pool = Arc::new(extra.dataset.records);
    let (store, mut args) = match &o.store {
        Some(p) => (
            p.clone(),
            vec!["--store".to_string(), p.display().to_string()],
        ),
        None => {
            let data = generate(&SynthOptions {
                customers: o.customers,
                seed: 7,
                ..SynthOptions::default()
            });
            let csv = dir.join("csv");
            write_csv(
                &SynthData {
                    dataset: data.dataset,
                    truth: data.truth,
                },
                &csv,
            )?;
            let store = dir.join("store.db");
            let mut a = vec![
                "--store".to_string(),
                store.display().to_string(),
                "--seed".into(),
            ];
            for s in ["crm", "pos", "web", "billing"] {
                a.push(csv.join(format!("{s}.csv")).display().to_string());
            }
            (store, a)
        }
    };
    let t = Instant::now();
    let mut server = start_server(&serve, &args, &token_file)?;
    println!(
        "server up in {:.1?} (pid {}, {})",
        t.elapsed(),
        server.child.id(),
        server.addr
    );
    let rss_before = rss_mb(server.child.id()).unwrap_or(0.0);
    let stop = Arc::new(AtomicBool::new(false));
    let (tallies, wall) = run_clients(o, server.addr, &token, &pool, "a", &stop);
    let rss_after = rss_mb(server.child.id()).unwrap_or(0.0);
    println!("load: {} clients, {} requests", o.clients, o.requests);
    report(&tallies, wall);
    println!("server RSS: {rss_before:.0} MB before, {rss_after:.0} MB after");

    // Fault: the same load, the server killed with SIGKILL mid-way.
    let kill_after = (wall / 3).max(Duration::from_millis(300));
    let addr = server.addr;
    let fault = {
        let (o2, token2, pool2, stop2) = (
            Options { store: None, ..*o },
            token.clone(),
            pool.clone(),
            stop.clone(),
        );
        std::thread::spawn(move || run_clients(&o2, addr, &token2, &pool2, "b", &stop2).0)
    };
    std::thread::sleep(kill_after);
    server.child.kill()?;
    server.child.wait()?;
    let fault = fault.join().unwrap_or_default();
    let cut: usize = fault.iter().filter(|t| t.stopped_by_error).count();
    println!(
        "SIGKILL after {:.1?} of the second run: {cut} of {} clients cut off mid-request",
        kill_after, o.clients
    );

    // Restart on the same store and check every acknowledged write.
    if o.store.is_none() {
        args.truncate(2); // --store PATH, without --seed
    }
    let t = Instant::now();
    let mut server = start_server(&serve, &args, &token_file)?;
    println!("server restarted in {:.1?}", t.elapsed());
    let mut expected: HashMap<String, Option<Value>> = HashMap::new();
    let mut uncertain = Vec::new();
    for t in tallies.iter().chain(&fault) {
        expected.extend(t.acked.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for t in &fault {
        uncertain.extend(t.uncertain.iter().cloned());
    }
    for id in &uncertain {
        expected.remove(id);
    }
    let mut c = Client::new(server.addr, Some(token.clone()));
    let (mut present, mut absent, mut missing) = (0, 0, 0);
    for (id, want) in &expected {
        let r = c.send("GET", &format!("/records/load/{id}"), None)?;
        match (want, r.status) {
            (Some(fields), 200) if r.json()["fields"] == *fields => present += 1,
            (None, 404) => absent += 1,
            _ => missing += 1,
        }
    }
    println!(
        "after restart: {} acknowledged writes checked ({present} records present with their \
         acknowledged values, {absent} removals in force), {missing} lost; {} requests in flight \
         at the kill not checked",
        expected.len(),
        uncertain.len()
    );
    // SIGTERM: in-flight requests finish, the store is closed cleanly.
    Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()?;
    let status = server.child.wait()?;
    println!("SIGTERM: server exited with {status}");
    if o.store.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    } else {
        std::fs::remove_dir_all(&dir).ok();
        let _ = store;
    }
    if missing > 0 {
        return Err(format!("{missing} acknowledged writes lost").into());
    }
    if !status.success() {
        return Err("the server did not stop cleanly on SIGTERM".into());
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut o = Options {
        clients: 4,
        requests: 8000,
        customers: 5000,
        store: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        let ok = match (a.as_str(), v) {
            ("--clients", Some(v)) => v.parse().map(|x| o.clients = x).is_ok(),
            ("--requests", Some(v)) => v.parse().map(|x| o.requests = x).is_ok(),
            ("--customers", Some(v)) => v.parse().map(|x| o.customers = x).is_ok(),
            ("--store", Some(v)) => {
                o.store = Some(v.into());
                true
            }
            _ => false,
        };
        if !ok || o.clients == 0 {
            eprintln!(
                "usage: load [--clients 4] [--requests 8000] [--customers 5000 | --store FILE]"
            );
            return ExitCode::from(2);
        }
    }
    match run(&o) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
