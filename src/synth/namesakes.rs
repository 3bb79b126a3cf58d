//! The namesake population: what makes precision fall as customer data
//! grows. Given names, family names and towns follow Zipf-like laws over a
//! fixed geography, so the more people, the more share a full name, and a
//! birth year and a town with it (at a million records the commonest full
//! names are held by hundreds of people). On top of those chance namesakes,
//! a share of people take the full name and birth year (and often the
//! town) of an earlier person. Households hold spouses, children, twins
//! (same birth date, different given names) and fathers and sons of one
//! given name at one address, the son's `Jr` (and the father's `Sr`) on
//! some of their records only, the son's birth date often missing.

use super::names::{
    CITY_ENDS, CITY_PARTS, DIRS, FEMALE, MALE, STREETS, SUFFIXES, SURNAMES, SURNAME_ENDS,
    SURNAME_ROOTS, SYLLABLES, TOWN_PREFIXES,
};
use super::person::{unique_email, Person, Rng};
use super::render::capitalised;
use super::{SynthOptions, Used};

/// Towns: a fixed geography whatever the number of people (a regional
/// customer base), so a larger population puts more people, and more
/// namesakes, in every town.
pub(super) const TOWNS: usize = 400;
/// Family names by rank: the 100 common ones, then composed ones.
const SURNAME_RANKS: usize = 200_000;
/// Zipf-Mandelbrot offsets: the commonest family name is about 1.7% of
/// people, the commonest given name about 4.5% of one sex, the largest
/// town about 7.6%.
const SURNAME_Q: f64 = 5.0;
const GIVEN_Q: f64 = 3.0;
const TOWN_Q: f64 = 2.0;
/// Birth years: 1930 to 2005, most around 1967 (the sum of two uniform
/// draws: a triangle).
const FIRST_YEAR: u16 = 1930;
const LAST_YEAR: u16 = 2005;
/// Share of a son's records that write `Jr`, of a father's that write
/// `Sr`, and of a son's records without a birth date.
const JR_SHOWN: f64 = 0.45;
const SR_SHOWN: f64 = 0.15;
const SON_DOB_MISSING: f64 = 0.5;
/// Share of a namesake who copies an earlier person that also lives in
/// that person's town.
const NAMESAKE_SAME_TOWN: f64 = 0.6;
/// Share of people who move within their town when they move.
const MOVE_IN_TOWN: f64 = 0.6;

/// A town: its name, first postcode, number of postcodes and area code.
struct Town {
    name: String,
    zip: usize,
    zips: usize,
    area: usize,
}

/// The town of rank `t` (0 is the largest): names are distinct for every
/// rank below `TOWNS`, postcode ranges do not overlap.
fn town(t: usize) -> Town {
    let parts = CITY_PARTS.len() * CITY_ENDS.len();
    let name = format!(
        "{}{}{}",
        TOWN_PREFIXES[(t / parts) % TOWN_PREFIXES.len()],
        CITY_PARTS[t % CITY_PARTS.len()],
        CITY_ENDS[(t / CITY_PARTS.len()) % CITY_ENDS.len()]
    );
    Town {
        name,
        zip: 1000 + 45 * t,
        zips: ((40.0 / (1.0 + t as f64 / 5.0)).ceil() as usize).clamp(1, 45),
        area: 201 + (t * 7) % 780,
    }
}

/// The family name of rank `r`: the common list first, then a root and an
/// end (`Ashford`), then a root, syllables and an end (`Ashbadeford`).
fn surname_of_rank(r: usize) -> String {
    if r < SURNAMES.len() {
        return SURNAMES[r].to_string();
    }
    let mut i = r - SURNAMES.len();
    let root = SURNAME_ROOTS[i % SURNAME_ROOTS.len()];
    i /= SURNAME_ROOTS.len();
    let end = SURNAME_ENDS[i % SURNAME_ENDS.len()];
    i /= SURNAME_ENDS.len();
    // `i` in bijective base `SYLLABLES.len()`: 0 is no syllable.
    let mut middle = String::new();
    while i > 0 {
        middle.push_str(SYLLABLES[(i - 1) % SYLLABLES.len()]);
        i = (i - 1) / SYLLABLES.len();
    }
    format!("{root}{middle}{end}")
}

/// Given names by sex, most common first: the ranked lists, then the other
/// names of the nickname table (alphabetical, by their ending).
struct GivenNames {
    male: Vec<String>,
    female: Vec<String>,
}

impl GivenNames {
    fn new() -> GivenNames {
        let mut male: Vec<String> = MALE.iter().map(|s| s.to_string()).collect();
        let mut female: Vec<String> = FEMALE.iter().map(|s| s.to_string()).collect();
        let ranked: std::collections::HashSet<String> = MALE
            .iter()
            .chain(FEMALE)
            .map(|n| crate::normalize::text::fold_name(n))
            .collect();
        let mut tail: Vec<&str> = crate::normalize::tables::nicknames()
            .nicknames_of
            .keys()
            .copied()
            .filter(|n| n.len() > 2 && n.chars().all(|c| c.is_ascii_lowercase()))
            .filter(|n| !ranked.contains(*n))
            .collect();
        tail.sort_unstable();
        for n in tail {
            let list = if looks_female(n) {
                &mut female
            } else {
                &mut male
            };
            list.push(capitalised(n));
        }
        GivenNames { male, female }
    }

    fn pick(&self, male: bool, rng: &mut Rng) -> String {
        let list = if male { &self.male } else { &self.female };
        list[rng.zipf(list.len(), GIVEN_Q)].clone()
    }

    /// A given name other than `not` (a household's members differ).
    fn other_than(&self, not: &str, male: bool, rng: &mut Rng) -> String {
        let mut g = self.pick(male, rng);
        for _ in 0..16 {
            if g != not {
                break;
            }
            g = self.pick(male, rng);
        }
        g
    }
}

/// Whether a name reads as a woman's by its ending (`-a`, `-ine`, `-lyn`):
/// a rough rule for the long tail of rare names, which only keeps a `Jr`
/// off most `Gwendolyn`s.
fn looks_female(name: &str) -> bool {
    [
        "a", "ie", "ine", "elle", "ette", "lyn", "een", "ey", "is", "ah",
    ]
    .iter()
    .any(|end| name.ends_with(end))
}

/// A person with what the household and namesake rules need to know.
#[derive(Clone)]
struct Member {
    person: Person,
    male: bool,
    town: usize,
}

/// A new address in town `t`.
fn settle(p: &mut Person, t: &Town, rng: &mut Rng) {
    p.number = 1 + rng.below(9999) as u32;
    p.dir = rng.chance(0.3).then(|| rng.below(DIRS.len()));
    p.street = rng.below(STREETS.len());
    p.suffix = rng.below(SUFFIXES.len());
    p.unit = rng.chance(0.15).then(|| 1 + rng.below(40) as u32);
    p.city = t.name.clone();
    p.zip = format!("{:05}", t.zip + rng.below(t.zips));
}

/// Moves a person: within their town mostly, else to another town.
pub(super) fn move_house(p: &mut Person, home: usize, rng: &mut Rng) {
    let t = if rng.chance(MOVE_IN_TOWN) {
        home
    } else {
        rng.zipf(TOWNS, TOWN_Q)
    };
    settle(p, &town(t), rng);
}

/// A phone number with the town's area code.
fn phone_in(t: &Town, rng: &mut Rng) -> String {
    format!("{}{:03}{:04}", t.area, rng.below(1000), rng.below(10_000))
}

/// A person drawn afresh: names, birth date and town from their laws.
fn fresh(names: &GivenNames, rng: &mut Rng, used: &mut Used) -> Member {
    let male = rng.chance(0.5);
    let given = names.pick(male, rng);
    let surname = surname_of_rank(rng.zipf(SURNAME_RANKS, SURNAME_Q));
    let t = rng.zipf(TOWNS, TOWN_Q);
    let home = town(t);
    let email = rng
        .chance(0.8)
        .then(|| unique_email(&given, &surname, rng, used));
    let mut person = Person {
        given,
        surname,
        email,
        phone: phone_in(&home, rng),
        number: 0,
        dir: None,
        street: 0,
        suffix: 0,
        unit: None,
        city: String::new(),
        zip: String::new(),
        dob: (
            FIRST_YEAR + birth_year_offset(rng),
            1 + rng.below(12) as u8,
            1 + rng.below(28) as u8,
        ),
        generation: None,
        dob_missing: 0.0,
    };
    settle(&mut person, &home, rng);
    Member {
        person,
        male,
        town: t,
    }
}

/// Years after `FIRST_YEAR` of a birth: a triangle over the span.
fn birth_year_offset(rng: &mut Rng) -> u16 {
    let span = usize::from(LAST_YEAR - FIRST_YEAR) / 2 + 1;
    (rng.below(span) + rng.below(span)) as u16
}

/// A birth year `offset` years from `year`, kept within the population's.
fn year_from(year: u16, offset: i32) -> u16 {
    (i32::from(year) + offset).clamp(i32::from(FIRST_YEAR), i32::from(LAST_YEAR)) as u16
}

/// Makes `m` a member of `host`'s household (family name, address, mostly
/// the phone) in one of the relations: spouse (40%), child (30%, and the
/// father-and-son draws a woman or a marked man cannot take), father or son
/// of one given name (27%), twin (3%). May mark the host as father or son.
fn join_household(
    m: &mut Member,
    host: &mut Member,
    names: &GivenNames,
    rng: &mut Rng,
    used: &mut Used,
) {
    let h = host.person.clone();
    let p = &mut m.person;
    p.surname = h.surname.clone();
    p.number = h.number;
    p.dir = h.dir;
    p.street = h.street;
    p.suffix = h.suffix;
    p.unit = h.unit;
    p.city = h.city.clone();
    p.zip = h.zip.clone();
    if rng.chance(0.8) {
        p.phone = h.phone.clone(); // the household's line
    }
    m.town = host.town;
    let (year, month, day) = h.dob;
    let relation = rng.0.unit();
    let can_be_father_or_son = host.male && h.generation.is_none();
    if relation < 0.40 {
        // Spouse: the other sex, born within six years.
        m.male = !host.male;
        p.given = names.other_than(&h.given, m.male, rng);
        p.dob.0 = year_from(year, rng.below(13) as i32 - 6);
    } else if (0.70..0.97).contains(&relation) && can_be_father_or_son {
        // Father and son of one given name.
        m.male = true;
        p.given = h.given.clone();
        if year + 18 <= LAST_YEAR {
            let span = usize::from(LAST_YEAR - year - 18).min(17) + 1;
            p.dob.0 = year + 18 + rng.below(span) as u16;
            p.generation = Some(("Jr", JR_SHOWN));
            p.dob_missing = SON_DOB_MISSING;
            host.person.generation = Some(("Sr", SR_SHOWN));
        } else {
            p.dob.0 = year_from(year, -20 - rng.below(16) as i32);
            p.generation = Some(("Sr", SR_SHOWN));
            host.person.generation = Some(("Jr", JR_SHOWN));
            host.person.dob_missing = SON_DOB_MISSING;
        }
    } else if relation >= 0.97 {
        // Twin: same birth date, another given name.
        m.male = rng.chance(0.5);
        p.given = names.other_than(&h.given, m.male, rng);
        p.dob = (year, month, day);
    } else {
        // Child (or, when the host is too young, a sibling or cousin).
        p.given = names.other_than(&h.given, m.male, rng);
        p.dob.0 = if year + 20 <= LAST_YEAR {
            year_from(year, 20 + rng.below(19) as i32)
        } else {
            year_from(year, rng.below(9) as i32 - 4)
        };
    }
    p.email = rng
        .chance(0.7)
        .then(|| unique_email(&p.given, &p.surname, rng, used));
}

/// The people of the namesake population and each one's home town.
pub(super) fn people(
    options: &SynthOptions,
    rng: &mut Rng,
    used: &mut Used,
) -> (Vec<Person>, Vec<usize>) {
    let names = GivenNames::new();
    let mut members: Vec<Member> = Vec::with_capacity(options.customers);
    for _ in 0..options.customers {
        let mut m = fresh(&names, rng, used);
        if !members.is_empty() && rng.chance(options.household_rate) {
            let host = rng.below(members.len());
            join_household(&mut m, &mut members[host], &names, rng, used);
        } else if !members.is_empty() && rng.chance(options.namesake_share) {
            // A namesake of an earlier person: full name, sex and birth
            // year, often the town; own address, phone, email, birth day.
            let model = &members[rng.below(members.len())];
            let (given, surname, year, male, home) = (
                model.person.given.clone(),
                model.person.surname.clone(),
                model.person.dob.0,
                model.male,
                model.town,
            );
            m.male = male;
            m.person.given = given;
            m.person.surname = surname;
            m.person.dob.0 = year;
            if rng.chance(NAMESAKE_SAME_TOWN) {
                m.town = home;
                let t = town(home);
                settle(&mut m.person, &t, rng);
                m.person.phone = phone_in(&t, rng);
            }
            m.person.email = rng
                .chance(0.8)
                .then(|| unique_email(&m.person.given, &m.person.surname, rng, used));
        }
        members.push(m);
    }
    members.into_iter().map(|m| (m.person, m.town)).unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_and_rare_surnames_are_distinct() {
        let towns: std::collections::HashSet<String> = (0..TOWNS).map(|t| town(t).name).collect();
        assert_eq!(towns.len(), TOWNS);
        assert!((0..TOWNS).all(|t| town(t).zip + town(t).zips <= 99_999));
        let ranks = [0, 99, 100, 699, 700, 12_000, SURNAME_RANKS - 1];
        let names: Vec<String> = ranks.iter().map(|&r| surname_of_rank(r)).collect();
        assert_eq!(names[0], "Smith");
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{names:?}");
    }

    #[test]
    fn zipf_ranks_fall_off() {
        let mut rng = Rng(crate::rng::SplitMix(3));
        let mut counts = vec![0usize; TOWNS];
        for _ in 0..200_000 {
            counts[rng.zipf(TOWNS, TOWN_Q)] += 1;
        }
        // Rank 0 holds ln(1 + 1/q) / ln((n + q) / q) of draws.
        let expected = (1.0 + 1.0 / TOWN_Q).ln() / ((TOWNS as f64 + TOWN_Q) / TOWN_Q).ln();
        let top = counts[0] as f64 / 200_000.0;
        assert!((top - expected).abs() < 0.005, "{top} {expected}");
        assert!(counts[0] > counts[10] && counts[10] > counts[300]);
        assert!(counts[TOWNS - 1] > 0);
    }
}
