//! Unicode folding shared by every normalizer: accents removed, case folded,
//! punctuation turned into single spaces.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Letters that compatibility decomposition (NFKD) leaves alone but that
/// people type as plain ASCII in another system (`ß` -> `ss`, `ø` -> `o`).
fn ascii_fallback(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// Folds a string for comparison: NFKD, combining marks dropped, lower-cased,
/// the letters NFKD keeps (`ß`, `ø`, `ł`, ...) spelled in ASCII, every run of
/// characters that are neither letters nor digits turned into one space, and
/// the ends trimmed. Characters listed in `keep` survive as they are.
///
/// ```
/// use linkage::normalize::text::fold_keep;
/// assert_eq!(fold_keep("  José  MÜLLER-Straße ", &[]), "jose muller strasse");
/// assert_eq!(fold_keep("Apt #4", &['#']), "apt #4");
/// ```
pub fn fold_keep(input: &str, keep: &[char]) -> String {
    if input.is_ascii() {
        fold_ascii(input, keep)
    } else {
        fold_unicode(input, keep)
    }
}

/// [`fold_keep`] for any input.
fn fold_unicode(input: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() || keep.contains(&c) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if let Some(s) = ascii_fallback(c) {
                out.push_str(s);
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// [`fold_keep`] for ASCII input, which NFKD leaves as it is: no
/// decomposition, one pass over the bytes.
fn fold_ascii(input: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for b in input.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&char::from(b)) {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            pending_space = true;
        }
    }
    out
}

/// [`fold_keep`] with nothing kept: letters and digits separated by single spaces.
pub fn fold(input: &str) -> String {
    fold_keep(input, &[])
}

/// Folds a name: like [`fold`], but apostrophes vanish instead of splitting
/// the word (`O'Brien` -> `obrien`, `D’Angelo` -> `dangelo`).
pub fn fold_name(input: &str) -> String {
    let cleaned: String = input
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ'))
        .collect();
    fold(&cleaned)
}

/// Returns `None` for values that mean "no value" in exports: empty, only
/// spaces, or placeholders such as `NULL`, `N/A`, `none`, `-`, `?`, `unknown`.
pub fn non_blank(raw: &str) -> Option<&str> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "null" | "nil" | "none" | "n/a" | "nan" | "-" | "--" | "?" | "unknown" | "#n/a" => None,
        _ => Some(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_equals_unicode_path(s in "[ -~]{0,40}") {
            proptest::prop_assert_eq!(fold_ascii(&s, &['#']), fold_unicode(&s, &['#']));
            proptest::prop_assert_eq!(fold_ascii(&s, &[]), fold_unicode(&s, &[]));
        }
    }

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("José"), "jose");
        assert_eq!(fold("Smíth"), "smith");
        assert_eq!(fold("Johñ"), "john");
        assert_eq!(fold("ZOË  Ångström"), "zoe angstrom");
        assert_eq!(fold("Łukasz Wałęsa"), "lukasz walesa");
        assert_eq!(fold("Søren Kierkegaard"), "soren kierkegaard");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ﬁnn"), "finn");
        assert_eq!(fold("Mary-Jane  Watson."), "mary jane watson");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn names_drop_apostrophes() {
        assert_eq!(fold_name("O'Brien"), "obrien");
        assert_eq!(fold_name("D’Angelo"), "dangelo");
        assert_eq!(fold_name("Smith-Jones"), "smith jones");
    }

    #[test]
    fn blanks_and_placeholders() {
        assert_eq!(non_blank("  "), None);
        assert_eq!(non_blank("NULL"), None);
        assert_eq!(non_blank("n/a"), None);
        assert_eq!(non_blank(" Bob "), Some("Bob"));
        assert_eq!(non_blank("Na"), Some("Na"), "a real surname");
    }
}
