//! The store's data and its operations, without locking: records by slot,
//! identities by id, the blocking index and value counts, the event log.
//! [`super::IdentityStore`] wraps this in a lock.

use std::collections::{BTreeMap, HashMap};

use super::event::{Event, IdentityId, LoggedEvent};
use super::frequency::ValueCounts;
use super::index::{with_headroom, BlockIndex};
use super::{Change, IdentityMatch, Outcome};
use crate::block::LinkMode;
use crate::cluster::{cluster_checked, refuses_join, Cross, Decision, Link};
use crate::compare::compare_pair;
use crate::error::{Error, Result};
use crate::explain::{PairExplanation, RecordRef};
use crate::normalize::name_roles::{assign_name_role, full_name_only};
use crate::normalize::org_key::OrgTokenCounts;
use crate::normalize::placeholder::{strip_known, Placeholder};
use crate::normalize::record::{Attr, NormalizeReport};
use crate::normalize::NormalizedRecord;
use crate::record::Record;
use crate::score::{probability, ModelWeights, PairWeight};
use crate::settings::Settings;

mod catch_up;

type KeyMap = HashMap<Box<str>, u32, foldhash::fast::RandomState>;

/// A stored record.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub record: Record,
    pub norm: NormalizedRecord,
    pub identity: IdentityId,
    /// Store clock at the record's last add or update (for "most recent").
    pub seq: u64,
}

/// Blocking keys of many records: `keys[n * rules + i]` is rule `i`'s key
/// of `slots[n]`.
#[derive(Debug, Default)]
pub(crate) struct BlockKeys {
    pub rules: usize,
    pub slots: Vec<u32>,
    pub keys: Vec<Option<u64>>,
}

impl BlockKeys {
    fn of_rule(&self, i: usize) -> Vec<(u64, u32)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(n, &slot)| self.keys[n * self.rules + i].map(|k| (k, slot)))
            .collect()
    }
}

/// Marks a record being added, before it has an identity.
const PENDING: IdentityId = IdentityId::MAX;

/// A candidate scored against a record.
#[derive(Debug, Clone)]
pub(crate) struct Scored {
    pub slot: u32,
    pub weight: PairWeight,
    pub levels: Vec<u8>,
}

/// A store: what defines it (`data`, saved to file) and what is derived
/// from it (rebuilt on load).
#[derive(Debug)]
pub(crate) struct State {
    pub data: Parts,
    weights: ModelWeights,
    /// The decision weights, the batch's ([`Decision`]).
    decision: Decision,
    /// Per source: record id -> slot.
    by_key: Vec<KeyMap>,
    index: BlockIndex,
    counts: ValueCounts,
    /// Organisation name words of the stored records, for the keys of
    /// records added later.
    org_words: OrgTokenCounts,
}

/// Everything that defines a store; the rest is derived.
#[derive(Debug)]
pub(crate) struct Parts {
    pub settings: Settings,
    pub sources: Vec<String>,
    pub slots: Vec<Option<Box<Entry>>>,
    /// Live identities and their records (in the order they joined).
    pub identities: BTreeMap<IdentityId, Vec<u32>>,
    /// Absorbed identity -> the one that absorbed it.
    pub merged_into: HashMap<IdentityId, IdentityId>,
    pub next_identity: IdentityId,
    pub clock: u64,
    pub placeholders: Vec<Placeholder>,
    /// The event log from `event_base` on (a durable store keeps the log
    /// in its database and here only the events not yet written).
    pub events: Vec<LoggedEvent>,
    /// Sequence number of `events[0]`.
    pub event_base: u64,
}

impl State {
    /// Checks the model and builds the derived parts (index, counts).
    pub fn build(p: Parts) -> Result<State> {
        State::build_keyed(p, None)
    }

    /// `build`, with every live record's blocking keys already known
    /// (`keys`: rule by rule for each live slot in order, as the durable
    /// store keeps them).
    pub fn build_keyed(p: Parts, keys: Option<&BlockKeys>) -> Result<State> {
        p.settings.validate()?;
        if !p.settings.trained || p.settings.comparisons.is_empty() {
            return Err(Error::UntrainedModel);
        }
        if p.settings.blocking.rules.is_empty() {
            return Err(Error::Settings("the store needs blocking rules".into()));
        }
        let live: Vec<(u32, &NormalizedRecord)> = p
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|e| (i as u32, &e.norm)))
            .collect();
        let rules = p.settings.blocking.rules.clone();
        let max_block = p.settings.blocking.max_block_size;
        // The index, the value counts and the id maps are independent:
        // built side by side.
        let ((index, (counts, org_words)), by_key) = rayon::join(
            || {
                rayon::join(
                    || match keys {
                        Some(k) => BlockIndex::build_with(rules, max_block, |i, _| k.of_rule(i)),
                        None => BlockIndex::build(rules, max_block, &live),
                    },
                    || {
                        let norms: Vec<&NormalizedRecord> = live.iter().map(|x| x.1).collect();
                        (
                            ValueCounts::build(&p.settings.comparisons, &norms),
                            OrgTokenCounts::build(norms.iter().copied()),
                        )
                    },
                )
            },
            || {
                let mut by_key: Vec<KeyMap> = vec![KeyMap::default(); p.sources.len()];
                let mut per_source = vec![0usize; p.sources.len()];
                for e in p.slots.iter().flatten() {
                    per_source[e.record.source as usize] += 1;
                }
                for (m, n) in by_key.iter_mut().zip(per_source) {
                    m.reserve(with_headroom(n));
                }
                for (slot, e) in p.slots.iter().enumerate() {
                    if let Some(e) = e {
                        by_key[e.record.source as usize]
                            .insert(e.record.id.as_str().into(), slot as u32);
                    }
                }
                by_key
            },
        );
        drop(live);
        let mut p = p;
        p.slots
            .reserve(with_headroom(p.slots.len()) - p.slots.len());
        Ok(State {
            weights: ModelWeights::new(
                &p.settings.comparisons,
                p.settings.prior,
                p.settings.cluster.contradiction_weight,
            ),
            decision: Decision::new(&p.settings),
            data: p,
            by_key,
            index,
            counts,
            org_words,
        })
    }

    // ----- reading -----

    pub fn entry(&self, slot: u32) -> &Entry {
        self.data.slots[slot as usize]
            .as_ref()
            .expect("identity members are live slots")
    }

    pub fn record_ref(&self, slot: u32) -> RecordRef {
        self.ref_of(&self.entry(slot).record)
    }

    fn ref_of(&self, r: &Record) -> RecordRef {
        RecordRef {
            source: self.data.sources[r.source as usize].clone(),
            id: r.id.clone(),
        }
    }

    pub fn add_source(&mut self, name: &str) -> u32 {
        if let Some(i) = self.data.sources.iter().position(|s| s == name) {
            return i as u32;
        }
        self.data.sources.push(name.to_string());
        self.by_key.push(KeyMap::default());
        (self.data.sources.len() - 1) as u32
    }

    pub fn slot_of(&self, source: &str, id: &str) -> Option<u32> {
        let s = self.data.sources.iter().position(|x| x == source)?;
        self.by_key[s].get(id).copied()
    }

    pub fn resolve_id(&self, mut id: IdentityId) -> Option<IdentityId> {
        while let Some(&next) = self.data.merged_into.get(&id) {
            id = next;
        }
        self.data.identities.contains_key(&id).then_some(id)
    }

    fn check_source(&self, r: &Record) -> Result<()> {
        if (r.source as usize) < self.data.sources.len() {
            Ok(())
        } else {
            Err(Error::UnknownSource {
                id: r.id.clone(),
                source_index: r.source,
            })
        }
    }

    fn normalize(&self, r: &Record) -> NormalizedRecord {
        let mut n = NormalizedRecord::from_record(
            r,
            &self.data.settings.normalize,
            &mut NormalizeReport::default(),
        );
        strip_known(&mut n, &self.data.placeholders);
        // As in a batch run: a full name whose order its text cannot tell
        // is filed by how the stored records use its words.
        if full_name_only(r) {
            assign_name_role(&mut n, &self.data.settings.normalize.name_roles, |w| {
                (
                    self.counts.count(Attr::Given, w),
                    self.counts.count(Attr::Surname, w),
                )
            });
        }
        // As in a batch run: the organisation key is ordered (and common
        // words left out) by the stored names, this one counted with them.
        if let Some(name) = n.get(Attr::Organisation) {
            let key = self
                .org_words
                .key_counted(name, &self.data.settings.normalize.org_key);
            n.set(Attr::OrgKey, key);
        }
        n
    }

    /// Frequency lookup for `probe`'s values; `extra` = 1 when the probe
    /// is not counted in the store.
    fn tf<'s>(
        &'s self,
        probe: &'s NormalizedRecord,
        extra: u32,
    ) -> impl Fn(Attr, f64) -> Option<f32> + 's {
        move |attr, u| self.counts.frequency(probe, attr, u, extra)
    }

    fn levels(&self, a: &NormalizedRecord, b: &NormalizedRecord) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.settings.comparisons.len());
        compare_pair(&self.data.settings.comparisons, a, b, &mut out);
        out
    }

    /// What a pair of stored records says about joining their groups
    /// (batch clustering's judge of a pair across two groups).
    fn cross(&self, a: u32, b: u32) -> Cross {
        let (ea, eb) = (&self.entry(a).norm, &self.entry(b).norm);
        let w = self.weights.weight(&self.levels(ea, eb), &self.tf(ea, 0));
        self.decision.cross(&w)
    }

    /// Candidates of `probe` scored, strongest first (ties by slot).
    fn score(
        &self,
        probe: &NormalizedRecord,
        source: u32,
        extra: u32,
        skip: impl Fn(u32, &Entry) -> bool,
    ) -> Vec<Scored> {
        let mut slots = Vec::new();
        self.index.candidates(&self.index.keys(probe), &mut slots);
        let tf = self.tf(probe, extra);
        let mut out: Vec<Scored> = slots
            .into_iter()
            .filter_map(|s| {
                let e = self.data.slots[s as usize].as_ref()?;
                if skip(s, e)
                    || (self.data.settings.link_mode == LinkMode::LinkOnly
                        && e.record.source == source)
                {
                    return None;
                }
                let levels = self.levels(probe, &e.norm);
                let weight = self.weights.weight(&levels, &tf);
                Some(Scored {
                    slot: s,
                    weight,
                    levels,
                })
            })
            .collect();
        out.sort_by(|x, y| {
            y.weight
                .total
                .total_cmp(&x.weight.total)
                .then(x.slot.cmp(&y.slot))
        });
        out
    }

    fn is_link(&self, w: &PairWeight) -> bool {
        self.decision.is_link(w)
    }

    /// The strongest candidate of each identity, strongest first.
    fn best_per_identity<'a>(&self, scored: &'a [Scored]) -> Vec<(IdentityId, &'a Scored)> {
        let mut seen = std::collections::HashSet::new();
        scored
            .iter()
            .filter_map(|s| {
                let id = self.entry(s.slot).identity;
                seen.insert(id).then_some((id, s))
            })
            .collect()
    }

    /// Whether the link `link` may not join two groups, decided as batch
    /// clustering decides ([`refuses_join`]).
    fn blocked(
        &self,
        group: &[u32],
        other: &[u32],
        link: (u32, u32),
        probe: Option<&NormalizedRecord>,
        corroborate: bool,
    ) -> bool {
        refuses_join(
            group,
            other,
            link,
            &self.data.settings.cluster,
            corroborate,
            |x, y| self.cross_any(x, y, probe),
        )
    }

    /// `cross` where slot `u32::MAX` stands for an unstored probe.
    fn cross_any(&self, a: u32, b: u32, probe: Option<&NormalizedRecord>) -> Cross {
        const PROBE: u32 = u32::MAX;
        match (a == PROBE, b == PROBE, probe) {
            (true, _, Some(p)) | (_, true, Some(p)) => {
                let other = if a == PROBE { b } else { a };
                let w = self
                    .weights
                    .weight(&self.levels(p, &self.entry(other).norm), &self.tf(p, 1));
                self.decision.cross(&w)
            }
            _ => self.cross(a, b),
        }
    }

    fn log(&mut self, event: Event, out: &mut Vec<LoggedEvent>) {
        let e = LoggedEvent {
            seq: self.data.event_base + self.data.events.len() as u64,
            event,
        };
        out.push(e.clone());
        self.data.events.push(e);
    }

    fn explain(
        &self,
        probe: &NormalizedRecord,
        extra: u32,
        s: &Scored,
        a: RecordRef,
    ) -> PairExplanation {
        self.weights.explain(
            &self.data.settings.comparisons,
            &s.levels,
            &self.tf(probe, extra),
            a,
            self.record_ref(s.slot),
        )
    }

    // ----- questions -----

    /// The `k` identities most likely to hold `record`, strongest first.
    pub fn match_record(&self, record: &Record, k: usize) -> Result<Vec<IdentityMatch>> {
        self.check_source(record)?;
        let probe = self.normalize(record);
        let own = self.slot_of(&self.data.sources[record.source as usize], &record.id);
        let scored = self.score(&probe, record.source, 1, |s, _| Some(s) == own);
        let me = self.ref_of(record);
        Ok(self
            .best_per_identity(&scored)
            .into_iter()
            .take(k)
            .map(|(identity, s)| {
                let members = &self.data.identities[&identity];
                let is_match = self.is_link(&s.weight)
                    && !self.blocked(
                        &[u32::MAX],
                        members,
                        (u32::MAX, s.slot),
                        Some(&probe),
                        false,
                    );
                IdentityMatch {
                    identity,
                    probability: probability(s.weight.total),
                    weight: s.weight.total,
                    is_match,
                    explanation: self.explain(&probe, 1, s, me.clone()),
                }
            })
            .collect())
    }

    // ----- changes -----

    pub fn add(&mut self, record: Record) -> Result<Change> {
        self.check_source(&record)?;
        let source = record.source;
        if self.by_key[source as usize].contains_key(record.id.as_str()) {
            return Err(Error::DuplicateRecord {
                source_name: self.data.sources[source as usize].clone(),
                id: record.id.clone(),
            });
        }
        let norm = self.normalize(&record);
        let slot = self.data.slots.len() as u32;
        self.data.clock += 1;
        self.index.insert(slot, &self.index.keys(&norm));
        self.counts.add(&norm);
        if let Some(name) = norm.get(Attr::Organisation) {
            self.org_words.add(name);
        }
        self.by_key[source as usize].insert(record.id.as_str().into(), slot);
        self.data.slots.push(Some(Box::new(Entry {
            record,
            norm,
            identity: PENDING,
            seq: self.data.clock,
        })));
        let mut events = Vec::new();
        let scored = {
            let e = self.entry(slot);
            self.score(&e.norm, source, 0, |s, _| s == slot)
        };
        let (identity, outcome, links) = self.join(slot, None, &scored, &mut events);
        Ok(Change {
            record: self.record_ref(slot),
            identity,
            outcome,
            links,
            events,
        })
    }

    /// Joins record `slot` (in identity `own`, or in none yet) with the
    /// identities it links to, strongest first, as batch clustering would.
    fn join(
        &mut self,
        slot: u32,
        own: Option<IdentityId>,
        scored: &[Scored],
        events: &mut Vec<LoggedEvent>,
    ) -> (IdentityId, Outcome, Vec<PairExplanation>) {
        let mut current = own;
        let mut absorbed = Vec::new();
        let mut deciding = Vec::new();
        let me = self.record_ref(slot);
        let best = self.best_per_identity(scored);
        let mut links: Vec<(IdentityId, Scored)> = best
            .iter()
            .filter(|(_, s)| self.is_link(&s.weight))
            .map(|(id, s)| (*id, (*s).clone()))
            .collect();
        // A tentative link (weak, nothing against it) is taken as batch
        // clustering takes it: when it is the record's only link, to one
        // identity alone.
        let admitted: Vec<&(IdentityId, &Scored)> = best
            .iter()
            .filter(|(id, s)| Some(*id) != own && self.decision.admits(&s.weight).is_some())
            .collect();
        if links.is_empty() && admitted.len() == 1 {
            links.push((admitted[0].0, admitted[0].1.clone()));
        }
        for (k, s) in links {
            let k = match self.resolve_id(k) {
                Some(k) if Some(k) != current => k,
                _ => continue,
            };
            let single = [slot];
            let group: &[u32] = match current {
                Some(c) => &self.data.identities[&c],
                None => &single,
            };
            let corroborate = self.decision.needs_corroboration(&s.weight);
            if self.blocked(
                group,
                &self.data.identities[&k],
                (slot, s.slot),
                None,
                corroborate,
            ) {
                continue;
            }
            deciding.push(self.explain(&self.entry(slot).norm, 0, &s, me.clone()));
            current = Some(match current {
                None => {
                    self.data.identities.get_mut(&k).expect("live").push(slot);
                    self.set_identity(slot, k);
                    self.log(
                        Event::Attached {
                            identity: k,
                            record: me.clone(),
                        },
                        events,
                    );
                    k
                }
                Some(c) => {
                    let (into, from) = (c.min(k), c.max(k));
                    let moved = self.data.identities.remove(&from).unwrap_or_default();
                    for &m in &moved {
                        self.set_identity(m, into);
                    }
                    self.data
                        .identities
                        .get_mut(&into)
                        .expect("live")
                        .extend(moved);
                    self.data.merged_into.insert(from, into);
                    absorbed.push(from);
                    self.log(
                        Event::Merged {
                            into,
                            from,
                            by: me.clone(),
                        },
                        events,
                    );
                    into
                }
            });
        }
        let (identity, outcome) = match (current, own) {
            (None, _) => {
                let id = self.data.next_identity;
                self.data.next_identity += 1;
                self.data.identities.insert(id, vec![slot]);
                self.set_identity(slot, id);
                self.log(
                    Event::Created {
                        identity: id,
                        record: me,
                    },
                    events,
                );
                (id, Outcome::Created)
            }
            (Some(id), _) if !absorbed.is_empty() => (id, Outcome::Merged { absorbed }),
            (Some(id), None) => (id, Outcome::Attached),
            (Some(id), Some(_)) => (id, Outcome::Updated),
        };
        (identity, outcome, deciding)
    }

    fn set_identity(&mut self, slot: u32, id: IdentityId) {
        if let Some(e) = self.data.slots[slot as usize].as_mut() {
            e.identity = id;
        }
    }

    fn take_out(&mut self, slot: u32) {
        let e = self.data.slots[slot as usize].as_ref().expect("live slot");
        let keys = self.index.keys(&e.norm);
        self.index.remove(slot, &keys);
        self.counts.remove(&e.norm);
        if let Some(name) = e.norm.get(Attr::Organisation) {
            self.org_words.remove(name);
        }
    }

    fn put_in(&mut self, slot: u32) {
        let e = self.data.slots[slot as usize].as_ref().expect("live slot");
        let keys = self.index.keys(&e.norm);
        self.index.insert(slot, &keys);
        self.counts.add(&e.norm);
        if let Some(name) = e.norm.get(Attr::Organisation) {
            self.org_words.add(name);
        }
    }

    fn lookup(&self, source: &str, id: &str) -> Result<u32> {
        self.slot_of(source, id)
            .ok_or_else(|| Error::UnknownRecord {
                source_name: source.to_string(),
                id: id.to_string(),
            })
    }

    pub fn update(&mut self, record: Record) -> Result<Change> {
        self.check_source(&record)?;
        let source_name = self.data.sources[record.source as usize].clone();
        let slot = self.lookup(&source_name, &record.id)?;
        self.take_out(slot);
        let norm = self.normalize(&record);
        self.data.clock += 1;
        let clock = self.data.clock;
        let identity = {
            let e = self.data.slots[slot as usize].as_mut().expect("live slot");
            e.record = record;
            e.norm = norm;
            e.seq = clock;
            e.identity
        };
        self.put_in(slot);
        let me = self.record_ref(slot);
        let mut events = Vec::new();
        self.log(
            Event::Updated {
                identity,
                record: me.clone(),
            },
            &mut events,
        );
        self.recluster(identity, &mut events);
        let now = self.entry(slot).identity;
        let scored = {
            let e = self.entry(slot);
            self.score(&e.norm, e.record.source, 0, |_, other| {
                other.identity == now
            })
        };
        let (identity, outcome, links) = self.join(slot, Some(now), &scored, &mut events);
        Ok(Change {
            record: me,
            identity,
            outcome,
            links,
            events,
        })
    }

    pub fn remove(&mut self, source: &str, id: &str) -> Result<Change> {
        let slot = self.lookup(source, id)?;
        self.take_out(slot);
        let me = self.record_ref(slot);
        let e = self.data.slots[slot as usize].take().expect("live slot");
        self.by_key[e.record.source as usize].remove(e.record.id.as_str());
        self.data.clock += 1;
        let identity = e.identity;
        let mut events = Vec::new();
        self.log(
            Event::Removed {
                identity,
                record: me.clone(),
            },
            &mut events,
        );
        let members = self
            .data
            .identities
            .get_mut(&identity)
            .expect("live identity");
        members.retain(|&s| s != slot);
        if members.is_empty() {
            self.data.identities.remove(&identity);
            self.log(Event::Retired { identity }, &mut events);
        } else {
            self.recluster(identity, &mut events);
        }
        Ok(Change {
            record: me,
            identity,
            outcome: Outcome::Removed,
            links: Vec::new(),
            events,
        })
    }

    /// Re-clusters one identity's records among themselves (after one left
    /// or changed); parts that no longer hold together become new
    /// identities, the largest part keeping the id.
    fn recluster(&mut self, identity: IdentityId, events: &mut Vec<LoggedEvent>) {
        let members = self.data.identities[&identity].clone();
        if members.len() < 2 {
            return;
        }
        let mut links = Vec::new();
        for i in 0..members.len() {
            let ei = self.entry(members[i]);
            for (j, &mj) in members.iter().enumerate().skip(i + 1) {
                let ej = self.entry(mj);
                if self.data.settings.link_mode == LinkMode::LinkOnly
                    && ei.record.source == ej.record.source
                {
                    continue;
                }
                let w = self
                    .weights
                    .weight(&self.levels(&ei.norm, &ej.norm), &self.tf(&ei.norm, 0));
                if self.is_link(&w) {
                    links.push(Link {
                        a: i as u32,
                        b: j as u32,
                        weight: w.total,
                        tentative: false,
                        corroborate: false,
                    });
                }
            }
        }
        let c = cluster_checked(members.len(), links, &self.data.settings.cluster, |a, b| {
            self.cross(members[a as usize], members[b as usize])
        });
        let mut parts: Vec<Vec<u32>> = c
            .members()
            .into_iter()
            .map(|p| p.into_iter().map(|i| members[i as usize]).collect())
            .collect();
        if parts.len() < 2 {
            return;
        }
        // Largest first; ties keep member order (the part with the earliest member first).
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut parts = parts.into_iter();
        let keep = parts.next().unwrap_or_default();
        self.data.identities.insert(identity, keep);
        for part in parts {
            let id = self.data.next_identity;
            self.data.next_identity += 1;
            for &s in &part {
                self.set_identity(s, id);
            }
            let records = part.iter().map(|&s| self.record_ref(s)).collect();
            self.data.identities.insert(id, part);
            self.log(
                Event::Split {
                    from: identity,
                    into: id,
                    records,
                },
                events,
            );
        }
    }
}
