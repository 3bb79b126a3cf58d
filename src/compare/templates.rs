//! Comparison templates per kind of field: Splink-style domain knowledge as
//! data. Each returns a [`Comparison`] with untrained starting m and u.

use super::comparison::{Comparison, Level, Role};
use super::predicate::Predicate;
use crate::normalize::date::DatePrecision;
use crate::normalize::record::Attr;

fn comparison(name: &str, levels: Vec<Level>) -> Comparison {
    Comparison {
        name: name.to_string(),
        role: Role::Person,
        levels,
        m_untrained: false,
    }
}

fn household(mut c: Comparison) -> Comparison {
    c.role = Role::Household;
    c
}

fn jw(attr: Attr, min: f64) -> Predicate {
    Predicate::JaroWinkler { attr, min }
}

fn exact(attr: Attr) -> Predicate {
    Predicate::Exact { attr }
}

/// Given name: exact (term-frequency adjusted), nickname, the same name in
/// another language (`johann` / `john`), close spelling,
/// initial, short form (`liam` / `william`), given and surname swapped,
/// similar, else.
pub fn given_name() -> Comparison {
    comparison(
        "given_name",
        vec![
            Level::null(vec![Attr::Given]),
            Level::new("exact", exact(Attr::Given), 0.80, 0.02).with_tf(),
            Level::new("nickname", Predicate::Nickname, 0.05, 0.002),
            Level::new("other language", Predicate::OtherLanguage, 0.03, 0.002),
            Level::new("jaro_winkler >= 0.92", jw(Attr::Given, 0.92), 0.05, 0.005),
            Level::new(
                "one typo",
                Predicate::EditDistance {
                    attr: Attr::Given,
                    max: 1,
                },
                0.02,
                0.004,
            ),
            Level::new("initial", Predicate::Initial, 0.03, 0.01),
            Level::new("short form", Predicate::ShortForm, 0.02, 0.002),
            Level::new("nickname with a typo", Predicate::NicknameTypo, 0.01, 0.002),
            Level::new(
                "swapped with surname",
                Predicate::Swapped {
                    first: Attr::Given,
                    second: Attr::Surname,
                    min: 0.92,
                },
                0.02,
                0.0001,
            ),
            Level::new("jaro_winkler >= 0.80", jw(Attr::Given, 0.80), 0.02, 0.05),
            Level::new("else", Predicate::Else, 0.03, 0.91),
        ],
    )
}

/// Surname: exact (term-frequency adjusted), one edit, close spelling,
/// swapped with the given name, similar, else. A household role: family
/// members share it, so it cannot tell them apart.
pub fn surname() -> Comparison {
    household(comparison(
        "surname",
        vec![
            Level::null(vec![Attr::Surname]),
            Level::new("exact", exact(Attr::Surname), 0.85, 0.005).with_tf(),
            Level::new(
                "edit distance <= 1",
                Predicate::EditDistance {
                    attr: Attr::Surname,
                    max: 1,
                },
                0.05,
                0.002,
            ),
            Level::new("jaro_winkler >= 0.92", jw(Attr::Surname, 0.92), 0.03, 0.005),
            // Swapped names are one fact, weighed once, by the given-name
            // comparison: here the level only stops them counting as "else".
            Level {
                is_null: true,
                ..Level::new(
                    "swapped (weighed under given_name)",
                    Predicate::Swapped {
                        first: Attr::Surname,
                        second: Attr::Given,
                        min: 0.92,
                    },
                    1.0,
                    1.0,
                )
            },
            Level::new("jaro_winkler >= 0.80", jw(Attr::Surname, 0.80), 0.02, 0.03),
            Level::new("else", Predicate::Else, 0.03, 0.96),
        ],
    ))
}

/// Generational suffix: `jr` against `sr` tells father from son. Both
/// missing is no information; one missing is its own level.
pub fn name_suffix() -> Comparison {
    comparison(
        "name_suffix",
        vec![
            Level {
                is_null: true,
                ..Level::new("null", Predicate::BothNull { attr: Attr::Suffix }, 1.0, 1.0)
            },
            Level::new("exact", exact(Attr::Suffix), 0.8, 0.1),
            Level::new(
                "one missing",
                Predicate::OneNull { attr: Attr::Suffix },
                0.15,
                0.5,
            ),
            Level::new("else", Predicate::Else, 0.05, 0.4),
        ],
    )
}

/// Email: exact, same local part at another domain (adjusted for how
/// common the local part is: `john.smith` is many people's; no weight at
/// all when it is spelled from the names alone, which namesakes share and
/// the name comparisons weigh already), a typo or two with the same digits
/// (`jsmith` and `jsmith5` are two accounts), else.
pub fn email() -> Comparison {
    comparison(
        "email",
        vec![
            Level::null(vec![Attr::Email]),
            Level::new("exact", exact(Attr::Email), 0.8, 0.0001).with_tf(),
            // At another domain, a local part spelled from the names says
            // nothing the names do not: no weight, like a missing value.
            Level {
                is_null: true,
                ..Level::new(
                    "same local part, spelled from the names (weighed by the names)",
                    Predicate::LocalPartFromName,
                    1.0,
                    1.0,
                )
            },
            Level::new("same local part", exact(Attr::EmailLocal), 0.05, 0.0002).with_tf(),
            Level::new(
                "edit distance <= 2, same digits",
                // The cheap digit check first: most pairs stop there.
                Predicate::All {
                    of: vec![
                        Predicate::SameDigits {
                            attr: Attr::EmailLocal,
                        },
                        Predicate::EditDistance {
                            attr: Attr::Email,
                            max: 2,
                        },
                    ],
                },
                0.05,
                0.0002,
            ),
            Level::new("else", Predicate::Else, 0.1, 0.9996),
        ],
    )
}

/// Phone: exact national number, one digit wrong or two swapped, same last
/// seven digits, else.
pub fn phone() -> Comparison {
    household(comparison(
        "phone",
        vec![
            Level::null(vec![Attr::Phone]),
            Level::new("exact", exact(Attr::Phone), 0.8, 0.0001).with_tf(),
            Level::new(
                "edit distance <= 1",
                Predicate::EditDistance {
                    attr: Attr::Phone,
                    max: 1,
                },
                0.05,
                0.0001,
            ),
            Level::new(
                "same last 7 digits",
                Predicate::SameEnding {
                    attr: Attr::Phone,
                    n: 7,
                },
                0.03,
                0.0001,
            ),
            Level::new("else", Predicate::Else, 0.12, 0.9997),
        ],
    ))
}

/// Street address: number and street exact, number exact and street close,
/// street exact (other number), street close, else. The unit is compared
/// when both records have one.
pub fn street() -> Comparison {
    let number = exact(Attr::HouseNumber);
    household(comparison(
        "street",
        vec![
            Level::null(vec![Attr::Street]),
            Level::new(
                "number and street exact",
                Predicate::All {
                    of: vec![number.clone(), exact(Attr::Street)],
                },
                0.75,
                0.0001,
            ),
            Level::new(
                "number exact, street jaro_winkler >= 0.88",
                Predicate::All {
                    of: vec![number.clone(), jw(Attr::Street, 0.88)],
                },
                0.1,
                0.0001,
            ),
            Level::new("street exact", exact(Attr::Street), 0.03, 0.002).with_tf(),
            Level::new(
                "number exact, street similar",
                Predicate::All {
                    of: vec![number, jw(Attr::Street, 0.7)],
                },
                0.02,
                0.0005,
            ),
            Level::new("else", Predicate::Else, 0.1, 0.997),
        ],
    ))
}

/// Second address line: exact, close, else.
pub fn address_line2() -> Comparison {
    household(fuzzy_text("address_line2", Attr::AddressLine2))
}

/// City or locality: exact (term-frequency adjusted), close spelling, else.
pub fn city() -> Comparison {
    household(fuzzy_text("city", Attr::City))
}

/// A free-text field: exact (term-frequency adjusted), Jaro-Winkler >= 0.9, else.
pub fn fuzzy_text(name: &str, attr: Attr) -> Comparison {
    comparison(
        name,
        vec![
            Level::null(vec![attr]),
            Level::new("exact", exact(attr), 0.8, 0.01).with_tf(),
            Level::new("jaro_winkler >= 0.90", jw(attr, 0.90), 0.1, 0.01),
            Level::new("else", Predicate::Else, 0.1, 0.98),
        ],
    )
}

/// Postcode: exact, one edit, same first three characters, else.
pub fn postcode() -> Comparison {
    household(comparison(
        "postcode",
        vec![
            Level::null(vec![Attr::Postcode]),
            Level::new("exact", exact(Attr::Postcode), 0.8, 0.002).with_tf(),
            Level::new(
                "edit distance <= 1",
                Predicate::EditDistance {
                    attr: Attr::Postcode,
                    max: 1,
                },
                0.08,
                0.01,
            ),
            Level::new(
                "same first 3",
                Predicate::SameStart {
                    attr: Attr::Postcode,
                    n: 3,
                },
                0.04,
                0.02,
            ),
            Level::new("else", Predicate::Else, 0.08, 0.968),
        ],
    ))
}

/// City and postcode as one piece of evidence (a postcode mostly decides
/// the city, so counting both would count one fact twice): both exact,
/// postcode exact, city exact, postcode one edit off, city close, else.
/// No information when neither can be compared.
pub fn locality() -> Comparison {
    let none = Predicate::All {
        of: vec![
            Predicate::AnyNull {
                attrs: vec![Attr::Postcode],
            },
            Predicate::AnyNull {
                attrs: vec![Attr::City],
            },
        ],
    };
    household(comparison(
        "locality",
        vec![
            Level {
                is_null: true,
                ..Level::new("null", none, 1.0, 1.0)
            },
            Level::new(
                "postcode and city exact",
                Predicate::All {
                    of: vec![exact(Attr::Postcode), exact(Attr::City)],
                },
                0.75,
                0.001,
            ),
            Level::new("postcode exact", exact(Attr::Postcode), 0.1, 0.001).with_tf(),
            Level::new(
                "city exact, no postcode to compare",
                Predicate::All {
                    of: vec![
                        Predicate::AnyNull {
                            attrs: vec![Attr::Postcode],
                        },
                        exact(Attr::City),
                    ],
                },
                0.05,
                0.005,
            )
            .with_tf(),
            Level::new(
                "city exact, postcodes differ",
                exact(Attr::City),
                0.02,
                0.005,
            )
            .with_tf(),
            Level::new(
                "postcode edit distance <= 1",
                Predicate::EditDistance {
                    attr: Attr::Postcode,
                    max: 1,
                },
                0.03,
                0.005,
            ),
            Level::new(
                "city jaro_winkler >= 0.90",
                jw(Attr::City, 0.90),
                0.03,
                0.005,
            ),
            Level::new("else", Predicate::Else, 0.04, 0.983),
        ],
    ))
}

/// State or region: exact, else.
pub fn state() -> Comparison {
    household(comparison(
        "state",
        vec![
            Level::null(vec![Attr::State]),
            Level::new("exact", exact(Attr::State), 0.9, 0.2),
            Level::new("else", Predicate::Else, 0.1, 0.8),
        ],
    ))
}

/// Date of birth: exact full date (term-frequency adjusted), day and
/// month transposed, one digit off, then the levels of partial dates (a
/// year, or a year and month, from separate columns): year and month agree
/// with one side lacking the day, the year agrees with one side holding
/// the year alone (each weaker evidence than a full date, and learnt
/// apart), an approximate year (from an age) within one year, then the
/// same year for full dates, else. A part that only one side knows is
/// never a disagreement; `else` means a part known on both sides differs.
/// Full dates meet exactly the levels they met before partial dates
/// existed.
pub fn date_of_birth() -> Comparison {
    comparison(
        "date_of_birth",
        vec![
            Level::null(vec![Attr::DateOfBirth]),
            Level::new("exact", Predicate::DateExact, 0.85, 0.0005).with_tf(),
            Level::new(
                "day and month transposed",
                Predicate::DateTransposed,
                0.03,
                0.0001,
            ),
            Level::new(
                "one digit off",
                Predicate::DateDigits { max: 1 },
                0.05,
                0.003,
            ),
            Level::new(
                "year and month agree, one side without day",
                Predicate::DatePartsAgree {
                    precision: DatePrecision::Month,
                },
                0.01,
                0.001,
            ),
            Level::new(
                "year agrees, one side year only",
                Predicate::DatePartsAgree {
                    precision: DatePrecision::Year,
                },
                0.01,
                0.012,
            ),
            Level::new(
                "approximate year within 1",
                Predicate::ApproximateYear { within: 1 },
                0.01,
                0.036,
            ),
            Level::new("same year", Predicate::SameYear, 0.02, 0.015),
            Level::new("else", Predicate::Else, 0.05, 0.98),
        ],
    )
}

/// National id: exact, one edit, two edits, else.
pub fn national_id() -> Comparison {
    comparison(
        "national_id",
        vec![
            Level::null(vec![Attr::NationalId]),
            Level::new("exact", exact(Attr::NationalId), 0.8, 0.0001),
            Level::new(
                "edit distance <= 1",
                Predicate::EditDistance {
                    attr: Attr::NationalId,
                    max: 1,
                },
                0.1,
                0.0005,
            ),
            Level::new(
                "edit distance <= 2",
                Predicate::EditDistance {
                    attr: Attr::NationalId,
                    max: 2,
                },
                0.05,
                0.005,
            ),
            Level::new("else", Predicate::Else, 0.05, 0.9944),
        ],
    )
}

/// House number on its own (when the street comes without one): exact, else.
pub fn house_number() -> Comparison {
    household(comparison(
        "house_number",
        vec![
            Level::null(vec![Attr::HouseNumber]),
            Level::new("exact", exact(Attr::HouseNumber), 0.85, 0.01).with_tf(),
            Level::new(
                "edit distance <= 1",
                Predicate::EditDistance {
                    attr: Attr::HouseNumber,
                    max: 1,
                },
                0.07,
                0.05,
            ),
            Level::new("else", Predicate::Else, 0.08, 0.94),
        ],
    ))
}

/// A category that people keep (sex, country, place of birth,
/// occupation): exact (term-frequency adjusted: sharing a rare value says
/// more than sharing a common one), else. EM learns how much either says;
/// a field that tells nothing ends near zero weight by itself.
pub fn category(name: &str, attr: Attr) -> Comparison {
    comparison(
        name,
        vec![
            Level::null(vec![attr]),
            Level::new("exact", exact(attr), 0.9, 0.3).with_tf(),
            Level::new("else", Predicate::Else, 0.1, 0.7),
        ],
    )
}

/// Place of birth: exact (term-frequency adjusted), every word of the
/// shorter place in the other (`London` / `London, England`, `Boston` /
/// `Boston, Mass.`: a place written with its county or country), else.
pub fn place_of_birth() -> Comparison {
    let attr = Attr::BirthPlace;
    comparison(
        "place_of_birth",
        vec![
            Level::null(vec![attr]),
            Level::new("exact", exact(attr), 0.8, 0.3).with_tf(),
            Level::new(
                "one place within the other",
                Predicate::WordOverlap { attr, min: 1.0 },
                0.1,
                0.02,
            ),
            Level::new("else", Predicate::Else, 0.1, 0.68),
        ],
    )
}

/// A document number (passport, driver's licence): exact, one edit (a typo
/// or a transposition in copying), else.
pub fn identifier(name: &str, attr: Attr) -> Comparison {
    comparison(
        name,
        vec![
            Level::null(vec![attr]),
            Level::new("exact", exact(attr), 0.85, 0.0001),
            Level::new(
                "edit distance <= 1",
                Predicate::EditDistance { attr, max: 1 },
                0.1,
                0.001,
            ),
            Level::new("else", Predicate::Else, 0.05, 0.9989),
        ],
    )
}

/// Organisation name: exact normalized name (term-frequency adjusted), the
/// same key words in any order, one name the acronym of the other (`IBM` /
/// `International Business Machines`), most of the shorter key's words in
/// the other (order and missing words do not matter), the rarest word the
/// same with half the words, close spelling, else. It identifies the
/// organisation, so it is person evidence.
pub fn organisation() -> Comparison {
    let key = Attr::OrgKey;
    comparison(
        "organisation",
        vec![
            Level::null(vec![Attr::Organisation]),
            Level::new("exact", exact(Attr::Organisation), 0.6, 0.0005).with_tf(),
            Level::new(
                "same key words",
                Predicate::SameWordSet { attr: key },
                0.12,
                0.0002,
            ),
            Level::new(
                "acronym",
                Predicate::Acronym {
                    attr: Attr::Organisation,
                    key,
                },
                0.02,
                0.0001,
            ),
            Level::new(
                "key word overlap >= 0.8",
                Predicate::WordOverlap {
                    attr: key,
                    min: 0.8,
                },
                0.1,
                0.002,
            ),
            Level::new(
                "rarest key word and overlap >= 0.5",
                Predicate::All {
                    of: vec![
                        Predicate::SameFirstWord { attr: key },
                        Predicate::WordOverlap {
                            attr: key,
                            min: 0.5,
                        },
                    ],
                },
                0.05,
                0.002,
            ),
            Level::new(
                "jaro_winkler >= 0.90",
                jw(Attr::Organisation, 0.90),
                0.04,
                0.005,
            ),
            Level::new("else", Predicate::Else, 0.07, 0.9903),
        ],
    )
}

/// Record type (`person` / `organisation`): exact, else. Different types
/// are different entities whatever else they share (a person living at a
/// company's address): the else level is a veto.
pub fn entity_type() -> Comparison {
    comparison(
        "entity_type",
        vec![
            Level::null(vec![Attr::EntityType]),
            Level::new("exact", exact(Attr::EntityType), 0.99, 0.6),
            Level::new("else", Predicate::Else, 0.01, 0.4).with_veto(),
        ],
    )
}

/// A list of associated names or of codes (co-authors, patent classes):
/// the same items, half or more of the shorter list's items in the other,
/// at least one item shared, else. A household role: such lists describe
/// what a record is connected to, and two records of one entity may list
/// different items, so disagreement never vetoes a link by itself.
pub fn item_list(name: &str, attr: Attr) -> Comparison {
    household(comparison(
        name,
        vec![
            Level::null(vec![attr]),
            Level::new("same items", Predicate::SameWordSet { attr }, 0.2, 0.001),
            Level::new(
                "half the items shared",
                Predicate::WordOverlap { attr, min: 0.5 },
                0.3,
                0.005,
            ),
            Level::new(
                "an item shared",
                Predicate::WordOverlap { attr, min: 0.01 },
                0.2,
                0.02,
            ),
            Level::new("else", Predicate::Else, 0.3, 0.974),
        ],
    ))
}
