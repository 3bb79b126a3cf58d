//! Which word of a one-column full name is the given name, decided from
//! the data. `Sandra` or `WILSON` alone, and `Morse Bobby` written surname
//! first without a comma, cannot be read from their text: the parser files
//! a single word as a surname and takes the first of two as the given name.
//! How often each word stands as a given name or as a surname in the rest
//! of the same dataset settles it: `april` is a given name in every other
//! record that holds it, `wilson` a surname.

use std::collections::HashMap;

use super::name::canonical_given;
use super::record::{Attr, NormalizedRecord};
use crate::record::Record;
use crate::schema::FieldKind;

/// When the data's use of a name's words refiles it (saved with the model).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NameRoleRules {
    /// How much likelier (smoothed counts) one role must be than the other
    /// before a name is refiled. Default 3.
    #[serde(default = "default_clear_ratio")]
    pub clear_ratio: f64,
    /// Times a word must have been seen in the role it is moved to.
    /// Default 2.
    #[serde(default = "default_min_seen")]
    pub min_seen: u32,
}

fn default_clear_ratio() -> f64 {
    3.0
}

fn default_min_seen() -> u32 {
    2
}

impl Default for NameRoleRules {
    fn default() -> Self {
        NameRoleRules {
            clear_ratio: default_clear_ratio(),
            min_seen: default_min_seen(),
        }
    }
}

/// Given-name and surname counts of each name word.
#[derive(Default)]
struct RoleCounts<'a> {
    given: HashMap<&'a str, u32, foldhash::fast::FixedState>,
    surname: HashMap<&'a str, u32, foldhash::fast::FixedState>,
}

impl RoleCounts<'_> {
    /// Times `w` is a given name and a surname, less `own` (the record
    /// being decided does not vote for itself).
    fn seen(&self, w: &str, own: (u32, u32)) -> (u32, u32) {
        let g = self.given.get(w).copied().unwrap_or(0);
        let s = self.surname.get(w).copied().unwrap_or(0);
        (g.saturating_sub(own.0), s.saturating_sub(own.1))
    }
}

/// Smoothed odds that a word seen `(given, surname)` times is a given name.
fn given_odds((given, surname): (u32, u32)) -> f64 {
    (f64::from(given) + 1.0) / (f64::from(surname) + 1.0)
}

/// True when a raw record's names come from a full-name column alone,
/// written without a comma: its order is the parser's guess.
pub fn full_name_only(r: &Record) -> bool {
    r.get(FieldKind::GivenName).is_none()
        && r.get(FieldKind::Surname).is_none()
        && r.get(FieldKind::FullName).is_some_and(|f| !f.contains(','))
}

/// Refiles the names of the records that `undecided(i)` says came from a
/// full-name column without a comma: a lone word that the dataset clearly
/// uses as a given name becomes the given name; two words whose first is
/// clearly a surname and second clearly a given name are swapped. Returns
/// how many records changed. Deterministic: counts do not depend on order.
pub fn assign_name_roles(
    records: &mut [NormalizedRecord],
    rules: &NameRoleRules,
    undecided: impl Fn(usize) -> bool,
) -> usize {
    let decide: Vec<usize> = (0..records.len()).filter(|&i| undecided(i)).collect();
    if decide.is_empty() {
        return 0;
    }
    let changes: Vec<(usize, Option<String>, Option<String>)> = {
        let mut counts = RoleCounts::default();
        let mut skip = decide.iter().peekable();
        for (i, r) in records.iter().enumerate() {
            // A lone word filed as a surname does not vote for itself.
            let lone = skip.next_if_eq(&&i).is_some()
                && r.get(Attr::Given).is_none()
                && r.get(Attr::Middle).is_none();
            if let Some(g) = r.get(Attr::Given) {
                *counts.given.entry(g).or_default() += 1;
            }
            if let (Some(s), false) = (r.get(Attr::Surname), lone) {
                *counts.surname.entry(s).or_default() += 1;
            }
        }
        decide
            .iter()
            .filter_map(|&i| {
                refiled(&records[i], rules, |w, own| counts.seen(w, own))
                    .map(|(given, surname)| (i, given, surname))
            })
            .collect()
    };
    for (i, given, surname) in changes.iter().cloned() {
        apply(&mut records[i], given, surname);
    }
    changes.len()
}

/// The given name and surname a record's full name should be filed as,
/// when the counts settle it (`None`: leave it as parsed). `seen(word, own)`
/// gives how often the data uses `word` as a given name and as a surname,
/// less `own`, this record's own votes when it is counted.
fn refiled(
    r: &NormalizedRecord,
    rules: &NameRoleRules,
    seen: impl Fn(&str, (u32, u32)) -> (u32, u32),
) -> Option<(Option<String>, Option<String>)> {
    let (min_seen, clear) = (rules.min_seen, rules.clear_ratio);
    if r.get(Attr::Middle).is_some() {
        return None;
    }
    match (r.get(Attr::Given), r.get(Attr::Surname)) {
        (None, Some(w)) => {
            let s = seen(w, (0, 0));
            (s.0 >= min_seen && given_odds(s) >= clear).then(|| (Some(w.to_string()), None))
        }
        (Some(first), Some(second)) => {
            let same = u32::from(first == second);
            let a = seen(first, (1, same));
            let b = seen(second, (same, 1));
            let clearly_swapped = a.1 >= min_seen
                && b.0 >= min_seen
                && given_odds(a) <= 1.0 / clear
                && given_odds(b) >= clear;
            // `HILL I.`: an initial after a word the data uses at least as
            // often as a surname is the given name.
            let initial_last = second.chars().count() == 1
                && first.chars().count() > 1
                && a.1 >= 1
                && given_odds(a) <= 1.0;
            (clearly_swapped || initial_last)
                .then(|| (Some(second.to_string()), Some(first.to_string())))
        }
        _ => None,
    }
}

fn apply(r: &mut NormalizedRecord, given: Option<String>, surname: Option<String>) {
    r.set(
        Attr::GivenCanonical,
        given.as_deref().map(|g| canonical_given(g).to_string()),
    );
    r.set(Attr::Given, given);
    r.set(Attr::Surname, surname);
}

/// [`assign_name_roles`] for one new record against counts kept elsewhere
/// (the incremental store's): `counts(word)` is how often the stored
/// records use `word` as a given name and as a surname, the record itself
/// not included. Returns whether the record changed.
pub fn assign_name_role(
    r: &mut NormalizedRecord,
    rules: &NameRoleRules,
    counts: impl Fn(&str) -> (u32, u32),
) -> bool {
    match refiled(r, rules, |w, _own| counts(w)) {
        Some((given, surname)) => {
            apply(r, given, surname);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::record::NormalizeReport;
    use crate::normalize::NormalizeRules;

    fn named(given: &str, surname: &str) -> NormalizedRecord {
        let r = Record::new(0, "x")
            .with(FieldKind::GivenName, given)
            .with(FieldKind::Surname, surname);
        NormalizedRecord::from_record(&r, &NormalizeRules::default(), &mut Default::default())
    }

    fn full(name: &str) -> NormalizedRecord {
        let r = Record::new(0, "x").with(FieldKind::FullName, name);
        NormalizedRecord::from_record(
            &r,
            &NormalizeRules::default(),
            &mut NormalizeReport::default(),
        )
    }

    #[test]
    fn lone_words_and_surname_first_names_follow_the_data() {
        let mut records = vec![
            named("April", "Bruce"),
            named("April", "Stone"),
            named("Bobby", "Morse"),
            named("Bobby", "Lane"),
            named("Ann", "Morse"),
            named("Jane", "Wilson"),
            named("Tom", "Wilson"),
            full("APRIL"),        // a given name elsewhere: refiled
            full("WILSON"),       // a surname elsewhere: stays
            full("Morse Bobby"),  // surname first: swapped
            full("Lane Tom"),     // Lane seen once as a surname: too little
            full("Zygmunt"),      // never seen: stays as parsed
            full("Mary Ann Lee"), // three words: left alone
            full("WILSON J."),    // a surname, then an initial: swapped
            full("April B."),     // a given name, then an initial: stays
        ];
        let n = records.len();
        let changed =
            assign_name_roles(&mut records, &NameRoleRules::default(), |i| i >= 7 && i < n);
        assert_eq!(changed, 3);
        fn names(r: &NormalizedRecord) -> (Option<&str>, Option<&str>) {
            (r.get(Attr::Given), r.get(Attr::Surname))
        }
        assert_eq!(names(&records[7]), (Some("april"), None));
        assert_eq!(records[7].get(Attr::GivenCanonical), Some("april"));
        assert_eq!(names(&records[8]), (None, Some("wilson")));
        assert_eq!(names(&records[9]), (Some("bobby"), Some("morse")));
        assert_eq!(records[9].get(Attr::GivenCanonical), Some("robert"));
        assert_eq!(names(&records[10]), (Some("lane"), Some("tom")));
        assert_eq!(names(&records[11]), (None, Some("zygmunt")));
        assert_eq!(names(&records[12]), (Some("mary"), Some("lee")));
        assert_eq!(names(&records[13]), (Some("j"), Some("wilson")));
        assert_eq!(names(&records[14]), (Some("april"), Some("b")));
    }

    #[test]
    fn one_record_against_counts_kept_elsewhere() {
        let full = |name: &str| {
            crate::normalize::record::normalized(
                &Record::new(0, "P1").with(FieldKind::FullName, name),
            )
        };
        // The store has seen `sandra` as a given name 3 times, `wilson` as
        // a surname 5 times.
        let counts = |w: &str| match w {
            "sandra" => (3, 0),
            "wilson" => (0, 5),
            _ => (0, 0),
        };
        let mut r = full("SANDRA");
        assert!(assign_name_role(&mut r, &NameRoleRules::default(), counts));
        assert_eq!(
            (r.get(Attr::Given), r.get(Attr::Surname)),
            (Some("sandra"), None)
        );
        let mut r = full("WILSON SANDRA");
        assert!(assign_name_role(&mut r, &NameRoleRules::default(), counts));
        assert_eq!(
            (r.get(Attr::Given), r.get(Attr::Surname)),
            (Some("sandra"), Some("wilson"))
        );
        // Unknown words, or too few sightings: left as parsed.
        let mut r = full("Morse Bobby");
        assert!(!assign_name_role(&mut r, &NameRoleRules::default(), counts));
        assert_eq!(r.get(Attr::Given), Some("morse"));
        let mut r = full("WILSON");
        assert!(!assign_name_role(&mut r, &NameRoleRules::default(), counts));
        assert_eq!(r.get(Attr::Surname), Some("wilson"));
    }
}
