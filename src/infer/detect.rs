//! Value detectors: for a sample of a column's values, the share that looks
//! like each kind of identity data. Each detector is a small pure function
//! with its own tests, negative cases included.

use crate::normalize::address::{glued_suffix_standard, is_postcode_like, parse_street};
use crate::normalize::date::{parse_date, parse_partial_date, DateOrder, FIRST_YEAR};
use crate::normalize::email::normalize_email;
use crate::normalize::name::generational_suffix;
use crate::normalize::phone::{normalize_phone, PhoneRules};
use crate::normalize::tables::{nicknames, street_suffixes, unit_designators};
use crate::normalize::text::fold;

/// Share of `values` for which `test` holds (0 for no values).
pub fn share(values: &[&str], test: impl Fn(&str) -> bool) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().filter(|v| test(v)).count() as f64 / values.len() as f64
}

/// A syntactically valid email address.
pub fn is_email(v: &str) -> bool {
    normalize_email(v).is_some()
}

/// A telephone number: 7 to 15 digits, and nothing but digits, spaces and
/// `+ ( ) - . /` (an extension marker allowed). Amounts (`78.12`) and
/// dates are not phones.
pub fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let clean = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-./".contains(c) || c.is_ascii_alphabetic());
    let letters = v.chars().filter(char::is_ascii_alphabetic).count();
    (7..=15).contains(&digits)
        && clean
        && letters <= 4
        && !looks_like_date(v)
        && !looks_like_amount(v)
        && normalize_phone(v, &PhoneRules::default()).is_some()
}

fn looks_like_amount(v: &str) -> bool {
    let t = v.trim().trim_start_matches(['$', '€', '£', '-']);
    t.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.chars().all(|c| c.is_ascii_digit() || c == ',')
            && b.len() <= 2
            && b.chars().all(|c| c.is_ascii_digit())
    })
}

fn looks_like_date(v: &str) -> bool {
    parse_date(v, DateOrder::MonthFirst).is_some() || parse_date(v, DateOrder::DayFirst).is_some()
}

/// A money amount or other decimal number (`78.12`, `1,024.50`).
pub fn is_amount(v: &str) -> bool {
    looks_like_amount(v) || v.trim().parse::<f64>().is_ok_and(|x| x.fract() != 0.0)
}

/// A date in any form `parse_date` reads.
pub fn is_date(v: &str) -> bool {
    looks_like_date(v)
}

/// A date, partial date or estimate as historical records write it
/// (`1850-03`, `March 1850`, `1850`, `c. 1850`, `1850?`): what a column
/// under a date header may hold. Not for judging unlabelled columns: a
/// year alone is also a postcode or a count.
pub fn is_partial_date(v: &str) -> bool {
    parse_partial_date(v, DateOrder::MonthFirst).is_some()
        || parse_partial_date(v, DateOrder::DayFirst).is_some()
}

/// The order of a date column's ambiguous values, decided by its values:
/// a first part above 12 means day first, a second part above 12 month
/// first. `None` when the values do not tell (or contradict each other).
pub fn date_order(values: &[&str]) -> Option<DateOrder> {
    let (mut day_first, mut month_first) = (0, 0);
    for v in values {
        let parts: Vec<&str> = v.trim().split(['/', '.', '-']).collect();
        if parts.len() != 3 || parts[0].len() > 2 {
            continue;
        }
        let (Ok(a), Ok(b)) = (
            parts[0].trim().parse::<u32>(),
            parts[1].trim().parse::<u32>(),
        ) else {
            continue;
        };
        if a > 12 && b <= 12 {
            day_first += 1;
        } else if b > 12 && a <= 12 {
            month_first += 1;
        }
    }
    match (day_first, month_first) {
        (0, 0) => None,
        (d, m) if d > 4 * m => Some(DateOrder::DayFirst),
        (d, m) if m > 4 * d => Some(DateOrder::MonthFirst),
        _ => None,
    }
}

/// Birth dates rather than event dates: the years spread over decades and
/// most lie well in the past (order dates cluster in recent years).
pub fn looks_like_birth_dates(values: &[&str], order: DateOrder) -> bool {
    let mut years: Vec<u16> = values
        .iter()
        .filter_map(|v| parse_date(v, order))
        .map(|d| d.year)
        .collect();
    if years.len() < 3 {
        return false;
    }
    years.sort_unstable();
    let median = years[years.len() / 2];
    let spread = years[years.len() * 9 / 10] - years[years.len() / 10];
    median <= 2010 && spread >= 15
}

/// A postcode of a common shape (see `is_postcode_like`).
pub fn is_postcode(v: &str) -> bool {
    is_postcode_like(v)
}

/// A street line: a house number and a name, often with a street suffix.
pub fn is_street(v: &str) -> bool {
    let s = parse_street(v);
    s.po_box.is_some() || (s.house_number.is_some() && s.street_name.is_some())
}

/// A street line that also carries a street suffix (`St`, `Road`, `Ave`),
/// or one glued to the name (`Hauptstraße`, `Kerkstraat`).
pub fn has_street_suffix(v: &str) -> bool {
    let f = fold(v);
    let suffixes = street_suffixes();
    f.split(' ').skip(1).any(|t| suffixes.contains_key(t))
        || f.split(' ').any(|t| glued_suffix_standard(t).is_some())
}

/// A one-line address: a street line followed by a comma and a locality or
/// postcode (`12 Oak St, Springfield 62704`).
pub fn is_full_address(v: &str) -> bool {
    let Some((street, rest)) = v.split_once(',') else {
        return false;
    };
    let tail = rest.trim();
    // "3599 Vicki Lane, Unit 1" is a street line with its unit.
    let first = fold(tail);
    if first
        .split(' ')
        .next()
        .is_some_and(|w| unit_designators().contains_key(w))
        || tail.starts_with('#')
    {
        return false;
    }
    let ends_with_code = tail
        .rsplit(' ')
        .next()
        .is_some_and(|t| is_postcode_like(t) || t.chars().any(|c| c.is_ascii_digit()));
    // `Hauptstraße 12, 10115 Berlin`: the postcode before the city.
    let starts_with_code = tail
        .split(' ')
        .next()
        .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()) && is_postcode_like(t))
        && tail.contains(' ');
    is_street(street) && !tail.is_empty() && (ends_with_code || starts_with_code)
}

/// Words that mark an organisation's name.
const COMPANY_WORDS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "plc",
    "group",
    "holdings",
    "sa",
    "ag",
    "bv",
    "srl",
    "pty",
    "lp",
    "llp",
    "partners",
    "associates",
    "services",
    "solutions",
    "industries",
    "enterprises",
    "international",
    "technologies",
    "systems",
    "bank",
    "university",
    "hospital",
    "foundation",
    "nv",
    "n v",
    "b v",
    "sarl",
    "spa",
    "kg",
    "ev",
    "incorporated",
    "electronics",
    "chemicals",
    "pharmaceuticals",
    "laboratories",
    "research",
    "institute",
    "maatschappij",
    "stichting",
    "vereniging",
    "koninklijke",
    "konink",
];

/// A company or organisation name (`Acme Corp`, `Globex Holdings Ltd`).
pub fn is_company(v: &str) -> bool {
    fold(v).split(' ').any(|t| COMPANY_WORDS.contains(&t))
}

/// Words that name what a place or body is: shops, restaurants, schools,
/// clubs and the like (`Art's Deli`, `Temple Learning Center`).
const ORG_WORDS: &[&str] = &[
    "cafe",
    "restaurant",
    "grill",
    "deli",
    "bar",
    "bistro",
    "kitchen",
    "pizza",
    "pizzeria",
    "diner",
    "house",
    "church",
    "school",
    "academy",
    "center",
    "centre",
    "club",
    "society",
    "association",
    "council",
    "clinic",
    "pharmacy",
    "hotel",
    "inn",
    "shop",
    "store",
    "market",
    "bakery",
    "studio",
    "salon",
    "agency",
    "institute",
    "college",
    "library",
    "museum",
    "department",
    "office",
    "trust",
    "fund",
    "ministry",
    "committee",
    "federation",
    "union",
    "cooperative",
    "nursery",
    "daycare",
    "care",
    "community",
    "home",
    "garage",
    "motors",
    "electronics",
    "pharma",
    "labs",
    "laboratories",
    "consulting",
    "tavern",
    "steakhouse",
    "brasserie",
    "trattoria",
    "cantina",
    "gallery",
    "theatre",
    "theater",
    "park",
    "farm",
    "camp",
    "campground",
    "army",
    "temple",
    "mission",
    "services",
    "program",
    "head",
    "start",
    "early",
    "learning",
    "child",
    "children",
    "development",
    "family",
    "youth",
    "st",
];

/// A value that names an organisation rather than a person: a company
/// word, an organisation word, `&` or a possessive (`Arnie Morton's`).
pub fn is_org_like(v: &str) -> bool {
    let f = fold(v);
    is_company(v)
        || v.contains('&')
        || v.contains("'s ")
        || v.contains("’s ")
        || f.split(' ').any(|t| ORG_WORDS.contains(&t))
}

/// A list column's shape: the kind its items make, and the share of values
/// that are lists. Values are lists when at least half of them hold two or
/// more items split by one separator (`**`, `;`, `|`, ` / `). Items that are
/// mostly names of two or more words make associates (`DAVID E SNYDER`),
/// items that are mostly short codes make classes (`A61N`); lists of phones
/// or emails are neither (their own detectors read the first one).
pub fn list_shape(values: &[&str]) -> Option<(crate::schema::FieldKind, f64)> {
    use crate::normalize::record::LIST_SEPARATORS;
    use crate::schema::FieldKind;
    let sep = LIST_SEPARATORS.iter().max_by_key(|sep| {
        values
            .iter()
            .filter(|v| v.split(**sep).filter(|p| !p.trim().is_empty()).count() >= 2)
            .count()
    })?;
    let lists = share(values, |v| {
        v.split(*sep).filter(|p| !p.trim().is_empty()).count() >= 2
    });
    if lists < 0.5 {
        return None;
    }
    let items: Vec<&str> = values
        .iter()
        .flat_map(|v| v.split(*sep))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(5000)
        .collect();
    if share(&items, |i| is_phone(i) || is_email(i)) >= 0.5 {
        return None;
    }
    let code = |i: &str| {
        !i.contains(' ') && i.chars().count() <= 12 && i.chars().any(|c| c.is_ascii_alphanumeric())
    };
    if share(&items, |i| is_name_like(i) && name_words(i) >= 2) >= 0.5 {
        Some((FieldKind::Associates, lists))
    } else if share(&items, code) >= 0.8 {
        Some((FieldKind::Classes, lists))
    } else {
        None
    }
}

/// A year of birth alone, under a header that names a birth date or year:
/// four digits between 1000 (records of historical people) and 2030.
/// Values alone never make a year of birth of a four-digit number: the
/// postcodes of many countries (Australia, Switzerland, Denmark, Belgium)
/// are four digits from 1000 to 9999.
pub fn is_birth_year_value(v: &str) -> bool {
    let t = v.trim();
    t.len() == 4
        && t.bytes().all(|b| b.is_ascii_digit())
        && t.parse::<u16>()
            .is_ok_and(|y| (FIRST_YEAR..=2030).contains(&y))
}

/// A national identifier in the US social security shape `123-45-6789`.
pub fn is_ssn_shape(v: &str) -> bool {
    let b = v.trim().as_bytes();
    b.len() == 11
        && b.iter().enumerate().all(|(i, c)| match i {
            3 | 6 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// A sex or gender value in a known language (`F`, `Male`, `weiblich`).
pub fn is_sex_value(v: &str) -> bool {
    matches!(
        crate::normalize::record::normalize_sex(v).as_deref(),
        Some("f" | "m")
    )
}

/// A record-type value: person or organisation (`PERSON`, `ORGANIZATION`).
pub fn is_entity_type_value(v: &str) -> bool {
    crate::normalize::record::entity_type(v).is_some()
}

/// A person-name-like value: letters (any script), spaces, apostrophes,
/// hyphens, dots and at most one comma; 1 to 5 words; no digits.
pub fn is_name_like(v: &str) -> bool {
    let t = v.trim();
    let words = t.split_whitespace().count();
    (1..=5).contains(&words)
        && t.chars().any(char::is_alphabetic)
        && t.chars()
            .all(|c| c.is_alphabetic() || c.is_whitespace() || "'’-.,".contains(c))
        && t.matches(',').count() <= 1
        && t.chars().count() <= 60
}

/// Number of words in a name-like value (a comma also separates).
pub fn name_words(v: &str) -> usize {
    v.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .count()
}

/// A given name the nickname table knows (`bill`, `william`, `mary`).
pub fn is_known_given_name(v: &str) -> bool {
    let f = fold(v);
    let first = f.split(' ').next().unwrap_or("");
    let table = nicknames();
    first.len() > 1
        && (table.canonicals_of.contains_key(first) || table.nicknames_of.contains_key(first))
}

/// An identifier-like code: letters and digits with at least one digit,
/// no spaces (`R0000007`, `S040`, `SKU-1234`).
pub fn is_code(v: &str) -> bool {
    let t = v.trim();
    !t.is_empty()
        && !t.contains(' ')
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_#/".contains(c))
}

/// A generational suffix on its own (`Jr`, `Sr.`, `III`, `3rd`), not the
/// letters of a degree (`PhD`).
pub fn is_name_suffix(v: &str) -> bool {
    generational_suffix(v).is_some()
}

/// Free text: long values with many words (notes, comments).
pub fn is_free_text(v: &str) -> bool {
    v.split_whitespace().count() >= 6 || v.chars().count() > 60
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A column of order dates (recent, close together): not birth dates.
    pub(crate) const ORDER_DATES: [&str; 5] = [
        "2024-03-01",
        "2024-05-17",
        "2023-11-30",
        "2025-01-02",
        "2024-07-08",
    ];

    #[test]
    fn emails_and_phones() {
        assert!(is_email("laurabrown@yahoo.com"));
        assert!(!is_email("laura brown"));
        for p in [
            "+1 (333) 456-8500",
            "18329753687",
            "07967 739656",
            "(591) 883-6635",
            "555-010-2000 x12",
        ] {
            assert!(is_phone(p), "{p}");
        }
        for not in [
            "78.12",
            "06/12/1939",
            "1978-12-15",
            "R0000007",
            "12 Oak St",
            "S040",
            "123",
        ] {
            assert!(!is_phone(not), "{not}");
        }
    }

    #[test]
    fn dates_and_their_order() {
        assert!(is_date("06/12/1939") && is_date("1978-12-15") && is_date("15 Dec 1978"));
        assert!(!is_date("S040") && !is_date("78.12"));
        // Historical dates are dates; a year alone is not, unless a date
        // header says so (`is_partial_date`).
        assert!(is_date("12.03.1750") && is_date("1620-05-01"));
        assert!(!is_date("1850") && !is_date("March 1850"));
        for v in [
            "1850",
            "March 1850",
            "1850-03",
            "c. 1850",
            "1850?",
            "abt 1750",
        ] {
            assert!(is_partial_date(v), "{v}");
        }
        for v in ["2217", "S040", "after 1850", "1850s", "Boston", "9999"] {
            assert!(!is_partial_date(v), "{v}");
        }
        assert_eq!(
            date_order(&["06/12/1939", "26/02/2003", "31/07/1968"]),
            Some(DateOrder::DayFirst)
        );
        assert_eq!(
            date_order(&["02/02/1957", "12/14/1951", "08/17/1994"]),
            Some(DateOrder::MonthFirst)
        );
        assert_eq!(date_order(&["01/02/1957", "03/04/1951"]), None);
        assert_eq!(date_order(&["1978-12-15"]), None);
        let births = [
            "06/12/1939",
            "26/02/2003",
            "31/07/1968",
            "01/01/1985",
            "12/03/1950",
        ];
        assert!(looks_like_birth_dates(&births, DateOrder::DayFirst));
        // A column of order dates: recent, close together.
        assert!(!looks_like_birth_dates(&ORDER_DATES, DateOrder::MonthFirst));
    }

    #[test]
    fn postcodes_not_product_codes() {
        for p in [
            "62704",
            "06103",
            "LL6A 5DG",
            "BS70 0LW",
            "2119",
            "K1A 0B1",
            "62704-1234",
            "1012AB",
        ] {
            assert!(is_postcode(p), "{p}");
        }
        for not in [
            "S040", "SKU-1234", "A1", "78.12", "ABC", "1234567", "P-100", "X99",
        ] {
            assert!(!is_postcode(not), "{not}");
        }
    }

    #[test]
    fn streets_and_one_line_addresses() {
        assert!(is_street("131 S Gordon Rd") && has_street_suffix("131 S Gordon Rd"));
        assert!(is_full_address("131 S Gordon Rd, Walkerburgh 46497"));
        assert!(is_full_address(
            "3327 Samantha Court, Lake Carolyn BS70 0LW"
        ));
        assert!(!is_full_address("3599 Vicki Lane, Unit 1"));
        assert!(!is_full_address("10 Oak Ave, Apt. 4"));
        assert!(!is_full_address("Harris, Jessica"));
        assert!(!is_street("Jessica Harris"));
        // European order: number after the street, postcode before the city.
        assert!(is_street("Hauptstraße 12") && has_street_suffix("Hauptstraße 12"));
        assert!(is_full_address("Hauptstraße 12, 10115 Berlin"));
        assert!(is_full_address("Kerkstraat 7, 1012 AB Amsterdam"));
        // A name with a number, or a place with a postcode alone, is not.
        assert!(!is_full_address("Smith, John 3"));
        assert!(!is_full_address("Berlin, 10115"));
        assert!(!has_street_suffix("Anna Weber"));
    }

    #[test]
    fn names_companies_codes() {
        assert!(
            is_name_like("Harris, Jessica")
                && is_name_like("SANDRA NGUYEN")
                && is_name_like("O'Brien")
        );
        assert!(!is_name_like("R0000007") && !is_name_like("12 Oak St"));
        assert_eq!(name_words("Harris, Jessica"), 2);
        assert!(is_company("Acme Corp") && is_company("Globex Holdings Ltd"));
        assert!(!is_company("Sandra Nguyen"));
        assert!(is_known_given_name("William") && is_known_given_name("bill"));
        assert!(!is_known_given_name("Nguyen"));
        assert!(is_code("R0000007") && is_code("S040") && !is_code("Sandra"));
        assert!(is_amount("78.12") && !is_amount("62704"));
        assert!(is_free_text(
            "called to say the parcel was left at the door"
        ));
    }

    #[test]
    fn generational_suffixes_not_degrees_or_names() {
        for v in ["Jr", "JR.", "Sr.", "III", "3rd", "junior", "IV"] {
            assert!(is_name_suffix(v), "{v}");
        }
        for v in ["PhD", "M.D.", "Smith", "Jones Jr", "", "St", "Ave"] {
            assert!(!is_name_suffix(v), "{v}");
        }
    }

    #[test]
    fn organisation_values() {
        for v in [
            "Acme Corp",
            "Arnie Morton's of Chicago",
            "Salvation Army - Temple",
            "Johnson & Johnson",
            "KONINK PHILIPS ELECTRONICS N V",
            "Erie Neighborhood House",
        ] {
            assert!(is_org_like(v), "{v}");
        }
        for v in [
            "Mary Smith",
            "SANDRA NGUYEN",
            "Harris, Jessica",
            "los angeles",
            "",
        ] {
            assert!(!is_org_like(v), "{v}");
        }
    }

    #[test]
    fn years_ids_sexes_and_record_types() {
        assert!(is_birth_year_value("1967"));
        assert!(is_birth_year_value("1620"));
        assert!(is_birth_year_value("1799"));
        assert!(!is_birth_year_value("0999"));
        assert!(!is_birth_year_value("+999"));
        assert!(!is_birth_year_value("2600"));
        assert!(!is_birth_year_value("67"));
        assert!(!is_birth_year_value("1967-09"));
        assert!(is_ssn_shape("786-77-6454"));
        for v in ["786776454", "786-77-645", "(555) 010-2000", "12-345-6789"] {
            assert!(!is_ssn_shape(v), "{v}");
        }
        for v in ["F", "male", "Weiblich", "femme"] {
            assert!(is_sex_value(v), "{v}");
        }
        for v in ["S", "XL", "unknown", "Smith"] {
            assert!(!is_sex_value(v), "{v}");
        }
        assert!(is_entity_type_value("PERSON"));
        assert!(is_entity_type_value("Organization"));
        assert!(!is_entity_type_value("Active"));
    }

    #[test]
    fn list_shapes() {
        use crate::schema::FieldKind;
        let names = [
            "ANNA DE VRIES**PETER BOS",
            "JAN JANSEN**KEES DE BOER",
            "RITA DELRUE",
        ];
        assert_eq!(list_shape(&names).map(|s| s.0), Some(FieldKind::Associates));
        let codes = ["A61N**A61B", "G02B**H04B", "A23G"];
        assert_eq!(list_shape(&codes).map(|s| s.0), Some(FieldKind::Classes));
        // Single values, phones and emails in lists, prose: no list kind.
        assert_eq!(list_shape(&["Ann Lee", "Bo Ray", "Cy Tan"]), None);
        assert_eq!(list_shape(&["a@x.org; b@y.org", "c@z.org; d@w.org"]), None);
        assert_eq!(
            list_shape(&[
                "called twice; no answer",
                "prefers email",
                "asked for a refund"
            ]),
            None
        );
    }
}
