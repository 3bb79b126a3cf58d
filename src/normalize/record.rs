//! A whole record normalized: every attribute the comparisons and blocking
//! rules read, computed once.

use serde::{Deserialize, Serialize};

use super::address::{
    normalize_city, normalize_postcode, normalize_state, normalize_unit, parse_full_address,
    parse_street, zip_with_zeros,
};
use super::date::{date_from_parts, parse_age, parse_partial_date, Date, DateOrder};
use super::email::normalize_email;
use super::name::{
    canonical_given, generational_suffix, parse_full_name, parse_given, parse_surname, NameParts,
};
use super::org_key::{plain_key, OrgKeyRules};
use super::organisation::normalize_organisation;
use super::phone::{normalize_phone, PhoneRules};
use super::text::{fold, non_blank};
use crate::record::Record;
use crate::schema::FieldKind;

/// Options of the normalizers that depend on where the data comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NormalizeRules {
    /// How to read phone numbers without a country code.
    #[serde(default)]
    pub phone: PhoneRules,
    /// How to read ambiguous slashed dates.
    #[serde(default)]
    pub date_order: DateOrder,
    /// Which words of organisation names are too common in the data to
    /// be in their key (see [`super::org_key`]).
    #[serde(default)]
    pub org_key: OrgKeyRules,
    /// When a full name is refiled by how the data uses its words (see
    /// [`super::name_roles`]).
    #[serde(default)]
    pub name_roles: super::name_roles::NameRoleRules,
    /// When a value held by many records is a placeholder (see
    /// [`super::placeholder`]).
    #[serde(default)]
    pub placeholders: super::placeholder::PlaceholderRules,
}

/// A normalized attribute that comparisons and blocking keys can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr {
    /// First given name (folded; an initial is one letter).
    Given,
    /// Canonical form of the given name by the nickname table.
    GivenCanonical,
    /// Middle names.
    Middle,
    /// Family name.
    Surname,
    /// Generational suffix (`jr`, `sr`, `iii`).
    Suffix,
    /// Normalized email address.
    Email,
    /// Email local part.
    EmailLocal,
    /// Email domain.
    EmailDomain,
    /// Phone: national significant number.
    Phone,
    /// House number.
    HouseNumber,
    /// Standardised street (directionals, name, suffix).
    Street,
    /// Street name alone.
    StreetName,
    /// Unit (`apt 4`).
    Unit,
    /// Second address line.
    AddressLine2,
    /// City.
    City,
    /// State or region.
    State,
    /// Postcode (ZIP5 for US codes).
    Postcode,
    /// Date of birth as `YYYY-MM-DD`, or partial: `YYYY-MM`, `YYYY`, and
    /// `~YYYY` for a year worked out from an age (see [`Date`]).
    DateOfBirth,
    /// National identifier, digits and letters only.
    NationalId,
    /// Organisation name, normalized (legal form, `&`, punctuation).
    Organisation,
    /// Organisation name reduced to its telling words (see `normalize::organisation`).
    OrgKey,
    /// Sex: `f`, `m` or another folded value.
    Sex,
    /// Country, folded.
    Country,
    /// Place of birth, folded.
    BirthPlace,
    /// Passport number, letters and digits only.
    Passport,
    /// Driver's licence number, letters and digits only.
    DriversLicence,
    /// Occupation, folded.
    Occupation,
    /// `person` or `organisation`.
    EntityType,
    /// Associated names, each squashed to one word, sorted, space-separated.
    Associates,
    /// Codes or categories, each squashed to one word, sorted, space-separated.
    Classes,
}

impl Attr {
    /// Number of attributes.
    pub const COUNT: usize = 30;

    /// Every attribute, in declaration order (`ALL[a as usize] == a`).
    pub const ALL: [Attr; Attr::COUNT] = [
        Attr::Given,
        Attr::GivenCanonical,
        Attr::Middle,
        Attr::Surname,
        Attr::Suffix,
        Attr::Email,
        Attr::EmailLocal,
        Attr::EmailDomain,
        Attr::Phone,
        Attr::HouseNumber,
        Attr::Street,
        Attr::StreetName,
        Attr::Unit,
        Attr::AddressLine2,
        Attr::City,
        Attr::State,
        Attr::Postcode,
        Attr::DateOfBirth,
        Attr::NationalId,
        Attr::Organisation,
        Attr::OrgKey,
        Attr::Sex,
        Attr::Country,
        Attr::BirthPlace,
        Attr::Passport,
        Attr::DriversLicence,
        Attr::Occupation,
        Attr::EntityType,
        Attr::Associates,
        Attr::Classes,
    ];

    /// Whether two records' equal values of `source` make their values of
    /// `self` equal too: the attribute itself, or one computed from it alone
    /// (an organisation's key from its name, an email's local part and
    /// domain from the email, a given name's canonical form from it).
    pub fn follows_from(self, source: Attr) -> bool {
        self == source
            || matches!(
                (source, self),
                (Attr::Organisation, Attr::OrgKey)
                    | (Attr::Email, Attr::EmailLocal | Attr::EmailDomain)
                    | (Attr::Given, Attr::GivenCanonical)
            )
    }

    /// A value that many unrelated people share and that relatives share
    /// more (sex, place of birth, country, occupation): agreeing on it
    /// tells people apart from strangers, not from their kin.
    pub fn is_category(self) -> bool {
        matches!(
            self,
            Attr::Sex | Attr::BirthPlace | Attr::Country | Attr::Occupation
        )
    }

    /// The field an attribute is derived from: attributes of one group are
    /// not independent evidence (an email's local part and the email).
    pub fn group(self) -> u8 {
        match self {
            Attr::Given | Attr::GivenCanonical | Attr::Middle => 0,
            Attr::Surname | Attr::Suffix => 1,
            Attr::Email | Attr::EmailLocal | Attr::EmailDomain => 2,
            Attr::Phone => 3,
            Attr::HouseNumber | Attr::Street | Attr::StreetName | Attr::Unit => 4,
            Attr::AddressLine2 => 5,
            Attr::City => 6,
            Attr::State => 7,
            Attr::Postcode => 8,
            Attr::DateOfBirth => 9,
            Attr::NationalId => 10,
            Attr::Organisation | Attr::OrgKey => 11,
            Attr::Sex => 12,
            Attr::Country => 13,
            Attr::BirthPlace => 14,
            Attr::Passport => 15,
            Attr::DriversLicence => 16,
            Attr::Occupation => 17,
            Attr::EntityType => 18,
            Attr::Associates => 19,
            Attr::Classes => 20,
        }
    }
}

/// Counts of raw values that a normalizer rejected (kept as no value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizeReport {
    /// Emails that failed the syntax check.
    pub invalid_emails: usize,
    /// Phones with too few or too many digits, or letters.
    pub invalid_phones: usize,
    /// Dates that could not be read or do not exist.
    pub invalid_dates: usize,
    /// Postcodes without a digit.
    pub invalid_postcodes: usize,
    /// Full names refiled from the data (a lone given name, a surname
    /// written first): see [`crate::normalize::name_roles`].
    #[serde(default)]
    pub names_refiled: usize,
    /// Values shared by so many records that they are placeholders, removed.
    #[serde(default)]
    pub placeholders: Vec<super::placeholder::Placeholder>,
    /// Words of organisation names so common in the data that they are
    /// left out of the organisation key, most common first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_org_words: Vec<String>,
}

impl NormalizeReport {
    /// Adds another report's counts to this one.
    pub fn merge(&mut self, other: &NormalizeReport) {
        self.invalid_emails += other.invalid_emails;
        self.invalid_phones += other.invalid_phones;
        self.invalid_dates += other.invalid_dates;
        self.invalid_postcodes += other.invalid_postcodes;
        self.names_refiled += other.names_refiled;
    }
}

/// A record's normalized attributes, packed: every value in one buffer, in
/// attribute order, so a record is one allocation and a header of under 96 bytes.
#[derive(Debug, Clone, Default)]
pub struct NormalizedRecord {
    buf: Box<str>,
    /// Where each attribute's value ends in `buf`; it starts where the
    /// previous attribute's ends (an empty span: no value).
    ends: [u16; Attr::COUNT],
    /// Date of birth, parsed: full, partial (from birth year, month and day
    /// columns) or an approximate year (from an age at an event date).
    pub dob: Option<Date>,
}

impl PartialEq for NormalizedRecord {
    fn eq(&self, other: &Self) -> bool {
        self.dob == other.dob && Attr::ALL.iter().all(|&a| self.get(a) == other.get(a))
    }
}

impl Eq for NormalizedRecord {}

impl NormalizedRecord {
    /// The value of an attribute.
    #[inline]
    pub fn get(&self, attr: Attr) -> Option<&str> {
        let i = attr as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let end = self.ends[i];
        (start != end).then(|| self.buf.get(start as usize..end as usize))?
    }

    /// Sets an attribute (an empty string or `None` clears it).
    pub fn set(&mut self, attr: Attr, value: Option<String>) {
        let mut b = Builder {
            values: std::array::from_fn(|i| self.get(Attr::ALL[i]).map(str::to_string)),
            dob: self.dob,
        };
        b.set(attr, value);
        *self = b.pack();
    }
}

/// A compact byte form of a normalized record, for engines that move
/// records between processes ([`crate::pipeline::engine`]).
impl NormalizedRecord {
    /// Appends the record's byte form to `out`: the date of birth (a flag
    /// byte, then year, month, day, approximate), each attribute's end
    /// offset, then the values.
    pub(crate) fn write_bytes(&self, out: &mut Vec<u8>) {
        match self.dob {
            None => out.push(0),
            Some(d) => {
                out.push(1);
                out.extend_from_slice(&d.year.to_le_bytes());
                out.extend_from_slice(&[d.month, d.day, u8::from(d.approximate)]);
            }
        }
        for e in &self.ends {
            out.extend_from_slice(&e.to_le_bytes());
        }
        out.extend_from_slice(self.buf.as_bytes());
    }

    /// Reads a record written by [`NormalizedRecord::write_bytes`]; `None`
    /// when the bytes are not one (truncated, offsets out of order or off
    /// a character boundary, values not UTF-8).
    pub(crate) fn read_bytes(bytes: &[u8]) -> Option<NormalizedRecord> {
        let (dob, rest) = match bytes.split_first()? {
            (0, rest) => (None, rest),
            (1, rest) if rest.len() >= 5 => (
                Some(Date {
                    year: u16::from_le_bytes([rest[0], rest[1]]),
                    month: rest[2],
                    day: rest[3],
                    approximate: rest[4] != 0,
                }),
                &rest[5..],
            ),
            _ => return None,
        };
        let head = 2 * Attr::COUNT;
        if rest.len() < head {
            return None;
        }
        let buf = std::str::from_utf8(&rest[head..]).ok()?;
        let mut ends = [0u16; Attr::COUNT];
        let mut last = 0u16;
        for (i, e) in ends.iter_mut().enumerate() {
            *e = u16::from_le_bytes([rest[2 * i], rest[2 * i + 1]]);
            if *e < last || !buf.is_char_boundary(*e as usize) {
                return None;
            }
            last = *e;
        }
        (last as usize == buf.len()).then(|| NormalizedRecord {
            buf: buf.into(),
            ends,
            dob,
        })
    }
}

/// A record's attributes while it is being normalized.
#[derive(Default)]
struct Builder {
    values: [Option<String>; Attr::COUNT],
    dob: Option<Date>,
}

impl Builder {
    fn get(&self, attr: Attr) -> Option<&str> {
        self.values[attr as usize].as_deref()
    }

    fn set(&mut self, attr: Attr, value: Option<String>) {
        self.values[attr as usize] = value.filter(|v| !v.is_empty());
    }

    fn set_if_empty(&mut self, attr: Attr, value: Option<String>) {
        if self.get(attr).is_none() {
            self.set(attr, value);
        }
    }

    fn set_name(&mut self, parts: NameParts) {
        if let Some(g) = parts.given {
            self.set_if_empty(Attr::GivenCanonical, Some(canonical_given(&g).to_string()));
            self.set_if_empty(Attr::Given, Some(g));
        }
        self.set_if_empty(Attr::Middle, parts.middle);
        self.set_if_empty(Attr::Surname, parts.surname);
        self.set_if_empty(Attr::Suffix, parts.suffix);
    }

    /// One buffer for all values, in attribute order. A record's values
    /// are capped at 64 KB together: a value that would pass the cap (no
    /// name, address or identifier is that long) is dropped, as missing.
    fn pack(self) -> NormalizedRecord {
        let len: usize = self.values.iter().flatten().map(String::len).sum();
        let mut buf = String::with_capacity(len.min(u16::MAX as usize));
        let mut ends = [0u16; Attr::COUNT];
        for (end, v) in ends.iter_mut().zip(&self.values) {
            if let Some(v) = v {
                if buf.len() + v.len() <= u16::MAX as usize {
                    buf.push_str(v);
                }
            }
            *end = buf.len() as u16;
        }
        NormalizedRecord {
            buf: buf.into_boxed_str(),
            ends,
            dob: self.dob,
        }
    }
}

impl NormalizedRecord {
    /// Normalizes a raw record. Values a normalizer rejects become no value
    /// and are counted in `report`; nothing here fails.
    pub fn from_record(
        record: &Record,
        rules: &NormalizeRules,
        report: &mut NormalizeReport,
    ) -> Self {
        let mut n = Builder::default();
        // A suffix column wins over a suffix written inside a name.
        if let Some(raw) = record.get(FieldKind::NameSuffix).and_then(non_blank) {
            n.set(Attr::Suffix, generational_suffix(raw).map(str::to_string));
        }
        // Separate name columns win over a full-name column.
        for kind in [
            FieldKind::GivenName,
            FieldKind::Surname,
            FieldKind::MiddleName,
            FieldKind::FullName,
        ] {
            let Some(raw) = record.get(kind).and_then(non_blank) else {
                continue;
            };
            match kind {
                FieldKind::GivenName => n.set_name(parse_given(raw)),
                FieldKind::Surname => n.set_name(parse_surname(raw)),
                FieldKind::MiddleName => n.set_if_empty(Attr::Middle, Some(fold(raw))),
                _ => n.set_name(parse_full_name(raw)),
            }
        }
        for (kind, raw) in &record.fields {
            let Some(raw) = non_blank(raw) else { continue };
            match kind {
                FieldKind::Email => match normalize_email(raw) {
                    Some(e) => {
                        n.set(Attr::EmailLocal, Some(e.local));
                        n.set(Attr::EmailDomain, Some(e.domain));
                        n.set(Attr::Email, Some(e.full));
                    }
                    None => report.invalid_emails += 1,
                },
                FieldKind::Phone => match normalize_phone(raw, &rules.phone) {
                    Some(p) => n.set(Attr::Phone, Some(p.national)),
                    None => report.invalid_phones += 1,
                },
                FieldKind::Street => {
                    let s = parse_street(raw);
                    n.set_if_empty(Attr::HouseNumber, s.house_number);
                    n.set_if_empty(Attr::Unit, s.unit);
                    match s.po_box {
                        Some(b) => n.set(Attr::Street, Some(format!("po box {b}"))),
                        None => {
                            n.set(Attr::Street, s.street);
                            n.set(Attr::StreetName, s.street_name);
                        }
                    }
                }
                FieldKind::FullAddress => {
                    let a = parse_full_address(raw);
                    n.set_if_empty(Attr::HouseNumber, a.street.house_number);
                    n.set_if_empty(Attr::Unit, a.street.unit);
                    match a.street.po_box {
                        Some(b) => n.set_if_empty(Attr::Street, Some(format!("po box {b}"))),
                        None => {
                            n.set_if_empty(Attr::Street, a.street.street);
                            n.set_if_empty(Attr::StreetName, a.street.street_name);
                        }
                    }
                    n.set_if_empty(Attr::City, a.city);
                    n.set_if_empty(Attr::State, a.state);
                    n.set_if_empty(Attr::Postcode, a.postcode);
                }
                FieldKind::HouseNumber => {
                    n.set(Attr::HouseNumber, Some(fold(raw).replace(' ', "")))
                }
                // A second line that is a unit (`Apt 4B`) is compared as one.
                FieldKind::AddressLine2 => match normalize_unit(raw, true) {
                    Some(unit) => n.set(Attr::Unit, Some(unit)),
                    None => n.set(Attr::AddressLine2, Some(fold(raw))),
                },
                FieldKind::Unit => {
                    if let Some(unit) = normalize_unit(raw, false) {
                        n.set(Attr::Unit, Some(unit));
                    }
                }
                FieldKind::City => n.set(Attr::City, normalize_city(raw)),
                FieldKind::State => n.set(Attr::State, normalize_state(raw)),
                FieldKind::Postcode => match normalize_postcode(raw) {
                    Some(p) => n.set(Attr::Postcode, Some(p.code)),
                    None => report.invalid_postcodes += 1,
                },
                FieldKind::DateOfBirth => match parse_partial_date(raw, rules.date_order) {
                    Some(d) => {
                        n.dob = Some(d);
                        n.set(Attr::DateOfBirth, Some(d.to_string()));
                    }
                    None => report.invalid_dates += 1,
                },
                FieldKind::NationalId => n.set(Attr::NationalId, Some(fold(raw).replace(' ', ""))),
                FieldKind::Passport => n.set(Attr::Passport, Some(fold(raw).replace(' ', ""))),
                FieldKind::DriversLicence => {
                    n.set(Attr::DriversLicence, Some(fold(raw).replace(' ', "")))
                }
                FieldKind::Sex => n.set(Attr::Sex, normalize_sex(raw)),
                FieldKind::Country => n.set(Attr::Country, Some(fold(raw))),
                FieldKind::PlaceOfBirth => n.set(Attr::BirthPlace, Some(fold(raw))),
                FieldKind::Occupation => n.set(Attr::Occupation, Some(fold(raw))),
                FieldKind::EntityType => {
                    n.set(Attr::EntityType, entity_type(raw).map(str::to_string))
                }
                FieldKind::Associates => n.set(Attr::Associates, list_items(raw)),
                FieldKind::Classes => n.set(Attr::Classes, list_items(raw)),
                FieldKind::Organisation => {
                    n.set_if_empty(Attr::Organisation, normalize_organisation(raw))
                }
                _ => {}
            }
        }
        // Until the dataset pass orders it by rarity, the key is the
        // name's words in alphabetical order.
        let key = n.get(Attr::Organisation).and_then(plain_key);
        n.set(Attr::OrgKey, key);
        // No record-type column: an organisation name without any person
        // name is an organisation, person names without one a person;
        // both (a contact at a company) stay undecided.
        if n.get(Attr::EntityType).is_none() {
            let org = n.get(Attr::Organisation).is_some();
            let person = n.get(Attr::Given).is_some() || n.get(Attr::Surname).is_some();
            let kind = match (org, person) {
                (true, false) => Some("organisation"),
                (false, true) => Some("person"),
                _ => None,
            };
            n.set(Attr::EntityType, kind.map(str::to_string));
        }
        if n.dob.is_none() {
            n.dob = birth_date_from_parts(record, rules, report);
            if let Some(d) = n.dob {
                n.set(Attr::DateOfBirth, Some(d.to_string()));
            }
        }
        // US data: a ZIP of three or four digits lost its leading zeros in
        // a spreadsheet (`850`, `5812`); written out it agrees with `00850`.
        if rules.phone.default_country == 1 {
            let padded = n.get(Attr::Postcode).and_then(zip_with_zeros);
            if padded.is_some() {
                n.set(Attr::Postcode, padded);
            }
        }
        n.pack()
    }
}

/// The date of birth a record tells without a date-of-birth column (one
/// that reads wins): from birth year, month and day columns, as far as
/// they go (see [`date_from_parts`]; unusable parts are counted as invalid
/// dates); else from an age and the event date (survey, form date) it was
/// given at, as an approximate year: someone aged `a` on a date in year
/// `e` was born in `e - a` or `e - a - 1`, so the year `e - a` is kept with
/// the approximate flag and compared as "within one year". An age without
/// an event date gives no year (the record's date is unknown). Before the
/// age, a baptism or christening date gives its year as an approximate
/// year of birth: infants were baptised days to months after birth, so
/// the year is within one (a December birth baptised in January), while
/// the day and month are the baptism's, not the birth's.
fn birth_date_from_parts(
    record: &Record,
    rules: &NormalizeRules,
    report: &mut NormalizeReport,
) -> Option<Date> {
    let get = |k| record.get(k).and_then(non_blank);
    let year = get(FieldKind::BirthYear);
    if year.is_some() || get(FieldKind::BirthMonth).is_some() || get(FieldKind::BirthDay).is_some()
    {
        let parts = date_from_parts(year, get(FieldKind::BirthMonth), get(FieldKind::BirthDay));
        if parts.invalid {
            report.invalid_dates += 1;
        }
        if parts.date.is_some() {
            return parts.date;
        }
    }
    if let Some(baptism) = get(FieldKind::BaptismDate) {
        match parse_partial_date(baptism, rules.date_order) {
            Some(d) => return Date::approximate_year(d.year),
            None => report.invalid_dates += 1,
        }
    }
    let age = get(FieldKind::Age)?;
    let Some(age) = parse_age(age) else {
        report.invalid_dates += 1;
        return None;
    };
    let event = get(FieldKind::EventDate)?;
    // An event date may be a date or, in some surveys and registers, a year
    // alone or a year and month.
    let Some(event_year) = parse_partial_date(event, rules.date_order).map(|d| d.year) else {
        report.invalid_dates += 1;
        return None;
    };
    event_year.checked_sub(age).and_then(Date::approximate_year)
}

/// Sex as one letter where the word is known in English, German, French
/// or Spanish (`Female`, `weiblich`, `femme`, `mujer` -> `f`); other values
/// folded as they are (a third category stays a category of its own).
pub(crate) fn normalize_sex(raw: &str) -> Option<String> {
    let v = fold(raw);
    let word = v.split(' ').next().unwrap_or("");
    let one = match word {
        "f" | "female" | "w" | "woman" | "weiblich" | "frau" | "femme" | "feminin" | "mujer"
        | "femenino" | "girl" => "f",
        "m" | "male" | "man" | "mannlich" | "mann" | "homme" | "masculin" | "hombre"
        | "masculino" | "boy" => "m",
        "" | "u" | "unknown" | "x" => return None,
        _ => return Some(v),
    };
    Some(one.to_string())
}

/// Separators of several items in one field, most specific first.
pub(crate) const LIST_SEPARATORS: [&str; 4] = ["**", ";", "|", " / "];

/// The items of a list field (`ANNA DE VRIES**PETER BOS`), each folded and
/// squashed to one word (`annadevries`), placeholders (`none`, `n/a`)
/// dropped, sorted and deduplicated, joined by spaces: word comparisons
/// then compare items. A field without a separator is one item.
pub(crate) fn list_items(raw: &str) -> Option<String> {
    let sep = LIST_SEPARATORS.iter().find(|s| raw.contains(*s));
    let parts: Vec<&str> = match sep {
        Some(sep) => raw.split(*sep).collect(),
        None => vec![raw],
    };
    let mut items: Vec<String> = parts
        .iter()
        .filter_map(|p| non_blank(p))
        .map(|p| fold(p).replace(' ', ""))
        .filter(|p| !p.is_empty() && p != "none" && p != "unknown")
        .collect();
    items.sort_unstable();
    items.dedup();
    (!items.is_empty()).then(|| items.join(" "))
}

/// `person` or `organisation` from a record-type value (`PERSON`,
/// `ORGANIZATION`, `Individual`, `Company`, `B2B`); `None` for others.
pub(crate) fn entity_type(raw: &str) -> Option<&'static str> {
    let v = fold(raw);
    let person = [
        "person",
        "individual",
        "people",
        "natural",
        "consumer",
        "private",
        "b2c",
    ];
    let org = [
        "org",
        "company",
        "business",
        "corporat",
        "entity",
        "legal",
        "firm",
        "b2b",
        "enterprise",
        "institution",
    ];
    if person.iter().any(|w| v.starts_with(w)) {
        Some("person")
    } else if org.iter().any(|w| v.starts_with(w)) {
        Some("organisation")
    } else {
        None
    }
}

/// A record normalized with the default rules, nothing reported (tests).
#[cfg(test)]
pub(crate) fn normalized(r: &Record) -> NormalizedRecord {
    NormalizedRecord::from_record(
        r,
        &NormalizeRules::default(),
        &mut NormalizeReport::default(),
    )
}

impl NormalizedRecord {
    /// The record as compact bytes (for the durable store, which keeps
    /// normalized values so that opening does not normalize again):
    /// the attribute ends (`u16` each, little endian), the date of birth
    /// (a flag byte, year, month, day), then the value buffer.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        for end in self.ends {
            out.extend_from_slice(&end.to_le_bytes());
        }
        match self.dob {
            None => out.extend_from_slice(&[0, 0, 0, 0, 0]),
            Some(d) => {
                out.push(1 + u8::from(d.approximate));
                out.extend_from_slice(&d.year.to_le_bytes());
                out.push(d.month);
                out.push(d.day);
            }
        }
        out.extend_from_slice(self.buf.as_bytes());
    }

    /// Reads bytes written by [`NormalizedRecord::encode`]; `None` when
    /// they are not such a record (wrong length, ends out of order or
    /// inside a character, invalid UTF-8, an unknown flag).
    pub(crate) fn decode(bytes: &[u8]) -> Option<NormalizedRecord> {
        let head = Attr::COUNT * 2 + 5;
        if bytes.len() < head {
            return None;
        }
        let mut ends = [0u16; Attr::COUNT];
        for (i, end) in ends.iter_mut().enumerate() {
            *end = u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]);
        }
        let d = &bytes[Attr::COUNT * 2..head];
        let dob = match d[0] {
            0 => None,
            1 | 2 => Some(Date {
                year: u16::from_le_bytes([d[1], d[2]]),
                month: d[3],
                day: d[4],
                approximate: d[0] == 2,
            }),
            _ => return None,
        };
        let buf = std::str::from_utf8(&bytes[head..]).ok()?;
        let mut prev = 0u16;
        for &end in &ends {
            if end < prev || !buf.is_char_boundary(end as usize) {
                return None;
            }
            prev = end;
        }
        if prev as usize != buf.len() {
            return None;
        }
        Some(NormalizedRecord {
            buf: buf.into(),
            ends,
            dob,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_one_cache_line_and_oversized_values_are_dropped() {
        assert!(std::mem::size_of::<NormalizedRecord>() <= 96);
        let long = "x".repeat(70_000);
        let r = Record::new(0, "1")
            .with(FieldKind::GivenName, "Ann")
            .with(FieldKind::Street, format!("12 {long} St"))
            .with(FieldKind::Email, "ann@example.org");
        let n = NormalizedRecord::from_record(
            &r,
            &NormalizeRules::default(),
            &mut NormalizeReport::default(),
        );
        assert_eq!(n.get(Attr::Given), Some("ann"));
        assert_eq!(n.get(Attr::Email), Some("ann@example.org"));
        assert_eq!(n.get(Attr::Street), None);
        let mut m = n.clone();
        m.set(Attr::Email, None);
        assert_eq!(m.get(Attr::Email), None);
        assert_eq!(m.get(Attr::Given), Some("ann"));
    }

    #[test]
    fn a_suffix_column_wins_over_a_suffix_in_the_name() {
        let norm = normalized;
        let r = Record::new(0, "C1")
            .with(FieldKind::GivenName, "Robert")
            .with(FieldKind::Surname, "Smith")
            .with(FieldKind::NameSuffix, "Jr.");
        let n = norm(&r);
        assert_eq!(n.get(Attr::Suffix), Some("jr"));
        assert_eq!(n.get(Attr::Surname), Some("smith"));
        let r = Record::new(1, "C2")
            .with(FieldKind::FullName, "William Turner Sr")
            .with(FieldKind::NameSuffix, "III");
        assert_eq!(norm(&r).get(Attr::Suffix), Some("iii"));
        // A degree or an unknown word in the column is no suffix; one
        // written in the name still counts.
        let r = Record::new(2, "C3")
            .with(FieldKind::FullName, "Ann Lee Jr")
            .with(FieldKind::NameSuffix, "PhD");
        assert_eq!(norm(&r).get(Attr::Suffix), Some("jr"));
    }

    #[test]
    fn split_address_columns_agree_with_one_street_line() {
        let norm = normalized;
        let whole = norm(&Record::new(0, "A").with(FieldKind::Street, "12 Oak Street Apt 4B"));
        // Unit column before the street: the street line must not clear it.
        let split = norm(
            &Record::new(1, "B")
                .with(FieldKind::Unit, "4B")
                .with(FieldKind::HouseNumber, "12")
                .with(FieldKind::Street, "Oak St"),
        );
        let line2 = norm(
            &Record::new(2, "C")
                .with(FieldKind::Street, "12 Oak St")
                .with(FieldKind::AddressLine2, "Apt. 4B"),
        );
        for attr in [Attr::HouseNumber, Attr::Street, Attr::Unit] {
            assert_eq!(split.get(attr), whole.get(attr), "{attr:?}");
            assert_eq!(line2.get(attr), whole.get(attr), "{attr:?}");
        }
        assert_eq!(line2.get(Attr::AddressLine2), None);
        // A second line that is no unit stays a second line.
        let park = norm(&Record::new(3, "D").with(FieldKind::AddressLine2, "Riverside Park"));
        assert_eq!(park.get(Attr::AddressLine2), Some("riverside park"));
    }

    #[test]
    fn zips_that_lost_their_leading_zeros_agree_in_us_data() {
        let one_line =
            Record::new(0, "B1").with(FieldKind::FullAddress, "1686 Frank Road, West Spencer 850");
        let column = Record::new(1, "C1").with(FieldKind::Postcode, "00850");
        assert_eq!(normalized(&one_line).get(Attr::Postcode), Some("00850"));
        assert_eq!(normalized(&column).get(Attr::Postcode), Some("00850"));
        assert_eq!(
            normalized(&Record::new(2, "C2").with(FieldKind::Postcode, "5812")).get(Attr::Postcode),
            Some("05812")
        );
        // Elsewhere four-digit postcodes are whole (Australia, much of Europe).
        let mut rules = NormalizeRules::default();
        rules.phone.default_country = 61;
        let au = Record::new(3, "A1").with(FieldKind::Postcode, "2580");
        let n = NormalizedRecord::from_record(&au, &rules, &mut NormalizeReport::default());
        assert_eq!(n.get(Attr::Postcode), Some("2580"));
    }

    #[test]
    fn list_fields_become_sorted_items() {
        assert_eq!(
            list_items("PETER BOS**Anna de Vries**NONE** peter  bos").as_deref(),
            Some("annadevries peterbos")
        );
        assert_eq!(list_items("A61N;A61B;A61N").as_deref(), Some("a61b a61n"));
        assert_eq!(list_items("G01N").as_deref(), Some("g01n"));
        assert_eq!(list_items("**;"), None);
        assert_eq!(list_items(""), None);
    }

    #[test]
    fn sex_ids_and_record_types() {
        let r = Record::new(0, "1")
            .with(FieldKind::Sex, "Female")
            .with(FieldKind::Passport, "X 1234-567")
            .with(FieldKind::EntityType, "ORGANIZATION");
        let n = normalized(&r);
        assert_eq!(n.get(Attr::Sex), Some("f"));
        assert_eq!(n.get(Attr::Passport), Some("x1234567"));
        assert_eq!(n.get(Attr::EntityType), Some("organisation"));
        assert_eq!(normalize_sex("weiblich").as_deref(), Some("f"));
        assert_eq!(normalize_sex("M").as_deref(), Some("m"));
        assert_eq!(normalize_sex("unknown"), None);
        assert_eq!(normalize_sex("Diverse").as_deref(), Some("diverse"));
        assert_eq!(entity_type("Individual"), Some("person"));
        assert_eq!(entity_type("Active"), None);
    }

    #[test]
    fn organisations_and_their_entity_type() {
        let company = normalized(&Record::new(0, "1").with(FieldKind::Organisation, "ACME, Inc."));
        assert_eq!(company.get(Attr::Organisation), Some("acme"));
        assert_eq!(company.get(Attr::OrgKey), Some("acme"));
        assert_eq!(company.get(Attr::EntityType), Some("organisation"));
        let person = normalized(&Record::new(0, "2").with(FieldKind::FullName, "Ann Lee"));
        assert_eq!(person.get(Attr::EntityType), Some("person"));
        assert_eq!(person.get(Attr::Organisation), None);
        // A contact person at a company: undecided.
        let contact = normalized(
            &Record::new(0, "3")
                .with(FieldKind::Surname, "Lee")
                .with(FieldKind::Organisation, "Widgets Intl Ltd"),
        );
        assert_eq!(contact.get(Attr::EntityType), None);
        assert_eq!(contact.get(Attr::OrgKey), Some("international widgets"));
        // A record-type column wins.
        let typed = normalized(
            &Record::new(0, "4")
                .with(FieldKind::Organisation, "Smith Consulting")
                .with(FieldKind::EntityType, "Individual"),
        );
        assert_eq!(typed.get(Attr::EntityType), Some("person"));
        let nothing = normalized(&Record::new(0, "5").with(FieldKind::Email, "a@b.org"));
        assert_eq!(nothing.get(Attr::EntityType), None);
    }

    #[test]
    fn attribute_list_is_in_declaration_order() {
        for (i, a) in Attr::ALL.iter().enumerate() {
            assert_eq!(*a as usize, i);
        }
    }

    #[test]
    fn packed_values_can_be_set_and_cleared() {
        let r = Record::new(0, "R1")
            .with(FieldKind::GivenName, "Ann")
            .with(FieldKind::Email, "ann@x.org");
        let mut n = NormalizedRecord::from_record(
            &r,
            &NormalizeRules::default(),
            &mut NormalizeReport::default(),
        );
        n.set(Attr::Email, None);
        assert_eq!(n.get(Attr::Email), None);
        assert_eq!(n.get(Attr::Given), Some("ann"));
        n.set(Attr::City, Some("springfield".into()));
        assert_eq!(n.get(Attr::City), Some("springfield"));
        assert_eq!(n.get(Attr::Given), Some("ann"));
        assert_eq!(n.get(Attr::EmailLocal), Some("ann"));
        n.set(Attr::City, Some(String::new()));
        assert_eq!(n.get(Attr::City), None);
    }

    #[test]
    fn whole_record() {
        let r = Record::new(0, "R1")
            .with(FieldKind::GivenName, "Bill")
            .with(FieldKind::Surname, "O'Neil Jr.")
            .with(FieldKind::Email, "B.ONeil+shop@gmail.com")
            .with(FieldKind::Phone, "+1 (555) 010-2000")
            .with(FieldKind::Street, "12 North Oak Street Apt 4")
            .with(FieldKind::Postcode, "62704-1234")
            .with(FieldKind::DateOfBirth, "06/12/1939");
        let mut report = NormalizeReport::default();
        let n = NormalizedRecord::from_record(&r, &NormalizeRules::default(), &mut report);
        assert_eq!(n.get(Attr::Given), Some("bill"));
        assert_eq!(n.get(Attr::GivenCanonical), Some("william"));
        assert_eq!(n.get(Attr::Surname), Some("oneil"));
        assert_eq!(n.get(Attr::Suffix), Some("jr"));
        assert_eq!(n.get(Attr::Email), Some("boneil@gmail.com"));
        assert_eq!(n.get(Attr::Phone), Some("5550102000"));
        assert_eq!(n.get(Attr::HouseNumber), Some("12"));
        assert_eq!(n.get(Attr::Street), Some("n oak st"));
        assert_eq!(n.get(Attr::Unit), Some("apt 4"));
        assert_eq!(n.get(Attr::Postcode), Some("62704"));
        assert_eq!(n.get(Attr::DateOfBirth), Some("1939-06-12"));
        assert_eq!(report, NormalizeReport::default());
    }

    #[test]
    fn garbage_becomes_missing_and_is_counted() {
        let r = Record::new(0, "R1")
            .with(FieldKind::Email, "not-an-email")
            .with(FieldKind::Phone, "12")
            .with(FieldKind::DateOfBirth, "1980-02-31")
            .with(FieldKind::FullName, "SMITH, Jane");
        let mut report = NormalizeReport::default();
        let n = NormalizedRecord::from_record(&r, &NormalizeRules::default(), &mut report);
        assert_eq!(n.get(Attr::Email), None);
        assert_eq!(n.get(Attr::Phone), None);
        assert_eq!(n.dob, None);
        assert_eq!(n.get(Attr::Given), Some("jane"));
        assert_eq!(n.get(Attr::Surname), Some("smith"));
        assert_eq!(
            (
                report.invalid_emails,
                report.invalid_phones,
                report.invalid_dates
            ),
            (1, 1, 1)
        );
    }

    fn dob_of(fields: &[(FieldKind, &str)]) -> (Option<String>, Option<Date>, usize) {
        let mut r = Record::new(0, "P1");
        for (k, v) in fields {
            r.set(*k, *v);
        }
        let mut report = NormalizeReport::default();
        let n = NormalizedRecord::from_record(&r, &NormalizeRules::default(), &mut report);
        (
            n.get(Attr::DateOfBirth).map(str::to_string),
            n.dob,
            report.invalid_dates,
        )
    }

    #[test]
    fn birth_date_from_year_month_and_day_columns() {
        use FieldKind::{BirthDay as D, BirthMonth as M, BirthYear as Y};
        let text = |f: &[(FieldKind, &str)]| dob_of(f).0;
        assert_eq!(
            text(&[(Y, "1967"), (M, "9"), (D, "27")]).as_deref(),
            Some("1967-09-27")
        );
        let (_, dob, invalid) = dob_of(&[(D, "27"), (M, "Sept"), (Y, "1967")]);
        assert_eq!((dob, invalid), (Date::new(1967, 9, 27), 0));
        assert_eq!(
            text(&[(Y, "1967"), (M, "Okt"), (D, "3")]).as_deref(),
            Some("1967-10-03")
        );
        // `by` = 1967 with `bm` blank: the year alone.
        let (t, dob, invalid) = dob_of(&[(Y, "1967"), (M, ""), (D, "12")]);
        assert_eq!(
            (t.as_deref(), dob, invalid),
            (Some("1967"), Date::year_only(1967), 0)
        );
        assert_eq!(text(&[(Y, "1967"), (M, "NULL")]).as_deref(), Some("1967"));
        assert_eq!(text(&[(Y, "1967"), (M, "9")]).as_deref(), Some("1967-09"));
        // Impossible parts: what is sound is kept, the date counted invalid.
        assert_eq!(
            dob_of(&[(Y, "1967"), (M, "2"), (D, "30")]),
            (Some("1967-02".into()), Date::year_month(1967, 2), 1)
        );
        assert_eq!(
            dob_of(&[(Y, "1967"), (M, "13"), (D, "1")]),
            (Some("1967".into()), Date::year_only(1967), 1)
        );
        assert_eq!(
            dob_of(&[(Y, "1967"), (M, "5"), (D, "0")]),
            (Some("1967-05".into()), Date::year_month(1967, 5), 1)
        );
        assert_eq!(dob_of(&[(Y, "0"), (M, "5"), (D, "3")]), (None, None, 1));
        assert_eq!(dob_of(&[(Y, ""), (M, "5"), (D, "3")]), (None, None, 0));
        assert_eq!(dob_of(&[(M, "5"), (D, "3")]), (None, None, 0));
    }

    #[test]
    fn a_date_of_birth_column_wins_over_parts_and_parts_over_an_age() {
        use FieldKind::{Age, BirthYear as Y, DateOfBirth, EventDate};
        assert_eq!(
            dob_of(&[(Y, "1970"), (DateOfBirth, "1967-09-27")]).1,
            Date::new(1967, 9, 27)
        );
        // An unreadable date column falls back to the parts.
        assert_eq!(
            dob_of(&[(DateOfBirth, "31/31/1967"), (Y, "1967")]),
            (Some("1967".into()), Date::year_only(1967), 1)
        );
        assert_eq!(
            dob_of(&[(Y, "1967"), (Age, "40"), (EventDate, "2010-05-01")]).1,
            Date::year_only(1967)
        );
    }

    #[test]
    fn partial_historical_and_estimated_dates_of_birth() {
        use FieldKind::DateOfBirth;
        let dob = |v: &str| dob_of(&[(DateOfBirth, v)]);
        assert_eq!(
            dob("1750-03"),
            (Some("1750-03".into()), Date::year_month(1750, 3), 0)
        );
        assert_eq!(dob("Mar. 1750").1, Date::year_month(1750, 3));
        assert_eq!(dob("1620").1, Date::year_only(1620));
        assert_eq!(dob("12 March 1750").1, Date::new(1750, 3, 12));
        assert_eq!(
            dob("c. 1750"),
            (Some("~1750".into()), Date::approximate_year(1750), 0)
        );
        assert_eq!(dob("1750?").1, Date::approximate_year(1750));
        // A bound is no birth date, counted as unreadable.
        assert_eq!(dob("bef. 1750"), (None, None, 1));
    }

    #[test]
    fn a_baptism_date_stands_in_for_a_missing_birth_date() {
        use FieldKind::{Age, BaptismDate, BirthYear, DateOfBirth, EventDate};
        // The baptism's year, within one: not its day and month.
        assert_eq!(
            dob_of(&[(BaptismDate, "1750-01-04")]),
            (Some("~1750".into()), Date::approximate_year(1750), 0)
        );
        // A birth date, or a birth year, wins over the baptism.
        assert_eq!(
            dob_of(&[(BaptismDate, "1750-01-04"), (DateOfBirth, "1749-12-28")]).1,
            Date::new(1749, 12, 28)
        );
        assert_eq!(
            dob_of(&[(BaptismDate, "1750-01-04"), (BirthYear, "1749")]).1,
            Date::year_only(1749)
        );
        // The baptism wins over an age at an event.
        assert_eq!(
            dob_of(&[(BaptismDate, "1750"), (Age, "30"), (EventDate, "1790")]).1,
            Date::approximate_year(1750)
        );
        assert_eq!(dob_of(&[(BaptismDate, "soon")]), (None, None, 1));
    }

    #[test]
    fn an_age_at_an_event_date_gives_an_approximate_year() {
        use FieldKind::{Age, EventDate};
        let (t, dob, invalid) = dob_of(&[(Age, "42"), (EventDate, "2009-03-15")]);
        assert_eq!(
            (t.as_deref(), dob, invalid),
            (Some("~1967"), Date::approximate_year(1967), 0)
        );
        assert_eq!(
            dob_of(&[(Age, "42"), (EventDate, "15.03.2009")])
                .0
                .as_deref(),
            Some("~1967")
        );
        assert_eq!(
            dob_of(&[(Age, "42"), (EventDate, "2009")]).0.as_deref(),
            Some("~1967")
        );
        // Age alone gives no year; unreadable ages and event dates are counted.
        assert_eq!(dob_of(&[(Age, "42")]), (None, None, 0));
        assert_eq!(
            dob_of(&[(Age, "old"), (EventDate, "2009-03-15")]),
            (None, None, 1)
        );
        assert_eq!(dob_of(&[(Age, "42"), (EventDate, "soon")]), (None, None, 1));
        assert_eq!(
            dob_of(&[(Age, "300"), (EventDate, "2009-01-01")]),
            (None, None, 1)
        );
    }
}
