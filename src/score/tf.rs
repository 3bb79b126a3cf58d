//! Term frequencies: how common each value is, so that agreeing on a rare
//! surname counts more than agreeing on `smith`.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::compare::Comparison;
use crate::normalize::NormalizedRecord;

/// For each comparison with a term-frequency adjusted level, the relative
/// frequency of every record's value (0 when the record has none).
#[derive(Debug, Clone, Default)]
pub struct TermFrequencies {
    /// `by_comparison[c][record]`, empty for comparisons without adjustment.
    by_comparison: Vec<Vec<f32>>,
}

impl TermFrequencies {
    /// Counts values over all records.
    pub fn compute(comparisons: &[Comparison], records: &[NormalizedRecord]) -> TermFrequencies {
        let by_comparison = comparisons
            .iter()
            .map(|c| {
                let Some(attr) = c.tf_attr() else {
                    return Vec::new();
                };
                let mut counts: HashMap<&str, u32> = HashMap::new();
                for r in records {
                    if let Some(v) = r.get(attr) {
                        *counts.entry(v).or_default() += 1;
                    }
                }
                let total: u32 = counts.values().sum();
                let total = total.max(1) as f32;
                records
                    .par_iter()
                    .map(|r| {
                        r.get(attr)
                            .map_or(0.0, |v| counts.get(v).copied().unwrap_or(1) as f32 / total)
                    })
                    .collect()
            })
            .collect();
        TermFrequencies { by_comparison }
    }

    /// The frequency of record `r`'s value for comparison `c`, if adjusted.
    #[inline]
    pub fn get(&self, c: usize, r: usize) -> Option<f32> {
        self.by_comparison
            .get(c)
            .and_then(|v| v.get(r))
            .copied()
            .filter(|f| *f > 0.0)
    }

    /// The weight adjustment for an exact agreement on a value of frequency
    /// `tf`, given the level's average `u`: log2(u / tf), so a value rarer
    /// than average adds weight and a common one takes it away.
    pub fn adjustment(u: f64, tf: f32) -> f64 {
        let tf = f64::from(tf).max(1e-9);
        (u.max(1e-9) / tf).log2().clamp(-8.0, 8.0)
    }
}
