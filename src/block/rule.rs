//! Blocking rules as data: a rule is a conjunction of keys; two records are
//! a candidate pair under a rule when every key is present and equal.

use std::hash::{BuildHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::normalize::phonetic::soundex;
use crate::normalize::record::{Attr, NormalizedRecord};

/// One part of a blocking key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKey {
    /// The whole normalized value.
    Exact {
        /// The attribute.
        attr: Attr,
    },
    /// The first `n` characters (values shorter than `n` are used whole).
    Prefix {
        /// The attribute.
        attr: Attr,
        /// Number of characters.
        n: usize,
    },
    /// The last `n` characters (phone last digits).
    Suffix {
        /// The attribute.
        attr: Attr,
        /// Number of characters.
        n: usize,
    },
    /// The first word (of an organisation key: its rarest word).
    FirstWord {
        /// The attribute.
        attr: Attr,
    },
    /// The last word (of an organisation name: `Philips` in
    /// `Koninklijke Philips`, whatever comes before it).
    LastWord {
        /// The attribute.
        attr: Attr,
    },
    /// The Soundex code of the first word.
    Soundex {
        /// The attribute.
        attr: Attr,
    },
    /// The value's distinct words, each cut to its first `n` characters,
    /// sorted: a typo or a dropped ending after the `n`th letter of any word
    /// (`ELECTRONIC` / `ELECTRONICS`, `PHILIPS` / `PHILLIPS`) keeps the key.
    WordPrefixSet {
        /// The attribute.
        attr: Attr,
        /// Number of characters kept of each word.
        n: usize,
    },
    /// Given name and surname as an unordered pair, so records with the
    /// two swapped (`Rice Susan` / `Susan Rice`) share the key.
    NameSet,
    /// The year of birth (partial and approximate dates have one too).
    BirthYear,
    /// Month and day of birth, whatever the year (full dates only).
    BirthMonthDay,
    /// The full date of birth, keyed as [`BlockKey::Exact`] on the date is;
    /// a partial date (a year, a year and month) has no key, since blocks
    /// of everyone born in a year would be huge.
    FullBirthDate,
}

impl BlockKey {
    /// Feeds this key's value for `r` into the hasher; false when missing.
    fn hash_into(&self, r: &NormalizedRecord, h: &mut impl Hasher) -> bool {
        match self {
            BlockKey::Exact { attr } => r.get(*attr).map(|v| v.hash(h)).is_some(),
            BlockKey::Prefix { attr, n } => r
                .get(*attr)
                .map(|v| v.chars().take(*n).for_each(|c| c.hash(h)))
                .is_some(),
            BlockKey::Suffix { attr, n } => r
                .get(*attr)
                .filter(|v| v.chars().count() >= *n)
                .map(|v| {
                    let skip = v.chars().count() - n;
                    v.chars().skip(skip).for_each(|c| c.hash(h))
                })
                .is_some(),
            BlockKey::FirstWord { attr } => r
                .get(*attr)
                .and_then(|v| v.split(' ').next())
                .filter(|w| !w.is_empty())
                .map(|w| w.hash(h))
                .is_some(),
            BlockKey::LastWord { attr } => r
                .get(*attr)
                .and_then(|v| v.split(' ').rfind(|w| !w.is_empty()))
                .map(|w| w.hash(h))
                .is_some(),
            BlockKey::Soundex { attr } => r
                .get(*attr)
                .map(|v| soundex(v.split(' ').next().unwrap_or(v)))
                .filter(|s| !s.is_empty())
                .map(|s| s.hash(h))
                .is_some(),
            BlockKey::WordPrefixSet { attr, n } => {
                let Some(v) = r.get(*attr) else {
                    return false;
                };
                let mut cut: Vec<&str> = v
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.char_indices().nth(*n).map_or(w, |(i, _)| &w[..i]))
                    .collect();
                if cut.is_empty() {
                    return false;
                }
                cut.sort_unstable();
                cut.dedup();
                cut.hash(h);
                true
            }
            BlockKey::NameSet => match (r.get(Attr::Given), r.get(Attr::Surname)) {
                (Some(g), Some(s)) => {
                    let (x, y) = if g <= s { (g, s) } else { (s, g) };
                    (x, y).hash(h);
                    true
                }
                _ => false,
            },
            BlockKey::BirthYear => r.dob.map(|d| d.year.hash(h)).is_some(),
            BlockKey::BirthMonthDay => r
                .dob
                .filter(|d| d.is_full())
                .map(|d| (d.month, d.day).hash(h))
                .is_some(),
            BlockKey::FullBirthDate => r
                .dob
                .filter(|d| d.is_full())
                .and_then(|_| r.get(Attr::DateOfBirth))
                .map(|v| v.hash(h))
                .is_some(),
        }
    }

    /// The attribute this key reads.
    pub fn attr(&self) -> Attr {
        match self {
            BlockKey::Exact { attr }
            | BlockKey::Prefix { attr, .. }
            | BlockKey::Suffix { attr, .. }
            | BlockKey::FirstWord { attr }
            | BlockKey::LastWord { attr }
            | BlockKey::WordPrefixSet { attr, .. }
            | BlockKey::Soundex { attr } => *attr,
            BlockKey::BirthYear | BlockKey::BirthMonthDay | BlockKey::FullBirthDate => {
                Attr::DateOfBirth
            }
            BlockKey::NameSet => Attr::Surname,
        }
    }

    /// Short description (`surname`, `soundex(surname)`, `first 3 of postcode`).
    pub fn describe(&self) -> String {
        match self {
            BlockKey::Exact { attr } => format!("{attr:?}"),
            BlockKey::Prefix { attr, n } => format!("first {n} of {attr:?}"),
            BlockKey::Suffix { attr, n } => format!("last {n} of {attr:?}"),
            BlockKey::FirstWord { attr } => format!("first word of {attr:?}"),
            BlockKey::LastWord { attr } => format!("last word of {attr:?}"),
            BlockKey::Soundex { attr } => format!("soundex({attr:?})"),
            BlockKey::WordPrefixSet { attr, n } => format!("first {n} of each word of {attr:?}"),
            BlockKey::NameSet => "given and surname in either order".into(),
            BlockKey::BirthYear => "birth year".into(),
            BlockKey::BirthMonthDay => "birth month and day".into(),
            BlockKey::FullBirthDate => "full DateOfBirth".into(),
        }
    }
}

/// A blocking rule: records agreeing on all keys are compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingRule {
    /// Name shown in reports.
    pub name: String,
    /// Keys that must all agree.
    pub keys: Vec<BlockKey>,
    /// Compare each record only with its neighbours in name order within
    /// its block (the window), whatever the block's size: for keys whose
    /// blocks hold many unrelated records (an organisation name's first or
    /// last word), where only near spellings are worth a comparison.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub neighbours_only: bool,
}

impl BlockingRule {
    /// A rule named after its keys.
    pub fn new(keys: Vec<BlockKey>) -> BlockingRule {
        let name = keys
            .iter()
            .map(BlockKey::describe)
            .collect::<Vec<_>>()
            .join(" & ");
        BlockingRule {
            name,
            keys,
            neighbours_only: false,
        }
    }

    /// A rule whose blocks are all compared through the window
    /// ([`BlockingRule::neighbours_only`]), named after its keys.
    pub fn neighbours(keys: Vec<BlockKey>) -> BlockingRule {
        let mut rule = BlockingRule::new(keys);
        rule.name.push_str(" (name-order neighbours)");
        rule.neighbours_only = true;
        rule
    }

    /// `limit` as this rule applies it: a neighbours-only rule compares
    /// every block larger than the window through it.
    pub fn limit(&self, limit: super::WindowLimit) -> super::WindowLimit {
        if self.neighbours_only {
            super::WindowLimit {
                cap: limit.cap.min(limit.window),
                window: limit.window,
            }
        } else {
            limit
        }
    }

    /// The rule's key for a record as a 64-bit hash, or `None` when any
    /// part is missing. Stable within a build (fixed-seed hashing).
    pub fn key(&self, r: &NormalizedRecord) -> Option<u64> {
        let mut h = foldhash::quality::FixedState::default().build_hasher();
        for (i, k) in self.keys.iter().enumerate() {
            i.hash(&mut h);
            if !k.hash_into(r, &mut h) {
                return None;
            }
        }
        Some(h.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::record::normalized;
    use crate::record::Record;
    use crate::schema::FieldKind;

    #[test]
    fn last_word_keys_the_name_whatever_comes_before() {
        let org = |id, name| normalized(&Record::new(0, id).with(FieldKind::Organisation, name));
        let rule = BlockingRule::new(vec![BlockKey::LastWord {
            attr: Attr::Organisation,
        }]);
        let a = org("1", "Electronics Konink Philips");
        let b = org("2", "Gloeilampenfab Philips");
        let c = org("3", "Philips Gloeilampenfab");
        assert!(rule.key(&a).is_some());
        assert_eq!(rule.key(&a), rule.key(&b));
        assert_ne!(rule.key(&b), rule.key(&c));
        // No organisation name, no key.
        let person = normalized(&Record::new(0, "4").with(FieldKind::Surname, "Philips"));
        assert_eq!(rule.key(&person), None);
    }

    #[test]
    fn a_neighbours_only_rule_windows_every_block_larger_than_the_window() {
        let keys = vec![BlockKey::FirstWord {
            attr: Attr::Organisation,
        }];
        let limit = crate::block::WindowLimit {
            cap: 100,
            window: 10,
        };
        assert_eq!(BlockingRule::new(keys.clone()).limit(limit), limit);
        let rule = BlockingRule::neighbours(keys);
        assert_eq!(
            rule.limit(limit),
            crate::block::WindowLimit {
                cap: 10,
                window: 10
            }
        );
        // Saved and read back, the rule keeps the flag.
        let json = serde_json::to_string(&rule).expect("serializes");
        let back: BlockingRule = serde_json::from_str(&json).expect("parses");
        assert!(back.neighbours_only);
    }

    #[test]
    fn partial_dates_block_by_year_but_not_by_full_date() {
        let year = normalized(&Record::new(0, "1").with(FieldKind::BirthYear, "1967"));
        let full = normalized(&Record::new(0, "2").with(FieldKind::DateOfBirth, "1967-09-27"));
        let parts = normalized(
            &Record::new(0, "3")
                .with(FieldKind::BirthYear, "1967")
                .with(FieldKind::BirthMonth, "9")
                .with(FieldKind::BirthDay, "27"),
        );
        let by_year = BlockingRule::new(vec![BlockKey::BirthYear]);
        assert!(by_year.key(&year).is_some());
        assert_eq!(by_year.key(&year), by_year.key(&full));
        let exact = BlockingRule::new(vec![BlockKey::FullBirthDate]);
        assert_eq!(exact.key(&year), None);
        assert!(exact.key(&full).is_some());
        assert_eq!(exact.key(&full), exact.key(&parts));
        // The same blocks as an exact rule on the date, for full dates.
        let old = BlockingRule::new(vec![BlockKey::Exact {
            attr: Attr::DateOfBirth,
        }]);
        assert_eq!(exact.key(&full), old.key(&full));
        let month_day = BlockingRule::new(vec![BlockKey::BirthMonthDay]);
        assert_eq!(month_day.key(&year), None);
        assert!(month_day.key(&full).is_some());
    }
}
