//! The stages a run calls that work on the whole dataset at once:
//! normalizing every record, counting comparison patterns, training.

use rayon::prelude::*;

use crate::block::{Blocker, Pair};
use crate::normalize::name_roles::{assign_name_roles, full_name_only};
use crate::normalize::org_key::assign_org_keys;
use crate::normalize::placeholder::remove_placeholders;
use crate::normalize::record::NormalizeReport;
use crate::normalize::{NormalizeRules, NormalizedRecord};
use crate::progress::{Stage, Tracker};
use crate::record::Dataset;
use crate::score::patterns::PatternTable;
use crate::score::side::{side_sessions, unreachable, SideSession};
use crate::score::train::{estimate_u, expected_share, prior_fixed_point, train_m};
use crate::score::TrainingReport;
use crate::settings::Settings;

/// Stage 1 for a whole dataset: every record normalized (in parallel),
/// full names refiled, placeholder values removed, organisation keys
/// ordered by the data, and what was rejected counted.
pub fn normalize_all(
    data: &Dataset,
    rules: &NormalizeRules,
) -> (Vec<NormalizedRecord>, NormalizeReport) {
    normalize_tracked(data, rules, &Tracker::none(Stage::Normalize))
}

pub(super) fn normalize_tracked(
    data: &Dataset,
    rules: &NormalizeRules,
    progress: &Tracker<'_>,
) -> (Vec<NormalizedRecord>, NormalizeReport) {
    let total = std::sync::Mutex::new(NormalizeReport::default());
    // An indexed collect writes each record straight into its slot: no
    // second copy of the records while they are gathered.
    let mut records: Vec<NormalizedRecord> = data
        .records
        .par_iter()
        .with_min_len(1024)
        .map_init(
            || Tally {
                counts: NormalizeReport::default(),
                seen: 0,
                total: &total,
                progress,
            },
            |tally, r| {
                tally.seen += 1;
                if tally.seen == 4096 {
                    tally.progress.add(std::mem::take(&mut tally.seen));
                }
                NormalizedRecord::from_record(r, rules, &mut tally.counts)
            },
        )
        .collect();
    let mut total = total.into_inner().unwrap_or_else(|e| e.into_inner());
    total.names_refiled = assign_name_roles(&mut records, &rules.name_roles, |i| {
        full_name_only(&data.records[i])
    });
    total.placeholders = remove_placeholders(&mut records, &rules.placeholders);
    total.common_org_words = assign_org_keys(&mut records, &rules.org_key);
    (records, total)
}

/// One worker's share of normalizing: its counts go into the total when
/// it is done (counts are sums, so the total does not depend on how the
/// work was split).
struct Tally<'a> {
    counts: NormalizeReport,
    seen: u64,
    total: &'a std::sync::Mutex<NormalizeReport>,
    progress: &'a Tracker<'a>,
}

impl Drop for Tally<'_> {
    fn drop(&mut self) {
        self.progress.add(self.seen);
        if let Ok(mut total) = self.total.lock() {
            total.merge(&self.counts);
        }
    }
}

/// Stage 4a, training: u from random pairs, m by EM sessions over the
/// candidate pairs' comparison `patterns` (see [`count_patterns`]), then
/// the prior as the chance that two random records match. Marks the
/// settings trained.
pub fn train(
    settings: &mut Settings,
    records: &[NormalizedRecord],
    sources: &[u32],
    patterns: &PatternTable,
) -> TrainingReport {
    let mut report = TrainingReport::default();
    let u_counts = estimate_u(
        &mut settings.comparisons,
        records,
        sources,
        settings.link_mode,
        &settings.training,
        &mut report,
    );
    let rule_groups: Vec<Vec<u8>> = settings
        .blocking
        .rules
        .iter()
        .map(|r| r.keys.iter().map(|k| k.attr().group()).collect())
        .collect();
    let comparable = comparable_pairs(sources, settings.link_mode);
    let start = settings.comparisons.clone();
    let side = side_sessions(
        &settings.comparisons,
        &unreachable(&settings.comparisons, &rule_groups),
        records,
        sources,
        settings.link_mode,
        settings.blocking.max_block_size,
        &settings.training,
    );
    settings.prior = fit_prior(
        settings,
        patterns,
        &rule_groups,
        &side,
        comparable,
        &mut report,
    );
    // The random pairs hold matches too, a share the prior tells: taken
    // out of u, the model is trained again (m and the prior follow u).
    for _ in 0..settings.training.u_without_matches_rounds {
        let expected = settings.prior * report.u_pairs as f64;
        // The records of the same entity as a record, on average.
        let per_record = settings.prior * comparable * 2.0 / (sources.len().max(1) as f64);
        if expected < 1.0 || per_record < settings.training.u_without_matches_min_entity {
            break;
        }
        let before = settings.prior;
        // u without the matches the trained m expects among the random
        // pairs; m is trained again from the template's, as the first time,
        // so a correction that hardly moves u hardly moves the model.
        u_counts.apply(&mut settings.comparisons, before);
        let mut comparisons = start.clone();
        for (c, trained) in comparisons.iter_mut().zip(&settings.comparisons) {
            for (l, t) in c.levels.iter_mut().zip(&trained.levels) {
                l.u = t.u;
            }
        }
        settings.comparisons = comparisons;
        let mut round = TrainingReport {
            u_pairs: report.u_pairs,
            ..TrainingReport::default()
        };
        settings.prior = fit_prior(
            settings,
            patterns,
            &rule_groups,
            &side,
            comparable,
            &mut round,
        );
        round.iterations += report.iterations;
        report = round;
        if (settings.prior - before).abs() <= 0.01 * before {
            break;
        }
    }
    settings.trained = true;
    report
}

/// m by EM sessions over the candidate pairs' `patterns` with u as it
/// stands, then the prior: the chance that two random records match.
fn fit_prior(
    settings: &mut Settings,
    patterns: &PatternTable,
    rule_groups: &[Vec<u8>],
    side: &[SideSession],
    comparable: f64,
    report: &mut TrainingReport,
) -> f64 {
    let candidate_prior = train_m(
        &mut settings.comparisons,
        patterns,
        rule_groups,
        0.1,
        side,
        &settings.training,
        report,
    );
    // EM fitted the share of matches among candidate pairs; the model's
    // prior is the chance that two random records match: the expected
    // matches spread over every pair that could be compared.
    let mut expected_matches = candidate_prior * patterns.pairs() as f64;
    if settings.training.extrapolate_windows {
        // Pairs of windowed blocks that were never compared hold matches
        // too: at the rate the window's far edge shows, per rule, when that
        // rate shows entities larger than the window (nearly every edge
        // pair matches); people who share a surname or an address are
        // matched near each other in name order, and the far edges of
        // their blocks match far less often (0.2 to 0.6 measured). Rules
        // overlap, so the largest rule's share counts, not their sum.
        let min_rate = settings.training.window_edge_min_rate;
        let unseen = patterns
            .unseen()
            .iter()
            .map(|(_, p)| {
                let matches = expected_share(&settings.comparisons, p, candidate_prior);
                let pairs: f64 = p.iter().map(|(_, n)| *n as f64).sum();
                if pairs > 0.0 && matches >= min_rate * pairs {
                    matches
                } else {
                    0.0
                }
            })
            .fold(0.0, f64::max);
        report.unseen_matches = unseen;
        expected_matches += unseen;
    }
    if settings.training.prior_fixed_point {
        let all = patterns.select(&vec![true; settings.comparisons.len()], None);
        return prior_fixed_point(
            &settings.comparisons,
            &all,
            report.unseen_matches,
            comparable,
        )
        .clamp(1e-12, 0.5);
    }
    (expected_matches / comparable.max(1.0)).clamp(1e-12, 0.5)
}

/// Adds candidate `pairs` with their comparison `levels` to a pattern
/// table, with the blocking rules each pair agrees on.
pub fn count_patterns(
    table: &mut PatternTable,
    blocker: &Blocker<'_>,
    pairs: &[Pair],
    levels: &[u8],
) {
    table.add(levels, |i, mask| {
        blocker.agreement(pairs[i].0, pairs[i].1, mask)
    });
    blocker.far_edges_ready();
    table.add_unseen(levels, |i, out| {
        blocker.far_edge(pairs[i].0, pairs[i].1, |rule, n| out.push((rule, n)))
    });
}

/// Number of record pairs that could be compared under the link mode.
pub(super) fn comparable_pairs(sources: &[u32], mode: crate::block::LinkMode) -> f64 {
    let n = sources.len() as f64;
    let all = n * (n - 1.0) / 2.0;
    match mode {
        crate::block::LinkMode::LinkAndDedupe => all,
        crate::block::LinkMode::LinkOnly => {
            let mut per: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
            for s in sources {
                *per.entry(*s).or_default() += 1.0;
            }
            all - per.values().map(|c| c * (c - 1.0) / 2.0).sum::<f64>()
        }
    }
}
