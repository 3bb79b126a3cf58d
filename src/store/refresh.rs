//! Catching a read-only store up with its database: what the writer (in
//! another process) committed since the store was opened or refreshed.
//!
//! The new events say what changed: the records they name are read again
//! by source and id (gone: removed), the identities they name are read
//! again by id (gone: retired or merged away), and their merges are
//! recorded. Everything is read in one read transaction, checked against
//! the state in memory, and only then applied, so a failed refresh leaves
//! the store as it was.

use std::collections::BTreeSet;

use super::db::{self, Head, Reason};
use super::event::{Event, IdentityId};
use super::state::Entry;
use super::IdentityStore;
use crate::error::Result;

/// A stored record as read again: its slot and entry (without identity).
pub(crate) type StoredRow = (u32, Box<Entry>);

/// The changes since a store's last event, read from its database.
pub(crate) struct Changes {
    pub head: Head,
    /// Each record the new events name (source index, id): its stored
    /// row now (slot, entry without identity), `None` when not stored.
    pub records: Vec<(u32, String, Option<StoredRow>)>,
    /// Each identity the new events name: its members now, `None` when
    /// it is not live.
    pub identities: Vec<(IdentityId, Option<Vec<u32>>)>,
    /// Merges the new events made: (absorbed, absorbing).
    pub merges: Vec<(IdentityId, IdentityId)>,
}

/// Reads the changes after event `since` (the store's next event
/// number); `None` when nothing was committed since.
fn read_changes(
    conn: &rusqlite::Connection,
    since: u64,
    rules: usize,
) -> std::result::Result<Option<Changes>, Reason> {
    let tx = conn
        .unchecked_transaction()
        .map_err(|e| format!("cannot start reading: {e}"))?;
    let head = db::head(&tx)?;
    if head.events == since {
        return Ok(None);
    }
    if head.events < since {
        return Err(format!(
            "the database logs {} events, fewer than the {since} this store has seen \
             (was the file replaced?); open it again",
            head.events
        ));
    }
    let events = db::events(&tx, since, usize::MAX)?;
    if events.len() as u64 != head.events - since || events.first().map(|e| e.seq) != Some(since) {
        return Err("event log out of sequence".into());
    }
    let mut refs = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut merges = Vec::new();
    for e in &events {
        match &e.event {
            Event::Seeded { .. } => {
                return Err("the store was seeded again; open it again".into());
            }
            Event::Created { identity, record }
            | Event::Attached { identity, record }
            | Event::Updated { identity, record }
            | Event::Removed { identity, record } => {
                ids.insert(*identity);
                refs.insert((record.source.clone(), record.id.clone()));
            }
            Event::Merged { into, from, .. } => {
                ids.extend([*into, *from]);
                merges.push((*from, *into));
            }
            Event::Split { from, into, .. } => {
                ids.extend([*from, *into]);
            }
            Event::Retired { identity } => {
                ids.insert(*identity);
            }
        }
    }
    let mut records = Vec::with_capacity(refs.len());
    for (source, id) in refs {
        let s = head
            .sources
            .iter()
            .position(|x| *x == source)
            .ok_or_else(|| format!("event {since} on names an unknown source"))?
            as u32;
        let row = db::record_by_key(&tx, &head, rules, s, &id)?;
        records.push((s, id, row));
    }
    let identities = ids
        .into_iter()
        .map(|id| db::identity_row(&tx, id).map(|m| (id, m)))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Some(Changes {
        head,
        records,
        identities,
        merges,
    }))
}

impl IdentityStore {
    /// Brings a read-only store up to date with what the writer has
    /// committed since it was opened or last refreshed, and returns the
    /// number of new events (0: it was current). `match_record`, lookups
    /// and golden records then see those changes; they wait while a
    /// refresh applies them.
    ///
    /// A failed refresh ([`crate::Error::StoreFile`]) leaves the store as
    /// it was. A writer, or a store in memory, is always current: 0.
    pub fn refresh(&self) -> Result<u64> {
        let Some(d) = &self.durable else {
            return Ok(0);
        };
        if d.is_writer() {
            return Ok(0);
        }
        // The reader connection is held throughout, so refreshes do not
        // interleave; only a refresh changes a read-only store's state.
        d.with_reader(|conn| {
            let (since, rules) = {
                let s = self.read();
                (s.data.event_base, s.data.settings.blocking.rules.len())
            };
            let Some(changes) = read_changes(conn, since, rules)? else {
                return Ok(0);
            };
            let new = changes.head.events - since;
            self.write().catch_up(changes)?;
            Ok(new)
        })
    }
}

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes")
            .field("records", &self.records.len())
            .field("identities", &self.identities.len())
            .field("merges", &self.merges.len())
            .finish()
    }
}
