//! The store's blocking index: for every blocking rule, the records that
//! share each key, kept up to date as records come and go.

use std::collections::HashMap;

use crate::block::BlockingRule;
use crate::normalize::NormalizedRecord;

/// Per rule, key -> record slots (in insertion order).
#[derive(Debug, Default)]
pub(crate) struct BlockIndex {
    rules: Vec<BlockingRule>,
    maps: Vec<HashMap<u64, Vec<u32>>>,
    max_block_size: usize,
}

/// What a candidate lookup found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// Blocks skipped because they hold more than the size limit.
    pub oversized: usize,
}

impl BlockIndex {
    pub fn new(rules: Vec<BlockingRule>, max_block_size: usize) -> BlockIndex {
        let maps = rules.iter().map(|_| HashMap::new()).collect();
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
                map.entry(*k).or_default().push(slot);
            }
        }
    }

    pub fn remove(&mut self, slot: u32, keys: &[Option<u64>]) {
        for (map, key) in self.maps.iter_mut().zip(keys) {
            let Some(k) = key else { continue };
            if let Some(v) = map.get_mut(k) {
                v.retain(|&s| s != slot);
                if v.is_empty() {
                    map.remove(k);
                }
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
