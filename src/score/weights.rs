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

/// Precomputed weights of a set of trained comparisons. In a comparison
/// whose m could not be trained, an exact agreement never weighs less
/// (term frequency included) than a weaker level of it that it implies
/// (the same key words, a similarity threshold): the pair satisfies that
/// level too ([`Comparison::exact_floors`]).
#[derive(Debug, Clone)]
pub struct ModelWeights {
    prior_weight: f64,
    level_weights: Vec<Vec<f64>>,
    /// The least weight of each level, term frequency included (`-inf`
    /// but for exact levels: see [`Comparison::exact_floors`]).
    level_floor: Vec<Vec<f64>>,
    level_u: Vec<Vec<f64>>,
    tf_attrs: Vec<Vec<Option<Attr>>>,
    person: Vec<bool>,
    veto: Vec<Vec<bool>>,
    null: Vec<Vec<bool>>,
    contradiction: f64,
}

/// The person weight of a pair at a veto level (bits): below any veto.
pub(crate) const VETO_PERSON_WEIGHT: f64 = -1000.0;

impl ModelWeights {
    /// Weights of `comparisons` with a prior match probability `prior`; a
    /// person comparison at or below `contradiction` bits contradicts a
    /// match ([`PairWeight::contradict`]).
    pub fn new(comparisons: &[Comparison], prior: f64, contradiction: f64) -> ModelWeights {
        ModelWeights {
            prior_weight: weight_of_probability(prior),
            level_weights: comparisons
                .iter()
                .map(|c| {
                    c.levels
                        .iter()
                        .zip(c.exact_floors())
                        .map(|(l, floor)| l.weight().max(floor))
                        .collect()
                })
                .collect(),
            level_floor: comparisons.iter().map(Comparison::exact_floors).collect(),
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
            null: comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.is_null).collect())
                .collect(),
            contradiction,
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
            // A common value weighs less, but not less than the weaker
            // levels its exact agreement implies.
            Some(f) => TermFrequencies::adjustment(u, f).max(self.level_floor[c][l] - base),
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
            agree: 0,
            contradict: 0,
        };
        let mut vetoed = false;
        for (c, &l) in levels.iter().enumerate() {
            let (base, adj) = self.level_weight(c, l, tf);
            w.total += base + adj;
            w.against += (base + adj).min(0.0);
            if self.person[c] {
                w.person += base + adj;
                let known = !self.null[c].get(l as usize).copied().unwrap_or(true);
                if c < 64 && known {
                    if base + adj <= self.contradiction {
                        w.contradict |= 1 << c;
                    } else {
                        w.agree |= 1 << c;
                    }
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::templates;

    #[test]
    fn an_untrained_exact_level_weighs_at_least_the_weaker_levels_it_implies() {
        let mut c = templates::organisation();
        // u of the exact level inflated (by matches among random pairs).
        c.levels[1].u = 0.03;
        // Same key words, overlap, rarest word, Jaro-Winkler (not the acronym).
        let floor = [2, 4, 5, 6]
            .map(|l| c.levels[l].weight())
            .into_iter()
            .fold(f64::NEG_INFINITY, f64::max);
        let common = |_: Attr, _: f64| Some(0.2f32);
        let trained = ModelWeights::new(std::slice::from_ref(&c), 0.01, -4.25);
        let (base, adj) = trained.level_weight(0, 1, &common);
        assert!(
            base + adj < floor,
            "a trained comparison keeps EM's weights"
        );
        c.m_untrained = true;
        let untrained = ModelWeights::new(std::slice::from_ref(&c), 0.01, -4.25);
        let (base, adj) = untrained.level_weight(0, 1, &common);
        assert!((base + adj - floor).abs() < 1e-9, "{base} {adj} {floor}");
        // The acronym level is not implied by an exact agreement.
        assert!(!c.levels[3].when.implied_by_exact(Attr::Organisation));
        assert!(c.levels[2].when.implied_by_exact(Attr::Organisation));
    }
}
