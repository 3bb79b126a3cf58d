//! The default population: people with skewed common names, a share of them
//! in households (same family name, address and phone), a tenth of those a
//! son named after his father with `Jr` on every record. Its output for a
//! seed is fixed: figures measured on it stay comparable.

use super::person::{new_person, unique_email, Person, Rng};
use super::{SynthOptions, Used};

/// The people of the default population.
pub(super) fn people(options: &SynthOptions, rng: &mut Rng, used: &mut Used) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::with_capacity(options.customers);
    for _ in 0..options.customers {
        let mut p = new_person(rng, used);
        if !people.is_empty() && rng.chance(options.household_rate) {
            // Joins the household of an earlier person: same family name,
            // address and phone; own given name, birth date and email.
            let host = people[rng.below(people.len())].clone();
            p.surname = host.surname;
            p.number = host.number;
            p.dir = host.dir;
            p.street = host.street;
            p.suffix = host.suffix;
            p.unit = host.unit;
            p.city = host.city;
            p.zip = host.zip;
            p.phone = host.phone;
            if rng.chance(0.1) {
                // Father and son: same given name, "Jr".
                p.given = host.given;
                p.surname = format!("{} Jr", p.surname);
            }
            p.email = rng
                .chance(0.7)
                .then(|| unique_email(&p.given, &p.surname, rng, used));
        }
        people.push(p);
    }
    people
}
