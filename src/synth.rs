//! A deterministic generator of synthetic multi-source customer data with
//! ground truth: the same kinds of noise as real exports (typos, nicknames,
//! swapped names, missing values, format variants, people who moved,
//! households, common names). Same seed, same records. All people are made
//! up: no real customer data is involved.
//!
//! ```
//! use linkage::synth::{generate, SynthOptions};
//! let data = generate(&SynthOptions { customers: 50, seed: 7, ..SynthOptions::default() });
//! assert_eq!(data.truth.len(), data.dataset.len());
//! ```

use rayon::prelude::*;

use crate::record::{Dataset, Record};
use crate::rng::SplitMix;
use crate::schema::FieldKind;

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
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            customers: 1000,
            seed: 42,
            household_rate: 0.15,
            noise: 0.12,
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

const GIVEN: &[&str] = &[
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Nancy",
    "Daniel",
    "Lisa",
    "Matthew",
    "Margaret",
    "Anthony",
    "Betty",
    "Donald",
    "Sandra",
    "Mark",
    "Ashley",
    "Paul",
    "Dorothy",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Kenneth",
    "Donna",
    "Joshua",
    "Michelle",
    "Kevin",
    "Carol",
    "Brian",
    "Amanda",
    "George",
    "Melissa",
    "Edward",
    "Deborah",
    "Ronald",
    "Stephanie",
    "Timothy",
    "Rebecca",
    "Jason",
    "Laura",
    "Jeffrey",
    "Helen",
    "Ryan",
    "Sharon",
    "Jacob",
    "Cynthia",
    "Gary",
    "Kathleen",
    "Nicholas",
    "Amy",
    "Eric",
    "Shirley",
    "Jonathan",
    "Angela",
    "Stephen",
    "Anna",
    "Larry",
    "Ruth",
    "Justin",
    "Brenda",
    "Scott",
    "Pamela",
    "Brandon",
    "Nicole",
    "Frank",
    "Katherine",
    "Benjamin",
    "Virginia",
    "Gregory",
    "Catherine",
    "Samuel",
    "Christine",
    "Raymond",
    "Samantha",
    "José",
    "María",
    "Zoë",
    "Renée",
    "Søren",
    "Łukasz",
    "Chloé",
    "Müller",
    "Aoife",
    "Nguyen",
];

const NICK: &[(&str, &str)] = &[
    ("William", "Bill"),
    ("Robert", "Bob"),
    ("Elizabeth", "Liz"),
    ("Richard", "Dick"),
    ("James", "Jim"),
    ("Michael", "Mike"),
    ("Jennifer", "Jen"),
    ("Katherine", "Kate"),
    ("Margaret", "Peggy"),
    ("Thomas", "Tom"),
    ("Christopher", "Chris"),
    ("Daniel", "Dan"),
    ("Patricia", "Pat"),
    ("Joseph", "Joe"),
    ("Anthony", "Tony"),
    ("Samuel", "Sam"),
    ("Rebecca", "Becky"),
    ("Edward", "Ted"),
    ("Kimberly", "Kim"),
    ("Nicholas", "Nick"),
];

const SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "O'Brien",
    "Müller",
    "Kowalski",
    "Novak",
    "Schmidt",
    "Dubois",
    "Rossi",
    "Jensen",
    "Kaur",
    "Okafor",
    "Fitzgerald",
    "Vasquez",
    "Castillo",
    "Wagner",
    "Becker",
    "Hoffman",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Peterson",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
    "Gomez",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Diaz",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "James",
    "Reyes",
    "Cruz",
    "Hughes",
    "Price",
    "Myers",
    "Long",
    "Foster",
    "Sanders",
    "Ross",
    "Morales",
];

const STREETS: &[&str] = &[
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Main",
    "Church",
    "Mill",
    "Spring",
    "Ridge",
    "Sunset",
    "Highland",
    "Jackson",
    "Lincoln",
    "Franklin",
    "Walnut",
    "Chestnut",
    "Willow",
    "Meadow",
    "River",
    "Forest",
    "Boyd",
    "Fuller",
    "Hall",
    "Dickson",
    "Price",
    "Vicki",
    "Hester",
];

const SUFFIXES: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Court", "Ct"),
    ("Place", "Pl"),
    ("Boulevard", "Blvd"),
    ("Circle", "Cir"),
    ("Terrace", "Ter"),
];

const DIRS: &[(&str, &str)] = &[("North", "N"), ("South", "S"), ("East", "E"), ("West", "W")];

const CITY_PARTS: &[&str] = &[
    "Spring", "River", "Lake", "Green", "Fair", "Oak", "Maple", "Clear", "Silver", "Rock", "Glen",
    "Port", "Ash", "Brook", "Wood", "Stone", "Bridge", "Mill", "North", "West",
];
const CITY_ENDS: &[&str] = &[
    "field", "ville", "ton", "port", "burg", "wood", "view", "dale", "haven", "mouth",
];

const DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "aol.com",
];

const SOURCES: [&str; 4] = ["crm", "pos", "web", "billing"];

/// A record's fields as a source holds them.
type Fields = Vec<(FieldKind, String)>;

/// The crate's generator with the picks a data generator needs.
struct Rng(SplitMix);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n.max(1))
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// Skewed pick: low indices are more common (common names), the first
    /// of 100 about 5% of the time.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.0.unit();
        ((n as f64 * u.powf(1.5)) as usize).min(n - 1)
    }
}

#[derive(Clone)]
struct Person {
    given: String,
    surname: String,
    email: Option<String>,
    phone: String,
    number: u32,
    dir: Option<usize>,
    street: usize,
    suffix: usize,
    unit: Option<u32>,
    city: String,
    zip: String,
    dob: (u16, u8, u8),
}

fn city_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(CITY_PARTS), rng.pick(CITY_ENDS))
}

fn new_address(p: &mut Person, rng: &mut Rng) {
    p.number = 1 + rng.below(9999) as u32;
    p.dir = rng.chance(0.3).then(|| rng.below(DIRS.len()));
    p.street = rng.below(STREETS.len());
    p.suffix = rng.below(SUFFIXES.len());
    p.unit = rng.chance(0.15).then(|| 1 + rng.below(40) as u32);
    p.city = city_name(rng);
    p.zip = format!("{:05}", 1000 + rng.below(98_000));
}

fn email_for(given: &str, surname: &str, rng: &mut Rng) -> String {
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
fn unique_email(given: &str, surname: &str, rng: &mut Rng, used: &mut Used) -> String {
    let mut e = email_for(given, surname, rng);
    while !used.insert(e.clone()) {
        let (local, domain) = e.split_once('@').unwrap_or((&e, "x.com"));
        e = format!("{local}{}@{domain}", rng.below(10));
    }
    e
}

/// Word parts of the long tail of rarer family names (`Ashford`, `Brookman`).
const SURNAME_ROOTS: &[&str] = &[
    "Ash", "Brook", "Black", "Cald", "Dun", "Fair", "Gold", "Hart", "Kings", "Lang", "Mar", "Nor",
    "Oak", "Pen", "Ross", "Stan", "Thorn", "Wes", "Whit", "Wood", "Bram", "Crans", "Elling",
    "Hollis", "Ket", "Lind", "Mel", "Pres", "Rad", "Sher",
];
const SURNAME_ENDS: &[&str] = &[
    "ford", "man", "ton", "well", "ley", "field", "wick", "by", "combe", "more", "stead", "worth",
    "son", "er", "ham", "hurst", "wood", "dale", "berg", "sen",
];

/// A family name: one of the 100 common ones about half the time (skewed
/// towards the most common), else one of 600 rarer composed ones, so that a
/// million people do not share a few thousand full names.
fn surname(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        SURNAMES[rng.skewed(SURNAMES.len())].to_string()
    } else {
        format!("{}{}", rng.pick(SURNAME_ROOTS), rng.pick(SURNAME_ENDS))
    }
}

fn new_person(rng: &mut Rng, used: &mut Used) -> Person {
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
    };
    new_address(&mut p, rng);
    p
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

fn casing(s: &str, rng: &mut Rng, upper_rate: f64) -> String {
    if rng.chance(upper_rate) {
        s.to_uppercase()
    } else if rng.chance(0.1) {
        s.to_lowercase()
    } else {
        s.to_string()
    }
}

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

fn render_email(e: &str, rng: &mut Rng) -> String {
    let (local, domain) = e.split_once('@').unwrap_or((e, ""));
    match rng.below(5) {
        0 if domain == "gmail.com" => format!("{}@{domain}", local.replace('.', "")),
        1 if matches!(domain, "gmail.com" | "outlook.com") => format!("{local}+shop@{domain}"),
        2 => e.to_uppercase(),
        _ => e.to_string(),
    }
}

fn render_dob(d: (u16, u8, u8), rng: &mut Rng) -> String {
    let (y, m, day) = d;
    match rng.below(4) {
        0 => format!("{m:02}/{day:02}/{y}"),
        1 => format!("{y}{m:02}{day:02}"),
        _ => format!("{y}-{m:02}-{day:02}"),
    }
}

/// One record of a person as a source system holds it.
fn render(p: &Person, source: usize, rng: &mut Rng, noise: f64) -> Vec<(FieldKind, String)> {
    let mut given = p.given.clone();
    let mut surname = p.surname.clone();
    if rng.chance(noise) {
        if let Some((_, nick)) = NICK.iter().find(|(full, _)| *full == given) {
            given = nick.to_string();
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
    if keep(rng, 0.1) {
        let mut d = p.phone.clone();
        if rng.chance(noise * 0.3) {
            d = typo(&d, rng).chars().filter(char::is_ascii_digit).collect();
            if d.len() != 10 {
                d = p.phone.clone();
            }
        }
        out.push((FieldKind::Phone, render_phone(&d, rng)));
    }
    if keep(rng, 0.1) {
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
    if keep(rng, if source == 1 { 0.7 } else { 0.1 }) {
        let mut d = p.dob;
        if rng.chance(noise * 0.15) && d.2 <= 12 {
            d = (d.0, d.2, d.1);
        }
        out.push((FieldKind::DateOfBirth, render_dob(d, rng)));
    }
    out
}

/// Generates `options.customers` people and their records in four sources.
pub fn generate(options: &SynthOptions) -> SynthData {
    let mut rng = Rng(SplitMix(options.seed ^ 0x1234_5678_9abc_def0));
    let mut people: Vec<Person> = Vec::with_capacity(options.customers);
    let mut used = Used::default();
    for _ in 0..options.customers {
        let mut p = new_person(&mut rng, &mut used);
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
                .then(|| unique_email(&p.given, &p.surname, &mut rng, &mut used));
        }
        people.push(p);
    }
    let mut out = SynthData::default();
    let mut per_source: Vec<Vec<(usize, Fields)>> = vec![Vec::new(); SOURCES.len()];
    for (e, person) in people.iter().enumerate() {
        let copies = 1 + rng.skewed(5).min(rng.skewed(5));
        let mut p = person.clone();
        for _ in 0..copies {
            if rng.chance(0.05) {
                new_address(&mut p, &mut rng); // moved house
            }
            let source = rng.below(SOURCES.len());
            let fields = render(&p, source, &mut rng, options.noise);
            per_source[source].push((e, fields));
        }
    }
    // Record ids are shuffled so that id order tells nothing about identity.
    let total: usize = per_source.iter().map(Vec::len).sum();
    let mut ids: Vec<usize> = (0..total).collect();
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.below(i + 1));
    }
    let mut next = 0;
    out.dataset.records.reserve_exact(total);
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

/// Emails handed out so far (membership only: the hasher does not change
/// the output).
type Used = std::collections::HashSet<String, foldhash::fast::FixedState>;

/// Writes a generated dataset as one CSV per source plus `truth.csv` into `dir`.
pub fn write_csv(data: &SynthData, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // One file per source plus the truth, written in parallel.
    let sources = data.dataset.sources.len();
    (0..=sources)
        .into_par_iter()
        .try_for_each(|s| match data.dataset.sources.get(s) {
            Some(name) => write_source(data, s, &dir.join(format!("{name}.csv"))),
            None => write_truth(data, &dir.join("truth.csv")),
        })
}

/// Writes the records of source `s` with the generator's header.
fn write_source(data: &SynthData, s: usize, path: &std::path::Path) -> std::io::Result<()> {
    let header = [
        "record_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "street",
        "city",
        "postcode",
        "date_of_birth",
    ];
    let mut w = csv::Writer::from_path(path).map_err(std::io::Error::other)?;
    w.write_record(header).map_err(std::io::Error::other)?;
    for r in data
        .dataset
        .records
        .iter()
        .filter(|r| r.source as usize == s)
    {
        let row: Vec<&str> = std::iter::once(r.id.as_str())
            .chain(COLUMNS[..8].iter().map(|(_, k)| r.get(*k).unwrap_or("")))
            .collect();
        w.write_record(&row).map_err(std::io::Error::other)?;
    }
    w.flush()
}

/// Writes `source,record_id,entity_id` for every record.
fn write_truth(data: &SynthData, path: &std::path::Path) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(std::io::Error::other)?;
    w.write_record(["source", "record_id", "entity_id"])
        .map_err(std::io::Error::other)?;
    for (s, r, e) in &data.truth {
        w.write_record([s, r, e]).map_err(std::io::Error::other)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let o = SynthOptions {
            customers: 200,
            ..SynthOptions::default()
        };
        let a = generate(&o);
        let b = generate(&o);
        assert_eq!(a.dataset, b.dataset);
        assert_eq!(a.truth, b.truth);
        let c = generate(&SynthOptions { seed: 43, ..o });
        assert_ne!(a.dataset, c.dataset);
        assert!(a.dataset.len() > 200);
        assert_eq!(a.dataset.sources, vec!["crm", "pos", "web", "billing"]);
    }
}
