//! The durable store's tables in SQLite: what each holds, how a change is
//! written, and how a whole store is read back.
//!
//! ```text
//! meta(key, value)                    format version, model (JSON), placeholders and
//!                                     their checksum, next identity id, clock, slot
//!                                     count, event count, source names' checksum
//! sources(idx, name)                  source systems, by the index records use
//! records(slot, source, id, seq,      one row per stored record: raw values as a
//!         fields, norm)               JSON array of [kind, value], normalized values
//!                                     as compact bytes (so opening does not normalize)
//! identities(id, members)             live identities: member slots in join order (JSON)
//! merges(from_id, into_id)            absorbed identity -> the one that absorbed it
//! events(seq, event)                  the event log (JSON), records named by source and id
//! ```
//!
//! Only the record rows hold personal values; the database runs with
//! `secure_delete`, so a removed record's bytes are overwritten with zeros
//! in the page that held them, and a commit that removed records is
//! followed by a truncating checkpoint (see [`scrub`]), which moves the
//! zeroed pages into the main file and empties the write-ahead log.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rusqlite::{params, Connection, OptionalExtension};

use super::event::{Event, IdentityId, LoggedEvent};
use super::state::{BlockKeys, Entry, Parts, State};
use super::Change;
use crate::normalize::placeholder::Placeholder;
use crate::normalize::NormalizedRecord;
use crate::record::Record;
use crate::schema::FieldKind;
use crate::settings::Settings;

/// The schema version this build writes and reads (`meta.format`).
pub(crate) const DB_FORMAT: i64 = 1;

/// A reason, for [`crate::Error::StoreFile`] (never a personal value).
pub(crate) type Reason = String;

/// CRC-32 of a row's columns (each row carries one, so a flipped byte
/// anywhere in a row is found when the store is opened, not read as a
/// different value).
fn crc(parts: &[&[u8]]) -> i64 {
    let mut h = crc32fast::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    i64::from(h.finalize())
}

fn record_crc(
    slot: i64,
    source: i64,
    id: &str,
    seq: i64,
    fields: &str,
    norm: &[u8],
    keys: &[u8],
) -> i64 {
    crc(&[
        &slot.to_le_bytes(),
        &source.to_le_bytes(),
        id.as_bytes(),
        &seq.to_le_bytes(),
        fields.as_bytes(),
        norm,
        keys,
    ])
}

/// A checksum of the source names in index order (their rows carry none).
fn sources_crc<S: AsRef<str>>(names: &[S]) -> i64 {
    let parts: Vec<&[u8]> = names.iter().map(|n| n.as_ref().as_bytes()).collect();
    crc(&parts)
}

/// The first column of a query's rows, as text.
fn text_column(conn: &Connection, query: &str) -> Result<Vec<String>, Reason> {
    conn.prepare_cached(query)
        .and_then(|mut st| {
            st.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .map_err(sql)
}

/// Writes the checksum of the source names as the table now holds them.
fn put_sources_crc(conn: &Connection) -> Result<(), Reason> {
    let names = text_column(conn, "SELECT name FROM sources ORDER BY idx")?;
    put_meta(
        conn,
        "sources_crc",
        rusqlite::types::Value::Integer(sources_crc(&names)),
    )
}

fn pair_crc(a: i64, b: &[u8]) -> i64 {
    crc(&[&a.to_le_bytes(), b])
}

fn sql(e: rusqlite::Error) -> Reason {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => "not a linkage store (not a database)".into(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            "corrupt store database (SQLite: the database disk image is malformed)".into()
        }
        _ => format!("database error: {e}"),
    }
}

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY NOT NULL) WITHOUT ROWID, STRICT;
CREATE TABLE sources (idx INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE records (
    slot INTEGER PRIMARY KEY,
    source INTEGER NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    fields TEXT NOT NULL,
    norm BLOB NOT NULL,
    keys BLOB NOT NULL,
    crc INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX records_key ON records (source, id);
CREATE TABLE identities (id INTEGER PRIMARY KEY, members BLOB NOT NULL, crc INTEGER NOT NULL) STRICT;
CREATE TABLE merges (from_id INTEGER PRIMARY KEY, into_id INTEGER NOT NULL, crc INTEGER NOT NULL) STRICT;
CREATE TABLE events (seq INTEGER PRIMARY KEY, event TEXT NOT NULL, crc INTEGER NOT NULL) STRICT;
";

/// Connection settings every connection gets; `synchronous` is the
/// durability choice (`FULL`: the log is synced at every commit;
/// `NORMAL`: at checkpoints only, so a commit survives the process but
/// not the machine).
pub(crate) fn configure(conn: &Connection, synchronous_full: bool) -> Result<(), Reason> {
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sql)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "the database could not be put in WAL mode ({mode})"
        ));
    }
    // Checkpoints run on a thread of their own (see `durable`), not in
    // the commit that happens to fill the log.
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .map_err(sql)?;
    conn.execute_batch(if synchronous_full {
        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA cache_size = -65536;"
    } else {
        "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; PRAGMA cache_size = -65536;"
    })
    .map_err(sql)
}

/// A record's row, encoded (done under the store's lock, written later).
pub(crate) struct RecordRow {
    slot: u32,
    source: u32,
    id: String,
    seq: u64,
    fields: String,
    norm: Vec<u8>,
    keys: Vec<u8>,
}

impl RecordRow {
    fn params(&self) -> impl rusqlite::Params + '_ {
        let crc = record_crc(
            i64::from(self.slot),
            i64::from(self.source),
            &self.id,
            self.seq as i64,
            &self.fields,
            &self.norm,
            &self.keys,
        );
        (
            self.slot,
            self.source,
            self.id.as_str(),
            self.seq as i64,
            self.fields.as_str(),
            self.norm.as_slice(),
            self.keys.as_slice(),
            crc,
        )
    }
}

fn record_row(slot: u32, e: &Entry, rules: &[crate::block::BlockingRule]) -> RecordRow {
    let mut norm = Vec::with_capacity(96);
    e.norm.encode(&mut norm);
    let keys: Vec<Option<u64>> = rules.iter().map(|r| r.key(&e.norm)).collect();
    RecordRow {
        keys: encode_keys(&keys),
        slot,
        source: e.record.source,
        id: e.record.id.clone(),
        seq: e.seq,
        // A Vec of (enum, String) always encodes.
        fields: fields_json(&e.record.fields),
        norm,
    }
}

fn merge_params(from: IdentityId, into: IdentityId) -> [i64; 3] {
    let (from, into) = (from as i64, into as i64);
    [from, into, pair_crc(from, &into.to_le_bytes())]
}

/// Member slots in join order, `u32` little endian each.
fn members_bytes(members: &[u32]) -> Vec<u8> {
    members.iter().flat_map(|m| m.to_le_bytes()).collect()
}

/// Everything one change writes.
#[derive(Default)]
pub(crate) struct ChangeRows {
    records: Vec<RecordRow>,
    deleted: Vec<u32>,
    /// Identity and its members now (`None`: no longer live).
    identities: Vec<(IdentityId, Option<Vec<u8>>)>,
    merges: Vec<(IdentityId, IdentityId)>,
    events: Vec<(u64, String)>,
    /// Sources from this index on are new.
    new_sources: Vec<(u32, String)>,
    next_identity: IdentityId,
    clock: u64,
    slot_count: u64,
    /// A record was removed: its bytes must leave the file.
    pub scrub: bool,
}

impl ChangeRows {
    /// The rows a change wrote in `s` (read from its events: each names
    /// the identities it touched), `removed`: the slot of a removed record.
    pub fn of(
        s: &State,
        change: &Change,
        removed: Option<u32>,
        sources_written: usize,
    ) -> ChangeRows {
        let mut rows = ChangeRows {
            next_identity: s.data.next_identity,
            clock: s.data.clock,
            slot_count: s.data.slots.len() as u64,
            new_sources: s
                .data
                .sources
                .iter()
                .enumerate()
                .skip(sources_written)
                .map(|(i, n)| (i as u32, n.clone()))
                .collect(),
            ..ChangeRows::default()
        };
        match removed {
            Some(slot) => {
                rows.deleted.push(slot);
                rows.scrub = true;
            }
            None => {
                if let Some(slot) = s.slot_of(&change.record.source, &change.record.id) {
                    rows.records.push(record_row(
                        slot,
                        s.entry(slot),
                        &s.data.settings.blocking.rules,
                    ));
                }
            }
        }
        let mut touched = Vec::new();
        for e in &change.events {
            match &e.event {
                Event::Created { identity, .. }
                | Event::Attached { identity, .. }
                | Event::Updated { identity, .. }
                | Event::Removed { identity, .. }
                | Event::Retired { identity } => touched.push(*identity),
                Event::Merged { into, from, .. } => {
                    touched.extend([*into, *from]);
                    rows.merges.push((*from, *into));
                }
                Event::Split { from, into, .. } => touched.extend([*from, *into]),
                Event::Seeded { .. } => {}
            }
            rows.events.push((e.seq, event_json(&e.event)));
        }
        touched.sort_unstable();
        touched.dedup();
        rows.identities = touched
            .into_iter()
            .map(|id| (id, s.data.identities.get(&id).map(|m| members_bytes(m))))
            .collect();
        rows
    }
}

fn event_json(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

/// Writes a batch of changes in one transaction.
pub(crate) fn write(conn: &mut Connection, batch: &[&ChangeRows]) -> Result<(), Reason> {
    let tx = conn.transaction().map_err(sql)?;
    {
        let mut put_record = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO records (slot, source, id, seq, fields, norm, keys, crc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(sql)?;
        let mut del_record = tx
            .prepare_cached("DELETE FROM records WHERE slot = ?1")
            .map_err(sql)?;
        let mut put_identity = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO identities (id, members, crc) VALUES (?1, ?2, ?3)",
            )
            .map_err(sql)?;
        let mut del_identity = tx
            .prepare_cached("DELETE FROM identities WHERE id = ?1")
            .map_err(sql)?;
        let mut put_merge = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO merges (from_id, into_id, crc) VALUES (?1, ?2, ?3)",
            )
            .map_err(sql)?;
        let mut put_event = tx
            .prepare_cached("INSERT INTO events (seq, event, crc) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        let mut put_source = tx
            .prepare_cached("INSERT OR IGNORE INTO sources (idx, name) VALUES (?1, ?2)")
            .map_err(sql)?;
        for rows in batch {
            for (i, name) in &rows.new_sources {
                put_source.execute(params![i, name]).map_err(sql)?;
            }
            for &slot in &rows.deleted {
                del_record.execute([slot]).map_err(sql)?;
            }
            for r in &rows.records {
                put_record.execute(r.params()).map_err(sql)?;
            }
            for (id, members) in &rows.identities {
                match members {
                    Some(m) => {
                        put_identity.execute(params![*id as i64, m, pair_crc(*id as i64, m)])
                    }
                    None => del_identity.execute([*id as i64]),
                }
                .map_err(sql)?;
            }
            for (from, into) in &rows.merges {
                put_merge.execute(merge_params(*from, *into)).map_err(sql)?;
            }
            for (seq, e) in &rows.events {
                put_event
                    .execute(params![*seq as i64, e, pair_crc(*seq as i64, e.as_bytes())])
                    .map_err(sql)?;
            }
        }
        if let Some(last) = batch.last() {
            put_counters(&tx, last.next_identity, last.clock, last.slot_count)?;
        }
        if batch.iter().any(|r| !r.new_sources.is_empty()) {
            put_sources_crc(&tx)?;
        }
        // The log's length beside its rows: a lost last row is found at open.
        if let Some(next) = batch
            .iter()
            .filter_map(|r| r.events.last())
            .map(|e| e.0 + 1)
            .max()
        {
            put_meta(
                &tx,
                "event_count",
                rusqlite::types::Value::Integer(next as i64),
            )?;
        }
    }
    tx.commit().map_err(sql)
}

fn put_meta(conn: &Connection, key: &str, value: rusqlite::types::Value) -> Result<(), Reason> {
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")
        .and_then(|mut st| st.execute(params![key, value]))
        .map(drop)
        .map_err(sql)
}

fn put_counters(
    conn: &Connection,
    next_identity: IdentityId,
    clock: u64,
    slots: u64,
) -> Result<(), Reason> {
    use rusqlite::types::Value::Integer;
    put_meta(conn, "next_identity", Integer(next_identity as i64))?;
    put_meta(conn, "clock", Integer(clock as i64))?;
    put_meta(conn, "slot_count", Integer(slots as i64))
}

/// After a commit that removed records: a truncating checkpoint copies
/// every page (the zeroed ones included) into the main file and empties
/// the write-ahead log, so no older copy of a removed record's page is
/// left in either. `Ok(false)` when a reader in another process kept the
/// checkpoint from finishing (retried after the next commit).
pub(crate) fn scrub(conn: &Connection) -> Result<bool, Reason> {
    let busy: i64 = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .map_err(sql)?;
    Ok(busy == 0)
}

/// A passive checkpoint: copies committed pages from the log into the
/// main file without waiting for readers or blocking the writer.
pub(crate) fn checkpoint(conn: &Connection) -> Result<(), Reason> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        .map_err(sql)
}

/// Writes a whole store into an empty database (one transaction).
pub(crate) fn write_all(
    conn: &mut Connection,
    s: &State,
    events: &[LoggedEvent],
) -> Result<(), Reason> {
    use rusqlite::types::Value::{Integer, Text};
    let records: Vec<RecordRow> = s
        .data
        .slots
        .par_iter()
        .enumerate()
        .filter_map(|(slot, e)| {
            e.as_ref()
                .map(|e| record_row(slot as u32, e, &s.data.settings.blocking.rules))
        })
        .collect();
    let tx = conn.transaction().map_err(sql)?;
    tx.execute_batch(SCHEMA).map_err(sql)?;
    put_meta(&tx, "format", Integer(DB_FORMAT))?;
    put_meta(
        &tx,
        "key_fingerprint",
        Integer(key_fingerprint(&s.data.settings) as i64),
    )?;
    let settings = s.data.settings.to_json();
    let placeholders = serde_json::to_string(&s.data.placeholders).map_err(|e| e.to_string())?;
    put_meta(
        &tx,
        "model_crc",
        Integer(crc(&[settings.as_bytes(), placeholders.as_bytes()])),
    )?;
    put_meta(&tx, "settings", Text(settings))?;
    put_meta(&tx, "placeholders", Text(placeholders))?;
    put_counters(
        &tx,
        s.data.next_identity,
        s.data.clock,
        s.data.slots.len() as u64,
    )?;
    put_meta(&tx, "sources_crc", Integer(sources_crc(&s.data.sources)))?;
    let event_count = events.last().map_or(0, |e| e.seq + 1);
    put_meta(&tx, "event_count", Integer(event_count as i64))?;
    {
        let mut st = tx
            .prepare("INSERT INTO sources (idx, name) VALUES (?1, ?2)")
            .map_err(sql)?;
        for (i, name) in s.data.sources.iter().enumerate() {
            st.execute(params![i as i64, name]).map_err(sql)?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO records (slot, source, id, seq, fields, norm, keys, crc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(sql)?;
        for r in &records {
            st.execute(r.params()).map_err(sql)?;
        }
        drop(records);
        let mut st = tx
            .prepare("INSERT INTO identities (id, members, crc) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        for (id, m) in &s.data.identities {
            let m = members_bytes(m);
            st.execute(params![*id as i64, m, pair_crc(*id as i64, &m)])
                .map_err(sql)?;
        }
        let mut st = tx
            .prepare("INSERT INTO merges (from_id, into_id, crc) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        for (from, into) in &s.data.merged_into {
            st.execute(merge_params(*from, *into)).map_err(sql)?;
        }
        let mut st = tx
            .prepare("INSERT INTO events (seq, event, crc) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        for e in events {
            let json = event_json(&e.event);
            let seq = e.seq as i64;
            st.execute(params![seq, json, pair_crc(seq, json.as_bytes())])
                .map_err(sql)?;
        }
    }
    tx.commit().map_err(sql)
}

fn meta_int(conn: &Connection, key: &str) -> Result<u64, Reason> {
    let v: Option<i64> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(sql)?;
    match v {
        Some(v) if v >= 0 => Ok(v as u64),
        Some(_) => Err(format!("store metadata '{key}' is negative")),
        None => Err(format!("store metadata '{key}' is missing")),
    }
}

/// The metadata keys this build writes. Stores written before the
/// integrity keys were kept lack all of [`INTEGRITY_KEYS`].
const META_KEYS: [&str; 10] = [
    "format",
    "key_fingerprint",
    "settings",
    "placeholders",
    "next_identity",
    "clock",
    "slot_count",
    "event_count",
    "model_crc",
    "sources_crc",
];

/// The keys that check the rest (written together since they were kept):
/// a store has all of them or, written before them, none.
const INTEGRITY_KEYS: [&str; 3] = ["event_count", "model_crc", "sources_crc"];

/// Checks the metadata's key set: a key this build does not write, or
/// some of [`INTEGRITY_KEYS`] without the others, is damage (a changed
/// letter in a key's name would otherwise skip the check it keeps).
fn check_meta_keys(conn: &Connection) -> Result<(), Reason> {
    let keys = text_column(conn, "SELECT key FROM meta")?;
    if keys.iter().any(|k| !META_KEYS.contains(&k.as_str())) {
        return Err("corrupt store: the metadata holds a key this format does not have".into());
    }
    let held = INTEGRITY_KEYS
        .iter()
        .filter(|k| keys.iter().any(|x| x == *k))
        .count();
    if held != 0 && held != INTEGRITY_KEYS.len() {
        return Err("corrupt store: the metadata lacks some of its checksums".into());
    }
    Ok(())
}

fn meta_text(conn: &Connection, key: &str) -> Result<String, Reason> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(sql)?
        .ok_or_else(|| format!("store metadata '{key}' is missing"))
}

/// Checks that the database is a linkage store of this build's format.
pub(crate) fn check_format(conn: &Connection) -> Result<(), Reason> {
    let has_meta: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql)?
        > 0;
    if !has_meta {
        return Err("not a linkage store (a database without the store's tables)".into());
    }
    let format = meta_int(conn, "format")?;
    if format != DB_FORMAT as u64 {
        return Err(format!(
            "store database format {format}, this build reads format {DB_FORMAT}"
        ));
    }
    Ok(())
}

/// The number of events logged (the next sequence number), checking that
/// the log is contiguous from 0.
pub(crate) fn event_count(conn: &Connection) -> Result<u64, Reason> {
    let (n, max): (i64, Option<i64>) = conn
        .query_row("SELECT count(*), max(seq) FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sql)?;
    let min: Option<i64> = conn
        .query_row("SELECT min(seq) FROM events", [], |r| r.get(0))
        .map_err(sql)?;
    match (min, max) {
        (None, None) => Ok(0),
        (Some(0), Some(max)) if max + 1 == n => Ok(n as u64),
        _ => Err("event log out of sequence".into()),
    }
}

/// Up to `limit` events from sequence number `since` on.
pub(crate) fn events(
    conn: &Connection,
    since: u64,
    limit: usize,
) -> Result<Vec<LoggedEvent>, Reason> {
    let mut st = conn
        .prepare_cached("SELECT seq, event, crc FROM events WHERE seq >= ?1 ORDER BY seq LIMIT ?2")
        .map_err(sql)?;
    let since = since.min(i64::MAX as u64) as i64;
    let limit = limit.min(i64::MAX as usize) as i64;
    let rows = st
        .query_map(params![since, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map_err(sql)?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, json, sum) = row.map_err(sql)?;
        if sum != pair_crc(seq, json.as_bytes()) {
            return Err(format!("corrupt store: event {seq} fails its checksum"));
        }
        let event =
            serde_json::from_str(&json).map_err(|e| format!("event {seq} cannot be read: {e}"))?;
        out.push(LoggedEvent {
            seq: seq as u64,
            event,
        });
    }
    Ok(out)
}

/// Records decoded by one connection, in slot order: each slot with its
/// entry (boxed by the reading thread, so the allocations are spread over
/// the readers), and their blocking keys, `rules` per record.
#[derive(Default)]
struct Part {
    entries: Vec<(u32, Box<Entry>)>,
    keys: Vec<Option<u64>>,
}

/// The counters every commit writes: two connections that read the same
/// counters see the same committed state (each change bumps the clock
/// and logs at least one event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counters {
    next_identity: u64,
    clock: u64,
    slot_count: u64,
    last_event: Option<i64>,
}

fn counters(conn: &Connection) -> Result<Counters, Reason> {
    Ok(Counters {
        next_identity: meta_int(conn, "next_identity")?,
        clock: meta_int(conn, "clock")?,
        slot_count: meta_int(conn, "slot_count")?,
        last_event: conn
            .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
            .map_err(sql)?,
    })
}

/// Below this many records a store is read by one connection.
const PARALLEL_READ_MIN: u64 = 100_000;

/// Attempts at pinning helper connections to one state before reading
/// with one connection only.
const PIN_ATTEMPTS: usize = 4;

/// Reads a whole store and checks it as a snapshot load does: every live
/// record in exactly one identity, merges pointing to older ids, the event
/// log contiguous. The derived parts are built by [`State::build`].
///
/// A large store is read by several connections at once (up to four, one
/// per thread), each in a read transaction of its own. They are used only
/// if they all see the state `conn` sees (the same [`Counters`]); a commit
/// by another process in between makes the read start again, and after
/// [`PIN_ATTEMPTS`] the store is read by `conn` alone. So the state read
/// is always one committed state, whether or not this process is the
/// writer. With the state: whether the stored blocking keys were used
/// (false: computed again, see [`rewrite_keys`]).
pub(crate) fn read(conn: &Connection) -> Result<(State, bool), Reason> {
    read_with(conn, PARALLEL_READ_MIN)
}

/// [`read`], in parallel from `parallel_min` slots on.
fn read_with(conn: &Connection, parallel_min: u64) -> Result<(State, bool), Reason> {
    let path = conn.path().map(str::to_string).unwrap_or_default();
    let threads = rayon::current_num_threads().clamp(1, 4);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let tx = conn.unchecked_transaction().map_err(sql)?;
        check_format(&tx)?;
        let seen = counters(&tx)?;
        let mut helpers = Vec::new();
        if threads > 1 && !path.is_empty() && seen.slot_count >= parallel_min {
            match pinned_readers(&path, threads, seen)? {
                Some(h) => helpers = h,
                None if attempt < PIN_ATTEMPTS => continue,
                None => {}
            }
        }
        let state = read_in(&tx, seen, helpers);
        drop(tx);
        return state;
    }
}

/// `n` read-only connections, each in a read transaction that sees the
/// same counters as `expect`; `None` when a commit came in between.
fn pinned_readers(
    path: &str,
    n: usize,
    expect: Counters,
) -> Result<Option<Vec<Connection>>, Reason> {
    let conns = (0..n)
        .map(|_| open_reader(path))
        .collect::<Result<Vec<_>, _>>()?;
    for c in &conns {
        c.execute_batch("BEGIN").map_err(sql)?;
        if counters(c)? != expect {
            return Ok(None);
        }
    }
    Ok(Some(conns))
}

fn read_in(
    conn: &Connection,
    seen: Counters,
    helpers: Vec<Connection>,
) -> Result<(State, bool), Reason> {
    // Damage to a b-tree that reads pass over (cells overlapping, a
    // divider key changed, cell offsets pointing elsewhere) is spread by
    // the next commit: counters written over the stored model, a record
    // written again beside its old row, events numbered twice. Rows carry
    // checksums, but only the file's b-trees tell such damage: they are
    // checked whole (0.33 s for a store of a million records).
    check_pages(conn)?;
    check_meta_keys(conn)?;
    let (settings, placeholders) = (
        meta_text(conn, "settings")?,
        meta_text(conn, "placeholders")?,
    );
    // The model has its checksum too (none in stores written before it was kept).
    let sum = crc(&[settings.as_bytes(), placeholders.as_bytes()]) as u64;
    if meta_int(conn, "model_crc").is_ok_and(|stored| stored != sum) {
        return Err("corrupt store: the stored model fails its checksum".into());
    }
    let settings =
        Settings::from_json(&settings).map_err(|e| format!("stored model is not valid: {e}"))?;
    let placeholders: Vec<Placeholder> = serde_json::from_str(&placeholders)
        .map_err(|e| format!("stored placeholders cannot be read: {e}"))?;
    let Counters {
        next_identity,
        clock,
        slot_count,
        ..
    } = seen;
    if slot_count > u32::MAX as u64 {
        return Err(format!("slot count {slot_count} out of range"));
    }
    let mut sources = Vec::new();
    {
        let mut st = conn
            .prepare("SELECT idx, name FROM sources ORDER BY idx")
            .map_err(sql)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql)?;
        for row in rows {
            let (i, name) = row.map_err(sql)?;
            if i != sources.len() as i64 {
                return Err(format!("source {i} out of sequence"));
            }
            sources.push(name);
        }
    }
    if meta_int(conn, "sources_crc").is_ok_and(|stored| stored != sources_crc(&sources) as u64) {
        return Err("corrupt store: the source names fail their checksum".into());
    }
    let rules = settings.blocking.rules.len();
    let ctx = RowContext {
        slot_count,
        sources: sources.len(),
        rules,
    };
    // The identities are read beside the records, by a helper connection
    // of their own when there are helpers.
    let mut helpers = helpers.into_iter();
    let (parts, identity_rows) = match helpers.next() {
        Some(first) => std::thread::scope(|scope| {
            let other = scope.spawn(move || read_identities(&first));
            let parts = read_records(conn, helpers.collect(), &ctx);
            let rows = other
                .join()
                .unwrap_or_else(|_| Err("a reading thread failed".into()));
            (parts, rows)
        }),
        None => (read_records(conn, Vec::new(), &ctx), read_identities(conn)),
    };
    let parts = parts?;
    let live: usize = parts.iter().map(|p| p.entries.len()).sum();
    // Every slot holds a record or lost it to a removal (one event each):
    // metadata claiming more slots is corrupt, not a size to allocate.
    let event_base = event_count(conn)?;
    // Stores written before the count was kept have none to compare.
    if let Some(n) = meta_int(conn, "event_count")
        .ok()
        .filter(|&n| n != event_base)
    {
        return Err(format!(
            "event log holds {event_base} events, the store recorded {n}"
        ));
    }
    if slot_count > live as u64 + event_base {
        return Err(format!(
            "slot count {slot_count} exceeds the records and events stored"
        ));
    }
    // Stored keys are used only when this build computes the same keys
    // (a changed blocking rule or normalizer changes the fingerprint).
    let fingerprint = key_fingerprint(&settings);
    let keys_valid = meta_int(conn, "key_fingerprint").ok() == Some(fingerprint);
    let mut keys = BlockKeys {
        rules,
        slots: Vec::with_capacity(if keys_valid { live } else { 0 }),
        keys: Vec::with_capacity(if keys_valid { live * rules } else { 0 }),
    };
    let mut slots: Vec<Option<Box<Entry>>> = Vec::new();
    slots.resize_with(slot_count as usize, || None);
    for part in parts {
        if keys_valid {
            keys.slots
                .extend(part.entries.iter().map(|(slot, _)| *slot));
            keys.keys.extend_from_slice(&part.keys);
        }
        for (slot, e) in part.entries {
            slots[slot as usize] = Some(e);
        }
    }
    let mut identities = BTreeMap::new();
    let mut assigned = 0usize;
    for (id, members) in identity_rows? {
        if members.is_empty() || id >= next_identity {
            return Err(format!("identity {id} is empty or out of range"));
        }
        for &m in &members {
            let e = slots
                .get_mut(m as usize)
                .and_then(|e| e.as_mut())
                .ok_or_else(|| format!("identity {id} names record slot {m}, not stored"))?;
            if e.identity != IdentityId::MAX {
                return Err(format!("record slot {m} belongs to two identities"));
            }
            e.identity = id;
        }
        assigned += members.len();
        identities.insert(id, members);
    }
    // Each member was a distinct live slot, so all are assigned when the
    // counts agree; only a store that fails is searched for the culprit.
    if assigned != live {
        let slot = slots
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| e.identity == IdentityId::MAX))
            .unwrap_or(0);
        return Err(format!("record slot {slot} belongs to no identity"));
    }
    let mut merged_into = HashMap::new();
    {
        let mut st = conn
            .prepare("SELECT from_id, into_id, crc FROM merges")
            .map_err(sql)?;
        let rows = st
            .query_map([], |r| Ok([r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?]))
            .map_err(sql)?;
        for row in rows {
            let [from, into, sum] = row.map_err(sql)?;
            if sum != pair_crc(from, &into.to_le_bytes()) {
                return Err(format!("corrupt store: merge of {from} fails its checksum"));
            }
            let (from, into) = (from as IdentityId, into as IdentityId);
            if identities.contains_key(&from) || into >= from || from >= next_identity {
                return Err(format!(
                    "merge of identity {from} into {into} is inconsistent"
                ));
            }
            merged_into.insert(from, into);
        }
    }
    State::build_keyed(
        Parts {
            settings,
            sources,
            slots,
            identities,
            merged_into,
            next_identity,
            clock,
            placeholders,
            events: Vec::new(),
            event_base,
        },
        keys_valid.then_some(&keys),
    )
    .map(|s| (s, keys_valid))
    .map_err(|e| format!("stored model cannot be used: {e}"))
}

/// The tables whose damaged pages are named in an error, with how.
const TABLE_NAMES: [(&str, &str); 7] = [
    ("meta", "metadata's"),
    ("events", "event log's"),
    ("records", "records'"),
    ("identities", "identities'"),
    ("merges", "merges'"),
    ("sources", "source names'"),
    ("sqlite_schema", "schema's"),
];

/// Checks the file's b-trees (`PRAGMA quick_check`); damage is refused
/// with the table it lies in (checked one by one only then), or the file
/// as a whole (free pages, pages of no table).
fn check_pages(conn: &Connection) -> Result<(), Reason> {
    let ok = |check: &str| -> Result<bool, Reason> {
        let verdict: String = conn
            .query_row(&format!("PRAGMA {check}"), [], |r| r.get(0))
            .map_err(sql)?;
        Ok(verdict == "ok")
    };
    if ok("quick_check")? {
        return Ok(());
    }
    for (table, name) in TABLE_NAMES {
        // A table whose check cannot even run is damaged too.
        if !ok(&format!("quick_check({table})")).unwrap_or(false) {
            return Err(format!(
                "corrupt store database (the {name} pages are damaged)"
            ));
        }
    }
    Err("corrupt store database (pages of no table are damaged)".into())
}

/// Writes every record's blocking keys again as this build computes them
/// (after an upgrade changed how keys are made), in one transaction.
pub(crate) fn rewrite_keys(conn: &mut Connection, s: &State) -> Result<(), Reason> {
    let tx = conn.transaction().map_err(sql)?;
    {
        let mut st = tx
            .prepare(
                "INSERT OR REPLACE INTO records (slot, source, id, seq, fields, norm, keys, crc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(sql)?;
        for (slot, e) in s.data.slots.iter().enumerate() {
            if let Some(e) = e {
                let row = record_row(slot as u32, e, &s.data.settings.blocking.rules);
                st.execute(row.params()).map_err(sql)?;
            }
        }
    }
    put_meta(
        &tx,
        "key_fingerprint",
        rusqlite::types::Value::Integer(key_fingerprint(&s.data.settings) as i64),
    )?;
    tx.commit().map_err(sql)
}

/// The identities' rows, checksums checked: id and member slots.
fn read_identities(conn: &Connection) -> Result<Vec<(IdentityId, Vec<u32>)>, Reason> {
    let mut st = conn
        .prepare("SELECT id, members, crc FROM identities ORDER BY id")
        .map_err(sql)?;
    let mut rows = st.query([]).map_err(sql)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sql)? {
        let id: i64 = r.get(0).map_err(sql)?;
        let members = r.get_ref(1).and_then(|v| Ok(v.as_blob()?)).map_err(sql)?;
        let sum: i64 = r.get(2).map_err(sql)?;
        out.push((id as IdentityId, members_of(id, members, sum)?));
    }
    Ok(out)
}

/// A read-only connection of its own (for reading beside another).
fn open_reader(path: &str) -> Result<Connection, Reason> {
    let c = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    c.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sql)?;
    Ok(c)
}

/// The committed state a connection sees, for catching up with it: the
/// counters, and the registered sources.
pub(crate) struct Head {
    pub next_identity: u64,
    pub clock: u64,
    pub slot_count: u64,
    /// Events logged (the next sequence number).
    pub events: u64,
    pub sources: Vec<String>,
}

/// Reads the [`Head`] (call inside a read transaction).
pub(crate) fn head(conn: &Connection) -> Result<Head, Reason> {
    let c = counters(conn)?;
    let sources = text_column(conn, "SELECT name FROM sources ORDER BY idx")?;
    if c.slot_count > u32::MAX as u64 {
        return Err(format!("slot count {} out of range", c.slot_count));
    }
    check_meta_keys(conn)?;
    if meta_int(conn, "sources_crc").is_ok_and(|stored| stored != sources_crc(&sources) as u64) {
        return Err("corrupt store: the source names fail their checksum".into());
    }
    Ok(Head {
        next_identity: c.next_identity,
        clock: c.clock,
        slot_count: c.slot_count,
        events: c.last_event.map_or(0, |n| n.max(-1) as u64 + 1),
        sources,
    })
}

/// One stored record by source index and id, checked and decoded, with
/// its slot; `None` when it is not stored.
pub(crate) fn record_by_key(
    conn: &Connection,
    head: &Head,
    rules: usize,
    source: u32,
    id: &str,
) -> Result<Option<(u32, Box<Entry>)>, Reason> {
    let mut st = conn
        .prepare_cached(
            "SELECT slot, source, id, seq, fields, norm, keys, crc FROM records
             WHERE source = ?1 AND id = ?2",
        )
        .map_err(sql)?;
    let mut rows = st.query(params![source, id]).map_err(sql)?;
    let Some(r) = rows.next().map_err(sql)? else {
        return Ok(None);
    };
    let row = row_of(r)?;
    let ctx = RowContext {
        slot_count: head.slot_count,
        sources: head.sources.len(),
        rules,
    };
    let entry = decode_record(&row, &ctx, &mut Vec::new())?;
    Ok(Some((row.slot as u32, entry)))
}

/// One identity's member slots, checksum checked; `None` when the
/// identity is not live (retired or merged away).
pub(crate) fn identity_row(conn: &Connection, id: IdentityId) -> Result<Option<Vec<u32>>, Reason> {
    let mut st = conn
        .prepare_cached("SELECT members, crc FROM identities WHERE id = ?1")
        .map_err(sql)?;
    let mut rows = st.query([id as i64]).map_err(sql)?;
    let Some(r) = rows.next().map_err(sql)? else {
        return Ok(None);
    };
    let members = r.get_ref(0).and_then(|v| Ok(v.as_blob()?)).map_err(sql)?;
    let sum: i64 = r.get(1).map_err(sql)?;
    members_of(id as i64, members, sum).map(Some)
}

/// An identity row's member slots, its checksum checked.
fn members_of(id: i64, members: &[u8], sum: i64) -> Result<Vec<u32>, Reason> {
    if sum != pair_crc(id, members) || members.len() % 4 != 0 {
        return Err(format!("corrupt store: identity {id} fails its checksum"));
    }
    Ok(members
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// What decoding a record row needs to know.
struct RowContext {
    slot_count: u64,
    sources: usize,
    rules: usize,
}

/// The records, read and decoded by `conn` and each of `others` in
/// parallel (equal shares of the slot range), in slot order.
fn read_records(
    conn: &Connection,
    others: Vec<Connection>,
    ctx: &RowContext,
) -> Result<Vec<Part>, Reason> {
    let (lo, hi): (Option<i64>, Option<i64>) = conn
        .query_row("SELECT min(slot), max(slot) FROM records", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sql)?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    let step = (hi - lo) / (others.len() as i64 + 1) + 1;
    std::thread::scope(|scope| {
        let handles: Vec<_> = others
            .into_iter()
            .enumerate()
            .map(|(t, c)| {
                let from = lo + (t as i64 + 1) * step;
                scope.spawn(move || read_range(&c, from, (from + step - 1).min(hi), ctx))
            })
            .collect();
        let mut parts = vec![read_range(conn, lo, (lo + step - 1).min(hi), ctx)?];
        for h in handles {
            parts.push(
                h.join()
                    .unwrap_or_else(|_| Err("a reading thread failed".into()))?,
            );
        }
        Ok(parts)
    })
}

fn read_range(conn: &Connection, lo: i64, hi: i64, ctx: &RowContext) -> Result<Part, Reason> {
    let mut st = conn
        .prepare(
            "SELECT slot, source, id, seq, fields, norm, keys, crc FROM records
             WHERE slot BETWEEN ?1 AND ?2 ORDER BY slot",
        )
        .map_err(sql)?;
    let mut rows = st.query([lo, hi]).map_err(sql)?;
    let mut part = Part::default();
    while let Some(r) = rows.next().map_err(sql)? {
        let row = row_of(r)?;
        let entry = decode_record(&row, ctx, &mut part.keys)?;
        part.entries.push((row.slot as u32, entry));
    }
    Ok(part)
}

/// Borrows a record row from a statement's row (the columns of
/// `SELECT slot, source, id, seq, fields, norm, keys, crc`).
fn row_of<'a>(r: &'a rusqlite::Row<'a>) -> Result<Row<'a>, Reason> {
    let text = |i| r.get_ref(i).and_then(|v| Ok(v.as_str()?)).map_err(sql);
    let blob = |i| r.get_ref(i).and_then(|v| Ok(v.as_blob()?)).map_err(sql);
    Ok(Row {
        slot: r.get(0).map_err(sql)?,
        source: r.get(1).map_err(sql)?,
        id: text(2)?,
        seq: r.get(3).map_err(sql)?,
        fields: text(4)?,
        norm: blob(5)?,
        keys: blob(6)?,
        crc: r.get(7).map_err(sql)?,
    })
}

/// A record row, borrowed from the statement.
struct Row<'a> {
    slot: i64,
    source: i64,
    id: &'a str,
    seq: i64,
    fields: &'a str,
    norm: &'a [u8],
    keys: &'a [u8],
    crc: i64,
}

/// Checks and decodes a record row; its blocking keys are appended to
/// `keys` (one per rule).
fn decode_record(
    r: &Row<'_>,
    ctx: &RowContext,
    keys: &mut Vec<Option<u64>>,
) -> Result<Box<Entry>, Reason> {
    if r.crc != record_crc(r.slot, r.source, r.id, r.seq, r.fields, r.norm, r.keys) {
        return Err(format!(
            "corrupt store: record slot {} fails its checksum",
            r.slot
        ));
    }
    if r.slot < 0 || r.slot as u64 >= ctx.slot_count {
        return Err(format!(
            "record slot {} out of range ({} slots)",
            r.slot, ctx.slot_count
        ));
    }
    if r.source < 0 || r.source as usize >= ctx.sources {
        return Err(format!("record slot {} names an unknown source", r.slot));
    }
    let fields: Fields = serde_json::from_str(r.fields)
        .map_err(|_| format!("record slot {}: values cannot be read", r.slot))?;
    let norm = NormalizedRecord::decode(r.norm)
        .ok_or_else(|| format!("record slot {}: normalized values are corrupt", r.slot))?;
    if decode_keys(r.keys, ctx.rules, keys).is_none() {
        return Err(format!("record slot {}: blocking keys are corrupt", r.slot));
    }
    Ok(Box::new(Entry {
        record: Record {
            source: r.source as u32,
            id: r.id.to_string(),
            fields: fields.0,
        },
        norm,
        identity: IdentityId::MAX,
        seq: r.seq.max(0) as u64,
    }))
}

/// A record's blocking keys: a mask (u64, bit i: rule i has a key), then
/// the keys present (u64 each), little endian.
fn encode_keys(keys: &[Option<u64>]) -> Vec<u8> {
    let mut mask = 0u64;
    let mut out = vec![0; 8];
    for (i, k) in keys.iter().enumerate().take(64) {
        if let Some(k) = k {
            mask |= 1 << i;
            out.extend_from_slice(&k.to_le_bytes());
        }
    }
    out[..8].copy_from_slice(&mask.to_le_bytes());
    out
}

/// Appends the `rules` keys encoded in `bytes` to `out`; `None` (and
/// `out` as it was) when the encoding does not hold exactly those keys.
fn decode_keys(bytes: &[u8], rules: usize, out: &mut Vec<Option<u64>>) -> Option<()> {
    let mask = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let body = &bytes[8..];
    let known = if rules >= 64 {
        mask
    } else {
        mask & ((1u64 << rules) - 1)
    };
    if known != mask || body.len() != 8 * known.count_ones() as usize {
        return None;
    }
    let mut rest = body.chunks_exact(8);
    for i in 0..rules {
        let key = if i < 64 && mask & (1 << i) != 0 {
            rest.next()
                .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        } else {
            None
        };
        out.push(key);
    }
    Some(())
}

/// A fingerprint of how this build computes blocking keys for a model:
/// the rules and the keys of a fixed set of synthetic records. Stored
/// keys are trusted only under the same fingerprint.
fn key_fingerprint(settings: &Settings) -> u64 {
    // The synthetic records are the same on every call: made once.
    static SYNTH: std::sync::OnceLock<Vec<Record>> = std::sync::OnceLock::new();
    let records = SYNTH.get_or_init(|| {
        crate::synth::generate(&crate::synth::SynthOptions {
            customers: 40,
            seed: 20261201,
            ..Default::default()
        })
        .dataset
        .records
    });
    let mut h = crc32fast::Hasher::new();
    h.update(
        serde_json::to_string(&settings.blocking.rules)
            .unwrap_or_default()
            .as_bytes(),
    );
    for r in records {
        let n = NormalizedRecord::from_record(
            r,
            &settings.normalize,
            &mut crate::normalize::record::NormalizeReport::default(),
        );
        for rule in &settings.blocking.rules {
            h.update(&rule.key(&n).unwrap_or(u64::MAX).to_le_bytes());
        }
    }
    u64::from(h.finalize())
}

/// A record's raw values as a JSON object in their order
/// (`{"given_name": "Ann", "email": "ann@example.org"}`), so that other
/// tools can query them (`json_extract(fields, '$.email')`).
struct Fields(Vec<(FieldKind, String)>);

fn fields_json(fields: &[(FieldKind, String)]) -> String {
    struct Ordered<'a>(&'a [(FieldKind, String)]);
    impl serde::Serialize for Ordered<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    serde_json::to_string(&Ordered(fields)).unwrap_or_default()
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of field kinds to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Fields, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(8));
                while let Some(entry) = m.next_entry::<FieldKind, String>()? {
                    out.push(entry);
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{IdentityStore, StoreOptions};
    use crate::Resolver;

    /// A durable store of `customers` synthetic customers (seed `seed`)
    /// in a fresh temporary folder: the folder, the database path, the
    /// data and the open store (the writer).
    fn durable_store(
        tag: &str,
        customers: usize,
        seed: u64,
    ) -> (
        std::path::PathBuf,
        std::path::PathBuf,
        crate::Dataset,
        IdentityStore,
    ) {
        let data = crate::synth::generate(&crate::synth::SynthOptions {
            customers,
            seed,
            ..Default::default()
        })
        .dataset;
        let res = Resolver::new(Settings::default())
            .and_then(|r| r.resolve(&data))
            .expect("resolves");
        let dir = std::env::temp_dir().join(format!("linkage-db-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("store.db");
        let store = IdentityStore::from_resolution(&data, &res)
            .and_then(|s| s.persist(&path, &StoreOptions::default()))
            .expect("written");
        (dir, path, data, store)
    }

    /// A closed durable store of a few hundred synthetic records.
    fn stored(name: &str) -> std::path::PathBuf {
        let (_, path, _, store) = durable_store(name, 150, 7);
        store.close().expect("closed");
        path
    }

    /// Identities and every slot's source, id, values and identity.
    type Shape = (
        BTreeMap<IdentityId, Vec<u32>>,
        Vec<Option<(u32, String, Vec<(FieldKind, String)>, IdentityId)>>,
    );

    fn shape(s: &State) -> Shape {
        let slots = s
            .data
            .slots
            .iter()
            .map(|e| {
                e.as_ref().map(|e| {
                    let r = &e.record;
                    (r.source, r.id.clone(), r.fields.clone(), e.identity)
                })
            })
            .collect();
        (s.data.identities.clone(), slots)
    }

    #[test]
    fn parallel_and_serial_reads_agree() {
        let path = stored("parallel");
        let conn = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("opens");
        let (serial, keys_a) = read_with(&conn, u64::MAX).expect("serial read");
        // Slot 0 on: several connections, each pinned to the same state.
        let (parallel, keys_b) = read_with(&conn, 0).expect("parallel read");
        assert!(serial.data.slots.len() > 100);
        assert_eq!(shape(&serial), shape(&parallel));
        assert_eq!(keys_a, keys_b);
        assert!(keys_a, "stored keys are used");
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[test]
    fn helpers_that_see_another_state_are_refused() {
        let path = stored("pinning");
        let conn = Connection::open(&path).expect("opens");
        let tx = conn.unchecked_transaction().expect("reads");
        let seen = counters(&tx).expect("counters");
        let p = path.to_str().expect("utf-8 path");
        assert!(pinned_readers(p, 2, seen).expect("pins").is_some());
        let later = Counters {
            clock: seen.clock + 1,
            ..seen
        };
        assert!(pinned_readers(p, 2, later).expect("pins").is_none());
        drop(tx);
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[test]
    fn keys_decode_only_when_they_match_the_rules() {
        let encoded = encode_keys(&[Some(7), None, Some(9)]);
        let mut out = Vec::new();
        assert_eq!(decode_keys(&encoded, 3, &mut out), Some(()));
        assert_eq!(out, vec![Some(7), None, Some(9)]);
        // Fewer rules than keys, a truncated body, no mask: refused.
        assert_eq!(decode_keys(&encoded, 2, &mut Vec::new()), None);
        assert_eq!(decode_keys(&encoded[..20], 3, &mut Vec::new()), None);
        assert_eq!(decode_keys(&encoded[..4], 3, &mut Vec::new()), None);
    }

    /// The slot count in the metadata has no checksum: a count beyond the
    /// records and events stored is refused before anything is sized by
    /// it (a 64 KB file claiming billions of slots is no allocation of
    /// gigabytes), while removed records' empty slots still open.
    #[test]
    fn a_slot_count_beyond_records_and_events_is_refused() {
        let (dir, path, data, store) = durable_store("slots", 20, 3);
        // Two removals: their slots stay, empty.
        for r in &data.records[..2] {
            store
                .remove(&data.sources[r.source as usize], &r.id)
                .unwrap();
        }
        store.close().unwrap();
        let (rows, events): (u64, u64) = {
            let c = rusqlite::Connection::open(&path).unwrap();
            let n = |t: &str| {
                c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .unwrap() as u64
            };
            (n("records"), n("events"))
        };
        let n = data.records.len() as u64;
        assert_eq!(rows, n - 2);
        let set_slots = |n: u64| {
            let c = rusqlite::Connection::open(&path).unwrap();
            c.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'slot_count'",
                [n as i64],
            )
            .unwrap();
        };
        // The written count (two slots empty) and the largest the log
        // allows open; one more, or billions, are refused.
        for (slots, opens) in [
            (n, true),
            (rows + events, true),
            (rows + events + 1, false),
            (u32::MAX as u64, false),
        ] {
            set_slots(slots);
            let opened = IdentityStore::open(&path, &StoreOptions::read_only());
            assert_eq!(opened.is_ok(), opens, "slot count {slots}");
            if let Err(e) = opened {
                assert!(e.to_string().contains("slot count"), "{e}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Makes the store at `path` (open as `c`) one written before the
    /// integrity keys were kept, `first` removed first: without it alone
    /// the store is refused.
    fn forget_integrity_keys(c: &rusqlite::Connection, first: &str, path: &std::path::Path) {
        c.execute("DELETE FROM meta WHERE key = ?1", [first])
            .unwrap();
        let e = IdentityStore::open(path, &StoreOptions::read_only()).unwrap_err();
        assert!(e.to_string().contains("lacks some of its checksums"), "{e}");
        for key in INTEGRITY_KEYS {
            c.execute("DELETE FROM meta WHERE key = ?1", [key]).unwrap();
        }
    }

    /// A metadata key whose name changed (the source names' checksum's,
    /// say: its check would be skipped as in an older store) is refused.
    #[test]
    fn a_renamed_metadata_key_is_refused() {
        let (dir, path, _, store) = durable_store("meta-key", 10, 4);
        store.close().unwrap();
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "UPDATE meta SET key = 'souCces_crc' WHERE key = 'sources_crc'",
            [],
        )
        .unwrap();
        let e = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap_err();
        assert!(
            e.to_string().contains("a key this format does not have"),
            "{e}"
        );
        c.execute(
            "UPDATE meta SET key = 'sources_crc' WHERE key = 'souCces_crc'",
            [],
        )
        .unwrap();
        drop(c);
        IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The log's last row lost (its cell dropped from a page, say): the
    /// rest is still numbered from 0, so only the stored count tells. The
    /// store is refused rather than opened with a shorter log whose next
    /// event would reuse a number consumers have seen. A store without the
    /// count (written before it was kept) opens.
    #[test]
    fn a_log_shorter_than_its_recorded_count_is_refused() {
        let (dir, path, data, store) = durable_store("log", 20, 4);
        for r in &data.records[..3] {
            store
                .remove(&data.sources[r.source as usize], &r.id)
                .unwrap();
        }
        let logged = store.events(0, usize::MAX).unwrap().len();
        store.close().unwrap();
        let reopened = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
        assert_eq!(reopened.events(0, usize::MAX).unwrap().len(), logged);
        drop(reopened);
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute("DELETE FROM events WHERE seq = ?1", [logged as i64 - 1])
            .unwrap();
        let e = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap_err();
        assert!(e.to_string().contains("event log holds"), "{e}");
        forget_integrity_keys(&c, "event_count", &path);
        drop(c);
        let old = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
        assert_eq!(old.events(0, usize::MAX).unwrap().len(), logged - 1);
        drop(old);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The model is read from the metadata, which rows' checksums do not
    /// cover: a changed digit (a threshold of 0.9 read as 0.8) would
    /// change every decision silently. It carries a checksum of its own;
    /// a store without one (written before it was kept) opens.
    #[test]
    fn a_changed_stored_model_is_refused() {
        let (dir, path, _, store) = durable_store("model", 10, 5);
        store.close().unwrap();
        let c = rusqlite::Connection::open(&path).unwrap();
        let json: String = c
            .query_row("SELECT value FROM meta WHERE key = 'settings'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let mut changed: Settings = Settings::from_json(&json).unwrap();
        changed.threshold = 0.8;
        c.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'settings'",
            [changed.to_json()],
        )
        .unwrap();
        let e = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap_err();
        assert!(e.to_string().contains("model fails its checksum"), "{e}");
        forget_integrity_keys(&c, "model_crc", &path);
        drop(c);
        let old = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
        assert_eq!(old.settings().threshold, 0.8);
        drop(old);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Source names have no checksum column: a changed byte would move
    /// every record of the source under another name. Their checksum is
    /// kept in the metadata, written again when a source is added; a
    /// store without one (written before it was kept) opens.
    #[test]
    fn a_changed_source_name_is_refused() {
        let (dir, path, _, store) = durable_store("sources", 10, 6);
        // A source added later rewrites the checksum.
        let late = store.add_source("late");
        let mut r = crate::Record::new(late, "L-1");
        r.set(crate::FieldKind::Surname, "Orrin");
        store.add(r).unwrap();
        store.close().unwrap();
        let reopened = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
        assert_eq!(reopened.sources().last().map(String::as_str), Some("late"));
        drop(reopened);
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute("UPDATE sources SET name = 'lath' WHERE name = 'late'", [])
            .unwrap();
        let e = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap_err();
        assert!(e.to_string().contains("source names fail"), "{e}");
        forget_integrity_keys(&c, "sources_crc", &path);
        drop(c);
        let old = IdentityStore::open(&path, &StoreOptions::read_only()).unwrap();
        assert_eq!(old.sources().last().map(String::as_str), Some("lath"));
        drop(old);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A database file's bytes and where a table's root page starts in
    /// them (page 1 after the file header).
    fn root_page(path: &std::path::Path, table: &str) -> (Vec<u8>, usize) {
        let bytes = std::fs::read(path).unwrap();
        let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
        let root: i64 = rusqlite::Connection::open(path)
            .unwrap()
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let start = (root as usize - 1) * page + if root == 1 { 100 } else { 0 };
        (bytes, start)
    }

    /// Two cells of the metadata's page overlapping (a changed cell
    /// offset): reads of the keys still succeed, but the next commit's
    /// counters would be written over the stored model. The metadata's
    /// b-tree is checked at open and the store refused.
    #[test]
    fn overlapping_cells_in_the_metadata_are_refused() {
        let (dir, path, _, store) = durable_store("cells", 5, 7);
        store.close().unwrap();
        let (mut bytes, start) = root_page(&path, "meta");
        // The page's cell pointers (after an 8- or 12-byte header): the
        // last one made the first's.
        let header = if bytes[start] == 0x0a || bytes[start] == 0x0d {
            8
        } else {
            12
        };
        let cells = u16::from_be_bytes([bytes[start + 3], bytes[start + 4]]) as usize;
        assert!(cells > 2);
        let pointers = start + header;
        let (first, last) = (pointers, pointers + 2 * (cells - 1));
        bytes.copy_within(first..first + 2, last);
        std::fs::write(&path, &bytes).unwrap();
        for options in [StoreOptions::read_only(), StoreOptions::default()] {
            let e = IdentityStore::open(&path, &options).unwrap_err();
            assert!(
                e.to_string().contains("metadata's pages are damaged"),
                "{e}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A divider key of the records' b-tree changed (a row's slot read as
    /// 0 on an interior page): every row still reads in order, so the
    /// store opened whole, but a record written again by slot missed its
    /// row and was stored twice, and the file no longer opened ("record
    /// slot 0 belongs to no identity"). The file's b-trees are checked at
    /// open, and the damage named by its table.
    #[test]
    fn a_damaged_divider_key_of_the_records_is_refused() {
        let (dir, path, _, store) = durable_store("divider", 40, 8);
        store.close().unwrap();
        let (mut bytes, start) = root_page(&path, "records");
        assert_eq!(bytes[start], 0x05, "the records' root is an interior page");
        // The first cell: a 4-byte child page, then its largest slot as a
        // varint, made 0 (when it takes one byte).
        let cell = start + u16::from_be_bytes([bytes[start + 12], bytes[start + 13]]) as usize;
        assert!(bytes[cell + 4] < 0x80 && bytes[cell + 4] > 0);
        bytes[cell + 4] = 0;
        std::fs::write(&path, &bytes).unwrap();
        for options in [StoreOptions::read_only(), StoreOptions::default()] {
            let e = IdentityStore::open(&path, &options).unwrap_err();
            assert!(e.to_string().contains("records' pages are damaged"), "{e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
