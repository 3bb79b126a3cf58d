//! Comparison patterns counted once. Training never needs a pair's
//! identity, only how many pairs share each combination of comparison
//! levels and blocking rules agreed on; a few thousand distinct patterns
//! stand for millions of pairs. The table is filled chunk by chunk, so the
//! pairs themselves need not be kept.

use std::collections::HashMap;

use rayon::prelude::*;

/// Level value meaning "not part of this training session".
pub const SKIP: u8 = u8::MAX;

/// Comparison patterns with their pair counts.
pub type Patterns = Vec<(Vec<u8>, u64)>;

/// Pattern bytes -> count, with a fast fixed-seed hasher (patterns are a
/// few bytes).
type PatternMap = HashMap<Box<[u8]>, u64, foldhash::fast::FixedState>;

/// Counts of (comparison levels, blocking rules agreed on) over candidate
/// pairs. The counts are sums, so the table is the same however the pairs
/// were split into chunks or threads.
#[derive(Debug, Clone, Default)]
pub struct PatternTable {
    /// Comparisons per pattern.
    width: usize,
    /// Bytes of the rule-agreement mask after the levels.
    mask_bytes: usize,
    counts: PatternMap,
    pairs: u64,
    /// (levels, rule as two bytes) -> pairs of windowed blocks never
    /// compared that the edge pairs with those levels stand for.
    unseen: PatternMap,
}

impl PatternTable {
    /// An empty table for `width` comparisons and `rules` blocking rules.
    pub fn new(width: usize, rules: usize) -> PatternTable {
        PatternTable {
            width,
            mask_bytes: rules.div_ceil(8),
            counts: PatternMap::default(),
            pairs: 0,
            unseen: PatternMap::default(),
        }
    }

    /// Number of comparisons per pattern.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Pairs counted.
    pub fn pairs(&self) -> u64 {
        self.pairs
    }

    /// Distinct (levels, agreement) patterns.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// Counts the pairs whose levels are `levels` (`width` bytes each);
    /// `agreement(i, mask)` sets bit `r` of `mask` when pair `i` agrees on
    /// blocking rule `r`'s keys. Runs in parallel.
    pub fn add(&mut self, levels: &[u8], agreement: impl Fn(usize, &mut [u8]) + Sync) {
        if self.width == 0 {
            return;
        }
        const CHUNK: usize = 8192;
        let (width, mask_bytes) = (self.width, self.mask_bytes);
        let n = levels.len() / width;
        let part = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .fold(PatternMap::default, |mut m, chunk| {
                let mut key = vec![0u8; width + mask_bytes];
                for i in chunk * CHUNK..((chunk + 1) * CHUNK).min(n) {
                    key[..width].copy_from_slice(&levels[i * width..(i + 1) * width]);
                    key[width..].fill(0);
                    agreement(i, &mut key[width..]);
                    bump(&mut m, &key, 1);
                }
                m
            })
            .reduce(PatternMap::default, merge_maps);
        self.counts = merge_maps(std::mem::take(&mut self.counts), part);
        self.pairs += n as u64;
    }

    /// Counts, for the pairs whose levels are `levels`, the pairs of
    /// windowed blocks never compared that each stands for:
    /// `edge(i, out)` pushes (rule, pairs) for pair `i` (see
    /// [`crate::block::Blocker::far_edge`]). Runs in parallel; sums, so
    /// the table does not depend on the chunking.
    pub fn add_unseen(
        &mut self,
        levels: &[u8],
        edge: impl Fn(usize, &mut Vec<(usize, u64)>) + Sync,
    ) {
        if self.width == 0 {
            return;
        }
        const CHUNK: usize = 8192;
        let width = self.width;
        let n = levels.len() / width;
        let part = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .fold(PatternMap::default, |mut m, chunk| {
                let mut key = vec![0u8; width + 2];
                let mut out = Vec::new();
                for i in chunk * CHUNK..((chunk + 1) * CHUNK).min(n) {
                    out.clear();
                    edge(i, &mut out);
                    for &(rule, count) in &out {
                        key[..width].copy_from_slice(&levels[i * width..(i + 1) * width]);
                        key[width..].copy_from_slice(&(rule.min(0xffff) as u16).to_le_bytes());
                        bump(&mut m, &key, count);
                    }
                }
                m
            })
            .reduce(PatternMap::default, merge_maps);
        self.unseen = merge_maps(std::mem::take(&mut self.unseen), part);
    }

    /// The never-compared pairs of windowed blocks, per rule (ascending),
    /// as the levels of the edge pairs standing for them with the pairs
    /// each pattern stands for, sorted.
    pub fn unseen(&self) -> Vec<(usize, Patterns)> {
        let mut by_rule: std::collections::BTreeMap<usize, Patterns> =
            std::collections::BTreeMap::new();
        for (key, &n) in &self.unseen {
            let rule = u16::from_le_bytes([key[self.width], key[self.width + 1]]) as usize;
            by_rule
                .entry(rule)
                .or_default()
                .push((key[..self.width].to_vec(), n));
        }
        by_rule
            .into_iter()
            .map(|(r, mut v)| {
                v.sort_unstable();
                (r, v)
            })
            .collect()
    }

    /// The patterns of the pairs that agree on rule `rule` (all pairs for
    /// `None`), with comparisons where `keep[c]` is false set to [`SKIP`],
    /// summed and sorted (a deterministic order for EM).
    pub fn select(&self, keep: &[bool], rule: Option<usize>) -> Vec<(Vec<u8>, u64)> {
        let mut out = PatternMap::default();
        let mut key = vec![0u8; self.width];
        for (pattern, &count) in &self.counts {
            if let Some(r) = rule {
                if pattern[self.width + r / 8] & (1 << (r % 8)) == 0 {
                    continue;
                }
            }
            for (c, k) in key.iter_mut().enumerate() {
                *k = if keep[c] { pattern[c] } else { SKIP };
            }
            bump(&mut out, &key, count);
        }
        let mut v: Vec<(Vec<u8>, u64)> = out.into_iter().map(|(k, n)| (k.into_vec(), n)).collect();
        v.sort_unstable();
        v
    }
}

/// Filling from counts an engine aggregated (see [`crate::pipeline::engine`]):
/// the same table as [`PatternTable::add`] and [`PatternTable::add_unseen`]
/// make from the pairs themselves, since its entries are sums.
impl PatternTable {
    /// Adds `n` pairs whose levels are `levels` (`width` bytes) and which
    /// agree on the blocking rules whose bits are set in `rules_agreed`
    /// (bit `r` for rule `r`; rules past 64 cannot be given this way).
    pub fn add_counted(&mut self, levels: &[u8], rules_agreed: u64, n: u64) {
        if self.width == 0 || levels.len() != self.width || n == 0 {
            return;
        }
        let mut key = vec![0u8; self.width + self.mask_bytes];
        key[..self.width].copy_from_slice(levels);
        for r in 0..(self.mask_bytes * 8).min(64) {
            if rules_agreed & (1 << r) != 0 {
                key[self.width + r / 8] |= 1 << (r % 8);
            }
        }
        bump(&mut self.counts, &key, n);
        self.pairs += n;
    }

    /// Adds `n` never-compared pairs of rule `rule`'s windowed blocks that
    /// edge pairs with levels `levels` stand for.
    pub fn add_unseen_counted(&mut self, levels: &[u8], rule: usize, n: u64) {
        if self.width == 0 || levels.len() != self.width || n == 0 {
            return;
        }
        let mut key = vec![0u8; self.width + 2];
        key[..self.width].copy_from_slice(levels);
        key[self.width..].copy_from_slice(&(rule.min(0xffff) as u16).to_le_bytes());
        bump(&mut self.unseen, &key, n);
    }
}

fn bump(m: &mut PatternMap, key: &[u8], n: u64) {
    match m.get_mut(key) {
        Some(v) => *v += n,
        None => {
            m.insert(key.into(), n);
        }
    }
}

fn merge_maps(mut a: PatternMap, b: PatternMap) -> PatternMap {
    if a.len() < b.len() {
        return merge_maps(b, a);
    }
    for (k, v) in b {
        *a.entry(k).or_default() += v;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_do_not_depend_on_how_pairs_are_chunked() {
        // Three comparisons, two rules; pair i agrees on rule i % 2.
        let levels: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 5) as u8).collect();
        let agree = |i: usize, m: &mut [u8]| m[0] |= 1 << (i % 2);
        let mut whole = PatternTable::new(3, 2);
        whole.add(&levels, agree);
        let mut parts = PatternTable::new(3, 2);
        for (k, chunk) in levels.chunks(300).enumerate() {
            parts.add(chunk, |i, m| agree(k * 100 + i, m));
        }
        assert_eq!(whole.pairs(), 1000);
        assert_eq!(parts.pairs(), 1000);
        let all = [true; 3];
        for rule in [None, Some(0), Some(1)] {
            assert_eq!(whole.select(&all, rule), parts.select(&all, rule));
        }
        let total: u64 = whole.select(&all, None).iter().map(|p| p.1).sum();
        let rule0: u64 = whole.select(&all, Some(0)).iter().map(|p| p.1).sum();
        assert_eq!((total, rule0), (1000, 500));
    }

    #[test]
    fn skipped_comparisons_merge_patterns() {
        let mut t = PatternTable::new(2, 1);
        t.add(&[0, 1, 0, 2, 1, 1], |i, m| m[0] = (i == 0) as u8);
        assert_eq!(t.distinct(), 3);
        assert_eq!(
            t.select(&[true, false], None),
            vec![(vec![0, SKIP], 2), (vec![1, SKIP], 1)]
        );
        assert_eq!(t.select(&[true, true], Some(0)), vec![(vec![0, 1], 1)]);
    }
}
