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
