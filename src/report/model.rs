//! Section 4: the trained model: one match weight per comparison level
//! (log2 m/u, the bars), m and u, the prior, and EM per session.

use super::html::{count, Page};
use super::svg::{diverging, hbars, DBar, HBar};
use super::Ctx;
use crate::score::weight_of_probability;
use crate::settings::Settings;

/// One comparison level as the weights chart draws it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LevelBar {
    pub(crate) label: String,
    pub(crate) m: f64,
    pub(crate) u: f64,
    /// log2(m/u), 0 for a null level (what scoring adds).
    pub(crate) weight: f64,
    pub(crate) is_null: bool,
    pub(crate) veto: bool,
    pub(crate) tf_adjust: bool,
}

/// The weights chart's data: each comparison's levels, in settings order.
pub(crate) fn weight_bars(settings: &Settings) -> Vec<(String, Vec<LevelBar>)> {
    settings
        .comparisons
        .iter()
        .map(|c| {
            let levels = c
                .levels
                .iter()
                .map(|l| LevelBar {
                    label: l.label.clone(),
                    m: l.m,
                    u: l.u,
                    weight: l.weight(),
                    is_null: l.is_null,
                    veto: l.veto,
                    tf_adjust: l.tf_adjust,
                })
                .collect();
            (c.name.clone(), levels)
        })
        .collect()
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    let s = &ctx.res.settings;
    let tr = &ctx.res.training_report;
    page.section("model", "4. The model");
    let prior = weight_of_probability(s.prior);
    page.p(&format!(
        "A pair's match weight is the prior ({prior:+.2} bits: a match probability of {:.3e} between two random records) \
         plus one weight per comparison, log2(m/u) of the level the pair reaches; exact agreements are adjusted by how common the value is.",
        s.prior
    ));
    let bars = weight_bars(s);
    let mut groups = vec![(
        "prior".to_string(),
        vec![DBar {
            label: "prior (log2 odds)".into(),
            value: prior,
            title: format!("prior probability {:.3e}, weight {prior:+.2}", s.prior),
            class: "prior",
        }],
    )];
    for (name, levels) in &bars {
        let group = levels
            .iter()
            .map(|l| DBar {
                label: l.label.clone(),
                value: l.weight,
                title: format!(
                    "{name} / {}: m {:.4}, u {:.4}, weight {:+.2}{}{}",
                    l.label,
                    l.m,
                    l.u,
                    l.weight,
                    if l.tf_adjust {
                        ", term-frequency adjusted"
                    } else {
                        ""
                    },
                    if l.veto { ", veto" } else { "" }
                ),
                class: if l.is_null {
                    "null"
                } else if l.veto {
                    "veto"
                } else {
                    "level"
                },
            })
            .collect();
        groups.push((name.clone(), group));
    }
    page.raw("<h3>Match weights (bits) by comparison level</h3>");
    page.raw(&diverging("weights", &groups));
    page.note("Green bars count for a match, red against; grey levels (a value missing) count nothing; dark red levels veto a link.");
    page.raw("<h3>m and u per level</h3>");
    let mut rows = Vec::new();
    for (name, levels) in &bars {
        for l in levels {
            rows.push(vec![
                name.clone(),
                l.label.clone(),
                format!("{:.4}", l.m),
                format!("{:.4}", l.u),
                if l.is_null {
                    "missing".to_string()
                } else {
                    format!("{:+.2}", l.weight)
                },
                match (l.tf_adjust, l.veto) {
                    (true, _) => "term-frequency adjusted".into(),
                    (_, true) => "veto".into(),
                    _ => String::new(),
                },
            ]);
        }
    }
    page.table(
        "levels",
        &["comparison", "level", "m", "u", "weight", ""],
        &rows,
    );
    page.raw("<h3>Training</h3>");
    if !s.trained || (tr.u_pairs == 0 && tr.sessions.is_empty()) {
        page.p("The model was given trained (loaded settings): nothing was trained in this run.");
    } else {
        page.p(&format!(
            "u from {} random record pairs; m by {} EM sessions (one per blocking rule, each training the comparisons that read none of the rule's fields; a level's m is the median over sessions) over {} patterns, {} iterations in all; converged: {}.",
            count(tr.u_pairs as u64),
            tr.sessions.len(),
            count(tr.patterns as u64),
            count(tr.iterations as u64),
            if tr.converged { "yes" } else { "no" }
        ));
        let rule_name = |r: usize| {
            s.blocking
                .rules
                .get(r)
                .map_or_else(|| format!("rule {}", r + 1), |x| x.name.clone())
        };
        let bars: Vec<HBar> = tr
            .sessions
            .iter()
            .map(|e| HBar {
                label: rule_name(e.rule),
                value: e.iterations as f64,
                overlay: None,
                title: format!(
                    "{}: {} iterations, {}",
                    rule_name(e.rule),
                    e.iterations,
                    if e.converged {
                        "converged"
                    } else {
                        "did not converge"
                    }
                ),
            })
            .collect();
        if !bars.is_empty() {
            page.fmt(format_args!(
                "<h3>EM iterations per session (at most {})</h3>",
                s.training.max_iterations
            ));
            page.raw(&hbars("em-sessions", &bars, |v| format!("{v:.0}")));
        }
        let rows: Vec<Vec<String>> = tr
            .sessions
            .iter()
            .map(|e| {
                vec![
                    rule_name(e.rule),
                    count(e.pairs),
                    count(e.patterns as u64),
                    count(e.iterations as u64),
                    if e.converged { "yes" } else { "no" }.into(),
                    format!("{:.3}", e.match_share),
                    e.trained.join(", "),
                ]
            })
            .collect();
        page.table(
            "sessions",
            &[
                "session (blocking rule)",
                "pairs",
                "patterns",
                "iterations",
                "converged",
                "match share",
                "trained",
            ],
            &rows,
        );
    }
    for w in &tr.warnings {
        page.fmt(format_args!(
            "<p class=\"warn\">{}</p>",
            super::html::Esc(w)
        ));
    }
    page.end_section();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Dataset, Record};
    use crate::schema::FieldKind as K;
    use crate::Resolver;

    #[test]
    fn the_weights_chart_is_the_model() {
        let mut d = Dataset::default();
        let s = d.add_source("s");
        for (i, (g, f, e)) in [
            ("Ann", "Lee", "ann@lee.org"),
            ("Anne", "Lee", "ann@lee.org"),
            ("Bo", "Ray", "bo@ray.com"),
            ("Bob", "Ray", "bo@ray.com"),
            ("Cy", "Fox", "cy@fox.net"),
        ]
        .iter()
        .enumerate()
        {
            d.records.push(
                Record::new(s, format!("r{i}"))
                    .with(K::GivenName, *g)
                    .with(K::Surname, *f)
                    .with(K::Email, *e),
            );
        }
        let res = Resolver::new(Settings::default())
            .unwrap()
            .resolve(&d)
            .unwrap();
        let bars = weight_bars(&res.settings);
        assert_eq!(bars.len(), res.settings.comparisons.len());
        // Every pair's explanation adds exactly the chart's bar of its level.
        for a in 0..d.len() {
            for b in a + 1..d.len() {
                let ex = res.explain_pair(a, b).unwrap();
                for (f, (name, levels)) in ex.fields.iter().zip(&bars) {
                    assert_eq!(&f.comparison, name);
                    let bar = &levels[f.level as usize];
                    assert_eq!(bar.weight, f.weight);
                    assert_eq!((bar.m, bar.u), (f.m, f.u));
                }
                assert_eq!(ex.prior_weight, weight_of_probability(res.settings.prior));
            }
        }
    }
}
