//! Live identities: an in-process [`IdentityStore`] that keeps resolving
//! as records arrive, change and leave, with stable identity ids, an
//! append-only event log, persistence to one file, and golden records.
//!
//! It uses a trained model (the [`crate::Settings`] of a batch
//! [`crate::Resolution`], or a saved model file) and the same rules as the
//! batch pipeline: a record's candidates come from the blocking rules
//! (kept as in-memory indexes), are compared and scored, and the record
//! joins the identities it links to, strongest first, unless a record of
//! the identity is clearly a different person (the batch clustering guard).
//!
//! ```
//! use linkage::store::{IdentityStore, Outcome};
//! use linkage::{input, FieldKind, Record, Resolver, Settings};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
//! let files: Vec<_> = ["crm", "pos", "web", "billing"].iter().map(|s| dir.join(format!("{s}.csv"))).collect();
//! let (data, _, _) = input::read_csv_files(&files, &input::CsvOptions::default())?;
//! let resolution = Resolver::new(Settings::default())?.resolve(&data)?;
//! let store = IdentityStore::from_resolution(&data, &resolution)?;
//!
//! // A new sign-up on the web shop: an existing customer, typed differently.
//! let known = &data.records[0];
//! let mut signup = Record::new(store.add_source("signup"), "S-1");
//! for (kind, value) in &known.fields {
//!     signup.set(*kind, value.to_uppercase());
//! }
//! let best = &store.match_record(&signup, 3)?[0];
//! assert!(best.is_match);
//! let change = store.add(signup)?;
//! assert_eq!(change.outcome, Outcome::Attached);
//! assert_eq!(Some(change.identity), store.identity_of(&resolution.refs[0].source, &known.id));
//! # Ok(()) }
//! ```

mod db;
mod durable;
pub mod event;
mod frequency;
pub mod golden;
mod index;
mod open;
mod persist;
mod refresh;
mod state;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::{Deserialize, Serialize};

pub use durable::{Durability, StoreOptions};
pub use event::{Event, IdentityId, LoggedEvent};
pub use golden::{
    golden_record, golden_records, Conflict, FieldRules, GoldenRecord, GoldenValue, Member,
    Survivorship, SurvivorshipRules,
};
pub use persist::FORMAT_VERSION;

use crate::error::{Error, Result};
use crate::explain::{PairExplanation, RecordRef};
use crate::pipeline::Resolution;
use crate::record::{Dataset, Record};
use crate::settings::Settings;
use db::ChangeRows;
use durable::{store_error, Durable};
use state::{Entry, Parts, State};

/// What a change did to the record's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The record started a new identity.
    Created,
    /// The record joined an existing identity.
    Attached,
    /// The record joined an identity and bridged others into it.
    Merged {
        /// Identities absorbed (their ids now resolve to the survivor).
        absorbed: Vec<IdentityId>,
    },
    /// The record's values changed (see the events for splits and merges).
    Updated,
    /// The record left the store.
    Removed,
}

/// The result of `add`, `update` or `remove`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The record.
    pub record: RecordRef,
    /// Its identity now (for `remove`: the identity it left).
    pub identity: IdentityId,
    /// What happened.
    pub outcome: Outcome,
    /// The links that decided: one per identity joined, explained.
    pub links: Vec<PairExplanation>,
    /// The events this change appended to the log.
    pub events: Vec<LoggedEvent>,
}

/// A candidate identity for a record (`match_record`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityMatch {
    /// The identity.
    pub identity: IdentityId,
    /// Match probability of the strongest link to one of its records.
    pub probability: f64,
    /// Its match weight (log2 odds).
    pub weight: f64,
    /// True when `add` would attach the record to this identity: above the
    /// threshold and no record of the identity is clearly someone else.
    pub is_match: bool,
    /// The strongest link, field by field.
    pub explanation: PairExplanation,
}

/// Customer identities kept up to date record by record.
///
/// `Send + Sync`: share it in an `Arc`; reads (`match_record`, lookups,
/// golden records, `save`) run concurrently, changes (`add`, `update`,
/// `remove`) one at a time.
///
/// Order effects (documented, tested): loading records one by one gives
/// the identities of a batch run except where the batch would have chosen
/// between competing links by strength across the whole data set: a
/// record joins the identities that exist when it arrives. Blocks larger
/// than `blocking.max_block_size` are skipped for lookups (batch blocking
/// compares them through a sorted window).
#[derive(Debug)]
pub struct IdentityStore {
    state: RwLock<State>,
    /// The database of a durable store (`open`, `create`, `persist`).
    durable: Option<Durable>,
}

impl IdentityStore {
    /// An empty store using a trained model.
    pub fn new(settings: Settings) -> Result<IdentityStore> {
        Ok(IdentityStore::from_state(State::build(Parts {
            settings,
            sources: Vec::new(),
            slots: Vec::new(),
            identities: Default::default(),
            merged_into: Default::default(),
            next_identity: 0,
            clock: 0,
            placeholders: Vec::new(),
            events: Vec::new(),
            event_base: 0,
        })?))
    }

    /// A store holding a resolved batch: its identities keep the batch's
    /// cluster ids, its model and placeholder values are kept.
    pub fn from_resolution(data: &Dataset, resolution: &Resolution) -> Result<IdentityStore> {
        let n = data.records.len();
        if resolution.records.len() != n || resolution.clustering.cluster_of.len() != n {
            return Err(Error::Settings(
                "the resolution was not made from this dataset".into(),
            ));
        }
        let mut identities: std::collections::BTreeMap<IdentityId, Vec<u32>> = Default::default();
        let slots = data
            .records
            .iter()
            .zip(&resolution.records)
            .zip(&resolution.clustering.cluster_of)
            .enumerate()
            .map(|(i, ((r, norm), &c))| {
                identities
                    .entry(c as IdentityId)
                    .or_default()
                    .push(i as u32);
                Some(Box::new(Entry {
                    record: r.clone(),
                    norm: norm.clone(),
                    identity: c as IdentityId,
                    seq: i as u64 + 1,
                }))
            })
            .collect();
        let next_identity = resolution.clustering.cluster_count() as IdentityId;
        let mut state = State::build(Parts {
            settings: resolution.settings.clone(),
            sources: data.sources.clone(),
            slots,
            identities,
            merged_into: Default::default(),
            next_identity,
            clock: n as u64,
            placeholders: resolution.normalize_report.placeholders.clone(),
            events: Vec::new(),
            event_base: 0,
        })?;
        state.data.events.push(LoggedEvent {
            seq: 0,
            event: Event::Seeded {
                records: n,
                identities: next_identity as usize,
            },
        });
        Ok(IdentityStore::from_state(state))
    }

    fn from_state(state: State) -> IdentityStore {
        IdentityStore {
            state: RwLock::new(state),
            durable: None,
        }
    }

    // A panic while holding the lock cannot leave a half-applied change
    // visible through these methods' results; reads go on.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The index of a source name, registering it when new. Records name
    /// their source by this index ([`Record::source`]).
    pub fn add_source(&self, name: &str) -> u32 {
        if let Some(i) = self.read().data.sources.iter().position(|s| s == name) {
            return i as u32;
        }
        self.write().add_source(name)
    }

    /// The registered source names.
    pub fn sources(&self) -> Vec<String> {
        self.read().data.sources.clone()
    }

    /// The model the store scores with.
    pub fn settings(&self) -> Settings {
        self.read().data.settings.clone()
    }

    /// Adds a new record: attaches it to the identity it matches, creates
    /// one, or merges the identities it bridges. Errors when its source is
    /// unknown or its (source, id) is already stored.
    ///
    /// A durable store returns once the change is committed to its
    /// database (see [`IdentityStore::open`]).
    pub fn add(&self, record: Record) -> Result<Change> {
        self.change(|s| s.add(record).map(|c| (c, None)))
    }

    /// The `k` identities most likely to hold `record`, strongest first,
    /// without changing anything. A record already in the store is not
    /// matched against itself.
    pub fn match_record(&self, record: &Record, k: usize) -> Result<Vec<IdentityMatch>> {
        self.read().match_record(record, k)
    }

    /// Replaces a stored record's values (same source and id). Its identity
    /// is re-checked: it may split off, or bridge into other identities.
    pub fn update(&self, record: Record) -> Result<Change> {
        self.change(|s| s.update(record).map(|c| (c, None)))
    }

    /// Removes a record and everything derived from it (index entries,
    /// value counts). An identity it held together splits; the larger part
    /// keeps the id. The event log names the record by source and id only.
    ///
    /// In a durable store the record's values are also erased from the
    /// database file before this returns (overwritten with zeros; see
    /// [`IdentityStore::open`]).
    pub fn remove(&self, source: &str, id: &str) -> Result<Change> {
        self.change(|s| {
            let slot = s.slot_of(source, id);
            s.remove(source, id).map(|c| (c, slot))
        })
    }

    /// Applies one change; in a durable store, queues its rows in the
    /// order of the changes and waits for their commit.
    fn change(
        &self,
        op: impl FnOnce(&mut State) -> Result<(Change, Option<u32>)>,
    ) -> Result<Change> {
        let Some(d) = &self.durable else {
            return op(&mut self.write()).map(|(c, _)| c);
        };
        d.check_writable()?;
        let (change, wait) = {
            let mut s = self.write();
            let (change, removed) = op(&mut s)?;
            let written = d.sources_written.load(Ordering::SeqCst);
            let rows = ChangeRows::of(&s, &change, removed, written);
            d.sources_written
                .store(s.data.sources.len(), Ordering::SeqCst);
            // The log lives in the database; memory keeps its next number.
            s.data.event_base += s.data.events.len() as u64;
            s.data.events.clear();
            (change, d.enqueue(rows)?)
        };
        d.wait(wait)?;
        Ok(change)
    }

    /// A stored record's values (as given to `add` or `update`).
    pub fn record(&self, source: &str, id: &str) -> Option<Record> {
        let s = self.read();
        s.slot_of(source, id)
            .map(|slot| s.entry(slot).record.clone())
    }

    /// The identity holding a record.
    pub fn identity_of(&self, source: &str, id: &str) -> Option<IdentityId> {
        let s = self.read();
        s.slot_of(source, id).map(|slot| s.entry(slot).identity)
    }

    /// The live identity an id now stands for (following merges), or
    /// `None` when it is unknown or retired.
    pub fn resolve_id(&self, id: IdentityId) -> Option<IdentityId> {
        self.read().resolve_id(id)
    }

    /// The records of an identity (after following merges), in the order
    /// they joined.
    pub fn records_of(&self, id: IdentityId) -> Vec<RecordRef> {
        let s = self.read();
        s.resolve_id(id)
            .map(|id| {
                s.data.identities[&id]
                    .iter()
                    .map(|&m| s.record_ref(m))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The ids of all live identities, ascending.
    pub fn identity_ids(&self) -> Vec<IdentityId> {
        self.read().data.identities.keys().copied().collect()
    }

    /// Number of live identities.
    pub fn identity_count(&self) -> usize {
        self.read().data.identities.len()
    }

    /// Number of records stored.
    pub fn len(&self) -> usize {
        self.read().data.identities.values().map(Vec::len).sum()
    }

    /// True when no record is stored.
    pub fn is_empty(&self) -> bool {
        self.read().data.identities.is_empty()
    }

    /// The events from position `seq` on (0: the whole log). A durable
    /// store reads them from its database (committed events only); a
    /// read error gives no events here, see [`IdentityStore::events`].
    pub fn events_since(&self, seq: u64) -> Vec<LoggedEvent> {
        self.events(seq, usize::MAX).unwrap_or_default()
    }

    /// At most `limit` events from position `since` on, in order: a
    /// consumer resumes from the number after the last one it saw.
    pub fn events(&self, since: u64, limit: usize) -> Result<Vec<LoggedEvent>> {
        if let Some(d) = &self.durable {
            return d.events(since, limit);
        }
        let s = self.read();
        let from = since.min(s.data.events.len() as u64) as usize;
        Ok(s.data.events[from..].iter().take(limit).cloned().collect())
    }

    /// The golden record of an identity (after following merges).
    pub fn golden_record(&self, id: IdentityId, rules: &SurvivorshipRules) -> Option<GoldenRecord> {
        let s = self.read();
        let id = s.resolve_id(id)?;
        let members: Vec<Member<'_>> = s.data.identities[&id]
            .iter()
            .map(|&m| {
                let e = s.entry(m);
                Member {
                    record: &e.record,
                    source: &s.data.sources[e.record.source as usize],
                    seq: e.seq,
                }
            })
            .collect();
        Some(golden_record(
            id,
            &members,
            rules,
            &s.data.settings.normalize,
        ))
    }

    /// The store as bytes in the file format (see [`IdentityStore::save`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        self.snapshot().map_err(|e| match e {
            Error::StoreFile { reason, .. } => Error::StoreFile {
                path: "<bytes>".into(),
                reason,
            },
            e => e,
        })
    }

    /// The snapshot image (a durable store's events read from its database).
    fn snapshot(&self) -> Result<Vec<u8>> {
        let s = self.read();
        let stored;
        let events = match &self.durable {
            Some(d) => {
                stored = d.events(0, usize::MAX)?;
                &stored
            }
            None => &s.data.events,
        };
        persist::to_bytes(&s, events).map_err(|reason| Error::StoreFile {
            path: "<bytes>".into(),
            reason,
        })
    }

    /// A store from bytes written by [`IdentityStore::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<IdentityStore> {
        persist::from_bytes(bytes)
            .map(IdentityStore::from_state)
            .map_err(|reason| Error::StoreFile {
                path: "<bytes>".into(),
                reason,
            })
    }

    /// Saves to a file (written beside it as `<name>.tmp`, then renamed
    /// into place, so a crash never leaves half a store under the name).
    ///
    /// For a durable store this is an export (a backup, or a file to move
    /// the store elsewhere): [`IdentityStore::open`] imports it again.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.snapshot().map_err(|e| match e {
            Error::StoreFile { reason, .. } => store_error(path, reason),
            e => e,
        })?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Loads a file written by [`IdentityStore::save`]. A file of another
    /// format version, truncated or corrupt is an [`Error::StoreFile`].
    pub fn load(path: &Path) -> Result<IdentityStore> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        persist::from_bytes(&bytes)
            .map(IdentityStore::from_state)
            .map_err(|reason| Error::StoreFile {
                path: path.to_path_buf(),
                reason,
            })
    }
}
