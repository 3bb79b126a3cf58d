//! Training: u from random record pairs, m and the prior by
//! expectation-maximisation over the blocked pairs' comparison patterns.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::block::LinkMode;
use crate::compare::comparison::Role;
use crate::compare::{compare_pair, Comparison};
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;
use crate::rng::SplitMix;
use crate::score::patterns::{PatternTable, SKIP};
use crate::score::side::SideSession;

/// Training options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSettings {
    /// Random record pairs sampled to estimate u.
    pub u_sample_pairs: usize,
    /// Seed of the random pair sampler (same seed, same model).
    pub seed: u64,
    /// Most EM iterations.
    pub max_iterations: usize,
    /// EM stops when no parameter moves more than this.
    pub tolerance: f64,
    /// Count the matches among the pairs of windowed (oversized or capped)
    /// blocks that the window never compared into the prior, at the match
    /// rate of the window's far edge (see
    /// [`crate::block::Blocker::far_edge`]). Without it, a file whose
    /// entities hold hundreds of records gets a prior a hundred times too
    /// small: only the window's few pairs per record count.
    #[serde(default = "default_true")]
    pub extrapolate_windows: bool,
    /// A rule's never-compared pairs count only when at least this share
    /// of its windows' far-edge pairs (weighted by the pairs they stand
    /// for) are matches: the entities are larger than the window. Where
    /// the edge hardly matches (people sharing a surname, matched next to
    /// each other in name order), the rest of the block is taken to hold
    /// no more matches than the window found. Default 0.9: nearly all of
    /// the edge is one entity (an organisation's hundreds of records: 1.0;
    /// generated customers, 0.25; a census household file's address
    /// blocks, up to 0.57, with the model's posterior at the edge).
    #[serde(default = "default_edge_rate")]
    pub window_edge_min_rate: f64,
    /// Rounds of taking the expected matches out of the random pairs' u
    /// ([`UCounts::apply`]) and training m and the prior again; stops
    /// early when the prior moves by under 1%, and does nothing when the
    /// random pairs are expected to hold less than one match or the prior
    /// shows small entities
    /// ([`TrainingSettings::u_without_matches_min_entity`]).
    /// Default 3; 0 keeps u from all random pairs.
    #[serde(default = "default_u_rounds")]
    pub u_without_matches_rounds: usize,
    /// The matches are taken out of u only when the prior says a record
    /// has at least this many others of its entity, on average (the
    /// prior times the pairs a record is in): entities of tens or
    /// hundreds of records, whose matches are a share of the random pairs
    /// that moves every level's u (patstat's organisations: 86 a record
    /// by the prior, F1 0.22 without the correction, 0.51 with it).
    /// With smaller entities the correction moves little but the u of
    /// exact identifiers (an email), whose random-pair counts are mostly
    /// matches, and the model had leant on those u being high: measured
    /// with the correction always on, customers10k F1 0.9958 -> 0.9954,
    /// senzing_truthset 0.557 -> 0.524 (pseudopeople, 9 a record: 0.9748
    /// -> 0.9723). Default 20.
    #[serde(default = "default_u_min_entity")]
    pub u_without_matches_min_entity: f64,
    /// A comparison's m from one EM session (one blocking rule) counts
    /// only when the other comparisons deciding match or non-match there
    /// are known on at least this many per pair, on average (the sum of
    /// the shares of the session's pairs where each is known). EM cannot
    /// tell two classes apart from one comparison: a session left with the
    /// birth date alone (its rule reads the names) fits any split of the
    /// date's levels. Categories (sex, place of birth, country,
    /// occupation: [`Attr::is_category`](crate::normalize::record::Attr::is_category))
    /// count only beside other evidence known on at least a tenth of this:
    /// relatives share them, so alone they train nothing. Default 0.5.
    #[serde(default = "default_min_evidence")]
    pub min_other_evidence: f64,
    /// Most pairs of one side session (see [`crate::score::side`]): pairs
    /// sharing a value of another attribute, which train the comparisons
    /// every blocking rule reads. Default 100,000; 0 turns them off.
    #[serde(default = "default_side_pairs")]
    pub side_session_pairs: usize,
    /// Weight, in pairs, of a template's starting u against the random
    /// pairs' counts: tiny datasets keep the template's values, large ones
    /// follow the data, and no u is zero. Default 1,000.
    #[serde(default = "default_template_pairs")]
    pub u_template_pairs: f64,
    /// Fewest pairs an EM session (a blocking rule's, a side session's)
    /// needs to train anything. Default 50.
    #[serde(default = "default_min_session_pairs")]
    pub min_session_pairs: u64,
    /// How the prior (the chance that two random records match) is fitted
    /// once m is trained. `true` (the default): the prior is the fixed
    /// point at which it equals the candidate pairs' posteriors under the
    /// whole model, summed and spread over every pair that could be
    /// compared (EM for the prior alone over all pairs, with the pairs
    /// blocking never formed taken as non-matches). `false`: the share of
    /// matches EM finds among the candidate pairs judged by the person
    /// comparisons alone, times the candidate pairs. Among candidates
    /// chosen because they share a name, that share counts every namesake
    /// as a match: on the generated namesake population it made the prior
    /// 1.4x too high at 10k records, 4x at 100k and 12x at 1M (precision
    /// 0.957 / 0.952 / 0.943), where the fixed point is 1.35x high at
    /// every size (precision 0.957 / 0.955 / 0.953). Models whose weights
    /// are too weak had leant on the high prior: rldata10000's F1 falls
    /// from 0.935 to 0.920 with the fixed point.
    #[serde(default = "default_true")]
    pub prior_fixed_point: bool,
}

fn default_template_pairs() -> f64 {
    1000.0
}

fn default_min_session_pairs() -> u64 {
    50
}

fn default_side_pairs() -> usize {
    100_000
}

fn default_min_evidence() -> f64 {
    0.5
}

fn default_u_rounds() -> usize {
    3
}

fn default_u_min_entity() -> f64 {
    20.0
}

fn default_edge_rate() -> f64 {
    0.9
}

fn default_true() -> bool {
    true
}

impl Default for TrainingSettings {
    fn default() -> Self {
        TrainingSettings {
            u_sample_pairs: 300_000,
            seed: 0x5eed_1e55,
            max_iterations: 200,
            tolerance: 1e-5,
            extrapolate_windows: true,
            window_edge_min_rate: default_edge_rate(),
            u_without_matches_rounds: default_u_rounds(),
            u_without_matches_min_entity: default_u_min_entity(),
            min_other_evidence: default_min_evidence(),
            side_session_pairs: default_side_pairs(),
            u_template_pairs: default_template_pairs(),
            min_session_pairs: default_min_session_pairs(),
            prior_fixed_point: true,
        }
    }
}

/// What training did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// Random pairs used for u.
    pub u_pairs: usize,
    /// Distinct comparison patterns EM ran over.
    pub patterns: usize,
    /// EM iterations run.
    pub iterations: usize,
    /// Whether EM met the tolerance.
    pub converged: bool,
    /// Warnings for the user (EM not converged, a level never seen).
    pub warnings: Vec<String>,
    /// Expected matches among the never-compared pairs of windowed blocks
    /// added to the prior ([`TrainingSettings::extrapolate_windows`]).
    #[serde(default)]
    pub unseen_matches: f64,
    /// Each EM session that ran, in blocking rule order.
    #[serde(default)]
    pub sessions: Vec<EmSession>,
}

/// One EM session: the candidate pairs that agree on one blocking rule's
/// keys, training the comparisons that read none of its fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmSession {
    /// Index of the blocking rule.
    pub rule: usize,
    /// Candidate pairs in the session.
    pub pairs: u64,
    /// Distinct comparison patterns EM ran over.
    pub patterns: usize,
    /// Iterations run.
    pub iterations: usize,
    /// Whether EM met the tolerance.
    pub converged: bool,
    /// Share of the session's pairs EM judged to be matches.
    pub match_share: f64,
    /// Names of the comparisons the session trained.
    pub trained: Vec<String>,
    /// For a side session (see [`crate::score::side`]), the attribute
    /// whose shared values made its pairs (`rule` is then `usize::MAX`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_key: Option<String>,
}

/// The level counts of the random record pairs sampled for u, kept so
/// that u can be worked out again once the share of matches among them
/// is known ([`UCounts::apply`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UCounts {
    /// Per comparison, the random pairs at each level.
    counts: Vec<Vec<u64>>,
    /// Per comparison, the template's starting u of each level.
    template_u: Vec<Vec<f64>>,
    /// Weight of the template's u, in pairs
    /// ([`TrainingSettings::u_template_pairs`]).
    template_pairs: f64,
}

impl UCounts {
    /// Sets every trained level's u from the counts. `matches` is the
    /// chance that two random records match (the prior): the random pairs
    /// hold that share of matches, spread over the levels as the current
    /// m says, and those are taken out before u (a non-match's chance of
    /// each level) is worked out. Negligible for people (a prior of 1e-4),
    /// but a file of organisations with hundreds of records each has a
    /// tenth of its random pairs matching, and u of an exact agreement
    /// seen among them is mostly theirs. The template's u counts as
    /// 1,000 pseudo pairs, so tiny datasets keep the template's values and
    /// no u is zero.
    pub fn apply(&self, comparisons: &mut [Comparison], matches: f64) {
        let p = matches.clamp(0.0, 0.99);
        for ((c, counts), template) in comparisons
            .iter_mut()
            .zip(&self.counts)
            .zip(&self.template_u)
        {
            if counts.len() != c.levels.len() || template.len() != c.levels.len() {
                continue;
            }
            let informative: u64 = c
                .levels
                .iter()
                .zip(counts)
                .filter(|(l, _)| !l.is_null)
                .map(|(_, n)| *n)
                .sum();
            let expected = p * informative as f64;
            // Pairs that are not matches, per level.
            let others: Vec<f64> = c
                .levels
                .iter()
                .zip(counts)
                .map(|(l, &n)| (n as f64 - expected * l.m).max(0.0))
                .collect();
            let total: f64 = c
                .levels
                .iter()
                .zip(&others)
                .filter(|(l, _)| !l.is_null)
                .map(|(_, n)| n)
                .sum();
            let trained = c.levels.iter().filter(|l| !l.is_null).count() as f64;
            for ((l, &n), &prior_u) in c.levels.iter_mut().zip(&others).zip(template) {
                if l.is_null {
                    continue;
                }
                // The template's u counts as `template_pairs` pseudo pairs: on a
                // few records the template stands, on many the data decide;
                // and a level never seen among random pairs gets a small u,
                // not zero.
                let prior_u = prior_u.clamp(1e-6, 1.0);
                let w = self.template_pairs;
                l.u = (n + w * prior_u + 0.5) / (total + w + 0.5 * trained);
            }
        }
    }
}

/// Estimates u for every level from random record pairs (deterministic
/// for a seed, whatever the thread count), taking every pair for a
/// non-match, and returns the counts for [`UCounts::apply`]. Each level's
/// starting u counts as 1,000 pseudo pairs, so tiny datasets keep the
/// template's values and no u is zero.
pub fn estimate_u(
    comparisons: &mut [Comparison],
    records: &[NormalizedRecord],
    sources: &[u32],
    mode: LinkMode,
    settings: &TrainingSettings,
    report: &mut TrainingReport,
) -> UCounts {
    let n = records.len();
    if n < 2 {
        return UCounts::default();
    }
    let all_pairs = n * (n - 1) / 2;
    let target = settings.u_sample_pairs.min(all_pairs).max(1);
    const CHUNK: usize = 16_384;
    let chunks = target.div_ceil(CHUNK);
    let width: usize = comparisons.iter().map(|c| c.levels.len()).sum();
    let counts: Vec<u64> = (0..chunks)
        .into_par_iter()
        .map(|chunk| {
            let mut rng =
                SplitMix(settings.seed ^ (chunk as u64).wrapping_mul(0xA24B_AED4_963E_E407));
            let mut counts = vec![0u64; width];
            let mut levels = Vec::with_capacity(comparisons.len());
            let todo = CHUNK.min(target - chunk * CHUNK);
            let mut done = 0;
            let mut attempts = 0;
            while done < todo && attempts < todo * 20 {
                attempts += 1;
                let a = rng.below(n);
                let b = rng.below(n);
                if a == b || (mode == LinkMode::LinkOnly && sources[a] == sources[b]) {
                    continue;
                }
                levels.clear();
                compare_pair(comparisons, &records[a], &records[b], &mut levels);
                let mut offset = 0;
                for (c, &l) in comparisons.iter().zip(&levels) {
                    counts[offset + l as usize] += 1;
                    offset += c.levels.len();
                }
                done += 1;
            }
            counts
        })
        .reduce(
            || vec![0u64; width],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    report.u_pairs = target;
    let mut offset = 0;
    let mut per = Vec::with_capacity(comparisons.len());
    for c in comparisons.iter() {
        let k = c.levels.len();
        per.push(counts[offset..offset + k].to_vec());
        offset += k;
    }
    let u = UCounts {
        counts: per,
        template_u: comparisons
            .iter()
            .map(|c| c.levels.iter().map(|l| l.u).collect())
            .collect(),
        template_pairs: settings.u_template_pairs,
    };
    u.apply(comparisons, 0.0);
    u
}

/// One EM run over comparison patterns with u held fixed: returns the
/// prior (share of matches) and updates m when `fit_m`. Levels equal to
/// [`SKIP`] and null levels are left out. Returns (prior, iterations, converged).
/// Only comparisons with `evidence[c]` take part in the E-step (deciding
/// how likely each pattern is a match); all non-skipped ones get m updated.
pub fn em(
    comparisons: &mut [Comparison],
    patterns: &[(Vec<u8>, u64)],
    evidence: &[bool],
    prior: f64,
    fit_m: bool,
    settings: &TrainingSettings,
) -> (f64, usize, bool) {
    let total: f64 = patterns.iter().map(|(_, n)| *n as f64).sum();
    let mut lambda = prior.clamp(1e-6, 1.0 - 1e-6);
    if total == 0.0 {
        return (lambda, 0, true);
    }
    for iteration in 1..=settings.max_iterations {
        let mut m_acc: Vec<Vec<f64>> = comparisons
            .iter()
            .map(|c| vec![0.0; c.levels.len()])
            .collect();
        let mut matched = 0.0;
        for (pattern, count) in patterns {
            let mut log_m = lambda.ln();
            let mut log_u = (1.0 - lambda).ln();
            for ((c, &l), _) in comparisons
                .iter()
                .zip(pattern)
                .zip(evidence)
                .filter(|(_, e)| **e)
            {
                if l == SKIP {
                    continue;
                }
                let level = &c.levels[l as usize];
                if level.is_null {
                    continue;
                }
                log_m += level.m.max(1e-12).ln();
                log_u += level.u.max(1e-12).ln();
            }
            let post = 1.0 / (1.0 + (log_u - log_m).exp());
            let w = post * *count as f64;
            matched += w;
            for (acc, &l) in m_acc.iter_mut().zip(pattern) {
                if l != SKIP {
                    acc[l as usize] += w;
                }
            }
        }
        let new_lambda = (matched / total).clamp(1e-6, 1.0 - 1e-6);
        let mut delta = (new_lambda - lambda).abs();
        lambda = new_lambda;
        if fit_m {
            for (c, acc) in comparisons.iter_mut().zip(&m_acc) {
                let informative: f64 = c
                    .levels
                    .iter()
                    .zip(acc)
                    .filter(|(l, _)| !l.is_null)
                    .map(|(_, a)| a)
                    .sum();
                if informative <= 0.0 {
                    continue;
                }
                let trained = c.levels.iter().filter(|l| !l.is_null).count() as f64;
                for (l, a) in c.levels.iter_mut().zip(acc) {
                    if l.is_null {
                        continue;
                    }
                    // A small pseudo-count keeps m away from exactly zero.
                    let m = (a + 1e-3) / (informative + 1e-3 * trained);
                    delta = delta.max((m - l.m).abs());
                    l.m = m;
                }
            }
        }
        if delta < settings.tolerance {
            return (lambda, iteration, true);
        }
    }
    (lambda, settings.max_iterations, false)
}

/// The posterior match probability of a pattern under the model, with a
/// prior share of matches `lambda`; levels equal to [`SKIP`] and null
/// levels say nothing.
pub fn posterior(comparisons: &[Comparison], pattern: &[u8], lambda: f64) -> f64 {
    let lambda = lambda.clamp(1e-9, 1.0 - 1e-9);
    let (mut log_m, mut log_u) = (lambda.ln(), (1.0 - lambda).ln());
    for (c, &l) in comparisons.iter().zip(pattern) {
        let Some(level) = c.levels.get(l as usize) else {
            continue;
        };
        if level.is_null {
            continue;
        }
        log_m += level.m.max(1e-12).ln();
        log_u += level.u.max(1e-12).ln();
    }
    1.0 / (1.0 + (log_u - log_m).exp())
}

/// Expected matches among weighted patterns: each pattern's count times
/// its posterior under the share of matches `lambda`.
pub fn expected_share(comparisons: &[Comparison], patterns: &[(Vec<u8>, u64)], lambda: f64) -> f64 {
    patterns
        .iter()
        .map(|(p, n)| *n as f64 * posterior(comparisons, p, lambda))
        .sum()
}

/// The chance that two random records match at which it equals the
/// expected matches it implies: the `patterns`' posteriors under the whole
/// model with that chance as the prior, plus `extra` matches, over the
/// `comparable` pairs. Found by bisection on its logarithm between 1e-12
/// and 0.5 (the posteriors grow with the prior more slowly than the prior
/// itself wherever a pattern is not certain, so there is one crossing).
pub fn prior_fixed_point(
    comparisons: &[Comparison],
    patterns: &[(Vec<u8>, u64)],
    extra: f64,
    comparable: f64,
) -> f64 {
    let comparable = comparable.max(1.0);
    // Above zero while the prior implies more matches than it holds.
    let excess = |ln_lambda: f64| {
        let lambda = ln_lambda.exp();
        (expected_share(comparisons, patterns, lambda) + extra) / comparable - lambda
    };
    let (mut lo, mut hi) = (1e-12f64.ln(), 0.5f64.ln());
    if excess(lo) <= 0.0 {
        return lo.exp();
    }
    if excess(hi) >= 0.0 {
        return hi.exp();
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if excess(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

/// The median of some values (sorted in place); 0 for none.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Trains m by EM sessions, one per blocking rule (Splink's approach):
/// the pairs a rule finds are biased towards agreeing on the rule's
/// fields, so each session trains only the comparisons that read none of
/// them. Within a session, match or non-match is judged from the person
/// comparisons only ([`Role`]): household members agree on address and
/// phone, and would otherwise pass for matches with odd names.
/// A comparison's m is the median over the sessions that trained it (a
/// session whose remaining evidence is too weak to separate matches, such
/// as pairs sharing only a common name, cannot drag it away), renormalised.
/// Then the prior is fitted on all candidate pairs with m and u fixed.
///
/// `rule_groups[r]` are the attribute groups rule `r` reads; `patterns`
/// holds the candidate pairs' levels and the rules each agrees on.
pub fn train_m(
    comparisons: &mut [Comparison],
    patterns: &PatternTable,
    rule_groups: &[Vec<u8>],
    prior: f64,
    side: &[SideSession],
    settings: &TrainingSettings,
    report: &mut TrainingReport,
) -> f64 {
    let width = comparisons.len();
    if patterns.pairs() == 0 || patterns.width() != width {
        report
            .warnings
            .push("no candidate pairs: the model was not trained".into());
        return prior;
    }
    let comp_groups: Vec<Vec<u8>> = comparisons
        .iter()
        .map(|c| {
            let mut g: Vec<u8> = c.attrs().iter().map(|a| a.group()).collect();
            g.sort_unstable();
            g.dedup();
            g
        })
        .collect();
    // m estimates of every session, per comparison and level.
    let m_runs: Vec<Vec<Vec<f64>>> = comparisons
        .iter()
        .map(|c| vec![Vec::new(); c.levels.len()])
        .collect();
    // The same, from sessions where household comparisons decided too.
    let m_fallback = m_runs.clone();
    report.converged = true;
    let mut runs = SessionRuns {
        primary: m_runs,
        fallback: m_fallback,
    };
    for (r, groups) in rule_groups.iter().enumerate() {
        let mask: Vec<bool> = comp_groups
            .iter()
            .map(|g| !g.iter().any(|x| groups.contains(x)))
            .collect();
        if !mask.iter().any(|&m| m) {
            continue;
        }
        let session_patterns = patterns.select(&mask, Some(r));
        run_session(
            comparisons,
            &session_patterns,
            &mask,
            Origin::Rule(r),
            settings,
            report,
            &mut runs,
        );
    }
    // Comparisons no rule trained: the side sessions' pairs share a value
    // of another attribute (see [`crate::score::side`]).
    for s in side {
        let untrained: Vec<bool> = (0..width)
            .map(|c| {
                runs.primary[c].first().is_none_or(|r| r.is_empty())
                    && runs.fallback[c].first().is_none_or(|r| r.is_empty())
            })
            .collect();
        let mask: Vec<bool> = s
            .mask
            .iter()
            .zip(&untrained)
            .map(|(m, u)| *m && *u)
            .collect();
        if !mask.iter().any(|&m| m) {
            continue;
        }
        // Every comparison of the session decides; only the untrained are kept.
        let mut keep = runs.clone_empty();
        run_session(
            comparisons,
            &s.patterns,
            &s.mask,
            Origin::Side(s.key),
            settings,
            report,
            &mut keep,
        );
        for c in (0..width).filter(|&c| mask[c]) {
            runs.primary[c] = std::mem::take(&mut keep.primary[c]);
            runs.fallback[c] = std::mem::take(&mut keep.fallback[c]);
        }
    }
    let SessionRuns {
        primary: mut m_runs,
        fallback: mut m_fallback,
    } = runs;
    for (runs, fallback) in m_runs.iter_mut().zip(&mut m_fallback) {
        if runs.first().is_none_or(|r| r.is_empty()) {
            std::mem::swap(runs, fallback);
        }
    }
    for (comp, runs) in comparisons.iter_mut().zip(&mut m_runs) {
        comp.m_untrained = runs.first().is_none_or(|r| r.is_empty());
        if comp.m_untrained {
            report.warnings.push(format!(
                "comparison '{}' was not trained (every blocking rule reads its field, or leaves no other evidence but categories): starting m kept",
                comp.name
            ));
            continue;
        }
        for (l, r) in comp.levels.iter_mut().zip(runs.iter_mut()) {
            if !l.is_null {
                l.m = median(r);
            }
        }
        // Medians of a distribution's parts need not sum to one.
        let total: f64 = comp.levels.iter().filter(|l| !l.is_null).map(|l| l.m).sum();
        if total > 0.0 {
            comp.levels
                .iter_mut()
                .filter(|l| !l.is_null)
                .for_each(|l| l.m /= total);
        }
    }
    let all = vec![true; width];
    let all_patterns = patterns.select(&all, None);
    // The share of matches is judged as the sessions judge them, by the
    // person comparisons: household members agree on the address.
    let person: Vec<bool> = comparisons.iter().map(|c| c.role == Role::Person).collect();
    let evidence = if person.iter().any(|&p| p) {
        &person
    } else {
        &all
    };
    let (lambda, _, _) = em(comparisons, &all_patterns, evidence, prior, false, settings);
    lambda
}

/// Where an EM session's pairs came from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// A blocking rule's candidate pairs.
    Rule(usize),
    /// A side session's pairs sharing a value of this attribute.
    Side(Attr),
}

/// The m estimates of every session, per comparison and level: from
/// sessions where the person comparisons decided, and (`fallback`) where
/// the household ones decided too.
struct SessionRuns {
    primary: Vec<Vec<Vec<f64>>>,
    fallback: Vec<Vec<Vec<f64>>>,
}

impl SessionRuns {
    fn clone_empty(&self) -> SessionRuns {
        let empty = |v: &Vec<Vec<Vec<f64>>>| v.iter().map(|c| vec![Vec::new(); c.len()]).collect();
        SessionRuns {
            primary: empty(&self.primary),
            fallback: empty(&self.fallback),
        }
    }
}

/// One EM session over `session_patterns` (comparisons outside `mask` at
/// [`SKIP`]): the m it finds for each comparison it can train goes to `runs`.
fn run_session(
    comparisons: &[Comparison],
    session_patterns: &[(Vec<u8>, u64)],
    mask: &[bool],
    origin: Origin,
    settings: &TrainingSettings,
    report: &mut TrainingReport,
    runs_out: &mut SessionRuns,
) {
    let width = comparisons.len();
    let categories: Vec<bool> = comparisons
        .iter()
        .map(|c| {
            let attrs = c.attrs();
            !attrs.is_empty() && attrs.iter().all(|a| a.is_category())
        })
        .collect();
    {
        let count: u64 = session_patterns.iter().map(|(_, n)| n).sum();
        if count < settings.min_session_pairs {
            return;
        }
        // How often each comparison says anything in this session (the
        // share of its pairs where it is not at a null level).
        let coverage: Vec<f64> = (0..width)
            .map(|c| {
                let known: u64 = session_patterns
                    .iter()
                    .filter(|(p, _)| {
                        let l = p[c];
                        l != SKIP
                            && !comparisons[c]
                                .levels
                                .get(l as usize)
                                .is_none_or(|l| l.is_null)
                    })
                    .map(|(_, n)| n)
                    .sum();
                known as f64 / count as f64
            })
            .collect();
        let person: Vec<bool> = mask
            .iter()
            .zip(comparisons.iter())
            .map(|(m, c)| *m && c.role == Role::Person)
            .collect();
        // The evidence besides comparison `c` itself: how many of the
        // other deciding comparisons are known per pair, on average.
        // Categories (sex, place of birth, occupation) add to other
        // evidence but cannot stand for it: they cannot tell a person from
        // a namesake relative (a father and son of one name and town), so
        // with them alone EM learns relatives as matches that disagree on
        // the birth date. Without identifying evidence known on at least a
        // tenth of `min_other_evidence` per pair, the evidence is none.
        let others = |evidence: &[bool], c: usize| -> f64 {
            let known = |cats: bool| -> f64 {
                (0..width)
                    .filter(|&e| e != c && evidence[e] && categories[e] == cats)
                    .map(|e| coverage[e])
                    .sum()
            };
            let identifying = known(false);
            if identifying < 0.1 * settings.min_other_evidence {
                0.0
            } else {
                identifying + known(true)
            }
        };
        // Two classes cannot be told apart from one comparison alone: EM
        // over a single comparison fits any split of its levels. A
        // comparison's m from this session counts only when the others
        // deciding match or non-match are known on enough pairs
        // (`min_other_evidence`). The person comparisons decide (so
        // household members do not pass for matches); a comparison that
        // they leave alone is, as a fallback, trained with the household
        // ones deciding too (pairs sharing a birth date are seldom one
        // household), used only when no session trained it otherwise.
        let min_other = settings.min_other_evidence;
        let trains = |evidence: &[bool], c: usize| mask[c] && others(evidence, c) >= min_other;
        let runs: Vec<(Vec<bool>, bool)> = if person.iter().any(|&e| e) {
            vec![(person.clone(), true), (mask.to_vec(), false)]
        } else {
            vec![(mask.to_vec(), true)]
        };
        for (evidence, primary) in runs {
            let wanted: Vec<usize> = (0..width)
                .filter(|&c| trains(&evidence, c) && (primary || !trains(&person, c)))
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let mut session = comparisons.to_vec();
            let (match_share, iterations, converged) = em(
                &mut session,
                session_patterns,
                &evidence,
                0.5,
                true,
                settings,
            );
            report.sessions.push(EmSession {
                rule: match origin {
                    Origin::Rule(r) => r,
                    Origin::Side(_) => usize::MAX,
                },
                side_key: match origin {
                    Origin::Rule(_) => None,
                    Origin::Side(a) => Some(format!("{a:?}")),
                },
                pairs: count,
                patterns: session_patterns.len(),
                iterations,
                converged,
                match_share,
                trained: wanted
                    .iter()
                    .map(|&c| comparisons[c].name.clone())
                    .collect(),
            });
            report.iterations += iterations;
            report.patterns += session_patterns.len();
            if !converged {
                report.converged = false;
                report.warnings.push(match origin {
                    Origin::Rule(r) => format!(
                        "EM for blocking rule {} did not converge in {} iterations",
                        r + 1,
                        settings.max_iterations
                    ),
                    Origin::Side(a) => format!(
                        "EM over pairs sharing {a:?} did not converge in {} iterations",
                        settings.max_iterations
                    ),
                });
            }
            let target = if primary {
                &mut runs_out.primary
            } else {
                &mut runs_out.fallback
            };
            for &c in &wanted {
                for (runs, l) in target[c].iter_mut().zip(&session[c].levels) {
                    runs.push(l.m);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::templates;

    /// A comparison of two informative levels, agree and disagree, with
    /// the given m and u (level 0 is the null level).
    fn two_levels(m_agree: f64, u_agree: f64) -> Comparison {
        let mut c = templates::date_of_birth();
        c.levels.truncate(2);
        let mut disagree = c.levels[1].clone();
        disagree.m = 1.0 - m_agree;
        disagree.u = 1.0 - u_agree;
        c.levels[1].m = m_agree;
        c.levels[1].u = u_agree;
        c.levels.push(disagree);
        c
    }

    #[test]
    fn the_prior_is_the_random_pair_match_rate_at_every_size() {
        // Blocking forms the pairs that agree on an identifier: 90% of
        // matches and one in a billion other pairs. With n records of
        // entities of two there are n/2 matches among n(n-1)/2 pairs: the
        // chance that two random records match falls as 1/n, and the fixed
        // point follows it (less the 10% that blocking misses). EM's share
        // of matches among the candidates stays near one at every size.
        let c = vec![two_levels(0.9, 1e-9)];
        for n in [10_000f64, 100_000.0, 1_000_000.0] {
            let pairs = n * (n - 1.0) / 2.0;
            let matches = n / 2.0;
            let candidates = 0.9 * matches + 1e-9 * (pairs - matches);
            let patterns = vec![(vec![1u8], candidates.round() as u64)];
            let prior = prior_fixed_point(&c, &patterns, 0.0, pairs);
            let blocked = 0.9 * matches / pairs;
            assert!(
                (prior / blocked - 1.0).abs() < 0.03,
                "n {n}: prior {prior:e}, blocked matches' share {blocked:e}"
            );
        }
        // Matches beyond the candidates (never-compared window pairs)
        // count as given; with nothing that can match, the prior is the
        // floor.
        let pairs = 1e9;
        let p = prior_fixed_point(&c, &[(vec![1u8], 1000)], 500.0, pairs);
        assert!((p * pairs - 1500.0).abs() < 50.0, "{p}");
        let nothing = prior_fixed_point(&c, &[(vec![2u8], 1000)], 0.0, pairs);
        assert!(nothing < 1e-11, "{nothing}");
    }

    #[test]
    fn categories_alone_do_not_train_a_birth_date() {
        use crate::normalize::record::Attr;
        // A session whose rule reads the names: left with the birth date
        // and categories (sex, place of birth), which relatives of one name
        // and town share, EM would learn them as matches with another date.
        let mut c = vec![
            templates::date_of_birth(),
            templates::category("sex", Attr::Sex),
            templates::category("place_of_birth", Attr::BirthPlace),
        ];
        let template_else = c[0].levels.last().map(|l| l.m);
        let exact = 1u8;
        let else_ = (c[0].levels.len() - 1) as u8;
        let mut patterns = PatternTable::new(3, 1);
        // Matches: same date, sex, place. Fathers and sons: another date,
        // same sex and place. Strangers: everything differs.
        patterns.add_counted(&[exact, 1, 1], 1, 400);
        patterns.add_counted(&[else_, 1, 1], 1, 300);
        patterns.add_counted(&[else_, 2, 2], 1, 300);
        let mut report = TrainingReport::default();
        // The rule reads the names' group only.
        let groups = vec![vec![Attr::Given.group(), Attr::Surname.group()]];
        train_m(
            &mut c,
            &patterns,
            &groups,
            0.1,
            &[],
            &TrainingSettings::default(),
            &mut report,
        );
        assert!(c[0].m_untrained, "{:?}", report.warnings);
        assert_eq!(c[0].levels.last().map(|l| l.m), template_else);
    }

    #[test]
    fn matches_among_random_pairs_are_taken_out_of_u() {
        let mut c = vec![templates::organisation()];
        let k = c[0].levels.len();
        // 100,000 random pairs: 3,000 agree exactly, 97,000 at else.
        let mut counts = vec![0u64; k];
        counts[1] = 3_000;
        counts[k - 1] = 97_000;
        let u = UCounts {
            counts: vec![counts],
            template_u: vec![c[0].levels.iter().map(|l| l.u).collect()],
            template_pairs: 1000.0,
        };
        u.apply(&mut c, 0.0);
        let all = c[0].levels[1].u;
        assert!((all - 0.03).abs() < 0.001, "{all}");
        // A tenth of the pairs match, 60% of matches agree exactly: most
        // exact agreements among random pairs are matches.
        c[0].levels[1].m = 0.6;
        c[0].levels[k - 1].m = 0.4;
        u.apply(&mut c, 0.1);
        let without = c[0].levels[1].u;
        assert!(without < all / 3.0 && without > 0.0, "{without}");
    }
}
