//! Data-driven normalizer tests: each file in `tests/data/` lists inputs and
//! the expected normalized parts; one harness per file runs every row.

use std::path::Path;

use linkage::normalize::address::parse_street;
use linkage::normalize::date::{date_from_parts, parse_date, parse_partial_date, DateOrder};
use linkage::normalize::email::normalize_email;
use linkage::normalize::name::parse_full_name;
use linkage::normalize::phone::{normalize_phone, PhoneRules};

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let mut rdr = csv::Reader::from_path(&path).expect("test data file");
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.expect("valid row").iter().map(str::to_string).collect())
        .collect();
    assert!(!rows.is_empty(), "{file} has no cases");
    rows
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[test]
fn phones() {
    for r in rows("phones.csv") {
        let rules = PhoneRules {
            default_country: r[1].parse().unwrap(),
        };
        let got = normalize_phone(&r[0], &rules);
        match opt(&r[3]) {
            None => assert_eq!(got, None, "{:?}", r[0]),
            Some(national) => {
                let p = got.unwrap_or_else(|| panic!("{:?} rejected", r[0]));
                assert_eq!(p.national, national, "{:?}", r[0]);
                assert_eq!(p.country.to_string(), r[2], "{:?}", r[0]);
                assert_eq!(p.extension.as_deref(), opt(&r[4]), "{:?}", r[0]);
            }
        }
    }
}

#[test]
fn emails() {
    for r in rows("emails.csv") {
        let got = normalize_email(&r[0]);
        match opt(&r[1]) {
            None => assert_eq!(got, None, "{:?}", r[0]),
            Some(full) => {
                let e = got.unwrap_or_else(|| panic!("{:?} rejected", r[0]));
                assert_eq!(
                    (e.full.as_str(), e.local.as_str(), e.domain.as_str()),
                    (full, r[2].as_str(), r[3].as_str()),
                    "{:?}",
                    r[0]
                );
            }
        }
    }
}

#[test]
fn dates() {
    for r in rows("dates.csv") {
        let order = if r[1] == "day_first" {
            DateOrder::DayFirst
        } else {
            DateOrder::MonthFirst
        };
        let got = parse_partial_date(&r[0], order).map(|d| d.to_string());
        // Full dates read the same with the strict reader.
        if got.as_deref().is_some_and(|g| g.len() == 10) {
            assert_eq!(
                parse_date(&r[0], order).map(|d| d.to_string()),
                got,
                "{:?}",
                r[0]
            );
        }
        assert_eq!(got.as_deref(), opt(&r[2]), "{:?}", r[0]);
    }
}

#[test]
fn dates_from_parts() {
    for r in rows("date_parts.csv") {
        let got = date_from_parts(opt(&r[0]), opt(&r[1]), opt(&r[2]));
        let text = got.date.map(|d| d.to_string());
        assert_eq!(text.as_deref(), opt(&r[3]), "{r:?}");
        assert_eq!(got.invalid, r[4] == "true", "{r:?}");
    }
}

#[test]
fn streets() {
    for r in rows("streets.csv") {
        let s = parse_street(&r[0]);
        assert_eq!(s.house_number.as_deref(), opt(&r[1]), "{:?}", r[0]);
        assert_eq!(s.street.as_deref(), opt(&r[2]), "{:?}", r[0]);
        assert_eq!(s.street_name.as_deref(), opt(&r[3]), "{:?}", r[0]);
        assert_eq!(s.unit.as_deref(), opt(&r[4]), "{:?}", r[0]);
    }
}

#[test]
fn full_names() {
    for r in rows("names.csv") {
        let n = parse_full_name(&r[0]);
        assert_eq!(n.honorific.as_deref(), opt(&r[1]), "{:?}", r[0]);
        assert_eq!(n.given.as_deref(), opt(&r[2]), "{:?}", r[0]);
        assert_eq!(n.middle.as_deref(), opt(&r[3]), "{:?}", r[0]);
        assert_eq!(n.surname.as_deref(), opt(&r[4]), "{:?}", r[0]);
        assert_eq!(n.suffix.as_deref(), opt(&r[5]), "{:?}", r[0]);
        assert_eq!(n.maiden.as_deref(), opt(&r[6]), "{:?} maiden", r[0]);
        assert_eq!(n.alias.as_deref(), opt(&r[7]), "{:?} alias", r[0]);
    }
}

/// Column inference: a header and sample values (`|`-separated) give the
/// expected kind; each row says why in its note.
#[test]
fn inferred_columns() {
    for r in rows("inference.csv") {
        let values: Vec<&str> = r[1].split('|').collect();
        let m = linkage::infer::infer_column(&r[0], &values, values.len());
        assert_eq!(m.kind.name(), r[2], "{:?} ({}): {}", r[0], r[3], m.reason);
    }
}
