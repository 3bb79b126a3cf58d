//! A generated person (what every record of them is rendered from), the
//! random picks a generator needs, and the default population's person,
//! address and email makers.

use super::names::{
    CITY_ENDS, CITY_PARTS, DIRS, DOMAINS, GIVEN, STREETS, SUFFIXES, SURNAMES, SURNAME_ENDS,
    SURNAME_ROOTS,
};
use super::Used;
use crate::rng::SplitMix;

/// The crate's generator with the picks a data generator needs.
pub(super) struct Rng(pub(super) SplitMix);

impl Rng {
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0.below(n.max(1))
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.0.unit() < p
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// Skewed pick: low indices are more common (common names), the first
    /// of 100 about 5% of the time.
    pub(super) fn skewed(&mut self, n: usize) -> usize {
        let u = self.0.unit();
        ((n as f64 * u.powf(1.5)) as usize).min(n - 1)
    }
    /// A Zipf-Mandelbrot rank in `0..n`: rank `r` is drawn with probability
    /// about `ln((r + 1 + q) / (r + q)) / ln((n + q) / q)`, nearly
    /// `1 / (r + q)` (the shape of name and town frequencies; `q` flattens
    /// the head). Drawn by inverting the continuous distribution: one draw.
    pub(super) fn zipf(&mut self, n: usize, q: f64) -> usize {
        let u = self.0.unit();
        let x = q * ((n as f64 + q) / q).powf(u) - q;
        (x as usize).min(n.max(1) - 1)
    }
}

/// One generated person.
#[derive(Clone)]
pub(super) struct Person {
    pub(super) given: String,
    pub(super) surname: String,
    pub(super) email: Option<String>,
    pub(super) phone: String,
    pub(super) number: u32,
    pub(super) dir: Option<usize>,
    pub(super) street: usize,
    /// Index into `SUFFIXES` (the street's).
    pub(super) suffix: usize,
    pub(super) unit: Option<u32>,
    pub(super) city: String,
    pub(super) zip: String,
    pub(super) dob: (u16, u8, u8),
    /// Generational suffix (`Jr`, `Sr`) and the share of this person's
    /// records that write it; `None` for the default population.
    pub(super) generation: Option<(&'static str, f64)>,
    /// Share of this person's records that leave the birth date out, on top
    /// of what each source leaves out (0 for the default population).
    pub(super) dob_missing: f64,
}

/// A town name of the default population (`Spring` + `field`).
pub(super) fn city_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(CITY_PARTS), rng.pick(CITY_ENDS))
}

/// A new address anywhere (the default population; postcode and town drawn
/// apart).
pub(super) fn new_address(p: &mut Person, rng: &mut Rng) {
    p.number = 1 + rng.below(9999) as u32;
    p.dir = rng.chance(0.3).then(|| rng.below(DIRS.len()));
    p.street = rng.below(STREETS.len());
    p.suffix = rng.below(SUFFIXES.len());
    p.unit = rng.chance(0.15).then(|| 1 + rng.below(40) as u32);
    p.city = city_name(rng);
    p.zip = format!("{:05}", 1000 + rng.below(98_000));
}

/// An email address made from the name, as people choose them.
pub(super) fn email_for(given: &str, surname: &str, rng: &mut Rng) -> String {
    let g = crate::normalize::text::fold_name(given).replace(' ', "");
    let s = crate::normalize::text::fold_name(surname).replace(' ', "");
    let local = match rng.below(4) {
        0 => format!("{g}.{s}"),
        1 => format!(
            "{}{s}",
            g.chars().next().map(String::from).unwrap_or_default()
        ),
        2 => format!("{g}{s}{}", rng.below(100)),
        _ => format!("{s}.{g}{}", rng.below(1000)),
    };
    format!("{local}@{}", rng.pick(DOMAINS))
}

/// An email address nobody else has: a mailbox belongs to one person.
pub(super) fn unique_email(given: &str, surname: &str, rng: &mut Rng, used: &mut Used) -> String {
    let mut e = email_for(given, surname, rng);
    while !used.insert(e.clone()) {
        let (local, domain) = e.split_once('@').unwrap_or((&e, "x.com"));
        e = format!("{local}{}@{domain}", rng.below(10));
    }
    e
}

/// A family name: one of the 100 common ones about half the time (skewed
/// towards the most common), else one of 600 rarer composed ones, so that a
/// million people do not share a few thousand full names.
pub(super) fn surname(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        SURNAMES[rng.skewed(SURNAMES.len())].to_string()
    } else {
        format!("{}{}", rng.pick(SURNAME_ROOTS), rng.pick(SURNAME_ENDS))
    }
}

/// A person of the default population.
pub(super) fn new_person(rng: &mut Rng, used: &mut Used) -> Person {
    let given = GIVEN[rng.skewed(GIVEN.len())].to_string();
    let surname = surname(rng);
    let email = rng
        .chance(0.8)
        .then(|| unique_email(&given, &surname, rng, used));
    let mut p = Person {
        phone: format!(
            "{}{:03}{:04}",
            201 + rng.below(780),
            rng.below(1000),
            rng.below(10_000)
        ),
        email,
        given,
        surname,
        number: 0,
        dir: None,
        street: 0,
        suffix: 0,
        unit: None,
        city: String::new(),
        zip: String::new(),
        dob: (
            1930 + rng.below(75) as u16,
            1 + rng.below(12) as u8,
            1 + rng.below(28) as u8,
        ),
        generation: None,
        dob_missing: 0.0,
    };
    new_address(&mut p, rng);
    p
}
