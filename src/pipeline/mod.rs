//! The whole pipeline: normalize -> block -> compare -> train -> score ->
//! cluster, with the reports and timings of each stage.

pub mod engine;
mod memory;
mod pass;
mod stages;

use std::time::{Duration, Instant};

use crate::block::{Blocker, BlockingReport, Pair};
use crate::cluster::{cluster_checked, Clustering, Decision, Link};
use crate::error::{Error, Result};
use crate::explain::{ClusterExplanation, PairExplanation, RecordRef};
use crate::normalize::record::NormalizeReport;
use crate::normalize::NormalizedRecord;
use crate::progress::{Progress, ProgressFn, Stage, Tracker};
use crate::record::Dataset;
use crate::schema::FieldKind;
use crate::score::patterns::PatternTable;
use crate::score::{ScoreDistribution, Scorer, TermFrequencies, TrainingReport};
use crate::settings::Settings;
use memory::{budget_warning, PairMemory, HELD_CHUNK_PAIRS};
use pass::{links_of, StreamPass};
use stages::normalize_tracked;
pub use stages::{count_patterns, normalize_all, train};

/// Wall time of each stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageTimings {
    /// Normalizing every record.
    pub normalize: Duration,
    /// Generating candidate pairs.
    pub block: Duration,
    /// Comparing candidate pairs.
    pub compare: Duration,
    /// Estimating u and running EM.
    pub train: Duration,
    /// Scoring and thresholding.
    pub score: Duration,
    /// Clustering.
    pub cluster: Duration,
}

/// A candidate pair that is a link (at or above the threshold, or a
/// tentative uncontested one), with its comparison levels.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPair {
    /// First record index.
    pub a: u32,
    /// Second record index.
    pub b: u32,
    /// Match weight (log2 odds).
    pub weight: f64,
    /// Below the threshold but uncontested (see
    /// [`Settings::uncontested_threshold`]): joins only unambiguous groups.
    pub tentative: bool,
    /// A tentative link something counts against: it must be
    /// corroborated by another pair across its groups (see
    /// [`Settings::contested_threshold`]).
    pub corroborate: bool,
    /// Level of each comparison.
    pub levels: Vec<u8>,
}

/// Runs the pipeline with fixed settings. Build with [`Resolver::new`].
///
/// ```
/// use linkage::{Dataset, FieldKind, Record, Resolver, Settings};
/// let mut data = Dataset::default();
/// let crm = data.add_source("crm");
/// let web = data.add_source("web");
/// data.records.push(Record::new(crm, "1").with(FieldKind::GivenName, "William")
///     .with(FieldKind::Surname, "Smith").with(FieldKind::Email, "w.smith@gmail.com"));
/// data.records.push(Record::new(web, "a").with(FieldKind::GivenName, "Bill")
///     .with(FieldKind::Surname, "Smith").with(FieldKind::Email, "wsmith+shop@gmail.com"));
/// data.records.push(Record::new(web, "b").with(FieldKind::GivenName, "Ann")
///     .with(FieldKind::Surname, "Lee").with(FieldKind::Email, "ann@lee.org"));
/// let resolution = Resolver::new(Settings::default())?.resolve(&data)?;
/// assert_eq!(resolution.clustering.cluster_of, vec![0, 0, 1]);
/// # Ok::<(), linkage::Error>(())
/// ```
#[derive(Clone)]
pub struct Resolver {
    settings: Settings,
    threads: Option<usize>,
    progress: Option<ProgressFn>,
    memory_budget: Option<u64>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver")
            .field("settings", &self.settings)
            .field("threads", &self.threads)
            .field("progress", &self.progress.is_some())
            .field("memory_budget", &self.memory_budget)
            .finish()
    }
}

/// Everything a run produced.
#[derive(Debug)]
pub struct Resolution {
    /// The settings used, with the trained parameters.
    pub settings: Settings,
    /// Normalized records, in input order.
    pub records: Vec<NormalizedRecord>,
    /// Record references (source, id), in input order.
    pub refs: Vec<RecordRef>,
    /// Term frequencies used for scoring.
    pub tf: TermFrequencies,
    /// Candidate pairs at or above the threshold.
    pub links: Vec<ScoredPair>,
    /// The identities.
    pub clustering: Clustering,
    /// Number of candidate pairs compared.
    pub candidate_pairs: u64,
    /// Whether the pairs were streamed in chunks under the memory budget
    /// ([`Resolver::memory_budget`]) rather than held.
    pub pairs_streamed: bool,
    /// What normalization rejected.
    pub normalize_report: NormalizeReport,
    /// What blocking generated.
    pub blocking_report: BlockingReport,
    /// What training did.
    pub training_report: TrainingReport,
    /// Wall time per stage.
    pub timings: StageTimings,
    /// Every candidate pair's total weight, as a histogram and a sample
    /// (kept while scoring; what the report draws the score charts from).
    pub scores: ScoreDistribution,
}

/// What a run will cost, worked out before comparing anything
/// ([`Resolver::plan`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    /// Records to resolve.
    pub records: usize,
    /// Each blocking rule's pair count and largest block.
    pub rules: Vec<crate::block::RuleEstimate>,
    /// Candidate pairs at most (the rules' sum; pairs found by several
    /// rules are compared once, so the run makes fewer).
    pub candidate_pairs_max: u64,
    /// Approximate peak memory of the run, in bytes.
    pub memory_bytes: u64,
    /// Whether the candidate pairs will be streamed in chunks (the run
    /// holding them all would exceed the memory budget).
    #[serde(default)]
    pub streamed: bool,
    /// Rules that explode or say little.
    pub warnings: Vec<String>,
}

/// The field kinds present in a dataset (with at least one value).
pub fn kinds_present(data: &Dataset) -> Vec<FieldKind> {
    let mut kinds: Vec<FieldKind> = data
        .records
        .iter()
        .flat_map(|r| r.fields.iter().map(|(k, _)| *k))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

impl Resolver {
    /// Validates the settings. Empty comparisons or blocking rules are
    /// chosen from the data's fields when resolving.
    pub fn new(settings: Settings) -> Result<Resolver> {
        settings.validate()?;
        Ok(Resolver {
            settings,
            threads: None,
            progress: None,
            memory_budget: None,
        })
    }

    /// Runs on a dedicated pool of `threads` threads (default: rayon's
    /// global pool). Results do not depend on the thread count.
    pub fn threads(mut self, threads: usize) -> Resolver {
        self.threads = Some(threads.max(1));
        self
    }

    /// Reports each stage's progress to `f` (from worker threads; see
    /// [`crate::progress`]). Nothing is printed by the library.
    pub fn on_progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Resolver {
        self.progress = Some(std::sync::Arc::new(f));
        self
    }

    /// Keeps the run within about `bytes` of memory: when holding every
    /// candidate pair (with its comparison levels) between comparing and
    /// scoring would exceed it, pairs are generated in chunks of blocks
    /// instead, twice (once to train, once to score), so memory stays flat
    /// whatever the pair count. Results are identical either way; streaming
    /// costs a second comparison pass. Records themselves (about 1.2 KB
    /// each) are always held. Default: no budget (pairs are held).
    ///
    /// ```
    /// use linkage::{Resolver, Settings};
    /// let resolver = Resolver::new(Settings::default())?.memory_budget(4 << 30);
    /// # Ok::<(), linkage::Error>(())
    /// ```
    pub fn memory_budget(mut self, bytes: u64) -> Resolver {
        self.memory_budget = Some(bytes);
        self
    }

    /// The settings this resolver runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The cost of resolving `data`: records are normalized and keyed
    /// (the first two stages' work), no pair is compared.
    pub fn plan(&self, data: &Dataset) -> Result<Plan> {
        let run = || {
            let mut settings = self.settings.clone();
            settings.fill_defaults(&kinds_present(data));
            let (records, _) = normalize_all(data, &settings.normalize);
            let sources: Vec<u32> = data.records.iter().map(|r| r.source).collect();
            let blocker = Blocker::new(&settings.blocking, settings.link_mode, &records, &sources);
            let rules = blocker.estimate();
            let candidate_pairs_max = rules.iter().map(|r| r.pairs).sum();
            let (memory, memory_bytes) =
                PairMemory::choose(self.memory_budget, data.len(), candidate_pairs_max);
            let mut warnings = crate::block::rule_warnings(&rules, data.len());
            warnings.extend(budget_warning(self.memory_budget, data.len()));
            Plan {
                records: data.len(),
                warnings,
                memory_bytes,
                streamed: memory != PairMemory::Held,
                candidate_pairs_max,
                rules,
            }
        };
        self.in_pool(run)
    }

    /// Resolves a dataset into identities.
    pub fn resolve(&self, data: &Dataset) -> Result<Resolution> {
        self.in_pool(|| self.run(data))
    }

    /// Runs `work` on the configured pool (rayon's global one by default).
    fn in_pool<T: Send>(&self, work: impl FnOnce() -> T + Send) -> Result<T> {
        match self.threads {
            None => Ok(work()),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map(|pool| pool.install(work))
                .map_err(|e| Error::ThreadPool(e.to_string())),
        }
    }

    fn run(&self, data: &Dataset) -> Resolution {
        let mut settings = self.settings.clone();
        settings.fill_defaults(&kinds_present(data));
        let mut timings = StageTimings::default();

        let report = self.progress.as_ref();
        let t = Instant::now();
        let tracker = Tracker::start(report, Stage::Normalize, data.len() as u64);
        let (records, normalize_report) = normalize_tracked(data, &settings.normalize, &tracker);
        tracker.finish();
        let sources: Vec<u32> = data.records.iter().map(|r| r.source).collect();
        timings.normalize = t.elapsed();

        let t = Instant::now();
        let blocking = settings.blocking.clone();
        let blocker = Blocker::new(&blocking, settings.link_mode, &records, &sources);
        let (memory, pairs_max) = match self.memory_budget {
            None => (PairMemory::Held, 0),
            Some(_) => {
                let max = blocker.estimate().iter().map(|r| r.pairs).sum();
                (
                    PairMemory::choose(self.memory_budget, records.len(), max).0,
                    max,
                )
            }
        };
        timings.block = t.elapsed();

        let width = settings.comparisons.len();
        let tf0 = TermFrequencies::default();
        // Levels depend on the comparisons' definitions, not on their
        // trained m and u: the untrained copy compares in both passes.
        let definitions = settings.comparisons.clone();
        let untrained = Scorer::new(
            &definitions,
            settings.prior,
            settings.cluster.contradiction_weight,
            &tf0,
            &records,
        );
        let rules = blocking.rules.len() as u64;
        let mut table = PatternTable::new(width, blocking.rules.len());
        // Held: block, compare, then keep pairs and levels for scoring.
        // Streamed: the first pass over the pairs only counts patterns.
        // Held pairs are kept in chunks of whole blocks: no vector of all
        // pairs grows by doubling, and each chunk is freed once scored.
        let mut held: Option<Vec<(Vec<Pair>, Vec<u8>)>> = None;
        let stream = |chunk| StreamPass {
            blocker: &blocker,
            scorer: &untrained,
            chunk,
            progress: report,
            pairs_max,
        };
        let mut blocking_report = None;
        let mut train_time = Duration::ZERO;
        match memory {
            PairMemory::Held => {
                let t = Instant::now();
                let tracker = Tracker::start(report, Stage::Block, rules);
                let mut chunks: Vec<Vec<Pair>> = Vec::new();
                let rep = blocker.chunks_tracked(HELD_CHUNK_PAIRS, &tracker, |c| chunks.push(c));
                tracker.finish();
                timings.block += t.elapsed();
                let t = Instant::now();
                let tracker = Tracker::start(report, Stage::Compare, rep.pairs);
                let compared = chunks
                    .into_iter()
                    .map(|pairs| {
                        let levels = untrained.levels_of_tracked(&pairs, &tracker);
                        (pairs, levels)
                    })
                    .collect();
                tracker.finish();
                timings.compare = t.elapsed();
                blocking_report = Some(rep);
                held = Some(compared);
            }
            PairMemory::Streamed(chunk) if !settings.trained => {
                let (rep, used) = stream(chunk).run(true, &mut timings, |pairs, levels| {
                    count_patterns(&mut table, &blocker, pairs, levels)
                });
                train_time = used;
                blocking_report = Some(rep);
            }
            PairMemory::Streamed(_) => {}
        }

        let t = Instant::now();
        let tracker = Tracker::start(report, Stage::Train, 1);
        let training_report = if settings.trained {
            TrainingReport::default()
        } else {
            for (pairs, levels) in held.iter().flatten() {
                count_patterns(&mut table, &blocker, pairs, levels);
            }
            train(&mut settings, &records, &sources, &table)
        };
        drop(table);
        tracker.finish();
        timings.train = t.elapsed() + train_time;

        let t = Instant::now();
        let tf = TermFrequencies::compute(&settings.comparisons, &records);
        let scorer = Scorer::new(
            &settings.comparisons,
            settings.prior,
            settings.cluster.contradiction_weight,
            &tf,
            &records,
        );
        let cut = Decision::new(&settings);
        let mut score_time = t.elapsed();
        // Sampled at a rate set from the pair count (the estimate's when streamed).
        let mut scores = std::sync::Mutex::new(ScoreDistribution::new(pairs_max));
        let (links, blocking_report) = match (memory, held) {
            (_, Some(chunks)) => {
                let t = Instant::now();
                let total = chunks.iter().map(|c| c.0.len() as u64).sum();
                scores = std::sync::Mutex::new(ScoreDistribution::new(total));
                let tracker = Tracker::start(report, Stage::Score, total);
                let mut links = Vec::new();
                for (pairs, levels) in chunks {
                    links.extend(links_of(&cut, &scorer, &pairs, &levels, &tracker, &scores));
                }
                tracker.finish();
                score_time += t.elapsed();
                (links, blocking_report.unwrap_or_default())
            }
            (PairMemory::Streamed(chunk), None) => {
                // A second pass (the only one for a trained model): the
                // same pairs, compared again, scored and thresholded.
                // Blocking and comparing are reported in the first pass only.
                let first = blocking_report.is_none();
                let score_tracker = Tracker::start(report, Stage::Score, pairs_max);
                let mut links = Vec::new();
                let (rep, used) = stream(chunk).run(first, &mut timings, |pairs, levels| {
                    links.extend(links_of(
                        &cut,
                        &scorer,
                        pairs,
                        levels,
                        &score_tracker,
                        &scores,
                    ))
                });
                score_tracker.finish();
                score_time += used;
                (links, blocking_report.unwrap_or(rep))
            }
            (PairMemory::Held, None) => (Vec::new(), blocking_report.unwrap_or_default()),
        };
        timings.score = score_time;

        let t = Instant::now();
        let tracker = Tracker::start(report, Stage::Cluster, links.len() as u64);
        let clustering = cluster_checked(
            records.len(),
            links
                .iter()
                .map(|p| Link {
                    a: p.a,
                    b: p.b,
                    weight: p.weight,
                    tentative: p.tentative,
                    corroborate: p.corroborate,
                })
                .collect(),
            &settings.cluster,
            |a, b| cut.cross(&scorer.score(a as usize, b as usize)),
        );
        tracker.finish();
        timings.cluster = t.elapsed();

        let refs = data
            .records
            .iter()
            .map(|r| RecordRef {
                source: data.source_name(r).to_string(),
                id: r.id.clone(),
            })
            .collect();
        Resolution {
            settings,
            records,
            refs,
            tf,
            links,
            clustering,
            candidate_pairs: blocking_report.pairs,
            pairs_streamed: memory != PairMemory::Held,
            normalize_report,
            blocking_report,
            training_report,
            timings,
            scores: scores.into_inner().map_or_else(
                |_| ScoreDistribution::default(),
                |mut d| {
                    d.finish();
                    d
                },
            ),
        }
    }
}

impl Resolution {
    /// Explains the score of any two records (by index), field by field.
    pub fn explain_pair(&self, a: usize, b: usize) -> Option<PairExplanation> {
        if a >= self.records.len() || b >= self.records.len() {
            return None;
        }
        let scorer = Scorer::new(
            &self.settings.comparisons,
            self.settings.prior,
            self.settings.cluster.contradiction_weight,
            &self.tf,
            &self.records,
        );
        Some(scorer.explain(a, b, self.refs[a].clone(), self.refs[b].clone()))
    }

    /// Explains a cluster: its members and the links that joined them.
    pub fn explain_cluster(&self, cluster_id: u32) -> Option<ClusterExplanation> {
        let records: Vec<usize> = (0..self.records.len())
            .filter(|&i| self.clustering.cluster_of[i] == cluster_id)
            .collect();
        if records.is_empty() {
            return None;
        }
        let links = self
            .clustering
            .accepted
            .iter()
            .filter(|l| self.clustering.cluster_of[l.a as usize] == cluster_id)
            .filter_map(|l| self.explain_pair(l.a as usize, l.b as usize))
            .collect();
        Some(ClusterExplanation {
            cluster_id,
            records: records.iter().map(|&i| self.refs[i].clone()).collect(),
            links,
        })
    }

    /// Index of a record by source and id.
    pub fn index_of(&self, source: &str, id: &str) -> Option<usize> {
        self.refs
            .iter()
            .position(|r| r.source == source && r.id == id)
    }
}
