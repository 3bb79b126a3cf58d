//! Masking personal values for a report that can be shared: names to
//! initials, emails to their first letters and top-level domain, phones and
//! identity numbers to their last two characters, birth dates to the year,
//! street lines and postcodes to their shape.

use crate::schema::FieldKind;

/// A value of `kind` as the report shows it: as it is, or masked when
/// `redact` is set.
pub(crate) fn shown(kind: FieldKind, value: &str, redact: bool) -> String {
    if redact {
        mask(kind, value)
    } else {
        value.to_string()
    }
}

/// A value of `kind` masked.
pub(crate) fn mask(kind: FieldKind, value: &str) -> String {
    use FieldKind as K;
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    match kind {
        K::Email => email(value),
        K::Phone | K::NationalId | K::Passport | K::DriversLicence => keep_last(value, 2),
        K::DateOfBirth => date(value),
        K::Street | K::FullAddress | K::AddressLine2 | K::HouseNumber | K::Unit => shape(value),
        K::Postcode => keep_first(value, 2),
        K::City
        | K::State
        | K::Country
        | K::Sex
        | K::EntityType
        | K::Occupation
        | K::Classes
        | K::BirthYear
        | K::EventDate
        | K::Age => value.to_string(),
        _ => initials(value),
    }
}

/// A value of unknown kind masked by its look (placeholders in reports).
pub(crate) fn mask_any(value: &str) -> String {
    if value.contains('@') {
        email(value)
    } else if value.chars().filter(char::is_ascii_digit).count() >= 4 {
        keep_last(value, 2)
    } else {
        initials(value)
    }
}

/// `Ann Mary Lee-Smith` -> `A. M. L.`
fn initials(value: &str) -> String {
    value
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `jsmith+shop@gmail.com` -> `j•••@g•••.com`
fn email(value: &str) -> String {
    let (local, domain) = value.split_once('@').unwrap_or((value, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    let tld = domain.rsplit_once('.').map(|(_, t)| t).unwrap_or("");
    if domain.is_empty() {
        return format!("{}•••", first(local));
    }
    format!("{}•••@{}•••.{}", first(local), first(domain), tld)
}

/// Every letter and digit but the last `n` to `•`.
fn keep_last(value: &str, n: usize) -> String {
    let total = value.chars().filter(|c| c.is_alphanumeric()).count();
    mask_letters(value, |seen| seen + n > total)
}

/// Every letter and digit after the first `n` to `•`.
fn keep_first(value: &str, n: usize) -> String {
    mask_letters(value, |seen| seen <= n)
}

/// Letters and digits to `•` except where `keep` holds for their place
/// (1-based) among the value's letters and digits; other characters kept.
fn mask_letters(value: &str, keep: impl Fn(usize) -> bool) -> String {
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if keep(seen) {
                c
            } else {
                '•'
            }
        })
        .collect()
}

/// The year of a date (the first group of four digits), else masked whole.
fn date(value: &str) -> String {
    let digits: Vec<char> = value.chars().collect();
    for i in 0..digits.len() {
        let run: String = digits[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if run.len() == 4 && (i == 0 || !digits[i - 1].is_ascii_digit()) {
            return format!("{run}-••-••");
        }
        if run.len() == 8 && i == 0 {
            return format!("{}-••-••", &run[..4]);
        }
    }
    keep_last(value, 0)
}

/// Digits to `#`, words to their initial.
fn shape(value: &str) -> String {
    value
        .split_whitespace()
        .map(|w| {
            if w.chars().any(|c| c.is_ascii_digit()) {
                w.chars()
                    .map(|c| if c.is_alphanumeric() { '#' } else { c })
                    .collect()
            } else {
                initials(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldKind as K;

    #[test]
    fn masks_emails_phones_names_and_dates() {
        assert_eq!(mask(K::Email, "JNorfield+shop@gmail.com"), "J•••@g•••.com");
        assert_eq!(mask(K::Phone, "+1 (887) 401-5540"), "+• (•••) •••-••40");
        assert_eq!(mask(K::GivenName, "Jessica"), "J.");
        assert_eq!(mask(K::FullName, "Nguyen, Sandra Lee"), "N. S. L.");
        assert_eq!(mask(K::DateOfBirth, "1949-04-26"), "1949-••-••");
        assert_eq!(mask(K::DateOfBirth, "19600726"), "1960-••-••");
        assert_eq!(mask(K::DateOfBirth, "26/04/1949"), "1949-••-••");
        assert_eq!(mask(K::Street, "1107 N CHESTNUT RD"), "#### N. C. R.");
        assert_eq!(mask(K::Postcode, "06088"), "06•••");
        assert_eq!(mask(K::City, "Millview"), "Millview");
        assert_eq!(mask_any("none@none.com"), "n•••@n•••.com");
        assert_eq!(shown(K::Surname, "Lee", false), "Lee");
        for (kind, v) in [
            (K::Email, "kjames@hotmail.com"),
            (K::Phone, "2321401340"),
            (K::Surname, "Ellingby"),
        ] {
            assert!(!mask(kind, v).contains(v));
            assert!(!mask(kind, v)
                .to_lowercase()
                .contains(&v[1..].to_lowercase()));
        }
    }
}
