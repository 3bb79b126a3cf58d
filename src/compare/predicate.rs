//! The conditions a comparison level tests, as plain data.

use serde::{Deserialize, Serialize};

use super::similarity::{jaro_winkler, within_edits};
use crate::normalize::date::{Date, DatePrecision};
use crate::normalize::name::{
    initial_match, nickname_match, nickname_typo_match, other_language_match,
};
use crate::normalize::organisation::{acronym, short_form};
use crate::normalize::record::{Attr, NormalizedRecord};

/// A condition on a pair of normalized records. Comparison levels are
/// ordered lists of these; the first that holds decides the level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Predicate {
    /// Either record lacks any of these attributes.
    AnyNull {
        /// Attributes that must all be present on both sides.
        attrs: Vec<Attr>,
    },
    /// Neither record has this attribute.
    BothNull {
        /// The attribute.
        attr: Attr,
    },
    /// Exactly one record has this attribute.
    OneNull {
        /// The attribute.
        attr: Attr,
    },
    /// Both have the attribute and the values are equal.
    Exact {
        /// The attribute.
        attr: Attr,
    },
    /// Jaro-Winkler similarity at least `min`.
    JaroWinkler {
        /// The attribute.
        attr: Attr,
        /// Lowest similarity, 0..=1.
        min: f64,
    },
    /// Edit distance (with adjacent transpositions) at most `max`.
    EditDistance {
        /// The attribute.
        attr: Attr,
        /// Largest distance.
        max: usize,
    },
    /// The last `n` characters are equal (both values at least `n` long).
    SameEnding {
        /// The attribute.
        attr: Attr,
        /// Number of characters.
        n: usize,
    },
    /// The first `n` characters are equal (both values at least `n` long).
    SameStart {
        /// The attribute.
        attr: Attr,
        /// Number of characters.
        n: usize,
    },
    /// Both values present and with the same digits in the same order
    /// (`jsmith78` / `jsmiht78`, not `jsmith` / `jsmith5`).
    SameDigits {
        /// The attribute.
        attr: Attr,
    },
    /// Given names that the nickname table says can be the same (`bill` / `william`).
    Nickname,
    /// The same given name in another language (`johann` / `john`,
    /// `pyotr` / `pierre`), not a nickname.
    OtherLanguage,
    /// One given name is one typo away from a nickname of the other
    /// (`obb` / `robert`).
    NicknameTypo,
    /// One given name is an initial and the other, or one of its
    /// nicknames, starts with it (`b` / `william`).
    Initial,
    /// One given name (at least 3 letters) begins or ends the other: short
    /// forms by truncation (`liam` / `william`, `beth` / `elizabeth`,
    /// `chris` / `christopher`).
    ShortForm,
    /// The two attributes are swapped between the records (given name in
    /// the surname column), each side at least `min` Jaro-Winkler similar
    /// or, when one attribute is the given name, nicknames of each other.
    Swapped {
        /// First attribute (e.g. given name).
        first: Attr,
        /// Second attribute (e.g. surname).
        second: Attr,
        /// Lowest similarity of each crossed pair.
        min: f64,
    },
    /// The same email local part, spelled from the person's names alone
    /// (`frank.kelly`, `fkelly`, `kelly_frank`; no digits): namesakes share
    /// such a local part at other domains, so it repeats what the name
    /// comparisons weigh already.
    LocalPartFromName,
    /// Full dates of birth (year, month and day on both sides) that are
    /// equal. An exact-match level for term-frequency adjustment, like
    /// [`Predicate::Exact`] on the date, but a year or year and month alone
    /// never hold it, however equal: they are weaker evidence.
    DateExact,
    /// Full dates of birth with day and month swapped.
    DateTransposed,
    /// Full dates of birth whose `YYYYMMDD` digits differ by at most `max` edits.
    DateDigits {
        /// Largest edit distance.
        max: usize,
    },
    /// Dates of birth, at least one partial, whose every part known on both
    /// sides agrees, where the less precise of the two has `precision`:
    /// `month` for year and month agreeing with one side lacking the day,
    /// `year` for the year agreeing with one side holding the year alone.
    /// Approximate years are left to [`Predicate::ApproximateYear`].
    DatePartsAgree {
        /// How much the less precise date knows (`year` or `month`).
        precision: DatePrecision,
    },
    /// Dates of birth of which at least one is an approximate year (from an
    /// age), whose years differ by at most `within`.
    ApproximateYear {
        /// Largest difference in years.
        within: u16,
    },
    /// Full dates of birth in the same year (a partial date's agreement is
    /// [`Predicate::DatePartsAgree`]'s).
    SameYear,
    /// The same set of words, in any order (`acme widgets` / `widgets acme`).
    SameWordSet {
        /// The attribute (words separated by single spaces).
        attr: Attr,
    },
    /// The share of the shorter value's words found in the other value is
    /// at least `min` (the overlap coefficient; a word of five letters or
    /// more may be one typo off). Word order and words missing from one
    /// side do not matter: `philips electronics` is all of `koninklijke
    /// philips electronics`.
    WordOverlap {
        /// The attribute (words separated by single spaces).
        attr: Attr,
        /// Lowest share, 0..=1.
        min: f64,
    },
    /// The first words are equal (of an organisation key: the rarest word).
    SameFirstWord {
        /// The attribute.
        attr: Attr,
    },
    /// The initials of one record's `attr` (three words or more) spell the
    /// other's `attr` or `key` written as one word (`international
    /// business machines` / `ibm` or `i b m`).
    Acronym {
        /// The name whose initials are taken and compared.
        attr: Attr,
        /// A second form of the other record's name also compared.
        key: Attr,
    },
    /// Every listed condition holds.
    All {
        /// The conditions.
        of: Vec<Predicate>,
    },
    /// At least one listed condition holds.
    Any {
        /// The conditions.
        of: Vec<Predicate>,
    },
    /// Always holds: the last level of every comparison.
    Else,
}

/// Per-pair memo of Jaro-Winkler similarities, so that several levels
/// testing the same attribute at different thresholds compute it once.
#[derive(Debug, Clone)]
pub struct PairMemo {
    jw: [f32; Attr::COUNT],
}

impl Default for PairMemo {
    fn default() -> Self {
        PairMemo {
            jw: [f32::NAN; Attr::COUNT],
        }
    }
}

impl PairMemo {
    fn jaro_winkler(&mut self, attr: Attr, x: &str, y: &str) -> f64 {
        let slot = &mut self.jw[attr as usize];
        if slot.is_nan() {
            *slot = jaro_winkler(x, y) as f32;
        }
        f64::from(*slot)
    }
}

fn both<'a>(
    a: &'a NormalizedRecord,
    b: &'a NormalizedRecord,
    attr: Attr,
) -> Option<(&'a str, &'a str)> {
    Some((a.get(attr)?, b.get(attr)?))
}

/// Most words of a value compared word by word (longer values are cut).
const MAX_WORDS: usize = 32;

/// The words of a value, at most [`MAX_WORDS`].
fn word_list(v: &str) -> impl Iterator<Item = &str> {
    v.split(' ').filter(|w| !w.is_empty()).take(MAX_WORDS)
}

fn same_word_set(x: &str, y: &str) -> bool {
    let mut a: Vec<&str> = word_list(x).collect();
    let mut b: Vec<&str> = word_list(y).collect();
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    !a.is_empty() && a == b
}

/// Share of the shorter value's distinct words that the other holds (each
/// of its words matched once), a word of five letters or more allowed one
/// edit.
fn word_overlap(x: &str, y: &str) -> f64 {
    let mut a: Vec<&str> = word_list(x).collect();
    let mut b: Vec<&str> = word_list(y).collect();
    for v in [&mut a, &mut b] {
        v.sort_unstable();
        v.dedup();
    }
    // The words are matched greedily, so which side leads must not depend
    // on the argument order: the shorter list, of equal lengths the
    // lesser, leads (the overlap is symmetric).
    if (a.len(), &a) > (b.len(), &b) {
        std::mem::swap(&mut a, &mut b);
    }
    if a.is_empty() {
        return 0.0;
    }
    let mut used = [false; MAX_WORDS];
    let mut found = 0usize;
    for w in &a {
        let hit = b
            .iter()
            .position(|v| v == w)
            .filter(|&j| !used[j])
            .or_else(|| {
                (w.len() >= 5).then_some(())?;
                b.iter()
                    .enumerate()
                    .position(|(j, v)| !used[j] && v.len() >= 5 && within_edits(w, v, 1))
            });
        if let Some(j) = hit {
            used[j] = true;
            found += 1;
        }
    }
    found as f64 / a.len() as f64
}

fn first_word(v: &str) -> &str {
    v.split(' ').next().unwrap_or(v)
}

/// Fewest letters of an acronym compared: two letters (`ab`, `ge`) stand
/// for too many names to tell one.
const MIN_ACRONYM: usize = 3;

/// Whether `a`'s initials spell `b`'s `attr` or `key` written as one word.
fn acronym_of(a: &NormalizedRecord, b: &NormalizedRecord, attr: Attr, key: Attr) -> bool {
    let Some(initials) = a.get(attr).and_then(acronym) else {
        return false;
    };
    [attr, key].iter().any(|&x| {
        b.get(x)
            .and_then(short_form)
            .is_some_and(|s| s.len() >= MIN_ACRONYM && s == initials)
    })
}

/// Whether an email local part is made of the record's names alone: given
/// and surname in either order, either of them alone, or one with the
/// other's initial; separators ignored, no digits allowed.
fn spelled_from_name(local: &str, r: &NormalizedRecord) -> bool {
    if local.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let letters: String = local.chars().filter(|c| c.is_alphabetic()).collect();
    let squash = |v: &str| -> String { v.chars().filter(|c| c.is_alphabetic()).collect() };
    let (Some(g), Some(s)) = (
        r.get(Attr::Given).map(squash),
        r.get(Attr::Surname).map(squash),
    ) else {
        return false;
    };
    if letters.is_empty() || g.is_empty() || s.is_empty() {
        return false;
    }
    fn initial(w: &str) -> &str {
        &w[..w.chars().next().map_or(0, char::len_utf8)]
    }
    // `letters` is `x` followed by `y`.
    let joined = |x: &str, y: &str| letters.strip_prefix(x) == Some(y);
    letters == g
        || letters == s
        || joined(&g, &s)
        || joined(&s, &g)
        || joined(initial(&g), &s)
        || joined(&s, initial(&g))
        || joined(&g, initial(&s))
        || joined(initial(&s), &g)
}

/// Both dates of birth, when both are full (year, month and day known).
fn full_dates(a: &NormalizedRecord, b: &NormalizedRecord) -> Option<(Date, Date)> {
    let (x, y) = (a.dob?, b.dob?);
    (x.is_full() && y.is_full()).then_some((x, y))
}

/// Edits between two dates written as `YYYYMMDD` digits: substitutions,
/// plus one for a swap of two adjacent digits (no allocation).
fn date_digit_edits(x: Date, y: Date) -> usize {
    fn digits(d: Date) -> [u8; 8] {
        let (yr, m, dd) = (d.year, d.month, d.day);
        [
            (yr / 1000 % 10) as u8,
            (yr / 100 % 10) as u8,
            (yr / 10 % 10) as u8,
            (yr % 10) as u8,
            m / 10,
            m % 10,
            dd / 10,
            dd % 10,
        ]
    }
    let (a, b) = (digits(x), digits(y));
    let differing = (0..8).filter(|&i| a[i] != b[i]).count();
    let swapped = (0..7)
        .any(|i| a[i] != b[i] && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 1] != b[i + 1]);
    if differing == 2 && swapped {
        1
    } else {
        differing
    }
}

impl Predicate {
    /// Whether the condition holds for the pair. Symmetric in `a` and `b`.
    pub fn holds(&self, a: &NormalizedRecord, b: &NormalizedRecord) -> bool {
        self.holds_memo(a, b, &mut PairMemo::default())
    }

    /// [`Predicate::holds`] with similarities shared across the levels of
    /// one pair through `memo`.
    pub fn holds_memo(
        &self,
        a: &NormalizedRecord,
        b: &NormalizedRecord,
        memo: &mut PairMemo,
    ) -> bool {
        match self {
            Predicate::AnyNull { attrs } => attrs
                .iter()
                .any(|&x| a.get(x).is_none() || b.get(x).is_none()),
            Predicate::BothNull { attr } => a.get(*attr).is_none() && b.get(*attr).is_none(),
            Predicate::OneNull { attr } => a.get(*attr).is_none() != b.get(*attr).is_none(),
            Predicate::Exact { attr } => both(a, b, *attr).is_some_and(|(x, y)| x == y),
            Predicate::JaroWinkler { attr, min } => {
                both(a, b, *attr).is_some_and(|(x, y)| memo.jaro_winkler(*attr, x, y) >= *min)
            }
            Predicate::EditDistance { attr, max } => {
                both(a, b, *attr).is_some_and(|(x, y)| within_edits(x, y, *max))
            }
            Predicate::SameEnding { attr, n } => both(a, b, *attr).is_some_and(|(x, y)| {
                x.len() >= *n
                    && y.len() >= *n
                    && x.is_char_boundary(x.len() - n)
                    && y.is_char_boundary(y.len() - n)
                    && x[x.len() - n..] == y[y.len() - n..]
            }),
            Predicate::SameStart { attr, n } => both(a, b, *attr).is_some_and(|(x, y)| {
                let (mut cx, mut cy) = (x.chars(), y.chars());
                (0..*n).all(|_| matches!((cx.next(), cy.next()), (Some(p), Some(q)) if p == q))
            }),
            Predicate::SameDigits { attr } => both(a, b, *attr).is_some_and(|(x, y)| {
                x.chars()
                    .filter(char::is_ascii_digit)
                    .eq(y.chars().filter(char::is_ascii_digit))
            }),
            Predicate::Nickname => {
                both(a, b, Attr::Given).is_some_and(|(x, y)| nickname_match(x, y))
            }
            Predicate::OtherLanguage => {
                both(a, b, Attr::Given).is_some_and(|(x, y)| other_language_match(x, y))
            }
            Predicate::Initial => both(a, b, Attr::Given).is_some_and(|(x, y)| initial_match(x, y)),
            Predicate::NicknameTypo => {
                both(a, b, Attr::Given).is_some_and(|(x, y)| nickname_typo_match(x, y))
            }
            Predicate::ShortForm => both(a, b, Attr::Given).is_some_and(|(x, y)| {
                let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
                short.len() >= 3
                    && short.len() < long.len()
                    && (long.starts_with(short) || long.ends_with(short))
            }),
            Predicate::Swapped { first, second, min } => {
                match (a.get(*first), a.get(*second), b.get(*first), b.get(*second)) {
                    (Some(a1), Some(a2), Some(b1), Some(b2)) => {
                        // Names crossed over may also be nicknames of each
                        // other (`Dan Brady` / given `Brady`, surname `Daniel`).
                        let names = matches!(first, Attr::Given) || matches!(second, Attr::Given);
                        let close = |x: &str, y: &str| {
                            jaro_winkler(x, y) >= *min || names && nickname_match(x, y)
                        };
                        (a1 != a2 || b1 != b2) && close(a1, b2) && close(a2, b1)
                    }
                    _ => false,
                }
            }
            Predicate::LocalPartFromName => both(a, b, Attr::EmailLocal).is_some_and(|(x, y)| {
                x == y && (spelled_from_name(x, a) || spelled_from_name(x, b))
            }),
            Predicate::DateExact => full_dates(a, b).is_some_and(|(x, y)| x == y),
            Predicate::DateTransposed => full_dates(a, b).is_some_and(|(x, y)| {
                x.year == y.year && x.month == y.day && x.day == y.month && x != y
            }),
            Predicate::DateDigits { max } => {
                full_dates(a, b).is_some_and(|(x, y)| date_digit_edits(x, y) <= *max)
            }
            Predicate::DatePartsAgree { precision } => match (a.dob, b.dob) {
                (Some(x), Some(y)) if !x.approximate && !y.approximate => {
                    let known = x.precision().min(y.precision());
                    known == *precision
                        && known != DatePrecision::Day
                        && x.year == y.year
                        && (known == DatePrecision::Year || x.month == y.month)
                }
                _ => false,
            },
            Predicate::ApproximateYear { within } => match (a.dob, b.dob) {
                (Some(x), Some(y)) => {
                    (x.approximate || y.approximate) && x.year.abs_diff(y.year) <= *within
                }
                _ => false,
            },
            Predicate::SameYear => full_dates(a, b).is_some_and(|(x, y)| x.year == y.year),
            Predicate::SameWordSet { attr } => {
                both(a, b, *attr).is_some_and(|(x, y)| x == y || same_word_set(x, y))
            }
            Predicate::WordOverlap { attr, min } => {
                both(a, b, *attr).is_some_and(|(x, y)| word_overlap(x, y) >= *min)
            }
            Predicate::SameFirstWord { attr } => {
                both(a, b, *attr).is_some_and(|(x, y)| first_word(x) == first_word(y))
            }
            Predicate::Acronym { attr, key } => {
                acronym_of(a, b, *attr, *key) || acronym_of(b, a, *attr, *key)
            }
            Predicate::All { of } => of.iter().all(|p| p.holds_memo(a, b, memo)),
            Predicate::Any { of } => of.iter().any(|p| p.holds_memo(a, b, memo)),
            Predicate::Else => true,
        }
    }

    /// Adds the attributes this condition reads to `out`.
    pub fn attrs(&self, out: &mut Vec<Attr>) {
        match self {
            Predicate::AnyNull { attrs } => out.extend(attrs),
            Predicate::BothNull { attr }
            | Predicate::OneNull { attr }
            | Predicate::Exact { attr }
            | Predicate::JaroWinkler { attr, .. }
            | Predicate::EditDistance { attr, .. }
            | Predicate::SameEnding { attr, .. }
            | Predicate::SameStart { attr, .. }
            | Predicate::SameDigits { attr }
            | Predicate::SameWordSet { attr }
            | Predicate::WordOverlap { attr, .. }
            | Predicate::SameFirstWord { attr } => out.push(*attr),
            Predicate::Acronym { attr, key } => out.extend([*attr, *key]),
            // The names only qualify the local part; the field is the email.
            Predicate::LocalPartFromName => out.push(Attr::EmailLocal),
            Predicate::Nickname
            | Predicate::OtherLanguage
            | Predicate::NicknameTypo
            | Predicate::Initial
            | Predicate::ShortForm => out.push(Attr::Given),
            Predicate::Swapped { first, second, .. } => out.extend([*first, *second]),
            Predicate::DateExact
            | Predicate::DateTransposed
            | Predicate::DateDigits { .. }
            | Predicate::DatePartsAgree { .. }
            | Predicate::ApproximateYear { .. }
            | Predicate::SameYear => out.push(Attr::DateOfBirth),
            Predicate::All { of } | Predicate::Any { of } => of.iter().for_each(|p| p.attrs(out)),
            Predicate::Else => {}
        }
    }

    /// Whether the condition surely holds for two records that agree
    /// exactly on `attr` (an exact-match level's attribute, see
    /// [`Predicate::exact_attr`]), whatever else they hold: similarity
    /// thresholds, edit distances, word sets and overlaps of the attribute
    /// (or of one computed from it, [`Attr::follows_from`]); for the date
    /// of birth, digit edits and the same year of full dates. Conditions
    /// that need a difference (a transposition, a short form), a value's
    /// length or other attributes do not. Used to keep an exact agreement
    /// from weighing less than a weaker level it implies.
    pub fn implied_by_exact(&self, attr: Attr) -> bool {
        match self {
            Predicate::Exact { attr: a }
            | Predicate::JaroWinkler { attr: a, .. }
            | Predicate::EditDistance { attr: a, .. }
            | Predicate::SameDigits { attr: a }
            | Predicate::SameWordSet { attr: a }
            | Predicate::WordOverlap { attr: a, .. }
            | Predicate::SameFirstWord { attr: a } => a.follows_from(attr),
            Predicate::DateExact | Predicate::DateDigits { .. } | Predicate::SameYear => {
                attr == Attr::DateOfBirth
            }
            Predicate::All { of } => !of.is_empty() && of.iter().all(|p| p.implied_by_exact(attr)),
            Predicate::Any { of } => of.iter().any(|p| p.implied_by_exact(attr)),
            _ => false,
        }
    }

    /// The attribute whose value an exact-match level refers to, for
    /// term-frequency adjustment.
    pub fn exact_attr(&self) -> Option<Attr> {
        match self {
            Predicate::Exact { attr } => Some(*attr),
            Predicate::DateExact => Some(Attr::DateOfBirth),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::record::normalized;
    use crate::record::Record;
    use crate::schema::FieldKind;

    fn person(given: &str, surname: &str) -> NormalizedRecord {
        with_email(given, surname, "")
    }

    fn swapped(a: &NormalizedRecord, b: &NormalizedRecord) -> bool {
        Predicate::Swapped {
            first: Attr::Given,
            second: Attr::Surname,
            min: 0.92,
        }
        .holds_memo(a, b, &mut PairMemo::default())
    }

    fn with_email(given: &str, surname: &str, email: &str) -> NormalizedRecord {
        normalized(
            &Record::new(0, "R1")
                .with(FieldKind::GivenName, given)
                .with(FieldKind::Surname, surname)
                .with(FieldKind::Email, email),
        )
    }

    #[test]
    fn local_parts_spelled_from_the_names() {
        let p = Predicate::LocalPartFromName;
        let frank = |email| with_email("Frank", "Kelly", email);
        for (x, y) in [
            ("frank.kelly@hotmail.com", "frank.kelly@yahoo.com"),
            ("FKelly@aol.com", "fkelly@msn.com"),
            ("kelly_frank@x.org", "kelly_frank@y.org"),
            ("kelly@x.org", "kelly@y.org"),
        ] {
            assert!(p.holds(&frank(x), &frank(y)), "{x} {y}");
        }
        // Digits make a local part someone's own; other words are not names;
        // different local parts are not this level's.
        for (x, y) in [
            ("frank.kelly81@x.org", "frank.kelly81@y.org"),
            ("fk.sales@x.org", "fk.sales@y.org"),
            ("frank.kelly@x.org", "fkelly@y.org"),
        ] {
            assert!(!p.holds(&frank(x), &frank(y)), "{x} {y}");
        }
    }

    #[test]
    fn swapped_names_may_be_nicknames_or_typos_of_each_other() {
        // A till wrote `Dan Brady`; the CRM filed `Brady` as the given name.
        assert!(swapped(&person("Dan", "Brady"), &person("Brady", "Daniel")));
        assert!(swapped(
            &person("Bill", "Turner"),
            &person("Turner", "William")
        ));
        // A typo on one side still reads as the same two names crossed.
        assert!(swapped(
            &person("Jordan", "Brennan"),
            &person("Brenan", "Jordan")
        ));
        // Not swapped: the same order, another person, or one name only.
        assert!(!swapped(&person("Dan", "Brady"), &person("Dan", "Brady")));
        assert!(!swapped(&person("Dan", "Brady"), &person("Brady", "Susan")));
        assert!(!swapped(
            &person("Dan", "Brady"),
            &person("Kelly", "Daniel")
        ));
    }

    fn org(name: &str) -> NormalizedRecord {
        normalized(&Record::new(0, "O").with(FieldKind::Organisation, name))
    }

    fn org_level(a: &str, b: &str) -> String {
        let c = crate::compare::templates::organisation();
        let l = c.level_of(&org(a), &org(b));
        c.levels[l as usize].label.clone()
    }

    fn born(fields: &[(FieldKind, &str)]) -> NormalizedRecord {
        let mut r = Record::new(0, "R1");
        for (k, v) in fields {
            r.set(*k, *v);
        }
        normalized(&r)
    }

    fn level(a: &NormalizedRecord, b: &NormalizedRecord) -> String {
        let c = crate::compare::templates::date_of_birth();
        let l = c.level_of(a, b);
        assert_eq!(l, c.level_of(b, a), "symmetric");
        c.levels[l as usize].label.clone()
    }

    #[test]
    fn organisation_levels() {
        assert_eq!(org_level("ACME Inc.", "Acme Incorporated"), "exact");
        assert_eq!(
            org_level("Widgets Acme", "Acme Widgets Ltd"),
            "same key words"
        );
        assert_eq!(
            org_level("International Business Machines", "IBM Corp"),
            "acronym"
        );
        assert_eq!(
            org_level("I.B.M.", "International Business Machines"),
            "acronym"
        );
        assert_eq!(
            org_level(
                "Koninklijke Philips Electronics N.V.",
                "Philips Electronics"
            ),
            "key word overlap >= 0.8"
        );
        // A typo in a long word still overlaps.
        assert_eq!(
            org_level("Salvation Army Temple", "Salvaton Army"),
            "key word overlap >= 0.8"
        );
        assert_eq!(
            org_level("Acme Widgets Tools", "Acme Gadgets"),
            "rarest key word and overlap >= 0.5"
        );
        assert_eq!(
            org_level("Acme Gizmos", "Acme Widgets Intl"),
            "rarest key word and overlap >= 0.5"
        );
        assert_eq!(
            org_level("Northwind Traders", "Northwind Trader"),
            "key word overlap >= 0.8"
        );
        // Different organisations, and a person against a company.
        assert_eq!(org_level("Acme Widgets", "Globex Widgets"), "else");
        assert_eq!(org_level("IBM", "Intel"), "else");
        assert_eq!(org_level("Ab", "Acme Bank"), "else");
        let none = normalized(&Record::new(0, "P").with(FieldKind::GivenName, "Ann"));
        let c = crate::compare::templates::organisation();
        assert_eq!(c.level_of(&none, &org("Acme")), 0);
    }

    #[test]
    fn word_sets_and_overlaps() {
        assert!(same_word_set("b a", "a b a"));
        assert!(!same_word_set("a b", "a b c"));
        assert!(!same_word_set("", ""));
        assert_eq!(word_overlap("a b", "b c a"), 1.0);
        assert_eq!(word_overlap("a b c d", "a x"), 0.5);
        assert_eq!(word_overlap("", "a"), 0.0);
        // A short word must be spelt the same.
        assert_eq!(word_overlap("abc", "abd"), 0.0);
        assert_eq!(word_overlap("widgets", "widgetz"), 1.0);
    }

    #[test]
    fn word_overlap_is_symmetric_when_fuzzy_matches_compete() {
        // Words one edit apart compete for the same partner; the greedy
        // matching must not depend on which side is given first.
        let words = ["abcde", "abcdf", "abcdz", "abxde", "zbcde", "qqqqq"];
        let mut lists = Vec::new();
        for i in 0..words.len() {
            for j in 0..words.len() {
                lists.push(format!("{} {}", words[i], words[j]));
                for k in 0..words.len() {
                    lists.push(format!("{} {} {}", words[i], words[j], words[k]));
                }
            }
        }
        for x in &lists {
            for y in &lists {
                assert_eq!(word_overlap(x, y), word_overlap(y, x), "{x} / {y}");
            }
        }
    }

    #[test]
    fn date_levels_of_full_partial_and_approximate_dates() {
        use FieldKind::{Age, BirthDay as D, BirthMonth as M, BirthYear as Y, EventDate};
        let full = |s: &str| born(&[(FieldKind::DateOfBirth, s)]);
        let ym = |y: &str, m: &str| born(&[(Y, y), (M, m)]);
        let year = |y: &str| born(&[(Y, y)]);
        let about = |age: &str| born(&[(Age, age), (EventDate, "2010-06-01")]);
        let none = born(&[]);
        let d = full("1967-09-27");
        // Full dates: the levels they always had.
        assert_eq!(level(&d, &full("1967-09-27")), "exact");
        assert_eq!(
            level(&d, &born(&[(Y, "1967"), (M, "9"), (D, "27")])),
            "exact"
        );
        assert_eq!(
            level(&full("1967-09-07"), &full("1967-07-09")),
            "day and month transposed"
        );
        assert_eq!(level(&d, &full("1967-09-28")), "one digit off");
        assert_eq!(level(&d, &full("1967-03-11")), "same year");
        assert_eq!(level(&d, &full("1971-03-11")), "else");
        assert_eq!(level(&d, &none), "null");
        // Partial dates: agreeing as far as both go is its own level.
        let month = "year and month agree, one side without day";
        let yonly = "year agrees, one side year only";
        assert_eq!(level(&d, &ym("1967", "9")), month);
        assert_eq!(level(&ym("1967", "9"), &ym("1967", "Sep")), month);
        assert_eq!(level(&d, &year("1967")), yonly);
        assert_eq!(level(&year("1967"), &year("1967")), yonly);
        assert_eq!(level(&ym("1967", "9"), &year("1967")), yonly);
        // A year and month never transposes or is one digit off; a known
        // part that differs is a disagreement.
        assert_eq!(level(&d, &ym("1967", "10")), "else");
        assert_eq!(level(&d, &year("1968")), "else");
        assert_eq!(level(&year("1967"), &year("1976")), "else");
        assert_eq!(level(&ym("1967", "9"), &ym("1967", "12")), "else");
        // An approximate year (age 42 or 43 in 2010) is within one year.
        let approx = "approximate year within 1";
        assert_eq!(level(&about("43"), &d), approx);
        assert_eq!(level(&about("42"), &d), approx);
        assert_eq!(level(&about("42"), &year("1967")), approx);
        assert_eq!(level(&about("42"), &about("43")), approx);
        assert_eq!(level(&about("42"), &ym("1967", "1")), approx);
        assert_eq!(level(&about("40"), &d), "else");
        assert_eq!(level(&born(&[(Age, "42")]), &d), "null");
    }

    #[test]
    fn places_of_birth_with_and_without_their_county() {
        let c = crate::compare::templates::place_of_birth();
        let place = |v: &str| born(&[(FieldKind::PlaceOfBirth, v)]);
        let level = |a: &str, b: &str| {
            let l = c.level_of(&place(a), &place(b));
            assert_eq!(l, c.level_of(&place(b), &place(a)), "symmetric");
            c.levels[l as usize].label.clone()
        };
        let within = "one place within the other";
        assert_eq!(level("London", "London"), "exact");
        assert_eq!(level("London", "London, England"), within);
        assert_eq!(level("Boston, Mass.", "Boston"), within);
        assert_eq!(level("York, Yorks.", "York"), within);
        // Another place, or a place sharing only a word, disagrees.
        assert_eq!(level("New York", "New Orleans"), "else");
        assert_eq!(level("Boston, Mass.", "Boston, Lincs."), "else");
        assert_eq!(level("London", "Bristol"), "else");
        assert_eq!(level("London", ""), "null");
    }

    #[test]
    fn date_exact_is_term_frequency_adjusted_on_the_date() {
        assert_eq!(Predicate::DateExact.exact_attr(), Some(Attr::DateOfBirth));
        let mut attrs = Vec::new();
        Predicate::DatePartsAgree {
            precision: DatePrecision::Year,
        }
        .attrs(&mut attrs);
        assert_eq!(attrs, vec![Attr::DateOfBirth]);
    }
}
