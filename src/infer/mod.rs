//! Stage 0, **infer**: what each column of an export holds, from its header
//! (in any case and separator style, common abbreviations and several
//! languages' words) and above all from its values. Every column gets a
//! kind, a confidence and a reason; date columns get the order of their
//! ambiguous values. The result is plain serde data ([`FileSchema`]) that
//! can be printed, saved, edited and passed back.
//!
//! ```
//! use linkage::infer::infer_schema;
//! use linkage::FieldKind;
//! let headers = ["account", "holder", "address", "tel", "dob", "amount"].map(String::from);
//! let rows = vec![
//!     ["A1", "GEORGE LOWERY", "131 S Gordon Rd, Walkerburgh 46497", "+1 (333) 456-8500", "26/12/1939", "78.12"],
//!     ["A2", "DIAZ, Maria", "2816 Kimberly Ave, Ryanfort 96686", "(275) 748-8000", "03/04/1971", "12.00"],
//!     ["A3", "Leah Mayer", "127 S Johnson St, Kelleystad 22418", "6905072434", "14/07/1994", "238.97"],
//! ];
//! let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|v| v.to_string()).collect()).collect();
//! let schema = infer_schema("billing", &headers, &rows, None).unwrap();
//! let kinds: Vec<FieldKind> = schema.columns.iter().map(|c| c.kind).collect();
//! assert_eq!(kinds, [FieldKind::RecordId, FieldKind::FullName, FieldKind::FullAddress,
//!                    FieldKind::Phone, FieldKind::DateOfBirth, FieldKind::Ignore]);
//! ```

pub mod detect;
pub mod header;

use crate::normalize::address::normalize_unit;
use crate::normalize::date::{parse_month, DateOrder, FIRST_YEAR};
use crate::normalize::text::{fold, non_blank};
use crate::schema::{
    header_key, id_column_index, kind_from_header, ColumnMapping, FieldKind, FileSchema,
};
use detect::*;
use header::{read_header, HeaderReading};

/// Rows of a file looked at to infer its schema (the first ones).
pub const SAMPLE_ROWS: usize = 1000;

/// Header words found inside longer headers (`cust_email_addr`,
/// `HomePhoneNo`, `zip5`), checked in this order.
const HEADER_WORDS: &[(FieldKind, &[&str])] = &[
    (FieldKind::Email, &["email", "mail", "courriel", "correo"]),
    (
        FieldKind::DateOfBirth,
        &["dob", "birth", "born", "geburt", "naissance", "nacimiento"],
    ),
    (
        FieldKind::Phone,
        &[
            "phone", "tel", "mobile", "cell", "fax", "telefon", "telefono",
        ],
    ),
    (FieldKind::Postcode, &["zip", "postcode", "postal", "plz"]),
    (
        FieldKind::GivenName,
        &[
            "firstname",
            "givenname",
            "forename",
            "fname",
            "vorname",
            "prenom",
        ],
    ),
    (
        FieldKind::Surname,
        &[
            "lastname",
            "surname",
            "familyname",
            "lname",
            "nachname",
            "apellido",
        ],
    ),
    (
        FieldKind::Street,
        &[
            "street",
            "address",
            "addr",
            "strasse",
            "calle",
            "adresse",
            "line1",
            "anschrift",
            "indirizzo",
            "direccion",
            "endereco",
        ],
    ),
    (
        FieldKind::City,
        &[
            "city", "town", "suburb", "locality", "ville", "ciudad", "stadt",
        ],
    ),
    (FieldKind::State, &["state", "province", "county", "region"]),
    (
        FieldKind::NationalId,
        &["ssn", "socsec", "nationalid", "taxid", "nino"],
    ),
    // Last: "name" is inside many headers (`street_name`, `city_name`).
    (
        FieldKind::FullName,
        &[
            "fullname", "name", "holder", "customer", "contact", "nombre",
        ],
    ),
];

/// Header words of columns that are not identity data however their values look.
const NOT_IDENTITY_WORDS: &[&str] = &[
    "amount",
    "total",
    "price",
    "qty",
    "quantity",
    "segment",
    "store",
    "sku",
    "product",
    "order",
    "status",
    "notes",
    "note",
    "comment",
    "comments",
    "created",
    "updated",
    "modified",
    "timestamp",
    "score",
    "balance",
    "tier",
    "channel",
    "category",
    "type",
    "source",
    "flag",
    "count",
    "revenue",
    "memo",
    "remark",
    "notiz",
    "bemerk",
    "kommentar",
    "descr",
    "since",
    "seit",
    "value",
    "spend",
    "title",
    "salutation",
    "anrede",
    "points",
    "loyalty",
    "language",
    "currency",
    "discount",
    "key",
    "pointer",
    "anchor",
];

/// The kind a header suggests: an exact synonym, else the phrase its words
/// end with (see [`header`]), else a known word inside a compound header
/// (`HomePhoneNo`, `zip5`, `pername1`). `None` for another party's column
/// and for a header that describes a field rather than holding it.
pub fn header_hint(header: &str) -> Option<FieldKind> {
    if let Some(k) = kind_from_header(header) {
        return Some(k);
    }
    let r = read_header(header);
    if r.party.is_some() || r.not_identity.is_some() {
        return None;
    }
    if r.kind.is_some() {
        return r.kind;
    }
    substring_hint(header)
}

/// A known word inside a compound header, for headers whose words say
/// nothing (`HomePhoneNo`, `zip5`, `pername1`).
fn substring_hint(header: &str) -> Option<FieldKind> {
    // Only inside one compound word: across words (`race_ethnicity`) the
    // words themselves have said what they name.
    let words = header::header_words(header);
    let compound = words
        .iter()
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .count()
        <= 1;
    let key = header_key(header);
    if !compound || key.is_empty() || NOT_IDENTITY_WORDS.iter().any(|w| key.contains(w)) {
        return None;
    }
    HEADER_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| key.contains(w)))
        .map(|(k, _)| *k)
}

/// Why the header makes the column no identity data of the row's own
/// subject, if it does.
fn header_says_not_identity(header: &str, r: &HeaderReading, parties: bool) -> Option<String> {
    if kind_from_header(header).is_some() {
        return None;
    }
    if let Some(p) = r.party.filter(|_| parties) {
        return Some(format!(
            "another party's field ('{p}'), not the record's own"
        ));
    }
    if let Some(why) = &r.not_identity {
        return Some(format!("header {why}"));
    }
    let words = header::header_words(header);
    if r.kind.is_none()
        && words.len() > 1
        && words
            .last()
            .is_some_and(|w| matches!(w.as_str(), "id" | "ids" | "key" | "code" | "ref"))
    {
        return Some("header names an identifier of something else".to_string());
    }
    let key = header_key(header);
    let specific = r.kind.is_some() && !r.generic;
    (!specific && NOT_IDENTITY_WORDS.iter().any(|w| key.contains(w)))
        .then(|| "header names non-identity data".to_string())
}

/// A generic name header (`name`, `Name`, `pername1`): its values decide
/// whether the column holds whole names, single name words or organisations.
fn generic_name_header(header: &str) -> bool {
    let r = read_header(header);
    (r.kind == Some(FieldKind::FullName) && r.generic)
        || (r.kind.is_none() && substring_hint(header) == Some(FieldKind::FullName))
}

/// Evidence about one column's values.
struct Evidence<'a> {
    values: Vec<&'a str>,
    rows: usize,
    distinct: usize,
}

impl Evidence<'_> {
    fn share(&self, test: impl Fn(&str) -> bool) -> f64 {
        share(&self.values, test)
    }

    /// Few distinct values (at most `most`) over many rows (at least
    /// `rows`), each repeated: a category. The values must repeat (on
    /// average [`CATEGORY_REPEATS`] times each): a sparse column whose few
    /// filled values all differ (the company names of the six
    /// organisations in a file of people) is not one.
    fn is_category(&self, rows: usize, most: usize) -> bool {
        self.rows >= rows
            && self.distinct <= most
            && self.values.len() as f64 >= CATEGORY_REPEATS * self.distinct as f64
    }
}

/// How many times a category's values repeat on average, at least.
const CATEGORY_REPEATS: f64 = 2.5;

fn mapping(column: &str, kind: FieldKind, confidence: f64, reason: String) -> ColumnMapping {
    ColumnMapping {
        column: column.to_string(),
        kind,
        confidence: (confidence * 100.0).round() / 100.0,
        date_order: None,
        reason,
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A value-based decision: the kind, the share of values supporting it,
/// and the reason (`"97% of values are emails"`).
fn verdict(kind: FieldKind, share: f64, what: &str) -> (FieldKind, f64, String) {
    (kind, share, format!("{} of values are {what}", pct(share)))
}

/// What the values alone say: the kind and the share of values supporting it.
fn kind_from_values(e: &Evidence<'_>) -> (FieldKind, f64, String) {
    let email = e.share(is_email);
    if email >= 0.8 {
        return verdict(FieldKind::Email, email, "emails");
    }
    if let Some((kind, lists)) = list_shape(&e.values) {
        let what = if kind == FieldKind::Associates {
            "lists of names (associates)"
        } else {
            "lists of codes (classes)"
        };
        return verdict(kind, lists.max(0.8), what);
    }
    let full_address = e.share(is_full_address);
    if full_address >= 0.6 {
        return verdict(FieldKind::FullAddress, full_address, "one-line addresses");
    }
    let street = e.share(is_street);
    let suffix = e.share(has_street_suffix);
    if street >= 0.6 && suffix >= 0.3 {
        return verdict(FieldKind::Street, street, "street lines");
    }
    // `learmonth drive`: the street's name, the number in a column of its own.
    let street_names = e.share(|v| {
        has_street_suffix(v) && !v.chars().any(|c| c.is_ascii_digit()) && name_words(v) <= 5
    });
    if street_names >= 0.5 {
        return verdict(
            FieldKind::Street,
            street_names,
            "street names with a street type (drive, road), no number",
        );
    }
    let date = e.share(is_date);
    if date >= 0.8 {
        let order = date_order(&e.values).unwrap_or_default();
        return if looks_like_birth_dates(&e.values, order) {
            verdict(FieldKind::DateOfBirth, date, "dates spread over decades")
        } else {
            verdict(
                FieldKind::Ignore,
                date,
                "recent dates: events, not birth dates",
            )
        };
    }
    let amount = e.share(is_amount);
    if amount >= 0.8 {
        return verdict(FieldKind::Ignore, amount, "amounts");
    }
    let ssn = e.share(is_ssn_shape);
    if ssn >= 0.8 {
        return verdict(FieldKind::NationalId, ssn, "national ids (123-45-6789)");
    }
    let phone = e.share(is_phone);
    if phone >= 0.8 {
        return verdict(FieldKind::Phone, phone, "phone numbers");
    }
    let postcode = e.share(is_postcode);
    if postcode >= 0.8 && e.distinct > 3 {
        return verdict(FieldKind::Postcode, postcode, "postcodes");
    }
    let code = e.share(is_code);
    if code >= 0.8 {
        return verdict(FieldKind::Ignore, code, "codes or ids");
    }
    let generational = e.share(is_name_suffix);
    if generational >= 0.8 {
        return verdict(
            FieldKind::NameSuffix,
            generational,
            "name suffixes (jr, sr, iii)",
        );
    }
    if e.distinct <= 6 {
        let sex = e.share(is_sex_value);
        if sex >= 0.9 {
            return verdict(FieldKind::Sex, sex, "sexes (f, m)");
        }
        let types = e.share(is_entity_type_value);
        if types >= 0.9 {
            return verdict(
                FieldKind::EntityType,
                types,
                "record types (person, organisation)",
            );
        }
    }
    // Few values over many rows are a category (`Household`, `Group
    // quarters`), whatever their words.
    let alphabetic = e.share(|v| v.chars().any(char::is_alphabetic));
    if e.is_category(50, 20) && alphabetic >= 0.8 {
        return (
            FieldKind::Ignore,
            1.0 - e.distinct as f64 / 50.0,
            format!("only {} distinct values: a category", e.distinct),
        );
    }
    let company = e.share(is_company);
    if company >= 0.3 {
        return verdict(
            FieldKind::Organisation,
            company.min(0.9),
            "organisation names",
        );
    }
    // Organisation names carry punctuation and digits that people's names
    // do not (`Salvation Army - Temple / Salvation Army`, `7-Eleven`).
    let org_shaped = e.share(|v| {
        v.chars().any(char::is_alphabetic)
            && !v.contains('@')
            && v.split_whitespace().count() <= 12
            && v.chars().count() <= 100
    });
    let units = e.share(|v| normalize_unit(v, true).is_some());
    let punctuated = e.share(|v| v.contains(['-', '/', '&', '(', ')', '\'', '.', ',', '#', '+']));
    if org_shaped >= 0.9 && punctuated >= 0.2 && units < 0.3 && e.share(is_name_like) < 0.8 {
        let orgish = e.share(is_org_like);
        let people = person_share(e);
        if (orgish >= 0.5 || (orgish >= 0.2 && people < 0.35)) && e.share(is_free_text) < 0.5 {
            return (
                FieldKind::Organisation,
                (0.5 + orgish).min(0.9),
                format!(
                    "names with punctuation, {} with an organisation word, {} with a known given name: organisations",
                    pct(orgish),
                    pct(people)
                ),
            );
        }
    }
    let text = e.share(is_free_text);
    if text >= 0.5 {
        return verdict(FieldKind::Ignore, text, "free text");
    }
    let name = e.share(is_name_like);
    if name >= 0.8 {
        if e.is_category(50, 20) {
            return (
                FieldKind::Ignore,
                1.0 - e.distinct as f64 / 50.0,
                format!("only {} distinct values: a category", e.distinct),
            );
        }
        let words =
            e.values.iter().map(|v| name_words(v)).sum::<usize>() as f64 / e.values.len() as f64;
        let commas = e.share(|v| v.contains(','));
        if words > 3.0 {
            // `Mary Ann de la Cruz` has five words, but a column of names
            // averages two or three: more is a sentence (notes, remarks).
            return (
                FieldKind::Ignore,
                name,
                format!("free text: {words:.1} words a value, more than names have"),
            );
        }
        // People's names hold known given names; organisations hold few,
        // and often an organisation word (`deli`, `&`, `Ltd`, `Philips
        // Electronics`). Places hold neither.
        let people = person_share(e);
        let orgish = e.share(is_org_like);
        if words >= 1.2 && (orgish >= 0.5 || (people < 0.35 && orgish >= 0.2)) {
            return (
                FieldKind::Organisation,
                (0.5 + orgish).min(0.9),
                format!(
                    "names of {words:.1} words, {} with a known given name, {} with an organisation word: organisations",
                    pct(people),
                    pct(orgish)
                ),
            );
        }
        if words >= 1.6 || commas >= 0.3 {
            // Names of people hold known given names; names that hold
            // almost none and repeat across records are places
            // (`los angeles`, `new york`).
            if people < 0.15 {
                return if e.distinct * 3 <= e.values.len() {
                    (
                        FieldKind::City,
                        0.6,
                        format!(
                            "names of {words:.1} words, {} with a known given name, repeating ({} distinct): places",
                            pct(people),
                            e.distinct
                        ),
                    )
                } else {
                    (
                        FieldKind::Ignore,
                        0.4,
                        format!(
                            "names of {words:.1} words but {} with a known given name: not people's (name the column)",
                            pct(people)
                        ),
                    )
                };
            }
            return (
                FieldKind::FullName,
                name,
                format!("{} of values are names of {:.1} words", pct(name), words),
            );
        }
        let given = e.share(is_known_given_name);
        if given >= 0.5 {
            return verdict(FieldKind::GivenName, given, "known given names");
        }
        return (
            FieldKind::Ignore,
            0.3,
            "single words, not given names: surname or place? (name the column)".into(),
        );
    }
    (FieldKind::Ignore, 0.5, "values fit no identity kind".into())
}

/// How well the values support what the header says (share of fitting values).
fn support(kind: FieldKind, e: &Evidence<'_>) -> f64 {
    let namey = |e: &Evidence<'_>| {
        let company = e.share(is_company);
        if company >= 0.3 {
            0.0
        } else {
            e.share(is_name_like)
        }
    };
    match kind {
        FieldKind::GivenName | FieldKind::Surname | FieldKind::MiddleName | FieldKind::FullName => {
            namey(e)
        }
        FieldKind::City | FieldKind::State => {
            e.share(|v| is_name_like(v) || v.chars().all(|c| c.is_alphabetic() || c == ' '))
        }
        FieldKind::Email => e.share(is_email),
        FieldKind::Phone => e.share(is_phone),
        // A street column may hold the name alone when the number has its own.
        FieldKind::Street => e.share(|v| {
            is_street(v) || has_street_suffix(v) || v.chars().any(|c| c.is_ascii_digit())
        }),
        FieldKind::FullAddress => e.share(|v| is_full_address(v) || is_street(v)),
        FieldKind::HouseNumber => {
            e.share(|v| v.chars().any(|c| c.is_ascii_digit()) && v.len() <= 8)
        }
        FieldKind::Postcode => e.share(is_postcode),
        FieldKind::DateOfBirth => e.share(is_partial_date),
        FieldKind::NameSuffix => e.share(is_name_suffix),
        FieldKind::Unit => e.share(|v| normalize_unit(v, false).is_some()),
        FieldKind::NationalId => e.share(|v| v.chars().filter(char::is_ascii_digit).count() >= 4),
        FieldKind::AddressLine2 => 1.0,
        FieldKind::Organisation => e.share(|v| v.chars().any(char::is_alphabetic)),
        FieldKind::BirthYear => e.share(|v| {
            v.trim().len() == 4
                && v.trim()
                    .parse::<u16>()
                    .is_ok_and(|y| (FIRST_YEAR..=2100).contains(&y))
        }),
        FieldKind::BirthMonth => e.share(|v| parse_month(v).is_some()),
        FieldKind::BirthDay => {
            e.share(|v| v.trim().parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)))
        }
        FieldKind::Age => e.share(|v| v.trim().parse::<u8>().is_ok_and(|a| a <= 120)),
        FieldKind::EventDate | FieldKind::BaptismDate => e.share(is_partial_date),
        FieldKind::Sex
        | FieldKind::Country
        | FieldKind::PlaceOfBirth
        | FieldKind::Occupation
        | FieldKind::EntityType => e.share(|v| v.chars().any(char::is_alphabetic)),
        FieldKind::Associates | FieldKind::Classes => match list_shape(&e.values) {
            Some((k, _)) if k == kind => 1.0,
            Some(_) => 0.0,
            None => e.share(|v| !v.contains(' ') || kind == FieldKind::Associates),
        },
        FieldKind::Passport | FieldKind::DriversLicence => {
            e.share(|v| v.chars().filter(char::is_ascii_alphanumeric).count() >= 4)
        }
        FieldKind::RecordId | FieldKind::Ignore => 1.0,
    }
}

/// Infers one column from its header and sample values.
pub fn infer_column(header: &str, values: &[&str], rows: usize) -> ColumnMapping {
    infer_column_as(header, values, rows, true)
}

/// The kind the header suggests; with `parties` false, another party's
/// columns are read as if they were the record's own.
fn hint_of(header: &str, r: &HeaderReading, parties: bool) -> Option<FieldKind> {
    if let Some(k) = kind_from_header(header) {
        return Some(k);
    }
    if (parties && r.party.is_some()) || r.not_identity.is_some() {
        return None;
    }
    r.kind.or_else(|| substring_hint(header))
}

/// Share of values holding a word the given-name table knows: high for
/// columns of people's names in any order, low for organisations.
fn person_share(e: &Evidence<'_>) -> f64 {
    e.share(|v| {
        fold(v)
            .split(' ')
            .any(|w| w.len() > 2 && is_known_given_name(w))
    })
}

fn infer_column_as(header: &str, values: &[&str], rows: usize, parties: bool) -> ColumnMapping {
    let values: Vec<&str> = values.iter().filter_map(|v| non_blank(v)).collect();
    let mut distinct: Vec<&str> = values.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let e = Evidence {
        distinct: distinct.len(),
        values,
        rows,
    };
    let reading = read_header(header);
    let hint = hint_of(header, &reading, parties);
    let not_identity = header_says_not_identity(header, &reading, parties);
    let mut m = if let Some(why) = not_identity {
        mapping(header, FieldKind::Ignore, 0.9, why)
    } else if e.values.is_empty() {
        match hint {
            Some(k) => mapping(header, k, 0.5, "header only: no values to check".into()),
            None => mapping(header, FieldKind::Ignore, 1.0, "empty column".into()),
        }
    } else {
        let (vk, vconf, vreason) = kind_from_values(&e);
        // `Birth Year` / `YOB`: four-digit years alone are a year of birth.
        let years = e.share(is_birth_year_value);
        let single_words = e.share(|v| name_words(v) == 1);
        match hint {
            Some(FieldKind::DateOfBirth | FieldKind::BirthYear) if years >= 0.8 => mapping(
                header,
                FieldKind::BirthYear,
                0.5 + years / 2.0,
                format!("{} of values are years alone: a year of birth", pct(years)),
            ),
            Some(FieldKind::RecordId) => mapping(
                header,
                FieldKind::Ignore,
                0.9,
                "another id column: the record id is the first".into(),
            ),
            // `pername1` / `pername2`, `Name` over single words: which
            // part of a name is settled within the file.
            Some(FieldKind::FullName)
                if generic_name_header(header)
                    && single_words >= 0.8
                    && e.share(is_name_like) >= 0.8
                    && vk != FieldKind::Organisation =>
            {
                mapping(
                    header,
                    FieldKind::Ignore,
                    0.3,
                    "single words under a name header: given name or surname? (settled by the file's other columns)".into(),
                )
            }
            Some(h) => {
                // A street header over one-line addresses, or a name header
                // over given names only, or over organisations, is refined by
                // the values.
                let refined = match (h, vk) {
                    (FieldKind::Street, FieldKind::FullAddress) => FieldKind::FullAddress,
                    (FieldKind::FullName, FieldKind::GivenName) => FieldKind::GivenName,
                    (FieldKind::FullName, FieldKind::Organisation) => FieldKind::Organisation,
                    _ => h,
                };
                let s = support(refined, &e);
                let category = e.is_category(200, 20)
                    && matches!(
                        refined,
                        FieldKind::FullName | FieldKind::Organisation | FieldKind::Street
                    );
                if category {
                    mapping(
                        header,
                        FieldKind::Ignore,
                        1.0 - e.distinct as f64 / 50.0,
                        format!("only {} distinct values: a category", e.distinct),
                    )
                } else if s >= 0.5 {
                    let mut reason =
                        format!("header '{}' and {:.0}% of values fit", header, s * 100.0);
                    if refined == FieldKind::Organisation && h == FieldKind::FullName {
                        reason.push_str(&format!("; {vreason}"));
                    }
                    mapping(header, refined, 0.5 + 0.5 * s, reason)
                } else if vk != FieldKind::Ignore && vconf >= 0.8 {
                    mapping(
                        header,
                        vk,
                        vconf * 0.9,
                        format!("header suggests {} but {}", h.name(), vreason),
                    )
                } else {
                    let reason = format!(
                        "header suggests {} but only {:.0}% of values fit",
                        h.name(),
                        s * 100.0
                    );
                    mapping(header, FieldKind::Ignore, 1.0 - s, reason)
                }
            }
            None => mapping(header, vk, vconf, vreason),
        }
    };
    second_of_a_kind(&mut m, &reading);
    // A PO box is the street only of records without a street line.
    if m.kind == FieldKind::Street && header_key(header).contains("pobox") {
        m.confidence = (m.confidence * 0.5 * 100.0).round() / 100.0;
        m.reason
            .push_str("; a PO box: the street only where no street column is");
    }
    if matches!(
        m.kind,
        FieldKind::DateOfBirth | FieldKind::BaptismDate | FieldKind::EventDate
    ) {
        m.date_order = date_order(&e.values);
        if let Some(order) = m.date_order {
            let word = if order == DateOrder::DayFirst {
                "day"
            } else {
                "month"
            };
            m.reason
                .push_str(&format!("; {word} first (values above 12)"));
        }
    }
    m
}

/// A second column of a kind (`fname_c2`, `address_2`, `alt_phone`): a
/// second given name is a middle name, a second street line the second
/// address line; a second surname or an alternate name is kept out (one
/// value per kind is compared), other kinds keep the first non-blank value.
fn second_of_a_kind(m: &mut ColumnMapping, r: &HeaderReading) {
    if r.kind.is_none() || (r.ordinal < 2 && !r.alternate) {
        return;
    }
    let (kind, why) = match (m.kind, r.alternate) {
        (FieldKind::GivenName, _) => (
            FieldKind::MiddleName,
            "a second given name: compared as a middle name",
        ),
        (FieldKind::Street, false) => (FieldKind::AddressLine2, "a second street line"),
        (FieldKind::Surname, _) => (FieldKind::Ignore, "a second surname: not compared"),
        (
            FieldKind::FullName
            | FieldKind::Organisation
            | FieldKind::Street
            | FieldKind::FullAddress,
            true,
        ) => (
            FieldKind::Ignore,
            "an alternate or former form: the primary one is compared",
        ),
        _ => return,
    };
    m.kind = kind;
    m.reason = format!("{}; {why}", m.reason);
}

/// Unlabelled columns of single words (no header says what they hold):
/// alone, `Sean` and `Rodriguez` could be names or places. Within one file
/// the column with clearly the most known given names is the given name
/// when no column is yet, and a column of single words next to the given
/// name is the surname when no column is yet (exports keep the two side by
/// side); a column of many two-word values (`Lake Michael`) is no surname.
fn name_columns_by_position(columns: &mut [ColumnMapping], values: &[Vec<&str>]) {
    struct Words {
        index: usize,
        known: f64,
        /// Share of the sample's rows with a value.
        fill: f64,
    }
    let unlabelled: Vec<Words> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.kind == FieldKind::Ignore
                && (header_hint(&c.column).is_none() || generic_name_header(&c.column))
                && !c.reason.starts_with("another party")
        })
        .filter_map(|(index, _)| {
            let rows = values[index].len().max(1);
            let values: Vec<&str> = values[index].iter().filter_map(|v| non_blank(v)).collect();
            // A category (`vic`, `nsw`: 15 values) is no column of names.
            let mut distinct = values.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let names = distinct.len() >= 20.min(values.len() / 2);
            let single = share(&values, |v| !v.trim().contains(' ')) > 0.8;
            (names && single && values.len() >= 5 && share(&values, is_name_like) >= 0.9).then(
                || Words {
                    index,
                    known: share(&values, is_known_given_name),
                    fill: values.len() as f64 / rows as f64,
                },
            )
        })
        .collect();
    let has = |columns: &[ColumnMapping], kind| columns.iter().any(|c| c.kind == kind);
    if !has(columns, FieldKind::GivenName) {
        // The given names: clearly the most known given names, weighed by
        // how often the column is filled (a second given name is sparse).
        let score = |w: &Words| w.known * w.fill;
        let mut ranked: Vec<&Words> = unlabelled.iter().collect();
        ranked.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.index.cmp(&b.index)));
        let runner_up = ranked.get(1).map_or(0.0, |w| score(w));
        if let Some(best) = ranked
            .first()
            .filter(|w| w.known >= 0.2 && score(w) >= 1.5 * runner_up)
        {
            let c = &mut columns[best.index];
            c.kind = FieldKind::GivenName;
            c.confidence = 0.5 + best.known / 2.0;
            c.reason = format!(
                "{} of values are known given names, the most of this file's single-word columns",
                pct(best.known)
            );
        }
    }
    if has(columns, FieldKind::Surname) {
        return;
    }
    let Some(given) = columns.iter().position(|c| c.kind == FieldKind::GivenName) else {
        return;
    };
    let (given_fill, given_known) = unlabelled
        .iter()
        .find(|w| w.index == given)
        .map_or((1.0, 1.0), |w| (w.fill, w.known));
    // Beside the given name: a column of initials or a sparse column of
    // given names is a second given name; the first other single-word
    // column is the surname.
    let order = [given + 1, given + 2, given.wrapping_sub(1)];
    let initials = |i: usize| {
        let v: Vec<&str> = values[i].iter().filter_map(|v| non_blank(v)).collect();
        v.len() >= 5 && share(&v, |x| x.trim().trim_end_matches('.').chars().count() == 1) >= 0.8
    };
    for i in order {
        if i + 1 == given + 2
            && i < columns.len()
            && columns[i].kind == FieldKind::Ignore
            && header_hint(&columns[i].column).is_none()
            && initials(i)
        {
            let given_name = columns[given].column.clone();
            let c = &mut columns[i];
            c.kind = FieldKind::MiddleName;
            c.confidence = 0.6;
            c.reason = format!("initials beside the given-name column '{given_name}'");
            continue;
        }
        let Some(w) = unlabelled.iter().find(|w| w.index == i) else {
            continue;
        };
        // Two along only past a second given name (read as one already,
        // or as a given name that the one-column-per-kind rule makes one).
        if i == given + 2
            && !matches!(
                columns[given + 1].kind,
                FieldKind::MiddleName | FieldKind::GivenName
            )
        {
            continue;
        }
        if columns[i].kind != FieldKind::Ignore {
            continue;
        }
        let given_name = columns[given].column.clone();
        if w.known >= 0.5 * given_known && w.fill < given_fill / 2.0 {
            let c = &mut columns[i];
            c.kind = FieldKind::MiddleName;
            c.confidence = 0.6;
            c.reason = format!(
                "sparse given names beside the given-name column '{given_name}': a second given name"
            );
            continue;
        }
        // A surname is filled about as often as the given name; a sparse
        // column of single words beside it is something else (a native
        // spelling, an alias), and the surname may be on the other side.
        if w.fill < given_fill / 2.0 {
            continue;
        }
        let c = &mut columns[i];
        c.kind = FieldKind::Surname;
        c.confidence = 0.6;
        c.reason = format!("single-word names beside the given-name column '{given_name}'");
        break;
    }
}

/// Share of a place column's values that its commonest value holds, at
/// least: a town is home to many of a file's people, a surname to few.
const PLACE_TOP_SHARE: f64 = 0.1;

/// Distinct values a place column holds, at least.
const PLACE_MIN_DISTINCT: usize = 8;

/// In a file whose surname column is known, another column of single
/// words that are not given names (no header to say what) is a surname
/// or a place. Values tell: people cluster in places, so a place
/// column's commonest value (the capital, the main town) holds a large
/// share of the rows ([`PLACE_TOP_SHARE`]), while even the commonest
/// surname holds a few percent. Such a column becomes the city; one whose
/// values spread like surnames (a second surname, a maiden name) stays
/// out, as before.
fn places_among_single_words(columns: &mut [ColumnMapping], values: &[Vec<&str>]) {
    let Some(surname) = columns.iter().position(|c| c.kind == FieldKind::Surname) else {
        return;
    };
    if columns.iter().any(|c| c.kind == FieldKind::City) {
        return;
    }
    // Proper nouns: where the file writes its surnames capitalised
    // (`Lebedev`, not `LEBEDEV` or `lebedev`), a place is written so too,
    // and a column of lower-case words (`farmer`, `labourer`: an
    // occupation) is no place.
    let capitalised = |i: usize| {
        let vals: Vec<&str> = values[i].iter().filter_map(|v| non_blank(v)).collect();
        share(&vals, |v| {
            let mut letters = v.trim().chars().filter(|c| c.is_alphabetic());
            letters.next().is_some_and(char::is_uppercase) && letters.any(char::is_lowercase)
        })
    };
    let proper_nouns = capitalised(surname) >= 0.8;
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in columns.iter().enumerate() {
        if c.kind != FieldKind::Ignore || header_hint(&c.column).is_some() {
            continue;
        }
        let vals: Vec<&str> = values[i].iter().filter_map(|v| non_blank(v)).collect();
        if vals.len() < 20
            || share(&vals, |v| !v.trim().contains(' ')) < 0.8
            || share(&vals, is_name_like) < 0.9
            || share(&vals, is_known_given_name) >= 0.3
            || share(&vals, |v| {
                v.trim().chars().filter(|c| c.is_alphabetic()).count() >= 3
            }) < 0.9
            || (proper_nouns && capitalised(i) < 0.5)
        {
            continue;
        }
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for v in &vals {
            *counts.entry(v.trim().to_lowercase()).or_default() += 1;
        }
        let top = counts.values().copied().max().unwrap_or(0) as f64 / vals.len() as f64;
        // Many places (a type or status has a handful of values), not
        // one nearly everywhere.
        if counts.len() >= PLACE_MIN_DISTINCT
            && (PLACE_TOP_SHARE..0.8).contains(&top)
            && best.is_none_or(|(_, t)| top > t)
        {
            best = Some((i, top));
        }
    }
    if let Some((i, top)) = best {
        let reason = format!(
            "single words, not given names, the commonest held by {}: a place (the surname is in another column)",
            pct(top)
        );
        columns[i] = mapping(&columns[i].column, FieldKind::City, 0.5, reason);
    }
}

/// The header of a date part: a shared stem and the part's own word
/// (`by` / `bm` / `bd`, `dob_year` / `dob_mon` / `dob_day`, `birth_y`).
fn date_part_stem(header: &str) -> Option<(String, FieldKind)> {
    const PARTS: &[(FieldKind, &[&str])] = &[
        (
            FieldKind::BirthYear,
            &["yyyy", "year", "jahr", "annee", "ano", "yr", "y"],
        ),
        (
            FieldKind::BirthMonth,
            &["month", "monat", "mois", "mes", "mon", "mm", "mo", "m"],
        ),
        (
            FieldKind::BirthDay,
            &["day", "tag", "jour", "dia", "dd", "d"],
        ),
    ];
    let key = header_key(header);
    PARTS.iter().find_map(|(kind, suffixes)| {
        suffixes.iter().find_map(|s| {
            let stem = key.strip_suffix(s)?;
            (!stem.is_empty() && stem.len() <= 12).then(|| (stem.to_string(), *kind))
        })
    })
}

/// Birth dates in parts: a column of years of birth beside a column of
/// months (1-12) and often of days (1-31), their headers one stem with the
/// part's word (`by`, `bm`, `bd`). The values decide: the years spread over
/// decades and lie in the past, the months never pass 12 and take most of
/// their values, the days pass 12. A lone `by` column of other numbers (a
/// postcode) stays what its values say.
fn birth_date_parts(columns: &mut [ColumnMapping], values: &[Vec<&str>]) {
    // Months may be written as names (`Mar`, `Sept.`, `März`).
    let ints = |i: usize, kind: FieldKind| -> Vec<u32> {
        values[i]
            .iter()
            .filter_map(|v| non_blank(v))
            .filter_map(|v| match kind {
                FieldKind::BirthMonth => parse_month(v).map(u32::from),
                _ => v.trim().parse::<u32>().ok(),
            })
            .collect()
    };
    // Years from a part's header (`by`, `dob_year`) may be historical ones;
    // unlabelled columns of four-digit numbers must be modern years (a
    // regional column of postcodes, 1000-1999, is no year).
    let labelled: Vec<bool> = columns
        .iter()
        .map(|c| date_part_stem(&c.column).is_some())
        .collect();
    let filled = |i: usize| values[i].iter().filter(|v| non_blank(v).is_some()).count();
    // Typed parts have typos (a month 13, a year 9185): most must fit.
    let most = |xs: &[u32], test: fn(u32) -> bool| {
        xs.iter().filter(|x| test(**x)).count() as f64 >= 0.95 * xs.len() as f64
    };
    let fits = |i: usize, kind: FieldKind| -> bool {
        let n = filled(i);
        let xs = ints(i, kind);
        let first_year = if labelled[i] { FIRST_YEAR.into() } else { 1880 };
        if n < 5 || (xs.len() as f64) < 0.9 * n as f64 {
            return false;
        }
        let mut d = xs.clone();
        d.sort_unstable();
        d.dedup();
        match kind {
            FieldKind::BirthYear => {
                let mut ys = xs.clone();
                ys.sort_unstable();
                let (lo, hi) = (ys[ys.len() / 10], ys[ys.len() * 9 / 10]);
                xs.iter()
                    .filter(|y| (first_year..=2030).contains(*y))
                    .count() as f64
                    >= 0.95 * xs.len() as f64
                    && hi - lo >= 15
                    && ys[ys.len() / 2] <= 2010
            }
            FieldKind::BirthMonth => {
                most(&xs, |m| (1..=12).contains(&m)) && (d.len() >= 6 || n < 30)
            }
            _ => {
                most(&xs, |x| (1..=31).contains(&x))
                    && xs.iter().filter(|x| (13..=31).contains(*x)).count() * 10 >= xs.len()
                    && (d.len() >= 13 || n < 30)
            }
        }
    };
    let parts: Vec<(usize, String, FieldKind)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != FieldKind::RecordId)
        .filter_map(|(i, c)| date_part_stem(&c.column).map(|(s, k)| (i, s, k)))
        .collect();
    // Without headers (`column6`, `column7`, `column8`): a year column with
    // a month column and maybe a day column right beside it, in either
    // order (year-month-day, day-month-year).
    let unlabelled = |i: usize| {
        matches!(columns[i].kind, FieldKind::Ignore | FieldKind::Postcode)
            && header_hint(&columns[i].column).is_none()
    };
    let mut found: Vec<[Option<usize>; 3]> = Vec::new();
    for y in 0..columns.len() {
        if !unlabelled(y) || !fits(y, FieldKind::BirthYear) {
            continue;
        }
        let near = |a: Option<usize>, kind| {
            a.filter(|&i| i < columns.len() && unlabelled(i) && fits(i, kind))
        };
        // year, month, day
        if let Some(m) = near(Some(y + 1), FieldKind::BirthMonth) {
            found.push([Some(y), Some(m), near(Some(y + 2), FieldKind::BirthDay)]);
        } else if let Some(m) = near(y.checked_sub(1), FieldKind::BirthMonth) {
            // day, month, year or month before year
            found.push([
                Some(y),
                Some(m),
                near(y.checked_sub(2), FieldKind::BirthDay),
            ]);
        } else if let Some(m) = near(y.checked_sub(2), FieldKind::BirthMonth) {
            // month, day, year
            found.push([
                Some(y),
                Some(m),
                near(y.checked_sub(1), FieldKind::BirthDay),
            ]);
        }
    }
    for [y, m, d] in found {
        let reason =
            "a birth date in parts beside each other: years over decades, months 1-12, days 1-31"
                .to_string();
        for (i, kind) in [
            (y, FieldKind::BirthYear),
            (m, FieldKind::BirthMonth),
            (d, FieldKind::BirthDay),
        ] {
            if let Some(i) = i {
                columns[i] = mapping(&columns[i].column, kind, 0.8, reason.clone());
            }
        }
    }
    for (yi, stem, _) in parts.iter().filter(|(_, _, k)| *k == FieldKind::BirthYear) {
        if !fits(*yi, FieldKind::BirthYear) {
            continue;
        }
        let partner = |kind: FieldKind| {
            parts
                .iter()
                .find(|(i, s, k)| s == stem && *k == kind && fits(*i, kind))
                .map(|(i, _, _)| *i)
        };
        let Some(mi) = partner(FieldKind::BirthMonth) else {
            continue;
        };
        let di = partner(FieldKind::BirthDay);
        let names: Vec<String> = [Some(*yi), Some(mi), di]
            .into_iter()
            .flatten()
            .map(|i| format!("'{}'", columns[i].column))
            .collect();
        let reason = format!(
            "a birth date in parts ({}): years over decades, months 1-12, days 1-31",
            names.join(", ")
        );
        for (i, kind) in [
            (Some(*yi), FieldKind::BirthYear),
            (Some(mi), FieldKind::BirthMonth),
            (di, FieldKind::BirthDay),
        ] {
            if let Some(i) = i {
                columns[i] = mapping(&columns[i].column, kind, 0.95, reason.clone());
            }
        }
    }
}

/// A column of short numbers (`7`, `177`, `12a`) beside a street column
/// whose values carry no house number is that street's house number: an
/// unlabelled number column reads as codes on its own.
fn house_numbers_beside_streets(columns: &mut [ColumnMapping], values: &[Vec<&str>]) {
    let short_number = |v: &str| {
        let t = v.trim();
        !t.is_empty()
            && t.len() <= 6
            && t.starts_with(|c: char| c.is_ascii_digit())
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    };
    if columns.iter().any(|c| c.kind == FieldKind::HouseNumber) {
        return;
    }
    for street in 0..columns.len() {
        if columns[street].kind != FieldKind::Street {
            continue;
        }
        let filled: Vec<&str> = values[street].iter().filter_map(|v| non_blank(v)).collect();
        if share(&filled, is_street) > 0.2 {
            continue;
        }
        let beside = [street.checked_sub(1), Some(street + 1)];
        for i in beside.into_iter().flatten().filter(|&i| i < columns.len()) {
            let c = &columns[i];
            if c.kind != FieldKind::Ignore || header_hint(&c.column).is_some() {
                continue;
            }
            let vals: Vec<&str> = values[i].iter().filter_map(|v| non_blank(v)).collect();
            if vals.len() >= 5 && share(&vals, short_number) >= 0.9 {
                let reason = format!(
                    "short numbers beside the street column '{}', whose values have none",
                    columns[street].column
                );
                columns[i] = mapping(&columns[i].column, FieldKind::HouseNumber, 0.7, reason);
                return;
            }
        }
    }
}

/// Two given-name columns side by side whose strengths differ by less
/// than this are ordered by position (the first is the given name).
const GIVEN_ORDER_MARGIN: f64 = 0.1;

/// Kinds that make up an address.
fn is_address_kind(k: FieldKind) -> bool {
    matches!(
        k,
        FieldKind::HouseNumber
            | FieldKind::Street
            | FieldKind::Unit
            | FieldKind::AddressLine2
            | FieldKind::City
            | FieldKind::State
            | FieldKind::Postcode
            | FieldKind::FullAddress
    )
}

/// How many times more often another party's street repeats than the
/// record's own before the address is judged another party's.
const OTHER_PARTY_REPEAT: f64 = 3.0;

/// A row with two addresses (a wage form's employer and employee, an
/// order's shop and customer) holds the record's own address and another
/// party's. Without headers to say which, the values do: another party's
/// address (an employer, an agency, a branch) is shared by many records,
/// while people's own addresses repeat only within a household. The
/// columns are cut into address groups at every column of another kind
/// that identifies (names, ids, dates, contacts); when two groups each
/// hold a street (or whole address) and one's street values repeat at
/// least [`OTHER_PARTY_REPEAT`] times as often as the other's, that
/// group is ignored as another party's, and a house number is looked for
/// again beside the street that stays. Groups whose streets repeat alike
/// (billing and shipping addresses of one customer) are left to the
/// one-column-per-kind rule. Columns named by a header are not touched.
fn own_address_group(columns: &mut [ColumnMapping], values: &[Vec<&str>]) {
    let mut groups: Vec<Vec<usize>> = vec![Vec::new()];
    for (i, c) in columns.iter().enumerate() {
        if is_address_kind(c.kind) {
            if let Some(g) = groups.last_mut() {
                g.push(i);
            }
        } else if c.kind != FieldKind::Ignore && groups.last().is_some_and(|g| !g.is_empty()) {
            groups.push(Vec::new());
        }
    }
    // Each group with a street: how often its street values repeat
    // (filled values per distinct value).
    let repeats: Vec<(usize, f64)> = groups
        .iter()
        .enumerate()
        .filter_map(|(g, cols)| {
            let street = cols.iter().copied().find(|&i| {
                matches!(columns[i].kind, FieldKind::Street | FieldKind::FullAddress)
                    && header_hint(&columns[i].column).is_none()
            })?;
            let filled: Vec<&str> = values[street].iter().filter_map(|v| non_blank(v)).collect();
            if filled.len() < 20 {
                return None;
            }
            let distinct = filled
                .iter()
                .map(|v| v.to_lowercase())
                .collect::<std::collections::HashSet<_>>()
                .len();
            Some((g, filled.len() as f64 / distinct.max(1) as f64))
        })
        .collect();
    if repeats.len() < 2 {
        return;
    }
    let Some(&(own, own_repeat)) = repeats.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
        return;
    };
    let own_street = groups[own]
        .iter()
        .copied()
        .find(|&i| matches!(columns[i].kind, FieldKind::Street | FieldKind::FullAddress))
        .map(|i| columns[i].column.clone())
        .unwrap_or_default();
    let mut changed = false;
    for &(g, repeat) in &repeats {
        if g == own || repeat < OTHER_PARTY_REPEAT * own_repeat {
            continue;
        }
        for &i in &groups[g] {
            let c = &mut columns[i];
            if header_hint(&c.column).is_some() {
                continue;
            }
            c.reason = format!(
                "{}; ignored: another party's address (its streets repeat {repeat:.0} times each, \
                 those of '{own_street}' {own_repeat:.1})",
                c.reason
            );
            c.kind = FieldKind::Ignore;
            changed = true;
        }
    }
    if changed && !columns.iter().any(|c| c.kind == FieldKind::HouseNumber) {
        house_numbers_beside_streets(columns, values);
    }
}

/// Headers that name a place without saying of what (`place`, German
/// `Ort`, French `lieu`): archives write an event's place after its date.
const BARE_PLACE_HEADERS: &[&str] = &["place", "ort", "lieu", "plaats", "lugar", "luogo", "sted"];

/// A bare place header (`place`) right after a date column is the place of
/// that date's event (`born`, `place`; `died`, `place`): after the birth
/// date it is the place of birth; after any other event it stays out of
/// identity, the reason saying which event. Its values must be words (a
/// place), not numbers or dates.
fn places_after_dates(columns: &mut [ColumnMapping], values: &[Vec<&str>]) {
    let has_birth_place = columns.iter().any(|c| c.kind == FieldKind::PlaceOfBirth);
    for i in 1..columns.len() {
        let key = header_key(&columns[i].column);
        if !BARE_PLACE_HEADERS.contains(&key.as_str())
            || !matches!(columns[i].kind, FieldKind::Ignore | FieldKind::City)
        {
            continue;
        }
        let vals: Vec<&str> = values[i].iter().filter_map(|v| non_blank(v)).collect();
        let words = share(&vals, |v| {
            v.chars().any(char::is_alphabetic) && !v.chars().any(|c| c.is_ascii_digit())
        });
        if vals.len() < 3 || words < 0.8 {
            continue;
        }
        let before = &columns[i - 1];
        let reason = |what: &str| {
            format!(
                "a place right after the {what} column '{}': where it happened",
                before.column
            )
        };
        let m = match before.kind {
            FieldKind::DateOfBirth | FieldKind::BirthDay | FieldKind::BirthYear
                if !has_birth_place =>
            {
                mapping(
                    &columns[i].column,
                    FieldKind::PlaceOfBirth,
                    0.5 + words / 2.0,
                    reason("birth date"),
                )
            }
            FieldKind::EventDate | FieldKind::BaptismDate => mapping(
                &columns[i].column,
                FieldKind::Ignore,
                0.8,
                reason("event date"),
            ),
            _ => continue,
        };
        columns[i] = m;
    }
}

/// Infers a file's schema from its headers and sample rows. The id column
/// is `id_column` (a header) when given, else the first column. `None`
/// when `id_column` names no header.
pub fn infer_schema(
    source: &str,
    headers: &[String],
    rows: &[Vec<String>],
    id_column: Option<&str>,
) -> Option<FileSchema> {
    let id_index = id_column_index(headers, id_column)?;
    let sample = &rows[..rows.len().min(SAMPLE_ROWS)];
    // Each column's sample values, blanks included (a row may be short).
    let values: Vec<Vec<&str>> = (0..headers.len())
        .map(|i| {
            sample
                .iter()
                .map(|r| r.get(i).map(String::as_str).unwrap_or(""))
                .collect()
        })
        .collect();
    let infer_all = |parties: bool| -> Vec<ColumnMapping> {
        headers
            .iter()
            .zip(&values)
            .enumerate()
            .map(|(i, (h, v))| {
                if i == id_index {
                    return mapping(h, FieldKind::RecordId, 1.0, "record id".into());
                }
                infer_column_as(h, v, sample.len(), parties)
            })
            .collect()
    };
    let mut columns = infer_all(true);
    // A file whose every identity column is one other party's
    // (`owner_name`, `owner_email`) holds that party's records.
    let own = columns
        .iter()
        .any(|c| !matches!(c.kind, FieldKind::Ignore | FieldKind::RecordId));
    if !own
        && columns
            .iter()
            .any(|c| c.reason.starts_with("another party"))
    {
        columns = infer_all(false);
    }
    birth_date_parts(&mut columns, &values);
    name_columns_by_position(&mut columns, &values);
    places_among_single_words(&mut columns, &values);
    house_numbers_beside_streets(&mut columns, &values);
    own_address_group(&mut columns, &values);
    places_after_dates(&mut columns, &values);
    // A file with given-name or surname columns has its names there: a
    // column read as whole names from its values alone (no name header) is
    // then something else (notes, a contact person, a free-text field).
    // So does a file of organisations (named by a header, or clearly so by
    // their values): names found by their values alone there are a contact
    // person's, not the record's.
    let has_name_parts = columns
        .iter()
        .any(|c| matches!(c.kind, FieldKind::GivenName | FieldKind::Surname));
    let organisations = columns.iter().any(|c| {
        c.kind == FieldKind::Organisation
            && (header_hint(&c.column) == Some(FieldKind::Organisation) || c.confidence >= 0.85)
    });
    if has_name_parts || organisations {
        let why = if has_name_parts {
            "the file has given-name or surname columns and the header names no name"
        } else {
            "a contact person's name in a file of organisations (the header names no name)"
        };
        for c in columns.iter_mut() {
            if c.kind == FieldKind::FullName && header_hint(&c.column).is_none() {
                c.reason = format!("{}; ignored: {why}", c.reason);
                c.kind = FieldKind::Ignore;
            }
        }
    }
    // One column per kind: when two columns claim the same kind, the more
    // confident keeps it, a column filled in more rows counting as the
    // likelier own field (another party's columns are often sparse), and
    // the other is ignored with a reason; of two equal given-name columns
    // the later is a second given name. Ties keep both (the first
    // non-blank value is used).
    let fill: Vec<f64> = values
        .iter()
        .map(|v| {
            let filled = v.iter().filter(|x| non_blank(x).is_some()).count();
            filled as f64 / v.len().max(1) as f64
        })
        .collect();
    let strength = |c: &ColumnMapping, i: usize| c.confidence * (0.5 + 0.5 * fill[i]);
    for i in 0..columns.len() {
        let kind = columns[i].kind;
        if matches!(
            kind,
            FieldKind::Ignore | FieldKind::RecordId | FieldKind::Phone | FieldKind::Email
        ) {
            continue;
        }
        for j in 0..columns.len() {
            if i == j || columns[j].kind != kind {
                continue;
            }
            let (si, sj) = (strength(&columns[i], i), strength(&columns[j], j));
            // Of two given-name columns side by side and about as strong
            // (first and middle names, both full names), the first is the
            // given name, as forms write them: a sample's small difference
            // in known names must not swap them.
            let close_given = kind == FieldKind::GivenName
                && i.abs_diff(j) <= 2
                && (si - sj).abs() < GIVEN_ORDER_MARGIN;
            let second_given = kind == FieldKind::GivenName && j < i && (si <= sj || close_given);
            if (sj > si && !(close_given && i < j)) || second_given {
                let better = columns[j].column.clone();
                // A second given name sits among the record's own name
                // columns; a given name elsewhere in the row, between
                // other kinds (a tax form's spouse after the address), is
                // another party's.
                let name_part = |k: &ColumnMapping| {
                    matches!(
                        k.kind,
                        FieldKind::GivenName | FieldKind::MiddleName | FieldKind::Surname
                    )
                };
                let among_names = i.abs_diff(j) <= 2
                    || [i.wrapping_sub(1), i + 1]
                        .iter()
                        .any(|&k| columns.get(k).is_some_and(name_part));
                let c = &mut columns[i];
                if kind == FieldKind::GivenName && !among_names {
                    c.reason = format!(
                        "{}; '{better}' is the given name and this column lies away from the name columns: another party's name",
                        c.reason
                    );
                    c.kind = FieldKind::Ignore;
                } else if kind == FieldKind::GivenName {
                    c.reason = format!(
                        "{}; '{better}' is the given name: a second given name",
                        c.reason
                    );
                    c.kind = FieldKind::MiddleName;
                } else {
                    c.reason = format!("{}; '{better}' is the better {}", c.reason, kind.name());
                    c.kind = FieldKind::Ignore;
                }
                break;
            }
        }
    }
    Some(FileSchema {
        source: source.to_string(),
        id_column: id_index,
        columns,
        delimiter: None,
        encoding: None,
        header: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(header: &str, values: &[&str]) -> ColumnMapping {
        infer_column(header, values, values.len())
    }

    /// The kinds inferred for a file of `headers` and `rows`.
    fn kinds<const N: usize>(headers: [&str; N], rows: &[[&str; N]]) -> Vec<FieldKind> {
        let headers: Vec<String> = headers.map(String::from).to_vec();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.map(String::from).to_vec()).collect();
        let s = infer_schema("t", &headers, &rows, None).unwrap();
        s.columns.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn headers_in_any_style() {
        assert_eq!(header_hint("cust_email_addr"), Some(FieldKind::Email));
        assert_eq!(header_hint("HomePhoneNo"), Some(FieldKind::Phone));
        assert_eq!(header_hint("zip5"), Some(FieldKind::Postcode));
        assert_eq!(header_hint("Date of Birth"), Some(FieldKind::DateOfBirth));
        assert_eq!(header_hint("street_address"), Some(FieldKind::Street));
        assert_eq!(header_hint("order_total"), None);
        assert_eq!(header_hint("Segment"), None);
    }

    #[test]
    fn a_category_repeats_its_few_values() {
        // 300 rows of three household types: a category.
        let kinds = ["household", "group quarters", "institution"];
        let cat: Vec<&str> = (0..300).map(|i| kinds[i % 3]).collect();
        let m = infer_column("c1", &cat, cat.len());
        assert_eq!(m.kind, FieldKind::Ignore);
        assert!(m.reason.contains("a category"), "{}", m.reason);
        // Six different company names in a sparse column of 60 rows: few
        // distinct values, but none repeats, so not a category.
        let mut sparse = vec![""; 54];
        sparse.extend([
            "Acme Widgets Inc",
            "Borealis Shipping Ltd",
            "Cobalt & Finch LLC",
            "Dunmore Bakery GmbH",
            "Ebonwood Timber Co",
            "Fairhaven Dental Group",
        ]);
        let m = infer_column("c2", &sparse, sparse.len());
        assert!(!m.reason.contains("a category"), "{}", m.reason);
    }

    #[test]
    fn values_decide_without_headers() {
        assert_eq!(
            col("c1", &["a@b.com", "x.y@gmail.com", "z@q.org"]).kind,
            FieldKind::Email
        );
        assert_eq!(
            col(
                "c2",
                &["+1 (333) 456-8500", "18329753687", "(591) 883-6635"]
            )
            .kind,
            FieldKind::Phone
        );
        assert_eq!(
            col(
                "c3",
                &[
                    "131 S Gordon Rd, Walkerburgh 46497",
                    "2816 Kimberly Ave, Ryanfort 96686"
                ]
            )
            .kind,
            FieldKind::FullAddress
        );
        assert_eq!(
            col("c4", &["Harris, Jessica", "Brown, Laura", "SANDRA NGUYEN"]).kind,
            FieldKind::FullName
        );
        assert_eq!(
            col("c5", &["William", "Mary", "john", "Liz"]).kind,
            FieldKind::GivenName
        );
        let d = col(
            "c6",
            &["06/12/1939", "26/02/2003", "31/07/1968", "01/01/1985"],
        );
        assert_eq!(
            (d.kind, d.date_order),
            (FieldKind::DateOfBirth, Some(DateOrder::DayFirst))
        );
    }

    #[test]
    fn columns_that_are_not_identity() {
        // Product codes under a zip header.
        assert_eq!(
            col("zip", &["SKU-1234", "SKU-9", "P-100", "X99"]).kind,
            FieldKind::Ignore
        );
        // Company names under a name header are organisations.
        assert_eq!(
            col("name", &["Acme Corp", "Globex Holdings Ltd", "Initech LLC"]).kind,
            FieldKind::Organisation
        );
        // Order dates.
        let orders = super::detect::tests::ORDER_DATES;
        assert_eq!(col("ordered_on", &orders).kind, FieldKind::Ignore);
        assert_eq!(col("created", &orders).kind, FieldKind::Ignore);
        assert_eq!(
            col("amount", &["78.12", "238.97", "12.00"]).kind,
            FieldKind::Ignore
        );
        assert_eq!(
            col("store", &["S040", "S023", "S054"]).kind,
            FieldKind::Ignore
        );
        let tiers: Vec<&str> = ["gold", "silver", "bronze"]
            .iter()
            .cycle()
            .take(60)
            .copied()
            .collect();
        assert_eq!(col("tier_x", &tiers).kind, FieldKind::Ignore);
        let notes = [
            "called to say the parcel was left at the door",
            "wants a refund for the broken mug please",
        ];
        assert_eq!(col("remarks", &notes).kind, FieldKind::Ignore);
        // Short notes look like names word by word, but run longer.
        let notes = ["ruft gern an", "VIP Kundin seit Jahren", "nur per Post"];
        assert_eq!(col("x7", &notes).kind, FieldKind::Ignore);
        assert_eq!(col("Notiz", &["Anna Weber"]).kind, FieldKind::Ignore);
        // Sex is identity evidence (the model weighs it); a size is not sex.
        assert_eq!(col("Gender", &["M", "F", "F", "M"]).kind, FieldKind::Sex);
        assert_eq!(
            col("x2", &["male", "female", "Female"]).kind,
            FieldKind::Sex
        );
        assert_ne!(col("size", &["S", "M", "L", "XL"]).kind, FieldKind::Sex);
        let since = col("Customer Since", &orders);
        assert_eq!(since.kind, FieldKind::Ignore, "{}", since.reason);
        assert_eq!(
            col("Lifetime Value", &["1200.50", "80.00", "35.10"]).kind,
            FieldKind::Ignore
        );
        // Years of birth alone are neither dates nor postcodes: a partial date.
        let c = col("Birth Year", &["1980", "1975", "1990", "1966"]);
        assert_eq!(c.kind, FieldKind::BirthYear, "{}", c.reason);
        assert!(c.reason.contains("years"), "{}", c.reason);
        assert_eq!(col("Title", &["Mrs", "Mr", "Dr"]).kind, FieldKind::Ignore);
        // Another thing's identifier, whatever its digits look like.
        let c = col(
            "IDHS Provider ID",
            &["8307-7891-7433-008", "6391-8286-5433-002"],
        );
        assert_eq!(c.kind, FieldKind::Ignore, "{}", c.reason);
    }

    #[test]
    fn split_street_columns() {
        // `name` inside a header is the most generic word: a street name
        // column is a street, holding no number when the number has its own.
        let c = col("Street Name", &["Oak Street", "Elm Ave", "Pine Rd"]);
        assert_eq!(c.kind, FieldKind::Street, "{}", c.reason);
        assert_eq!(
            col("House No", &["12", "9", "400a"]).kind,
            FieldKind::HouseNumber
        );
        assert_eq!(col("Apt", &["4B", "12", "#3"]).kind, FieldKind::Unit);
        assert_eq!(col("Suite", &["Suite 300", "Ste 12"]).kind, FieldKind::Unit);
        // A unit header over values that are not units.
        assert_eq!(col("unit", &["kg", "lb", "pcs"]).kind, FieldKind::Ignore);
    }

    #[test]
    fn unlabelled_given_name_and_surname_columns_by_values_and_position() {
        let people = [
            ["R1", "Sean", "Rodriguez", "Michaelhaven"],
            ["R2", "Christopher", "Jones", "Littleland"],
            ["R3", "Mary", "Nguyen", "Springfield"],
            ["R4", "Xavion", "Mayer", "Kelleystad"],
            ["R5", "William", "Garrett", "Gregoryfort"],
            ["R6", "Laura", "Brown", "Ashmouth"],
        ];
        assert_eq!(
            kinds(["c1", "c2", "c3", "c4"], &people),
            [
                FieldKind::RecordId,
                FieldKind::GivenName,
                FieldKind::Surname,
                FieldKind::Ignore
            ]
        );
        // Words no name table knows decide nothing: places stay unread.
        let places = people.map(|r| [r[0], r[3], r[2]]);
        assert_eq!(
            kinds(["c1", "c2", "c3"], &places)[1..],
            [FieldKind::Ignore, FieldKind::Ignore]
        );
    }

    #[test]
    fn a_suffix_column_by_header_or_values() {
        let c = col("Suffix", &["Jr", "Sr.", "III", "Jr"]);
        assert_eq!(c.kind, FieldKind::NameSuffix, "{}", c.reason);
        assert_eq!(col("x3", &["JR", "SR", "II"]).kind, FieldKind::NameSuffix);
        // Degrees under a suffix header are not generations; street
        // suffixes are not name suffixes.
        assert_eq!(col("Suffix", &["PhD", "MD", "Esq"]).kind, FieldKind::Ignore);
        assert_ne!(
            col("StreetSuffix", &["St", "Ave", "Rd"]).kind,
            FieldKind::NameSuffix
        );
    }

    #[test]
    fn a_file_with_name_columns_takes_no_unlabelled_full_name() {
        let rows = [
            ["1", "Anna", "Weber", "Anna Weber"],
            ["2", "Lena", "Fischer", "Lena Fischer"],
            ["3", "Jürgen", "Schmidt", ""],
        ];
        assert_eq!(
            kinds(["id", "FirstName", "LastName", "c9"], &rows),
            [
                FieldKind::RecordId,
                FieldKind::GivenName,
                FieldKind::Surname,
                FieldKind::Ignore
            ]
        );
        // Without name columns, the same values are the file's names.
        let names = rows.map(|r| [r[0], r[3]]);
        assert_eq!(kinds(["id", "c9"], &names)[1], FieldKind::FullName);
    }

    #[test]
    fn header_and_values_agree_or_values_win() {
        let c = col("FirstName", &["Sean", "Christopher", "John"]);
        assert_eq!(c.kind, FieldKind::GivenName);
        assert!(c.confidence > 0.9);
        let c = col(
            "address",
            &[
                "131 S Gordon Rd, Walkerburgh 46497",
                "4268 N Christine Rd, Lake Michael 94959",
            ],
        );
        assert_eq!(c.kind, FieldKind::FullAddress);
        let c = col("contact", &["a@b.com", "x.y@gmail.com", "z@q.org"]);
        assert_eq!(c.kind, FieldKind::Email, "{}", c.reason);
    }

    #[test]
    fn schema_for_a_messy_file() {
        let rows = [
            [
                "R2",
                "SANDRA NGUYEN",
                "18329753687",
                "90188",
                "S040",
                "78.12",
            ],
            ["R3", "Leah Mayer", "6905072434", "22418", "S023", "238.97"],
            ["R4", "Jason Kelly", "4144726269", "78261", "S054", "222.49"],
            ["R5", "Ann Lee", "4144726200", "", "S054", "2.49"],
        ];
        assert_eq!(
            kinds(
                ["txn_customer", "name", "phone", "zip", "store", "amount"],
                &rows
            ),
            [
                FieldKind::RecordId,
                FieldKind::FullName,
                FieldKind::Phone,
                FieldKind::Postcode,
                FieldKind::Ignore,
                FieldKind::Ignore
            ]
        );
    }

    /// Common given names, for test files.
    const GIVEN: [&str; 25] = [
        "james", "mary", "robert", "linda", "michael", "susan", "david", "sarah", "john", "karen",
        "thomas", "nancy", "daniel", "lisa", "paul", "betty", "mark", "helen", "george", "sandra",
        "steven", "donna", "edward", "carol", "brian",
    ];

    /// Surnames of many origins, for test files.
    const SURNAMES: [&str; 23] = [
        "garcia",
        "nguyen",
        "okafor",
        "moreau",
        "kowalski",
        "lindqvist",
        "haddad",
        "brennan",
        "tanaka",
        "petrov",
        "osei",
        "varga",
        "silva",
        "novak",
        "fischer",
        "dubois",
        "rossi",
        "jensen",
        "murphy",
        "kaur",
        "ahmed",
        "costa",
        "weber",
    ];

    /// Rows of `n` people with the given columns, values made by `f`.
    fn rows_of(n: usize, f: impl Fn(usize) -> Vec<String>) -> Vec<Vec<String>> {
        (0..n).map(f).collect()
    }

    fn schema_kinds(headers: &[&str], rows: &[Vec<String>]) -> Vec<FieldKind> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let s = infer_schema("t", &headers, rows, None).unwrap();
        s.columns.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn a_given_name_away_from_the_name_columns_is_another_partys() {
        use FieldKind::*;
        let given = ["james", "mary", "robert", "linda", "michael", "susan"];
        let surname = [
            "garcia",
            "nguyen",
            "okafor",
            "lindqvist",
            "moreau",
            "kowalski",
        ];
        let street = [
            "oak st",
            "main ave",
            "elm rd",
            "pine dr",
            "cedar ln",
            "birch way",
        ];
        // No header row: id, given, surname, house number, street, then
        // another given name (a spouse's, after the address).
        let rows = rows_of(30, |i| {
            vec![
                format!("{i}"),
                given[i % 6].to_string(),
                surname[(i / 6) % 6].to_string(),
                format!("{}", 10 + i * 7),
                street[(i / 3) % 6].to_string(),
                given[(i + 3) % 6].to_string(),
            ]
        });
        let headers = [
            "column1", "column2", "column3", "column4", "column5", "column6",
        ];
        let k = schema_kinds(&headers, &rows);
        assert_eq!(k[1], GivenName, "{k:?}");
        assert_eq!(k[5], Ignore, "{k:?}");
        // The same names right after the given name: a second given name.
        let rows = rows_of(30, |i| {
            vec![
                format!("{i}"),
                given[i % 6].to_string(),
                given[(i + 3) % 6].to_string(),
                surname[(i / 6) % 6].to_string(),
            ]
        });
        let k = schema_kinds(&headers[..4], &rows);
        assert_eq!(k[1], GivenName, "{k:?}");
        assert_eq!(k[2], MiddleName, "{k:?}");
    }

    #[test]
    fn of_two_given_name_columns_about_as_strong_the_first_is_the_given_name() {
        use FieldKind::*;
        let given = GIVEN;
        let surname = ["garcia", "nguyen", "okafor", "moreau", "kowalski"];
        // `unknown_first` of every 10 first names are not known given
        // names; the middle names all are.
        let form = |unknown_first: usize| {
            rows_of(40, move |i| {
                let first = if i % 10 < unknown_first {
                    format!("qzx{}", i % 5)
                } else {
                    given[i % 7].to_string()
                };
                vec![
                    format!("{i}"),
                    first,
                    given[(i + 3) % 7].to_string(),
                    surname[(i / 7) % 5].to_string(),
                ]
            })
        };
        let headers = ["column1", "column2", "column3", "column4"];
        // The middle names slightly stronger: order decides.
        let k = schema_kinds(&headers, &form(1));
        assert_eq!((k[1], k[2]), (GivenName, MiddleName), "{k:?}");
        // Far stronger: the values decide.
        let k = schema_kinds(&headers, &form(4));
        assert_eq!(k[2], GivenName, "{k:?}");
        assert_ne!(k[1], GivenName, "{k:?}");
    }

    #[test]
    fn single_words_that_cluster_are_a_place_and_those_that_spread_a_surname() {
        use FieldKind::*;
        let given = GIVEN;
        let surnames = SURNAMES;
        let towns = [
            "london", "leeds", "york", "bath", "derby", "hull", "luton", "wells", "ripon",
        ];
        // id, given, surname, date of birth, then `fourth(i)`.
        let file = |fourth: &dyn Fn(usize) -> String| {
            rows_of(90, |i| {
                vec![
                    format!("{i}"),
                    given[i % 25].to_string(),
                    surnames[i % 23].to_string(),
                    format!("19{:02}-0{}-1{}", 40 + i % 50, 1 + i % 9, i % 10),
                    fourth(i),
                ]
            })
        };
        let headers = ["column1", "column2", "column3", "column4", "column5"];
        // A third of the people in the capital: a place.
        let k = schema_kinds(
            &headers,
            &file(&|i| {
                if i % 3 == 0 {
                    towns[0].to_string()
                } else {
                    towns[1 + (i / 3) % 8].to_string()
                }
            }),
        );
        assert_eq!(k[2], Surname, "{k:?}");
        assert_eq!(k[4], City, "{k:?}");
        // Values that spread like surnames (a second surname): not a place.
        let k = schema_kinds(&headers, &file(&|i| surnames[(i * 7 + 3) % 23].to_string()));
        assert_ne!(k[4], City, "{k:?}");
        // Common nouns in lower case (occupations) beside capitalised
        // surnames: no place, however they cluster.
        let capital = |v: &str| {
            let mut c = v.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        };
        let jobs = [
            "farmer", "labourer", "servant", "clerk", "weaver", "miner", "smith", "baker", "carter",
        ];
        let rows = rows_of(90, |i| {
            vec![
                format!("{i}"),
                capital(given[i % 25]),
                capital(surnames[i % 23]),
                format!("19{:02}-0{}-1{}", 40 + i % 50, 1 + i % 9, i % 10),
                if i % 3 == 0 {
                    jobs[0].to_string()
                } else {
                    jobs[1 + (i / 3) % 8].to_string()
                },
            ]
        });
        let k = schema_kinds(&headers, &rows);
        assert_eq!(k[2], Surname, "{k:?}");
        assert_ne!(k[4], City, "{k:?}");
        // The same towns capitalised are a place.
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r[4] = capital(if i % 3 == 0 {
                    towns[0]
                } else {
                    towns[1 + (i / 3) % 8]
                });
                r
            })
            .collect();
        let k = schema_kinds(&headers, &rows);
        assert_eq!(k[4], City, "{k:?}");
        // Initials cluster too, but are no place.
        let k = schema_kinds(
            &headers,
            &file(&|i| ["j", "m", "a", "k", "r", "s", "t", "l"][i % 8].to_string()),
        );
        assert_ne!(k[4], City, "{k:?}");
    }

    #[test]
    fn the_surname_after_a_full_second_given_name_and_not_a_sparse_column() {
        use FieldKind::*;
        let given = GIVEN;
        let surnames = SURNAMES;
        let headers = ["column1", "column2", "column3", "column4"];
        // id, first name, middle name (full, always filled), surname.
        let rows = rows_of(60, |i| {
            vec![
                format!("{i}"),
                given[i % 25].to_string(),
                given[(i + 2) % 25].to_string(),
                surnames[i % 23].to_string(),
            ]
        });
        let k = schema_kinds(&headers, &rows);
        assert_eq!(k[1..], [GivenName, MiddleName, Surname], "{k:?}");
        // id, surname, given name, a sparse column of single words: the
        // surname is the full column before the given name.
        let rows = rows_of(60, |i| {
            vec![
                format!("{i}"),
                surnames[i % 23].to_string(),
                given[i % 25].to_string(),
                if i % 6 == 0 {
                    surnames[(i / 6) % 23].to_string()
                } else {
                    String::new()
                },
            ]
        });
        let k = schema_kinds(&headers, &rows);
        assert_eq!((k[1], k[2]), (Surname, GivenName), "{k:?}");
        assert_ne!(k[3], Surname, "{k:?}");
    }

    #[test]
    fn an_address_shared_by_many_records_is_another_partys() {
        use FieldKind::*;
        let given = ["james", "mary", "robert", "linda", "michael", "susan"];
        let surname = ["garcia", "nguyen", "okafor", "moreau", "kowalski"];
        let types = ["st", "ave", "rd", "dr", "ln", "way"];
        let words = ["oak", "main", "elm", "pine", "cedar", "birch", "maple"];
        // A street of its own for nearly every person; `shared` streets
        // for all of them (an employer's sites).
        let street = |i: usize, shared: usize| {
            let k = if shared > 0 { i % shared } else { i };
            format!("{} {}", words[k % 7], types[(k / 7) % 6])
        };
        // No header row: id, employer house number and street, the
        // employee's name, house number and street.
        let wage_form = |employer_sites: usize, own_sites: usize| {
            rows_of(30, move |i| {
                vec![
                    format!("{i}"),
                    format!("{}", 100 + (i % employer_sites.max(1)) * 3),
                    street(i, employer_sites),
                    given[i % 6].to_string(),
                    surname[(i / 6) % 5].to_string(),
                    format!("{}", 10 + i * 7),
                    street(i, own_sites),
                ]
            })
        };
        let headers: Vec<String> = (1..=7).map(|i| format!("column{i}")).collect();
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let k = schema_kinds(&headers, &wage_form(4, 0));
        assert_eq!(k[1..3], [Ignore, Ignore], "{k:?}");
        assert_eq!(k[5..7], [HouseNumber, Street], "{k:?}");
        // Negative: two addresses that repeat alike (billing and shipping
        // of one customer) are not another party's: both stay streets
        // (equally strong, so the one-column-per-kind rule keeps both).
        let k = schema_kinds(&headers, &wage_form(0, 0));
        assert_eq!((k[2], k[6]), (Street, Street), "{k:?}");
        // One address only, however often it repeats: the record's own.
        let k = schema_kinds(&headers[..5], &wage_form(4, 0));
        assert_eq!(k[2], Street, "{k:?}");
    }

    #[test]
    fn a_bare_place_after_a_date_is_that_events_place() {
        use FieldKind::*;
        let rows = rows_of(12, |i| {
            vec![
                format!("B{i}"),
                ["c. 1750", "12 March 1693", "1802?", "Mar. 1721"][i % 4].to_string(),
                ["London", "Bristol", "Köln", "Wien"][i % 4].to_string(),
                ["1801", "1760-04", "1830", "1799"][i % 4].to_string(),
                ["York", "Boston", "Paris", "Rouen"][i % 4].to_string(),
            ]
        });
        let k = schema_kinds(&["id", "born", "place", "died", "lieu"], &rows);
        assert_eq!(
            k,
            vec![RecordId, DateOfBirth, PlaceOfBirth, EventDate, Ignore]
        );
        // Not after a date, or not places: what the column says alone.
        let rows = rows_of(12, |i| {
            vec![
                format!("B{i}"),
                ["1", "2", "3", "4"][i % 4].to_string(),
                ["c. 1750", "12 March 1693", "1802?", "Mar. 1721"][i % 4].to_string(),
                ["3", "7", "12", "1"][i % 4].to_string(),
            ]
        });
        let k = schema_kinds(&["id", "place", "born", "place2"], &rows);
        assert_ne!(k[1], PlaceOfBirth);
        assert_ne!(k[3], PlaceOfBirth);
    }

    #[test]
    fn birth_dates_in_parts_by_stem_and_values() {
        let rows = rows_of(60, |i| {
            vec![
                i.to_string(),
                ["FRANK", "MARTIN", "ANNA", "KARL"][i % 4].into(),
                (1930 + (i * 7) % 60).to_string(),
                (1 + i % 12).to_string(),
                (1 + (i * 5) % 31).to_string(),
            ]
        });
        assert_eq!(
            schema_kinds(&["id", "fname_c1", "by", "bm", "bd"], &rows)[2..],
            [
                FieldKind::BirthYear,
                FieldKind::BirthMonth,
                FieldKind::BirthDay
            ]
        );
        assert_eq!(
            schema_kinds(&["id", "fname", "dob_year", "dob_mon", "dob_day"], &rows)[2..],
            [
                FieldKind::BirthYear,
                FieldKind::BirthMonth,
                FieldKind::BirthDay
            ]
        );
        // A `by` column of postcodes (no month beside it) stays a postcode.
        let codes = rows_of(60, |i| {
            vec![
                i.to_string(),
                ["FRANK", "MARTIN", "ANNA", "KARL"][i % 4].into(),
                ["2000", "2600", "3121", "4000", "2913", "6050"][i % 6].into(),
            ]
        });
        assert_eq!(
            schema_kinds(&["id", "fname", "by"], &codes)[2],
            FieldKind::Postcode
        );
        // Months beside a year of recent events are no birth date.
        let events = rows_of(60, |i| {
            vec![
                i.to_string(),
                (2019 + i % 3).to_string(),
                (1 + i % 12).to_string(),
            ]
        });
        let k = schema_kinds(&["id", "ey", "em"], &events);
        assert!(!k.contains(&FieldKind::BirthYear), "{k:?}");
        // Historical years under part headers, months written as names.
        let old = rows_of(60, |i| {
            vec![
                i.to_string(),
                ["FRANK", "MARTIN", "ANNA", "KARL"][i % 4].into(),
                (1620 + (i * 7) % 270).to_string(),
                if i % 5 == 0 {
                    ["Mar", "Sept.", "Dec", "Jan"][i % 4].to_string()
                } else {
                    (1 + i % 12).to_string()
                },
                (1 + (i * 5) % 31).to_string(),
            ]
        });
        assert_eq!(
            schema_kinds(&["id", "given", "by", "bm", "bd"], &old)[2..],
            [
                FieldKind::BirthYear,
                FieldKind::BirthMonth,
                FieldKind::BirthDay
            ]
        );
        // Without headers, four-digit numbers before 1880 are no years even
        // beside months and days: regional postcodes (Swiss, Danish,
        // Belgian ones of 1000-1999) look the same.
        let headerless = ["column1", "column2", "column3", "column4", "column5"];
        let k = schema_kinds(&headerless, &old);
        assert!(!k.contains(&FieldKind::BirthYear), "{k:?}");
    }

    #[test]
    fn name_words_under_numbered_name_headers_by_values() {
        let given = [
            "Sean", "Mary", "John", "Laura", "William", "Anna", "Peter", "Susan", "James", "Linda",
            "Robert", "Karen", "David", "Helen", "Thomas", "Alice", "Edward", "Julia", "Frank",
            "Emma",
        ];
        let family = [
            "Rodriguez",
            "Nguyen",
            "Garcia",
            "Brown",
            "Mayer",
            "Kowalski",
            "Fischer",
            "Okafor",
            "Lindqvist",
            "Moreau",
            "Tanaka",
            "Haddad",
            "Novak",
            "Ferreira",
            "Jansen",
            "Petrov",
            "Kaya",
            "Schmidt",
            "Rossi",
            "Dubois",
        ];
        let rows = rows_of(40, |i| {
            vec![
                i.to_string(),
                given[i % 20].into(),
                family[(i * 7) % 20].into(),
            ]
        });
        assert_eq!(
            schema_kinds(&["id", "pername1", "pername2"], &rows)[1..],
            [FieldKind::GivenName, FieldKind::Surname]
        );
        // Surname first: the values, not the order, decide.
        let swapped: Vec<Vec<String>> = rows
            .iter()
            .map(|r| vec![r[0].clone(), r[2].clone(), r[1].clone()])
            .collect();
        assert_eq!(
            schema_kinds(&["id", "name1", "name2"], &swapped)[1..],
            [FieldKind::Surname, FieldKind::GivenName]
        );
    }

    #[test]
    fn a_name_column_of_companies_and_one_of_people() {
        let places = [
            "arnie morton's of chicago",
            "art's delicatessen",
            "hotel bel-air",
            "cafe bizou",
            "campanile",
            "chinois on main",
            "citrus",
            "fenix at the argyle",
            "granita",
            "grill on the alley",
        ];
        let c = col("name", &places);
        assert_eq!(c.kind, FieldKind::Organisation, "{}", c.reason);
        let people = [
            "Mary Smith",
            "John Garrett",
            "Laura Brown",
            "SANDRA NGUYEN",
            "Harris, Jessica",
            "William Turner",
        ];
        assert_eq!(col("name", &people).kind, FieldKind::FullName);
        let sites = [
            "Salvation Army - Temple",
            "Chicago Child Care Society",
            "Board Trustees-City Colleges of Chicago",
            "Erie Neighborhood House",
        ];
        assert_eq!(col("Site name", &sites).kind, FieldKind::Organisation);
    }

    #[test]
    fn another_partys_columns_stay_out() {
        let rows = rows_of(20, |i| {
            vec![
                i.to_string(),
                ["Derick", "Patrick", "Mary", "Ann"][i % 4].into(),
                ["Castillo", "Rodriguez", "Lee", "Kim"][i % 4].into(),
                ["Kaylee", "Caleb", "Henry", "Ava"][i % 4].into(),
                format!("{:03}-{:02}-{:04}", 100 + i, 10 + i, 1000 + i),
                ["Red's Dairy Queen", "Pikes Creek Campground"][i % 2].into(),
                format!("98{:03}", i),
            ]
        });
        let k = schema_kinds(
            &[
                "record_id",
                "first_name",
                "last_name",
                "spouse_first_name",
                "dependent_1_ssn",
                "employer_name",
                "employer_zipcode",
            ],
            &rows,
        );
        assert_eq!(k[1..3], [FieldKind::GivenName, FieldKind::Surname]);
        assert!(k[3..].iter().all(|k| *k == FieldKind::Ignore), "{k:?}");
        // A file of one other party alone holds that party's records.
        let owners = rows_of(20, |i| {
            vec![
                i.to_string(),
                ["Mary Lee", "John Kim"][i % 2].into(),
                format!("owner{i}@example.org"),
            ]
        });
        assert_eq!(
            schema_kinds(&["id", "owner_name", "owner_email"], &owners)[1..],
            [FieldKind::FullName, FieldKind::Email]
        );
        // `partner_name` in a file of people names the partner, not the row.
        assert!(read_header("partner_name").party.is_some());
    }

    #[test]
    fn descriptions_of_fields_and_documents_stay_out() {
        for (h, v) in [
            ("ADDR_TYPE", vec!["HOME", "MAILING", "HOME"]),
            ("PASSPORT_COUNTRY", vec!["US", "DE", "FR"]),
            ("DRIVERS_LICENSE_STATE", vec!["NV", "CA", "NV"]),
            ("race_ethnicity", vec!["White", "Asian", "Black"]),
        ] {
            let c = col(h, &v);
            assert!(
                !matches!(
                    c.kind,
                    FieldKind::Country | FieldKind::State | FieldKind::City
                ),
                "{h}: {:?} {}",
                c.kind,
                c.reason
            );
        }
        assert_eq!(
            col("ADDR_STATE", &["NV", "CA", "NV"]).kind,
            FieldKind::State
        );
        assert_eq!(
            col("ssn", &["786-77-6454", "688-88-6377"]).kind,
            FieldKind::NationalId
        );
        assert_eq!(
            col("x9", &["786-77-6454", "688-88-6377", "674-27-1745"]).kind,
            FieldKind::NationalId
        );
    }

    #[test]
    fn street_names_without_numbers_are_streets() {
        let c = col(
            "column5",
            &[
                "learmonth drive",
                "wittenoom street",
                "kitchener road",
                "dunbar crescent",
                "thornhill place",
            ],
        );
        assert_eq!(c.kind, FieldKind::Street, "{}", c.reason);
        // People whose surname is a street word are still people.
        let c = col(
            "column2",
            &[
                "Penny Lane",
                "Mary Park",
                "John Smith",
                "Ann Lee",
                "Tom Brown",
            ],
        );
        assert_eq!(c.kind, FieldKind::FullName, "{}", c.reason);
    }

    #[test]
    fn list_columns_of_names_and_of_codes() {
        let authors = [
            "KONINK PHILIPS ELECTRONICS N V**DAVID E  SNYDER**THOMAS D  LYSTER",
            "TOWELL DEBORAH JANE**BARTKOWSKA BEATA",
            "DELRUE RITA M",
            "MARCEROU JEAN FRANCOIS**FEVRIER HERVE",
        ];
        let c = col("x1", &authors);
        assert_eq!(c.kind, FieldKind::Associates, "{}", c.reason);
        let classes = ["A61N**A61B", "A23G", "G02B**H04B**H01S", "C10L;C10M"];
        assert_eq!(col("Class", &classes).kind, FieldKind::Classes);
        assert_eq!(col("x2", &classes[..3]).kind, FieldKind::Classes);
        // Several phones or emails in one field are no list kind.
        let phones = [
            "555-010-2000; 555-010-3000",
            "555-010-4000",
            "(555) 010-5000; 5550106000",
        ];
        assert_ne!(col("x3", &phones).kind, FieldKind::Classes);
        // Free text with a semicolon here and there is no list.
        let notes = [
            "called twice; no answer",
            "prefers email",
            "moved to the new office last spring",
            "asked for a refund",
        ];
        assert_eq!(col("x4", &notes).kind, FieldKind::Ignore);
    }
}
