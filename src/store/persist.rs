//! The store file: a versioned, checksummed binary image.
//!
//! Layout: the 8 bytes `LNKSTORE`, the format version (u32, little
//! endian), the payload length (u64) and its CRC-32 (u32), then the
//! payload ([postcard](https://docs.rs/postcard) encoding of the records,
//! identities, merge map, event log and the model as JSON). Derived data
//! (blocking index, value counts, normalized values) is rebuilt on load,
//! so a file stays valid when the normalizers improve. A file that is not
//! a store, of another version, truncated, corrupt or inconsistent is an
//! error; nothing half-loaded is ever returned.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::event::{IdentityId, LoggedEvent};
use super::state::{Entry, Parts, State};
use crate::normalize::name_roles::{assign_name_roles, full_name_only};
use crate::normalize::org_key::assign_org_keys;
use crate::normalize::placeholder::{strip_known, Placeholder};
use crate::normalize::record::NormalizeReport;
use crate::normalize::NormalizedRecord;
use crate::record::Record;
use crate::settings::Settings;

const MAGIC: &[u8; 8] = b"LNKSTORE";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 8 + 4;

#[derive(Serialize, Deserialize)]
struct Image {
    settings_json: String,
    sources: Vec<String>,
    /// (record, seq), live records in slot order.
    records: Vec<(Record, u64)>,
    /// Identity id and its records (indices into `records`, join order).
    identities: Vec<(IdentityId, Vec<u32>)>,
    merged_into: Vec<(IdentityId, IdentityId)>,
    next_identity: IdentityId,
    clock: u64,
    placeholders: Vec<Placeholder>,
    events: Vec<LoggedEvent>,
}

/// Serializes a store (compacting removed slots away); `Err` carries the
/// reason (never a partial image).
pub(crate) fn to_bytes(s: &State, events: &[LoggedEvent]) -> std::result::Result<Vec<u8>, String> {
    let mut new_index = vec![u32::MAX; s.data.slots.len()];
    let mut records = Vec::new();
    for (slot, e) in s.data.slots.iter().enumerate() {
        if let Some(e) = e {
            new_index[slot] = records.len() as u32;
            records.push((e.record.clone(), e.seq));
        }
    }
    let mut merged: Vec<(IdentityId, IdentityId)> =
        s.data.merged_into.iter().map(|(a, b)| (*a, *b)).collect();
    merged.sort_unstable();
    let image = Image {
        settings_json: s.data.settings.to_json(),
        sources: s.data.sources.clone(),
        records,
        identities: s
            .data
            .identities
            .iter()
            .map(|(id, m)| (*id, m.iter().map(|&x| new_index[x as usize]).collect()))
            .collect(),
        merged_into: merged,
        next_identity: s.data.next_identity,
        clock: s.data.clock,
        placeholders: s.data.placeholders.clone(),
        events: events.to_vec(),
    };
    let payload =
        postcard::to_stdvec(&image).map_err(|e| format!("the store could not be encoded: {e}"))?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Reads a store image; `Err` carries the reason.
pub(crate) fn from_bytes(bytes: &[u8]) -> std::result::Result<State, String> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err("not a linkage store file (bad magic bytes)".into());
    }
    if bytes.len() < HEADER {
        return Err("truncated store file (header incomplete)".into());
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]));
    let version = word(8);
    if version != FORMAT_VERSION {
        return Err(format!(
            "store format version {version}, this build reads version {FORMAT_VERSION}"
        ));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or([0; 8]));
    let crc = word(20);
    let payload = &bytes[HEADER..];
    if (payload.len() as u64) < len {
        return Err(format!(
            "truncated store file ({} of {len} payload bytes)",
            payload.len()
        ));
    }
    if payload.len() as u64 > len {
        return Err("trailing bytes after the store payload".into());
    }
    if crc32fast::hash(payload) != crc {
        return Err("corrupt store file (checksum mismatch)".into());
    }
    let image: Image =
        postcard::from_bytes(payload).map_err(|e| format!("corrupt store payload: {e}"))?;
    build(image)
}

fn build(image: Image) -> std::result::Result<State, String> {
    let n = image.records.len();
    let mut identity_of = vec![IdentityId::MAX; n];
    let mut identities = BTreeMap::new();
    for (id, members) in &image.identities {
        if members.is_empty() || *id >= image.next_identity {
            return Err(format!("identity {id} is empty or out of range"));
        }
        for &m in members {
            let slot = identity_of
                .get_mut(m as usize)
                .ok_or_else(|| format!("identity {id} names record {m} of {n}"))?;
            if *slot != IdentityId::MAX {
                return Err(format!("record {m} belongs to two identities"));
            }
            *slot = *id;
        }
        if identities.insert(*id, members.clone()).is_some() {
            return Err(format!("identity {id} listed twice"));
        }
    }
    if let Some(i) = identity_of.iter().position(|&x| x == IdentityId::MAX) {
        return Err(format!("record {i} belongs to no identity"));
    }
    let mut keys = HashSet::new();
    for (r, _) in &image.records {
        if r.source as usize >= image.sources.len() {
            return Err(format!("record '{}' names an unknown source", r.id));
        }
        if !keys.insert((r.source, r.id.as_str())) {
            return Err(format!("record '{}' is stored twice", r.id));
        }
    }
    // A merge always goes into the older (smaller) id, so following merges
    // ends; a file that says otherwise is refused rather than looped on.
    for (from, into) in &image.merged_into {
        if identities.contains_key(from) || into >= from || *from >= image.next_identity {
            return Err(format!(
                "merge of identity {from} into {into} is inconsistent"
            ));
        }
    }
    if image
        .events
        .iter()
        .enumerate()
        .any(|(i, e)| e.seq != i as u64)
    {
        return Err("event log out of sequence".into());
    }
    let settings = Settings::from_json(&image.settings_json)
        .map_err(|e| format!("stored model is not valid: {e}"))?;
    let normalize = settings.normalize.clone();
    let placeholders = image.placeholders;
    let mut norms: Vec<NormalizedRecord> = image
        .records
        .par_iter()
        .map(|(record, _)| {
            NormalizedRecord::from_record(record, &normalize, &mut NormalizeReport::default())
        })
        .collect();
    // As in a batch run: full names are refiled by how the records use
    // their words.
    assign_name_roles(&mut norms, &normalize.name_roles, |i| {
        full_name_only(&image.records[i].0)
    });
    // And organisation keys ordered by the stored names' words.
    assign_org_keys(&mut norms, &normalize.org_key);
    let slots: Vec<Option<Box<Entry>>> = image
        .records
        .into_par_iter()
        .zip(norms.into_par_iter())
        .zip(identity_of.into_par_iter())
        .map(|(((record, seq), mut norm), identity)| {
            strip_known(&mut norm, &placeholders);
            Some(Box::new(Entry {
                record,
                norm,
                identity,
                seq,
            }))
        })
        .collect();
    State::build(Parts {
        settings,
        sources: image.sources,
        slots,
        identities,
        merged_into: image.merged_into.into_iter().collect::<HashMap<_, _>>(),
        next_identity: image.next_identity,
        clock: image.clock,
        placeholders,
        events: image.events,
        event_base: 0,
    })
    .map_err(|e| format!("stored model cannot be used: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::event::Event;

    fn image() -> Image {
        Image {
            settings_json: String::new(),
            sources: vec!["crm".into()],
            records: vec![(crate::record::Record::new(0, "1"), 1)],
            identities: vec![(0, vec![0])],
            merged_into: Vec::new(),
            next_identity: 3,
            clock: 1,
            placeholders: Vec::new(),
            events: vec![LoggedEvent {
                seq: 0,
                event: Event::Retired { identity: 2 },
            }],
        }
    }

    fn reason(image: Image) -> String {
        build(image).err().unwrap_or_default()
    }

    #[test]
    fn inconsistent_images_are_refused() {
        // Merges that would loop (2 -> 1 -> 2) or point to a newer id.
        let mut looped = image();
        looped.merged_into = vec![(1, 2), (2, 1)];
        assert!(reason(looped).contains("inconsistent"));
        let mut live = image();
        live.merged_into = vec![(0, 0)];
        assert!(reason(live).contains("inconsistent"));
        // A record in two identities, or in none.
        let mut twice = image();
        twice.identities = vec![(0, vec![0]), (1, vec![0])];
        assert!(reason(twice).contains("two identities"));
        let mut orphan = image();
        orphan.identities.clear();
        assert!(reason(orphan).contains("no identity"));
        let mut stray = image();
        stray.identities = vec![(0, vec![5])];
        assert!(reason(stray).contains("names record 5"));
        let mut source = image();
        source.records[0].0.source = 9;
        assert!(reason(source).contains("unknown source"));
        let mut log = image();
        log.events[0].seq = 4;
        assert!(reason(log).contains("out of sequence"));
        // Structurally sound, but no model: refused too.
        assert!(reason(image()).contains("stored model is not valid"));
    }
}
