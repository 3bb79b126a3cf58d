//! Benchmark of the identity store on generated customers: a store built
//! from a resolved batch of N records, then `match_record` and `add`
//! latency (p50, p99, max) for held-out records, concurrent
//! `match_record` throughput from 1 and 2 threads, and save and load time
//! with the file size. Then the durable store: written to a database,
//! opened again (timed), `match_record` and `add` latency with
//! `Durability::Normal` and `Full`, adds from 2 threads, updates,
//! removals (values erased from the file before each returns), a
//! read-only store in the same process refreshed over those changes, and
//! the file size.
//!
//! ```text
//! cargo run --release --example store_bench -- --records 1000000 [--keep-db PATH]
//! cargo run --release --example store_bench -- --open PATH --probes 5
//! ```
//!
//! `--open PATH` only times opening a database kept by `--keep-db`, as the
//! writer and read-only, `--probes` times each.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use linkage::eval::{evaluate, Truth};
use linkage::store::{Durability, IdentityStore, Outcome, StoreOptions};
use linkage::synth::{generate, SynthOptions};
use linkage::{Dataset, FieldKind, Record, Resolver, Settings};

mod common;

struct Options {
    records: usize,
    probes: usize,
    seed: u64,
    keep_db: Option<std::path::PathBuf>,
    /// Only time opening this existing database (`--open PATH`).
    open_only: Option<std::path::PathBuf>,
}

/// Records held out for the durable part: per durability, `probes` to
/// match and add one by one, then `2 * threaded` to add from 2 threads.
fn durable_holdout(o: &Options) -> usize {
    2 * (o.probes + 2 * threaded(o))
}

fn threaded(o: &Options) -> usize {
    (o.probes * 3 / 2).max(1)
}

fn percentiles(mut d: Vec<Duration>) -> String {
    d.sort();
    let at = |q: f64| d[((d.len() as f64 - 1.0) * q).round() as usize];
    let us = |x: Duration| x.as_secs_f64() * 1e6;
    format!(
        "p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        us(at(0.5)),
        us(at(0.99)),
        us(at(1.0))
    )
}

/// Opens an existing database `runs` times as the writer and as a reader,
/// closing it each time, and prints each kind's times and median.
fn time_opens(path: &std::path::Path, runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    for (label, options) in [
        ("writer", StoreOptions::default()),
        ("read-only", StoreOptions::read_only()),
    ] {
        let mut times = Vec::new();
        let mut records = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let store = IdentityStore::open(path, &options)?;
            times.push(t.elapsed().as_secs_f64());
            records = store.len();
            drop(store);
        }
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let all: Vec<String> = times.iter().map(|t| format!("{t:.2}")).collect();
        println!(
            "open {label}: median {:.2}s of {} ({} s), {records} records",
            sorted[sorted.len() / 2],
            runs,
            all.join(", ")
        );
    }
    Ok(())
}

fn run(o: &Options) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(path) = &o.open_only {
        return time_opens(path, o.probes.clamp(1, 20));
    }
    let t = Instant::now();
    let synth = generate(&SynthOptions {
        customers: (o.records * 4 / 7).max(1),
        seed: o.seed,
        ..SynthOptions::default()
    });
    // Every k-th record is held out to be matched and added later.
    let held = o.probes + durable_holdout(o);
    let step = (synth.dataset.len() / held.max(1)).max(2);
    let mut base = Dataset {
        sources: synth.dataset.sources.clone(),
        records: Vec::new(),
    };
    let mut probes: Vec<Record> = Vec::new();
    let mut later: Vec<Record> = Vec::new();
    for (i, r) in synth.dataset.records.into_iter().enumerate() {
        if i % step == step / 2 && probes.len() + later.len() < held {
            if probes.len() < o.probes && i % (2 * step) == step / 2 {
                probes.push(r);
            } else if later.len() < durable_holdout(o) {
                later.push(r);
            } else {
                probes.push(r);
            }
        } else {
            base.records.push(r);
        }
    }
    println!(
        "generated {} records ({} held out) in {:.1?}",
        base.len() + probes.len() + later.len(),
        probes.len() + later.len(),
        t.elapsed()
    );

    let t = Instant::now();
    let res = Resolver::new(Settings::default())?.resolve(&base)?;
    let resolve = t.elapsed();
    let t = Instant::now();
    let store = IdentityStore::from_resolution(&base, &res)?;
    let build = t.elapsed();
    drop(res);
    println!(
        "batch resolve {:.1?}; store of {} records / {} identities built in {:.1?}",
        resolve,
        store.len(),
        store.identity_count(),
        build
    );

    // Save, drop everything, and load: the latencies below are those of
    // a service that starts from the file (freeing the batch's memory
    // first would otherwise bill the allocator's clean-up to early calls).
    let path =
        std::env::temp_dir().join(format!("linkage-store-bench-{}.store", std::process::id()));
    let t = Instant::now();
    store.save(&path)?;
    let save = t.elapsed();
    let size = std::fs::metadata(&path)?.len();
    let ids = store.identity_ids();
    let records = store.len();
    drop(store);
    let t = Instant::now();
    let store = IdentityStore::load(&path)?;
    let load = t.elapsed();
    std::fs::remove_file(&path).ok();
    if store.identity_ids() != ids {
        return Err("loaded store differs".into());
    }
    println!(
        "save {:.2?}, load {:.2?}, file {:.1} MB ({:.0} bytes/record)",
        save,
        load,
        size as f64 / 1e6,
        size as f64 / records as f64
    );

    // match_record, one thread.
    let mut lat = Vec::with_capacity(probes.len());
    let mut matched = 0;
    for p in &probes {
        let t = Instant::now();
        let m = store.match_record(p, 5)?;
        lat.push(t.elapsed());
        matched += usize::from(m.first().is_some_and(|m| m.is_match));
    }
    println!(
        "match_record (top 5), {} probes: {}; {} matched an identity",
        probes.len(),
        percentiles(lat),
        matched
    );

    // Throughput from 1 and 2 threads, same work per thread.
    let rounds = 5;
    let mut qps = Vec::new();
    for threads in [1usize, 2] {
        let t = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for _ in 0..rounds {
                        for p in &probes {
                            let _ = store.match_record(p, 5);
                        }
                    }
                });
            }
        });
        let n = (threads * rounds * probes.len()) as f64;
        qps.push(n / t.elapsed().as_secs_f64());
    }
    println!(
        "concurrent match_record: 1 thread {:.0}/s, 2 threads {:.0}/s ({:.2}x)",
        qps[0],
        qps[1],
        qps[1] / qps[0]
    );

    // add.
    let mut lat = Vec::with_capacity(probes.len());
    let (mut created, mut attached, mut merged) = (0, 0, 0);
    for p in &probes {
        let t = Instant::now();
        let c = store.add(p.clone())?;
        lat.push(t.elapsed());
        match c.outcome {
            Outcome::Created => created += 1,
            Outcome::Attached => attached += 1,
            _ => merged += 1,
        }
    }
    println!(
        "add, {} records: {}; {attached} attached, {created} created, {merged} merged",
        probes.len(),
        percentiles(lat)
    );

    // Quality of the store after the adds, against the generator's truth.
    let mut all = base;
    all.records.extend(probes);
    all.records.extend(later.iter().cloned());
    let truth = Truth::from_triples(
        synth
            .truth
            .iter()
            .map(|(s, r, e)| (s.as_str(), r.as_str(), e.as_str())),
    );
    let mut dense = std::collections::HashMap::new();
    let cluster_of: Vec<u32> = all
        .records
        .iter()
        .map(|r| {
            // A record not in this store (held for the durable part) is
            // a cluster of its own.
            let id = store
                .identity_of(&all.sources[r.source as usize], &r.id)
                .map_or((1, dense.len()), |id| (0, id as usize));
            let n = dense.len() as u32;
            *dense.entry(id).or_insert(n)
        })
        .collect();
    // The later records are not in this store: each is its own cluster.
    println!(
        "F1 of the store vs truth (the durable part's records not added): {:.4}",
        evaluate(&all, &cluster_of, &truth).f1
    );
    durable(store, later, o)?;

    println!("peak RSS {}", common::peak_rss());
    Ok(())
}

/// The durable store: written, opened, matched, added to from 1 and 2
/// threads with each durability.
fn durable(
    store: IdentityStore,
    later: Vec<Record>,
    o: &Options,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("linkage-store-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = o.keep_db.clone().unwrap_or_else(|| dir.join("store.db"));
    let records = store.len();
    let t = Instant::now();
    let store = store.persist(&path, &StoreOptions::default())?;
    println!("durable: written to a new database in {:.2?}", t.elapsed());
    store.close()?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "durable: file {:.1} MB for {records} records ({:.0} bytes/record)",
        size as f64 / 1e6,
        size as f64 / records as f64
    );
    let mut groups = later.chunks(later.len().div_ceil(2));
    for durability in [Durability::Normal, Durability::Full] {
        let group = groups.next().unwrap_or_default();
        let (one, rest) = group.split_at(o.probes.min(group.len()));
        let t = Instant::now();
        let store = IdentityStore::open(&path, &StoreOptions::durability(durability))?;
        println!(
            "durable {durability:?}: open {:.2?} ({} records, {} identities)",
            t.elapsed(),
            store.len(),
            store.identity_count()
        );
        // A reader in this process, refreshed after the changes below.
        let reader = IdentityStore::open(&path, &StoreOptions::read_only())?;
        let mut lat = Vec::with_capacity(one.len());
        for p in one {
            let t = Instant::now();
            store.match_record(p, 5)?;
            lat.push(t.elapsed());
        }
        println!(
            "durable {durability:?}: match_record (top 5), {} probes: {}",
            one.len(),
            percentiles(lat)
        );
        let mut lat = Vec::with_capacity(one.len());
        for p in one {
            let t = Instant::now();
            store.add(p.clone())?;
            lat.push(t.elapsed());
        }
        println!(
            "durable {durability:?}: add, {} records: {}",
            one.len(),
            percentiles(lat)
        );
        // Two threads adding; each add returns once committed.
        let (a, b) = rest.split_at(rest.len() / 2);
        let t = Instant::now();
        let store = &store;
        let lats: Vec<Vec<Duration>> = std::thread::scope(|s| {
            let handles: Vec<_> = [a, b]
                .into_iter()
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|p| {
                                let t = Instant::now();
                                store.add(p.clone()).map(|_| t.elapsed())
                            })
                            .collect::<Result<Vec<_>, _>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("adding thread").expect("add"))
                .collect()
        });
        let wall = t.elapsed();
        let all: Vec<Duration> = lats.into_iter().flatten().collect();
        println!(
            "durable {durability:?}: adds from 2 threads: {} in {:.2?} = {:.0}/s; per add {}",
            all.len(),
            wall,
            all.len() as f64 / wall.as_secs_f64(),
            percentiles(all)
        );
        // Updates (a changed email) and removals of records just added.
        let changed = &one[..one.len().min(500)];
        let mut lat = Vec::with_capacity(changed.len());
        for p in changed {
            let mut r = p.clone();
            r.set(FieldKind::Email, format!("changed.{}@example.org", r.id));
            let t = Instant::now();
            store.update(r)?;
            lat.push(t.elapsed());
        }
        println!(
            "durable {durability:?}: update, {} records: {}",
            changed.len(),
            percentiles(lat)
        );
        let sources = store.sources();
        let gone = &one[..one.len().min(200)];
        let mut lat = Vec::with_capacity(gone.len());
        for p in gone {
            let t = Instant::now();
            store.remove(&sources[p.source as usize], &p.id)?;
            lat.push(t.elapsed());
        }
        println!(
            "durable {durability:?}: remove (values erased from the file), {} records: {}",
            gone.len(),
            percentiles(lat)
        );
        let t = Instant::now();
        let events = reader.refresh()?;
        let took = t.elapsed();
        if reader.len() != store.len() || reader.identity_count() != store.identity_count() {
            return Err("the refreshed reader differs from the writer".into());
        }
        println!(
            "durable {durability:?}: read-only refresh over {events} events in {took:.2?} ({} records)",
            reader.len()
        );
    }
    let size = std::fs::metadata(&path)?.len();
    let store = IdentityStore::open(&path, &StoreOptions::read_only())?;
    println!(
        "durable: after the adds, file {:.1} MB for {} records ({:.0} bytes/record)",
        size as f64 / 1e6,
        store.len(),
        size as f64 / store.len() as f64
    );
    drop(store);
    if o.keep_db.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut o = Options {
        records: 100_000,
        probes: 2_000,
        seed: 7,
        keep_db: None,
        open_only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        let ok = match (a.as_str(), v) {
            ("--records", Some(v)) => v.replace('_', "").parse().map(|x| o.records = x).is_ok(),
            ("--probes", Some(v)) => v.parse().map(|x| o.probes = x).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|x| o.seed = x).is_ok(),
            ("--keep-db", Some(v)) => {
                o.keep_db = Some(v.into());
                true
            }
            ("--open", Some(v)) => {
                o.open_only = Some(v.into());
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!(
                "usage: store_bench [--records N] [--probes P] [--seed S] [--keep-db PATH]\n       store_bench --open PATH [--probes RUNS]  (time opening a kept database)"
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
