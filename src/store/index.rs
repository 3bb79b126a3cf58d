//! The store's blocking index: for every blocking rule, the records that
//! share each key, kept up to date as records come and go.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::block::BlockingRule;
use crate::normalize::NormalizedRecord;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The records sharing one key. Most keys (an email, a phone) belong to
/// one record, which is kept without a separate allocation.
#[derive(Debug, Clone)]
enum Block {
    One(u32),
    Many(Vec<u32>),
}

impl Block {
    fn as_slice(&self) -> &[u32] {
        match self {
            Block::One(x) => std::slice::from_ref(x),
            Block::Many(v) => v,
        }
    }

    fn push(&mut self, slot: u32) {
        match self {
            Block::One(x) => *self = Block::Many(vec![*x, slot]),
            Block::Many(v) => v.push(slot),
        }
    }

    /// Removes `slot`; true when the block is now empty.
    fn remove(&mut self, slot: u32) -> bool {
        match self {
            Block::One(x) => *x == slot,
            Block::Many(v) => {
                v.retain(|&s| s != slot);
                match v[..] {
                    [] => true,
                    [one] => {
                        *self = Block::One(one);
                        false
                    }
                    _ => false,
                }
            }
        }
    }
}

/// A capacity for `n` entries and a quarter more.
pub(crate) fn with_headroom(n: usize) -> usize {
    n + n / 4 + 16
}

/// Per rule, key -> record slots (in insertion order).
#[derive(Debug, Default)]
pub(crate) struct BlockIndex {
    rules: Vec<BlockingRule>,
    maps: Vec<Map<u64, Block>>,
    max_block_size: usize,
}

/// What a candidate lookup found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// Blocks skipped because they hold more than the size limit.
    pub oversized: usize,
}

impl BlockIndex {
    /// The index of `records` (slot, record), built rule by rule in parallel.
    pub fn build(
        rules: Vec<BlockingRule>,
        max_block_size: usize,
        records: &[(u32, &NormalizedRecord)],
    ) -> BlockIndex {
        BlockIndex::build_with(rules, max_block_size, |_, rule| {
            records
                .iter()
                .filter_map(|(slot, r)| rule.key(r).map(|k| (k, *slot)))
                .collect()
        })
    }

    /// The index from keys already known: `keyed(i, rule)` lists rule
    /// `i`'s (key, slot) pairs, in any order.
    pub fn build_with(
        rules: Vec<BlockingRule>,
        max_block_size: usize,
        keyed: impl Fn(usize, &BlockingRule) -> Vec<(u64, u32)> + Sync,
    ) -> BlockIndex {
        let maps = rules
            .par_iter()
            .enumerate()
            .map(|(i, rule)| {
                let mut keyed = keyed(i, rule);
                keyed.sort_unstable();
                let blocks: Vec<(u64, Block)> = keyed
                    .chunk_by(|a, b| a.0 == b.0)
                    .map(|chunk| match chunk {
                        [(key, one)] => (*key, Block::One(*one)),
                        many => (many[0].0, Block::Many(many.iter().map(|x| x.1).collect())),
                    })
                    .collect();
                // Room to grow by a quarter before the map has to rehash,
                // so the adds after a bulk load do not pay for it at once.
                let mut map = Map::with_capacity_and_hasher(
                    with_headroom(blocks.len()),
                    foldhash::fast::RandomState::default(),
                );
                map.extend(blocks);
                map
            })
            .collect();
        BlockIndex {
            rules,
            maps,
            max_block_size: max_block_size.max(1),
        }
    }

    /// Every rule's key for a record.
    pub fn keys(&self, r: &NormalizedRecord) -> Vec<Option<u64>> {
        self.rules.iter().map(|rule| rule.key(r)).collect()
    }

    pub fn insert(&mut self, slot: u32, keys: &[Option<u64>]) {
        for (map, key) in self.maps.iter_mut().zip(keys) {
            if let Some(k) = key {
                match map.get_mut(k) {
                    Some(b) => b.push(slot),
                    None => {
                        map.insert(*k, Block::One(slot));
                    }
                }
            }
        }
    }

    pub fn remove(&mut self, slot: u32, keys: &[Option<u64>]) {
        for (map, key) in self.maps.iter_mut().zip(keys) {
            let Some(k) = key else { continue };
            if map.get_mut(k).is_some_and(|b| b.remove(slot)) {
                map.remove(k);
            }
        }
    }

    /// The distinct slots sharing any key with `keys`, sorted. A block
    /// over the size limit is skipped (as in batch blocking, such a key
    /// says little; the other rules still find the record's look-alikes).
    pub fn candidates(&self, keys: &[Option<u64>], out: &mut Vec<u32>) -> Lookup {
        let mut lookup = Lookup::default();
        out.clear();
        for (map, key) in self.maps.iter().zip(keys) {
            let Some(block) = key.and_then(|k| map.get(&k)) else {
                continue;
            };
            let block = block.as_slice();
            if block.len() > self.max_block_size {
                lookup.oversized += 1;
                continue;
            }
            out.extend_from_slice(block);
        }
        out.sort_unstable();
        out.dedup();
        lookup
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::BlockKey;
    use crate::normalize::record::Attr;

    fn rec(email: &str) -> NormalizedRecord {
        let mut r = NormalizedRecord::default();
        r.set(Attr::Email, Some(email.to_string()));
        r
    }

    #[test]
    fn insert_remove_and_bulk_build_agree() {
        let rule = BlockingRule::new(vec![BlockKey::Exact { attr: Attr::Email }]);
        let recs = [rec("a@x.com"), rec("b@x.com"), rec("a@x.com")];
        let listed: Vec<(u32, &NormalizedRecord)> = recs
            .iter()
            .enumerate()
            .map(|(i, r)| (i as u32, r))
            .collect();
        let built = BlockIndex::build(vec![rule.clone()], 100, &listed);
        let mut grown = BlockIndex::build(vec![rule], 100, &[]);
        for (i, r) in recs.iter().enumerate() {
            grown.insert(i as u32, &grown.keys(r));
        }
        let mut out = Vec::new();
        for idx in [&built, &grown] {
            idx.candidates(&idx.keys(&recs[0]), &mut out);
            assert_eq!(out, vec![0, 2]);
        }
        grown.remove(0, &grown.keys(&recs[0]));
        grown.candidates(&grown.keys(&recs[0]), &mut out);
        assert_eq!(out, vec![2]);
        grown.remove(2, &grown.keys(&recs[2]));
        grown.candidates(&grown.keys(&recs[0]), &mut out);
        assert!(out.is_empty());
        // Oversized blocks are skipped and counted.
        let small = BlockIndex::build(
            vec![BlockingRule::new(vec![BlockKey::Exact {
                attr: Attr::Email,
            }])],
            1,
            &listed,
        );
        assert_eq!(
            small.candidates(&small.keys(&recs[0]), &mut out).oversized,
            1
        );
        assert!(out.is_empty());
    }
}
