//! Person names: honorifics and generational suffixes split off, initials
//! recognised, nicknames mapped to canonical given names.

use serde::{Deserialize, Serialize};

use super::tables::nicknames;
use super::text::{fold, fold_name};

/// Honorific words that are never a given name, so they are dropped even when
/// they are the only word (a `Mr` in the given-name column is no name).
fn is_honorific(token: &str) -> bool {
    matches!(
        token,
        "mr" | "mrs"
            | "ms"
            | "miss"
            | "mx"
            | "dr"
            | "prof"
            | "professor"
            | "rev"
            | "reverend"
            | "sir"
            | "dame"
            | "mme"
            | "mlle"
            | "herr"
            | "frau"
            | "sra"
            | "srta"
            | "capt"
            | "sgt"
            | "hon"
    )
}

/// Titles of rank, office and nobility (`Gen.`, `Col.`, `Revd.`, `Count`,
/// `Lord`, `Graf`, `Comte`) that lead a name in historical and official
/// records. Unlike honorifics they are taken off only when a name follows:
/// some are also surnames (`Lord`) or, rarely, given names.
fn is_title(token: &str) -> bool {
    matches!(
        token,
        "gen"
            | "general"
            | "col"
            | "colonel"
            | "maj"
            | "lt"
            | "cmdr"
            | "adm"
            | "admiral"
            | "captain"
            | "revd"
            | "rt"
            | "lord"
            | "count"
            | "countess"
            | "baroness"
            | "graf"
            | "grafin"
            | "freiherr"
            | "frhr"
            | "comte"
            | "comtesse"
            | "marquis"
            | "marquise"
    )
}

/// A word that leads a name without being one: an honorific or a title.
fn is_leading_title(token: &str) -> bool {
    is_honorific(token) || is_title(token)
}

/// The name without a maiden name written after it (`Marie Dubois (née
/// Martin)`, `Anna Weber geb. Koch`): the words from `née`, `nee`, `geb.`,
/// `geborene` or `born` on, in parentheses or not, are left out (the
/// married surname is the one the record is filed under).
fn without_maiden_name(raw: &str) -> &str {
    // `born` is a surname too (`Max Born`): a mark only in parentheses.
    const MARKS: [&str; 4] = ["nee", "geb", "geborene", "nata"];
    let mut start = 0;
    let words: Vec<&str> = raw
        .split_inclusive(|c: char| c.is_whitespace() || c == '(')
        .collect();
    for (i, word) in words.iter().enumerate() {
        let w = fold(word.trim_matches(|c: char| !c.is_alphanumeric()));
        let before = raw[..start].trim_end();
        let bracketed = before.ends_with('(');
        let named_after = words[i + 1..]
            .iter()
            .any(|w| w.chars().any(char::is_alphabetic));
        if start > 0 && named_after && (MARKS.contains(&w.as_str()) || (bracketed && w == "born")) {
            // Back to the opening parenthesis, if the mark follows one.
            let cut = before.strip_suffix('(').unwrap_or(before);
            return cut.trim_end();
        }
        start += word.len();
    }
    raw
}

/// The generational suffix a raw value holds on its own (`Jr.` -> `jr`,
/// `III` -> `iii`); `None` for degrees (`PhD`) and anything else.
pub fn generational_suffix(raw: &str) -> Option<&'static str> {
    let folded = fold(raw).replace('.', "");
    suffix_standard(folded.trim()).filter(|s| !s.is_empty())
}

/// The standard form of a generational suffix (`Junior` -> `jr`, `3rd` ->
/// `iii`); academic and professional letters give `""` (dropped), anything
/// else `None`. `token` is folded (lower case, no dots).
pub fn suffix_standard(token: &str) -> Option<&'static str> {
    Some(match token {
        "jr" | "jnr" | "junior" => "jr",
        "sr" | "snr" | "senior" => "sr",
        "ii" | "2nd" => "ii",
        "iii" | "3rd" => "iii",
        "iv" | "4th" => "iv",
        "v" | "5th" => "v",
        "phd" | "md" | "esq" | "dds" | "cpa" => "",
        _ => return None,
    })
}

/// A name split into its parts, every part folded (lower case, no accents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameParts {
    /// `mr`, `dr`, ... (dropped from the name itself).
    pub honorific: Option<String>,
    /// First given name, or its initial (one letter) when only that was written.
    pub given: Option<String>,
    /// Further given names or initials, space separated.
    pub middle: Option<String>,
    /// Family name; multi-word family names keep their spaces (`de la cruz`).
    pub surname: Option<String>,
    /// Generational suffix: `jr`, `sr`, `ii`, `iii`, `iv`, `v`.
    pub suffix: Option<String>,
}

impl NameParts {
    /// True when the given name is a single letter (an initial).
    pub fn given_is_initial(&self) -> bool {
        self.given
            .as_deref()
            .is_some_and(|g| g.chars().count() == 1)
    }
}

/// Tokens of a name with honorifics and suffixes removed, returning them.
fn strip_affixes(folded: &str) -> (Vec<&str>, Option<String>, Option<String>) {
    let mut tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut honorific = None;
    while tokens.len() > 1 && is_leading_title(tokens[0]) {
        honorific.get_or_insert_with(|| tokens[0].to_string());
        tokens.remove(0);
    }
    if tokens.len() == 1 && is_honorific(tokens[0]) {
        honorific = Some(tokens[0].to_string());
        tokens.clear();
    }
    let mut suffix = None;
    while tokens.len() > 1 {
        let last = tokens[tokens.len() - 1];
        match suffix_standard(last) {
            Some(s) => {
                if !s.is_empty() && suffix.is_none() {
                    suffix = Some(s.to_string());
                }
                tokens.pop();
            }
            None => break,
        }
    }
    (tokens, honorific, suffix)
}

fn join(tokens: &[&str]) -> Option<String> {
    (!tokens.is_empty()).then(|| tokens.join(" "))
}

/// Parses a given-name column: `Dr. Robert J.` -> given `robert`, middle `j`,
/// honorific `dr`. A column holding only `Mr` yields no given name.
///
/// ```
/// use linkage::normalize::name::parse_given;
/// let n = parse_given("Dr. José-Luis");
/// assert_eq!(n.given.as_deref(), Some("jose"));
/// assert_eq!(n.middle.as_deref(), Some("luis"));
/// assert_eq!(n.honorific.as_deref(), Some("dr"));
/// ```
pub fn parse_given(raw: &str) -> NameParts {
    let folded = fold_name(raw);
    let (tokens, honorific, suffix) = strip_affixes(&folded);
    NameParts {
        honorific,
        given: tokens.first().map(|t| t.to_string()),
        middle: join(tokens.get(1..).unwrap_or(&[])),
        surname: None,
        suffix,
    }
}

/// Parses a surname column: `Smith Jr.` -> surname `smith`, suffix `jr`;
/// `O'Brien` -> `obrien`; `García Márquez` -> `garcia marquez`.
pub fn parse_surname(raw: &str) -> NameParts {
    let folded = fold_name(raw);
    let (tokens, honorific, suffix) = strip_affixes(&folded);
    NameParts {
        honorific,
        surname: join(&tokens),
        suffix,
        ..NameParts::default()
    }
}

/// Parses a whole name in one column: `Dr Mary Ann Smith`, `SMITH, Mary A.`,
/// `Mary Smith Jr`. With a comma the part before it is the surname; without,
/// the last word is the surname and the first the given name.
///
/// ```
/// use linkage::normalize::name::parse_full_name;
/// let n = parse_full_name("NGUYEN, Sandra T.");
/// assert_eq!(n.given.as_deref(), Some("sandra"));
/// assert_eq!(n.middle.as_deref(), Some("t"));
/// assert_eq!(n.surname.as_deref(), Some("nguyen"));
/// ```
pub fn parse_full_name(raw: &str) -> NameParts {
    let raw = without_maiden_name(raw);
    if let Some((last, first)) = raw.split_once(',') {
        // `Petrov, Ivan, Gen.`, `SMITH, John, Sir`, `Weber, Karl, Jr.`: a
        // part after a second comma made of titles and suffixes only is
        // taken off (they are read as such, ahead of the given name).
        let mut rest: Vec<&str> = first.split(',').collect();
        let mut trailing: Vec<String> = Vec::new();
        while rest.len() > 1 {
            let part = fold_name(rest[rest.len() - 1]);
            let words: Vec<&str> = part.split(' ').filter(|w| !w.is_empty()).collect();
            let affix = |w: &&str| is_leading_title(w) || suffix_standard(w).is_some();
            if !words.iter().all(affix) {
                break;
            }
            trailing.push(part.clone());
            rest.pop();
        }
        let mut given = parse_given(&rest.join(","));
        for part in trailing {
            for w in part.split(' ').filter(|w| !w.is_empty()) {
                match suffix_standard(w) {
                    Some(s) if !s.is_empty() => {
                        given.suffix.get_or_insert_with(|| s.to_string());
                    }
                    Some(_) => {}
                    None => {
                        given.honorific.get_or_insert_with(|| w.to_string());
                    }
                }
            }
        }
        let sur = parse_surname(last);
        given.surname = sur.surname;
        given.suffix = given.suffix.or(sur.suffix);
        given.honorific = given.honorific.or(sur.honorific);
        return given;
    }
    // Words as written (a hyphenated name is one word of several parts).
    let folded: Vec<String> = raw.split_whitespace().map(fold_name).collect();
    let mut words: Vec<Vec<&str>> = folded
        .iter()
        .map(|w| w.split(' ').filter(|p| !p.is_empty()).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    let mut honorific = None;
    while words.len() > 1 && words[0].len() == 1 && is_leading_title(words[0][0]) {
        honorific.get_or_insert_with(|| words[0][0].to_string());
        words.remove(0);
    }
    if words.len() == 1 && words[0].len() == 1 && is_honorific(words[0][0]) {
        return NameParts {
            honorific: Some(words[0][0].to_string()),
            ..NameParts::default()
        };
    }
    let mut suffix = None;
    while words.len() > 1 {
        let last = &words[words.len() - 1];
        match (last.len(), suffix_standard(last[0])) {
            (1, Some(s)) => {
                if !s.is_empty() && suffix.is_none() {
                    suffix = Some(s.to_string());
                }
                words.pop();
            }
            _ => break,
        }
    }
    let n = words.len();
    if n == 0 {
        return NameParts {
            honorific,
            suffix,
            ..NameParts::default()
        };
    }
    // The last word is the surname, with the particles written before it
    // (`Anna van der Berg`), never the first word.
    let mut start = n - 1;
    while start > 1 && words[start - 1].len() == 1 && is_particle(words[start - 1][0]) {
        start -= 1;
    }
    let surname = join(&words[start..].concat());
    if n == 1 {
        return NameParts {
            honorific,
            surname,
            suffix,
            ..NameParts::default()
        };
    }
    let given_parts = &words[0];
    let middle: Vec<&str> = given_parts[1..]
        .iter()
        .chain(words[1..start].iter().flatten())
        .copied()
        .collect();
    NameParts {
        honorific,
        given: Some(given_parts[0].to_string()),
        middle: join(&middle),
        surname,
        suffix,
    }
}

/// Surname particles written before the family name (`van der Berg`,
/// `de la Cruz`, `von Trapp`): they belong to the surname.
fn is_particle(word: &str) -> bool {
    matches!(
        word,
        "van"
            | "von"
            | "der"
            | "den"
            | "de"
            | "da"
            | "das"
            | "dos"
            | "di"
            | "du"
            | "del"
            | "della"
            | "la"
            | "le"
            | "ter"
            | "ten"
            | "zu"
            | "bin"
            | "ibn"
            | "al"
    )
}

/// One canonical given name for a (folded) given name, used as a blocking key
/// and in output: the name itself when it is no nickname; otherwise, of the
/// full names it can stand for, the one spelled most like it (Jaro-Winkler), so
/// `bill` -> `william` rather than `robert`, `ron` -> `ronald` rather than `aaron`.
///
/// ```
/// use linkage::normalize::name::canonical_given;
/// assert_eq!(canonical_given("bill"), "william");
/// assert_eq!(canonical_given("william"), "william");
/// assert_eq!(canonical_given("zygmunt"), "zygmunt");
/// ```
pub fn canonical_given(folded: &str) -> &str {
    nicknames().canonical.get(folded).copied().unwrap_or(folded)
}

/// True when two folded given names can be the same person's by the nickname
/// table: equal, listed together (`bill` / `william`), or with the same
/// canonical name (`bill` / `will`, both `william`). `william` and `robert`
/// do not match although both are listed with `bill`.
pub fn nickname_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let table = &nicknames().canonicals_of;
    let related = |x: &str, y: &str| table.get(x).is_some_and(|v| v.contains(&y));
    related(a, b) || related(b, a) || canonical_given(a) == canonical_given(b)
}

/// True when one given name is one typo (an edit or a swap of neighbours)
/// away from a name the nickname table relates to the other: `obb` /
/// `robert` (via `bob`), `jeo` / `joseph` (via `joe`). Names of 3 letters or more.
pub fn nickname_typo_match(a: &str, b: &str) -> bool {
    if a.len() < 3 || b.len() < 3 {
        return false;
    }
    let related = &nicknames().related;
    let near = |x: &str, y: &str| {
        related.get(y).is_some_and(|names| {
            names
                .iter()
                .any(|n| n.len() >= 3 && crate::compare::similarity::within_edits(x, n, 1))
        })
    };
    near(a, b) || near(b, a)
}

/// True when one given name is an initial and the other, or a name the
/// nickname table gives for it, starts with it: `w` / `william`, and also
/// `b` / `william` (Bill), `t` / `christina` (Tina), `d` / `andrew` (Drew).
pub fn initial_match(a: &str, b: &str) -> bool {
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    if short.chars().count() != 1 {
        return false;
    }
    if long.starts_with(short) {
        return true;
    }
    let t = nicknames();
    let canon = canonical_given(long);
    let list = |k: &str| t.nicknames_of.get(k).map(Vec::as_slice).unwrap_or(&[]);
    std::iter::once(canon)
        .chain(list(long).iter().copied())
        .chain(list(canon).iter().copied())
        .any(|n| n.starts_with(short))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_maiden_names_in_historical_records() {
        let p = |s: &str| {
            let n = parse_full_name(s);
            (n.honorific, n.given, n.middle, n.surname, n.suffix)
        };
        let o = |s: &str| Some(s.to_string());
        assert_eq!(
            p("Count Ivan Petrov"),
            (o("count"), o("ivan"), None, o("petrov"), None)
        );
        assert_eq!(p("Gen. Ivan Petrov").1, o("ivan"));
        assert_eq!(p("Revd. John Smith").1, o("john"));
        assert_eq!(p("Col. John Smith Jr.").4, o("jr"));
        assert_eq!(
            p("Petrov, Ivan, Gen."),
            (o("gen"), o("ivan"), None, o("petrov"), None)
        );
        assert_eq!(p("SMITH, John, Sir").0, o("sir"));
        assert_eq!(p("Weber, Karl, Jr.").4, o("jr"));
        assert_eq!(p("Marie Dubois (née Martin)").3, o("dubois"));
        assert_eq!(p("Marie Dubois née Martin").3, o("dubois"));
        assert_eq!(p("Anna Weber geb. Koch").3, o("weber"));
        assert_eq!(p("Anna Weber (born Koch)").3, o("weber"));
        // Not titles or maiden names: a surname `Lord` or `Born`, a name
        // after a second comma, a lone title-like word in a name column.
        assert_eq!(p("Max Born").3, o("born"));
        assert_eq!(p("Anna Nee").3, o("nee"));
        assert_eq!(p("John Lord").3, o("lord"));
        assert_eq!(p("Baron Davis").1, o("baron"));
        assert_eq!(p("Smith, John, Paul").2, o("paul"));
        assert_eq!(parse_surname("Lord").surname, o("lord"));
        assert_eq!(parse_given("Count").given, None.or(o("count")));
    }

    #[test]
    fn initials_of_names_and_of_their_nicknames() {
        assert!(initial_match("w", "william"));
        assert!(initial_match("william", "b"), "Bill");
        assert!(initial_match("t", "christina"), "Tina");
        assert!(initial_match("d", "andrew"), "Drew");
        assert!(initial_match("p", "margaret"), "Peggy");
        assert!(!initial_match("x", "william"));
        assert!(!initial_match("s", "andrew"));
        assert!(
            !initial_match("wi", "william"),
            "two letters are not an initial"
        );
        assert!(
            !initial_match("w", "x"),
            "single letters on both sides differ"
        );
    }

    #[test]
    fn given_names() {
        let n = parse_given("  ROBERT ");
        assert_eq!(n.given.as_deref(), Some("robert"));
        assert_eq!(n.middle, None);
        let n = parse_given("M.");
        assert_eq!(n.given.as_deref(), Some("m"));
        assert!(n.given_is_initial());
        let n = parse_given("Mrs Mary-Kate");
        assert_eq!(n.honorific.as_deref(), Some("mrs"));
        assert_eq!(n.given.as_deref(), Some("mary"));
        assert_eq!(n.middle.as_deref(), Some("kate"));
        let n = parse_given("Mr");
        assert_eq!(n.given, None);
        assert_eq!(n.honorific.as_deref(), Some("mr"));
        assert_eq!(parse_given("Johñ").given.as_deref(), Some("john"));
        assert_eq!(parse_given("").given, None);
    }

    #[test]
    fn surnames() {
        let n = parse_surname("Smith Jr.");
        assert_eq!(n.surname.as_deref(), Some("smith"));
        assert_eq!(n.suffix.as_deref(), Some("jr"));
        assert_eq!(parse_surname("O'Brien").surname.as_deref(), Some("obrien"));
        assert_eq!(
            parse_surname("García Márquez").surname.as_deref(),
            Some("garcia marquez")
        );
        assert_eq!(parse_surname("Ford III").suffix.as_deref(), Some("iii"));
        // "V" alone is a surname initial, not a suffix.
        assert_eq!(parse_surname("V").surname.as_deref(), Some("v"));
    }

    #[test]
    fn full_names() {
        let n = parse_full_name("Dr Mary Ann Smith Jr");
        assert_eq!(n.honorific.as_deref(), Some("dr"));
        assert_eq!(n.given.as_deref(), Some("mary"));
        assert_eq!(n.middle.as_deref(), Some("ann"));
        assert_eq!(n.surname.as_deref(), Some("smith"));
        assert_eq!(n.suffix.as_deref(), Some("jr"));
        let n = parse_full_name("Harris, Jessica");
        assert_eq!(n.given.as_deref(), Some("jessica"));
        assert_eq!(n.surname.as_deref(), Some("harris"));
        let n = parse_full_name("DIAZ");
        assert_eq!(n.surname.as_deref(), Some("diaz"));
        assert_eq!(n.given, None);
    }

    #[test]
    fn nicknames_map_to_canonical() {
        assert_eq!(canonical_given("bill"), "william");
        assert_eq!(canonical_given("liz"), "elizabeth");
        assert_eq!(canonical_given("bob"), "robert");
        assert!(nickname_match("bill", "william"));
        assert!(nickname_match("liz", "elizabeth"));
        assert!(nickname_match("bill", "will"));
        assert!(!nickname_match("william", "robert"));
        assert!(!nickname_match("mary", "john"));
        assert!(nickname_typo_match("obb", "robert"));
        assert!(nickname_typo_match("jeo", "joseph"));
        assert!(nickname_typo_match("robert", "obb"));
        assert!(!nickname_typo_match("mary", "john"));
        assert!(!nickname_typo_match("david", "diana"));
    }
}
