//! The match weights of every candidate pair, kept while scoring without
//! keeping the pairs: a fine histogram of total weights (every pair
//! counted) and a deterministic sample of pairs with their weights (each
//! pair kept when a hash of its two record indices falls under a rate set
//! from the pair count, so the same input gives the same sample whatever
//! the chunking or thread count). The report draws the score histogram and
//! the model's expected precision and recall from the histogram, and the
//! measured precision-recall curve (against a truth file) from the sample.

use serde::{Deserialize, Serialize};

/// Lowest weight with a bin of its own (bits); lower weights share the
/// first bin.
pub const HISTOGRAM_MIN: f64 = -64.0;
/// Width of a histogram bin (bits).
pub const HISTOGRAM_BIN: f64 = 0.25;
/// Bins between [`HISTOGRAM_MIN`] and +64 bits, plus one below and one above.
pub const HISTOGRAM_BINS: usize = 512 + 2;
/// About this many candidate pairs are sampled.
pub const SAMPLE_TARGET: u64 = 20_000;

/// A sampled candidate pair and its total match weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SampledPair {
    /// First record index.
    pub a: u32,
    /// Second record index.
    pub b: u32,
    /// Total match weight (log2 odds).
    pub weight: f64,
}

/// The total match weights of all scored candidate pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreDistribution {
    /// Pairs per bin: bin 0 holds weights below [`HISTOGRAM_MIN`], bin
    /// `i` (1 to 512) weights in `[MIN + (i-1) * BIN, MIN + i * BIN)`, the
    /// last bin weights of +64 bits and more.
    pub counts: Vec<u64>,
    /// The sampled pairs, by record indices.
    pub sample: Vec<SampledPair>,
    /// Share of pairs sampled (1 when every pair is).
    pub sample_rate: f64,
}

impl Default for ScoreDistribution {
    fn default() -> Self {
        ScoreDistribution::new(0)
    }
}

impl ScoreDistribution {
    /// An empty distribution whose sample takes about [`SAMPLE_TARGET`]
    /// of `expected_pairs` pairs.
    pub fn new(expected_pairs: u64) -> ScoreDistribution {
        let sample_rate = if expected_pairs <= SAMPLE_TARGET {
            1.0
        } else {
            SAMPLE_TARGET as f64 / expected_pairs as f64
        };
        ScoreDistribution {
            counts: vec![0; HISTOGRAM_BINS],
            sample: Vec::new(),
            sample_rate,
        }
    }

    /// The bin of a weight.
    pub fn bin_of(weight: f64) -> usize {
        if weight.is_nan() || weight < HISTOGRAM_MIN {
            return 0;
        }
        let i = ((weight - HISTOGRAM_MIN) / HISTOGRAM_BIN).floor() as usize + 1;
        i.min(HISTOGRAM_BINS - 1)
    }

    /// The lower edge of bin `i` (minus infinity for the first).
    pub fn bin_start(i: usize) -> f64 {
        if i == 0 {
            f64::NEG_INFINITY
        } else {
            HISTOGRAM_MIN + (i - 1) as f64 * HISTOGRAM_BIN
        }
    }

    /// Pairs counted.
    pub fn pairs(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Whether the pair of records `a`, `b` is in the sample.
    pub fn sampled(&self, a: u32, b: u32) -> bool {
        if self.sample_rate >= 1.0 {
            return true;
        }
        let mut z = (u64::from(a) << 32 | u64::from(b)).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 / (1u64 << 53) as f64) < self.sample_rate
    }

    /// Counts one pair (and samples it).
    #[inline]
    pub fn add(&mut self, a: u32, b: u32, weight: f64) {
        self.counts[Self::bin_of(weight)] += 1;
        if self.sampled(a, b) {
            self.sample.push(SampledPair { a, b, weight });
        }
    }

    /// Adds another distribution's counts and sample (same rate).
    pub fn merge(&mut self, other: ScoreDistribution) {
        for (c, o) in self.counts.iter_mut().zip(&other.counts) {
            *c += o;
        }
        self.sample.extend(other.sample);
    }

    /// Puts the sample in pair order (the same whatever the threads).
    pub fn finish(&mut self) {
        self.sample.sort_by_key(|p| (p.a, p.b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_every_weight_and_samples_are_deterministic() {
        assert_eq!(ScoreDistribution::bin_of(-1000.0), 0);
        assert_eq!(ScoreDistribution::bin_of(f64::NAN), 0);
        assert_eq!(ScoreDistribution::bin_of(1e9), HISTOGRAM_BINS - 1);
        assert_eq!(ScoreDistribution::bin_of(HISTOGRAM_MIN), 1);
        let i = ScoreDistribution::bin_of(3.1);
        assert!(
            ScoreDistribution::bin_start(i) <= 3.1 && 3.1 < ScoreDistribution::bin_start(i + 1)
        );
        let mut d = ScoreDistribution::new(1_000_000);
        let mut e = ScoreDistribution::new(1_000_000);
        for a in 0..2000u32 {
            d.add(a, a + 1, a as f64 / 100.0);
        }
        for a in (0..2000u32).rev() {
            e.add(a, a + 1, a as f64 / 100.0);
        }
        d.finish();
        e.finish();
        assert_eq!(d, e);
        assert_eq!(d.pairs(), 2000);
        assert!(d.sample.len() < 200, "{}", d.sample.len());
    }
}
