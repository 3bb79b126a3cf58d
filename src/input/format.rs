//! How an export is written, worked out from its first bytes: the text
//! encoding (UTF-8, a UTF-16 byte-order mark, else Windows-1252, the usual
//! encoding of older Windows and Excel exports) and the field delimiter
//! (`,` `;` tab or `|`, whichever splits the first lines into the same
//! number of fields).

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// The delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The encoding of a file that starts with `head`: UTF-16 when it opens
/// with that byte-order mark, UTF-8 when `head` is valid UTF-8 (a character
/// cut at the end of `head` is allowed), else Windows-1252 (every byte is a
/// character there, so reading cannot fail).
pub fn detect_encoding(head: &[u8]) -> &'static Encoding {
    match head {
        [0xFF, 0xFE, ..] => UTF_16LE,
        [0xFE, 0xFF, ..] => UTF_16BE,
        _ => match std::str::from_utf8(head) {
            Ok(_) => UTF_8,
            // Only an incomplete character at the very end: still UTF-8.
            Err(e) if e.error_len().is_none() => UTF_8,
            Err(_) => WINDOWS_1252,
        },
    }
}

/// The encoding named `label` (`utf-8`, `windows-1252`, `latin1`, ...), as
/// the WHATWG Encoding Standard names them.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

/// True when a first row holds values rather than column names: at least
/// two cells (or most of them) are emails, dates or numbers of four digits
/// or more (phones, ids, postcodes), which headers never are.
pub fn looks_like_data(first_row: &[String]) -> bool {
    let valued = |c: &str| {
        let c = c.trim();
        let digits = c.bytes().filter(u8::is_ascii_digit).count();
        (c.contains('@') && c.contains('.')) || digits >= 4
    };
    let filled = first_row.iter().filter(|c| !c.trim().is_empty()).count();
    let data = first_row.iter().filter(|c| valued(c)).count();
    data >= 2 || filled > 0 && data * 2 > filled
}

/// True when the first row holds values rather than column names, judged
/// against the rows after it. Column names are known header words
/// (`first_name`, `Vorname`, `PRIMARY_NAME_LAST`) and unlike their column's
/// values: a column of numbers, dates, emails or phones whose first cell is
/// one too is data there, one whose first cell is a word (`by` over years)
/// is headed. [`looks_like_data`] decides first; then known header words
/// in a third of the cells decide for a header; else the typed columns vote.
pub fn first_row_is_data(first: &[String], rows: &[&csv::StringRecord]) -> bool {
    use crate::infer::detect::{is_date, is_email, is_phone};
    let filled = first.iter().filter(|c| !c.trim().is_empty()).count();
    let known = first
        .iter()
        .filter(|c| {
            // A cell that is a value (`ann@x.org`, `1980-05-06`) is no name.
            let digits = c.bytes().filter(u8::is_ascii_digit).count();
            !c.trim().is_empty()
                && !c.contains('@')
                && digits < 4
                && crate::infer::header_hint(c).is_some()
        })
        .count();
    if looks_like_data(first) {
        return true;
    }
    if known > 0 && known * 3 >= filled {
        return false;
    }
    let number = |v: &str| {
        let t = v.trim();
        !t.is_empty()
            && t.chars().any(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || ".,-+ ".contains(c))
    };
    let tests: [&dyn Fn(&str) -> bool; 4] =
        [&number, &|v| is_date(v), &|v| is_email(v), &|v| is_phone(v)];
    let (mut data, mut named) = (0usize, 0usize);
    for (i, cell) in first.iter().enumerate() {
        let values: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .take(200)
            .collect();
        if values.len() < 5 || cell.trim().is_empty() {
            continue;
        }
        let typed = tests
            .iter()
            .find(|t| values.iter().filter(|v| t(v)).count() * 10 >= values.len() * 9);
        if let Some(t) = typed {
            if t(cell.trim()) {
                data += 1;
            } else {
                named += 1;
            }
        }
    }
    data > named
}

/// Counts each delimiter outside double quotes in one line.
fn counts(line: &str) -> [usize; DELIMITERS.len()] {
    let mut out = [0; DELIMITERS.len()];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                out[i] += 1;
            }
        }
    }
    out
}

/// The delimiter of a file whose text starts with `head`: the one that
/// appears in the header line and splits the following whole lines (up to
/// 50) into as many fields as the header, most often; the most frequent in
/// the header when no line follows; `,` when none appears at all.
pub fn sniff_delimiter(head: &str) -> u8 {
    let head = head.trim_start_matches('\u{feff}');
    // Whole lines only: the last one may be cut short.
    let whole = match head.rfind('\n') {
        Some(end) => &head[..end],
        None => head,
    };
    let mut lines = whole.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return b',';
    };
    let first = counts(header);
    let rest: Vec<[usize; DELIMITERS.len()]> = lines.take(50).map(counts).collect();
    let score = |i: usize| -> (usize, usize) {
        if first[i] == 0 {
            return (0, 0);
        }
        let agree = rest.iter().filter(|c| c[i] == first[i]).count();
        (agree, first[i])
    };
    (0..DELIMITERS.len())
        .filter(|&i| first[i] > 0)
        // Most lines agreeing with the header, then most fields; on a tie
        // the earlier delimiter in DELIMITERS.
        .max_by(|&a, &b| score(a).cmp(&score(b)).then(b.cmp(&a)))
        .map_or(b',', |i| DELIMITERS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_of_real_exports() {
        assert_eq!(sniff_delimiter("id,name,city\n1,Ann,Berlin\n"), b',');
        // German Excel: semicolons, with commas inside quoted values.
        let de =
            "Kundennummer;Name;Anschrift\nA1;\"Müller, Anna\";\"Hauptstraße 12, 10115 Berlin\"\n";
        assert_eq!(sniff_delimiter(de), b';');
        assert_eq!(
            sniff_delimiter("id\tfull name\tdob\nT1\tMary Smith\tJune 12, 1939\n"),
            b'\t'
        );
        assert_eq!(sniff_delimiter("id|name\n1|Ann\n"), b'|');
        // Commas inside unquoted values of a semicolon file do not win.
        let mixed = "id;name;note\n1;Ann;a, b, c\n2;Bob;x\n3;Cy;y\n";
        assert_eq!(sniff_delimiter(mixed), b';');
        // A header alone, one column, nothing: comma.
        assert_eq!(sniff_delimiter("id;name"), b';');
        assert_eq!(sniff_delimiter("id"), b',');
        assert_eq!(sniff_delimiter(""), b',');
        // A byte-order mark and a cut last line do not matter.
        assert_eq!(sniff_delimiter("\u{feff}a\tb\n1\t2\n3\t"), b'\t');
    }

    #[test]
    fn first_rows_of_data_and_of_names() {
        let row = |cells: &[&str]| -> Vec<String> { cells.iter().map(|c| c.to_string()).collect() };
        assert!(looks_like_data(&row(&[
            "R0000002",
            "SANDRA NGUYEN",
            "18329753687",
            "90188"
        ])));
        assert!(looks_like_data(&row(&["17", "ann@x.org", "1980-05-06"])));
        for h in [
            &["id", "name", "phone", "zip5"][..],
            &["CustomerID", "FirstName", "Address Line 2", "Phone 1"],
            &["rec_id", "given_name", "address_1", "soc_sec_id"],
        ] {
            assert!(!looks_like_data(&row(h)), "{h:?}");
        }
    }

    #[test]
    fn encodings_from_the_first_bytes() {
        assert_eq!(detect_encoding("Müller".as_bytes()), UTF_8);
        assert_eq!(detect_encoding(b"id,name\n1,Ren\xe9e\n"), WINDOWS_1252);
        assert_eq!(detect_encoding(b"\xff\xfei\x00d\x00"), UTF_16LE);
        assert_eq!(detect_encoding(b"\xfe\xff\x00i\x00d"), UTF_16BE);
        // "é" cut in half at the end of the sample is still UTF-8.
        assert_eq!(detect_encoding(b"id,name\n1,Ren\xc3"), UTF_8);
        assert_eq!(detect_encoding(b""), UTF_8);
        assert_eq!(encoding_for_label("latin1"), Some(WINDOWS_1252));
        assert_eq!(encoding_for_label("UTF-8"), Some(UTF_8));
        assert_eq!(encoding_for_label("klingon"), None);
    }
}

#[cfg(test)]
mod header_row_tests {
    use super::first_row_is_data;

    fn check(first: &[&str], rows: &[&[&str]]) -> bool {
        let first: Vec<String> = first.iter().map(|c| c.to_string()).collect();
        let rows: Vec<csv::StringRecord> = rows
            .iter()
            .map(|r| csv::StringRecord::from(r.to_vec()))
            .collect();
        let refs: Vec<&csv::StringRecord> = rows.iter().collect();
        first_row_is_data(&first, &refs)
    }

    #[test]
    fn a_first_row_like_the_rows_after_it_is_data() {
        let rows: Vec<[&str; 5]> = (0..8)
            .map(|i| {
                [
                    ["2", "3", "4", "5", "6", "7", "8", "9"][i],
                    "MARTIN",
                    "SCHWARZ",
                    "1967",
                    "9",
                ]
            })
            .collect();
        let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
        // One four-digit number only (`1967`), but every typed column agrees.
        assert!(check(&["1", "FRANK", "MUELLER", "1967", "9"], &rows));
        // Known header words: a header.
        assert!(!check(&["id", "fname_c1", "lname_c1", "by", "bm"], &rows));
        // Unknown words over numbers: a header too (`c1` is no number).
        assert!(!check(&["c1", "c2", "c3", "c4", "c5"], &rows));
        // A value cell (`ann@x.org`) never counts as a header word.
        assert!(check(&["R1", "ann@x.org", "1980-05-06"], &[]));
    }
}
