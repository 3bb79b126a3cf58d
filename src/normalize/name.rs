//! Person names: honorifics and generational suffixes split off, initials
//! recognised, nicknames mapped to canonical given names.

use serde::{Deserialize, Serialize};

use super::tables::{given_abbreviations, given_names, nicknames, Nicknames};
use super::text::{fold, fold_name};

/// How a title word is read (`Dr`, `Lord`, `Don`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Title {
    /// Never a name: `Mr`, `Mrs`, `Dr`, `Rev`, `Capt`, `Herr`'s
    /// abbreviations, `Sir`, `Mme`. Dropped even when it is the only word
    /// of a given-name column (a `Mr` there is no name).
    Plain,
    /// A rank, office or form of address that is also a family name
    /// (`Lord`, `Baron`, `Major`, `Judge`, `Herr`): a title only before
    /// other words, never in a surname column (`Major` is a surname).
    Rank,
}

/// The kind of title a folded word is, if any. Words that are also given
/// names (`Don`, `Earl`) are found by [`title_is_given_name`].
fn title(token: &str) -> Option<Title> {
    Some(match token {
        "mr" | "mrs" | "ms" | "miss" | "mx" | "mister" | "messrs" | "dr" | "doctor" | "prof"
        | "professor" | "rev" | "revd" | "reverend" | "sir" | "dame" | "mme" | "mlle"
        | "madame" | "mademoiselle" | "monsieur" | "frau" | "fraulein" | "sra" | "srta"
        | "senor" | "senora" | "senorita" | "sig" | "signor" | "signora" | "signorina" | "dott"
        | "dhr" | "mevr" | "capt" | "sgt" | "lt" | "col" | "maj" | "gen" | "adm" | "cmdr"
        | "cdr" | "cpl" | "pvt" | "hon" | "msgr" | "rt" | "frhr" => Title::Plain,
        "herr" | "lord" | "lady" | "count" | "countess" | "baron" | "baroness" | "duke"
        | "duchess" | "earl" | "marquis" | "marquise" | "marquess" | "viscount" | "captain"
        | "colonel" | "major" | "general" | "admiral" | "judge" | "rabbi" | "sister"
        | "brother" | "father" | "don" | "dona" | "dom" | "graf" | "grafin" | "freiherr"
        | "comte" | "comtesse" => Title::Rank,
        _ => return None,
    })
}

/// A title word that is also a given name (`Don` is Donald's in the
/// nickname table; `Earl`, `Duke`, `Dom` and `Baron` are names of their own
/// the table does not list): at the start of a whole name it is a title only
/// when a given name and a surname follow (`Don Diego de la Vega`), so
/// `Don Smith` and `Baron Davis` keep their names.
fn title_is_given_name(token: &str) -> bool {
    let t = given_names();
    matches!(token, "earl" | "duke" | "dom" | "baron")
        || t.canonicals_of.contains_key(token)
        || t.nicknames_of.contains_key(token)
}

/// The generational suffix a raw value holds on its own (`Jr.` -> `jr`,
/// `III` -> `iii`); `None` for degrees (`PhD`) and anything else.
pub fn generational_suffix(raw: &str) -> Option<&'static str> {
    let folded = fold(raw).replace('.', "");
    suffix_standard(folded.trim()).filter(|s| !s.is_empty())
}

/// The standard form of a generational suffix (`Junior` -> `jr`, `3rd` ->
/// `iii`); academic and professional letters give `""` (dropped), anything
/// else `None`. `token` is folded (lower case, no dots). Letters that are
/// also initials or surnames (`MA`, `JD`, `Do`) are not taken for degrees.
pub fn suffix_standard(token: &str) -> Option<&'static str> {
    Some(match token {
        "jr" | "jnr" | "junior" => "jr",
        "sr" | "snr" | "senior" => "sr",
        "ii" | "2nd" => "ii",
        "iii" | "3rd" => "iii",
        "iv" | "4th" => "iv",
        "v" | "5th" => "v",
        "phd" | "md" | "esq" | "dds" | "cpa" | "dd" | "llb" | "lld" | "llm" | "mba" | "dphil"
        | "frs" | "frcs" | "mrcs" | "dvm" | "dmd" | "qc" | "kc" | "obe" | "mbe" | "cbe" | "kbe"
        | "msc" | "bsc" | "facs" => "",
        _ => return None,
    })
}

/// A name split into its parts, every part folded (lower case, no accents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameParts {
    /// `mr`, `dr`, ... (dropped from the name itself).
    pub honorific: Option<String>,
    /// First given name, or its initial (one letter) when only that was written.
    /// An abbreviation (`Wm.`, `Thos.`) is written out (`william`, `thomas`).
    pub given: Option<String>,
    /// Further given names or initials, space separated.
    pub middle: Option<String>,
    /// Family name; multi-word family names keep their spaces (`de la cruz`).
    pub surname: Option<String>,
    /// Generational suffix: `jr`, `sr`, `ii`, `iii`, `iv`, `v`.
    pub suffix: Option<String>,
    /// Family name at birth, when the value gives it apart from the
    /// surname: `(née Jones)`, `geb. Müller`, `born Jones`, or a name in
    /// brackets between given name and surname (`Mary (Jones) Smith`).
    #[serde(default)]
    pub maiden: Option<String>,
    /// A name the person goes by, written in quotes or brackets
    /// (`William "Bill" Smith`, `Robert (Bob) Smith`).
    #[serde(default)]
    pub alias: Option<String>,
}

impl NameParts {
    /// True when the given name is a single letter (an initial).
    pub fn given_is_initial(&self) -> bool {
        self.given
            .as_deref()
            .is_some_and(|g| g.chars().count() == 1)
    }

    /// Takes the maiden name and alias found outside the parsed text.
    fn with_extras(mut self, extras: Extras) -> Self {
        self.maiden = self.maiden.or(extras.maiden);
        self.alias = self.alias.or(extras.alias);
        self
    }
}

/// Words that introduce a family name at birth (`née`, German and Dutch
/// `geb.`, `geborene`, Italian `nata`, Swedish `född`, English `born`).
fn is_maiden_marker(token: &str) -> bool {
    matches!(
        token,
        "nee" | "geb" | "geborene" | "geboren" | "born" | "nata" | "fodd"
    )
}

/// What a name value says beside the name: a maiden name and an alias,
/// and the rest of the text with them (and any other bracketed remark,
/// `(deceased)`, `[illegible]`) taken out.
#[derive(Debug, Default)]
struct Extras {
    rest: String,
    maiden: Option<String>,
    alias: Option<String>,
}

/// The closing mark of a bracket or quote that opens at `c`; single quotes
/// open only at the start of a word (`'Bill'`, not `O'Brien`).
fn closing(c: char, prev: Option<char>) -> Option<char> {
    Some(match c {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '"' => '"',
        '“' => '”',
        '„' => '“',
        '«' => '»',
        '\'' | '‘' if prev.is_none_or(char::is_whitespace) => {
            if c == '\'' {
                '\''
            } else {
                '’'
            }
        }
        _ => return None,
    })
}

/// A folded maiden name from the words after a marker: the words up to a
/// comma, none with a digit (`born 1750` is a date).
fn maiden_words(words: &str) -> Option<String> {
    let upto = words.split(',').next().unwrap_or("");
    let folded = fold_name(upto);
    (!folded.is_empty() && !folded.bytes().any(|b| b.is_ascii_digit())).then_some(folded)
}

/// Splits maiden names, aliases and bracketed remarks off a raw name.
fn extract_extras(raw: &str) -> Extras {
    let mut out = Extras::default();
    let chars: Vec<char> = raw.chars().collect();
    let mut rest = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let close = closing(c, prev).and_then(|close| {
            let end = chars[i + 1..].iter().position(|&x| x == close)? + i + 1;
            // A single quote closes at the end of a word only.
            let quote = matches!(c, '\'' | '‘');
            (!quote || chars.get(end + 1).is_none_or(|n| !n.is_alphanumeric())).then_some(end)
        });
        let Some(end) = close else {
            rest.push(c);
            i += 1;
            continue;
        };
        let inner: String = chars[i + 1..end].iter().collect();
        let folded = fold_name(&inner);
        let first = folded.split(' ').next().unwrap_or("");
        let bracket = matches!(c, '(' | '[' | '{');
        let followed = chars[end + 1..]
            .iter()
            .take_while(|&&x| x != ',')
            .any(|x| x.is_alphabetic());
        let alone = !followed
            && !rest.chars().any(char::is_alphabetic)
            && !chars[end + 1..].iter().any(|x| x.is_alphabetic());
        if alone {
            // The whole value in quotes or brackets: it is the name.
            rest.push_str(&inner);
        } else if is_maiden_marker(first) {
            let words = folded.split_once(' ').map_or("", |w| w.1);
            out.maiden = out.maiden.or_else(|| maiden_words(words));
        } else if folded.is_empty() || folded.bytes().any(|b| b.is_ascii_digit()) {
            // `()`, `(1750-1820)`: nothing of the name.
        } else if !bracket || (!folded.contains(' ') && title_is_given_name(&folded)) {
            out.alias = out.alias.or(Some(folded));
        } else if followed && rest.chars().any(char::is_alphabetic) && !rest.contains(',') {
            // `Mary (Jones) Smith`: the family name at birth between the
            // given name and the married name.
            out.maiden = out.maiden.or(Some(folded));
        }
        rest.push(' ');
        i = end + 1;
    }
    // Markers outside brackets: `Maria Schmidt geb. Müller`, `Smith, Mary, née Jones`.
    let words: Vec<&str> = rest.split_whitespace().collect();
    let marker = words.iter().enumerate().skip(1).find_map(|(k, w)| {
        let f = fold_name(w.trim_end_matches([',', ';']));
        let next = words.get(k + 1)?;
        (is_maiden_marker(&f) && !next.bytes().any(|b| b.is_ascii_digit())).then_some(k)
    });
    if let Some(k) = marker {
        let after = words[k + 1..].join(" ");
        if let Some(m) = maiden_words(&after) {
            out.maiden = out.maiden.or(Some(m));
            let tail = after.split_once(',').map_or("", |t| t.1);
            rest = format!("{} {}", words[..k].join(" "), tail);
        }
    }
    out.rest = rest;
    out
}

/// The full given name an abbreviation stands for (`wm` -> `william`), or
/// the token itself.
fn expand(token: &str) -> &str {
    given_abbreviations().get(token).copied().unwrap_or(token)
}

/// Writes out abbreviated given and middle names.
fn expand_given(mut parts: NameParts) -> NameParts {
    if let Some(g) = parts.given.as_mut() {
        let e = expand(g);
        if e != g {
            *g = e.to_string();
        }
    }
    if let Some(m) = parts.middle.as_mut() {
        if m.split(' ').any(|t| given_abbreviations().contains_key(t)) {
            *m = m.split(' ').map(expand).collect::<Vec<_>>().join(" ");
        }
    }
    parts
}

/// Where a list of tokens comes from, for the titles it may start with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Given,
    Surname,
}

/// Tokens of a name with honorifics and suffixes removed, returning them.
/// Titles go from the start (in a surname column only those that are never
/// a family name: `Major` stays); generational suffixes, degrees and
/// titles that are never names go from the end (`John, Rev. Jr`).
fn strip_affixes(folded: &str, column: Column) -> (Vec<&str>, Option<String>, Option<String>) {
    let mut tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut honorific = None;
    let leading = |t: &str, rest: usize| match title(t) {
        Some(Title::Plain) => true,
        Some(Title::Rank) => column == Column::Given && rest > 0 && !title_is_given_name(t),
        None => false,
    };
    while tokens.len() > 1 && leading(tokens[0], tokens.len() - 1) {
        honorific.get_or_insert_with(|| tokens[0].to_string());
        tokens.remove(0);
    }
    if tokens.len() == 1 && title(tokens[0]) == Some(Title::Plain) {
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
            }
            None if title(last) == Some(Title::Plain) => {
                honorific.get_or_insert_with(|| last.to_string());
            }
            None => break,
        }
        tokens.pop();
    }
    (tokens, honorific, suffix)
}

fn join(tokens: &[&str]) -> Option<String> {
    (!tokens.is_empty()).then(|| tokens.join(" "))
}

/// Parses a given-name column: `Dr. Robert J.` -> given `robert`, middle `j`,
/// honorific `dr`. A column holding only `Mr` yields no given name.
/// Abbreviations are written out (`Wm.` -> `william`).
///
/// ```
/// use linkage::normalize::name::parse_given;
/// let n = parse_given("Dr. José-Luis");
/// assert_eq!(n.given.as_deref(), Some("jose"));
/// assert_eq!(n.middle.as_deref(), Some("luis"));
/// assert_eq!(n.honorific.as_deref(), Some("dr"));
/// assert_eq!(parse_given("Thos.").given.as_deref(), Some("thomas"));
/// ```
pub fn parse_given(raw: &str) -> NameParts {
    let extras = extract_extras(raw);
    let folded = fold_name(&extras.rest);
    let (tokens, honorific, suffix) = strip_affixes(&folded, Column::Given);
    expand_given(NameParts {
        honorific,
        given: tokens.first().map(|t| t.to_string()),
        middle: join(tokens.get(1..).unwrap_or(&[])),
        surname: None,
        suffix,
        ..NameParts::default()
    })
    .with_extras(extras)
}

/// Parses a surname column: `Smith Jr.` -> surname `smith`, suffix `jr`;
/// `O'Brien` -> `obrien`; `García Márquez` -> `garcia marquez`;
/// `Schmidt geb. Müller` -> surname `schmidt`, maiden `muller`.
pub fn parse_surname(raw: &str) -> NameParts {
    let extras = extract_extras(raw);
    let folded = fold_name(&extras.rest);
    let (tokens, honorific, suffix) = strip_affixes(&folded, Column::Surname);
    NameParts {
        honorific,
        surname: join(&tokens),
        suffix,
        ..NameParts::default()
    }
    .with_extras(extras)
}

/// True when every word of a comma-separated part of a name is a title,
/// a generational suffix or a degree (`Rev.`, `Jr`, `Ph.D.`). With `ranks`
/// (a part after `Last, First`: `Petrov, Ivan, Count`) titles that are also
/// family names count too, those that are also given names (`Don`) not.
fn only_affixes(segment: &str, ranks: bool) -> bool {
    let words: Vec<String> = segment
        .split_whitespace()
        .map(|w| fold_name(&w.replace('.', "")))
        .collect();
    !words.is_empty()
        && words.iter().flat_map(|w| w.split(' ')).all(|t| {
            suffix_standard(t).is_some()
                || match title(t) {
                    Some(Title::Plain) => true,
                    Some(Title::Rank) => ranks && !title_is_given_name(t),
                    None => false,
                }
        })
}

/// Parses a whole name in one column: `Dr Mary Ann Smith`, `SMITH, Mary A.`,
/// `Mary Smith Jr`. With a comma the part before it is the surname; without,
/// the last word is the surname and the first the given name. Parts after
/// a comma that hold only titles, suffixes or degrees (`Smith, John, Rev.`,
/// `Mary Smith, Ph.D.`) are affixes, a maiden name (`(née Jones)`,
/// `geb. Müller`) and a name in quotes (`"Bill"`) are kept apart.
///
/// ```
/// use linkage::normalize::name::parse_full_name;
/// let n = parse_full_name("NGUYEN, Sandra T.");
/// assert_eq!(n.given.as_deref(), Some("sandra"));
/// assert_eq!(n.middle.as_deref(), Some("t"));
/// assert_eq!(n.surname.as_deref(), Some("nguyen"));
/// let n = parse_full_name("Smith, Mary, Dr. (née Jones)");
/// assert_eq!(n.surname.as_deref(), Some("smith"));
/// assert_eq!(n.maiden.as_deref(), Some("jones"));
/// assert_eq!(n.honorific.as_deref(), Some("dr"));
/// ```
pub fn parse_full_name(raw: &str) -> NameParts {
    let extras = extract_extras(raw);
    let segments: Vec<&str> = extras
        .rest
        .split(',')
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect();
    // `Last, First`: the second part is the given name, whatever it holds
    // (`Smith, J.D.`); after `First Last` a part may be affixes alone.
    let first_words = segments.first().map_or(0, |s| s.split_whitespace().count());
    let mut affixes: Vec<&str> = Vec::new();
    let mut parts: Vec<&str> = Vec::new();
    for (k, seg) in segments.iter().enumerate() {
        let may_be_affixes = k >= 2 || (k == 1 && first_words > 1);
        if may_be_affixes && only_affixes(seg, k >= 2) {
            affixes.push(seg);
        } else {
            parts.push(seg);
        }
    }
    let mut parsed = match parts.as_slice() {
        [] => NameParts::default(),
        [whole] => parse_uncommaed(whole),
        [last, rest @ ..] => {
            let mut given = parse_given(&rest.join(" "));
            let sur = parse_surname(last);
            given.surname = sur.surname;
            given.suffix = given.suffix.or(sur.suffix);
            given.honorific = given.honorific.or(sur.honorific);
            given.maiden = given.maiden.or(sur.maiden);
            given
        }
    };
    for seg in affixes {
        for t in seg
            .split_whitespace()
            .map(|w| fold_name(&w.replace('.', "")))
        {
            for t in t.split(' ') {
                match suffix_standard(t) {
                    Some("") => {}
                    Some(s) => {
                        parsed.suffix.get_or_insert_with(|| s.to_string());
                    }
                    None => {
                        parsed.honorific.get_or_insert_with(|| t.to_string());
                    }
                }
            }
        }
    }
    parsed.with_extras(extras)
}

/// A whole name without commas: `Dr Mary Ann Smith Jr`, `Anna van der Berg`.
fn parse_uncommaed(raw: &str) -> NameParts {
    // Words as written (a hyphenated name is one word of several parts);
    // dotted degrees after the first word (`M.D.`, `Ph.D.`) as one word.
    let folded: Vec<String> = raw
        .split_whitespace()
        .enumerate()
        .map(|(k, w)| {
            let undotted = fold_name(&w.replace('.', ""));
            if k > 0 && w.contains('.') && suffix_standard(&undotted) == Some("") {
                undotted
            } else {
                fold_name(w)
            }
        })
        .collect();
    let mut words: Vec<Vec<&str>> = folded
        .iter()
        .map(|w| w.split(' ').filter(|p| !p.is_empty()).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    let mut honorific = None;
    // A title before the name; one that is also a given name (`Don`) only
    // before two more words (`Don Smith` is Donald). `Sr.` before a name
    // is `Señor`/`Sister`, after it `Senior`.
    let leading = |w: &[&str], rest: usize| {
        w.len() == 1
            && match title(w[0]) {
                Some(_) if title_is_given_name(w[0]) => rest >= 2,
                Some(_) => rest >= 1,
                None => w[0] == "sr" && rest >= 2,
            }
    };
    while words.len() > 1 && leading(&words[0], words.len() - 1) {
        honorific.get_or_insert_with(|| words[0][0].to_string());
        words.remove(0);
    }
    if words.len() == 1 && words[0].len() == 1 && title(words[0][0]) == Some(Title::Plain) {
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
    expand_given(NameParts {
        honorific,
        given: Some(given_parts[0].to_string()),
        middle: join(&middle),
        surname,
        suffix,
        ..NameParts::default()
    })
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
    given_names()
        .canonical
        .get(folded)
        .copied()
        .unwrap_or(folded)
}

/// True when two folded given names can be the same person's by the nickname
/// table: equal, listed together (`bill` / `william`), or with the same
/// canonical name (`bill` / `will`, both `william`). `william` and `robert`
/// do not match although both are listed with `bill`. The same name in
/// another language is [`other_language_match`].
pub fn nickname_match(a: &str, b: &str) -> bool {
    a == b || related_in(nicknames(), a, b)
}

/// True when two folded given names are the same name in other languages
/// or a nickname of one of them (`johann` / `john`, `giovanni` / `jean`,
/// `pyotr` / `peter`, `jack` / `johann`), and not nicknames of each other
/// by the nickname table alone ([`nickname_match`]). `peter` and `patrick`
/// do not match this way (the nickname table relates them, so they are
/// [`nickname_match`]); `john` and `jane` not at all.
pub fn other_language_match(a: &str, b: &str) -> bool {
    !nickname_match(a, b) && related_in(given_names(), a, b)
}

/// Listed together in `table` or with the same canonical name there.
fn related_in(table: &Nicknames, a: &str, b: &str) -> bool {
    let related = |x: &str, y: &str| table.canonicals_of.get(x).is_some_and(|v| v.contains(&y));
    let canon = |x: &'_ str| table.canonical.get(x).copied();
    related(a, b) || related(b, a) || canon(a).unwrap_or(a) == canon(b).unwrap_or(b)
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
/// Names in other languages do not count (`i` is not an initial of
/// `johann` by way of `ivan`).
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
    let canon = t.canonical.get(long).copied().unwrap_or(long);
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
        assert_eq!(p("Byron, George, Lord").0, o("lord"));
        // The married surname is the surname, the name at birth the maiden name.
        let m = |s: &str| {
            let n = parse_full_name(s);
            (n.surname, n.maiden)
        };
        assert_eq!(m("Marie Dubois (née Martin)"), (o("dubois"), o("martin")));
        assert_eq!(m("Marie Dubois née Martin"), (o("dubois"), o("martin")));
        assert_eq!(m("Anna Weber geb. Koch"), (o("weber"), o("koch")));
        assert_eq!(m("Anna Weber (born Koch)"), (o("weber"), o("koch")));
        // Not titles or maiden names: a surname `Lord` or `Born`, a name
        // after a second comma, a lone title-like word in a name column.
        assert_eq!(m("Max Born"), (o("born"), None));
        assert_eq!(m("Anna Nee"), (o("nee"), None));
        assert_eq!(p("John Lord").3, o("lord"));
        assert_eq!(p("Baron Davis").1, o("baron"));
        assert_eq!(p("Baron Karl Weber").0, o("baron"));
        assert_eq!(p("Smith, John, Paul").2, o("paul"));
        assert_eq!(p("Smith, John, Don").2, o("don"));
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

    #[test]
    fn titles_by_position() {
        // `Don` is Donald's before a surname alone, a title before a name.
        let n = parse_full_name("Don Smith");
        assert_eq!((n.honorific, n.given.as_deref()), (None, Some("don")));
        let n = parse_full_name("Don Diego de la Vega");
        assert_eq!(n.honorific.as_deref(), Some("don"));
        assert_eq!(n.given.as_deref(), Some("diego"));
        assert_eq!(n.surname.as_deref(), Some("de la vega"));
        assert_eq!(parse_given("Don").given.as_deref(), Some("don"));
        assert_eq!(parse_given("Don Juan").given.as_deref(), Some("don"));
        // Ranks that are family names stay surnames after a given name
        // and in a surname column.
        assert_eq!(
            parse_full_name("John Major").surname.as_deref(),
            Some("major")
        );
        assert_eq!(parse_surname("Major").surname.as_deref(), Some("major"));
        assert_eq!(parse_surname("Lord").surname.as_deref(), Some("lord"));
        let n = parse_full_name("Lord Byron");
        assert_eq!(n.honorific.as_deref(), Some("lord"));
        assert_eq!(n.surname.as_deref(), Some("byron"));
        let n = parse_given("Gen. Wm.");
        assert_eq!(n.honorific.as_deref(), Some("gen"));
        assert_eq!(n.given.as_deref(), Some("william"));
        // `Dr` alone is no surname; `Sr` after a name is Senior, before it Señor.
        assert_eq!(parse_surname("Dr").surname, None);
        assert_eq!(
            parse_full_name("Juan Garcia Sr").suffix.as_deref(),
            Some("sr")
        );
        let n = parse_full_name("Sr. Juan Garcia");
        assert_eq!((n.honorific.as_deref(), n.suffix), (Some("sr"), None));
        // `Earl` is a name of its own.
        assert_eq!(parse_full_name("Earl Jones").given.as_deref(), Some("earl"));
    }

    #[test]
    fn affixes_after_commas() {
        let n = parse_full_name("Smith, John, Rev. Jr");
        assert_eq!(n.surname.as_deref(), Some("smith"));
        assert_eq!(n.given.as_deref(), Some("john"));
        assert_eq!(n.honorific.as_deref(), Some("rev"));
        assert_eq!(n.suffix.as_deref(), Some("jr"));
        let n = parse_full_name("John Smith, Jr.");
        assert_eq!(
            (n.given.as_deref(), n.surname.as_deref()),
            (Some("john"), Some("smith"))
        );
        assert_eq!(n.suffix.as_deref(), Some("jr"));
        let n = parse_full_name("Mary Smith, Ph.D.");
        assert_eq!((n.surname.as_deref(), n.suffix), (Some("smith"), None));
        // After a lone surname the part is the given name, even when it
        // spells a degree's letters.
        let n = parse_full_name("Smith, J.D.");
        assert_eq!(
            (n.given.as_deref(), n.middle.as_deref()),
            (Some("j"), Some("d"))
        );
        let n = parse_full_name("Smith, John, Henry");
        assert_eq!(
            (n.given.as_deref(), n.middle.as_deref()),
            (Some("john"), Some("henry"))
        );
    }

    #[test]
    fn maiden_names_and_aliases() {
        let n = parse_full_name("Mary Smith (née Jones)");
        assert_eq!(n.surname.as_deref(), Some("smith"));
        assert_eq!(n.maiden.as_deref(), Some("jones"));
        let n = parse_surname("Schmidt geb. Müller");
        assert_eq!(n.surname.as_deref(), Some("schmidt"));
        assert_eq!(n.maiden.as_deref(), Some("muller"));
        assert_eq!(
            parse_full_name("Mary (Jones) Smith").maiden.as_deref(),
            Some("jones")
        );
        let n = parse_full_name("William \"Bill\" Smith");
        assert_eq!(
            (n.given.as_deref(), n.alias.as_deref()),
            (Some("william"), Some("bill"))
        );
        let n = parse_full_name("Robert (Bob) Jones");
        assert_eq!((n.alias.as_deref(), n.maiden), (Some("bob"), None));
        let n = parse_full_name("Peter 'Pete' O'Brien");
        assert_eq!(n.alias.as_deref(), Some("pete"));
        assert_eq!(
            n.surname.as_deref(),
            Some("obrien"),
            "an apostrophe inside a word"
        );
        // Not maiden names: a date after `born`, a remark, a bracket at the end.
        let n = extract_extras("Ann Smith born 1750");
        assert_eq!(n.maiden, None);
        let n = parse_full_name("John Smith (deceased)");
        assert_eq!(
            (n.surname.as_deref(), n.maiden, n.alias),
            (Some("smith"), None, None)
        );
        assert_eq!(
            parse_full_name("\"John Smith\"").surname.as_deref(),
            Some("smith")
        );
        assert_eq!(
            parse_full_name("(John Smith").surname.as_deref(),
            Some("smith")
        );
    }

    #[test]
    fn odd_values_give_folded_parts() {
        for raw in [
            "(",
            ")",
            "\"",
            "'",
            "''",
            "née",
            "née Jones",
            "Smith, née Jones",
            ",,,",
            "Mr. (Bob)",
            "(née)",
            "\"\"",
            "Mary (née",
            "O'",
            "'Bill",
            "Smith, (Jr.)",
            "Dr., Rev., Jr.",
            "Don",
            "Don Don Don",
            "Sr",
            "Sr Sr",
            "born",
            "Ann born",
            "« Jean » Dupont",
        ] {
            for n in [parse_full_name(raw), parse_given(raw), parse_surname(raw)] {
                for part in [
                    &n.honorific,
                    &n.given,
                    &n.middle,
                    &n.surname,
                    &n.maiden,
                    &n.alias,
                ]
                .into_iter()
                .flatten()
                {
                    assert!(
                        !part.is_empty() && part.trim() == part && !part.contains("  "),
                        "{raw:?}: {n:?}"
                    );
                    assert_eq!(&fold_name(part), part, "{raw:?}: {n:?}");
                }
            }
        }
        let n = parse_full_name("Smith, née Jones");
        assert_eq!(
            (n.surname.as_deref(), n.maiden.as_deref()),
            (Some("smith"), Some("jones"))
        );
        assert_eq!(
            parse_full_name("« Jean » Dupont").alias.as_deref(),
            Some("jean")
        );
    }

    #[test]
    fn abbreviations_written_out() {
        assert_eq!(parse_given("Wm.").given.as_deref(), Some("william"));
        assert_eq!(parse_given("Thos").given.as_deref(), Some("thomas"));
        let n = parse_full_name("Chas. Saml. Ward");
        assert_eq!(
            (n.given.as_deref(), n.middle.as_deref()),
            (Some("charles"), Some("samuel"))
        );
        assert_eq!(parse_full_name("Jno. Smith").given.as_deref(), Some("john"));
        // Not in the surname, and names people go by are left as they are.
        assert_eq!(parse_surname("Wm").surname.as_deref(), Some("wm"));
        assert_eq!(parse_given("Pat").given.as_deref(), Some("pat"));
        assert_eq!(parse_given("Matt").given.as_deref(), Some("matt"));
    }

    #[test]
    fn names_across_languages() {
        for (a, b) in [
            ("pietro", "pyotr"),
            ("pyotr", "peter"),
            ("pierre", "pietro"),
            ("guillaume", "william"),
            ("mariya", "marie"),
            ("jack", "johann"),
        ] {
            assert!(other_language_match(a, b), "{a} / {b}");
            assert_eq!(canonical_given(a), canonical_given(b), "{a} / {b}");
        }
        assert!(!other_language_match("bill", "william"), "a nickname");
        assert!(!other_language_match("john", "jane"));
        assert!(!other_language_match("pyotr", "patrick"));
        assert!(!other_language_match("james", "jacob"));
        assert_ne!(canonical_given("peter"), canonical_given("patrick"));
        assert!(!nickname_match("pyotr", "peter"), "not a nickname");
        assert!(!initial_match("i", "johann"), "Ivan is another language's");
    }
}
