//! Passes over the candidate pairs: scoring a chunk against the cut, and
//! one streamed pass (generate, compare, hand on) when pairs are not held.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{ScoredPair, StageTimings};
use crate::block::{Blocker, BlockingReport, Pair};
use crate::progress::{ProgressFn, Stage, Tracker};
use crate::score::{PairWeight, ScoreDistribution, Scorer};

/// The weights a pair must reach to be a link.
pub(super) struct Cut {
    /// Total match weight.
    pub(super) threshold: f64,
    /// Total match weight of a tentative link: a pair nothing counts
    /// against (infinite when there are none).
    pub(super) uncontested: f64,
    /// Weight of the person comparisons alone.
    pub(super) veto: f64,
}

impl Cut {
    /// Whether a pair with weights `w` is a link: `Some(tentative)`.
    pub(super) fn admits(&self, w: &PairWeight) -> Option<bool> {
        if w.person < self.veto {
            None
        } else if w.total >= self.threshold {
            Some(false)
        } else if w.against >= 0.0 && w.total >= self.uncontested {
            Some(true)
        } else {
            None
        }
    }

    /// The pairs (with their `levels`) that are links, in pair order,
    /// scored in parallel; every pair's weight is added to `scores`.
    pub(super) fn links(
        &self,
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
                        self.admits(&w).map(|tentative| ScoredPair {
                            a,
                            b,
                            weight: w.total,
                            tentative,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncontested_pairs_below_the_threshold_are_tentative_links() {
        let cut = Cut {
            threshold: 3.17,
            uncontested: 0.0,
            veto: -4.25,
        };
        let w = |total, person, against| PairWeight {
            total,
            person,
            against,
        };
        assert_eq!(cut.admits(&w(10.0, 5.0, -2.0)), Some(false));
        // Name only, nothing against: even odds are enough, tentatively.
        assert_eq!(cut.admits(&w(1.5, 15.0, 0.0)), Some(true));
        // Something disagrees: the threshold applies.
        assert_eq!(cut.admits(&w(1.5, 15.0, -0.5)), None);
        assert_eq!(cut.admits(&w(-0.5, 10.0, 0.0)), None);
        // Person fields that clearly disagree veto either way.
        assert_eq!(cut.admits(&w(12.0, -6.0, -6.0)), None);
        let off = Cut {
            uncontested: f64::INFINITY,
            ..cut
        };
        assert_eq!(off.admits(&w(1.5, 15.0, 0.0)), None);
    }

    #[test]
    fn a_person_and_a_company_at_one_address_are_never_one_entity() {
        use crate::compare::compare_pair;
        use crate::normalize::record::normalized;
        use crate::normalize::NormalizedRecord;
        use crate::pipeline::clearly_different;
        use crate::record::Record;
        use crate::schema::FieldKind as K;
        use crate::score::{weight_of_probability, ModelWeights};
        use crate::settings::Settings;

        let s = Settings::for_kinds(&[
            K::Organisation,
            K::GivenName,
            K::Surname,
            K::Street,
            K::Phone,
            K::Postcode,
        ]);
        let weights = ModelWeights::new(&s.comparisons, s.prior);
        let cut = Cut {
            threshold: weight_of_probability(s.threshold),
            uncontested: weight_of_probability(0.5),
            veto: weight_of_probability(s.cluster.veto_probability),
        };
        let at = |r: Record| {
            normalized(
                &r.with(K::Street, "12 Harbour Road")
                    .with(K::Phone, "555 010 2000")
                    .with(K::Postcode, "62704"),
            )
        };
        let weigh = |a: &NormalizedRecord, b: &NormalizedRecord| {
            let mut levels = Vec::new();
            compare_pair(&s.comparisons, a, b, &mut levels);
            weights.weight(&levels, &|_, _| None)
        };
        let person = at(Record::new(0, "P1")
            .with(K::GivenName, "Ann")
            .with(K::Surname, "Acme"));
        let company = at(Record::new(0, "C1").with(K::Organisation, "ACME Inc."));
        let same = at(Record::new(1, "C2").with(K::Organisation, "Acme Incorporated"));
        let w = weigh(&person, &company);
        assert_eq!(cut.admits(&w), None, "{w:?}");
        assert!(clearly_different(&w, cut.veto));
        let w = weigh(&company, &same);
        assert_eq!(cut.admits(&w), Some(false), "{w:?}");
        assert!(!clearly_different(&w, cut.veto));
        // A contact person at the company (both names) is not vetoed by type.
        let contact = at(Record::new(2, "C3")
            .with(K::GivenName, "Ann")
            .with(K::Surname, "Lee")
            .with(K::Organisation, "Acme, Inc"));
        assert!(!clearly_different(&weigh(&contact, &company), cut.veto));
    }
}
