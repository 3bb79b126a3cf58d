//! Street lines: house number, directionals, street name, suffix and unit
//! standardised with the USPS tables.

use serde::{Deserialize, Serialize};

use super::tables::{directionals, street_suffixes, unit_designators, us_states};
use super::text::{fold, fold_keep};

/// A standardised street line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreetAddress {
    /// House number as written (`12`, `12a`, `12-14`).
    pub house_number: Option<String>,
    /// Street name without number, directional, suffix or unit (`hall`).
    pub street_name: Option<String>,
    /// The standardised street: directionals, name and suffix (`n hall dr`).
    pub street: Option<String>,
    /// Unit: designator and number (`apt 4`); `#4`, `Apartment 4` and `Apt. 4` agree.
    pub unit: Option<String>,
    /// A PO box number, when the line is one.
    pub po_box: Option<String>,
}

fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// A house number as written: a digit first, then at most a letter or a
/// range or slash (`12`, `3a`, `12-14`, `7/2`).
fn is_house_number(t: &str) -> bool {
    t.len() <= 7
        && t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        && t.chars().filter(|c| c.is_ascii_alphabetic()).count() <= 1
}

/// Street words that German and Dutch write glued to the name
/// (`Hauptstraße`, `Bahnhofstr.`, `Kerkstraat`), with the standard form
/// of each: `hauptstrasse` and `hauptstr` agree.
const GLUED_SUFFIXES: &[(&str, &str)] = &[
    ("strasse", "str"),
    ("str", "str"),
    ("straat", "str"),
    ("weg", "weg"),
    ("gasse", "gasse"),
    ("platz", "platz"),
    ("allee", "allee"),
    ("laan", "laan"),
];

/// The standard form of a street word with a glued suffix (`hauptstrasse`
/// -> `hauptstr`), or `None` when it has none. The name before the suffix
/// must have at least three letters.
pub fn glued_suffix_standard(token: &str) -> Option<String> {
    GLUED_SUFFIXES.iter().find_map(|(suffix, std)| {
        let stem = token.strip_suffix(suffix)?;
        (stem.chars().count() >= 3 && stem.chars().all(char::is_alphabetic))
            .then(|| format!("{stem}{std}"))
    })
}

/// Parses a street line such as `8955 West Boyd Street, Apt 4`,
/// `37 N Hall Dr.`, `3599 Vicki Lane, Unit 1` or `Flat 2, 10 Downing St`.
///
/// ```
/// use linkage::normalize::address::parse_street;
/// let a = parse_street("8955 West Boyd Street Apartment 4");
/// let b = parse_street("8955 W Boyd St #4");
/// assert_eq!(a, b);
/// assert_eq!(a.street.as_deref(), Some("w boyd st"));
/// assert_eq!(a.unit.as_deref(), Some("apt 4"));
/// ```
pub fn parse_street(raw: &str) -> StreetAddress {
    let folded = fold_keep(raw, &['#']);
    // "#4" glued to its number: split into "# 4".
    let spaced = folded.replace('#', " # ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut out = StreetAddress::default();
    let units = unit_designators();
    let suffixes = street_suffixes();
    let dirs = directionals();

    // PO boxes.
    let joined = tokens.join(" ");
    for prefix in ["po box ", "p o box ", "post office box ", "pob "] {
        if let Some(rest) = joined.strip_prefix(prefix) {
            out.po_box = rest.split(' ').next().map(str::to_string);
            return out;
        }
    }

    let mut rest: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let next = tokens.get(i + 1).copied();
        if let (Some(std), Some(n)) = (units.get(t), next) {
            // A designator needs a value after it ("apt 4", "unit b"), except
            // when it is itself "#". "suite" at the end is a street name word.
            let is_value = has_digit(n) || n.len() == 1;
            if is_value && (i > 0 || out.house_number.is_none()) {
                out.unit = Some(format!("{} {n}", unit_standard(Some(std))));
                i += 2;
                continue;
            }
        }
        if out.house_number.is_none() && rest.is_empty() && has_digit(t) {
            out.house_number = Some(t.to_string());
            i += 1;
            continue;
        }
        rest.push(t);
        i += 1;
    }
    // No number first: a number last is the house number, as most of
    // Europe writes it (`Hauptstraße 12`, `Via Roma 3a`).
    if out.house_number.is_none() && rest.len() > 1 {
        if let Some(last) = rest.last().filter(|t| is_house_number(t)) {
            out.house_number = Some(last.to_string());
            rest.pop();
        }
    }
    // A trailing bare number after the street ("Main St 4") is a unit.
    if rest.len() > 1 && out.unit.is_none() && out.house_number.is_some() {
        if let Some(last) = rest.last() {
            if last.chars().all(|c| c.is_ascii_digit()) {
                out.unit = Some(format!("apt {last}"));
                rest.pop();
            }
        }
    }
    if rest.is_empty() {
        return out;
    }
    // Directionals at the start or the end, and the suffix at the end.
    let mut std_tokens: Vec<String> = Vec::with_capacity(rest.len());
    let mut name_tokens: Vec<String> = Vec::with_capacity(rest.len());
    let last = rest.len() - 1;
    for (k, t) in rest.iter().enumerate() {
        let is_edge = k == 0 || k == last;
        if rest.len() > 1 && is_edge {
            if let Some(d) = dirs.get(t) {
                std_tokens.push((*d).to_string());
                continue;
            }
        }
        if rest.len() > 1 && k == last || (k + 1 == last && dirs.contains_key(rest[last])) {
            if let Some(s) = suffixes.get(t) {
                std_tokens.push((*s).to_string());
                continue;
            }
        }
        // A glued suffix stays in the name, in its standard form.
        let word = glued_suffix_standard(t).unwrap_or_else(|| (*t).to_string());
        std_tokens.push(word.clone());
        name_tokens.push(word);
    }
    if name_tokens.is_empty() {
        // "North Street": the directional is the name.
        name_tokens.push(rest[0].to_string());
    }
    out.street = Some(std_tokens.join(" "));
    out.street_name = Some(name_tokens.join(" "));
    out
}

/// Normalizes a unit written on its own (`4B`, `Apt 4B`, `#12`, `Suite
/// 300`) as [`parse_street`] writes units (`apt 4b`), so that a unit column
/// agrees with a unit inside another file's street line. `strict` accepts
/// only a value led by a designator (for second address lines, which also
/// hold building names); otherwise a bare value of up to six characters
/// with a digit, or a single letter, is taken as the unit.
pub fn normalize_unit(raw: &str, strict: bool) -> Option<String> {
    let folded = fold_keep(raw, &['#']).replace('#', " # ");
    let tokens: Vec<&str> = folded.split_whitespace().collect();
    let (designator, value) = match tokens.as_slice() {
        [d, v] => match unit_designators().get(d) {
            Some(std) => (Some(*std), *v),
            None => return None,
        },
        [v] if !strict => (None, *v),
        _ => return None,
    };
    if !(has_digit(value) && value.len() <= 6 || value.len() == 1) {
        return None;
    }
    Some(format!("{} {value}", unit_standard(designator)))
}

/// How a unit designator is written in a normalized unit: `#`, `unit`,
/// `suite` and none at all are one kind of unit (`apt`), so `#4`, `Unit 4`
/// and `Apartment 4` agree; others (`fl`, `bldg`) keep their USPS form.
fn unit_standard(designator: Option<&str>) -> &str {
    match designator {
        None | Some("#" | "unit" | "ste") => "apt",
        Some(d) => d,
    }
}

/// A US ZIP that lost its leading zeros (three or four digits) written out
/// to five (`850` -> `00850`); `None` for any other code.
///
/// ```
/// use linkage::normalize::address::zip_with_zeros;
/// assert_eq!(zip_with_zeros("5812").as_deref(), Some("05812"));
/// assert_eq!(zip_with_zeros("62704"), None);
/// assert_eq!(zip_with_zeros("SW1A 1AA"), None);
/// ```
pub fn zip_with_zeros(code: &str) -> Option<String> {
    ((3..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{code:0>5}"))
}

/// A one-line address split into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullAddress {
    /// The street line, parsed.
    pub street: StreetAddress,
    /// City or locality, folded.
    pub city: Option<String>,
    /// State or region (US states as two-letter codes).
    pub state: Option<String>,
    /// Postcode, normalized.
    pub postcode: Option<String>,
}

/// Recognises a postcode token (or the last two tokens, for UK, Canadian
/// and Dutch codes written with a space) at the end of `tokens`; returns
/// the normalized code and how many tokens it used.
fn trailing_postcode(tokens: &[&str], after_street: bool) -> Option<(String, usize)> {
    let n = tokens.len();
    if n >= 2 {
        let two = format!("{}{}", tokens[n - 2], tokens[n - 1]);
        if is_postcode_like(&two)
            && tokens[n - 1].chars().any(|c| c.is_ascii_digit())
            && !tokens[n - 2].chars().all(|c| c.is_ascii_digit())
        {
            return normalize_postcode(&two).map(|p| (p.code, 2));
        }
    }
    let last = *tokens.last()?;
    // A 3-digit number after a street and a city word is a ZIP that lost
    // its leading zeros in a spreadsheet (`00850` -> `850`), kept as the
    // sources write it.
    let zip_without_zeros = after_street
        && n >= 2
        && last.len() == 3
        && last.bytes().all(|b| b.is_ascii_digit())
        && tokens[n - 2].chars().all(char::is_alphabetic);
    if zip_without_zeros {
        return Some((last.to_string(), 1));
    }
    is_postcode_like(last).then(|| normalize_postcode(last).map(|p| (p.code, 1)))?
}

/// Recognises a postcode before the city (`10115 Berlin`, `1012 AB
/// Amsterdam`, `75001 Paris`): the normalized code and how many tokens it
/// used. A city must follow.
fn leading_postcode(tokens: &[&str]) -> Option<(String, usize)> {
    if tokens.len() >= 3 {
        let letters = tokens[1];
        let dutch = letters.len() == 2 && letters.chars().all(|c| c.is_ascii_uppercase());
        let two = format!("{}{}", tokens[0], letters);
        if dutch && tokens[0].bytes().all(|b| b.is_ascii_digit()) && is_postcode_like(&two) {
            return normalize_postcode(&two).map(|p| (p.code, 2));
        }
    }
    let first = *tokens.first()?;
    (tokens.len() >= 2 && first.bytes().all(|b| b.is_ascii_digit()) && is_postcode_like(first))
        .then(|| normalize_postcode(first).map(|p| (p.code, 1)))?
}

/// True for strings shaped like a postcode of a common format: US ZIP or
/// ZIP+4, 4-digit (Australia, many European countries), UK, Canadian,
/// Dutch (`1234AB`). Product codes such as `S040` or `SKU-1234` are not.
///
/// ```
/// use linkage::normalize::address::is_postcode_like;
/// assert!(is_postcode_like("62704") && is_postcode_like("SW1A 1AA") && is_postcode_like("62704-1234"));
/// assert!(!is_postcode_like("S040") && !is_postcode_like("SKU-1234") && !is_postcode_like("78.12"));
/// ```
pub fn is_postcode_like(raw: &str) -> bool {
    let t = raw.trim();
    if t.contains('.') {
        return false;
    }
    let c: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let b = c.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let alpha = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_alphabetic);
    let n = b.len();
    if !c.is_ascii() {
        return false;
    }
    match n {
        4 => digits(0..4),
        5 => digits(0..5) || uk_shape(b),
        6 => {
            uk_shape(b)
                || (alpha(0..1)
                    && b[1].is_ascii_digit()
                    && b[2].is_ascii_alphabetic()
                    && digits(3..4)
                    && alpha(4..5)
                    && b[5].is_ascii_digit())
                || (digits(0..4) && alpha(4..6))
        }
        7 => uk_shape(b),
        9 => digits(0..9) && t.contains('-'),
        _ => false,
    }
}

/// UK postcode shape: outward code (letter first, 2-4 chars) and inward
/// code (digit, letter, letter).
fn uk_shape(b: &[u8]) -> bool {
    let n = b.len();
    (5..=7).contains(&n)
        && b[0].is_ascii_alphabetic()
        && b[1..n - 3].iter().any(u8::is_ascii_digit)
        && b[..n - 3].iter().all(u8::is_ascii_alphanumeric)
        && b[n - 3].is_ascii_digit()
        && b[n - 2].is_ascii_alphabetic()
        && b[n - 1].is_ascii_alphabetic()
}

/// Parses a one-line address: `131 S Gordon Rd, Walkerburgh 46497`,
/// `12 Oak St, Apt 4, Springfield, IL 62704-1234`,
/// `3327 Samantha Court, Lake Carolyn BS70 0LW`, or without commas
/// `12 Oak St Springfield IL 62704` (the street ends at its suffix).
///
/// ```
/// use linkage::normalize::address::parse_full_address;
/// let a = parse_full_address("12 Oak St, Apt 4, Springfield, IL 62704-1234");
/// assert_eq!(a.street.street.as_deref(), Some("oak st"));
/// assert_eq!(a.street.unit.as_deref(), Some("apt 4"));
/// assert_eq!(a.city.as_deref(), Some("springfield"));
/// assert_eq!(a.state.as_deref(), Some("il"));
/// assert_eq!(a.postcode.as_deref(), Some("62704"));
/// ```
pub fn parse_full_address(raw: &str) -> FullAddress {
    let mut out = FullAddress::default();
    let parts: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return out;
    }
    // The tail (after the street) holds city, state and postcode.
    let (street_part, tail): (String, String) = if parts.len() > 1 {
        // The street runs to the first segment with a house number (a unit
        // such as "Flat 2" may come before it), plus unit segments after it.
        let is_unit = |p: &str| {
            let f = fold(p);
            let word = f.split(' ').next().unwrap_or("");
            unit_designators().contains_key(word) || p.starts_with('#')
        };
        // European lines put the number last (`Hauptstraße 12, 10115 Berlin`).
        let numbered_last = |p: &str| {
            let words: Vec<&str> = p.split_whitespace().collect();
            words.len() > 1
                && !has_digit(words[0])
                && words.last().is_some_and(|w| is_house_number(w))
        };
        let numbered = parts
            .iter()
            .position(|p| {
                (p.split_whitespace().next().is_some_and(has_digit) || numbered_last(p))
                    && !is_unit(p)
            })
            .unwrap_or(0);
        let mut k = (numbered + 1).min(parts.len() - 1).max(1);
        while k < parts.len() && is_unit(parts[k]) {
            k += 1;
        }
        (parts[..k].join(" "), parts[k..].join(" "))
    } else {
        // No commas: the street ends at the last street suffix.
        let tokens: Vec<&str> = parts[0].split_whitespace().collect();
        let suffixes = street_suffixes();
        let end = (1..tokens.len())
            .rev()
            .find(|&i| suffixes.contains_key(fold(tokens[i]).as_str()));
        match end {
            Some(e) => (tokens[..=e].join(" "), tokens[e + 1..].join(" ")),
            // No suffix and no house number: a locality ("North Dawnmouth 50744").
            None if !tokens.first().is_some_and(|t| has_digit(t)) => {
                (String::new(), parts[0].to_string())
            }
            None => (parts[0].to_string(), String::new()),
        }
    };
    out.street = parse_street(&street_part);
    let mut tokens: Vec<&str> = tail.split_whitespace().collect();
    if let Some((code, used)) = trailing_postcode(&tokens, !street_part.is_empty()) {
        out.postcode = Some(code);
        tokens.truncate(tokens.len() - used);
    } else if let Some((code, used)) = leading_postcode(&tokens) {
        // Most of Europe writes the postcode before the city.
        out.postcode = Some(code);
        tokens.drain(..used);
    }
    if tokens.len() > 1 {
        let last = fold(tokens[tokens.len() - 1]);
        if last.len() == 2 && us_states().values().any(|code| *code == last) {
            out.state = Some(last);
            tokens.pop();
        }
    }
    out.city = normalize_city(&tokens.join(" "));
    out
}

/// A normalized postcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postcode {
    /// Upper-case code with canonical spacing: `62704`, `SW1A 1AA`, `2119`.
    pub code: String,
    /// The ZIP+4 add-on when one was written (`62704-1234` keeps `1234` here).
    pub plus4: Option<String>,
}

/// Normalizes a postcode: US ZIP+4 split into ZIP5 and the add-on, UK
/// postcodes spaced before the inward code (`sw1a1aa` -> `SW1A 1AA`), other
/// codes upper-cased with their spacing collapsed. `None` when no digit is
/// present.
///
/// ```
/// use linkage::normalize::address::normalize_postcode;
/// assert_eq!(normalize_postcode("62704-1234").unwrap().code, "62704");
/// assert_eq!(normalize_postcode("ll6a5dg").unwrap().code, "LL6A 5DG");
/// ```
pub fn normalize_postcode(raw: &str) -> Option<Postcode> {
    let compact: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.is_empty() || !has_digit(&compact) || compact.len() > 10 {
        return None;
    }
    let bytes = compact.as_bytes();
    // US ZIP+4: nine digits, or five digits, dash, four digits.
    if compact.len() == 9 && compact.chars().all(|c| c.is_ascii_digit()) {
        return Some(Postcode {
            code: compact[..5].to_string(),
            plus4: Some(compact[5..].to_string()),
        });
    }
    // UK: outward code (2-4 chars) + inward code (digit letter letter).
    let n = bytes.len();
    if (5..=7).contains(&n)
        && bytes[0].is_ascii_alphabetic()
        && bytes[n - 3].is_ascii_digit()
        && bytes[n - 2].is_ascii_alphabetic()
        && bytes[n - 1].is_ascii_alphabetic()
    {
        return Some(Postcode {
            code: format!("{} {}", &compact[..n - 3], &compact[n - 3..]),
            plus4: None,
        });
    }
    // Canadian: A1A 1A1.
    if n == 6
        && bytes[0].is_ascii_alphabetic()
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_alphabetic()
        && bytes[3].is_ascii_digit()
    {
        return Some(Postcode {
            code: format!("{} {}", &compact[..3], &compact[3..]),
            plus4: None,
        });
    }
    Some(Postcode {
        code: compact,
        plus4: None,
    })
}

/// Normalizes a city or locality name: folded, `st`/`ste` and `mt`/`ft`
/// expanded at the start (`St. Louis` = `Saint Louis`).
pub fn normalize_city(raw: &str) -> Option<String> {
    let f = fold(raw);
    if f.is_empty() || !f.chars().any(char::is_alphabetic) {
        return None;
    }
    let mut words: Vec<&str> = f.split(' ').collect();
    if words.len() > 1 {
        words[0] = match words[0] {
            "st" => "saint",
            "ste" => "sainte",
            "mt" => "mount",
            "ft" => "fort",
            w => w,
        };
    }
    Some(words.join(" "))
}

/// Normalizes a state or region: US state names and variants to the
/// two-letter code, anything else folded.
pub fn normalize_state(raw: &str) -> Option<String> {
    let f = fold(raw);
    if f.is_empty() {
        return None;
    }
    Some(
        us_states()
            .get(f.as_str())
            .map(|s| (*s).to_string())
            .unwrap_or(f),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_variants_agree() {
        let a = parse_street("8955 West Boyd Street");
        let b = parse_street("8955 W Boyd St");
        let c = parse_street("8955 W. BOYD ST.");
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a.house_number.as_deref(), Some("8955"));
        assert_eq!(a.street_name.as_deref(), Some("boyd"));
        let d = parse_street("37 North Hall Drive");
        assert_eq!(d.street.as_deref(), Some("n hall dr"));
        assert_eq!(
            parse_street("663 West Fuller Road").street.as_deref(),
            Some("w fuller rd")
        );
    }

    #[test]
    fn units_agree() {
        let forms = [
            "10 Oak Ave Apartment 4",
            "10 Oak Ave Apt 4",
            "10 Oak Ave, Apt. 4",
            "10 Oak Ave #4",
            "10 Oak Ave # 4",
            "10 Oak Avenue Unit 4",
        ];
        let first = parse_street(forms[0]);
        assert_eq!(first.unit.as_deref(), Some("apt 4"));
        for f in forms {
            assert_eq!(parse_street(f), first, "{f}");
        }
        let s = parse_street("3599 Vicki Lane, Unit 1");
        assert_eq!(s.unit.as_deref(), Some("apt 1"));
        assert_eq!(s.street.as_deref(), Some("vicki ln"));
        let s = parse_street("Flat 2, 10 Downing Street");
        assert_eq!(s.unit.as_deref(), Some("apt 2"));
        assert_eq!(s.house_number.as_deref(), Some("10"));
        assert_eq!(s.street.as_deref(), Some("downing st"));
        let s = parse_street("200 Main St Suite 300");
        assert_eq!(s.unit.as_deref(), Some("apt 300"));
    }

    #[test]
    fn odd_lines() {
        assert_eq!(parse_street("PO Box 123").po_box.as_deref(), Some("123"));
        assert_eq!(parse_street("P.O. Box 77").po_box.as_deref(), Some("77"));
        let s = parse_street("North Street");
        assert_eq!(s.street.as_deref(), Some("n st"));
        assert_eq!(s.street_name.as_deref(), Some("north"));
        let s = parse_street("pridhamstreet");
        assert_eq!(s.street.as_deref(), Some("pridhamstreet"));
        assert_eq!(parse_street(""), StreetAddress::default());
        let s = parse_street("12a Rue de la Paix");
        assert_eq!(s.house_number.as_deref(), Some("12a"));
        assert_eq!(s.street.as_deref(), Some("rue de la paix"));
    }

    #[test]
    fn european_street_lines() {
        // Number after the street; glued suffixes written out or cut short.
        let a = parse_street("Hauptstraße 12");
        assert_eq!(a.house_number.as_deref(), Some("12"));
        assert_eq!(a.street.as_deref(), Some("hauptstr"));
        assert_eq!(parse_street("Hauptstr. 12"), a);
        assert_eq!(parse_street("HAUPTSTRASSE 12"), a);
        let b = parse_street("Bahnhofstr. 3a");
        assert_eq!(
            (b.house_number.as_deref(), b.street.as_deref()),
            (Some("3a"), Some("bahnhofstr"))
        );
        let c = parse_street("Via Roma 12");
        assert_eq!(
            (c.house_number.as_deref(), c.street.as_deref()),
            (Some("12"), Some("via roma"))
        );
        assert_eq!(
            parse_street("Kerkstraat 7").street.as_deref(),
            Some("kerkstr")
        );
        // A number first stays the house number; a word alone has none.
        assert_eq!(
            parse_street("12 Main St 4").house_number.as_deref(),
            Some("12")
        );
        assert_eq!(parse_street("Gartenweg").house_number, None);
        // Too short a stem, or no suffix: the word is kept as written.
        assert_eq!(glued_suffix_standard("str"), None);
        assert_eq!(glued_suffix_standard("weg"), None);
        assert_eq!(glued_suffix_standard("mainstreet"), None);
    }

    #[test]
    fn one_line_addresses() {
        let a = parse_full_address("131 S Gordon Rd, Walkerburgh 46497");
        assert_eq!(a.street.street.as_deref(), Some("s gordon rd"));
        assert_eq!(a.street.house_number.as_deref(), Some("131"));
        assert_eq!(a.city.as_deref(), Some("walkerburgh"));
        assert_eq!(a.postcode.as_deref(), Some("46497"));
        let a = parse_full_address("3327 Samantha Court, Lake Carolyn BS70 0LW");
        assert_eq!(a.street.street.as_deref(), Some("samantha ct"));
        assert_eq!(a.city.as_deref(), Some("lake carolyn"));
        assert_eq!(a.postcode.as_deref(), Some("BS70 0LW"));
        let a = parse_full_address("199 N Williams Blvd, Callahanview 5812");
        assert_eq!(a.postcode.as_deref(), Some("5812"));
        assert_eq!(a.city.as_deref(), Some("callahanview"));
        // A ZIP whose leading zeros a spreadsheet dropped (00850).
        let a = parse_full_address("1686 Frank Road, West Spencer 850");
        assert_eq!(a.postcode.as_deref(), Some("850"));
        assert_eq!(a.city.as_deref(), Some("west spencer"));
        // Not a number inside the street part.
        let a = parse_full_address("Route 850");
        assert_eq!(a.postcode, None);
        let a = parse_full_address("12 Oak St Springfield IL 62704");
        assert_eq!(a.street.street.as_deref(), Some("oak st"));
        assert_eq!(a.city.as_deref(), Some("springfield"));
        assert_eq!(a.state.as_deref(), Some("il"));
        let a = parse_full_address("Flat 2, 10 Downing Street, London SW1A 2AA");
        assert_eq!(a.street.unit.as_deref(), Some("apt 2"));
        assert_eq!(a.city.as_deref(), Some("london"));
        assert_eq!(a.postcode.as_deref(), Some("SW1A 2AA"));
        assert_eq!(parse_full_address(""), FullAddress::default());
        let a = parse_full_address("10 Oak St, Apt 4");
        assert_eq!((a.street.unit.as_deref(), a.city), (Some("apt 4"), None));
        let a = parse_full_address("North Dawnmouth 50744");
        assert_eq!(
            (a.street.street, a.city.as_deref(), a.postcode.as_deref()),
            (None, Some("north dawnmouth"), Some("50744"))
        );
        assert_eq!(
            parse_full_address("Springfield").city.as_deref(),
            Some("springfield")
        );
    }

    #[test]
    fn units_on_their_own() {
        let street = parse_street("10 Oak Ave Apt 4B").unit;
        for v in ["4B", "Apt 4B", "apt. 4b", "#4B", "Unit 4B", "Suite 4B"] {
            assert_eq!(normalize_unit(v, false), street, "{v}");
        }
        assert_eq!(normalize_unit("Apt 4B", true), street);
        // A second address line that is no unit stays a second line.
        assert_eq!(normalize_unit("4B", true), None);
        assert_eq!(normalize_unit("Riverside Business Park", false), None);
        assert_eq!(normalize_unit("", false), None);
        assert_eq!(normalize_unit("Building 12345678", false), None);
    }

    #[test]
    fn european_one_line_addresses() {
        let a = parse_full_address("Hauptstraße 12, 10115 Berlin");
        assert_eq!(a.street.street.as_deref(), Some("hauptstr"));
        assert_eq!(a.street.house_number.as_deref(), Some("12"));
        assert_eq!(a.postcode.as_deref(), Some("10115"));
        assert_eq!(a.city.as_deref(), Some("berlin"));
        let a = parse_full_address("Kerkstraat 7, 1012 AB Amsterdam");
        assert_eq!(a.postcode.as_deref(), Some("1012AB"));
        assert_eq!(a.city.as_deref(), Some("amsterdam"));
        let a = parse_full_address("15 rue de Rivoli, 75001 Paris");
        assert_eq!(a.street.house_number.as_deref(), Some("15"));
        assert_eq!(a.postcode.as_deref(), Some("75001"));
        assert_eq!(a.city.as_deref(), Some("paris"));
        // A city that starts with a number-like word is no postcode alone.
        let a = parse_full_address("Via Roma 3, Milano");
        assert_eq!((a.postcode, a.city.as_deref()), (None, Some("milano")));
    }

    #[test]
    fn postcodes() {
        assert_eq!(normalize_postcode("62704").unwrap().code, "62704");
        let z = normalize_postcode("62704-1234").unwrap();
        assert_eq!(
            (z.code.as_str(), z.plus4.as_deref()),
            ("62704", Some("1234"))
        );
        assert_eq!(normalize_postcode("sw1a1aa").unwrap().code, "SW1A 1AA");
        assert_eq!(normalize_postcode("SW1A  1AA").unwrap().code, "SW1A 1AA");
        assert_eq!(normalize_postcode("N60 8QX").unwrap().code, "N60 8QX");
        assert_eq!(normalize_postcode("k1a0b1").unwrap().code, "K1A 0B1");
        assert_eq!(normalize_postcode("2119").unwrap().code, "2119");
        assert_eq!(normalize_postcode("none"), None);
        assert_eq!(normalize_postcode(""), None);
    }

    #[test]
    fn cities_and_states() {
        assert_eq!(normalize_city("St. Louis").as_deref(), Some("saint louis"));
        assert_eq!(
            normalize_city("SOUTH GRAEMEVILLE").as_deref(),
            Some("south graemeville")
        );
        assert_eq!(normalize_city("12345"), None);
        assert_eq!(normalize_state("California").as_deref(), Some("ca"));
        assert_eq!(normalize_state("nsw").as_deref(), Some("nsw"));
    }
}
