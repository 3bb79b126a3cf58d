//! Section 5: the candidate pairs' match weights and the threshold.
//!
//! The histogram counts every scored candidate pair: the run keeps only
//! links, so the weights are binned while scoring
//! ([`crate::score::ScoreDistribution`], 0.25-bit bins). The model's
//! expected precision and recall at a threshold come from those bins: a
//! pair of weight w is a match with probability 1 / (1 + 2^-w) (taken at
//! its bin's centre), so the expected matches above t over the pairs above
//! t is the precision, over the expected matches among all candidate pairs
//! the recall. With a truth, the measured curve comes from the
//! deterministic sample of candidate pairs kept while scoring (about 20,000
//! pairs, all of them in a smaller run), each labelled by the truth.

use super::html::{count, Page};
use super::svg::{histogram, lines, HistBin, Marker, Series};
use super::Ctx;
use crate::score::distribution::{ScoreDistribution, HISTOGRAM_BIN, HISTOGRAM_BINS, HISTOGRAM_MIN};
use crate::score::probability;

/// The centre of fine bin `i` (the open-ended first and last bins count
/// as one bin width beyond the range).
fn centre(i: usize) -> f64 {
    HISTOGRAM_MIN + (i as f64 - 0.5) * HISTOGRAM_BIN
}

/// Fine bins merged into bins of `width` bits (a multiple of the fine
/// width) over the range that holds pairs: `(lo, hi, count)`. Every pair
/// lands in exactly one bin.
pub(crate) fn display_bins(dist: &ScoreDistribution, width: f64) -> Vec<(f64, f64, u64)> {
    let used: Vec<usize> = (0..dist.counts.len())
        .filter(|&i| dist.counts[i] > 0)
        .collect();
    let (Some(&first), Some(&last)) = (used.first(), used.last()) else {
        return Vec::new();
    };
    let start = |i: usize| HISTOGRAM_MIN + (i as f64 - 1.0) * HISTOGRAM_BIN;
    let lo = (start(first) / width).floor() * width;
    let n = (((start(last) + HISTOGRAM_BIN - lo) / width).ceil() as usize).max(1);
    let mut out: Vec<(f64, f64, u64)> = (0..n)
        .map(|k| (lo + k as f64 * width, lo + (k + 1) as f64 * width, 0))
        .collect();
    for &i in &used {
        let k = (((start(i) - lo) / width + 1e-9).floor() as usize).min(n - 1);
        out[k].2 += dist.counts[i];
    }
    out
}

/// Precision and recall at one threshold, with the pairs at or above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CurvePoint {
    pub(crate) threshold: f64,
    pub(crate) precision: f64,
    pub(crate) recall: f64,
    pub(crate) pairs: f64,
}

/// The model's expected precision and recall among candidate pairs when
/// the pairs of weight `threshold` and more are links (to the fine bin).
pub(crate) fn expected_at(dist: &ScoreDistribution, threshold: f64) -> Option<CurvePoint> {
    let k = ScoreDistribution::bin_of(threshold);
    let mut matches = 0.0;
    let (mut above, mut above_matches) = (0.0, 0.0);
    for (i, &c) in dist.counts.iter().enumerate().take(HISTOGRAM_BINS) {
        let m = c as f64 * probability(centre(i));
        matches += m;
        if i >= k {
            above += c as f64;
            above_matches += m;
        }
    }
    (above > 0.0 && matches > 0.0).then(|| CurvePoint {
        threshold,
        precision: above_matches / above,
        recall: above_matches / matches,
        pairs: above,
    })
}

/// Measured precision and recall among candidate pairs at `threshold`,
/// from sampled pairs as `(weight, is a true match)`; pair counts are
/// scaled up by the sampling rate.
pub(crate) fn measured_at(sample: &[(f64, bool)], rate: f64, threshold: f64) -> Option<CurvePoint> {
    let (mut matches, mut above, mut above_matches) = (0u64, 0u64, 0u64);
    for &(w, m) in sample {
        matches += u64::from(m);
        if w >= threshold {
            above += 1;
            above_matches += u64::from(m);
        }
    }
    (above > 0 && matches > 0).then(|| CurvePoint {
        threshold,
        precision: above_matches as f64 / above as f64,
        recall: above_matches as f64 / matches as f64,
        pairs: above as f64 / rate.max(1e-12),
    })
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    let res = ctx.res;
    let dist = &res.scores;
    page.section("scores", "5. Scores and threshold");
    let scored = dist.pairs();
    page.p(&format!(
        "{} candidate pairs scored; their total match weights were binned while scoring (every pair counted, none kept). \
         Bars at or above the threshold ({:+.2} bits, probability {}) are dark.",
        count(scored),
        ctx.threshold,
        res.settings.threshold
    ));
    let mut markers = vec![Marker {
        x: ctx.threshold,
        label: format!("threshold {:+.1}", ctx.threshold),
    }];
    if let Some(u) = ctx.uncontested {
        markers.push(Marker {
            x: u,
            label: format!("uncontested {u:+.1}"),
        });
    }
    let coarse = display_bins(dist, 1.0);
    let width = if coarse.len() > 90 { 2.0 } else { 1.0 };
    let bins: Vec<HistBin> = display_bins(dist, width)
        .into_iter()
        .map(|(lo, hi, c)| HistBin {
            lo,
            hi,
            count: c,
            class: if lo >= ctx.threshold {
                "above"
            } else {
                "below"
            },
        })
        .collect();
    page.raw("<h3>Candidate pairs by match weight (log count)</h3>");
    page.raw(&histogram(
        "score-histogram",
        &bins,
        &markers,
        "match weight (bits, log2 odds)",
    ));
    if scored == 0 {
        page.note("No candidate pair was scored.");
        page.end_section();
        return;
    }
    // Curves over the range that holds pairs, clipped to where they move.
    let (lo, hi) = bins
        .first()
        .zip(bins.last())
        .map_or((-10.0, 20.0), |(a, b)| (a.lo.max(-30.0), b.hi.min(40.0)));
    let steps: Vec<f64> = (0..=((hi - lo) * 2.0) as usize)
        .map(|k| lo + k as f64 * 0.5)
        .collect();
    let expected: Vec<CurvePoint> = steps.iter().filter_map(|&t| expected_at(dist, t)).collect();
    let labelled: Vec<(f64, bool)> = match ctx.truth {
        Some(_) => dist
            .sample
            .iter()
            .map(|p| (p.weight, ctx.same_entity(p.a, p.b)))
            .collect(),
        None => Vec::new(),
    };
    let measured: Vec<CurvePoint> = steps
        .iter()
        .filter_map(|&t| measured_at(&labelled, dist.sample_rate, t))
        .collect();
    let curve = |name: &str, class: &str, pts: &[CurvePoint], f: fn(&CurvePoint) -> f64| Series {
        name: name.to_string(),
        class: class.to_string(),
        points: pts.iter().map(|p| (p.threshold, f(p))).collect(),
    };
    let mut series = vec![
        curve("expected precision", "s0", &expected, |p| p.precision),
        curve("expected recall", "s1", &expected, |p| p.recall),
    ];
    if !measured.is_empty() {
        series.push(curve("measured precision", "s0 dash", &measured, |p| {
            p.precision
        }));
        series.push(curve("measured recall", "s1 dash", &measured, |p| p.recall));
    }
    page.raw("<h3>Precision and recall of the pairs by threshold</h3>");
    page.raw(&lines(
        "threshold-curves",
        &series,
        &markers[..1],
        "threshold (match weight, bits)",
    ));
    page.note(
        "Among candidate pairs, before clustering: recall is of the matches blocking found. Expected curves are the model's own \
         (its probabilities taken at face value); measured ones use the truth on the sampled pairs.",
    );
    if ctx.truth.is_some() {
        let in_sample = labelled.iter().filter(|p| p.1).count();
        page.note(&format!(
            "Measured from {} sampled candidate pairs ({:.2}% of them; {} true matches among them).",
            count(dist.sample.len() as u64),
            dist.sample_rate * 100.0,
            count(in_sample as u64)
        ));
    }
    let mut probs = vec![0.5, 0.8, 0.9, 0.95, 0.99, 0.999];
    if !probs.contains(&res.settings.threshold) {
        probs.push(res.settings.threshold);
        probs.sort_by(f64::total_cmp);
    }
    let rows: Vec<Vec<String>> = probs
        .iter()
        .map(|&p| {
            let t = crate::score::weight_of_probability(p);
            let e = expected_at(dist, t);
            let m = measured_at(&labelled, dist.sample_rate, t);
            let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
            vec![
                format!(
                    "{p}{}",
                    if p == res.settings.threshold {
                        " (this run)"
                    } else {
                        ""
                    }
                ),
                format!("{t:+.2}"),
                count(e.map_or(0.0, |e| e.pairs) as u64),
                f(e.map(|e| e.precision)),
                f(e.map(|e| e.recall)),
                f(m.map(|m| m.precision)),
                f(m.map(|m| m.recall)),
            ]
        })
        .collect();
    page.table(
        "thresholds",
        &[
            "threshold (probability)",
            "weight",
            "pairs at or above",
            "expected precision",
            "expected recall",
            "measured precision",
            "measured recall",
        ],
        &rows,
    );
    page.end_section();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(weights: &[f64]) -> ScoreDistribution {
        let mut d = ScoreDistribution::new(weights.len() as u64);
        for (i, &w) in weights.iter().enumerate() {
            d.add(i as u32, i as u32 + 1, w);
        }
        d.finish();
        d
    }

    #[test]
    fn display_bins_hold_every_pair() {
        let weights: Vec<f64> = (0..5000)
            .map(|i| (i as f64 * 0.731).sin() * 40.0 + (i % 7) as f64)
            .chain([-500.0, 500.0, f64::NAN])
            .collect();
        let d = dist(&weights);
        assert_eq!(d.pairs(), weights.len() as u64);
        for width in [0.25, 1.0, 2.0] {
            let bins = display_bins(&d, width);
            assert_eq!(
                bins.iter().map(|b| b.2).sum::<u64>(),
                d.pairs(),
                "width {width}"
            );
            for w in bins.windows(2) {
                assert!((w[0].1 - w[1].0).abs() < 1e-9);
            }
        }
        assert!(display_bins(&ScoreDistribution::default(), 1.0).is_empty());
    }

    #[test]
    fn expected_and_measured_curves() {
        let d = dist(&[-20.0, -10.0, 0.0, 10.0, 20.0]);
        let all = expected_at(&d, -100.0).unwrap();
        assert_eq!(all.pairs, 5.0);
        assert!((all.recall - 1.0).abs() < 1e-12);
        let high = expected_at(&d, 5.0).unwrap();
        assert_eq!(high.pairs, 2.0);
        // Expected matches: about 0 + 0 + 0.5 + 1 + 1; the two above hold 2 of 2.5.
        assert!(high.precision > 0.99 && (high.recall - 0.8).abs() < 0.01);
        // Truth: the two best pairs are matches, one other too.
        let labelled: Vec<(f64, bool)> = d
            .sample
            .iter()
            .map(|p| (p.weight, p.a >= 3 || p.a == 1))
            .collect();
        let m = measured_at(&labelled, d.sample_rate, 5.0).unwrap();
        assert_eq!((m.precision, m.pairs), (1.0, 2.0));
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!(measured_at(&labelled, 1.0, 50.0).is_none());
    }
}
