//! What each input column holds: field kinds and the header synonym table
//! that maps the usual header words to them with no configuration.

use serde::{Deserialize, Serialize};

/// The kind of identity data a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FieldKind {
    /// The record's id in its source system.
    RecordId,
    /// A whole name in one column (`Mary Smith`, `SMITH, Mary`).
    FullName,
    /// A whole address in one column (`12 Oak St, Springfield 62704`).
    FullAddress,
    /// Given (first) name.
    GivenName,
    /// Middle name(s) or initial(s).
    MiddleName,
    /// Family name.
    Surname,
    /// Email address.
    Email,
    /// Telephone number.
    Phone,
    /// Street line: house number, street, unit (`address_1`).
    Street,
    /// House number in its own column (`street_number`).
    HouseNumber,
    /// Second address line: building, complex, locality (`address_2`).
    AddressLine2,
    /// City, town or suburb.
    City,
    /// State, county or region.
    State,
    /// Postcode or ZIP.
    Postcode,
    /// Date of birth.
    DateOfBirth,
    /// National identifier (social security number and the like).
    NationalId,
    /// A column that is not identity data: kept out of the model.
    Ignore,
    /// Generational suffix in its own column (`Jr`, `Sr`, `III`).
    NameSuffix,
    /// Apartment, suite or unit in its own column (`4B`, `Apt 4B`, `#12`).
    Unit,
    /// Name of an organisation: a company, site, shop or restaurant
    /// (`ACME Inc.`, `Salvation Army - Temple`).
    Organisation,
    /// Year of birth in its own column (`birth_year`, `by`, `dob_year`).
    BirthYear,
    /// Month of birth in its own column (`bm`, `dob_mon`).
    BirthMonth,
    /// Day of birth in its own column (`bd`, `dob_day`).
    BirthDay,
    /// Age in years at the time of the record (with [`FieldKind::EventDate`]
    /// it gives an approximate year of birth).
    Age,
    /// The date the record was made (survey, event, form date): not
    /// compared itself, only the reference date of an age.
    EventDate,
    /// Sex or gender.
    Sex,
    /// Country (of the address or of citizenship).
    Country,
    /// Place (town or country) of birth.
    PlaceOfBirth,
    /// Passport number.
    Passport,
    /// Driver's licence number.
    DriversLicence,
    /// Occupation or job title.
    Occupation,
    /// Whether the record is a person or an organisation
    /// (`PERSON` / `ORGANIZATION` in a record-type column).
    EntityType,
    /// A list of the names of people or organisations the record is
    /// associated with, in one field (co-authors, co-applicants:
    /// `ANNA DE VRIES**PETER BOS`).
    Associates,
    /// A list of codes or categories in one field (patent classes, industry
    /// codes: `A61N**A61B`).
    Classes,
    /// The date of a baptism or christening (parish registers): not
    /// compared itself; a record without a birth date takes its year as an
    /// approximate year of birth (baptism follows birth by days to months,
    /// so the year is within one).
    BaptismDate,
}

impl FieldKind {
    /// Every kind, in the order used in reports.
    pub const ALL: [FieldKind; 35] = [
        FieldKind::RecordId,
        FieldKind::FullName,
        FieldKind::FullAddress,
        FieldKind::GivenName,
        FieldKind::MiddleName,
        FieldKind::Surname,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Street,
        FieldKind::HouseNumber,
        FieldKind::AddressLine2,
        FieldKind::City,
        FieldKind::State,
        FieldKind::Postcode,
        FieldKind::DateOfBirth,
        FieldKind::NationalId,
        FieldKind::Ignore,
        FieldKind::NameSuffix,
        FieldKind::Unit,
        FieldKind::Organisation,
        FieldKind::BirthYear,
        FieldKind::BirthMonth,
        FieldKind::BirthDay,
        FieldKind::Age,
        FieldKind::EventDate,
        FieldKind::Sex,
        FieldKind::Country,
        FieldKind::PlaceOfBirth,
        FieldKind::Passport,
        FieldKind::DriversLicence,
        FieldKind::Occupation,
        FieldKind::EntityType,
        FieldKind::Associates,
        FieldKind::Classes,
        FieldKind::BaptismDate,
    ];

    /// Position in [`FieldKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case name used in settings and reports.
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::RecordId => "record_id",
            FieldKind::FullName => "full_name",
            FieldKind::FullAddress => "full_address",
            FieldKind::GivenName => "given_name",
            FieldKind::MiddleName => "middle_name",
            FieldKind::Surname => "surname",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Street => "street",
            FieldKind::HouseNumber => "house_number",
            FieldKind::AddressLine2 => "address_line2",
            FieldKind::City => "city",
            FieldKind::State => "state",
            FieldKind::Postcode => "postcode",
            FieldKind::DateOfBirth => "date_of_birth",
            FieldKind::NationalId => "national_id",
            FieldKind::Ignore => "ignore",
            FieldKind::NameSuffix => "name_suffix",
            FieldKind::Unit => "unit",
            FieldKind::Organisation => "organisation",
            FieldKind::BirthYear => "birth_year",
            FieldKind::BirthMonth => "birth_month",
            FieldKind::BirthDay => "birth_day",
            FieldKind::Age => "age",
            FieldKind::EventDate => "event_date",
            FieldKind::Sex => "sex",
            FieldKind::Country => "country",
            FieldKind::PlaceOfBirth => "place_of_birth",
            FieldKind::Passport => "passport",
            FieldKind::DriversLicence => "drivers_licence",
            FieldKind::Occupation => "occupation",
            FieldKind::EntityType => "entity_type",
            FieldKind::Associates => "associates",
            FieldKind::Classes => "classes",
            FieldKind::BaptismDate => "baptism_date",
        }
    }
}

/// Whole-header words for each kind that the phrase table of
/// [`crate::infer::header`] does not hold as a phrase (that table is the
/// vocabulary; a header equal to one of its phrases written as one word,
/// `firstname`, `dateofbirth`, names the phrase's kind), or that must win
/// over it (`birthday` is a date of birth, not a birth day). Compared after
/// [`header_key`] (lower case, letters and digits only).
const SYNONYMS: &[(FieldKind, &[&str])] = &[
    (
        FieldKind::RecordId,
        &[
            "id",
            "recid",
            "recordid",
            "customerid",
            "custid",
            "clientid",
            "accountid",
            "uid",
            "userid",
            "key",
        ],
    ),
    (FieldKind::Email, &["mail"]),
    (FieldKind::Phone, &["mobilephone", "homephone"]),
    (
        FieldKind::Street,
        &["address1", "addressline1", "addr1", "line1"],
    ),
    (
        FieldKind::AddressLine2,
        &["address2", "addressline2", "addr2", "line2"],
    ),
    (FieldKind::Postcode, &["postcodezip"]),
    (FieldKind::DateOfBirth, &["birthday"]),
    (FieldKind::NameSuffix, &["generationalsuffix"]),
];

/// A header reduced for lookup: lower case, letters and digits only
/// (`First Name`, `first_name` and `FirstName` all give `firstname`).
pub fn header_key(header: &str) -> String {
    crate::normalize::text::fold(header).replace(' ', "")
}

/// The kind a header names by the synonym table, or `None` when the header
/// is not one of the usual words (such columns are ignored).
///
/// ```
/// use linkage::schema::{kind_from_header, FieldKind};
/// assert_eq!(kind_from_header("FirstName"), Some(FieldKind::GivenName));
/// assert_eq!(kind_from_header("suburb"), Some(FieldKind::City));
/// assert_eq!(kind_from_header("Segment"), None);
/// ```
pub fn kind_from_header(header: &str) -> Option<FieldKind> {
    let key = header_key(header);
    SYNONYMS
        .iter()
        .find(|(_, words)| words.iter().any(|w| w.eq_ignore_ascii_case(&key)))
        .map(|(kind, _)| *kind)
        .or_else(|| crate::infer::header::phrase_as_one_word(&key))
}

/// The index of the id column: the header named `id_column` (compared as
/// written, then by [`header_key`]), or the first column when `None`.
/// `None` when no header has that name.
pub fn id_column_index(headers: &[String], id_column: Option<&str>) -> Option<usize> {
    match id_column {
        Some(name) => {
            let key = header_key(name);
            headers
                .iter()
                .position(|h| h == name || header_key(h) == key)
        }
        None => Some(0),
    }
}

/// One column of an input file and the kind it was mapped to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The header as written in the file.
    pub column: String,
    /// What the column holds.
    pub kind: FieldKind,
    /// How sure the mapping is, 0..=1 (1 for a mapping given by the user).
    #[serde(default = "one")]
    pub confidence: f64,
    /// For date columns: the order of ambiguous slashed dates, decided from
    /// the values (a first part above 12 means day first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<crate::normalize::date::DateOrder>,
    /// Why the mapping was chosen (header word, share of values that fit).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

fn one() -> f64 {
    1.0
}

/// How one input file's columns map to field kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSchema {
    /// The source name (file name without `.csv`).
    pub source: String,
    /// Index of the record id column.
    pub id_column: usize,
    /// Every column in file order.
    pub columns: Vec<ColumnMapping>,
    /// Field delimiter (`,` `;` tab `|`): detected from the first lines
    /// when reading, or set here to override detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// Text encoding (`UTF-8`, `windows-1252`, `UTF-16LE`, any WHATWG
    /// label): detected from the first bytes when reading, or set here to
    /// override detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Whether the first row names the columns: detected when reading (a
    /// first row of emails, phone numbers, dates or ids is data, and the
    /// columns are then named `column1`, `column2`, ...), or set here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<bool>,
}

impl FileSchema {
    /// Maps headers with the synonym table. The id column is `id_column`
    /// when given (a header name), else the first column. Unknown headers
    /// become [`FieldKind::Ignore`]; when two columns map to the same kind,
    /// the first non-blank value of a record is used.
    pub fn from_headers(
        source: &str,
        headers: &[String],
        id_column: Option<&str>,
    ) -> Option<FileSchema> {
        let id_index = id_column_index(headers, id_column)?;
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, h)| ColumnMapping {
                column: h.clone(),
                kind: if i == id_index {
                    FieldKind::RecordId
                } else {
                    match kind_from_header(h) {
                        Some(FieldKind::RecordId) | None => FieldKind::Ignore,
                        Some(k) => k,
                    }
                },
                confidence: 1.0,
                date_order: None,
                reason: "header".into(),
            })
            .collect();
        Some(FileSchema {
            source: source.to_string(),
            id_column: id_index,
            columns,
            delimiter: None,
            encoding: None,
            header: None,
        })
    }

    /// The kinds present in this file (other than id and ignored columns).
    pub fn kinds(&self) -> Vec<FieldKind> {
        let mut k: Vec<FieldKind> = self
            .columns
            .iter()
            .map(|c| c.kind)
            .filter(|k| !matches!(k, FieldKind::RecordId | FieldKind::Ignore))
            .collect();
        k.sort();
        k.dedup();
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_headers() {
        for (h, k) in [
            ("first_name", FieldKind::GivenName),
            ("given_name", FieldKind::GivenName),
            ("FirstName", FieldKind::GivenName),
            ("last_name", FieldKind::Surname),
            ("surname", FieldKind::Surname),
            ("EmailAddress", FieldKind::Email),
            ("mobile", FieldKind::Phone),
            ("tel", FieldKind::Phone),
            ("PhoneNumber", FieldKind::Phone),
            ("street", FieldKind::Street),
            ("address_1", FieldKind::Street),
            ("AddressLine1", FieldKind::Street),
            ("address_2", FieldKind::AddressLine2),
            ("street_number", FieldKind::HouseNumber),
            ("suburb", FieldKind::City),
            ("town", FieldKind::City),
            ("ZipCode", FieldKind::Postcode),
            ("postal", FieldKind::Postcode),
            ("date_of_birth", FieldKind::DateOfBirth),
            ("dob", FieldKind::DateOfBirth),
            ("BirthDate", FieldKind::DateOfBirth),
            ("soc_sec_id", FieldKind::NationalId),
            ("full_name", FieldKind::FullName),
            ("name", FieldKind::FullName),
        ] {
            assert_eq!(kind_from_header(h), Some(k), "{h}");
        }
        for h in ["segment", "store", "amount", "notes", ""] {
            assert_eq!(kind_from_header(h), None, "{h}");
        }
    }

    #[test]
    fn schema_from_headers() {
        let headers: Vec<String> = ["CustomerID", "FirstName", "Segment"]
            .map(String::from)
            .to_vec();
        let s = FileSchema::from_headers("crm", &headers, None).unwrap();
        assert_eq!(s.columns[0].kind, FieldKind::RecordId);
        assert_eq!(s.columns[2].kind, FieldKind::Ignore);
        assert_eq!(s.kinds(), vec![FieldKind::GivenName]);
        let s = FileSchema::from_headers("crm", &headers, Some("FirstName")).unwrap();
        assert_eq!(s.id_column, 1);
        assert!(FileSchema::from_headers("crm", &headers, Some("nope")).is_none());
    }
}
