//! Stage 2, **block**: candidate pairs from several blocking rules, never
//! all n² pairs. Rules are OR-ed; a pair found by several rules is kept
//! once (by the first rule that finds it). Blocks larger than
//! [`BlockingSettings::max_block_size`] are not dropped but compared with a
//! sorted window, and reported.

pub mod rule;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use rule::{BlockKey, BlockingRule};

use crate::normalize::record::{Attr, NormalizedRecord};
use crate::progress::{Stage, Tracker};

/// Whether records of one source are compared with each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMode {
    /// Link across sources and deduplicate within them (one source alone:
    /// deduplication).
    #[default]
    LinkAndDedupe,
    /// Only pairs of records from different sources.
    LinkOnly,
}

/// How candidate pairs are generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingSettings {
    /// The rules, OR-ed.
    pub rules: Vec<BlockingRule>,
    /// Blocks with more records than this are compared with a sorted
    /// window instead of all pairs.
    pub max_block_size: usize,
    /// In an oversized block, each record is compared with this many
    /// neighbours in name order.
    pub window: usize,
    /// A rule may make at most this many pairs per record (over all
    /// records). A rule over it (a birth date or a common name in a very
    /// large file) has its block size limit and window lowered until it
    /// fits, so that pairs grow in proportion to the records, not faster.
    #[serde(default = "default_pairs_per_record")]
    pub max_pairs_per_record: usize,
}

/// Four pairs per record and rule: measured on generated customers, 4
/// and 5 give the same F1 at 100,000 records (within 0.0005) and 4 is
/// better and 22% cheaper at a million.
fn default_pairs_per_record() -> usize {
    4
}

/// How a rule's blocks are compared: in full up to `cap` records, beyond
/// it through a window of `window` neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limit {
    cap: usize,
    window: usize,
}

impl Default for BlockingSettings {
    fn default() -> Self {
        BlockingSettings {
            rules: Vec::new(),
            max_block_size: 100,
            window: 10,
            max_pairs_per_record: default_pairs_per_record(),
        }
    }
}

/// What a rule will generate, computed before generating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleEstimate {
    /// The rule's name.
    pub rule: String,
    /// Records that have every key of the rule.
    pub records_with_key: usize,
    /// Pairs the rule generates (before removing pairs earlier rules found).
    pub pairs: u64,
    /// Pairs all-pairs comparison of its blocks would have generated.
    pub pairs_uncapped: u64,
    /// Blocks over the size limit.
    pub oversized_blocks: usize,
    /// Size of the largest block.
    pub largest_block: usize,
}

/// A block over the size limit, compared with a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OversizedBlock {
    /// The rule.
    pub rule: String,
    /// Records in the block.
    pub size: usize,
}

/// What blocking did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingReport {
    /// Per rule: estimate and the new pairs it contributed.
    pub rules: Vec<(RuleEstimate, u64)>,
    /// Blocks that were windowed, largest first (at most 20 listed).
    pub oversized: Vec<OversizedBlock>,
    /// Distinct candidate pairs.
    pub pairs: u64,
    /// Rules that explode or say little (see [`rule_warnings`]).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Chunks the pairs were generated in (one per rule when they were
    /// held whole; more when a memory budget streamed them).
    #[serde(default)]
    pub chunks: u64,
}

/// A key shared by more records than this is called out: it is a
/// placeholder or a value that says little (a common birth date, a city).
pub const EXPLOSIVE_KEY: usize = 10_000;

/// Warnings about rules from their estimates: a key shared by more than
/// [`EXPLOSIVE_KEY`] records, or a rule that would generate more than 100
/// pairs per record if its large blocks were compared in full. Such rules
/// still run (large blocks are windowed), but cost more than they find.
pub fn rule_warnings(estimates: &[RuleEstimate], records: usize) -> Vec<String> {
    let mut out = Vec::new();
    for e in estimates {
        if e.largest_block > EXPLOSIVE_KEY {
            out.push(format!(
                "blocking rule '{}': one key is shared by {} records (a placeholder or a value that says little); \
                 its blocks are compared through a window, consider a more specific rule",
                e.rule, e.largest_block
            ));
        } else if e.pairs_uncapped > 100 * records.max(1) as u64 {
            out.push(format!(
                "blocking rule '{}' would make {} pairs compared in full ({} per record); \
                 large blocks are windowed to {} pairs",
                e.rule,
                e.pairs_uncapped,
                e.pairs_uncapped / records.max(1) as u64,
                e.pairs
            ));
        }
    }
    out
}

/// A candidate pair of record indices, `a < b`.
pub type Pair = (u32, u32);

struct Blocks {
    /// (key, record) sorted.
    entries: Vec<(u64, u32)>,
    /// Start offsets of each block in `entries`, plus the end.
    bounds: Vec<usize>,
}

/// Key value standing for "the record lacks a key field".
const NO_KEY: u64 = 0;

/// The blocks of one rule from its keys, in record order.
fn blocks_of(keys: impl Iterator<Item = u64>) -> Blocks {
    let mut entries: Vec<(u64, u32)> = keys
        .enumerate()
        .filter(|&(_, k)| k != NO_KEY)
        .map(|(i, k)| (k, i as u32))
        .collect();
    entries.par_sort_unstable();
    let mut bounds = Vec::new();
    for i in 0..entries.len() {
        if i == 0 || entries[i].0 != entries[i - 1].0 {
            bounds.push(i);
        }
    }
    bounds.push(entries.len());
    Blocks { entries, bounds }
}

/// Counts pairs of a block under the link mode (cross-source only for LinkOnly).
fn block_pairs(members: &[(u64, u32)], sources: &[u32], mode: LinkMode) -> u64 {
    let n = members.len() as u64;
    let all = n * n.saturating_sub(1) / 2;
    if mode == LinkMode::LinkAndDedupe {
        return all;
    }
    let mut per: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    for (_, r) in members {
        *per.entry(sources[*r as usize]).or_default() += 1;
    }
    all - per
        .values()
        .map(|c| c * c.saturating_sub(1) / 2)
        .sum::<u64>()
}

/// Pairs a rule makes with blocks of `sizes` under `limit`.
fn pairs_under(sizes: &[usize], limit: Limit) -> u64 {
    sizes
        .iter()
        .map(|&s| {
            if s <= limit.cap {
                (s * s.saturating_sub(1) / 2) as u64
            } else {
                (s * limit.window) as u64
            }
        })
        .sum()
}

/// The settings' limit, tightened for a rule whose blocks would make more
/// than `max_pairs_per_record` pairs per record: the window shrinks to the
/// budget and the cap to the largest that keeps the rule within it.
fn limit_for(sizes: &[usize], records: usize, settings: &BlockingSettings) -> Limit {
    let configured = Limit {
        cap: settings.max_block_size,
        window: settings.window,
    };
    let budget = (settings.max_pairs_per_record.max(1) * records.max(1)) as u64;
    if pairs_under(sizes, configured) <= budget {
        return configured;
    }
    let window = settings.window.min(settings.max_pairs_per_record).max(1);
    // Above 2 * window, comparing a block in full costs more than its
    // window, so the pair count grows with the cap: search the largest
    // cap within budget.
    let (mut lo, mut hi) = (
        (2 * window).min(settings.max_block_size),
        settings.max_block_size,
    );
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if pairs_under(sizes, Limit { cap: mid, window }) <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Limit { cap: lo, window }
}

/// The key record `r` has under `rule` as blocking uses it (`None`: the
/// record lacks one of the rule's fields). For engines that block outside
/// [`Blocker`] (see [`crate::pipeline::engine`]): two records share a block
/// of the rule exactly when their keys are equal and not `None`.
pub fn block_key(rule: &BlockingRule, r: &NormalizedRecord) -> Option<u64> {
    // A real key hashing to NO_KEY joins key 1's block: a one-in-2^64
    // extra candidate pair, never a lost one.
    rule.key(r).map(|k| k.max(1))
}

/// How one rule's blocks are compared ([`window_limit`]): blocks of up to
/// `cap` records in full, larger ones through a window of `window`
/// neighbours in name order ([`window_order_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowLimit {
    /// Largest block compared in full.
    pub cap: usize,
    /// Neighbours each record of a larger block is compared with.
    pub window: usize,
}

/// The limit [`Blocker`] applies to a rule whose blocks have `block_sizes`
/// records, over `records` records in all: the settings' block size and
/// window, tightened to the rule's pair budget
/// ([`BlockingSettings::max_pairs_per_record`]). Depends only on the
/// multiset of sizes, so an engine can pass a histogram expanded.
pub fn window_limit(
    block_sizes: &[usize],
    records: usize,
    settings: &BlockingSettings,
) -> WindowLimit {
    let l = limit_for(block_sizes, records, settings);
    WindowLimit {
        cap: l.cap,
        window: l.window,
    }
}

/// The name order of an oversized block: records sorted by these four
/// values (a missing value as `""`), then by record index.
pub fn window_order_key(r: &NormalizedRecord) -> [&str; 4] {
    [
        r.get(Attr::Surname).unwrap_or(""),
        r.get(Attr::Given).unwrap_or(""),
        r.get(Attr::Organisation).unwrap_or(""),
        r.get(Attr::DateOfBirth).unwrap_or(""),
    ]
}

/// For a windowed block of `size` records holding `full_pairs` comparable
/// pairs, the never-compared pairs each pair at the window's far edge stands
/// for (see [`Blocker::far_edge`]); 0 when the window covers the block.
pub fn unseen_per_edge(size: usize, full_pairs: u64, window: usize) -> u64 {
    if size <= window {
        return 0;
    }
    let windowed = (size * window - window * (window + 1) / 2) as u64;
    full_pairs.saturating_sub(windowed) / (size - window) as u64
}

/// Position of a record whose block is compared in full.
const IN_FULL: u32 = u32::MAX;

/// How one rule compared its blocks: in full, or, for oversized blocks,
/// through a window over each block's name order. Later rules skip only
/// the pairs an earlier rule really generated: agreeing on a windowed
/// rule's key is not enough.
#[derive(Debug, Clone, Default)]
struct RuleWindow {
    window: usize,
    /// Each record's place in its oversized block's name order
    /// ([`IN_FULL`] elsewhere); `None` when no block was oversized.
    position: Option<Vec<u32>>,
    /// Each oversized block's records in name order, by the block's start
    /// in the rule's sorted entries (ascending).
    orders: Vec<(usize, Vec<u32>)>,
}

impl RuleWindow {
    /// The name order of the oversized block starting at `start`.
    fn order_of(&self, start: usize) -> Option<&[u32]> {
        self.orders
            .binary_search_by_key(&start, |o| o.0)
            .ok()
            .map(|i| self.orders[i].1.as_slice())
    }

    /// Whether the rule generated the pair of two records sharing its key.
    fn generates(&self, a: u32, b: u32) -> bool {
        match &self.position {
            None => true,
            Some(p) => {
                let (pa, pb) = (p[a as usize], p[b as usize]);
                pa == IN_FULL || pb == IN_FULL || pa.abs_diff(pb) as usize <= self.window
            }
        }
    }
}

/// Candidate pair generation for a fixed set of normalized records.
pub struct Blocker<'a> {
    settings: &'a BlockingSettings,
    mode: LinkMode,
    records: &'a [NormalizedRecord],
    sources: &'a [u32],
    /// Every rule's key of every record, record-major (`keys[record *
    /// rules + rule]`), so that checking a pair against all rules reads
    /// one cache line or two per record; [`NO_KEY`] where the record lacks
    /// a key field.
    keys: Vec<u64>,
    /// Number of rules.
    rules: usize,
    /// The far edges of each rule's windowed blocks, worked out on first
    /// use ([`Blocker::far_edge`]).
    edges: std::sync::OnceLock<Vec<Option<FarEdges>>>,
}

/// One rule's windowed blocks seen from their far edge: each record's place
/// in its oversized block's name order, and how many of the block's pairs
/// the window never compared, per pair at the window's last offset.
#[derive(Debug, Clone)]
struct FarEdges {
    window: usize,
    /// Place in the block's name order ([`IN_FULL`] outside oversized blocks).
    position: Vec<u32>,
    /// Pairs of the block left out of the window, divided by the pairs at
    /// the window's last offset (0 outside oversized blocks).
    unseen_per_edge: Vec<u32>,
}

impl<'a> Blocker<'a> {
    /// Computes every rule's key for every record (in parallel).
    pub fn new(
        settings: &'a BlockingSettings,
        mode: LinkMode,
        records: &'a [NormalizedRecord],
        sources: &'a [u32],
    ) -> Self {
        let rules = settings.rules.len();
        let mut keys = vec![NO_KEY; records.len() * rules];
        if rules > 0 {
            keys.par_chunks_mut(rules)
                .zip(records.par_iter())
                .for_each(|(out, r)| {
                    for (k, rule) in out.iter_mut().zip(&settings.rules) {
                        *k = block_key(rule, r).unwrap_or(NO_KEY);
                    }
                });
        }
        Blocker {
            settings,
            mode,
            records,
            sources,
            keys,
            rules,
            edges: std::sync::OnceLock::new(),
        }
    }

    /// For a candidate pair at the last offset of a rule's window in an
    /// oversized block (the farthest apart the window compares), calls
    /// `unseen(rule, n)`: `n` pairs of that block were never compared, one
    /// share of them per such edge pair. Training extrapolates the match
    /// rate at the window's edge to them (an entity of hundreds of records
    /// fills its block far beyond the window; people who share a common
    /// surname are matched near each other in name order and not at the
    /// edge). Rule windows are worked out once, on first call.
    pub fn far_edge(&self, a: u32, b: u32, mut unseen: impl FnMut(usize, u64)) {
        let edges = self.far_edges();
        let (ka, kb) = (self.keys_of(a), self.keys_of(b));
        for (r, e) in edges.iter().enumerate() {
            let Some(e) = e else { continue };
            if ka[r] == NO_KEY || ka[r] != kb[r] {
                continue;
            }
            let (pa, pb) = (e.position[a as usize], e.position[b as usize]);
            if pa != IN_FULL && pb != IN_FULL && pa.abs_diff(pb) as usize == e.window {
                let n = e.unseen_per_edge[a as usize];
                if n > 0 {
                    unseen(r, u64::from(n));
                }
            }
        }
    }

    /// Works out every rule's window edges once. Called before the
    /// parallel passes that ask [`Blocker::far_edge`], so that no worker
    /// waits on another's initialisation (which itself runs in parallel).
    pub fn far_edges_ready(&self) {
        self.far_edges();
    }

    fn far_edges(&self) -> &[Option<FarEdges>] {
        self.edges.get_or_init(|| {
            (0..self.rules)
                .map(|rule| self.far_edges_of(rule))
                .collect()
        })
    }

    /// Rule `rule`'s [`FarEdges`], `None` when no block of it is windowed.
    fn far_edges_of(&self, rule: usize) -> Option<FarEdges> {
        let blocks = self.blocks(rule);
        let limit = self.limit(rule, &blocks);
        let windows = self.window_of(&blocks, limit);
        self.far_edges_from(&blocks, limit, &windows)
    }

    /// The [`FarEdges`] of a rule whose blocks and windows are at hand
    /// (pair generation has them: the edges are then kept, not worked out
    /// again when training asks).
    fn far_edges_from(
        &self,
        blocks: &Blocks,
        limit: Limit,
        windows: &RuleWindow,
    ) -> Option<FarEdges> {
        let position = windows.position.clone()?;
        let mut unseen_per_edge = vec![0u32; self.records.len()];
        for (start, ids) in &windows.orders {
            let s = ids.len();
            let w = limit.window;
            if s <= w {
                continue;
            }
            let end = start + s;
            let full = block_pairs(&blocks.entries[*start..end], self.sources, self.mode);
            let per_edge = self::unseen_per_edge(s, full, w);
            for &r in ids {
                unseen_per_edge[r as usize] = per_edge.min(u64::from(u32::MAX)) as u32;
            }
        }
        Some(FarEdges {
            window: limit.window,
            position,
            unseen_per_edge,
        })
    }

    /// The pair count each rule will generate, without generating pairs.
    pub fn estimate(&self) -> Vec<RuleEstimate> {
        (0..self.rules)
            .map(|rule| {
                let blocks = self.blocks(rule);
                self.estimate_rule(rule, &blocks, self.limit(rule, &blocks))
            })
            .collect()
    }

    fn estimate_rule(&self, rule: usize, blocks: &Blocks, limit: Limit) -> RuleEstimate {
        let mut est = RuleEstimate {
            rule: self.settings.rules[rule].name.clone(),
            records_with_key: blocks.entries.len(),
            pairs: 0,
            pairs_uncapped: 0,
            oversized_blocks: 0,
            largest_block: 0,
        };
        for w in blocks.bounds.windows(2) {
            let members = &blocks.entries[w[0]..w[1]];
            let full = block_pairs(members, self.sources, self.mode);
            est.pairs_uncapped += full;
            est.largest_block = est.largest_block.max(members.len());
            if members.len() > limit.cap {
                est.oversized_blocks += 1;
                est.pairs += (members.len() * limit.window) as u64;
            } else {
                est.pairs += full;
            }
        }
        est
    }

    fn limit(&self, rule: usize, blocks: &Blocks) -> Limit {
        let sizes: Vec<usize> = blocks.bounds.windows(2).map(|w| w[1] - w[0]).collect();
        let l = limit_for(&sizes, self.records.len(), self.settings);
        let l = self.settings.rules[rule].limit(WindowLimit {
            cap: l.cap,
            window: l.window,
        });
        Limit {
            cap: l.cap,
            window: l.window,
        }
    }

    /// Number of blocking rules.
    pub fn rule_count(&self) -> usize {
        self.rules
    }

    /// Rule `rule`'s blocks: its records sorted by key.
    fn blocks(&self, rule: usize) -> Blocks {
        blocks_of(self.keys.iter().skip(rule).step_by(self.rules).copied())
    }

    /// The keys of record `r`, one per rule.
    #[inline]
    fn keys_of(&self, r: u32) -> &[u64] {
        let start = r as usize * self.rules;
        &self.keys[start..start + self.rules]
    }

    /// True when records `a` and `b` agree on every key of rule `rule`.
    pub fn agrees(&self, rule: usize, a: u32, b: u32) -> bool {
        rule < self.rules && {
            let x = self.keys_of(a)[rule];
            x != NO_KEY && x == self.keys_of(b)[rule]
        }
    }

    /// Sets bit `r` of `mask` (bit `r % 8` of byte `r / 8`) for every rule
    /// `r` whose keys records `a` and `b` agree on.
    pub fn agreement(&self, a: u32, b: u32, mask: &mut [u8]) {
        let (ka, kb) = (self.keys_of(a), self.keys_of(b));
        for (r, (x, y)) in ka.iter().zip(kb).enumerate() {
            if *x != NO_KEY && x == y {
                if let Some(byte) = mask.get_mut(r / 8) {
                    *byte |= 1 << (r % 8);
                }
            }
        }
    }

    /// True when an earlier rule generated the pair: the two agree on its
    /// keys and, if their block was windowed, lie within the window.
    fn found_by_earlier(&self, rule: usize, a: u32, b: u32, windows: &[RuleWindow]) -> bool {
        let (ka, kb) = (self.keys_of(a), self.keys_of(b));
        (0..rule).any(|r| ka[r] != NO_KEY && ka[r] == kb[r] && windows[r].generates(a, b))
    }

    fn keep(&self, rule: usize, a: u32, b: u32, windows: &[RuleWindow]) -> bool {
        (self.mode == LinkMode::LinkAndDedupe
            || self.sources[a as usize] != self.sources[b as usize])
            && !self.found_by_earlier(rule, a, b, windows)
    }

    /// Each record's place in the name order of its oversized block under
    /// `limit` ([`RuleWindow`]).
    fn window_of(&self, blocks: &Blocks, limit: Limit) -> RuleWindow {
        let oversized: Vec<(usize, usize)> = blocks
            .bounds
            .windows(2)
            .filter(|w| w[1] - w[0] > limit.cap)
            .map(|w| (w[0], w[1]))
            .collect();
        if oversized.is_empty() {
            return RuleWindow::default();
        }
        let orders: Vec<(usize, Vec<u32>)> = oversized
            .par_iter()
            .map(|&(s, e)| {
                let mut ids: Vec<u32> = blocks.entries[s..e].iter().map(|m| m.1).collect();
                ids.sort_by_cached_key(|&r| self.sort_key(r));
                (s, ids)
            })
            .collect();
        let mut position = vec![IN_FULL; self.records.len()];
        for (_, ids) in &orders {
            for (p, &r) in ids.iter().enumerate() {
                position[r as usize] = p as u32;
            }
        }
        RuleWindow {
            window: limit.window,
            position: Some(position),
            orders,
        }
    }

    /// Name-order key for windowing an oversized block.
    fn sort_key(&self, r: u32) -> (&str, &str, &str, &str, u32) {
        let [s, g, o, d] = window_order_key(&self.records[r as usize]);
        (s, g, o, d, r)
    }

    /// The pairs rule `rule` makes in its block `start..end` of `entries`.
    fn pairs_of_block(
        &self,
        rule: usize,
        entries: &[(u64, u32)],
        (start, end): (usize, usize),
        windows: &[RuleWindow],
    ) -> Vec<Pair> {
        let members = &entries[start..end];
        let mut out = Vec::new();
        let push = |out: &mut Vec<Pair>, x: u32, y: u32| {
            let (a, b) = if x < y { (x, y) } else { (y, x) };
            if self.keep(rule, a, b, windows) {
                out.push((a, b));
            }
        };
        match windows[rule].order_of(start) {
            // An oversized block: neighbours in the name order worked out
            // for the rule's window.
            Some(ids) => {
                let window = windows[rule].window;
                for i in 0..ids.len() {
                    for j in i + 1..(i + 1 + window).min(ids.len()) {
                        push(&mut out, ids[i], ids[j]);
                    }
                }
            }
            None => {
                for i in 0..members.len() {
                    for j in i + 1..members.len() {
                        push(&mut out, members[i].1, members[j].1);
                    }
                }
            }
        }
        out
    }

    /// Generates the distinct candidate pairs of all rules, in a
    /// deterministic order (rule by rule, block by block), and the report.
    pub fn pairs(&self) -> (Vec<Pair>, BlockingReport) {
        self.pairs_tracked(&Tracker::none(Stage::Block))
    }

    pub(crate) fn pairs_tracked(&self, progress: &Tracker<'_>) -> (Vec<Pair>, BlockingReport) {
        let mut all = Vec::new();
        let report = self.chunks_tracked(usize::MAX, progress, |chunk| all.extend(chunk));
        (all, report)
    }

    /// The same pairs as [`Blocker::pairs`], in the same order, handed to
    /// `consume` in chunks of about `chunk_pairs` pairs (whole blocks, so
    /// a chunk can be larger when one block is). Only one rule's sorted
    /// keys and one chunk of pairs are held at a time: memory does not
    /// grow with the pair count.
    pub fn for_each_chunk(
        &self,
        chunk_pairs: usize,
        consume: impl FnMut(Vec<Pair>),
    ) -> BlockingReport {
        self.chunks_tracked(chunk_pairs, &Tracker::none(Stage::Block), consume)
    }

    pub(crate) fn chunks_tracked(
        &self,
        chunk_pairs: usize,
        progress: &Tracker<'_>,
        mut consume: impl FnMut(Vec<Pair>),
    ) -> BlockingReport {
        let mut report = BlockingReport::default();
        let mut estimates = Vec::with_capacity(self.rules);
        let mut windows: Vec<RuleWindow> = Vec::with_capacity(self.rules);
        let mut edges: Vec<Option<FarEdges>> = Vec::with_capacity(self.rules);
        for rule in 0..self.rules {
            let blocks = self.blocks(rule);
            let limit = self.limit(rule, &blocks);
            estimates.push(self.estimate_rule(rule, &blocks, limit));
            windows.push(self.window_of(&blocks, limit));
            if self.edges.get().is_none() {
                edges.push(self.far_edges_from(&blocks, limit, &windows[rule]));
            }
            let ranges: Vec<(usize, usize)> =
                blocks.bounds.windows(2).map(|w| (w[0], w[1])).collect();
            for &(s, e) in &ranges {
                if e - s > limit.cap {
                    report.oversized.push(OversizedBlock {
                        rule: self.settings.rules[rule].name.clone(),
                        size: e - s,
                    });
                }
            }
            let mut found = 0u64;
            for group in chunk_ranges(&ranges, limit, chunk_pairs) {
                let pairs: Vec<Pair> = group
                    .par_iter()
                    .flat_map_iter(|&(s, e)| {
                        self.pairs_of_block(rule, &blocks.entries, (s, e), &windows)
                    })
                    .collect();
                found += pairs.len() as u64;
                report.chunks += 1;
                consume(pairs);
            }
            report.rules.push((estimates[rule].clone(), found));
            report.pairs += found;
            progress.add(1);
        }
        if edges.len() == self.rules {
            let _ = self.edges.set(edges);
        }
        report
            .oversized
            .sort_by(|a, b| b.size.cmp(&a.size).then(a.rule.cmp(&b.rule)));
        report.oversized.truncate(20);
        report.warnings = rule_warnings(&estimates, self.records.len());
        report
    }
}

/// Splits a rule's blocks (`ranges` of its sorted entries) into runs of
/// consecutive blocks making about `chunk_pairs` pairs each.
fn chunk_ranges(
    ranges: &[(usize, usize)],
    limit: Limit,
    chunk_pairs: usize,
) -> impl Iterator<Item = &[(usize, usize)]> {
    let mut rest = ranges;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut pairs = 0usize;
        let mut end = 0;
        while end < rest.len() && (end == 0 || pairs < chunk_pairs) {
            let (s, e) = rest[end];
            pairs = pairs.saturating_add(pairs_under(&[e - s], limit) as usize);
            end += 1;
        }
        let (group, tail) = rest.split_at(end);
        rest = tail;
        Some(group)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(rule: &str, largest: usize, uncapped: u64) -> RuleEstimate {
        RuleEstimate {
            rule: rule.into(),
            records_with_key: 1000,
            pairs: 10_000,
            pairs_uncapped: uncapped,
            oversized_blocks: 1,
            largest_block: largest,
        }
    }

    #[test]
    fn a_rule_over_its_pair_budget_is_windowed_to_fit() {
        let settings = BlockingSettings {
            max_pairs_per_record: 8,
            ..BlockingSettings::default()
        };
        // 1,000 records in blocks of 4: 6,000 pairs = 6 per record, within 8.
        let small = vec![4; 250];
        assert_eq!(
            limit_for(&small, 1000, &settings),
            Limit {
                cap: 100,
                window: 10
            }
        );
        // 1,000 records in blocks of 40 (a birth date in a huge file):
        // 19,500 pairs = 19.5 per record; windowed to 8 neighbours, within budget.
        let dense = vec![40; 25];
        let l = limit_for(&dense, 1000, &settings);
        assert_eq!(l.window, 8);
        assert!(l.cap < 40, "{l:?}");
        assert!(pairs_under(&dense, l) <= 8_000);
        // The largest cap within budget: one more would exceed it.
        let mixed: Vec<usize> = (1..60).collect();
        let n: usize = mixed.iter().sum();
        let l = limit_for(&mixed, n, &settings);
        assert!(pairs_under(&mixed, l) <= (8 * n) as u64);
        assert!(
            pairs_under(
                &mixed,
                Limit {
                    cap: l.cap + 1,
                    ..l
                }
            ) > (8 * n) as u64
        );
    }

    #[test]
    fn exploding_and_costly_rules_are_called_out() {
        let w = rule_warnings(
            &[
                estimate("Email", 3, 10),
                estimate("City", 50_000, 1_000_000_000),
                estimate("DateOfBirth", 400, 2_000_000),
            ],
            10_000,
        );
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("'City'") && w[0].contains("50000 records"));
        assert!(w[1].contains("'DateOfBirth'") && w[1].contains("200 per record"));
    }

    #[test]
    fn a_pair_outside_an_earlier_rules_window_is_left_to_later_rules() {
        use crate::normalize::record::NormalizeReport;
        use crate::normalize::NormalizeRules;
        use crate::record::Record;
        use crate::schema::FieldKind;
        // Ten Smiths: one surname block, windowed to neighbours in name
        // order. Records 0 and 9 also share an email.
        let records: Vec<NormalizedRecord> = (0..10u8)
            .map(|i| {
                let given = format!("{}nn", (b'a' + i) as char);
                let email = if i == 0 || i == 9 {
                    "same@example.org".to_string()
                } else {
                    format!("p{i}@example.org")
                };
                let r = Record::new(0, i.to_string())
                    .with(FieldKind::GivenName, given)
                    .with(FieldKind::Surname, "Smith")
                    .with(FieldKind::Email, email);
                NormalizedRecord::from_record(
                    &r,
                    &NormalizeRules::default(),
                    &mut NormalizeReport::default(),
                )
            })
            .collect();
        let sources = vec![0; records.len()];
        let settings = BlockingSettings {
            rules: vec![
                BlockingRule::new(vec![BlockKey::Exact {
                    attr: Attr::Surname,
                }]),
                BlockingRule::new(vec![BlockKey::Exact { attr: Attr::Email }]),
            ],
            max_block_size: 3,
            window: 1,
            ..BlockingSettings::default()
        };
        let blocker = Blocker::new(&settings, LinkMode::LinkAndDedupe, &records, &sources);
        let (pairs, report) = blocker.pairs();
        // The surname rule makes the 9 neighbour pairs; (0, 9) agrees on
        // its key but is outside its window, so the email rule makes it.
        assert_eq!(report.rules[0].1, 9);
        assert_eq!(report.rules[1].1, 1);
        assert!(pairs.contains(&(0, 9)));
        assert_eq!(pairs.len(), 10);
        // The window's far edge (offset 1, the 9 surname pairs) stands for
        // the block's 45 - 9 = 36 pairs never compared: 4 per edge pair.
        let mut unseen = 0;
        for &(a, b) in &pairs {
            blocker.far_edge(a, b, |rule, n| {
                assert_eq!(rule, 0);
                unseen += n;
            });
        }
        assert_eq!(unseen, 36);
        // A neighbour pair that also shares a key of a later rule is made once.
        let mut unique = pairs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), pairs.len());
    }
}
