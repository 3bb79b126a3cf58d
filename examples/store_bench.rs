//! Benchmark of the identity store on generated customers: a store built
//! from a resolved batch of N records, then `match_record` and `add`
//! latency (p50, p99, max) for held-out records, concurrent
//! `match_record` throughput from 1 and 2 threads, and save and load time
//! with the file size.
//!
//! ```text
//! cargo run --release --example store_bench -- --records 1000000
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use linkage::eval::{evaluate, Truth};
use linkage::store::{IdentityStore, Outcome};
use linkage::synth::{generate, SynthOptions};
use linkage::{Dataset, Record, Resolver, Settings};

mod common;

struct Options {
    records: usize,
    probes: usize,
    seed: u64,
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

fn run(o: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let synth = generate(&SynthOptions {
        customers: (o.records * 4 / 7).max(1),
        seed: o.seed,
        ..SynthOptions::default()
    });
    // Every k-th record is held out to be matched and added later.
    let step = (synth.dataset.len() / o.probes.max(1)).max(2);
    let mut base = Dataset {
        sources: synth.dataset.sources.clone(),
        records: Vec::new(),
    };
    let mut probes: Vec<Record> = Vec::new();
    for (i, r) in synth.dataset.records.into_iter().enumerate() {
        if i % step == step / 2 && probes.len() < o.probes {
            probes.push(r);
        } else {
            base.records.push(r);
        }
    }
    println!(
        "generated {} records ({} held out) in {:.1?}",
        base.len() + probes.len(),
        probes.len(),
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
            let id = store.identity_of(&all.sources[r.source as usize], &r.id);
            let n = dense.len() as u32;
            *dense.entry(id).or_insert(n)
        })
        .collect();
    println!(
        "F1 of the store vs truth: {:.4}",
        evaluate(&all, &cluster_of, &truth).f1
    );

    println!("peak RSS {}", common::peak_rss());
    Ok(())
}

fn main() -> ExitCode {
    let mut o = Options {
        records: 100_000,
        probes: 2_000,
        seed: 7,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        let ok = match (a.as_str(), v) {
            ("--records", Some(v)) => v.replace('_', "").parse().map(|x| o.records = x).is_ok(),
            ("--probes", Some(v)) => v.parse().map(|x| o.probes = x).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|x| o.seed = x).is_ok(),
            _ => false,
        };
        if !ok {
            eprintln!("usage: store_bench [--records N] [--probes P] [--seed S]");
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
