//! Side sessions: EM for the comparisons no blocking rule can train.
//!
//! A blocking rule's pairs agree on the rule's fields, so EM over them
//! trains only the comparisons that read none of those fields. When every
//! rule reads a comparison's field (a file of organisation names, whose
//! only identifying column is the name every rule blocks on), no session
//! trains it and the template's starting m stands: fine for data shaped
//! like the template, wrong where entities hold hundreds of records in
//! dozens of spellings. A side session is what Splink users are told to
//! write by hand: pairs that share a value of some *other* attribute (a
//! co-author, a birth date, a phone), compared on every field, with the
//! comparisons that read the key attribute left out of EM. The pairs are
//! taken from the key's blocks of at most the blocking rules' block size,
//! in key order, up to [`TrainingSettings::side_session_pairs`] a session:
//! deterministic, whatever the thread count.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::block::LinkMode;
use crate::compare::{compare_pair, Comparison};
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;
use crate::score::patterns::SKIP;
use crate::score::train::TrainingSettings;

/// The pairs of one side session, as comparison patterns.
#[derive(Debug, Clone, PartialEq)]
pub struct SideSession {
    /// The attribute whose shared values made the pairs.
    pub key: Attr,
    /// Pairs compared.
    pub pairs: u64,
    /// Which comparisons take part (those that do not read the key's group).
    pub mask: Vec<bool>,
    /// Distinct patterns (levels of masked-out comparisons are [`SKIP`]) and
    /// their pair counts, in pattern order.
    pub patterns: Vec<(Vec<u8>, u64)>,
}

/// The comparisons that no blocking rule can train: every rule reads one
/// of their attribute groups (`rule_groups[r]` are rule `r`'s groups).
pub fn unreachable(comparisons: &[Comparison], rule_groups: &[Vec<u8>]) -> Vec<bool> {
    comparisons
        .iter()
        .map(|c| {
            let groups: Vec<u8> = c.attrs().iter().map(|a| a.group()).collect();
            !rule_groups.is_empty()
                && rule_groups
                    .iter()
                    .all(|rule| groups.iter().any(|g| rule.contains(g)))
        })
        .collect()
}

/// Side sessions for the comparisons marked in `wanted`: one per
/// attribute read by the other comparisons (outside the wanted ones'
/// groups), keyed on its whole value, or on each item for list
/// attributes (co-authors, classes). Sessions with fewer pairs than
/// [`TrainingSettings::min_session_pairs`] are
/// dropped. Empty when nothing is wanted.
pub fn side_sessions(
    comparisons: &[Comparison],
    wanted: &[bool],
    records: &[NormalizedRecord],
    sources: &[u32],
    mode: LinkMode,
    block_cap: usize,
    settings: &TrainingSettings,
) -> Vec<SideSession> {
    if !wanted.iter().any(|&w| w) || settings.side_session_pairs == 0 {
        return Vec::new();
    }
    let wanted_groups: Vec<u8> = comparisons
        .iter()
        .zip(wanted)
        .filter(|(_, &w)| w)
        .flat_map(|(c, _)| c.attrs().into_iter().map(|a| a.group()))
        .collect();
    let mut keys: Vec<Attr> = comparisons
        .iter()
        .zip(wanted)
        .filter(|(_, &w)| !w)
        .flat_map(|(c, _)| c.attrs())
        .filter(|a| !wanted_groups.contains(&a.group()) && *a != Attr::EntityType)
        .collect();
    keys.sort_unstable_by_key(|a| *a as u8);
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let mask: Vec<bool> = comparisons
            .iter()
            .map(|c| !c.attrs().iter().any(|a| a.group() == key.group()))
            .collect();
        if !mask.iter().zip(wanted).any(|(&m, &w)| m && w) {
            continue;
        }
        let pairs = key_pairs(key, records, sources, mode, block_cap, settings);
        if (pairs.len() as u64) < settings.min_session_pairs {
            continue;
        }
        let patterns = count(comparisons, &mask, records, &pairs);
        out.push(SideSession {
            key,
            pairs: pairs.len() as u64,
            mask,
            patterns,
        });
    }
    out
}

/// The record pairs sharing a value of `key` (an item, for lists), from
/// blocks of 2 to `block_cap` records, in key order, distinct, at most
/// [`TrainingSettings::side_session_pairs`].
fn key_pairs(
    key: Attr,
    records: &[NormalizedRecord],
    sources: &[u32],
    mode: LinkMode,
    block_cap: usize,
    settings: &TrainingSettings,
) -> Vec<(u32, u32)> {
    let list = matches!(key, Attr::Associates | Attr::Classes);
    let mut blocks: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let Some(v) = r.get(key) else { continue };
        if list {
            for item in v.split(' ').filter(|s| !s.is_empty()) {
                blocks.entry(item).or_default().push(i as u32);
            }
        } else {
            blocks.entry(v).or_default().push(i as u32);
        }
    }
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut seen: HashMap<(u32, u32), ()> = HashMap::new();
    'blocks: for members in blocks.values() {
        if members.len() < 2 || members.len() > block_cap {
            continue;
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if a == b
                    || (mode == LinkMode::LinkOnly && sources[a as usize] == sources[b as usize])
                {
                    continue;
                }
                let p = (a.min(b), a.max(b));
                if seen.insert(p, ()).is_none() {
                    pairs.push(p);
                    if pairs.len() >= settings.side_session_pairs {
                        break 'blocks;
                    }
                }
            }
        }
    }
    pairs
}

/// The comparison patterns of `pairs`, comparisons outside `mask` at
/// [`SKIP`], counted and sorted.
fn count(
    comparisons: &[Comparison],
    mask: &[bool],
    records: &[NormalizedRecord],
    pairs: &[(u32, u32)],
) -> Vec<(Vec<u8>, u64)> {
    let counts: HashMap<Vec<u8>, u64> = pairs
        .par_chunks(4096)
        .map(|chunk| {
            let mut local: HashMap<Vec<u8>, u64> = HashMap::new();
            let mut levels = Vec::with_capacity(comparisons.len());
            for &(a, b) in chunk {
                levels.clear();
                compare_pair(
                    comparisons,
                    &records[a as usize],
                    &records[b as usize],
                    &mut levels,
                );
                for (l, &m) in levels.iter_mut().zip(mask) {
                    if !m {
                        *l = SKIP;
                    }
                }
                *local.entry(levels.clone()).or_default() += 1;
            }
            local
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let mut out: Vec<(Vec<u8>, u64)> = counts.into_iter().collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::templates;
    use crate::normalize::record::normalized;
    use crate::record::Record;
    use crate::schema::FieldKind;

    fn comparisons() -> Vec<Comparison> {
        vec![
            templates::organisation(),
            templates::item_list("associates", Attr::Associates),
        ]
    }

    #[test]
    fn a_comparison_every_rule_reads_is_unreachable() {
        let c = comparisons();
        let org = Attr::Organisation.group();
        let assoc = Attr::Associates.group();
        assert_eq!(unreachable(&c, &[vec![org], vec![org]]), vec![true, false]);
        // One rule on another field reaches it.
        assert_eq!(
            unreachable(&c, &[vec![org], vec![assoc]]),
            vec![false, false]
        );
        // No rules: nothing to say.
        assert_eq!(unreachable(&c, &[]), vec![false, false]);
    }

    #[test]
    fn side_pairs_share_an_item_of_another_attribute() {
        let c = comparisons();
        // 60 records in 20 groups of 3 sharing a co-author: 60 pairs.
        let records: Vec<NormalizedRecord> = (0..60)
            .map(|i| {
                normalized(
                    &Record::new(0, i.to_string())
                        .with(FieldKind::Organisation, format!("Company {}", i / 3))
                        .with(
                            FieldKind::Associates,
                            format!("Author {}**Other {i}", i / 3),
                        ),
                )
            })
            .collect();
        let sources = vec![0u32; records.len()];
        let settings = TrainingSettings::default();
        let sessions = side_sessions(
            &c,
            &[true, false],
            &records,
            &sources,
            LinkMode::LinkAndDedupe,
            100,
            &settings,
        );
        assert_eq!(sessions.len(), 1);
        let s = &sessions[0];
        assert_eq!(s.key, Attr::Associates);
        assert_eq!(s.pairs, 60);
        // The key's own comparison is left out.
        assert_eq!(s.mask, vec![true, false]);
        assert!(s.patterns.iter().all(|(p, _)| p[1] == SKIP));
        assert_eq!(s.patterns.iter().map(|(_, n)| n).sum::<u64>(), 60);
        // Link-only between one source: no pairs, no session.
        let none = side_sessions(
            &c,
            &[true, false],
            &records,
            &sources,
            LinkMode::LinkOnly,
            100,
            &settings,
        );
        assert!(none.is_empty());
        // Nothing wanted, nothing built.
        let none = side_sessions(
            &c,
            &[false, false],
            &records,
            &sources,
            LinkMode::LinkAndDedupe,
            100,
            &settings,
        );
        assert!(none.is_empty());
    }
}
