//! How a source system writes a person: each field rendered in one of the
//! formats exports use, with the noise they carry (typos, nicknames,
//! swapped and shortened names, missing values, casing).

use super::names::{DIRS, NICK, STREETS, SUFFIXES};
use super::person::{Person, Rng};
use super::Fields;
use crate::schema::FieldKind;

/// How the sources write a population.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    /// The default population's: nicknames from a short list (`NICK`).
    Default,
    /// The namesake population's: every nickname the normalizer's table
    /// lists for the given name, and a till that often keeps only the
    /// name and the town (street and phone left out of 45% of its records,
    /// not 10%): the sparse records that can stand for any namesake.
    Namesakes,
}

/// One typo: a letter substituted, dropped, doubled or swapped with its neighbour.
fn typo(s: &str, rng: &mut Rng) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 3 {
        return s.to_string();
    }
    let i = 1 + rng.below(c.len() - 2);
    match rng.below(4) {
        0 => c[i] = (b'a' + rng.below(26) as u8) as char,
        1 => {
            c.remove(i);
        }
        2 => c.insert(i, c[i]),
        _ => c.swap(i, i + 1),
    }
    c.into_iter().collect()
}

/// Upper case at `upper_rate`, now and then lower case, else as written.
fn casing(s: &str, rng: &mut Rng, upper_rate: f64) -> String {
    if rng.chance(upper_rate) {
        s.to_uppercase()
    } else if rng.chance(0.1) {
        s.to_lowercase()
    } else {
        s.to_string()
    }
}

/// Ten digits in one of the ways exports write a phone number.
fn render_phone(d: &str, rng: &mut Rng) -> String {
    let (a, b, c) = (&d[..3], &d[3..6], &d[6..]);
    match rng.below(6) {
        0 => format!("({a}) {b}-{c}"),
        1 => format!("+1 {a}-{b}-{c}"),
        2 => format!("{a}.{b}.{c}"),
        3 => format!("1-{a}-{b}-{c}"),
        4 => format!("+1 ({a}) {b}-{c}"),
        _ => d.to_string(),
    }
}

/// The street line, abbreviated or written out, with the unit if any.
fn render_street(p: &Person, rng: &mut Rng) -> String {
    let abbreviate = rng.chance(0.5);
    let mut s = p.number.to_string();
    if let Some(d) = p.dir {
        s.push(' ');
        s.push_str(if abbreviate { DIRS[d].1 } else { DIRS[d].0 });
    }
    s.push(' ');
    s.push_str(STREETS[p.street]);
    s.push(' ');
    s.push_str(if abbreviate {
        SUFFIXES[p.suffix].1
    } else {
        SUFFIXES[p.suffix].0
    });
    if let Some(u) = p.unit {
        s.push_str(match rng.below(4) {
            0 => ", Apt ",
            1 => " #",
            2 => " Apartment ",
            _ => ", Unit ",
        });
        s.push_str(&u.to_string());
    }
    s
}

/// An email address as typed: provider variants (dots, `+tags`) and case.
fn render_email(e: &str, rng: &mut Rng) -> String {
    let (local, domain) = e.split_once('@').unwrap_or((e, ""));
    match rng.below(5) {
        0 if domain == "gmail.com" => format!("{}@{domain}", local.replace('.', "")),
        1 if matches!(domain, "gmail.com" | "outlook.com") => format!("{local}+shop@{domain}"),
        2 => e.to_uppercase(),
        _ => e.to_string(),
    }
}

/// A birth date in one of three formats.
fn render_dob(d: (u16, u8, u8), rng: &mut Rng) -> String {
    let (y, m, day) = d;
    match rng.below(4) {
        0 => format!("{m:02}/{day:02}/{y}"),
        1 => format!("{y}{m:02}{day:02}"),
        _ => format!("{y}-{m:02}-{day:02}"),
    }
}

/// One record of a person as a source system holds it.
///
/// Draws nothing for what a person lacks (a generational suffix, a share
/// of records without birth date), so the default population's records
/// stay the same whatever the other populations add.
pub(super) fn render(p: &Person, source: usize, rng: &mut Rng, noise: f64, style: Style) -> Fields {
    let mut given = p.given.clone();
    let mut surname = p.surname.clone();
    if rng.chance(noise) {
        match style {
            Style::Default => {
                if let Some((_, nick)) = NICK.iter().find(|(full, _)| *full == given) {
                    given = nick.to_string();
                }
            }
            Style::Namesakes => {
                if let Some(nick) = table_nickname(&given, rng) {
                    given = nick;
                }
            }
        }
    }
    if let Some((suffix, share)) = p.generation {
        if rng.chance(share) {
            surname = with_suffix(&surname, suffix, rng);
        }
    }
    if rng.chance(noise * 0.5) {
        given = typo(&given, rng);
    }
    if rng.chance(noise * 0.5) {
        surname = typo(&surname, rng);
    }
    if rng.chance(noise * 0.3) {
        std::mem::swap(&mut given, &mut surname);
    }
    if rng.chance(noise * 0.2) {
        given = given.chars().take(1).collect();
    }
    // Source profiles: the till keeps little and shouts, the web shop has emails.
    let upper = if source == 1 { 0.5 } else { 0.05 };
    let keep = |rng: &mut Rng, p: f64| !rng.chance(p);
    let mut out = vec![
        (FieldKind::GivenName, casing(&given, rng, upper)),
        (FieldKind::Surname, casing(&surname, rng, upper)),
    ];
    if let Some(e) = &p.email {
        if keep(rng, if source == 1 { 0.6 } else { 0.15 }) {
            let mut e = render_email(e, rng);
            if rng.chance(noise * 0.3) {
                e = typo(&e, rng);
            }
            out.push((FieldKind::Email, e));
        }
    }
    let sparse_till = style == Style::Namesakes && source == 1;
    let till_gap = if sparse_till { 0.45 } else { 0.1 };
    if keep(rng, till_gap) {
        let mut d = p.phone.clone();
        if rng.chance(noise * 0.3) {
            d = typo(&d, rng).chars().filter(char::is_ascii_digit).collect();
            if d.len() != 10 {
                d = p.phone.clone();
            }
        }
        out.push((FieldKind::Phone, render_phone(&d, rng)));
    }
    if keep(rng, till_gap) {
        let mut s = render_street(p, rng);
        if rng.chance(noise * 0.4) {
            s = typo(&s, rng);
        }
        out.push((FieldKind::Street, casing(&s, rng, upper)));
    }
    if keep(rng, if source == 2 { 0.4 } else { 0.1 }) {
        let c = if rng.chance(noise * 0.3) {
            typo(&p.city, rng)
        } else {
            p.city.clone()
        };
        out.push((FieldKind::City, casing(&c, rng, upper)));
    }
    if keep(rng, 0.05) {
        out.push((FieldKind::Postcode, p.zip.clone()));
    }
    let dob_kept = p.dob_missing <= 0.0 || !rng.chance(p.dob_missing);
    if keep(rng, if source == 1 { 0.7 } else { 0.1 }) && dob_kept {
        let mut d = p.dob;
        if rng.chance(noise * 0.15) && d.2 <= 12 {
            d = (d.0, d.2, d.1);
        }
        out.push((FieldKind::DateOfBirth, render_dob(d, rng)));
    }
    out
}

/// One of the nicknames the normalizer's table lists for `given`, written
/// with a capital.
fn table_nickname(given: &str, rng: &mut Rng) -> Option<String> {
    let folded = crate::normalize::text::fold_name(given);
    let nicks = crate::normalize::tables::nicknames()
        .nicknames_of
        .get(folded.as_str())?;
    let nick: &&str = rng.pick(nicks.as_slice());
    Some(capitalised(nick))
}

/// `word` with its first letter in upper case.
pub(super) fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A family name with a generational suffix, written as exports write it.
fn with_suffix(surname: &str, suffix: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("{surname} {suffix}."),
        1 => format!("{surname}, {suffix}"),
        2 => format!("{surname} {}", suffix.to_uppercase()),
        _ => format!("{surname} {suffix}"),
    }
}
