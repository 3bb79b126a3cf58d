//! Reference tables vendored from `shared/tables` (see `tables/README.md` for
//! sources and licenses), parsed once on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A lookup table keyed by folded words, with a fast fixed hasher (the
/// tables are read for every record and every compared pair).
pub type Table<V> = HashMap<&'static str, V, foldhash::fast::FixedState>;

const NICKNAMES: &str = include_str!("tables/nicknames.csv");
const STREET_SUFFIXES: &str = include_str!("tables/usps_street_suffixes.csv");
const UNIT_DESIGNATORS: &str = include_str!("tables/usps_unit_designators.csv");
const DIRECTIONALS: &str = include_str!("tables/usps_directionals.csv");
const STATES: &str = include_str!("tables/us_states.csv");
const GIVEN_ABBREVIATIONS: &str = include_str!("tables/given_abbreviations.csv");
const GIVEN_EQUIVALENTS: &str = include_str!("tables/given_equivalents.csv");

/// Parses a two-column `variant,standard` table (header skipped).
fn variant_table(text: &'static str) -> Table<&'static str> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split(',');
            let variant = cols.next()?.trim();
            let standard = cols.next()?.trim();
            (!variant.is_empty() && !standard.is_empty()).then_some((variant, standard))
        })
        .collect()
}

/// Street suffix spellings to the USPS standard (`avenue` -> `ave`).
pub fn street_suffixes() -> &'static Table<&'static str> {
    static T: OnceLock<Table<&str>> = OnceLock::new();
    T.get_or_init(|| variant_table(STREET_SUFFIXES))
}

/// Secondary unit designators to the USPS standard (`apartment` -> `apt`),
/// with the common extra spellings `apt`, `flat`, `no` and `number` added.
pub fn unit_designators() -> &'static Table<&'static str> {
    static T: OnceLock<Table<&str>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = variant_table(UNIT_DESIGNATORS);
        // The USPS table lists full words; people also type the standard forms
        // themselves, and British exports say "flat".
        let standards: Vec<&str> = t.values().copied().collect();
        for s in standards {
            t.entry(s).or_insert(s);
        }
        t.insert("flat", "apt");
        t.insert("apt", "apt");
        t.insert("ap", "apt");
        t.insert("appt", "apt");
        t
    })
}

/// Directionals to their USPS abbreviation (`north` -> `n`), including the
/// abbreviations themselves.
pub fn directionals() -> &'static Table<&'static str> {
    static T: OnceLock<Table<&str>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = variant_table(DIRECTIONALS);
        let standards: Vec<&str> = t.values().copied().collect();
        for s in standards {
            t.entry(s).or_insert(s);
        }
        t
    })
}

/// US state names and variants to the two-letter code.
pub fn us_states() -> &'static Table<&'static str> {
    static T: OnceLock<Table<&str>> = OnceLock::new();
    T.get_or_init(|| variant_table(STATES))
}

/// Abbreviated given names as old registers and census books write them
/// (`wm` -> `william`, `thos` -> `thomas`, `jno` -> `john`), folded and
/// without their dots. None of them is a name people go by (the table's
/// test checks that no abbreviation is a name the nickname table knows), so
/// the full name can replace it wherever it is written.
pub fn given_abbreviations() -> &'static Table<&'static str> {
    static T: OnceLock<Table<&str>> = OnceLock::new();
    T.get_or_init(|| variant_table(GIVEN_ABBREVIATIONS))
}

/// `(canonical, nickname)` rows of the nickname table, header skipped.
fn nickname_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    NICKNAMES.lines().skip(1).filter_map(|line| {
        let mut cols = line.split(',');
        let (canon, _, nick) = (cols.next()?.trim(), cols.next()?, cols.next()?.trim());
        (!canon.is_empty() && !nick.is_empty()).then_some((canon, nick))
    })
}

/// `(name, variant)` rows of the cross-language table, header skipped:
/// `john,johann`, `peter,pyotr`, `mary,maria`.
fn equivalent_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    variant_rows(GIVEN_EQUIVALENTS)
}

/// The rows of a two-column table, in file order, header skipped.
fn variant_rows(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines().skip(1).filter_map(|line| {
        let mut cols = line.split(',');
        let (a, b) = (cols.next()?.trim(), cols.next()?.trim());
        (!a.is_empty() && !b.is_empty()).then_some((a, b))
    })
}

/// A table of given names in both directions.
pub struct Nicknames {
    /// nickname -> canonical given names it can stand for, sorted.
    pub canonicals_of: Table<Vec<&'static str>>,
    /// nickname -> the one canonical name spelled most like it.
    pub canonical: Table<&'static str>,
    /// canonical name -> its nicknames, sorted.
    pub nicknames_of: Table<Vec<&'static str>>,
    /// name -> every other name the table relates to it (its canonical
    /// name, the canonical names it stands for, its nicknames and those of
    /// its canonical name), sorted, for typo matching.
    pub related: Table<Vec<&'static str>>,
}

/// The nickname table alone (`william` has nicknames `bill`, `will`, ...),
/// as vendored. The synthetic populations draw their nicknames from it.
pub fn nicknames() -> &'static Nicknames {
    static T: OnceLock<Nicknames> = OnceLock::new();
    T.get_or_init(|| build_names(&[]))
}

/// The given names the normalizer relates: the nickname table and the same
/// names in other languages (`johann`, `jean`, `giovanni`, `ivan` are
/// `john`; `pyotr`, `pierre`, `pieter` are `peter`; `maria`, `marie` are
/// `mary`). A name the cross-language table lists as a name of its own
/// (`peter`) is its own canonical name, whatever nickname rows point it
/// elsewhere (the nickname table lists `peter` under `patrick`); a variant
/// is its name's (`pyotr` -> `peter`).
pub fn given_names() -> &'static Nicknames {
    static T: OnceLock<Nicknames> = OnceLock::new();
    T.get_or_init(|| {
        let rows: Vec<(&str, &str)> = equivalent_rows().collect();
        build_names(&rows)
    })
}

/// Builds the tables from the nickname rows and `equivalents`
/// (`(name, variant)` rows of the cross-language table).
fn build_names(equivalents: &[(&'static str, &'static str)]) -> Nicknames {
    let mut canonicals_of: Table<Vec<&str>> = Table::default();
    let mut nicknames_of: Table<Vec<&str>> = Table::default();
    for (canon, nick) in nickname_rows().chain(equivalents.iter().copied()) {
        let entry = canonicals_of.entry(nick).or_default();
        if !entry.contains(&canon) {
            entry.push(canon);
        }
        let back = nicknames_of.entry(canon).or_default();
        if !back.contains(&nick) {
            back.push(nick);
        }
    }
    for v in canonicals_of.values_mut().chain(nicknames_of.values_mut()) {
        v.sort_unstable();
    }
    // The nickname table lists pairs in both directions (`bill,has_nickname,william`
    // too), so "canonical" is chosen by usage: a name with many listed
    // nicknames is a full name. Among a name and the names it is linked
    // to, keep those with at least half the most nicknames, then the one
    // spelled most like it: `bill` -> `william`, `william` -> `william`.
    // Usage is counted in the nickname table alone.
    let mut nick_count: HashMap<&str, usize> = HashMap::new();
    for (canon, _) in nickname_rows() {
        *nick_count.entry(canon).or_default() += 1;
    }
    let count = |n: &str| nick_count.get(n).copied().unwrap_or(0);
    let closest = |name: &str, pool: Vec<&'static str>| -> Option<&'static str> {
        pool.into_iter()
            .map(|c| (c, crate::compare::similarity::jaro_winkler(name, c)))
            .fold(None, |best: Option<(&str, f64)>, (c, sim)| match best {
                Some((b, s)) if s > sim || (s == sim && b <= c) => best,
                _ => Some((c, sim)),
            })
            .map(|b| b.0)
    };
    let mut canonical: Table<&str> = Table::default();
    for (nick, canons) in &canonicals_of {
        let mut pool: Vec<&str> = canons.clone();
        pool.push(nick);
        let most = pool.iter().map(|c| count(c)).max().unwrap_or(0);
        pool.retain(|c| 2 * count(c) >= most);
        canonical.insert(*nick, closest(nick, pool).unwrap_or(nick));
    }
    // Cross-language names: a name is its own canonical form, a variant
    // its name's (of several, the one spelled most like it: `jacobus` ->
    // `jacob`, not `james`).
    let mut heads_of: Table<Vec<&str>> = Table::default();
    for &(head, variant) in equivalents {
        heads_of.entry(variant).or_default().push(head);
    }
    for &(head, _) in equivalents {
        canonical.insert(head, head);
    }
    for (variant, heads) in &heads_of {
        if let Some(best) = closest(variant, heads.clone()) {
            canonical.insert(*variant, best);
        }
    }
    let empty = Vec::new();
    let list = |m: &Table<Vec<&'static str>>, k: &str| m.get(k).unwrap_or(&empty).clone();
    let related = canonicals_of
        .keys()
        .chain(nicknames_of.keys())
        .map(|&name| {
            let canon = canonical.get(name).copied().unwrap_or(name);
            let mut all = vec![canon];
            all.extend(list(&canonicals_of, name));
            all.extend(list(&nicknames_of, name));
            all.extend(list(&nicknames_of, canon));
            all.retain(|n| *n != name);
            all.sort_unstable();
            all.dedup();
            (name, all)
        })
        .collect();
    Nicknames {
        canonicals_of,
        canonical,
        nicknames_of,
        related,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load() {
        assert_eq!(street_suffixes().get("avenue"), Some(&"ave"));
        assert_eq!(street_suffixes().get("street"), Some(&"st"));
        assert_eq!(unit_designators().get("apartment"), Some(&"apt"));
        assert_eq!(unit_designators().get("ste"), Some(&"ste"));
        assert_eq!(directionals().get("north"), Some(&"n"));
        assert_eq!(directionals().get("sw"), Some(&"sw"));
        assert_eq!(us_states().get("california"), Some(&"ca"));
        assert!(nicknames().canonicals_of["bill"].contains(&"william"));
        assert!(nicknames().canonicals_of.len() > 1000);
    }

    #[test]
    fn nickname_table_alone_is_unchanged_by_other_languages() {
        // The synthetic populations read this table: its content is fixed.
        assert!(!nicknames().canonicals_of.contains_key("pyotr"));
        assert!(given_names().canonicals_of["pyotr"].contains(&"peter"));
    }

    #[test]
    fn canonical_forms_across_languages() {
        let c = |n: &'static str| given_names().canonical.get(n).copied().unwrap_or(n);
        for (variant, name) in [
            ("pyotr", "peter"),
            ("pierre", "peter"),
            ("johann", "john"),
            ("giovanni", "john"),
            ("guillaume", "william"),
            ("maria", "mary"),
            ("jacobus", "jacob"),
        ] {
            assert_eq!(c(variant), name, "{variant}");
        }
        // Names of their own keep their own form, whatever nickname rows
        // point elsewhere (`patrick,has_nickname,peter`).
        assert_eq!(c("peter"), "peter");
        assert_ne!(c("peter"), c("patrick"));
        assert_ne!(c("pyotr"), c("patrick"));
        assert_ne!(c("john"), c("jane"));
        assert_ne!(c("james"), c("jacob"), "two English names stay two");
        assert_eq!(c("bill"), "william", "nicknames keep their canonical name");
        assert_eq!(c("mohamed"), "muhammad");
        assert_eq!(c("jeffrey"), "geoffrey");
    }

    #[test]
    fn cross_language_rows_are_folded_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (name, variant) in equivalent_rows() {
            for w in [name, variant] {
                assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w:?}");
            }
            assert!(seen.insert((name, variant)), "{name},{variant} twice");
        }
        assert!(seen.len() > 300);
    }

    #[test]
    fn abbreviations_are_no_names() {
        let names = given_names();
        for (abbr, name) in variant_rows(GIVEN_ABBREVIATIONS) {
            assert!(
                !names.canonicals_of.contains_key(abbr) && !names.nicknames_of.contains_key(abbr),
                "{abbr} is a name of its own"
            );
            assert!(
                names.canonicals_of.contains_key(name) || names.nicknames_of.contains_key(name),
                "{abbr} -> {name}: a name the tables know"
            );
        }
        assert_eq!(given_abbreviations().get("wm"), Some(&"william"));
        assert_eq!(given_abbreviations().get("jno"), Some(&"john"));
    }
}
