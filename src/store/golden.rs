//! Golden records: one customer profile per identity, each field chosen
//! from the identity's records by survivorship rules (plain data, so they
//! can be configured in a file), each surviving value with its lineage,
//! and conflicting values reported.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::event::IdentityId;
use crate::explain::RecordRef;
use crate::normalize::record::{Attr, NormalizeReport};
use crate::normalize::{NormalizeRules, NormalizedRecord};
use crate::record::{Dataset, Record};
use crate::schema::FieldKind;

/// One survivorship rule. Rules are applied in order, each keeping only
/// the candidates it ranks best, until one value is left; the last tie is
/// broken by recency, then by source and record id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Survivorship {
    /// Drop values the normalizer rejects (an invalid email, phone, date
    /// or postcode never survives); a field with no valid value is left out.
    ValidOnly,
    /// The value from the record added or updated last.
    MostRecent,
    /// The value most records agree on (compared normalized, so
    /// `Bill@X.com` and `bill@x.com` count together).
    MostFrequent,
    /// The longest value (`Jonathan` over `Jon`, `12 Oak Street Apt 4`
    /// over `12 Oak St`).
    Longest,
    /// The value from the record with the most fields filled.
    MostComplete,
    /// The value from the source listed first in
    /// [`SurvivorshipRules::source_priority`]; unlisted sources come last.
    SourcePriority,
}

/// The rules for one field kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRules {
    /// The field.
    pub kind: FieldKind,
    /// Its rules, in order.
    pub rules: Vec<Survivorship>,
}

/// How golden records are built.
///
/// Address fields (street, house number, second line, city, state,
/// postcode, one-line address) survive together from one record, chosen
/// by the rules of `street` (else the default), so a golden address is
/// never stitched from two homes.
///
/// ```
/// use linkage::store::{FieldRules, Survivorship, SurvivorshipRules};
/// use linkage::FieldKind;
/// let rules = SurvivorshipRules {
///     source_priority: vec!["billing".into(), "crm".into()],
///     fields: vec![FieldRules {
///         kind: FieldKind::Street,
///         rules: vec![Survivorship::ValidOnly, Survivorship::SourcePriority, Survivorship::MostRecent],
///     }],
///     ..SurvivorshipRules::default()
/// };
/// let json = serde_json::to_string(&rules).unwrap();
/// assert_eq!(serde_json::from_str::<SurvivorshipRules>(&json).unwrap(), rules);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurvivorshipRules {
    /// Rules for fields without their own.
    pub default: Vec<Survivorship>,
    /// Rules per field kind.
    #[serde(default)]
    pub fields: Vec<FieldRules>,
    /// Sources, most trusted first, for [`Survivorship::SourcePriority`].
    #[serde(default)]
    pub source_priority: Vec<String>,
}

impl Default for SurvivorshipRules {
    /// Valid values only, then the most frequent, then the most recent.
    fn default() -> Self {
        SurvivorshipRules {
            default: vec![
                Survivorship::ValidOnly,
                Survivorship::MostFrequent,
                Survivorship::MostRecent,
            ],
            fields: Vec::new(),
            source_priority: Vec::new(),
        }
    }
}

impl SurvivorshipRules {
    fn for_kind(&self, kind: FieldKind) -> &[Survivorship] {
        self.fields
            .iter()
            .find(|f| f.kind == kind)
            .map_or(&self.default, |f| &f.rules)
    }
}

/// A record of an identity, as the golden record builder sees it.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The raw record.
    pub record: &'a Record,
    /// Its source name.
    pub source: &'a str,
    /// When it was added or last changed (higher is more recent).
    pub seq: u64,
}

/// A surviving value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldenValue {
    /// The field.
    pub kind: FieldKind,
    /// The value as the source had it.
    pub value: String,
    /// The record it came from.
    pub from: RecordRef,
    /// The rule that decided between different values (`None` when every
    /// record agreed or there was one).
    pub decided_by: Option<Survivorship>,
    /// How many of the identity's records hold this value (normalized).
    pub support: usize,
}

/// Different values of a field that should have one (two birth dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The field.
    pub kind: FieldKind,
    /// Each distinct value once, with the first record holding it.
    pub values: Vec<(String, RecordRef)>,
}

/// One identity's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldenRecord {
    /// The identity.
    pub identity: IdentityId,
    /// Its records.
    pub records: Vec<RecordRef>,
    /// One value per field present, in field-kind order.
    pub fields: Vec<GoldenValue>,
    /// Fields that should hold one value but hold several.
    pub conflicts: Vec<Conflict>,
}

const ADDRESS: &[FieldKind] = &[
    FieldKind::FullAddress,
    FieldKind::Street,
    FieldKind::HouseNumber,
    FieldKind::AddressLine2,
    FieldKind::City,
    FieldKind::State,
    FieldKind::Postcode,
];

/// Fields one person has one of: different values are a conflict.
const SINGLE_VALUED: &[FieldKind] = &[FieldKind::DateOfBirth, FieldKind::NationalId];

/// The attributes that say what a value of `kind` is, once normalized.
fn key_attrs(kind: FieldKind) -> &'static [Attr] {
    match kind {
        FieldKind::GivenName => &[Attr::Given],
        FieldKind::Surname => &[Attr::Surname, Attr::Suffix],
        FieldKind::MiddleName => &[Attr::Middle],
        FieldKind::NameSuffix => &[Attr::Suffix],
        FieldKind::Unit => &[Attr::Unit],
        FieldKind::FullName => &[Attr::Given, Attr::Middle, Attr::Surname, Attr::Suffix],
        FieldKind::Email => &[Attr::Email],
        FieldKind::Phone => &[Attr::Phone],
        FieldKind::Street => &[Attr::HouseNumber, Attr::Street, Attr::Unit],
        FieldKind::HouseNumber => &[Attr::HouseNumber],
        FieldKind::AddressLine2 => &[Attr::AddressLine2],
        FieldKind::City => &[Attr::City],
        FieldKind::State => &[Attr::State],
        FieldKind::Postcode => &[Attr::Postcode],
        FieldKind::FullAddress => &[
            Attr::HouseNumber,
            Attr::Street,
            Attr::Unit,
            Attr::City,
            Attr::Postcode,
        ],
        FieldKind::DateOfBirth => &[Attr::DateOfBirth],
        FieldKind::NationalId => &[Attr::NationalId],
        _ => &[],
    }
}

/// A value's normalized key, `None` when the normalizer rejects it.
fn value_key(kind: FieldKind, raw: &str, rules: &NormalizeRules) -> Option<String> {
    let r = Record::new(0, "").with(kind, raw);
    let n = NormalizedRecord::from_record(&r, rules, &mut NormalizeReport::default());
    let parts: Vec<&str> = key_attrs(kind).iter().filter_map(|a| n.get(*a)).collect();
    (!parts.is_empty()).then(|| parts.join("|"))
}

/// A candidate: one member's values for one field (or the address group).
struct Candidate<'a> {
    member: Member<'a>,
    values: Vec<(FieldKind, &'a str)>,
    /// Normalized key; `None` when some value is invalid.
    key: Option<String>,
}

impl Candidate<'_> {
    fn lineage(&self) -> RecordRef {
        RecordRef {
            source: self.member.source.to_string(),
            id: self.member.record.id.clone(),
        }
    }

    fn text_key(&self) -> String {
        self.key.clone().unwrap_or_else(|| {
            self.values
                .iter()
                .map(|(_, v)| v.trim().to_lowercase())
                .collect::<Vec<_>>()
                .join("|")
        })
    }
}

/// Keeps the best candidates by `rule`; true when it narrowed the set.
fn apply(rule: Survivorship, c: &mut Vec<Candidate<'_>>, rules: &SurvivorshipRules) -> bool {
    let before = c.len();
    if rule == Survivorship::ValidOnly {
        c.retain(|x| x.key.is_some());
        return c.len() < before;
    }
    let freq: HashMap<String, usize> = c.iter().fold(HashMap::new(), |mut m, x| {
        *m.entry(x.text_key()).or_default() += 1;
        m
    });
    let score = |x: &Candidate<'_>| -> i64 {
        match rule {
            Survivorship::MostRecent => x.member.seq as i64,
            Survivorship::MostFrequent => freq[&x.text_key()] as i64,
            Survivorship::Longest => x
                .values
                .iter()
                .map(|(_, v)| v.trim().chars().count() as i64)
                .sum(),
            Survivorship::MostComplete => x.member.record.fields.len() as i64,
            Survivorship::SourcePriority => {
                let rank = rules
                    .source_priority
                    .iter()
                    .position(|s| s == x.member.source)
                    .unwrap_or(rules.source_priority.len());
                -(rank as i64)
            }
            Survivorship::ValidOnly => 0,
        }
    };
    let Some(best) = c.iter().map(score).max() else {
        return false;
    };
    c.retain(|x| score(x) == best);
    c.len() < before
}

/// Picks one candidate by the rules; `decided_by` is the rule that
/// settled a choice between different values.
fn survive<'a>(
    mut c: Vec<Candidate<'a>>,
    order: &[Survivorship],
    rules: &SurvivorshipRules,
) -> Option<(Candidate<'a>, Option<Survivorship>, usize)> {
    let all = c.iter().map(Candidate::text_key).collect::<Vec<_>>();
    let distinct = |c: &[Candidate<'_>]| {
        let mut k: Vec<String> = c.iter().map(Candidate::text_key).collect();
        k.sort();
        k.dedup();
        k.len()
    };
    let mut decided_by = None;
    for &rule in order {
        let was = distinct(&c);
        if apply(rule, &mut c, rules)
            && was > 1
            && distinct(&c) < was
            && rule != Survivorship::ValidOnly
        {
            decided_by = Some(rule);
        }
        if c.is_empty() {
            return None;
        }
    }
    if distinct(&c) > 1 {
        decided_by = Some(Survivorship::MostRecent);
    }
    // Last ties: most recent, then source and id.
    c.sort_by(|x, y| {
        y.member
            .seq
            .cmp(&x.member.seq)
            .then(x.member.source.cmp(y.member.source))
            .then(x.member.record.id.cmp(&y.member.record.id))
    });
    let winner = c.into_iter().next()?;
    let key = winner.text_key();
    let support = all.iter().filter(|k| **k == key).count();
    Some((winner, decided_by, support))
}

/// Builds the golden record of an identity from its members.
pub fn golden_record(
    identity: IdentityId,
    members: &[Member<'_>],
    survivorship: &SurvivorshipRules,
    normalize: &NormalizeRules,
) -> GoldenRecord {
    let mut kinds: Vec<FieldKind> = members
        .iter()
        .flat_map(|m| m.record.fields.iter().map(|(k, _)| *k))
        .filter(|k| !matches!(k, FieldKind::RecordId | FieldKind::Ignore))
        .collect();
    kinds.sort();
    kinds.dedup();
    let mut fields = Vec::new();
    let mut conflicts = Vec::new();
    let (address, single): (Vec<FieldKind>, Vec<FieldKind>) =
        kinds.iter().partition(|k| ADDRESS.contains(k));
    for kind in single {
        let candidates: Vec<Candidate<'_>> = members
            .iter()
            .filter_map(|m| {
                let raw = m.record.get(kind)?;
                Some(Candidate {
                    member: *m,
                    values: vec![(kind, raw)],
                    key: value_key(kind, raw, normalize),
                })
            })
            .collect();
        if SINGLE_VALUED.contains(&kind) {
            let mut seen: Vec<(String, RecordRef)> = Vec::new();
            for c in candidates.iter().filter(|c| c.key.is_some()) {
                if !seen.iter().any(|(k, _)| Some(k) == c.key.as_ref()) {
                    seen.push((c.key.clone().unwrap_or_default(), c.lineage()));
                }
            }
            if seen.len() > 1 {
                conflicts.push(Conflict {
                    kind,
                    values: seen
                        .into_iter()
                        .map(|(k, from)| {
                            let raw = candidates
                                .iter()
                                .find(|c| c.key.as_deref() == Some(&k))
                                .map_or(k.clone(), |c| c.values[0].1.to_string());
                            (raw, from)
                        })
                        .collect(),
                });
            }
        }
        if let Some((w, decided_by, support)) =
            survive(candidates, survivorship.for_kind(kind), survivorship)
        {
            fields.push(GoldenValue {
                kind,
                value: w.values[0].1.to_string(),
                from: w.lineage(),
                decided_by,
                support,
            });
        }
    }
    if !address.is_empty() {
        let order = [FieldKind::Street, FieldKind::FullAddress]
            .into_iter()
            .find(|k| survivorship.fields.iter().any(|f| f.kind == *k))
            .map_or(&survivorship.default[..], |k| survivorship.for_kind(k));
        let candidates: Vec<Candidate<'_>> = members
            .iter()
            .filter_map(|m| {
                let values: Vec<(FieldKind, &str)> = address
                    .iter()
                    .filter_map(|k| m.record.get(*k).map(|v| (*k, v)))
                    .collect();
                if values.is_empty() {
                    return None;
                }
                let keys: Option<Vec<String>> = values
                    .iter()
                    .map(|(k, v)| value_key(*k, v, normalize))
                    .collect();
                Some(Candidate {
                    member: *m,
                    values,
                    key: keys.map(|k| k.join("/")),
                })
            })
            .collect();
        if let Some((w, decided_by, support)) = survive(candidates, order, survivorship) {
            for (kind, value) in &w.values {
                fields.push(GoldenValue {
                    kind: *kind,
                    value: value.to_string(),
                    from: w.lineage(),
                    decided_by,
                    support,
                });
            }
        }
    }
    fields.sort_by_key(|f| f.kind);
    GoldenRecord {
        identity,
        records: members
            .iter()
            .map(|m| RecordRef {
                source: m.source.to_string(),
                id: m.record.id.clone(),
            })
            .collect(),
        fields,
        conflicts,
    }
}

/// Golden records of a batch: one per cluster of `cluster_of` (indexed
/// by record), records ranked by input order for [`Survivorship::MostRecent`]
/// (a later row counts as more recent).
pub fn golden_records(
    data: &Dataset,
    cluster_of: &[u32],
    survivorship: &SurvivorshipRules,
    normalize: &NormalizeRules,
) -> Vec<GoldenRecord> {
    let clusters = cluster_of
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut members: Vec<Vec<Member<'_>>> = vec![Vec::new(); clusters];
    for (i, (r, &c)) in data.records.iter().zip(cluster_of).enumerate() {
        members[c as usize].push(Member {
            record: r,
            source: data.source_name(r),
            seq: i as u64,
        });
    }
    members
        .par_iter()
        .enumerate()
        .map(|(c, m)| golden_record(c as IdentityId, m, survivorship, normalize))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member<'a>(r: &'a Record, source: &'a str, seq: u64) -> Member<'a> {
        Member {
            record: r,
            source,
            seq,
        }
    }

    fn value(g: &GoldenRecord, kind: FieldKind) -> Option<&GoldenValue> {
        g.fields.iter().find(|f| f.kind == kind)
    }

    #[test]
    fn invalid_email_never_survives_and_frequency_counts_normalized() {
        let a = Record::new(0, "1").with(FieldKind::Email, "Bill.Smith@Gmail.com");
        let b = Record::new(1, "2").with(FieldKind::Email, "billsmith@gmail.com");
        let c = Record::new(2, "3").with(FieldKind::Email, "bill smith at gmail");
        let d = Record::new(2, "4").with(FieldKind::Email, "w.smith@work.example");
        let m = [
            member(&a, "crm", 1),
            member(&b, "web", 2),
            member(&c, "pos", 9),
            member(&d, "pos", 3),
        ];
        let g = golden_record(
            7,
            &m,
            &SurvivorshipRules::default(),
            &NormalizeRules::default(),
        );
        let e = value(&g, FieldKind::Email).unwrap();
        // The gmail address is held twice (dots do not count at gmail).
        assert_eq!(e.value, "billsmith@gmail.com");
        assert_eq!(e.support, 2);
        assert_eq!(e.decided_by, Some(Survivorship::MostFrequent));
        assert_eq!(e.from.source, "web");

        // Only invalid values: the field is left out.
        let only = [member(&c, "pos", 1)];
        let g = golden_record(
            1,
            &only,
            &SurvivorshipRules::default(),
            &NormalizeRules::default(),
        );
        assert!(value(&g, FieldKind::Email).is_none());
    }

    #[test]
    fn source_priority_decides_the_address_and_keeps_it_whole() {
        let web = Record::new(0, "w1")
            .with(FieldKind::Street, "12 Oak St")
            .with(FieldKind::City, "Springfield")
            .with(FieldKind::Postcode, "62704");
        let billing = Record::new(1, "b1")
            .with(FieldKind::Street, "400 Elm Avenue Apt 3")
            .with(FieldKind::Postcode, "62701");
        let rules = SurvivorshipRules {
            source_priority: vec!["billing".into()],
            fields: vec![FieldRules {
                kind: FieldKind::Street,
                rules: vec![Survivorship::ValidOnly, Survivorship::SourcePriority],
            }],
            ..SurvivorshipRules::default()
        };
        let m = [member(&web, "web", 5), member(&billing, "billing", 1)];
        let g = golden_record(3, &m, &rules, &NormalizeRules::default());
        assert_eq!(
            value(&g, FieldKind::Street).unwrap().value,
            "400 Elm Avenue Apt 3"
        );
        assert_eq!(value(&g, FieldKind::Postcode).unwrap().value, "62701");
        // Billing has no city: the web city is not stitched onto billing's street.
        assert!(value(&g, FieldKind::City).is_none());
        assert_eq!(
            value(&g, FieldKind::Street).unwrap().decided_by,
            Some(Survivorship::SourcePriority)
        );
    }

    #[test]
    fn two_birth_dates_are_a_conflict_and_recency_breaks_ties() {
        let a = Record::new(0, "1")
            .with(FieldKind::DateOfBirth, "1980-03-04")
            .with(FieldKind::GivenName, "Jon");
        let b = Record::new(0, "2")
            .with(FieldKind::DateOfBirth, "04/03/1980")
            .with(FieldKind::GivenName, "Jonathan");
        let c = Record::new(0, "3").with(FieldKind::DateOfBirth, "1980-04-03");
        let m = [
            member(&a, "crm", 1),
            member(&b, "crm", 2),
            member(&c, "crm", 3),
        ];
        let rules = SurvivorshipRules {
            fields: vec![FieldRules {
                kind: FieldKind::GivenName,
                rules: vec![Survivorship::Longest],
            }],
            ..SurvivorshipRules::default()
        };
        let g = golden_record(1, &m, &rules, &NormalizeRules::default());
        assert_eq!(value(&g, FieldKind::GivenName).unwrap().value, "Jonathan");
        assert_eq!(g.conflicts.len(), 1);
        assert_eq!(g.conflicts[0].kind, FieldKind::DateOfBirth);
        assert_eq!(g.conflicts[0].values.len(), 2);
        // 1980-04-03 is held twice once normalized (month first by default).
        let dob = value(&g, FieldKind::DateOfBirth).unwrap();
        assert_eq!(dob.support, 2);
        assert_eq!(dob.value, "1980-04-03");
    }
}
