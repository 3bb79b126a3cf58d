//! The store's append-only change log: every change to an identity is one
//! event, numbered, so a service can follow the store (`events_since`).

use serde::{Deserialize, Serialize};

use crate::explain::RecordRef;

/// A stable identity id. Ids are never reused; an identity absorbed by a
/// merge keeps pointing at the one that absorbed it
/// ([`crate::store::IdentityStore::resolve_id`]).
pub type IdentityId = u64;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The store was filled from a resolved batch.
    Seeded {
        /// Records loaded.
        records: usize,
        /// Identities created (ids 0 to `identities - 1`).
        identities: usize,
    },
    /// A new identity, holding one record.
    Created {
        /// The new identity.
        identity: IdentityId,
        /// Its first record.
        record: RecordRef,
    },
    /// A record joined an existing identity.
    Attached {
        /// The identity.
        identity: IdentityId,
        /// The record.
        record: RecordRef,
    },
    /// Two identities became one: `from` was absorbed into `into` (the
    /// older of the two) because `by` links them.
    Merged {
        /// The surviving identity.
        into: IdentityId,
        /// The absorbed identity (retired; it resolves to `into`).
        from: IdentityId,
        /// The record whose arrival or change bridged them.
        by: RecordRef,
    },
    /// Records left `from` (after a removal or change they no longer hold
    /// together) and became a new identity. The larger part keeps `from`.
    Split {
        /// The identity that was split.
        from: IdentityId,
        /// The new identity.
        into: IdentityId,
        /// The records that moved.
        records: Vec<RecordRef>,
    },
    /// A record's values were replaced.
    Updated {
        /// Its identity at the time of the change.
        identity: IdentityId,
        /// The record.
        record: RecordRef,
    },
    /// A record and everything derived from it left the store.
    Removed {
        /// Its identity at the time.
        identity: IdentityId,
        /// The record.
        record: RecordRef,
    },
    /// An identity lost its last record.
    Retired {
        /// The identity.
        identity: IdentityId,
    },
}

/// An event with its position in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// Position, from 0, never reused.
    pub seq: u64,
    /// What happened.
    pub event: Event,
}
