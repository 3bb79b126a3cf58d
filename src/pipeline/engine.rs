//! Entry points for running the pipeline on an external query engine (the
//! `linkage-datafusion` crate runs it as an Apache DataFusion plan, in
//! process or on a Ballista cluster).
//!
//! An engine moves records and pairs between partitions and processes, so
//! the decisions [`crate::Resolver`] makes over its in-memory vectors are
//! offered here one record, one pair or one connected component at a time:
//!
//! - a normalized record as bytes ([`encode_record`], [`decode_record`])
//!   and its term frequencies ([`encode_tf`], [`RecordTf`]);
//! - a pair's weights from its levels ([`pair_weight`]; levels come from
//!   [`crate::compare::compare_pair`]) and whether it is a link
//!   ([`LinkCut`]);
//! - the clustering rule on one connected component of the links
//!   ([`cluster_component`], judged by [`judge_cross`]) and cluster ids
//!   numbered as the core numbers them ([`number_clusters`]).
//!
//! Blocking's pieces are in [`crate::block`] ([`crate::block::block_key`],
//! [`crate::block::window_limit`], [`crate::block::window_order_key`],
//! [`crate::block::unseen_per_edge`]) and training's in
//! [`crate::score::patterns::PatternTable::add_counted`] and
//! [`crate::pipeline::train`].

use crate::cluster::{cluster_checked, ClusterSettings, Clustering, Cross, Decision, Link};
use crate::error::{Error, Result};
use crate::normalize::record::Attr;
use crate::normalize::NormalizedRecord;
use crate::score::{ModelWeights, PairWeight, TermFrequencies};
use crate::settings::Settings;

/// Appends the byte form of a normalized record to `out` (read back by
/// [`decode_record`]; the form is private to this version of the crate).
pub fn encode_record(r: &NormalizedRecord, out: &mut Vec<u8>) {
    r.write_bytes(out);
}

/// A record from the bytes [`encode_record`] wrote; an error (naming no
/// value) when they are not such bytes.
pub fn decode_record(bytes: &[u8]) -> Result<NormalizedRecord> {
    NormalizedRecord::read_bytes(bytes).ok_or_else(|| Error::Engine {
        context: "normalized record".into(),
        reason: format!(
            "{} bytes that are not a record written by this version",
            bytes.len()
        ),
    })
}

/// Appends record `r`'s term frequencies for `attrs` (those of
/// [`TermFrequencies::adjusted_attrs`]) to `out`: what scoring a pair
/// whose first record is `r` reads.
pub fn encode_tf(tf: &TermFrequencies, attrs: &[Attr], r: usize, out: &mut Vec<u8>) {
    for &attr in attrs {
        if let Some(f) = tf.get(attr, r) {
            out.push(attr as u8);
            out.extend_from_slice(&f.to_le_bytes());
        }
    }
}

/// One record's term frequencies, read from the bytes of [`encode_tf`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordTf {
    values: [Option<f32>; Attr::COUNT],
}

impl RecordTf {
    /// Reads the bytes [`encode_tf`] wrote (an empty slice: no
    /// frequencies).
    pub fn decode(bytes: &[u8]) -> Result<RecordTf> {
        let bad = || Error::Engine {
            context: "term frequencies".into(),
            reason: format!(
                "{} bytes that are not (attribute, frequency) entries",
                bytes.len()
            ),
        };
        if bytes.len() % 5 != 0 {
            return Err(bad());
        }
        let mut out = RecordTf::default();
        for e in bytes.chunks_exact(5) {
            let slot = out.values.get_mut(e[0] as usize).ok_or_else(bad)?;
            *slot = Some(f32::from_le_bytes([e[1], e[2], e[3], e[4]]));
        }
        Ok(out)
    }

    /// The frequency of the record's value of `attr`, if counted.
    pub fn get(&self, attr: Attr) -> Option<f32> {
        self.values[attr as usize]
    }
}

/// A pair's weights from its comparison levels and its first record's term
/// frequencies: what [`crate::score::Scorer::weight`] computes.
pub fn pair_weight(weights: &ModelWeights, levels: &[u8], tf_a: &RecordTf) -> PairWeight {
    weights.weight(levels, &|attr, _u| tf_a.get(attr))
}

/// The weights a pair must reach to be a link, and how a pair across two
/// groups is judged: the core's one decision code
/// ([`crate::cluster`]'s `Decision`), read from the settings.
pub struct LinkCut {
    decision: Decision,
}

impl LinkCut {
    /// The cut the run with `settings` applies.
    pub fn new(settings: &Settings) -> LinkCut {
        LinkCut {
            decision: Decision::new(settings),
        }
    }

    /// Whether a pair with weights `w` is a link: `Some(tentative)`.
    pub fn admits(&self, w: &PairWeight) -> Option<bool> {
        self.decision.admits(w)
    }

    /// The kind of link a pair with weights `w` is, as one number for a
    /// column: 0 a link, 1 a tentative link, 2 a tentative link that must
    /// be corroborated ([`crate::Settings::contested_threshold`]); `None`
    /// when it is no link. [`LinkCut::link_of_kind`] reads it back.
    pub fn link_kind(&self, w: &PairWeight) -> Option<i8> {
        self.decision.admits(w).map(|tentative| match tentative {
            false => 0,
            true if self.decision.needs_corroboration(w) => 2,
            true => 1,
        })
    }

    /// The link between records `a` and `b` of weight `weight` whose kind
    /// [`LinkCut::link_kind`] gave.
    pub fn link_of_kind(a: u32, b: u32, weight: f64, kind: i8) -> Link {
        Link {
            a,
            b,
            weight,
            tentative: kind >= 1,
            corroborate: kind == 2,
        }
    }
}

/// How clustering judges a pair across two groups from its weights (the
/// guard against chaining, corroboration, contradictions), as batch
/// clustering and the store judge it.
pub fn judge_cross(w: &PairWeight, cut: &LinkCut) -> Cross {
    cut.decision.cross(w)
}

/// The clustering rule applied to one connected component of the link
/// graph: `members` are its records' indices in ascending order, `links`
/// its links (between members, by those indices), `judge(a, b)` judges
/// any two members (by index). Returns the clustering of the members, by
/// their position in `members`. Every decision of the rule reads only
/// the links and records of the component, so clustering the components
/// apart gives the clusters of the whole run.
pub fn cluster_component(
    members: &[u32],
    links: &[Link],
    settings: &ClusterSettings,
    judge: impl Fn(u32, u32) -> Cross,
) -> Result<Clustering> {
    let local = |r: u32| {
        members
            .binary_search(&r)
            .map(|i| i as u32)
            .map_err(|_| Error::Engine {
                context: "connected component".into(),
                reason: format!("a link names record {r}, not a member of its component"),
            })
    };
    let mut mapped = Vec::with_capacity(links.len());
    for l in links {
        mapped.push(Link {
            a: local(l.a)?,
            b: local(l.b)?,
            ..*l
        });
    }
    Ok(cluster_checked(members.len(), mapped, settings, |a, b| {
        judge(members[a as usize], members[b as usize])
    }))
}

/// Cluster ids as the core numbers them: in input order of each cluster's
/// first record. `label[r]` is any value shared by exactly the records of
/// one cluster (a component and a cluster within it, say).
pub fn number_clusters(label: &[u64]) -> Vec<u32> {
    let mut ids: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    label
        .iter()
        .map(|l| {
            let next = ids.len() as u32;
            *ids.entry(*l).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::NormalizeRules;
    use crate::record::Record;
    use crate::schema::FieldKind;

    #[test]
    fn records_round_trip_through_bytes_and_garbage_is_refused() {
        let raw = Record::new(0, "1")
            .with(FieldKind::GivenName, "Ann")
            .with(FieldKind::Surname, "Lée")
            .with(FieldKind::DateOfBirth, "1967-09-27")
            .with(FieldKind::Email, "ann@lee.org");
        let r = NormalizedRecord::from_record(
            &raw,
            &NormalizeRules::default(),
            &mut Default::default(),
        );
        let mut bytes = Vec::new();
        encode_record(&r, &mut bytes);
        assert_eq!(decode_record(&bytes).unwrap(), r);
        assert!(decode_record(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode_record(&[]).is_err());
        assert!(decode_record(&[7; 80]).is_err());
    }

    #[test]
    fn term_frequencies_round_trip() {
        assert!(RecordTf::decode(&[1, 2, 3]).is_err());
        assert!(RecordTf::decode(&[200, 0, 0, 0, 0]).is_err());
        let mut b = vec![Attr::Surname as u8];
        b.extend_from_slice(&0.25f32.to_le_bytes());
        let tf = RecordTf::decode(&b).unwrap();
        assert_eq!(tf.get(Attr::Surname), Some(0.25));
        assert_eq!(tf.get(Attr::Given), None);
    }

    #[test]
    fn clusters_are_numbered_by_first_record() {
        assert_eq!(number_clusters(&[9, 4, 9, 7, 4]), vec![0, 1, 0, 2, 1]);
    }
}
