//! The organisation key: an organisation name's words ordered rarest first,
//! without the words that are common in this data.
//!
//! Which words of `Chicago Public Schools Early Learning Center` tell the
//! organisation apart depends on the data: in a file of Chicago sites
//! `chicago` and `center` are everybody's, elsewhere `chicago` is telling.
//! So after every record is normalized, each word's document frequency is
//! counted over the distinct normalized names (a name held by 600 records
//! of one company counts once, so one large entity does not make its own
//! name common), and [`Attr::OrgKey`] is written as the name's distinct
//! words, rarest first (ties alphabetically), leaving out the common ones:
//! those in more than [`OrgKeyRules::common_share`] of the distinct names
//! and in at least [`OrgKeyRules::common_min_names`] of them. A name whose
//! words are all common keeps its rarest one. Counts are sums, so the keys
//! do not depend on record order or thread count.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::record::{Attr, NormalizedRecord};

/// When a word of organisation names is too common to identify one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgKeyRules {
    /// A word found in more than this share of the distinct organisation
    /// names is common (5%: far more names than the few spellings one
    /// organisation has, in any data set of some size).
    #[serde(default = "default_common_share")]
    pub common_share: f64,
    /// ...and in at least this many distinct names, so that small data sets
    /// (where a share is a handful of names) keep their words.
    #[serde(default = "default_common_min_names")]
    pub common_min_names: u32,
}

fn default_common_share() -> f64 {
    0.05
}

fn default_common_min_names() -> u32 {
    20
}

impl Default for OrgKeyRules {
    fn default() -> Self {
        OrgKeyRules {
            common_share: default_common_share(),
            common_min_names: default_common_min_names(),
        }
    }
}

type Map = HashMap<Box<str>, u32, foldhash::fast::FixedState>;

/// Records per distinct organisation name, and distinct names per word.
#[derive(Debug, Clone, Default)]
pub struct OrgTokenCounts {
    names: Map,
    words: Map,
}

/// The distinct words of a name, in order of first appearance.
fn words(name: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in name.split(' ').filter(|w| !w.is_empty()) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

impl OrgTokenCounts {
    /// The counts of the organisation names of `records`.
    pub fn build<'a>(records: impl IntoIterator<Item = &'a NormalizedRecord>) -> OrgTokenCounts {
        let mut c = OrgTokenCounts::default();
        for r in records {
            if let Some(name) = r.get(Attr::Organisation) {
                c.add(name);
            }
        }
        c
    }

    /// Counts one more record holding `name`.
    pub fn add(&mut self, name: &str) {
        let n = self.names.entry(name.into()).or_default();
        *n += 1;
        if *n == 1 {
            for w in words(name) {
                *self.words.entry(w.into()).or_default() += 1;
            }
        }
    }

    /// Counts one record holding `name` less.
    pub fn remove(&mut self, name: &str) {
        let Some(n) = self.names.get_mut(name) else {
            return;
        };
        *n -= 1;
        if *n > 0 {
            return;
        }
        self.names.remove(name);
        for w in words(name) {
            if let Some(c) = self.words.get_mut(w) {
                *c -= 1;
                if *c == 0 {
                    self.words.remove(w);
                }
            }
        }
    }

    /// Distinct names counted.
    pub fn distinct_names(&self) -> usize {
        self.names.len()
    }

    /// Distinct names holding word `w`.
    pub fn names_with(&self, w: &str) -> u32 {
        self.words.get(w).copied().unwrap_or(0)
    }

    /// Whether a word held by `df` of `names` distinct names is common.
    fn common(df: u32, names: usize, rules: &OrgKeyRules) -> bool {
        df >= rules.common_min_names && f64::from(df) > rules.common_share * names as f64
    }

    /// Whether word `w` is common under `rules`.
    pub fn is_common(&self, w: &str, rules: &OrgKeyRules) -> bool {
        Self::common(self.names_with(w), self.distinct_names(), rules)
    }

    /// The key of `name`, counted: its distinct words, rarest first (ties
    /// alphabetically), common ones left out unless all are.
    pub fn key(&self, name: &str, rules: &OrgKeyRules) -> Option<String> {
        self.key_with(name, 0, rules)
    }

    /// The key of `name` as if it were counted with the others (a record
    /// not yet stored): a name not seen yet adds one to its words' counts.
    pub fn key_counted(&self, name: &str, rules: &OrgKeyRules) -> Option<String> {
        let new = u32::from(!self.names.contains_key(name));
        self.key_with(name, new, rules)
    }

    fn key_with(&self, name: &str, extra: u32, rules: &OrgKeyRules) -> Option<String> {
        let names = self.distinct_names() + extra as usize;
        let mut ws: Vec<(u32, &str)> = words(name)
            .into_iter()
            .map(|w| (self.names_with(w) + extra, w))
            .collect();
        ws.sort();
        let rarest = *ws.first()?;
        ws.retain(|&(df, _)| !Self::common(df, names, rules));
        if ws.is_empty() {
            ws.push(rarest);
        }
        Some(ws.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" "))
    }
}

/// The key of a name before any counts: its distinct words alphabetically
/// (what a record normalized on its own carries until the dataset pass).
pub fn plain_key(name: &str) -> Option<String> {
    let mut ws = words(name);
    ws.sort_unstable();
    (!ws.is_empty()).then(|| ws.join(" "))
}

/// Writes every record's [`Attr::OrgKey`] from the counts of all records'
/// organisation names; returns the common words left out of the keys,
/// most common first (shared by many names, so nobody's personal data).
pub fn assign_org_keys(records: &mut [NormalizedRecord], rules: &OrgKeyRules) -> Vec<String> {
    let counts = OrgTokenCounts::build(records.iter());
    if counts.distinct_names() == 0 {
        return Vec::new();
    }
    for r in records.iter_mut() {
        let Some(name) = r.get(Attr::Organisation) else {
            continue;
        };
        let key = counts.key(name, rules);
        if key.as_deref() != r.get(Attr::OrgKey) {
            r.set(Attr::OrgKey, key);
        }
    }
    let mut common: Vec<(u32, &str)> = counts
        .words
        .iter()
        .filter(|(w, _)| counts.is_common(w, rules))
        .map(|(w, &c)| (c, &**w))
        .collect();
    common.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    common.into_iter().map(|(_, w)| w.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::record::normalized;
    use crate::record::Record;
    use crate::schema::FieldKind;

    fn org(i: usize, name: &str) -> NormalizedRecord {
        normalized(&Record::new(0, i.to_string()).with(FieldKind::Organisation, name))
    }

    #[test]
    fn common_words_leave_the_key_and_rare_ones_lead() {
        // 40 distinct names with `center`; one company with 100 records.
        let mut records: Vec<NormalizedRecord> = (0..40)
            .map(|i| org(i, &format!("Site{i} Learning Center")))
            .collect();
        records.extend((0..100).map(|i| org(100 + i, "Zeta Learning Systems Inc")));
        records.push(org(500, "Acme Widgets"));
        let common = assign_org_keys(&mut records, &OrgKeyRules::default());
        assert_eq!(common, vec!["learning".to_string(), "center".to_string()]);
        assert_eq!(records[0].get(Attr::OrgKey), Some("site0"));
        // One entity's many records count once: `zeta` stays rare.
        assert_eq!(records[40].get(Attr::OrgKey), Some("systems zeta"));
        assert_eq!(records[140].get(Attr::OrgKey), Some("acme widgets"));
    }

    #[test]
    fn small_data_keeps_its_words_and_a_name_keeps_one() {
        // Every name shares `cafe`, but 10 names are below the minimum.
        let mut records: Vec<NormalizedRecord> =
            (0..10).map(|i| org(i, &format!("Cafe {i}x"))).collect();
        assign_org_keys(&mut records, &OrgKeyRules::default());
        assert_eq!(records[3].get(Attr::OrgKey), Some("3x cafe"));
        // All words common: the rarest is kept, alphabetical on ties.
        let rules = OrgKeyRules {
            common_share: 0.05,
            common_min_names: 2,
        };
        let mut records = vec![org(0, "Grill Cafe"), org(1, "Grill"), org(2, "Cafe")];
        assign_org_keys(&mut records, &rules);
        assert_eq!(records[0].get(Attr::OrgKey), Some("cafe"));
    }

    #[test]
    fn counts_follow_adds_and_removes() {
        let mut c = OrgTokenCounts::default();
        c.add("acme widgets");
        c.add("acme widgets");
        c.add("acme tools");
        assert_eq!((c.distinct_names(), c.names_with("acme")), (2, 2));
        c.remove("acme widgets");
        assert_eq!(c.names_with("widgets"), 1);
        c.remove("acme widgets");
        assert_eq!((c.distinct_names(), c.names_with("widgets")), (1, 0));
        c.remove("never seen");
        assert_eq!(plain_key("b a b").as_deref(), Some("a b"));
        // A record not stored yet is keyed as if counted with the others.
        let rules = OrgKeyRules::default();
        assert_eq!(
            c.key_counted("acme zed", &rules).as_deref(),
            Some("zed acme")
        );
        assert_eq!(
            c.key_counted("acme tools", &rules),
            c.key("acme tools", &rules)
        );
    }
}
