//! Value frequencies kept up to date as records come and go, for the
//! term-frequency adjustment of exact agreements.
//!
//! A store that starts empty knows little about how common a value is, so
//! each frequency is smoothed towards the level's average frequency `u`
//! as if [`PSEUDO_VALUES`] more values had been seen at that frequency:
//! the first records are scored without adjustment, and the adjustment
//! grows to the batch one as the store fills.
//!
//! Values are counted by a 64-bit fixed-seed hash of their text, not by
//! the text itself: counting a million records then allocates nothing per
//! distinct value, which is most of what opening a large store costs. Two
//! distinct values share a count only if their hashes collide (about one
//! chance in 10^7 for a million distinct values), and then only the
//! term-frequency adjustment of those values moves, slightly.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::index::with_headroom;
use crate::compare::Comparison;
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;
use crate::score::TermFrequencies;

/// Weight of the prior frequency, in values.
pub(crate) const PSEUDO_VALUES: f64 = 1000.0;

/// Count per value hash. The keys are hashes already, so the map hashes
/// them no further.
type Counts = HashMap<u64, u32, BuildHasherDefault<PassThrough>>;

/// A hasher for keys that are hashes: it passes the `u64` through.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with this; other input is folded in
        // so that the hasher stays correct if it ever gets some.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// The fixed-seed 64-bit hash a value is counted under.
fn value_hash(v: &str) -> u64 {
    foldhash::quality::FixedState::default().hash_one(v)
}

#[derive(Debug, Default)]
pub(crate) struct ValueCounts {
    /// `counts[attr]`, empty for attributes that are not adjusted.
    counts: Vec<Counts>,
    totals: Vec<u64>,
    tracked: Vec<Attr>,
}

impl ValueCounts {
    /// The counts of `records`, one attribute per task.
    pub fn build(comparisons: &[Comparison], records: &[&NormalizedRecord]) -> ValueCounts {
        let tracked = TermFrequencies::adjusted_attrs(comparisons);
        let built: Vec<(Attr, Counts, u64)> = tracked
            .par_iter()
            .map(|&attr| {
                let mut map = Counts::default();
                let mut total = 0;
                for v in records.iter().filter_map(|r| r.get(attr)) {
                    bump(&mut map, v);
                    total += 1;
                }
                map.reserve(with_headroom(map.len()) - map.len());
                (attr, map, total)
            })
            .collect();
        let mut counts = vec![Counts::default(); Attr::COUNT];
        let mut totals = vec![0; Attr::COUNT];
        for (attr, map, total) in built {
            counts[attr as usize] = map;
            totals[attr as usize] = total;
        }
        ValueCounts {
            counts,
            totals,
            tracked,
        }
    }

    pub fn add(&mut self, r: &NormalizedRecord) {
        for &attr in &self.tracked {
            if let Some(v) = r.get(attr) {
                bump(&mut self.counts[attr as usize], v);
                self.totals[attr as usize] += 1;
            }
        }
    }

    pub fn remove(&mut self, r: &NormalizedRecord) {
        for &attr in &self.tracked {
            let Some(v) = r.get(attr) else { continue };
            let map = &mut self.counts[attr as usize];
            let h = value_hash(v);
            if let Some(c) = map.get_mut(&h) {
                *c -= 1;
                if *c == 0 {
                    map.remove(&h);
                }
                self.totals[attr as usize] -= 1;
            }
        }
    }

    /// How many stored records hold `value` in `attr` (0 for attributes
    /// that are not counted).
    pub fn count(&self, attr: Attr, value: &str) -> u32 {
        self.counts[attr as usize]
            .get(&value_hash(value))
            .copied()
            .unwrap_or(0)
    }

    /// Smoothed frequency of `r`'s value of `attr`; `extra` counts the
    /// record itself when it is not (yet) in the store.
    pub fn frequency(&self, r: &NormalizedRecord, attr: Attr, u: f64, extra: u32) -> Option<f32> {
        let v = r.get(attr)?;
        let count = self.count(attr, v) + extra;
        let total = self.totals[attr as usize] + u64::from(extra);
        let f = (f64::from(count) + PSEUDO_VALUES * u) / (total as f64 + PSEUDO_VALUES);
        Some(f as f32)
    }
}

/// Counts one more `v`.
fn bump(map: &mut Counts, v: &str) {
    *map.entry(value_hash(v)).or_insert(0) += 1;
}
