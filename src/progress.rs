//! Progress of a run, reported through a callback rather than printed: a
//! service hooks its own metrics or logs into it, and
//! `examples/resolve.rs` draws a progress bar per stage.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use linkage::progress::{Progress, Stage};
//! use linkage::{Dataset, FieldKind, Record, Resolver, Settings};
//! let mut data = Dataset::default();
//! let s = data.add_source("crm");
//! for i in 0..50 {
//!     data.records.push(Record::new(s, i.to_string()).with(FieldKind::Surname, format!("name{}", i % 7)));
//! }
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let log = seen.clone();
//! Resolver::new(Settings::default())?
//!     .on_progress(move |p: Progress| log.lock().unwrap().push(p))
//!     .resolve(&data)?;
//! let seen = seen.lock().unwrap();
//! // Every stage reports, and ends finished.
//! for stage in Stage::ALL {
//!     let last = seen.iter().filter(|p| p.stage == stage).last().unwrap();
//!     assert!(last.is_finished(), "{stage:?}");
//! }
//! # Ok::<(), linkage::Error>(())
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A pipeline stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Normalizing records (counted in records).
    Normalize,
    /// Generating candidate pairs (counted in blocking rules).
    Block,
    /// Comparing candidate pairs (counted in pairs).
    Compare,
    /// Estimating u, then m by EM (counted in steps).
    Train,
    /// Scoring pairs (counted in pairs).
    Score,
    /// Clustering links (counted in links).
    Cluster,
}

impl Stage {
    /// Every stage, in run order.
    pub const ALL: [Stage; 6] = [
        Stage::Normalize,
        Stage::Block,
        Stage::Compare,
        Stage::Train,
        Stage::Score,
        Stage::Cluster,
    ];

    /// Lower-case name (`normalize`).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Normalize => "normalize",
            Stage::Block => "block",
            Stage::Compare => "compare",
            Stage::Train => "train",
            Stage::Score => "score",
            Stage::Cluster => "cluster",
        }
    }
}

/// How far a stage has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The stage.
    pub stage: Stage,
    /// Units done. Reports come from worker threads and may arrive
    /// slightly out of order: keep the largest.
    pub done: u64,
    /// Units in all.
    pub total: u64,
}

impl Progress {
    /// True for the stage's last report.
    pub fn is_finished(&self) -> bool {
        self.done >= self.total
    }
}

/// A progress callback. It is called from worker threads, about 256 times
/// per stage at most, so it should return quickly.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Counts one stage's work and reports it through the callback.
pub(crate) struct Tracker<'a> {
    report: Option<&'a ProgressFn>,
    stage: Stage,
    total: u64,
    step: u64,
    done: AtomicU64,
}

impl<'a> Tracker<'a> {
    /// Starts a stage of `total` units (reported as 0 done).
    pub fn start(report: Option<&'a ProgressFn>, stage: Stage, total: u64) -> Tracker<'a> {
        let t = Tracker {
            report,
            stage,
            total,
            step: (total / 256).max(1),
            done: AtomicU64::new(0),
        };
        t.send(0);
        t
    }

    /// A tracker that reports nothing.
    pub fn none(stage: Stage) -> Tracker<'static> {
        Tracker {
            report: None,
            stage,
            total: 0,
            step: 1,
            done: AtomicU64::new(0),
        }
    }

    /// `n` more units done.
    pub fn add(&self, n: u64) {
        if self.report.is_none() {
            return;
        }
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let after = (before + n).min(self.total);
        if after / self.step != before / self.step && after < self.total {
            self.send(after);
        }
    }

    /// The stage is done.
    pub fn finish(self) {
        self.send(self.total);
    }

    fn send(&self, done: u64) {
        if let Some(f) = self.report {
            f(Progress {
                stage: self.stage,
                done,
                total: self.total,
            });
        }
    }
}
