//! Applying to a read-only store's state the changes its writer committed
//! (read by `store::refresh`). Everything is checked before anything is
//! changed, so a refresh that fails leaves the state as it was.

use std::collections::{BTreeSet, HashSet};

use super::{State, PENDING};
use crate::store::db::Reason;
use crate::store::event::IdentityId;
use crate::store::refresh::Changes;

impl State {
    /// Applies `c`: the records it names leave and come back as stored
    /// now, the identities it names are replaced, its merges recorded.
    pub(crate) fn catch_up(&mut self, c: Changes) -> Result<(), Reason> {
        let leaving = self.check(&c)?;
        let Changes {
            head,
            records,
            identities,
            merges,
        } = c;
        for name in &head.sources[self.data.sources.len()..] {
            self.add_source(name);
        }
        for &slot in &leaving {
            self.take_out(slot);
            if let Some(e) = self.data.slots[slot as usize].take() {
                self.by_key[e.record.source as usize].remove(e.record.id.as_str());
            }
        }
        let slots = head.slot_count as usize;
        if self.data.slots.len() < slots {
            self.data.slots.resize_with(slots, || None);
        }
        for (slot, mut e) in records.into_iter().filter_map(|(_, _, row)| row) {
            e.identity = PENDING;
            self.by_key[e.record.source as usize].insert(e.record.id.as_str().into(), slot);
            self.data.slots[slot as usize] = Some(e);
            self.put_in(slot);
        }
        for (id, members) in identities {
            match members {
                Some(m) => {
                    for &s in &m {
                        self.set_identity(s, id);
                    }
                    self.data.identities.insert(id, m);
                }
                None => {
                    self.data.identities.remove(&id);
                }
            }
        }
        self.data.merged_into.extend(merges);
        self.data.next_identity = head.next_identity;
        self.data.clock = head.clock;
        self.data.event_base = head.events;
        Ok(())
    }

    /// Checks that `c` applies to this state and leaves it consistent:
    /// sources only appended, no slot taken twice, every record named
    /// in exactly one identity, no identity emptied. Returns the slots
    /// that leave (the current slots of the records named), in order.
    fn check(&self, c: &Changes) -> Result<BTreeSet<u32>, Reason> {
        let known = self.data.sources.len();
        if c.head.sources.len() < known || c.head.sources[..known] != self.data.sources[..] {
            return Err("the stored sources changed; open the store again".into());
        }
        // Each new slot is an added record, one event at least: a count
        // beyond that is corrupt, not a size to allocate.
        let new_events = c.head.events.saturating_sub(self.data.event_base);
        if c.head.slot_count > self.data.slots.len() as u64 + new_events {
            return Err(format!(
                "slot count {} exceeds the records and events stored",
                c.head.slot_count
            ));
        }
        if (c.head.slot_count as usize) < self.data.slots.len()
            || c.head.next_identity < self.data.next_identity
            || c.head.clock < self.data.clock
        {
            return Err("the stored counters went back; open the store again".into());
        }
        let leaving: BTreeSet<u32> = c
            .records
            .iter()
            .filter_map(|(s, id, _)| self.by_key.get(*s as usize)?.get(id.as_str()).copied())
            .collect();
        let mut arriving = HashSet::new();
        for (slot, e) in c.records.iter().filter_map(|(_, _, row)| row.as_ref()) {
            let free = match self.data.slots.get(*slot as usize) {
                Some(Some(_)) => leaving.contains(slot),
                _ => true,
            };
            if u64::from(*slot) >= c.head.slot_count || !free || !arriving.insert(*slot) {
                return Err(format!("record slot {slot} is taken twice"));
            }
            if e.record.source as usize >= c.head.sources.len() {
                return Err(format!("record slot {slot} names an unknown source"));
            }
        }
        let staying = |s: u32| {
            !leaving.contains(&s) && self.data.slots.get(s as usize).is_some_and(|e| e.is_some())
        };
        let touched: HashSet<IdentityId> = c.identities.iter().map(|(id, _)| *id).collect();
        // A record that leaves leaves its identity, which must be named.
        if let Some(s) = leaving
            .iter()
            .find(|&&s| !touched.contains(&self.entry(s).identity))
        {
            return Err(format!(
                "record slot {s} left an identity the log does not name"
            ));
        }
        let mut placed = HashSet::new();
        for (id, members) in &c.identities {
            let Some(members) = members else { continue };
            if members.is_empty() || *id >= c.head.next_identity {
                return Err(format!("identity {id} is empty or out of range"));
            }
            for &s in members {
                if !arriving.contains(&s) && !staying(s) {
                    return Err(format!("identity {id} names record slot {s}, not stored"));
                }
                // A record that stays keeps an identity the changes did
                // not name only if no named identity takes it.
                let moved_from_untouched = staying(s)
                    && !arriving.contains(&s)
                    && !touched.contains(&self.entry(s).identity);
                if !placed.insert(s) || moved_from_untouched {
                    return Err(format!("record slot {s} belongs to two identities"));
                }
            }
        }
        // The records the changes touch all end in a named identity: the
        // ones that arrive, and the staying members of named identities.
        let orphan = arriving.iter().copied().chain(
            c.identities
                .iter()
                .filter_map(|(id, _)| self.data.identities.get(id))
                .flatten()
                .copied()
                .filter(|&s| staying(s)),
        );
        for s in orphan {
            if !placed.contains(&s) {
                return Err(format!("record slot {s} belongs to no identity"));
            }
        }
        Ok(leaving)
    }
}
