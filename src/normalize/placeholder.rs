//! Placeholder values: an "identifier" held by far more records than any
//! real one (`none@none.com`, `000-000-0000`, a birth date of `1900-01-01`
//! typed when the real one was unknown) says nothing about identity. Such
//! values are removed after normalization, as if missing, and reported.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::record::{Attr, NormalizedRecord};

/// A value removed as a placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    /// The attribute.
    pub attr: Attr,
    /// The normalized value (shared by `count` records, so it is nobody's
    /// personal data).
    pub value: String,
    /// How many records held it.
    pub count: usize,
}

/// Attributes that identify one person (or one household, for phones), and
/// those derived from them that go with them.
const IDENTIFIERS: &[(Attr, &[Attr])] = &[
    (Attr::Email, &[Attr::EmailLocal, Attr::EmailDomain]),
    (Attr::Phone, &[]),
    (Attr::NationalId, &[]),
    (Attr::DateOfBirth, &[]),
];

/// When a value held by many records is a placeholder (saved with the model).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlaceholderRules {
    /// Fewest records that make a value a placeholder, whatever the data
    /// size. Default 100.
    #[serde(default = "default_min_count")]
    pub min_count: usize,
    /// A placeholder is held by this many times more records than the
    /// average value of its attribute. Default 50.
    #[serde(default = "default_times_mean")]
    pub times_mean: f64,
}

fn default_min_count() -> usize {
    100
}

fn default_times_mean() -> f64 {
    50.0
}

impl Default for PlaceholderRules {
    fn default() -> Self {
        PlaceholderRules {
            min_count: default_min_count(),
            times_mean: default_times_mean(),
        }
    }
}

/// Removes placeholder values in place and returns them, most common first.
pub fn remove_placeholders(
    records: &mut [NormalizedRecord],
    rules: &PlaceholderRules,
) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for &(attr, derived) in IDENTIFIERS {
        let mut counts: HashMap<&str, usize, foldhash::fast::FixedState> = HashMap::default();
        for r in records.iter() {
            // A year (or year and month) alone is shared by many people:
            // only full dates can be placeholders.
            if attr == Attr::DateOfBirth && !r.dob.is_some_and(|d| d.is_full()) {
                continue;
            }
            if let Some(v) = r.get(attr) {
                *counts.entry(v).or_default() += 1;
            }
        }
        if counts.is_empty() {
            continue;
        }
        let total: usize = counts.values().sum();
        let mean = total as f64 / counts.len() as f64;
        let limit = (rules.min_count as f64).max(rules.times_mean * mean);
        let mut junk: Vec<(String, usize)> = counts
            .into_iter()
            .filter(|(_, c)| *c as f64 >= limit)
            .map(|(v, c)| (v.to_string(), c))
            .collect();
        if junk.is_empty() {
            continue;
        }
        junk.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for r in records.iter_mut() {
            if r.get(attr)
                .is_some_and(|v| junk.iter().any(|(j, _)| j == v))
            {
                clear(r, attr, derived);
            }
        }
        found.extend(
            junk.into_iter()
                .map(|(value, count)| Placeholder { attr, value, count }),
        );
    }
    found
}

fn clear(r: &mut NormalizedRecord, attr: Attr, derived: &[Attr]) {
    r.set(attr, None);
    for d in derived {
        r.set(*d, None);
    }
    if attr == Attr::DateOfBirth {
        r.dob = None;
    }
}

/// Removes from one record the values already known as placeholders (a
/// record added later to an [`crate::store::IdentityStore`]).
pub fn strip_known(r: &mut NormalizedRecord, known: &[Placeholder]) {
    for &(attr, derived) in IDENTIFIERS {
        if r.get(attr)
            .is_some_and(|v| known.iter().any(|p| p.attr == attr && p.value == v))
        {
            clear(r, attr, derived);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::record::NormalizeReport;
    use crate::normalize::NormalizeRules;
    use crate::record::Record;
    use crate::schema::FieldKind;

    #[test]
    fn shared_junk_is_removed_and_real_values_kept() {
        let mut records: Vec<NormalizedRecord> = (0..400)
            .map(|i| {
                let email = if i % 3 == 0 {
                    "none@none.com".to_string()
                } else {
                    format!("p{i}@example.com")
                };
                let r = Record::new(0, i.to_string())
                    .with(FieldKind::Email, email)
                    .with(FieldKind::Phone, format!("555010{:04}", i % 200))
                    .with(
                        FieldKind::DateOfBirth,
                        if i < 150 {
                            "1900-01-01".to_string()
                        } else {
                            format!("19{:02}-{:02}-{:02}", 40 + i % 50, 1 + i % 12, 1 + i % 28)
                        },
                    );
                NormalizedRecord::from_record(
                    &r,
                    &NormalizeRules::default(),
                    &mut NormalizeReport::default(),
                )
            })
            .collect();
        let found = remove_placeholders(&mut records, &PlaceholderRules::default());
        let attrs: Vec<(Attr, &str, usize)> = found
            .iter()
            .map(|p| (p.attr, p.value.as_str(), p.count))
            .collect();
        assert_eq!(
            attrs,
            vec![
                (Attr::Email, "none@none.com", 134),
                (Attr::DateOfBirth, "1900-01-01", 150)
            ]
        );
        assert_eq!(records[0].get(Attr::Email), None);
        assert_eq!(records[0].get(Attr::EmailLocal), None);
        assert_eq!(records[0].dob, None);
        assert_eq!(records[1].get(Attr::Email), Some("p1@example.com"));
        // Each phone is shared by two records: real values, kept.
        assert!(records.iter().all(|r| r.get(Attr::Phone).is_some()));
        assert!(records[200].dob.is_some());
    }

    #[test]
    fn a_birth_year_shared_by_many_is_no_placeholder() {
        let mut records: Vec<NormalizedRecord> = (0..400)
            .map(|i| {
                let mut r = Record::new(0, i.to_string());
                if i < 300 {
                    r.set(FieldKind::BirthYear, "1967");
                } else {
                    r.set(FieldKind::DateOfBirth, format!("1960-01-{:02}", 1 + i % 28));
                }
                NormalizedRecord::from_record(
                    &r,
                    &NormalizeRules::default(),
                    &mut NormalizeReport::default(),
                )
            })
            .collect();
        assert!(remove_placeholders(&mut records, &PlaceholderRules::default()).is_empty());
        assert_eq!(records[0].get(Attr::DateOfBirth), Some("1967"));
    }
}
