//! Email addresses: trimmed, lower-cased, syntax-checked, provider rules applied.

use serde::{Deserialize, Serialize};

/// A normalized email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// `local@domain` after the provider rules.
    pub full: String,
    /// The local part after the provider rules (`jsmith` for `J.Smith+promo@gmail.com`).
    pub local: String,
    /// The domain (`googlemail.com` becomes `gmail.com`).
    pub domain: String,
}

/// Providers whose mailboxes ignore a `+tag` suffix in the local part.
const PLUS_TAG_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "fastmail.com",
    "fastmail.fm",
    "zoho.com",
    "yandex.ru",
    "yandex.com",
];

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Normalizes an email address, or returns `None` when it is not one.
///
/// Trims spaces and a `mailto:` prefix, lower-cases, checks the syntax
/// (one `@`, a dotted domain with an alphabetic top-level label, no
/// consecutive dots), then applies provider rules: Gmail ignores dots and
/// `+tags` and `googlemail.com` is `gmail.com`; the providers listed in
/// `PLUS_TAG_DOMAINS` ignore `+tags`.
///
/// ```
/// use linkage::normalize::email::normalize_email;
/// let e = normalize_email(" J.Smith+promo@Gmail.com ").unwrap();
/// assert_eq!(e.full, "jsmith@gmail.com");
/// assert_eq!(e.local, "jsmith");
/// assert!(normalize_email("not an email").is_none());
/// // Several addresses in one field: the first valid one.
/// let e = normalize_email("office@; jane.doe@example.org, j@x.org").unwrap();
/// assert_eq!(e.full, "jane.doe@example.org");
/// ```
pub fn normalize_email(raw: &str) -> Option<Email> {
    if raw.matches('@').count() > 1 || raw.contains(';') {
        return raw
            .split([';', ',', '|'])
            .flat_map(|part| {
                // `a@x.org b@y.org`: addresses separated by spaces only.
                match part.matches('@').count() > 1 {
                    true => part.split_whitespace().collect::<Vec<_>>(),
                    false => vec![part],
                }
            })
            .find_map(normalize_one_email);
    }
    normalize_one_email(raw)
}

fn normalize_one_email(raw: &str) -> Option<Email> {
    let mut s = raw.trim().to_lowercase();
    if let Some(rest) = s.strip_prefix("mailto:") {
        s = rest.trim().to_string();
    }
    // Strip a display-name wrapper: `Jane <jane@x.com>`.
    if let (Some(open), Some(close)) = (s.rfind('<'), s.rfind('>')) {
        if open < close {
            s = s[open + 1..close].trim().to_string();
        }
    }
    let (local, domain) = s.split_once('@')?;
    let domain = domain.trim_end_matches('.');
    if domain.contains('@') || !valid_local(local) || !valid_domain(domain) {
        return None;
    }
    let domain = match domain {
        "googlemail.com" => "gmail.com",
        d => d,
    };
    let mut local = local.to_string();
    if PLUS_TAG_DOMAINS.contains(&domain) {
        if let Some(i) = local.find('+') {
            // `ann.+news`: the dot before the tag ends no mailbox name.
            local.truncate(local[..i].trim_end_matches('.').len());
        }
    }
    if domain == "gmail.com" {
        local.retain(|c| c != '.');
    }
    if local.is_empty() {
        return None;
    }
    Some(Email {
        full: format!("{local}@{domain}"),
        local,
        domain: domain.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> Option<String> {
        normalize_email(s).map(|e| e.full)
    }

    #[test]
    fn provider_rules() {
        for (raw, want) in [
            ("J.Smith+promo@Gmail.com", "jsmith@gmail.com"),
            ("jsmith@googlemail.com", "jsmith@gmail.com"),
            ("Johnsmith+news@gmail.com", "johnsmith@gmail.com"),
            ("ann.lee+x@outlook.com", "ann.lee@outlook.com"),
            // A dot before the tag goes with it (found by fuzzing).
            ("ne.+news@Outlook.com", "ne@outlook.com"),
            // Yahoo uses no plus tags: the address stays as typed.
            ("a.b+c@yahoo.com", "a.b+c@yahoo.com"),
            ("STACYCOOPER@GMAIL.COM", "stacycooper@gmail.com"),
            ("mailto:bob@example.org", "bob@example.org"),
            ("Bob Jones <Bob@Example.org>", "bob@example.org"),
        ] {
            assert_eq!(full(raw).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn invalid_addresses() {
        for bad in [
            "",
            "plainaddress",
            "@example.com",
            "bob@",
            "bob@localhost",
            "bob@@example.com",
            "bob..x@example.com",
            ".bob@example.com",
            "bob@example.c0m",
            "bob smith@example.com",
            "bob@exa mple.com",
            "+@gmail.com",
        ] {
            assert_eq!(full(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn parts_are_available() {
        let e = normalize_email("Rice.Susan213@gmail.com").unwrap();
        assert_eq!(e.local, "ricesusan213");
        assert_eq!(e.domain, "gmail.com");
    }
}
