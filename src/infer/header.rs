//! What a column's header says, read word by word.
//!
//! Headers come as `first_name`, `FirstName`, `PRIMARY_NAME_FIRST`,
//! `mailing_address_zipcode`, `dob_mon`, `fname_c2`, `Geburtsdatum`. They
//! are split into words (separators, camel case, letters against digits),
//! and the kind is the phrase that ends last: the head of an English
//! compound comes last (`mailing address city` is a city, `street name` a
//! street), so a word inside another (`race_ethnicity` holds `city`,
//! `mailing` holds `mail`) decides nothing. Words around the phrase say more:
//!
//! - another party's columns (`spouse_first_name`, `dependent_1_ssn`,
//!   `employer_zipcode`, `Executive Director`) are that party's, never the
//!   row's own person's;
//! - a trailing qualifier (`ADDR_TYPE`, `PHONE_STATUS`, `NAEYC Valid Until`)
//!   or a document's country (`PASSPORT_COUNTRY`) describes a field, it is
//!   no identity value;
//! - a number or `second` marks a second column of one kind (`fname_c2`,
//!   `address_2`, `phone2`).

use crate::normalize::text::fold;
use crate::schema::FieldKind;

/// What a header says about its column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeaderReading {
    /// The kind its words name, if any.
    pub kind: Option<FieldKind>,
    /// True when the kind comes from a generic word alone (`name`, `date`).
    pub generic: bool,
    /// The number that ends the header (`fname_c2`, `address_2`: 2), else 1.
    pub ordinal: u8,
    /// A second or other-script form of a field (`alt_phone`,
    /// `SECONDARY_NAME_ORG`, `NATIVE_NAME_FULL`, `previous_address`).
    pub alternate: bool,
    /// The other party the column belongs to (`spouse`, `employer`).
    pub party: Option<&'static str>,
    /// Why the column is no identity data although it may name a kind
    /// (`describes the address: type`).
    pub not_identity: Option<String>,
}

/// A header split into folded words: `PRIMARY_NAME_FIRST` -> `primary name
/// first`, `dobMonth` -> `dob month`, `fname_c1` -> `fname c 1`.
pub fn header_words(header: &str) -> Vec<String> {
    let chars: Vec<char> = header.chars().collect();
    let mut spaced = String::with_capacity(header.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            let p = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let camel = p.is_lowercase() && c.is_uppercase();
            // `HTTPServer`: a capital that starts a lower-case word.
            let acronym_end = p.is_uppercase() && c.is_uppercase() && next_lower;
            let digit_edge = (p.is_ascii_digit() && c.is_alphabetic())
                || (p.is_alphabetic() && c.is_ascii_digit());
            if camel || acronym_end || digit_edge {
                spaced.push(' ');
            }
        }
        spaced.push(c);
    }
    fold(&spaced)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Phrases that name a kind, as folded words. Longer phrases are tried
/// first at each position, so `street number` beats `street` and `email
/// address` beats `address`.
const PHRASES: &[(FieldKind, &[&str])] = &[
    (
        FieldKind::GivenName,
        &[
            "first name",
            "given name",
            "given names",
            "christian name",
            "first",
            "given",
            "fname",
            "forename",
            "forenames",
            "firstnm",
            "vorname",
            "vornamen",
            "prenom",
            "prenoms",
            "nombre",
            "nome",
            "voornaam",
            "fornamn",
            "fornavn",
            "etunimi",
            "imie",
            "jmeno",
            "keresztnev",
        ],
    ),
    (
        FieldKind::MiddleName,
        &[
            "middle name",
            "middle names",
            "middle initial",
            "middle",
            "mname",
            "mi",
            "minit",
        ],
    ),
    (
        FieldKind::Surname,
        &[
            "last name",
            "family name",
            "maiden name",
            "surname",
            "last",
            "family",
            "lname",
            "lastnm",
            "nachname",
            "familienname",
            "nom de famille",
            "nom",
            "apellido",
            "apellidos",
            "cognome",
            "achternaam",
            "efternamn",
            "efternavn",
            "etternavn",
            "sukunimi",
            "nazwisko",
            "prijmeni",
            "vezeteknev",
            "sobrenome",
            "soyad",
            "soyadi",
        ],
    ),
    (
        FieldKind::Organisation,
        &[
            "company name",
            "company",
            "organisation name",
            "organization name",
            "organisation",
            "organization",
            "org name",
            "org",
            "business name",
            "business",
            "legal name",
            "trading name",
            "firm",
            "firma",
            "firmenname",
            "unternehmen",
            "entreprise",
            "societe",
            "raison sociale",
            "empresa",
            "razon social",
            "azienda",
            "bedrijf",
            "bedrijfsnaam",
            "site name",
            "site",
            "restaurant name",
            "restaurant",
            "shop name",
            "store name",
            "merchant name",
            "merchant",
            "vendor name",
            "vendor",
            "supplier name",
            "supplier",
            "institution",
            "school name",
            "hotel name",
            "account name",
            "applicant",
        ],
    ),
    (
        FieldKind::FullAddress,
        &[
            "full address",
            "address full",
            "addr full",
            "complete address",
            "one line address",
            "postal address full",
        ],
    ),
    (
        FieldKind::FullName,
        &[
            "full name",
            "name full",
            "fullname",
            "customer name",
            "client name",
            "person name",
            "contact name",
            "patient name",
            "member name",
            "account holder",
            "holder",
            "display name",
            "nombre completo",
            "name",
            "navn",
            "namn",
            "nimi",
        ],
    ),
    (
        FieldKind::Email,
        &[
            "email address",
            "email addr",
            "mail addr",
            "e mail address",
            "email",
            "e mail",
            "mail address",
            "emailaddress",
            "courriel",
            "correo",
            "epost",
            "emailadresse",
        ],
    ),
    (
        FieldKind::Phone,
        &[
            "phone number",
            "telephone number",
            "contact number",
            "mobile number",
            "phone",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "cellphone",
            "fax",
            "telefon",
            "telefono",
            "telefoon",
            "handy",
            "phoneno",
        ],
    ),
    (
        FieldKind::HouseNumber,
        &[
            "street number",
            "house number",
            "house no",
            "street no",
            "building number",
            "hausnummer",
            "huisnummer",
            "houseno",
            "streetno",
        ],
    ),
    (
        FieldKind::Unit,
        &[
            "unit number",
            "apartment number",
            "apt number",
            "apt no",
            "unit no",
            "apt",
            "apartment",
            "unit",
            "suite",
            "flat",
            "wohnung",
        ],
    ),
    (FieldKind::Street, &["po box", "pobox", "postbox"]),
    (
        FieldKind::Street,
        &[
            "street address",
            "address line",
            "addr line",
            "street name",
            "street",
            "address",
            "addr",
            "strasse",
            "calle",
            "adresse",
            "anschrift",
            "indirizzo",
            "direccion",
            "endereco",
            "rue",
            "straat",
            "gata",
        ],
    ),
    (
        FieldKind::Postcode,
        &[
            "post code",
            "postal code",
            "zip code",
            "code postal",
            "codigo postal",
            "pin code",
            "postcode",
            "zipcode",
            "postalcode",
            "zip",
            "postal",
            "plz",
            "postleitzahl",
            "cp",
            "cap",
            "postnummer",
            "eircode",
        ],
    ),
    (
        FieldKind::PlaceOfBirth,
        &[
            "place of birth",
            "birth place",
            "city of birth",
            "country of birth",
            "town of birth",
            "birthplace",
            "birth town",
            "birth city",
            "born in",
            "born at",
            "place born",
            "native of",
            "pob",
            "geburtsort",
            "geboorteplaats",
            "fodested",
            "fodelseort",
            "lieu de naissance",
            "lieu naissance",
            "lugar de nacimiento",
            "luogo di nascita",
        ],
    ),
    (
        FieldKind::BirthYear,
        &[
            "year of birth",
            "birth year",
            "dob year",
            "dob yyyy",
            "birthyear",
            "yob",
            "byear",
            "geburtsjahr",
            "annee de naissance",
        ],
    ),
    (
        FieldKind::BirthMonth,
        &[
            "month of birth",
            "birth month",
            "dob month",
            "dob mon",
            "dob mm",
            "birthmonth",
            "bmonth",
            "geburtsmonat",
        ],
    ),
    (
        FieldKind::BirthDay,
        &[
            "day of birth",
            "birth day",
            "dob day",
            "dob dd",
            "bday of month",
            "geburtstag des monats",
        ],
    ),
    (
        FieldKind::DateOfBirth,
        &[
            "date of birth",
            "birth date",
            "birthdate",
            "birthday",
            "dob",
            "born",
            "birth",
            "bday",
            "geburtsdatum",
            "geburtstag",
            "date de naissance",
            "fecha de nacimiento",
            "data di nascita",
            "geboortedatum",
        ],
    ),
    (FieldKind::Age, &["age", "edad", "alter", "eta"]),
    (
        FieldKind::BaptismDate,
        &[
            "baptism",
            "baptism date",
            "date of baptism",
            "baptised",
            "baptized",
            "bapt",
            "christening",
            "christening date",
            "date of christening",
            "christened",
            "chr",
            "taufe",
            "taufdatum",
            "getauft",
            "bapteme",
            "doop",
            "gedoopt",
            "bautismo",
            "battesimo",
        ],
    ),
    (
        FieldKind::EventDate,
        &[
            "survey date",
            "event date",
            "interview date",
            "visit date",
            "form date",
            "record date",
            "census date",
            "registration date",
            "death",
            "death date",
            "date of death",
            "died",
            "dod",
            "deceased",
            "burial",
            "burial date",
            "date of burial",
            "buried",
            "marriage",
            "marriage date",
            "date of marriage",
            "wedding",
            "todesdatum",
            "sterbedatum",
            "gestorben",
            "begraben",
            "heirat",
            "heiratsdatum",
            "deces",
            "date de deces",
            "mariage",
            "overlijden",
            "date",
        ],
    ),
    (
        FieldKind::Sex,
        &["sex", "gender", "geschlecht", "sexe", "sexo", "genero"],
    ),
    (
        FieldKind::NationalId,
        &[
            "social security number",
            "social security",
            "soc sec id",
            "soc sec",
            "national id",
            "national insurance number",
            "national identity number",
            "tax id",
            "tax number",
            "ssn",
            "socsecid",
            "nationalid",
            "nino",
            "sin",
            "tin",
            "nif",
            "dni",
            "bsn",
            "personnummer",
            "pesel",
            "cpf",
            "curp",
            "steuernummer",
        ],
    ),
    (
        FieldKind::Passport,
        &[
            "passport number",
            "passport",
            "reisepass",
            "passeport",
            "pasaporte",
        ],
    ),
    (
        FieldKind::DriversLicence,
        &[
            "drivers license",
            "driver license",
            "drivers licence",
            "driver licence",
            "driving licence",
            "driving license",
            "licence number",
            "license number",
            "dl number",
            "dl",
            "fuhrerschein",
            "permis de conduire",
        ],
    ),
    (
        FieldKind::Occupation,
        &[
            "job title",
            "occupation",
            "profession",
            "job",
            "beruf",
            "metier",
            "profesion",
        ],
    ),
    (
        FieldKind::EntityType,
        &[
            "record type",
            "entity type",
            "party type",
            "customer type",
            "account type",
        ],
    ),
    (
        FieldKind::City,
        &[
            "city",
            "town",
            "suburb",
            "locality",
            "municipality",
            "ort",
            "stadt",
            "ville",
            "ciudad",
            "citta",
            "plaats",
            "woonplaats",
            "gemeinde",
            "commune",
        ],
    ),
    (
        FieldKind::State,
        &[
            "state province",
            "state",
            "province",
            "region",
            "county",
            "bundesland",
            "provincia",
        ],
    ),
    (
        FieldKind::Country,
        &[
            "country code",
            "country",
            "nation",
            "nationality",
            "citizenship",
            "land",
            "pays",
            "pais",
            "paese",
        ],
    ),
    (
        FieldKind::Associates,
        &[
            "coauthor",
            "coauthors",
            "co author",
            "co authors",
            "coinventors",
            "co inventors",
            "inventors",
            "authors",
            "associates",
            "co applicants",
            "coapplicants",
        ],
    ),
    (
        FieldKind::Classes,
        &[
            "class",
            "classes",
            "ipc",
            "ipc classes",
            "cpc",
            "sic codes",
            "naics codes",
            "industry codes",
        ],
    ),
    (
        FieldKind::NameSuffix,
        &["name suffix", "suffix", "generation", "jr sr"],
    ),
];

/// Words that make a column another party's: the people and organisations
/// a record mentions besides its own subject.
const PARTY_WORDS: &[&str] = &[
    "spouse",
    "partner",
    "husband",
    "wife",
    "dependent",
    "dependant",
    "child",
    "children",
    "kid",
    "mother",
    "father",
    "parent",
    "guardian",
    "employer",
    "emergency",
    "beneficiary",
    "agent",
    "broker",
    "referrer",
    "director",
    "manager",
    "supervisor",
    "sibling",
    "relative",
    "kin",
    "witness",
    "coapplicant",
    "cosigner",
    "guarantor",
    "ehepartner",
    "conjoint",
    "conyuge",
];

/// Words after a field's phrase that make the column a description of the
/// field rather than the field (`ADDR_TYPE`, `email_verified`).
const QUALIFIERS: &[&str] = &[
    "type",
    "types",
    "status",
    "kind",
    "flag",
    "verified",
    "valid",
    "until",
    "since",
    "source",
    "count",
    "category",
    "role",
    "issuer",
    "issued",
    "expiry",
    "expires",
    "expiration",
    "confidence",
    "quality",
    "format",
    "updated",
    "changed",
    "consent",
    "optin",
    "preference",
    "usage",
    "description",
];

/// Words that make a generic header (`name`, `date`, `number`) no identity
/// data (`Program Name`, `order_date`, `product name`): the header's own
/// subject is something other than a customer.
const NON_IDENTITY_SUBJECTS: &[&str] = &[
    "program",
    "programme",
    "product",
    "item",
    "order",
    "event",
    "file",
    "plan",
    "course",
    "campaign",
    "project",
    "service",
    "package",
    "brand",
    "model",
    "class",
    "group",
    "team",
    "list",
    "tax",
    "purchase",
    "transaction",
    "invoice",
    "payment",
    "visit",
    "modified",
    "created",
    "start",
    "end",
    "due",
];

fn words_match(words: &[String], end: usize, phrase: &[&str]) -> bool {
    phrase.len() <= end + 1
        && phrase
            .iter()
            .zip(&words[end + 1 - phrase.len()..=end])
            .all(|(p, w)| p == w)
}

/// One phrase of [`PHRASES`], split into its words, with its kind and the
/// phrase written as one word (`date of birth` -> `dateofbirth`).
struct Phrase {
    kind: FieldKind,
    text: &'static str,
    words: Vec<&'static str>,
    joined: String,
}

/// [`PHRASES`] split once (header reading runs per column of every file).
fn phrases() -> &'static [Phrase] {
    static SPLIT: std::sync::OnceLock<Vec<Phrase>> = std::sync::OnceLock::new();
    SPLIT.get_or_init(|| {
        PHRASES
            .iter()
            .flat_map(|(kind, phrases)| {
                phrases.iter().map(|p| Phrase {
                    kind: *kind,
                    text: p,
                    words: p.split(' ').collect(),
                    joined: p.replace(' ', ""),
                })
            })
            .collect()
    })
}

/// The phrase ending at `end` (longest first), with its kind and length.
fn phrase_at(words: &[String], end: usize) -> Option<(FieldKind, usize, &'static str)> {
    let mut best: Option<(FieldKind, usize, &'static str)> = None;
    for p in phrases() {
        let n = p.words.len();
        if words_match(words, end, &p.words) && best.is_none_or(|(_, m, _)| n > m) {
            best = Some((p.kind, n, p.text));
        }
    }
    best
}

/// The kind of the phrase that, written as one word, is `key`
/// (`firstname`, `dateofbirth`, `zipcode`); the first such phrase in the
/// table.
pub(crate) fn phrase_as_one_word(key: &str) -> Option<FieldKind> {
    phrases().iter().find(|p| p.joined == key).map(|p| p.kind)
}

/// A word that only numbers its column (`1`, `c1`'s `c`, `no`).
fn is_numbering(w: &str) -> bool {
    w.bytes().all(|b| b.is_ascii_digit()) || (w.len() == 1 && w != "x")
}

/// Reads a header. `words` (from [`header_words`]) are looked at from the
/// end: trailing numbers give the ordinal, then the last phrase that names
/// a kind decides.
pub fn read_header(header: &str) -> HeaderReading {
    let mut words = header_words(header);
    let mut out = HeaderReading {
        ordinal: 1,
        ..HeaderReading::default()
    };
    out.party = words.iter().find_map(|w| {
        PARTY_WORDS
            .iter()
            .find(|p| *p == w || (p.len() >= 6 && w.starts_with(*p)))
            .copied()
    });
    // Trailing numbering: `fname_c2`, `address_2`, `phone2`.
    while words.len() > 1 && words.last().is_some_and(|w| is_numbering(w)) {
        let w = words.pop().unwrap_or_default();
        if let Ok(n) = w.parse::<u8>() {
            out.ordinal = n.max(1);
        }
    }
    out.alternate = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "second"
                | "secondary"
                | "alt"
                | "alternate"
                | "alternative"
                | "other"
                | "native"
                | "alias"
                | "aka"
                | "former"
                | "previous"
                | "prior"
                | "old"
                | "maiden"
        )
    });
    // The last phrase that names a kind.
    let found = (0..words.len())
        .rev()
        .find_map(|end| phrase_at(&words, end).map(|(k, n, p)| (k, n, p, end)));
    let Some((kind, len, phrase, end)) = found else {
        return out;
    };
    out.kind = Some(kind);
    out.generic = matches!(phrase, "name" | "date" | "navn" | "namn" | "nimi");
    let before = &words[..end + 1 - len];
    let after = &words[end + 1..];
    if let Some(q) = after.iter().find(|w| QUALIFIERS.contains(&w.as_str())) {
        out.not_identity = Some(format!("describes the {}: '{q}'", kind.name()));
    } else if matches!(
        kind,
        FieldKind::Country | FieldKind::State | FieldKind::EventDate | FieldKind::BaptismDate
    ) && before.iter().enumerate().any(|(i, _)| {
        phrase_at(&words, i).is_some_and(|(k, _, _)| {
            matches!(
                k,
                FieldKind::Passport | FieldKind::DriversLicence | FieldKind::NationalId
            )
        })
    }) {
        out.not_identity = Some(format!(
            "the {} of a document, not of the person",
            kind.name()
        ));
    } else if out.generic {
        if let Some(s) = before
            .iter()
            .find(|w| NON_IDENTITY_SUBJECTS.contains(&w.as_str()))
        {
            out.not_identity = Some(format!("the {phrase} of a {s}, not of a customer"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(h: &str) -> Option<FieldKind> {
        let r = read_header(h);
        r.kind
            .filter(|_| r.party.is_none() && r.not_identity.is_none())
    }

    #[test]
    fn words_of_headers_in_any_style() {
        assert_eq!(
            header_words("PRIMARY_NAME_FIRST"),
            ["primary", "name", "first"]
        );
        assert_eq!(header_words("dobMonth"), ["dob", "month"]);
        assert_eq!(header_words("fname_c1"), ["fname", "c", "1"]);
        assert_eq!(header_words("HTTPServer"), ["http", "server"]);
        assert_eq!(header_words("Straße"), ["strasse"]);
        assert_eq!(header_words(""), Vec::<String>::new());
    }

    #[test]
    fn the_phrase_that_ends_last_decides() {
        use FieldKind::*;
        for (h, k) in [
            ("mailing_address_city", City),
            ("mailing_address_street_name", Street),
            ("mailing_address_zipcode", Postcode),
            ("mailing_address_street_number", HouseNumber),
            ("PRIMARY_NAME_LAST", Surname),
            ("PRIMARY_NAME_FIRST", GivenName),
            ("PRIMARY_NAME_MIDDLE", MiddleName),
            ("PRIMARY_NAME_ORG", Organisation),
            ("ADDR_POSTAL_CODE", Postcode),
            ("ADDR_CITY", City),
            ("EmailAddress", Email),
            ("email_address", Email),
            ("PASSPORT_NUMBER", Passport),
            ("DRIVERS_LICENSE_NUMBER", DriversLicence),
            ("SSN_NUMBER", NationalId),
            ("Site name", Organisation),
            ("Vorname", GivenName),
            ("nazwisko", Surname),
            ("imie", GivenName),
            ("prenom", GivenName),
            ("forename", GivenName),
            ("dob_year", BirthYear),
            ("dob_mon", BirthMonth),
            ("dob_day", BirthDay),
            ("year_of_birth", BirthYear),
            ("place_of_birth", PlaceOfBirth),
            ("sex", Sex),
            ("GENDER", Sex),
            ("survey_date", EventDate),
            ("death_date", EventDate),
            ("Date of Death", EventDate),
            ("died", EventDate),
            ("burial", EventDate),
            ("BURIED", EventDate),
            ("marriage_date", EventDate),
            ("record date", EventDate),
            ("baptism", BaptismDate),
            ("christening_date", BaptismDate),
            ("Taufdatum", BaptismDate),
            ("birth_place", PlaceOfBirth),
            ("born_in", PlaceOfBirth),
            ("birthplace", PlaceOfBirth),
            ("Geburtsort", PlaceOfBirth),
            ("lieu_de_naissance", PlaceOfBirth),
            ("born", DateOfBirth),
            ("birth_date", DateOfBirth),
            ("RECORD_TYPE", EntityType),
            ("unit_number", Unit),
            ("Job Title", Occupation),
        ] {
            assert_eq!(kind(h), Some(k), "{h}");
        }
    }

    #[test]
    fn words_inside_words_decide_nothing() {
        // `race_ethnicity` holds `city`, `mailing` holds `mail`.
        assert_eq!(read_header("race_ethnicity").kind, None);
        assert_ne!(kind("mailing_address_state"), Some(FieldKind::Email));
        assert_eq!(read_header("housing_type").kind, None);
    }

    #[test]
    fn other_parties_and_descriptions() {
        for (h, p) in [
            ("spouse_first_name", "spouse"),
            ("dependent_1_ssn", "dependent"),
            ("employer_zipcode", "employer"),
            ("Executive Director", "director"),
        ] {
            assert_eq!(read_header(h).party, Some(p), "{h}");
        }
        assert_eq!(read_header("first_name").party, None);
        for h in [
            "ADDR_TYPE",
            "PHONE_TYPE",
            "PASSPORT_COUNTRY",
            "DRIVERS_LICENSE_STATE",
            "NATIONAL_ID_TYPE",
            "Program Name",
            "order_date",
            "tax_year_date",
        ] {
            assert!(read_header(h).not_identity.is_some(), "{h}");
        }
        // A country or state of the address is identity data.
        assert_eq!(kind("ADDR_COUNTRY"), Some(FieldKind::Country));
        assert_eq!(kind("ADDR_STATE"), Some(FieldKind::State));
    }

    #[test]
    fn second_columns_of_a_kind() {
        let r = read_header("fname_c2");
        assert_eq!((r.kind, r.ordinal), (Some(FieldKind::GivenName), 2));
        assert_eq!(read_header("fname_c1").ordinal, 1);
        assert_eq!(read_header("address_2").ordinal, 2);
        assert!(read_header("alt_phone").alternate);
        assert!(read_header("SECONDARY_NAME_ORG").alternate);
        assert!(read_header("NATIVE_NAME_FULL").alternate);
        assert!(!read_header("PRIMARY_NAME_FULL").alternate);
        assert_eq!(kind("PRIMARY_NAME_FULL"), Some(FieldKind::FullName));
        assert_eq!(kind("ADDR_FULL"), Some(FieldKind::FullAddress));
        assert_eq!(kind("ADDR_LINE1"), Some(FieldKind::Street));
        assert_eq!(read_header("pername1").kind, None);
    }
}
