//! Stage 4, **score**: a Fellegi-Sunter model. Each comparison level has
//! m = P(level | match) and u = P(level | non-match); a pair's match weight
//! is the prior's log-odds plus the sum of log2(m/u) over its levels, with
//! exact agreements adjusted by how common the agreed value is.
//! [`train`] learns u from random pairs and m by EM on the blocked pairs.

pub mod tf;
pub mod train;

use rayon::prelude::*;

pub use tf::TermFrequencies;
pub use train::{TrainingReport, TrainingSettings};

use crate::compare::comparison::Role;
use crate::compare::{compare_pair, Comparison};
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;

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
    prior_weight: f64,
    level_weights: Vec<Vec<f64>>,
    tf_attrs: Vec<Vec<Option<Attr>>>,
    person: Vec<bool>,
}

/// A pair's weights: total, and the part from person comparisons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairWeight {
    /// Prior plus every comparison's weight.
    pub total: f64,
    /// Sum of the person comparisons' weights (no prior).
    pub person: f64,
}

impl<'a> Scorer<'a> {
    /// A scorer for `records` with a prior match probability `prior`.
    pub fn new(
        comparisons: &'a [Comparison],
        prior: f64,
        tf: &'a TermFrequencies,
        records: &'a [NormalizedRecord],
    ) -> Self {
        Scorer {
            comparisons,
            tf,
            records,
            prior_weight: weight_of_probability(prior),
            level_weights: comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.weight()).collect())
                .collect(),
            tf_attrs: comparisons.iter().map(Comparison::tf_attrs).collect(),
            person: comparisons.iter().map(|c| c.role == Role::Person).collect(),
        }
    }

    /// The prior's weight (log2 odds).
    pub fn prior_weight(&self) -> f64 {
        self.prior_weight
    }

    /// The weight of comparison `c` at `level` for records `a`, `b`,
    /// and the term-frequency part of it.
    #[inline]
    pub fn level_weight(&self, c: usize, level: u8, a: usize) -> (f64, f64) {
        let l = &self.comparisons[c].levels[level as usize];
        let base = self.level_weights[c][level as usize];
        let adj = match self.tf_attrs[c][level as usize].and_then(|attr| self.tf.get(attr, a)) {
            Some(f) => TermFrequencies::adjustment(l.u, f),
            None => 0.0,
        };
        (base, adj)
    }

    /// The weights of a pair whose levels are known.
    #[inline]
    pub fn weight(&self, levels: &[u8], a: usize) -> PairWeight {
        let mut w = PairWeight {
            total: self.prior_weight,
            person: 0.0,
        };
        for (c, &l) in levels.iter().enumerate() {
            let (base, adj) = self.level_weight(c, l, a);
            w.total += base + adj;
            if self.person[c] {
                w.person += base + adj;
            }
        }
        w
    }

    /// Compares and scores records `a` and `b` (indices into the records).
    pub fn score(&self, a: usize, b: usize) -> PairWeight {
        let mut levels = Vec::with_capacity(self.comparisons.len());
        compare_pair(
            self.comparisons,
            &self.records[a],
            &self.records[b],
            &mut levels,
        );
        self.weight(&levels, a)
    }

    /// The comparison levels of many pairs, `comparisons.len()` bytes each,
    /// computed in parallel (order follows `pairs`).
    pub fn levels_of(&self, pairs: &[(u32, u32)]) -> Vec<u8> {
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
