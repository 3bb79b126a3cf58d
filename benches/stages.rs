//! Criterion benchmarks, one per pipeline stage, on generated data
//! (`linkage::synth`, 5,000 customers, about 8,500 records). Each bench
//! checks what it computed before timing it, so a wrong result fails
//! rather than merely running fast.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use linkage::block::Blocker;
use linkage::cluster::{cluster, Link};
use linkage::normalize::NormalizedRecord;
use linkage::pipeline::{count_patterns, kinds_present, normalize_all, train};
use linkage::score::patterns::PatternTable;
use linkage::score::{weight_of_probability, Scorer, TermFrequencies};
use linkage::synth::{generate, SynthData, SynthOptions};
use linkage::{Resolver, Settings};

struct Prepared {
    data: SynthData,
    settings: Settings,
    records: Vec<NormalizedRecord>,
    sources: Vec<u32>,
}

fn prepare() -> Prepared {
    let data = generate(&SynthOptions {
        customers: 5000,
        seed: 7,
        ..SynthOptions::default()
    });
    let settings = Settings::for_kinds(&kinds_present(&data.dataset));
    let (records, _) = normalize_all(&data.dataset, &settings.normalize);
    let sources = data.dataset.records.iter().map(|r| r.source).collect();
    Prepared {
        data,
        settings,
        records,
        sources,
    }
}

fn stages(c: &mut Criterion) {
    let p = prepare();
    let n = p.records.len() as u64;
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);

    group.throughput(Throughput::Elements(n));
    // Read: the generated sources as CSV files (encoding and delimiter
    // detection, schema inference, records).
    let dir = std::env::temp_dir().join(format!("linkage-bench-read-{}", std::process::id()));
    linkage::synth::write_csv(&p.data, &dir).unwrap();
    let files: Vec<std::path::PathBuf> = p
        .data
        .dataset
        .sources
        .iter()
        .map(|s| dir.join(format!("{s}.csv")))
        .collect();
    let options = linkage::input::CsvOptions::default();
    let (read, _, _) = linkage::input::read_csv_files(&files, &options).unwrap();
    assert_eq!(
        read.len(),
        p.data.dataset.len(),
        "every generated record read back"
    );
    group.bench_function("read", |b| {
        b.iter(|| linkage::input::read_csv_files(black_box(&files), &options).unwrap())
    });
    let _ = std::fs::remove_dir_all(&dir);

    group.bench_function("normalize", |b| {
        b.iter(|| normalize_all(black_box(&p.data.dataset), &p.settings.normalize))
    });

    let blocker = Blocker::new(
        &p.settings.blocking,
        p.settings.link_mode,
        &p.records,
        &p.sources,
    );
    let (pairs, _) = blocker.pairs();
    assert!(
        pairs.len() > p.records.len(),
        "blocking found too few pairs: {}",
        pairs.len()
    );
    group.bench_function("block", |b| {
        b.iter(|| {
            Blocker::new(
                &p.settings.blocking,
                p.settings.link_mode,
                black_box(&p.records),
                &p.sources,
            )
            .pairs()
        })
    });

    let tf0 = TermFrequencies::default();
    let untrained = Scorer::new(
        &p.settings.comparisons,
        p.settings.prior,
        p.settings.cluster.contradiction_weight,
        &tf0,
        &p.records,
    );
    let levels = untrained.levels_of(&pairs);
    assert_eq!(levels.len(), pairs.len() * p.settings.comparisons.len());
    group.throughput(Throughput::Elements(pairs.len() as u64));
    group.bench_function("compare", |b| {
        b.iter(|| untrained.levels_of(black_box(&pairs)))
    });

    let patterns = || {
        let mut table = PatternTable::new(
            p.settings.comparisons.len(),
            p.settings.blocking.rules.len(),
        );
        count_patterns(&mut table, &blocker, &pairs, &levels);
        table
    };
    let table = patterns();
    assert_eq!(table.pairs(), pairs.len() as u64);
    let mut trained = p.settings.clone();
    let report = train(&mut trained, &p.records, &p.sources, &table);
    assert!(
        report.converged && trained.trained,
        "training failed: {report:?}"
    );
    group.bench_function("train", |b| {
        b.iter(|| {
            let mut s = p.settings.clone();
            train(&mut s, &p.records, &p.sources, &patterns())
        })
    });

    let tf = TermFrequencies::compute(&trained.comparisons, &p.records);
    let scorer = Scorer::new(
        &trained.comparisons,
        trained.prior,
        trained.cluster.contradiction_weight,
        &tf,
        &p.records,
    );
    let width = trained.comparisons.len();
    let threshold = weight_of_probability(trained.threshold);
    let score_all = || -> Vec<Link> {
        pairs
            .iter()
            .enumerate()
            .filter_map(|(i, &(a, b))| {
                let w = scorer.weight(&levels[i * width..(i + 1) * width], a as usize);
                (w.total >= threshold).then_some(Link {
                    a,
                    b,
                    weight: w.total,
                    tentative: false,
                    corroborate: false,
                })
            })
            .collect()
    };
    let links = score_all();
    assert!(!links.is_empty() && links.len() < pairs.len());
    group.bench_function("score", |b| b.iter(|| black_box(score_all())));

    let veto = weight_of_probability(trained.cluster.veto_probability);
    let clustering = cluster(p.records.len(), links.clone(), &trained.cluster, |a, b| {
        scorer.score(a as usize, b as usize).person < veto
    });
    assert_eq!(clustering.cluster_of.len(), p.records.len());
    group.throughput(Throughput::Elements(links.len() as u64));
    group.bench_function("cluster", |b| {
        b.iter(|| {
            cluster(
                p.records.len(),
                black_box(links.clone()),
                &trained.cluster,
                |a, b| scorer.score(a as usize, b as usize).person < veto,
            )
        })
    });

    group.throughput(Throughput::Elements(n));
    let resolver = Resolver::new(Settings::default()).unwrap();
    let res = resolver.resolve(&p.data.dataset).unwrap();
    let truth = linkage::eval::Truth::from_triples(
        p.data
            .truth
            .iter()
            .map(|(s, r, e)| (s.as_str(), r.as_str(), e.as_str())),
    );
    let m = linkage::eval::evaluate(&p.data.dataset, &res.clustering.cluster_of, &truth);
    assert!(m.f1 > 0.9, "end-to-end F1 {:.4}", m.f1);
    group.bench_function("end_to_end", |b| {
        b.iter(|| resolver.resolve(black_box(&p.data.dataset)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
