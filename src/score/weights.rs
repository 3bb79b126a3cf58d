//! A trained model's weights, precomputed once: each level's log2(m/u),
//! which levels are term-frequency adjusted, and which comparisons are
//! person evidence. Shared by batch scoring ([`super::Scorer`]) and the
//! incremental [`crate::store::IdentityStore`], which look up value
//! frequencies differently.

use super::{weight_of_probability, PairWeight, TermFrequencies};
use crate::compare::comparison::Role;
use crate::compare::Comparison;
use crate::explain::{FieldContribution, PairExplanation, RecordRef};
use crate::normalize::record::Attr;

/// Precomputed weights of a set of trained comparisons.
#[derive(Debug, Clone)]
pub struct ModelWeights {
    prior_weight: f64,
    level_weights: Vec<Vec<f64>>,
    level_u: Vec<Vec<f64>>,
    tf_attrs: Vec<Vec<Option<Attr>>>,
    person: Vec<bool>,
    veto: Vec<Vec<bool>>,
}

/// The person weight of a pair at a veto level (bits): below any veto.
pub(crate) const VETO_PERSON_WEIGHT: f64 = -1000.0;

impl ModelWeights {
    /// Weights of `comparisons` with a prior match probability `prior`.
    pub fn new(comparisons: &[Comparison], prior: f64) -> ModelWeights {
        ModelWeights {
            prior_weight: weight_of_probability(prior),
            level_weights: comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.weight()).collect())
                .collect(),
            level_u: comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.u).collect())
                .collect(),
            tf_attrs: comparisons.iter().map(Comparison::tf_attrs).collect(),
            person: comparisons.iter().map(|c| c.role == Role::Person).collect(),
            veto: comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.veto).collect())
                .collect(),
        }
    }

    /// The prior's weight (log2 odds).
    pub fn prior_weight(&self) -> f64 {
        self.prior_weight
    }

    /// The weight of comparison `c` at `level`, and its term-frequency
    /// part. `tf(attr, u)` gives the frequency of the agreed value of
    /// `attr` (the level's average frequency `u` is passed for smoothing).
    #[inline]
    pub fn level_weight(
        &self,
        c: usize,
        level: u8,
        tf: &impl Fn(Attr, f64) -> Option<f32>,
    ) -> (f64, f64) {
        let l = level as usize;
        let base = self.level_weights[c][l];
        let u = self.level_u[c][l];
        let adj = match self.tf_attrs[c][l].and_then(|attr| tf(attr, u)) {
            Some(f) => TermFrequencies::adjustment(u, f),
            None => 0.0,
        };
        (base, adj)
    }

    /// The weights of a pair whose levels are known.
    #[inline]
    pub fn weight(&self, levels: &[u8], tf: &impl Fn(Attr, f64) -> Option<f32>) -> PairWeight {
        let mut w = PairWeight {
            total: self.prior_weight,
            person: 0.0,
            against: 0.0,
        };
        let mut vetoed = false;
        for (c, &l) in levels.iter().enumerate() {
            let (base, adj) = self.level_weight(c, l, tf);
            w.total += base + adj;
            w.against += (base + adj).min(0.0);
            if self.person[c] {
                w.person += base + adj;
            }
            vetoed |= self.veto[c].get(l as usize).copied().unwrap_or(false);
        }
        if vetoed {
            w.person = w.person.min(VETO_PERSON_WEIGHT);
        }
        w
    }

    /// A pair's score field by field, for records named `a` and `b`.
    pub fn explain(
        &self,
        comparisons: &[Comparison],
        levels: &[u8],
        tf: &impl Fn(Attr, f64) -> Option<f32>,
        a: RecordRef,
        b: RecordRef,
    ) -> PairExplanation {
        let mut total = self.prior_weight;
        let fields = comparisons
            .iter()
            .zip(levels)
            .enumerate()
            .map(|(c, (comp, &l))| {
                let level = &comp.levels[l as usize];
                let (weight, tf_adjustment) = self.level_weight(c, l, tf);
                total += weight + tf_adjustment;
                FieldContribution {
                    comparison: comp.name.clone(),
                    level: l,
                    label: level.label.clone(),
                    m: level.m,
                    u: level.u,
                    weight,
                    tf_adjustment,
                }
            })
            .collect();
        PairExplanation {
            a,
            b,
            prior_weight: self.prior_weight,
            fields,
            total_weight: total,
            probability: super::probability(total),
        }
    }
}
