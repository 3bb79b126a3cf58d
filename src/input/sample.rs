//! Rows from across a whole file for inference, read at evenly spaced byte
//! offsets, so that a column the first rows leave blank (a file that
//! concatenates several systems' exports, the later ones filling more
//! columns) is judged by the values it holds further down.
//!
//! The file is read again through a second handle: [`SEGMENTS`] short reads
//! at fixed fractions of its length, each resynchronised to the start of a
//! line and parsed as CSV. A segment is kept only when all its rows have the
//! header's number of fields (a start inside a quoted field that holds line
//! breaks shows as rows of the wrong length; the next line start is then
//! tried). The offsets depend on the file's length alone, so the sample is
//! the same on every run. Only UTF-8 and single-byte encodings (Windows-1252)
//! are sampled this way: in UTF-16 a newline byte is no line start.

use std::io::{Read, Seek, SeekFrom};

use encoding_rs::Encoding;

/// Number of evenly spaced places a file is sampled at (the first is the
/// file's start, read by the caller as its first rows).
pub const SEGMENTS: usize = 100;

/// Rows read at each place: [`SEGMENTS`] times this is
/// [`crate::infer::SAMPLE_ROWS`].
pub const ROWS_PER_SEGMENT: usize = crate::infer::SAMPLE_ROWS / SEGMENTS;

/// The most cells (rows times fields) of a file's sample: a file of
/// 10,000 columns is judged by 100 rows, not 1,000 (10 million strings
/// took most of a gigabyte).
pub const SAMPLE_CELLS: usize = 1_000_000;

/// Rows sampled from a file of `fields` columns: [`crate::infer::SAMPLE_ROWS`],
/// fewer for files wider than [`SAMPLE_CELLS`] allows (never fewer than two
/// places' worth).
pub fn sample_rows(fields: usize) -> usize {
    (SAMPLE_CELLS / fields.max(1)).clamp(2 * ROWS_PER_SEGMENT, crate::infer::SAMPLE_ROWS)
}

/// Bytes read first at each place; more (doubling, up to [`MAX_READ`]) when
/// they hold fewer than [`ROWS_PER_SEGMENT`] whole rows.
const FIRST_READ: usize = 8 * 1024;

/// The most bytes read at one place.
const MAX_READ: usize = 256 * 1024;

/// Line starts tried at one place before it is given up.
const RESYNC_TRIES: usize = 4;

/// How the file is written, as detected from its start.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Its text encoding.
    pub encoding: &'static Encoding,
    /// Its field delimiter.
    pub delimiter: u8,
    /// The header's number of fields.
    pub fields: usize,
}

/// Whether files in `encoding` can be sampled at byte offsets: a newline
/// byte is a line break in UTF-8 and in single-byte encodings only.
pub fn can_sample(encoding: &'static Encoding) -> bool {
    encoding == encoding_rs::UTF_8 || encoding.is_single_byte()
}

/// Up to `ROWS_PER_SEGMENT` rows at each of the places 1..[`SEGMENTS`]
/// (fractions `i / SEGMENTS` of the file's length), in file order, as
/// fields. Places that cannot be read or do not resynchronise give no rows;
/// an unreadable file or an encoding [`can_sample`] refuses gives none at
/// all (the caller then keeps its first rows).
pub fn spread_rows<R: Read + Seek>(mut file: R, layout: &Layout) -> Vec<Vec<String>> {
    if !can_sample(layout.encoding) || layout.fields == 0 {
        return Vec::new();
    }
    let Ok(len) = file.seek(SeekFrom::End(0)) else {
        return Vec::new();
    };
    // A wide file is sampled at fewer places, the sample's cells bounded.
    let segments = (sample_rows(layout.fields) / ROWS_PER_SEGMENT) as u64;
    let mut rows = Vec::with_capacity(sample_rows(layout.fields));
    // Where the previous place's rows ended: places never overlap.
    let mut done = 0u64;
    let mut buf = Vec::new();
    for i in 1..segments {
        let at = (len as u128 * i as u128 / segments as u128) as u64;
        let at = at.max(done);
        if at >= len {
            break;
        }
        match segment(&mut file, at, len, layout, &mut buf) {
            Some((found, end)) => {
                rows.extend(found);
                done = end;
            }
            None => continue,
        }
    }
    rows
}

/// The rows at byte `at`: read, resynchronised and checked. With them, the
/// file offset where the last row kept ends.
fn segment<R: Read + Seek>(
    file: &mut R,
    at: u64,
    len: u64,
    layout: &Layout,
    buf: &mut Vec<u8>,
) -> Option<(Vec<Vec<String>>, u64)> {
    let mut want = FIRST_READ;
    loop {
        let n = (want as u64).min(len - at) as usize;
        buf.resize(n, 0);
        file.seek(SeekFrom::Start(at)).ok()?;
        file.read_exact(buf).ok()?;
        let at_end = at + n as u64 == len;
        let more = !at_end && want < MAX_READ;
        match rows_in(buf, at_end, !more, layout) {
            Some((rows, end)) => return Some((rows, at + end as u64)),
            // Too few whole rows in what was read: read more.
            None if more => want *= 2,
            None => return None,
        }
    }
}

/// Up to `ROWS_PER_SEGMENT` rows in `bytes` (a piece of the file starting
/// anywhere): from a line start whose rows all have the header's number of
/// fields, and the offset in `bytes` where the last row kept ends. `None`
/// when no line start among the first few gives such rows, or when they are
/// fewer than `ROWS_PER_SEGMENT` and `fewer` is false (more should be
/// read). `at_end`: the piece ends with the file.
fn rows_in(
    bytes: &[u8],
    at_end: bool,
    fewer: bool,
    layout: &Layout,
) -> Option<(Vec<Vec<String>>, usize)> {
    let mut start = 0;
    for _ in 0..RESYNC_TRIES {
        // The place may be in the middle of a line: start after its end.
        start += bytes[start..].iter().position(|&b| b == b'\n')? + 1;
        let text = layout
            .encoding
            .decode_without_bom_handling(&bytes[start..])
            .0;
        match parse(&text, at_end, fewer, layout) {
            Parsed::Rows(_, end) if !strict_quotes(&text.as_bytes()[..end], layout.delimiter) => {}
            Parsed::Rows(rows, end) => {
                // `end` counts UTF-8 bytes of the decoded text; a
                // single-byte encoding takes one byte a character.
                let end = if layout.encoding == encoding_rs::UTF_8 {
                    end
                } else {
                    text[..end].chars().count()
                };
                return Some((rows, start + end));
            }
            Parsed::TooFew => return None,
            // Not a row start (inside a quoted field): try the next line.
            Parsed::Misaligned => {}
        }
    }
    None
}

/// Whether quotes in `text` are where a row start would put them: a quote
/// opens a field only at its start and closes it only before a delimiter
/// or a line end, and none is left open. Read from inside a quoted field
/// that holds line breaks, the text puts its closing quote elsewhere (rows
/// of the right length can still come out of such a start).
fn strict_quotes(text: &[u8], delimiter: u8) -> bool {
    let ends_field = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if quoted {
            if b == b'"' {
                match text.get(i + 1) {
                    Some(b'"') => i += 1,
                    Some(&c) if ends_field(c) => quoted = false,
                    None => quoted = false,
                    Some(_) => return false,
                }
            }
        } else if b == b'"' {
            if !field_start {
                return false;
            }
            quoted = true;
        }
        field_start = !quoted && ends_field(b);
        i += 1;
    }
    !quoted
}

/// What a piece of text parsed from a line start gave.
enum Parsed {
    /// Rows, all of the header's length, and where the last one ends.
    Rows(Vec<Vec<String>>, usize),
    /// Rows of the wrong length or bad CSV: the start is no row start.
    Misaligned,
    /// Too few whole rows before the piece ends.
    TooFew,
}

/// The first `ROWS_PER_SEGMENT` rows of `text` when they all have the
/// header's number of fields. A row is kept only when another row starts
/// after it or `at_end` (the piece ends with the file): the end of a piece
/// may cut a row, and a row may hold line breaks. Fewer rows are kept only
/// when `fewer` (the piece is all there is to read).
fn parse(text: &str, at_end: bool, fewer: bool, layout: &Layout) -> Parsed {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(layout.delimiter)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(ROWS_PER_SEGMENT + 1);
    let mut ends = Vec::with_capacity(ROWS_PER_SEGMENT + 1);
    let mut record = csv::StringRecord::new();
    // Whether the last row kept is followed by the start of another.
    let mut followed = false;
    while rows.len() <= ROWS_PER_SEGMENT {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Parsed::Misaligned,
        }
        if record.len() != layout.fields {
            // The row the piece's end cuts may be short.
            if !at_end && rdr.position().byte() as usize >= text.len() {
                followed = true;
                break;
            }
            return Parsed::Misaligned;
        }
        rows.push(record.iter().map(str::to_string).collect());
        ends.push(rdr.position().byte() as usize);
    }
    // Drop the one row beyond the count (it shows the others are whole),
    // or the last row when the piece's end may cut it.
    if rows.len() > ROWS_PER_SEGMENT || !at_end && !followed {
        rows.pop();
        ends.pop();
    }
    match ends.last() {
        Some(&end) if rows.len() == ROWS_PER_SEGMENT || fewer => Parsed::Rows(rows, end),
        _ => Parsed::TooFew,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn layout(fields: usize) -> Layout {
        Layout {
            encoding: encoding_rs::UTF_8,
            delimiter: b',',
            fields,
        }
    }

    #[test]
    fn rows_from_across_the_file_in_order_without_repeats() {
        let mut text = String::from("id,a,b\n");
        for i in 0..20_000 {
            text.push_str(&format!("{i},x{i},y\n"));
        }
        let rows = spread_rows(Cursor::new(text.as_bytes()), &layout(3));
        assert_eq!(rows.len(), (SEGMENTS - 1) * ROWS_PER_SEGMENT);
        let ids: Vec<u32> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "in file order, once");
        assert!(*ids.last().unwrap() > 19_000, "reaches the end");
        assert!(
            ids[0] >= 100 && ids[0] < 400,
            "starts a hundredth in: {:?}",
            &ids[..20]
        );
        // Deterministic.
        assert_eq!(rows, spread_rows(Cursor::new(text.as_bytes()), &layout(3)));
    }

    #[test]
    fn quoted_line_breaks_do_not_make_rows() {
        // Every row holds a quoted note of several lines, each line of
        // which looks like a row of three fields on its own.
        let mut text = String::from("id,note,b\n");
        for i in 0..5_000 {
            text.push_str(&format!("{i},\"p,q\nr,s,t\nu,v\",z{i}\n"));
        }
        let rows = spread_rows(Cursor::new(text.as_bytes()), &layout(3));
        assert!(rows.len() > 500, "{}", rows.len());
        for r in &rows {
            assert!(r[0].parse::<u32>().is_ok(), "{r:?}");
            assert_eq!(r[1], "p,q\nr,s,t\nu,v");
            assert_eq!(r[2], format!("z{}", r[0]));
        }
    }

    #[test]
    fn small_files_utf16_and_long_rows() {
        assert!(spread_rows(Cursor::new(b"id,a\n1,2\n"), &layout(2)).len() <= 1);
        let utf16 = Layout {
            encoding: encoding_rs::UTF_16LE,
            ..layout(2)
        };
        assert!(spread_rows(Cursor::new(vec![b'\n'; 100_000]), &utf16).is_empty());
        // Rows longer than the first read are read whole.
        let mut text = String::from("id,a\n");
        for i in 0..2_000 {
            text.push_str(&format!("{i},{}\n", "w".repeat(3_000)));
        }
        let rows = spread_rows(Cursor::new(text.as_bytes()), &layout(2));
        assert!(rows.len() > 500, "{}", rows.len());
        assert!(rows.iter().all(|r| r[1].len() == 3_000));
        // Windows-1252: offsets in file bytes, values decoded.
        let mut bytes = b"id,a\n".to_vec();
        for i in 0..20_000 {
            bytes.extend(format!("{i},Ren").bytes());
            bytes.extend(b"\xe9e\n");
        }
        let latin = Layout {
            encoding: encoding_rs::WINDOWS_1252,
            ..layout(2)
        };
        let rows = spread_rows(Cursor::new(bytes), &latin);
        assert_eq!(rows.len(), (SEGMENTS - 1) * ROWS_PER_SEGMENT);
        assert!(rows.iter().all(|r| r[1] == "Renée"));
        let ids: Vec<u32> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
}
