//! Section 1: what the run did, how long it took, and (with a truth) how
//! well it did.

use super::html::{count, duration, Page};
use super::svg::{hbars, HBar};
use super::Ctx;

/// Records per source, in first-seen order.
pub(crate) fn records_per_source(ctx: &Ctx<'_>) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = match ctx.opts.dataset {
        Some(d) => d.sources.iter().map(|s| (s.clone(), 0)).collect(),
        None => Vec::new(),
    };
    for r in &ctx.res.refs {
        match out.iter_mut().find(|(s, _)| *s == r.source) {
            Some(e) => e.1 += 1,
            None => out.push((r.source.clone(), 1)),
        }
    }
    out
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    let res = ctx.res;
    page.section("summary", "1. Summary");
    let sources = records_per_source(ctx);
    let firm = res.links.iter().filter(|l| !l.tentative).count() as u64;
    let tentative = res.links.len() as u64 - firm;
    let identities = res.clustering.cluster_count() as u64;
    let mut facts = vec![
        (
            "sources",
            sources
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("records", count(res.records.len() as u64)),
        (
            "candidate pairs",
            format!(
                "{}{}",
                count(res.candidate_pairs),
                if res.pairs_streamed {
                    " (streamed under the memory budget)"
                } else {
                    ""
                }
            ),
        ),
        (
            "links",
            format!(
                "{} at match probability >= {} and {} tentative (uncontested)",
                count(firm),
                res.settings.threshold,
                count(tentative)
            ),
        ),
        (
            "identities",
            format!(
                "{} ({} records merged away)",
                count(identities),
                count((res.records.len() as u64).saturating_sub(identities))
            ),
        ),
        (
            "joins refused",
            format!(
                "{} vetoed (a pair across the groups clearly different), {} tentative links ambiguous",
                count(res.clustering.vetoed as u64),
                count(res.clustering.ambiguous as u64)
            ),
        ),
    ];
    let t = &res.timings;
    let total = t.normalize + t.block + t.compare + t.train + t.score + t.cluster;
    facts.push(("run time", duration(total)));
    if let Some(b) = ctx.opts.peak_memory_bytes {
        facts.push(("peak memory", format!("{:.0} MB", b as f64 / 1e6)));
    }
    page.facts(&facts);
    if let Some(m) = &ctx.metrics {
        page.raw("<h3>Against the truth</h3>");
        let n = res.records.len() as u64;
        let all = n * n.saturating_sub(1) / 2;
        let fp = m.predicted_pairs.saturating_sub(m.true_positives);
        let fn_ = m.true_pairs.saturating_sub(m.true_positives);
        let tn = all.saturating_sub(m.true_positives + fp + fn_);
        page.facts(&[
            ("precision", format!("{:.4}", m.precision)),
            ("recall", format!("{:.4}", m.recall)),
            ("F1", format!("{:.4}", m.f1)),
            (
                "clusters / true entities",
                format!(
                    "{} / {}",
                    count(m.clusters as u64),
                    count(m.entities as u64)
                ),
            ),
        ]);
        page.table(
            "confusion",
            &["record pairs", "same true entity", "different entities"],
            &[
                vec![
                    "same identity".into(),
                    format!("{} true positives", count(m.true_positives)),
                    format!("{} false positives", count(fp)),
                ],
                vec![
                    "different identities".into(),
                    format!("{} false negatives", count(fn_)),
                    format!("{} true negatives", count(tn)),
                ],
            ],
        );
        if m.records_without_truth > 0 {
            page.note(&format!(
                "{} records are not in the truth file; each counts as its own entity.",
                m.records_without_truth
            ));
        }
    } else if ctx.opts.truth.is_some() {
        page.note("Truth metrics need the dataset (ReportOptions::dataset).");
    }
    page.raw("<div class=\"row\"><div><h3>Records per source</h3>");
    let bars: Vec<HBar> = sources
        .iter()
        .map(|(s, n)| HBar {
            label: s.clone(),
            value: *n as f64,
            overlay: None,
            title: format!("{s}: {n} records"),
        })
        .collect();
    page.raw(&hbars("sources", &bars, |v| count(v as u64)));
    page.raw("</div><div><h3>Stage timings</h3>");
    let stages = [
        ("normalize", t.normalize),
        ("block", t.block),
        ("compare", t.compare),
        ("train", t.train),
        ("score", t.score),
        ("cluster", t.cluster),
    ];
    let bars: Vec<HBar> = stages
        .iter()
        .map(|(s, d)| HBar {
            label: s.to_string(),
            value: d.as_secs_f64(),
            overlay: None,
            title: format!("{s}: {}", duration(*d)),
        })
        .collect();
    page.raw(&hbars("timings", &bars, |v| {
        duration(std::time::Duration::from_secs_f64(v))
    }));
    page.raw("</div></div>");
    page.end_section();
}
