//! A whole record normalized: every attribute the comparisons and blocking
//! rules read, computed once.

use serde::{Deserialize, Serialize};

use super::address::{
    normalize_city, normalize_postcode, normalize_state, normalize_unit, parse_full_address,
    parse_street, zip_with_zeros,
};
use super::date::{parse_date, Date, DateOrder};
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
    /// Date of birth as `YYYY-MM-DD`.
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
}

impl Attr {
    /// Number of attributes.
    pub const COUNT: usize = 28;

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
    ];

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
    /// Date of birth, parsed.
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
                FieldKind::DateOfBirth => match parse_date(raw, rules.date_order) {
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
}
