//! A deterministic generator of synthetic multi-source customer data with
//! ground truth: the same kinds of noise as real exports (typos, nicknames,
//! swapped names, missing values, format variants, people who moved,
//! households, common names). Same seed, same records. All people are made
//! up: no real customer data is involved.
//!
//! Two populations: the default one (its output for a seed never changes,
//! so figures measured on it stay comparable), and
//! [`Population::Namesakes`], where names, towns and families are drawn so
//! that, as on real customer data, many distinct people share a full name,
//! a birth year and a town, and fathers, sons and twins share an address.
//!
//! ```
//! use linkage::synth::{generate, Population, SynthOptions};
//! let data = generate(&SynthOptions { customers: 50, seed: 7, ..SynthOptions::default() });
//! assert_eq!(data.truth.len(), data.dataset.len());
//! let namesakes = generate(&SynthOptions {
//!     customers: 50,
//!     population: Population::Namesakes,
//!     ..SynthOptions::default()
//! });
//! assert_eq!(namesakes.dataset.sources, data.dataset.sources);
//! ```

mod customers;
mod names;
mod namesakes;
mod person;
mod render;
#[cfg(test)]
mod tests;
mod write;

pub use write::write_csv;

use crate::record::{Dataset, Record};
use crate::rng::SplitMix;
use crate::schema::FieldKind;
use person::{Person, Rng};
use render::{render, Style};

/// Who the generated people are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Population {
    /// Skewed common names from short lists, households with a father and
    /// son (`Jr` on every record of the son) now and then. Same seed, same
    /// output across versions.
    #[default]
    Default,
    /// Given names, family names and towns drawn from Zipf-like laws over a
    /// fixed geography (at a million records the commonest full names are
    /// held by hundreds of people, many in one town, some born in one
    /// year); a share of people ([`SynthOptions::namesake_share`]) copying
    /// an earlier person's full name and birth year, often the town;
    /// households of spouses, children, twins (same birth date, other given
    /// name) and fathers and sons of one given name, whose `Jr` / `Sr` is
    /// written on some records only and whose son's records often lack the
    /// birth date; nicknames from the whole nickname table.
    Namesakes,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// Number of distinct people.
    pub customers: usize,
    /// Random seed.
    pub seed: u64,
    /// Share of people living with another generated person (same family
    /// name, address and phone).
    pub household_rate: f64,
    /// Share of records with a value changed by noise, per field.
    pub noise: f64,
    /// Who the people are.
    pub population: Population,
    /// With [`Population::Namesakes`]: share of people (outside households)
    /// who take the full name and birth year of an earlier person (and in
    /// six cases of ten the town). Unused by the default population.
    pub namesake_share: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            customers: 1000,
            seed: 42,
            household_rate: 0.15,
            noise: 0.12,
            population: Population::Default,
            namesake_share: 0.02,
        }
    }
}

/// Generated records and their truth.
#[derive(Debug, Clone, Default)]
pub struct SynthData {
    /// The records, sources `crm`, `pos`, `web`, `billing`.
    pub dataset: Dataset,
    /// `(source, record id, entity id)` for every record, in dataset order.
    pub truth: Vec<(String, String, String)>,
}

/// The column order of generated files.
pub const COLUMNS: [(&str, FieldKind); 9] = [
    ("first_name", FieldKind::GivenName),
    ("last_name", FieldKind::Surname),
    ("email", FieldKind::Email),
    ("phone", FieldKind::Phone),
    ("street", FieldKind::Street),
    ("city", FieldKind::City),
    ("postcode", FieldKind::Postcode),
    ("date_of_birth", FieldKind::DateOfBirth),
    ("record_id", FieldKind::RecordId),
];

const SOURCES: [&str; 4] = ["crm", "pos", "web", "billing"];

/// A record's fields as a source holds them.
type Fields = Vec<(FieldKind, String)>;

/// Emails handed out so far (membership only: the hasher does not change
/// the output).
type Used = std::collections::HashSet<String, foldhash::fast::FixedState>;

/// Generates `options.customers` people and their records in four sources.
pub fn generate(options: &SynthOptions) -> SynthData {
    let mut rng = Rng(SplitMix(options.seed ^ 0x1234_5678_9abc_def0));
    let mut used = Used::default();
    let per_source = match options.population {
        Population::Default => {
            let people = customers::people(options, &mut rng, &mut used);
            records(
                &people,
                options.noise,
                Style::Default,
                &mut rng,
                |_, p, rng| person::new_address(p, rng),
            )
        }
        Population::Namesakes => {
            let (people, towns) = namesakes::people(options, &mut rng, &mut used);
            records(
                &people,
                options.noise,
                Style::Namesakes,
                &mut rng,
                |e, p, rng| namesakes::move_house(p, towns[e], rng),
            )
        }
    };
    assemble(per_source, &mut rng)
}

/// Each person's records (one to five, a few of them after a move), each
/// in a source drawn at random, by source.
fn records(
    people: &[Person],
    noise: f64,
    style: Style,
    rng: &mut Rng,
    mut move_house: impl FnMut(usize, &mut Person, &mut Rng),
) -> Vec<Vec<(usize, Fields)>> {
    let mut per_source: Vec<Vec<(usize, Fields)>> = vec![Vec::new(); SOURCES.len()];
    for (e, person) in people.iter().enumerate() {
        let copies = 1 + rng.skewed(5).min(rng.skewed(5));
        let mut p = person.clone();
        for _ in 0..copies {
            if rng.chance(0.05) {
                move_house(e, &mut p, rng);
            }
            let source = rng.below(SOURCES.len());
            let fields = render(&p, source, rng, noise, style);
            per_source[source].push((e, fields));
        }
    }
    per_source
}

/// The dataset and truth: records by source, their ids shuffled so that id
/// order tells nothing about identity.
fn assemble(per_source: Vec<Vec<(usize, Fields)>>, rng: &mut Rng) -> SynthData {
    let total: usize = per_source.iter().map(Vec::len).sum();
    let mut ids: Vec<usize> = (0..total).collect();
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.below(i + 1));
    }
    let mut out = SynthData::default();
    let mut next = 0;
    out.dataset.records.reserve_exact(total);
    out.truth.reserve_exact(total);
    for (name, records) in SOURCES.iter().zip(per_source) {
        let src = out.dataset.add_source(name);
        for (e, fields) in records {
            let id = format!("R{:07}", ids[next]);
            next += 1;
            let mut r = Record::new(src, id.clone());
            for (k, v) in fields {
                r.set(k, v);
            }
            out.truth.push((name.to_string(), id, format!("E{e:07}")));
            out.dataset.records.push(r);
        }
    }
    out
}
