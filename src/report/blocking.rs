//! Section 3: candidate pairs per blocking rule, new pairs per rule, the
//! largest and the windowed blocks.

use super::html::{count, Page};
use super::svg::{hbars, HBar};
use super::Ctx;

/// One bar per rule: pairs it generated, new pairs it contributed.
pub(crate) fn rule_bars(ctx: &Ctx<'_>) -> Vec<HBar> {
    ctx.res
        .blocking_report
        .rules
        .iter()
        .map(|(e, new)| HBar {
            label: e.rule.clone(),
            value: e.pairs as f64,
            overlay: Some(*new as f64),
            title: format!("{}: {} pairs, {} new", e.rule, e.pairs, new),
        })
        .collect()
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    let rep = &ctx.res.blocking_report;
    page.section("blocking", "3. Blocking");
    page.p(&format!(
        "{} distinct candidate pairs from {} rules (OR-ed; a pair counts for the first rule that finds it).",
        count(rep.pairs),
        rep.rules.len()
    ));
    page.raw("<h3>Pairs per rule (light) and new pairs per rule (dark)</h3>");
    page.raw(&hbars("rules", &rule_bars(ctx), |v| count(v as u64)));
    page.raw("<h3>Largest block per rule</h3>");
    let largest: Vec<HBar> = rep
        .rules
        .iter()
        .map(|(e, _)| HBar {
            label: e.rule.clone(),
            value: e.largest_block as f64,
            overlay: None,
            title: format!(
                "{}: largest block {} records, {} blocks over the size limit",
                e.rule, e.largest_block, e.oversized_blocks
            ),
        })
        .collect();
    page.raw(&hbars("largest-blocks", &largest, |v| count(v as u64)));
    let rows: Vec<Vec<String>> = rep
        .rules
        .iter()
        .map(|(e, new)| {
            vec![
                e.rule.clone(),
                count(e.records_with_key as u64),
                count(e.pairs),
                count(e.pairs_uncapped),
                count(*new),
                count(e.largest_block as u64),
                count(e.oversized_blocks as u64),
            ]
        })
        .collect();
    page.table(
        "rules",
        &[
            "rule",
            "records with key",
            "pairs",
            "pairs in full",
            "new pairs",
            "largest block",
            "windowed blocks",
        ],
        &rows,
    );
    if rep.oversized.is_empty() {
        page.note("No block was over the size limit: every block was compared in full.");
    } else {
        page.raw("<h3>Windowed blocks (compared through a sorted window)</h3>");
        let rows: Vec<Vec<String>> = rep
            .oversized
            .iter()
            .map(|o| vec![o.rule.clone(), count(o.size as u64)])
            .collect();
        page.table("oversized", &["rule", "records"], &rows);
    }
    for w in &rep.warnings {
        page.fmt(format_args!(
            "<p class=\"warn\">{}</p>",
            super::html::Esc(w)
        ));
    }
    page.end_section();
}
