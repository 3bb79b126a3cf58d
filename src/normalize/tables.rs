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

/// The nickname table in both directions.
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

/// The nickname table (`william` has nicknames `bill`, `will`, ...).
pub fn nicknames() -> &'static Nicknames {
    static T: OnceLock<Nicknames> = OnceLock::new();
    T.get_or_init(|| {
        let mut canonicals_of: Table<Vec<&str>> = Table::default();
        let mut nicknames_of: Table<Vec<&str>> = Table::default();
        for line in NICKNAMES.lines().skip(1) {
            let mut cols = line.split(',');
            let (Some(canon), Some(_), Some(nick)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let (canon, nick) = (canon.trim(), nick.trim());
            if canon.is_empty() || nick.is_empty() {
                continue;
            }
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
        // The table lists pairs in both directions (`bill,has_nickname,william`
        // too), so "canonical" is chosen by usage: a name with many listed
        // nicknames is a full name. Among a name and the names it is linked
        // to, keep those with at least half the most nicknames, then the one
        // spelled most like it: `bill` -> `william`, `william` -> `william`.
        let mut nick_count: HashMap<&str, usize> = HashMap::new();
        for line in NICKNAMES.lines().skip(1) {
            if let Some(name) = line.split(',').next() {
                *nick_count.entry(name.trim()).or_default() += 1;
            }
        }
        let count = |n: &str| nick_count.get(n).copied().unwrap_or(0);
        let canonical: Table<&str> = canonicals_of
            .iter()
            .map(|(nick, canons)| {
                let mut pool: Vec<&str> = canons.clone();
                pool.push(nick);
                let most = pool.iter().map(|c| count(c)).max().unwrap_or(0);
                let best = pool
                    .into_iter()
                    .filter(|c| 2 * count(c) >= most)
                    .map(|c| (c, crate::compare::similarity::jaro_winkler(nick, c)))
                    .fold(None, |best: Option<(&str, f64)>, (c, sim)| match best {
                        Some((b, s)) if s > sim || (s == sim && b <= c) => best,
                        _ => Some((c, sim)),
                    });
                (*nick, best.map_or(*nick, |b| b.0))
            })
            .collect();
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
    })
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
}
