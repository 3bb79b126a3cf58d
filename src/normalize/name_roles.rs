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

/// How much likelier (smoothed counts) one role must be than the other
/// before a name is refiled.
const CLEAR_RATIO: f64 = 3.0;

/// Times a word must have been seen in the role it is moved to.
const MIN_SEEN: u32 = 2;

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
                let r = &records[i];
                if r.get(Attr::Middle).is_some() {
                    return None;
                }
                match (r.get(Attr::Given), r.get(Attr::Surname)) {
                    (None, Some(w)) => {
                        let seen = counts.seen(w, (0, 0));
                        (seen.0 >= MIN_SEEN && given_odds(seen) >= CLEAR_RATIO)
                            .then(|| (i, Some(w.to_string()), None))
                    }
                    (Some(first), Some(second)) => {
                        let same = u32::from(first == second);
                        let a = counts.seen(first, (1, same));
                        let b = counts.seen(second, (same, 1));
                        let clearly_swapped = a.1 >= MIN_SEEN
                            && b.0 >= MIN_SEEN
                            && given_odds(a) <= 1.0 / CLEAR_RATIO
                            && given_odds(b) >= CLEAR_RATIO;
                        // `HILL I.`: an initial after a word the data uses
                        // at least as often as a surname is the given name.
                        let initial_last = second.chars().count() == 1
                            && first.chars().count() > 1
                            && a.1 >= 1
                            && given_odds(a) <= 1.0;
                        (clearly_swapped || initial_last)
                            .then(|| (i, Some(second.to_string()), Some(first.to_string())))
                    }
                    _ => None,
                }
            })
            .collect()
    };
    for (i, given, surname) in &changes {
        let r = &mut records[*i];
        r.set(
            Attr::GivenCanonical,
            given.as_deref().map(|g| canonical_given(g).to_string()),
        );
        r.set(Attr::Given, given.clone());
        r.set(Attr::Surname, surname.clone());
    }
    changes.len()
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
        let changed = assign_name_roles(&mut records, |i| i >= 7 && i < n);
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
}
