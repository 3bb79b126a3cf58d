//! Term frequencies: how common each value is, so that agreeing on a rare
//! surname counts more than agreeing on `smith`.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::compare::Comparison;
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;

/// For every attribute read by a term-frequency adjusted level, the
/// relative frequency of each record's value (0 when it has none).
#[derive(Debug, Clone, Default)]
pub struct TermFrequencies {
    /// `by_attr[attr][record]`, empty for attributes without adjustment.
    by_attr: Vec<Vec<f32>>,
}

impl TermFrequencies {
    /// Counts values over all records.
    pub fn compute(comparisons: &[Comparison], records: &[NormalizedRecord]) -> TermFrequencies {
        let attrs = Self::adjusted_attrs(comparisons);
        // One attribute per task: each counts its values alone.
        let counted: Vec<(Attr, Vec<f32>)> = attrs
            .par_iter()
            .map(|&attr| (attr, Self::frequencies(attr, records)))
            .collect();
        let mut by_attr = vec![Vec::new(); Attr::COUNT];
        for (attr, freqs) in counted {
            by_attr[attr as usize] = freqs;
        }
        TermFrequencies { by_attr }
    }

    /// Each record's relative frequency of its value of `attr` (0: none).
    fn frequencies(attr: Attr, records: &[NormalizedRecord]) -> Vec<f32> {
        let mut counts: HashMap<&str, u32, foldhash::fast::FixedState> = HashMap::default();
        for r in records {
            if let Some(v) = r.get(attr) {
                *counts.entry(v).or_default() += 1;
            }
        }
        let total = counts.values().sum::<u32>().max(1) as f32;
        records
            .iter()
            .map(|r| {
                r.get(attr)
                    .map_or(0.0, |v| counts.get(v).copied().unwrap_or(1) as f32 / total)
            })
            .collect()
    }

    /// The attributes read by term-frequency adjusted levels, sorted.
    pub fn adjusted_attrs(comparisons: &[Comparison]) -> Vec<Attr> {
        let mut attrs: Vec<Attr> = comparisons
            .iter()
            .flat_map(|c| c.tf_attrs().into_iter().flatten())
            .collect();
        attrs.sort();
        attrs.dedup();
        attrs
    }

    /// The frequency of record `r`'s value of `attr`, if counted.
    #[inline]
    pub fn get(&self, attr: Attr, r: usize) -> Option<f32> {
        self.by_attr
            .get(attr as usize)
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
