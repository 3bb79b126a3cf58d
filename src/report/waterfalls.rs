//! Section 7: waterfalls: for a sample of pairs near the threshold,
//! tentative links and refused joins, each field's part in the score
//! (what [`crate::Resolution::explain_pair`] returns), from the prior to
//! the total.

use std::collections::HashSet;

use super::html::{Esc, Page};
use super::identities::{refused, values_table};
use super::svg::{waterfall, Marker, Step};
use super::Ctx;
use crate::explain::PairExplanation;

/// The steps of a pair's waterfall: the prior, each comparison (its
/// weight plus term-frequency adjustment), then the total.
pub(crate) fn steps(ex: &PairExplanation) -> Vec<Step> {
    let mut out = vec![Step {
        label: "prior".into(),
        start: 0.0,
        end: ex.prior_weight,
        title: format!("prior {:+.2}", ex.prior_weight),
        class: "prior",
    }];
    let mut at = ex.prior_weight;
    for f in &ex.fields {
        let w = f.weight + f.tf_adjustment;
        out.push(Step {
            label: format!("{}: {}", f.comparison, f.label),
            start: at,
            end: at + w,
            title: format!(
                "{} at level '{}': m {:.4}, u {:.4}, weight {:+.2}{}",
                f.comparison,
                f.label,
                f.m,
                f.u,
                f.weight,
                if f.tf_adjustment != 0.0 {
                    format!(", term frequency {:+.2}", f.tf_adjustment)
                } else {
                    String::new()
                }
            ),
            class: "field",
        });
        at += w;
    }
    out.push(Step {
        label: "total".into(),
        start: 0.0,
        end: ex.total_weight,
        title: format!(
            "total {:+.2}, match probability {:.4}",
            ex.total_weight, ex.probability
        ),
        class: "total",
    });
    out
}

/// The pairs to explain: `(why, a, b)`.
fn pick(ctx: &Ctx<'_>) -> Vec<(String, u32, u32)> {
    let res = ctx.res;
    let of = &res.clustering.cluster_of;
    let mut out = Vec::new();
    // Firm links just above the threshold.
    let mut firm: Vec<_> = res.links.iter().filter(|l| !l.tentative).collect();
    firm.sort_by(|a, b| {
        a.weight
            .total_cmp(&b.weight)
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    for l in firm.iter().take(3) {
        out.push(("just above the threshold".to_string(), l.a, l.b));
    }
    // Near misses: sampled pairs just below it that are not links.
    let tentative: HashSet<(u32, u32)> = res
        .links
        .iter()
        .filter(|l| l.tentative)
        .map(|l| (l.a, l.b))
        .collect();
    let mut below: Vec<_> = res
        .scores
        .sample
        .iter()
        .filter(|p| p.weight < ctx.threshold && !tentative.contains(&(p.a, p.b)))
        .collect();
    below.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    for p in below.iter().take(3) {
        out.push((
            "just below the threshold (not linked)".to_string(),
            p.a,
            p.b,
        ));
    }
    // Tentative links: the strongest taken and the strongest refused.
    let mut tent: Vec<_> = res.links.iter().filter(|l| l.tentative).collect();
    tent.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    if let Some(l) = tent.iter().find(|l| of[l.a as usize] == of[l.b as usize]) {
        out.push(("tentative link, joined".to_string(), l.a, l.b));
    }
    if let Some(l) = tent.iter().find(|l| of[l.a as usize] != of[l.b as usize]) {
        out.push((
            "tentative link, refused (ambiguous or vetoed)".to_string(),
            l.a,
            l.b,
        ));
    }
    for l in refused(&res.links, of)
        .into_iter()
        .filter(|l| !l.tentative)
        .take(2)
    {
        out.push(("link whose join was refused (vetoed)".to_string(), l.a, l.b));
    }
    out
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    page.section("waterfalls", "7. Waterfalls");
    page.p("Each field's part in a pair's match weight, from the prior to the total (green for, red against); the dashed line is the threshold.");
    let picks = pick(ctx);
    if picks.is_empty() {
        page.note("No pairs to explain.");
    }
    let markers = [Marker {
        x: ctx.threshold,
        label: format!("threshold {:+.1}", ctx.threshold),
    }];
    for (why, a, b) in picks {
        let Some(ex) = ctx.res.explain_pair(a as usize, b as usize) else {
            continue;
        };
        let truth = if ctx.truth.is_some() {
            if ctx.same_entity(a, b) {
                ", truth: same entity"
            } else {
                ", truth: different entities"
            }
        } else {
            ""
        };
        page.fmt(format_args!(
            "<div class=\"card\"><h3>{} - {}: {}</h3><p>weight {:+.2}, match probability {:.4}{}</p>",
            Esc(&ctx.name(a)),
            Esc(&ctx.name(b)),
            Esc(&why),
            ex.total_weight,
            ex.probability,
            Esc(truth)
        ));
        page.raw(&waterfall("waterfall", &steps(&ex), &markers));
        if ctx.opts.dataset.is_some() {
            values_table(page, ctx, &[a, b], &["A".to_string(), "B".to_string()]);
        }
        page.raw("</div>\n");
    }
    page.end_section();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{FieldContribution, RecordRef};

    #[test]
    fn a_waterfall_ends_at_the_total() {
        let r = RecordRef {
            source: "s".into(),
            id: "1".into(),
        };
        let f = |w: f64, tf: f64| FieldContribution {
            comparison: "c".into(),
            level: 0,
            label: "exact".into(),
            m: 0.9,
            u: 0.1,
            weight: w,
            tf_adjustment: tf,
        };
        let ex = PairExplanation {
            a: r.clone(),
            b: r,
            prior_weight: -10.0,
            fields: vec![f(5.0, 1.5), f(-2.0, 0.0), f(8.0, -0.5)],
            total_weight: 2.0,
            probability: 0.8,
        };
        let s = steps(&ex);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].end, -10.0);
        for w in s[1..4].windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert_eq!(s[3].end, ex.total_weight);
        assert_eq!(s[4].end, ex.total_weight);
    }
}
