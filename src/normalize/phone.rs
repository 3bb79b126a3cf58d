//! Telephone numbers: digits only, international and trunk prefixes handled,
//! extensions split off.

use serde::{Deserialize, Serialize};

/// How numbers written without a country code are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneRules {
    /// Calling code assumed for numbers written without one (`1` for the
    /// US and Canada, `44` for the UK, `61` for Australia).
    pub default_country: u16,
}

impl Default for PhoneRules {
    fn default() -> Self {
        PhoneRules { default_country: 1 }
    }
}

/// A normalized telephone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Country calling code: written, or the default for national numbers.
    pub country: u16,
    /// The national significant number: digits without country code and
    /// without the national trunk prefix (`0` in most countries, `1` in NANP).
    pub national: String,
    /// Extension digits, when one was written (`x204`, `ext. 204`).
    pub extension: Option<String>,
}

/// Two-digit country calling codes (all others starting with 2-9 have three;
/// codes starting with 1 or 7 have one).
const TWO_DIGIT_CODES: &[u16] = &[
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
    57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
];

/// Splits an international digit string (after `+`, `00` or `011`) into
/// calling code and the rest.
fn split_country(digits: &str) -> Option<(u16, &str)> {
    let first = digits.chars().next()?;
    let len = match first {
        '1' | '7' => 1,
        '0' => return None,
        _ => {
            let two: u16 = digits.get(..2)?.parse().ok()?;
            if TWO_DIGIT_CODES.contains(&two) {
                2
            } else {
                3
            }
        }
    };
    let code: u16 = digits.get(..len)?.parse().ok()?;
    Some((code, &digits[len..]))
}

/// Splits off an extension: `x204`, `ext 204`, `ext. 204`, `extension 204`, `#204`.
fn split_extension(raw: &str) -> (&str, Option<String>) {
    let lower = raw.to_ascii_lowercase();
    for marker in ["extension", "ext.", "ext", "x", "#"] {
        if let Some(pos) = lower.rfind(marker) {
            let tail = &raw[pos + marker.len()..];
            let digits: String = tail.chars().filter(char::is_ascii_digit).collect();
            let only_digits = tail
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '.' || c == ':');
            let head_digits = raw[..pos].chars().filter(char::is_ascii_digit).count();
            if !digits.is_empty() && only_digits && head_digits >= 6 {
                return (&raw[..pos], Some(digits));
            }
        }
    }
    (raw, None)
}

/// Normalizes a telephone number, or returns `None` when it holds fewer than
/// 6 or more than 15 digits, or letters other than an extension marker.
///
/// `+1 (555) 010-2000`, `1-555-010-2000`, `001 555 010 2000` and `5550102000`
/// all give country `1`, national `5550102000`. A national number with a
/// leading `0` (`07967 739656`) has that trunk prefix removed whatever the
/// default country, since no national significant number starts with `0`.
///
/// ```
/// use linkage::normalize::phone::{normalize_phone, PhoneRules};
/// let rules = PhoneRules::default();
/// let a = normalize_phone("+1 (555) 010-2000", &rules).unwrap();
/// let b = normalize_phone("5550102000", &rules).unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a.national, "5550102000");
/// ```
pub fn normalize_phone(raw: &str, rules: &PhoneRules) -> Option<Phone> {
    // Several numbers in one field (`555-0101; 555-0199`): the first valid one.
    if raw.contains([';', ',', '|']) {
        return raw
            .split([';', ',', '|'])
            .find_map(|part| normalize_one_phone(part, rules));
    }
    normalize_one_phone(raw, rules)
}

fn normalize_one_phone(raw: &str, rules: &PhoneRules) -> Option<Phone> {
    let (number, extension) = split_extension(raw.trim());
    if number
        .chars()
        .any(|c| c.is_alphabetic() && !matches!(c, 't' | 'e' | 'l' | 'T' | 'E' | 'L' | ':'))
    {
        return None;
    }
    let trimmed = number.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '+');
    let plus = trimmed.starts_with('+');
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 || digits.len() > 15 {
        return None;
    }
    let international: Option<&str> = if plus {
        Some(&digits)
    } else if let Some(rest) = digits
        .strip_prefix("011")
        .filter(|_| rules.default_country == 1)
    {
        Some(rest)
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest)
    } else {
        None
    };
    let (country, national) = match international.and_then(split_country) {
        Some((code, rest)) => (code, rest),
        None => {
            let nanp = rules.default_country == 1;
            let national = if nanp && digits.len() == 11 && digits.starts_with('1') {
                &digits[1..]
            } else {
                digits.as_str()
            };
            (rules.default_country, national)
        }
    };
    // Trunk prefix: `+44 (0)20 ...` and national `020 ...` both drop the 0.
    // Italy keeps its leading 0 as part of the number.
    let national = if country != 39 {
        national.trim_start_matches('0')
    } else {
        national
    };
    // E.164: at most 15 digits, the calling code's included (a national
    // number longer than that is no number, and could not be written
    // with its country code).
    let code_digits = country.checked_ilog10().map_or(1, |d| d as usize + 1);
    // Written back with its calling code, it still has the 6 digits a
    // number needs (`00 1 02000` is no number: found by fuzzing).
    let written = code_digits + national.len();
    if national.len() < 4 || !(6..=15).contains(&written) {
        return None;
    }
    Some(Phone {
        country,
        national: national.to_string(),
        extension,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn national(s: &str) -> Option<String> {
        normalize_phone(s, &PhoneRules::default()).map(|p| p.national)
    }

    #[test]
    fn north_american_variants_agree() {
        for s in [
            "+1 (555) 010-2000",
            "1-555-010-2000",
            "5550102000",
            "(555) 010-2000",
            "555.010.2000",
            "+1 555-010-2000",
            "001 555 010 2000",
            "011 1 555 010 2000",
            "tel: 555 010 2000",
        ] {
            assert_eq!(national(s).as_deref(), Some("5550102000"), "{s}");
        }
    }

    #[test]
    fn trunk_prefixes_and_countries() {
        let uk = normalize_phone("+44 7967 739656", &PhoneRules::default()).unwrap();
        assert_eq!((uk.country, uk.national.as_str()), (44, "7967739656"));
        assert_eq!(national("07967 739656").as_deref(), Some("7967739656"));
        assert_eq!(
            national("+44 (0)20 7946 0958").as_deref(),
            Some("2079460958")
        );
        let de = normalize_phone("0049 30 1234567", &PhoneRules::default()).unwrap();
        assert_eq!((de.country, de.national.as_str()), (49, "301234567"));
        let au = PhoneRules {
            default_country: 61,
        };
        let p = normalize_phone("(02) 9374 4000", &au).unwrap();
        assert_eq!((p.country, p.national.as_str()), (61, "293744000"));
        let it = normalize_phone("+39 06 6982", &PhoneRules::default()).unwrap();
        assert_eq!(it.national, "066982");
    }

    #[test]
    fn extensions() {
        let p = normalize_phone("555-010-2000 ext. 204", &PhoneRules::default()).unwrap();
        assert_eq!(p.national, "5550102000");
        assert_eq!(p.extension.as_deref(), Some("204"));
        let p = normalize_phone("(555) 010-2000 x7", &PhoneRules::default()).unwrap();
        assert_eq!(p.extension.as_deref(), Some("7"));
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(national(""), None);
        assert_eq!(national("12345"), None);
        assert_eq!(national("call me maybe"), None);
        assert_eq!(national("1234567890123456789"), None);
        // 15 digits, but 16 with the calling code (found by fuzzing).
        let uk = PhoneRules {
            default_country: 44,
        };
        assert_eq!(normalize_phone("011 44 20 7946 0958", &uk), None);
        assert!(normalize_phone("+44 20 7946 0958", &uk).is_some());
        // 8 digits, but 5 once the `00` prefix and trunk zero are gone.
        assert_eq!(national("00 102000"), None);
        assert_eq!(national("n/a"), None);
    }
}
