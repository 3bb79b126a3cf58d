//! Stage 4, **score**: a Fellegi-Sunter model. Each comparison level has
//! m = P(level | match) and u = P(level | non-match); a pair's match weight
//! is the prior's log-odds plus the sum of log2(m/u) over its levels, with
//! exact agreements adjusted by how common the agreed value is.
//! [`train`] learns u from random pairs and m by EM on the blocked pairs.

pub mod distribution;
pub mod patterns;
pub mod side;
pub mod tf;
pub mod train;
pub mod weights;

use rayon::prelude::*;

pub use distribution::ScoreDistribution;
pub use tf::TermFrequencies;
pub use train::{EmSession, TrainingReport, TrainingSettings};
pub use weights::ModelWeights;

use crate::compare::{compare_pair, Comparison};
use crate::explain::{PairExplanation, RecordRef};
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;
use crate::progress::{Stage, Tracker};

/// Converts a match weight (log2 odds) to a probability.
#[inline]
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Converts a probability to a match weight (log2 odds).
pub fn weight_of_probability(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    (p / (1.0 - p)).log2()
}

/// Scores pairs with a trained model.
pub struct Scorer<'a> {
    comparisons: &'a [Comparison],
    tf: &'a TermFrequencies,
    records: &'a [NormalizedRecord],
    weights: ModelWeights,
}

/// A pair's weights: total, and the part from person comparisons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairWeight {
    /// Prior plus every comparison's weight.
    pub total: f64,
    /// Sum of the person comparisons' weights (no prior).
    pub person: f64,
    /// Sum of the comparisons' weights that count against a match (zero
    /// when every comparison agrees or is missing).
    pub against: f64,
    /// Bit `c` set: person comparison `c` is known for both records and
    /// does not contradict a match (its weight is above the contradiction
    /// weight, [`crate::cluster::ClusterSettings::contradiction_weight`]:
    /// the same or a close birth date).
    pub agree: u64,
    /// Bit `c` set: person comparison `c` contradicts a match (weight at
    /// or below the contradiction weight: a different birth date,
    /// national id or given name).
    pub contradict: u64,
}

impl<'a> Scorer<'a> {
    /// A scorer for `records` with a prior match probability `prior`; a
    /// person comparison at or below `contradiction` bits contradicts
    /// ([`PairWeight::contradict`]).
    pub fn new(
        comparisons: &'a [Comparison],
        prior: f64,
        contradiction: f64,
        tf: &'a TermFrequencies,
        records: &'a [NormalizedRecord],
    ) -> Self {
        Scorer {
            comparisons,
            tf,
            records,
            weights: ModelWeights::new(comparisons, prior, contradiction),
        }
    }

    /// The precomputed weights.
    pub fn weights(&self) -> &ModelWeights {
        &self.weights
    }

    /// Frequency lookup for record `a`'s values.
    #[inline]
    fn tf_of(&self, a: usize) -> impl Fn(Attr, f64) -> Option<f32> + '_ {
        move |attr, _u| self.tf.get(attr, a)
    }

    /// The weight of comparison `c` at `level` for record `a`'s values,
    /// and the term-frequency part of it.
    #[inline]
    pub fn level_weight(&self, c: usize, level: u8, a: usize) -> (f64, f64) {
        self.weights.level_weight(c, level, &self.tf_of(a))
    }

    /// The weights of a pair whose levels are known.
    #[inline]
    pub fn weight(&self, levels: &[u8], a: usize) -> PairWeight {
        self.weights.weight(levels, &self.tf_of(a))
    }

    /// A pair's score explained field by field.
    pub fn explain(&self, a: usize, b: usize, ra: RecordRef, rb: RecordRef) -> PairExplanation {
        self.weights
            .explain(self.comparisons, &self.levels(a, b), &self.tf_of(a), ra, rb)
    }

    /// Compares and scores records `a` and `b` (indices into the records).
    pub fn score(&self, a: usize, b: usize) -> PairWeight {
        self.weight(&self.levels(a, b), a)
    }

    fn levels(&self, a: usize, b: usize) -> Vec<u8> {
        let mut levels = Vec::with_capacity(self.comparisons.len());
        compare_pair(
            self.comparisons,
            &self.records[a],
            &self.records[b],
            &mut levels,
        );
        levels
    }

    /// The comparison levels of many pairs, `comparisons.len()` bytes each,
    /// computed in parallel (order follows `pairs`).
    pub fn levels_of(&self, pairs: &[(u32, u32)]) -> Vec<u8> {
        self.levels_of_tracked(pairs, &Tracker::none(Stage::Compare))
    }

    pub(crate) fn levels_of_tracked(
        &self,
        pairs: &[(u32, u32)],
        progress: &Tracker<'_>,
    ) -> Vec<u8> {
        let width = self.comparisons.len();
        pairs
            .par_chunks(4096)
            .flat_map_iter(|chunk| {
                let mut out = Vec::with_capacity(chunk.len() * width);
                for &(a, b) in chunk {
                    compare_pair(
                        self.comparisons,
                        &self.records[a as usize],
                        &self.records[b as usize],
                        &mut out,
                    );
                }
                progress.add(chunk.len() as u64);
                out
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_and_weight_round_trip() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        for p in [0.01, 0.5, 0.9, 0.999] {
            assert!((probability(weight_of_probability(p)) - p).abs() < 1e-9);
        }
    }
}
