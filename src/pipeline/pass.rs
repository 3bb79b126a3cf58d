//! Passes over the candidate pairs: scoring a chunk against the cut, and
//! one streamed pass (generate, compare, hand on) when pairs are not held.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{ScoredPair, StageTimings};
use crate::block::{Blocker, BlockingReport, Pair};
use crate::cluster::Decision;
use crate::progress::{ProgressFn, Stage, Tracker};
use crate::score::{ScoreDistribution, Scorer};

/// The pairs (with their `levels`) that are links under `decision`, in
/// pair order, scored in parallel; every pair's weight is added to `scores`.
pub(super) fn links_of(
    decision: &Decision,
    scorer: &Scorer<'_>,
    pairs: &[Pair],
    levels: &[u8],
    progress: &Tracker<'_>,
    scores: &Mutex<ScoreDistribution>,
) -> Vec<ScoredPair> {
    let width = levels.len().checked_div(pairs.len()).unwrap_or(0);
    let rate = scores.lock().map_or(1.0, |d| d.sample_rate);
    pairs
        .par_chunks(4096)
        .zip(levels.par_chunks(4096 * width.max(1)))
        .flat_map_iter(|(chunk, lv)| {
            progress.add(chunk.len() as u64);
            let mut local = ScoreDistribution {
                sample_rate: rate,
                ..ScoreDistribution::default()
            };
            let links: Vec<ScoredPair> = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, &(a, b))| {
                    let lv = &lv[i * width..(i + 1) * width];
                    let w = scorer.weight(lv, a as usize);
                    local.add(a, b, w.total);
                    decision.admits(&w).map(|tentative| ScoredPair {
                        a,
                        b,
                        weight: w.total,
                        tentative,
                        corroborate: decision.needs_corroboration(&w),
                        levels: lv.to_vec(),
                    })
                })
                .collect();
            if let Ok(mut d) = scores.lock() {
                d.merge(local);
            }
            links
        })
        .collect()
}

/// One streamed pass over the candidate pairs: each chunk generated,
/// compared, and handed on with its levels.
pub(super) struct StreamPass<'r, 'a> {
    pub(super) blocker: &'r Blocker<'a>,
    pub(super) scorer: &'r Scorer<'a>,
    pub(super) chunk: usize,
    pub(super) progress: Option<&'r ProgressFn>,
    /// The blocking estimate's pair count (the comparing stage's total).
    pub(super) pairs_max: u64,
}

impl StreamPass<'_, '_> {
    /// Runs the pass, adding blocking and comparing time to `timings` and,
    /// when `report` is set, reporting those two stages' progress; returns
    /// the blocking report and the time spent in `use_chunk`.
    pub(super) fn run(
        &self,
        report: bool,
        timings: &mut StageTimings,
        mut use_chunk: impl FnMut(&[Pair], &[u8]),
    ) -> (BlockingReport, Duration) {
        let tracker = |stage, total| match report {
            true => Tracker::start(self.progress, stage, total),
            false => Tracker::none(stage),
        };
        let block = tracker(Stage::Block, self.blocker.rule_count() as u64);
        let compare = tracker(Stage::Compare, self.pairs_max);
        let start = Instant::now();
        let (mut compare_time, mut used) = (Duration::ZERO, Duration::ZERO);
        let blocking = self.blocker.chunks_tracked(self.chunk, &block, |pairs| {
            let t = Instant::now();
            let levels = self.scorer.levels_of_tracked(&pairs, &compare);
            let t2 = Instant::now();
            use_chunk(&pairs, &levels);
            compare_time += t2 - t;
            used += t2.elapsed();
        });
        block.finish();
        compare.finish();
        timings.block += start.elapsed().saturating_sub(compare_time + used);
        timings.compare += compare_time;
        (blocking, used)
    }
}
