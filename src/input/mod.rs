//! Reading source systems' CSV exports into a [`Dataset`].

pub mod columns;
pub mod format;
mod limit;
pub mod sample;

pub use limit::MAX_ROW_BYTES;

pub use columns::ColumnOverride;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::normalize::date::parse_date;
use crate::record::{Dataset, Record};
use crate::schema::{FieldKind, FileSchema};

/// What loading noticed without failing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Rows whose id was blank: they were given the id `#row<N>` (N the
    /// file's line number) so that they still take part and appear in the output.
    pub generated_ids: usize,
}

/// Options for reading CSV exports.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// Header of the record id column; the first column when `None`.
    pub id_column: Option<String>,
    /// Schemas that override inference, matched by source name; within a
    /// file, columns the schema names take its mapping and others are
    /// inferred.
    pub schemas: Vec<FileSchema>,
    /// Columns set to a kind (or ignored) by the user, over inference and
    /// `schemas`: each applies to every file with that header unless it
    /// names a source. [`read_csv_files`] fails on one that matches no
    /// file's column.
    pub columns: Vec<ColumnOverride>,
    /// Whether the first row of every file names the columns, over
    /// detection and `schemas`; `None` detects it (a first row of emails,
    /// phones, dates or ids is data).
    pub header: Option<bool>,
}

/// The source name of a file: its name without directory and `.csv`.
pub fn source_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads one CSV export from any reader and appends its records to `dataset`
/// under `source`. `path` is only used in error messages.
///
/// The text encoding and the delimiter are worked out from the first 64 KB
/// ([`format`](mod@format): UTF-8, UTF-16 with a byte-order mark, else Windows-1252;
/// `,` `;` tab or `|`) unless the file's schema in `options.schemas` sets
/// them; the returned schema says which were used. A file that starts as
/// UTF-8 and later holds a byte that is not is an error naming the row.
/// The first row is the header; every row must have as many fields as the
/// header. What each column holds is inferred from the header and the first
/// rows' values ([`crate::infer`]; [`read_csv_file`] samples the whole file)
/// unless `options.schemas` says. Dates are
/// rewritten as `YYYY-MM-DD` with their column's inferred order. Blank ids
/// get a generated id (counted in the report); a repeated id is an error
/// naming both rows.
pub fn read_csv<R: Read>(
    reader: R,
    path: &Path,
    source: &str,
    options: &CsvOptions,
    dataset: &mut Dataset,
    report: &mut LoadReport,
) -> Result<FileSchema> {
    read_sampled(reader, path, source, options, dataset, report, |_| {
        Vec::new()
    })
}

/// Reads the CSV file at `path` as [`read_csv`] does, but infers its schema
/// from rows spread over the whole file rather than its first rows: a file
/// longer than [`crate::infer::SAMPLE_ROWS`] rows is also read (through a
/// second handle) at evenly spaced byte offsets ([`sample`]), so a column
/// that only later rows fill is judged by its values. The records are still
/// read once, streaming, in file order. UTF-16 files, pipes and devices
/// keep the first rows.
pub fn read_csv_file(
    path: &Path,
    source: &str,
    options: &CsvOptions,
    dataset: &mut Dataset,
    report: &mut LoadReport,
) -> Result<FileSchema> {
    let open = || {
        File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let file = open()?;
    // Only a regular file is read twice (never a pipe or a device).
    let seekable = file.metadata().is_ok_and(|m| m.is_file());
    read_sampled(
        file,
        path,
        source,
        options,
        dataset,
        report,
        |layout| match seekable {
            true => open()
                .map(|f| sample::spread_rows(f, layout))
                .unwrap_or_default(),
            false => Vec::new(),
        },
    )
}

/// [`read_csv`], with `spread` giving rows from across the file (for a
/// file longer than the sample) to infer its schema from, besides its
/// first rows.
fn read_sampled<R: Read>(
    reader: R,
    path: &Path,
    source: &str,
    options: &CsvOptions,
    dataset: &mut Dataset,
    report: &mut LoadReport,
    spread: impl FnOnce(&sample::Layout) -> Vec<Vec<String>>,
) -> Result<FileSchema> {
    let given = options.schemas.iter().find(|s| s.source == source);
    let (text, encoding, delimiter) = open_text(reader, path, source, given)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .delimiter(delimiter)
        .from_reader(limit::Capped::new(text));
    let too_long = |row: u64| Error::BadRow {
        path: path.to_path_buf(),
        row,
        reason: format!(
            "the row is longer than {} MiB (one huge field, or no line breaks?)",
            MAX_ROW_BYTES >> 20
        ),
    };
    let bad = |e: csv::Error, path: &Path| -> Error {
        let row = e.position().map(|p| p.line()).unwrap_or(0);
        match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => Error::RaggedRow {
                path: path.to_path_buf(),
                row,
                expected: *expected_len as usize,
                found: *len as usize,
            },
            csv::ErrorKind::Io(_) => Error::BadRow {
                path: path.to_path_buf(),
                row,
                reason: "the file could not be read".into(),
            },
            csv::ErrorKind::Utf8 { err, .. } => Error::BadRow {
                path: path.to_path_buf(),
                row,
                reason: format!("field {} is not valid UTF-8", err.field() + 1),
            },
            _ => Error::BadRow {
                path: path.to_path_buf(),
                row,
                reason: e.to_string(),
            },
        }
    };
    // A UTF-8 byte-order mark stays on the first cell; it is no content.
    let header = rdr.headers().cloned();
    let first: csv::StringRecord = match header {
        Ok(h) => h,
        Err(_) if rdr.get_ref().exceeded() => return Err(too_long(1)),
        Err(e) => return Err(bad(e, path)),
    }
    .iter()
    .enumerate()
    .map(|(i, c)| {
        if i == 0 {
            c.trim_start_matches('\u{feff}')
        } else {
            c
        }
    })
    .collect();
    let mut headers: Vec<String> = first.iter().map(|h| h.trim().to_string()).collect();
    if headers.is_empty() || headers.iter().all(String::is_empty) {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    // The first rows are read ahead for inference; the rest are turned into
    // records as they are read, so a large file is never held twice.
    let mut head: Vec<(u64, csv::StringRecord)> = Vec::new();
    let forced_header = options.header.or(given.and_then(|s| s.header));
    let mut row = csv::StringRecord::new();
    let mut more = true;
    // Each row read moves the row-length limit past it; a failed read
    // caused by that limit is reported as such, at the row after the
    // last whole one.
    let next = |rdr: &mut csv::Reader<limit::Capped<_>>, row: &mut csv::StringRecord| {
        let result = rdr.read_record(row);
        let at = rdr.position().clone();
        rdr.get_mut().row_ended_at(at.byte());
        match result {
            Ok(read) => Ok(read),
            Err(_) if rdr.get_ref().exceeded() => Err(too_long(at.line())),
            Err(e) => Err(bad(e, path)),
        }
    };
    let header_end = rdr.position().byte();
    rdr.get_mut().row_ended_at(header_end);
    // The rows read ahead are held: at most `sample::sample_rows` (fewer
    // for a wide file), and no more than HEAD_BYTES of them (fewer, longer
    // rows are sample enough).
    let mut head_bytes = 0;
    let sample_rows = sample::sample_rows(headers.len());
    while head.len() < sample_rows && head_bytes < HEAD_BYTES {
        if !next(&mut rdr, &mut row)? {
            more = false;
            break;
        }
        head_bytes += row.as_slice().len();
        head.push((row.position().map(|p| p.line()).unwrap_or(0), row.clone()));
    }
    // Whether the first row names the columns, judged against the rows
    // that follow it.
    let has_header = forced_header.unwrap_or_else(|| {
        let rows: Vec<&csv::StringRecord> = head.iter().map(|(_, r)| r).collect();
        !format::first_row_is_data(&headers, &rows)
    });
    if !has_header {
        headers = (1..=headers.len()).map(|i| format!("column{i}")).collect();
        head.insert(0, (1, first));
    }
    // A file longer than the sample is sampled across its length: its
    // first rows, then rows from evenly spaced places (as many of the
    // first rows as the places do not give).
    let spread = if more {
        spread(&sample::Layout {
            encoding,
            delimiter,
            fields: headers.len(),
        })
    } else {
        Vec::new()
    };
    let first_rows = sample_rows.saturating_sub(spread.len());
    let sample: Vec<Vec<String>> = head
        .iter()
        .take(first_rows)
        .map(|(_, r)| r.iter().map(str::to_string).collect())
        .chain(spread)
        .collect();
    let missing_id = || Error::MissingIdColumn {
        path: path.to_path_buf(),
        column: options.id_column.clone().unwrap_or_default(),
    };
    let mut schema =
        crate::infer::infer_schema(source, &headers, &sample, options.id_column.as_deref())
            .ok_or_else(missing_id)?;
    schema.delimiter = Some(delimiter as char);
    schema.header = Some(has_header);
    schema.encoding = Some(encoding.name().to_string());
    if let Some(given) = given {
        for col in schema.columns.iter_mut() {
            if let Some(g) = given.columns.iter().find(|g| g.column == col.column) {
                *col = g.clone();
            }
        }
        if let Some(i) = schema
            .columns
            .iter()
            .position(|c| c.kind == FieldKind::RecordId)
        {
            schema.id_column = i;
        }
    }
    columns::apply(&mut schema, &options.columns, |i| {
        let values: Vec<&str> = sample
            .iter()
            .filter_map(|r| r.get(i).map(String::as_str))
            .collect();
        crate::infer::detect::date_order(&values)
    })?;
    let source_index = dataset.add_source(source);
    let mut seen: HashMap<String, u64, foldhash::fast::RandomState> = HashMap::default();
    let mut add = |line: u64, row: &csv::StringRecord| -> Result<()> {
        let raw_id = row.get(schema.id_column).unwrap_or("").trim();
        let id = if raw_id.is_empty() {
            report.generated_ids += 1;
            format!("#row{line}")
        } else {
            raw_id.to_string()
        };
        if let Some(first) = seen.insert(id.clone(), line) {
            return Err(Error::DuplicateId {
                path: path.to_path_buf(),
                row: line,
                first_row: first,
                column: headers[schema.id_column].clone(),
            });
        }
        let mut record = Record::new(source_index, id);
        for (col, value) in schema.columns.iter().zip(row.iter()) {
            match (col.kind, col.date_order) {
                (FieldKind::RecordId | FieldKind::Ignore, _) => {}
                (
                    FieldKind::DateOfBirth | FieldKind::EventDate | FieldKind::BaptismDate,
                    Some(order),
                ) => match parse_date(value, order) {
                    Some(d) => record.set(col.kind, d.to_string()),
                    None => record.set(col.kind, value),
                },
                _ => record.set(col.kind, value),
            }
        }
        dataset.records.push(record);
        Ok(())
    };
    for (line, r) in &head {
        add(*line, r)?;
    }
    while more && next(&mut rdr, &mut row)? {
        add(row.position().map(|p| p.line()).unwrap_or(0), &row)?;
    }
    Ok(schema)
}

/// The most bytes of rows read ahead (and held) for inference.
const HEAD_BYTES: usize = 64 << 20;

/// The file's text as UTF-8, with its encoding and delimiter: as `given`
/// (the file's schema in the settings) sets them, else detected from the
/// first 64 KB ([`format`]).
fn open_text<'r, R: Read + 'r>(
    reader: R,
    path: &Path,
    source: &str,
    given: Option<&FileSchema>,
) -> Result<(Box<dyn BufRead + 'r>, &'static encoding_rs::Encoding, u8)> {
    const HEAD: usize = 64 * 1024;
    let io_error = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut raw = BufReader::with_capacity(HEAD, reader);
    let encoding = match given.and_then(|s| s.encoding.as_deref()) {
        Some(label) => format::encoding_for_label(label).ok_or_else(|| {
            Error::Settings(format!(
                "{}: unknown text encoding '{label}' in the schema of '{source}'",
                path.display()
            ))
        })?,
        None => format::detect_encoding(raw.fill_buf().map_err(io_error)?),
    };
    // UTF-8 is read as it is; other encodings through a transcoder.
    let mut text: Box<dyn BufRead + '_> = if encoding == encoding_rs::UTF_8 {
        Box::new(raw)
    } else {
        Box::new(BufReader::with_capacity(
            HEAD,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .build(raw),
        ))
    };
    let delimiter = match given.and_then(|s| s.delimiter) {
        Some(d) if d.is_ascii() => d as u8,
        Some(d) => {
            return Err(Error::Settings(format!(
                "{}: delimiter '{d}' in the schema of '{source}' is not one ASCII character",
                path.display()
            )))
        }
        None => {
            let head = text.fill_buf().map_err(io_error)?;
            let valid = match std::str::from_utf8(head) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
            };
            format::sniff_delimiter(valid)
        }
    };
    Ok((text, encoding, delimiter))
}

/// One file, by its extension: `.parquet` as Parquet (feature `parquet`;
/// without it, an error saying so), anything else as CSV.
fn read_file(
    path: &Path,
    source: &str,
    options: &CsvOptions,
    dataset: &mut Dataset,
    report: &mut LoadReport,
) -> Result<FileSchema> {
    #[cfg(feature = "parquet")]
    if crate::parquet::is_parquet(path) {
        return crate::parquet::read_parquet_file(path, source, options, dataset, report);
    }
    #[cfg(not(feature = "parquet"))]
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        return Err(Error::Parquet {
            path: path.to_path_buf(),
            reason: "this build reads no Parquet (build linkage with the `parquet` feature)".into(),
        });
    }
    read_csv_file(path, source, options, dataset, report)
}

/// Reads CSV files, one source each (named after the file), into one dataset.
///
/// Each file is read with [`read_csv_file`] (its schema inferred from rows
/// across the whole file). Files are read in parallel, each into a dataset
/// of its own, then joined
/// in the order given: records and sources come out in the same order
/// whatever the thread count. The first failing file (in that order) is
/// the error.
/// A `.parquet` path is read as Parquet (feature `parquet`,
/// `parquet::read_parquet_file`).
pub fn read_csv_files<P: AsRef<Path> + Sync>(
    paths: &[P],
    options: &CsvOptions,
) -> Result<(Dataset, Vec<FileSchema>, LoadReport)> {
    let parts: Vec<Result<(Dataset, FileSchema, LoadReport)>> = paths
        .par_iter()
        .map(|p| {
            let path = p.as_ref();
            let mut part = Dataset::default();
            let mut report = LoadReport::default();
            let schema = read_file(path, &source_name(path), options, &mut part, &mut report)?;
            Ok((part, schema, report))
        })
        .collect();
    let parts = parts.into_iter().collect::<Result<Vec<_>>>()?;
    let schemas: Vec<&FileSchema> = parts.iter().map(|p| &p.1).collect();
    columns::check_all_matched(&options.columns, &schemas)?;
    let mut dataset = Dataset::default();
    dataset
        .records
        .reserve_exact(parts.iter().map(|p| p.0.len()).sum());
    let mut report = LoadReport::default();
    let mut schemas = Vec::with_capacity(parts.len());
    for (part, schema, r) in parts {
        // Files of the same name are one source, as when read one by one.
        let index = part
            .sources
            .first()
            .map(|name| dataset.add_source(name))
            .unwrap_or_default();
        dataset
            .records
            .extend(part.records.into_iter().map(|mut rec| {
                rec.source = index;
                rec
            }));
        report.generated_ids += r.generated_ids;
        schemas.push(schema);
    }
    Ok((dataset, schemas, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &[u8]) -> Result<(Dataset, LoadReport)> {
        let mut d = Dataset::default();
        let mut r = LoadReport::default();
        read_csv(
            text,
            Path::new("t.csv"),
            "t",
            &CsvOptions::default(),
            &mut d,
            &mut r,
        )?;
        Ok((d, r))
    }

    #[test]
    fn reads_quoted_csv() {
        let (d, r) =
            load(b"id,first_name,street\n1,Ann,\"3599 Vicki Lane, Unit 1\"\n2,Bob,\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d.records[0].get(FieldKind::Street),
            Some("3599 Vicki Lane, Unit 1")
        );
        assert_eq!(d.records[1].get(FieldKind::Street), None);
        assert_eq!(r.generated_ids, 0);
    }

    #[test]
    fn exports_with_other_delimiters_and_encodings() {
        let read = |bytes: &[u8], options: &CsvOptions| {
            let mut d = Dataset::default();
            let schema = read_csv(
                bytes,
                Path::new("t.csv"),
                "t",
                options,
                &mut d,
                &mut LoadReport::default(),
            )
            .unwrap();
            (d, schema)
        };
        let plain = CsvOptions::default();
        // German Excel: semicolons, a byte-order mark, commas inside values.
        let (d, s) = read(
            "\u{feff}Nr;Name;Anschrift\nA1;\"Müller, Anna\";\"Hauptstraße 12, 10115 Berlin\"\n"
                .as_bytes(),
            &plain,
        );
        assert_eq!(
            (s.delimiter, s.encoding.as_deref()),
            (Some(';'), Some("UTF-8"))
        );
        assert_eq!(d.records[0].id, "A1");
        assert_eq!(d.records[0].get(FieldKind::FullName), Some("Müller, Anna"));
        // Tabs.
        let (d, s) = read(b"id\tname\nT1\tMary Smith\n", &plain);
        assert_eq!(s.delimiter, Some('\t'));
        assert_eq!(d.records[0].get(FieldKind::FullName), Some("Mary Smith"));
        // Windows-1252 (Latin-1) bytes: read, not rejected.
        let (d, s) = read(b"id,name\nL1,Ren\xe9e Dupont\n", &plain);
        assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
        assert_eq!(d.records[0].get(FieldKind::FullName), Some("Renée Dupont"));
        // UTF-16 with its byte-order mark (Excel's "Unicode text").
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "id,name\nU1,Zoë Li\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let (d, s) = read(&utf16, &plain);
        assert_eq!(s.encoding.as_deref(), Some("UTF-16LE"));
        assert_eq!(d.records[0].get(FieldKind::FullName), Some("Zoë Li"));
        // A schema can set both; a bad label is a clear error.
        let mut set = s.clone();
        set.delimiter = Some('|');
        set.encoding = Some("latin1".into());
        let options = CsvOptions {
            schemas: vec![set.clone()],
            ..CsvOptions::default()
        };
        let (d, s) = read(b"id|name\nP1|Ren\xe9e\n", &options);
        assert_eq!(
            (s.delimiter, s.encoding.as_deref()),
            (Some('|'), Some("windows-1252"))
        );
        assert_eq!(d.records[0].get(FieldKind::FullName), Some("Renée"));
        set.encoding = Some("klingon".into());
        let options = CsvOptions {
            schemas: vec![set],
            ..CsvOptions::default()
        };
        let mut d = Dataset::default();
        let err = read_csv(
            &b"id|name\n"[..],
            Path::new("t.csv"),
            "t",
            &options,
            &mut d,
            &mut LoadReport::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("klingon"), "{err}");
    }

    #[test]
    fn a_file_without_a_header_row_loses_no_record() {
        let (d, _) =
            load(b"R1,SANDRA NGUYEN,18329753687,90188\nR2,Leah Mayer,6905072434,22418\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d.records[0].id, "R1");
        assert_eq!(d.records[0].get(FieldKind::Phone), Some("18329753687"));
        let mut d = Dataset::default();
        let s = read_csv(
            &b"\xef\xbb\xbfR1,ann@x.org,1980-05-06\n"[..],
            Path::new("t.csv"),
            "t",
            &CsvOptions::default(),
            &mut d,
            &mut LoadReport::default(),
        )
        .unwrap();
        assert_eq!(s.header, Some(false));
        assert_eq!(s.columns[1].column, "column2");
        assert_eq!(d.records[0].id, "R1");
        assert_eq!(d.records[0].get(FieldKind::Email), Some("ann@x.org"));
    }

    #[test]
    fn files_read_in_parallel_keep_their_order() {
        let dir = std::env::temp_dir().join(format!("linkage-input-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("b")).unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let web = write("web.csv", "id,first_name\nw1,Ann\nw2,Bo\n");
        let crm = write("crm.csv", "id,first_name\nc1,Cy\n");
        let crm2 = write("b/crm.csv", "id,first_name\nc9,Di\n");
        let (d, schemas, _) = read_csv_files(&[&web, &crm, &crm2], &CsvOptions::default()).unwrap();
        assert_eq!(d.sources, vec!["web", "crm"]);
        let got: Vec<(u32, &str)> = d
            .records
            .iter()
            .map(|r| (r.source, r.id.as_str()))
            .collect();
        assert_eq!(got, vec![(0, "w1"), (0, "w2"), (1, "c1"), (1, "c9")]);
        assert_eq!(schemas.len(), 3);
        // The first failing file in the order given is the error.
        let bad = write("bad.csv", "id,first_name\n1,A,extra\n");
        let e = read_csv_files(
            &[&web, &bad, &dir.join("missing.csv")],
            &CsvOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("bad.csv"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn errors_name_file_and_row() {
        let e = load(b"id,first_name\n1,Ann\n2,Bob,extra\n").unwrap_err();
        assert!(
            matches!(
                e,
                Error::RaggedRow {
                    row: 3,
                    expected: 2,
                    found: 3,
                    ..
                }
            ),
            "{e}"
        );
        let e = load(b"id,first_name\n1,Ann\n1,Bob\n").unwrap_err();
        assert!(
            matches!(
                e,
                Error::DuplicateId {
                    row: 3,
                    first_row: 2,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("t.csv, row 3"));
        let e = load(b"").unwrap_err();
        assert!(matches!(e, Error::EmptyFile { .. }), "{e}");
        // Bytes that are not UTF-8 at the start make a Windows-1252 file;
        // after a UTF-8 start (beyond the first 64 KB) they are an error.
        let mut text = b"id,first_name\n".to_vec();
        let rows = 10_000;
        for i in 0..rows {
            text.extend(format!("{i},Ann\n").bytes());
        }
        text.extend(b"x,\xff\xfe\n");
        let e = load(&text).unwrap_err();
        assert!(
            matches!(e, Error::BadRow { row, .. } if row == rows + 2),
            "{e}"
        );
    }

    /// A file of `rows` rows whose `contact` column is blank in the first
    /// `blank` rows and holds emails after; every row has a quoted note of
    /// two lines when `notes`.
    fn later_filled(rows: usize, blank: usize, notes: bool) -> String {
        let mut text = String::from("id,first_name,contact,note\n");
        for i in 0..rows {
            let contact = if i < blank {
                String::new()
            } else {
                format!("p{i}@example.org")
            };
            let note = if notes { "\"a, b\nc,d,e\"" } else { "x" };
            text.push_str(&format!("{},Ann,{contact},{note}\n", 10_000 + i));
        }
        text
    }

    fn read_file(path: &Path) -> (Dataset, FileSchema) {
        let mut d = Dataset::default();
        let s = read_csv_file(
            path,
            "t",
            &CsvOptions::default(),
            &mut d,
            &mut LoadReport::default(),
        )
        .unwrap();
        (d, s)
    }

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("linkage-sample-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn a_column_only_later_rows_fill_is_sampled_from_the_whole_file() {
        for notes in [false, true] {
            let text = later_filled(3_000, 1_500, notes);
            let path = temp_file(&format!("later-{notes}.csv"), text.as_bytes());
            let (d, s) = read_file(&path);
            assert_eq!(s.columns[2].kind, FieldKind::Email, "{:?}", s.columns[2]);
            // Every record once, in file order, the multi-line notes whole.
            assert_eq!(d.len(), 3_000);
            assert!(d
                .records
                .iter()
                .enumerate()
                .all(|(i, r)| r.id == (10_000 + i).to_string()));
            assert_eq!(
                d.records[2_999].get(FieldKind::Email),
                Some("p2999@example.org")
            );
            // The same on every read.
            assert_eq!(read_file(&path).1, s);
            // Read as a stream, only the first rows are seen.
            let (_, streamed) = load_schema(text.as_bytes());
            assert_ne!(streamed.columns[2].kind, FieldKind::Email);
            std::fs::remove_file(&path).ok();
        }
        // Windows-1252 and a file without a header row are sampled too.
        let text = later_filled(3_000, 1_500, false).replace(",Ann,", ",Ren\u{e9}e,");
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        let path = temp_file("latin.csv", &bytes);
        let (d, s) = read_file(&path);
        assert_eq!(s.encoding.as_deref(), Some("windows-1252"));
        assert_eq!(s.columns[2].kind, FieldKind::Email);
        assert_eq!(d.records[5].get(FieldKind::GivenName), Some("Ren\u{e9}e"));
        let headless = text
            .split_once('\n')
            .unwrap()
            .1
            .replace(",x\n", ",1980-05-06\n");
        let path = temp_file("headless.csv", headless.as_bytes());
        let (d, s) = read_file(&path);
        assert_eq!(s.header, Some(false));
        assert_eq!(d.len(), 3_000);
        assert_eq!(s.columns[2].kind, FieldKind::Email);
    }

    fn load_schema(text: &[u8]) -> (Dataset, FileSchema) {
        let mut d = Dataset::default();
        let s = read_csv(
            text,
            Path::new("t.csv"),
            "t",
            &CsvOptions::default(),
            &mut d,
            &mut LoadReport::default(),
        )
        .unwrap();
        (d, s)
    }

    fn read_with(text: &[u8], source: &str, options: &CsvOptions) -> Result<(Dataset, FileSchema)> {
        let mut d = Dataset::default();
        let s = read_csv(
            text,
            Path::new("t.csv"),
            source,
            options,
            &mut d,
            &mut LoadReport::default(),
        )?;
        Ok((d, s))
    }

    #[test]
    fn columns_set_by_the_user_win_over_inference() {
        let text = b"id,name,code,ref,notes\n1,Ann Lee,X1,r1,Acme Ltd\n2,Bo Ray,X2,r2,Zed Inc\n";
        let set = |specs: &[&str]| CsvOptions {
            columns: specs
                .iter()
                .map(|s| ColumnOverride::parse(s).unwrap())
                .collect(),
            ..CsvOptions::default()
        };
        let (d, s) = read_with(
            text,
            "crm",
            &set(&["code=national_id", "web:name=organisation"]),
        )
        .unwrap();
        let code = &s.columns[2];
        assert_eq!(code.kind, FieldKind::NationalId);
        assert_eq!(
            (code.confidence, code.reason.as_str()),
            (1.0, columns::GIVEN_BY_THE_USER)
        );
        assert_eq!(d.records[1].get(FieldKind::NationalId), Some("X2"));
        // An override for another source leaves this one alone.
        assert_eq!(s.columns[1].kind, FieldKind::FullName);
        let (d, s) = read_with(
            text,
            "web",
            &set(&["web:name=organisation", "notes=ignore"]),
        )
        .unwrap();
        assert_eq!(s.columns[1].kind, FieldKind::Organisation);
        assert_eq!(s.columns[4].kind, FieldKind::Ignore);
        assert_eq!(d.records[0].get(FieldKind::Organisation), Some("Ann Lee"));
        // A kind set on one column is taken from the column inferred to hold it.
        let (d, s) = read_with(text, "crm", &set(&["notes=full_name"])).unwrap();
        assert_eq!(s.columns[1].kind, FieldKind::Ignore);
        assert!(
            s.columns[1].reason.contains("'notes' is the full_name"),
            "{}",
            s.columns[1].reason
        );
        assert_eq!(d.records[0].get(FieldKind::FullName), Some("Acme Ltd"));
        // Another id column.
        let (d, s) = read_with(text, "crm", &set(&["ref=record_id"])).unwrap();
        assert_eq!(s.id_column, 3);
        assert_eq!(s.columns[0].kind, FieldKind::Ignore);
        assert_eq!(d.records[1].id, "r2");
        // Errors name the override and the column, never panic.
        let e = read_with(text, "crm", &set(&["id=email"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("'id' is the record id column of 'crm'"), "{e}");
        let e = read_with(text, "crm", &set(&["crm:Zip=postcode"]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("crm:Zip=postcode") && e.contains("no column 'Zip'"),
            "{e}"
        );
        // A date column set by the user gets its order from the values.
        let (d, s) = read_with(
            b"id,when\n1,25/12/1980\n2,13/01/1975\n",
            "t",
            &set(&["when=date_of_birth"]),
        )
        .unwrap();
        assert_eq!(
            s.columns[1].date_order,
            Some(crate::normalize::date::DateOrder::DayFirst)
        );
        assert_eq!(d.records[0].get(FieldKind::DateOfBirth), Some("1980-12-25"));
    }

    #[test]
    fn the_header_row_can_be_forced_either_way() {
        let force = |header| CsvOptions {
            header: Some(header),
            ..CsvOptions::default()
        };
        // Detected as a header; forced to be data, it is a record.
        let text = b"code,name\nA1,Ann Lee\nA2,Bo Ray\n";
        let (d, s) = read_with(text, "t", &force(false)).unwrap();
        assert_eq!(s.header, Some(false));
        assert_eq!(s.columns[0].column, "column1");
        assert_eq!(d.len(), 3);
        assert_eq!(d.records[0].id, "code");
        // Detected as data (two long numbers); forced to be a header.
        let text = b"1234,5678,name\n1,2,Ann\n";
        assert_eq!(
            read_with(text, "t", &CsvOptions::default())
                .unwrap()
                .0
                .len(),
            2
        );
        let (d, s) = read_with(text, "t", &force(true)).unwrap();
        assert_eq!((s.header, d.len()), (Some(true), 1));
        assert_eq!(s.columns[2].column, "name");
    }

    #[test]
    fn an_override_no_file_can_take_is_an_error() {
        let dir = std::env::temp_dir().join(format!("linkage-override-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let crm = dir.join("crm.csv");
        std::fs::write(&crm, "id,first_name,Zip\nc1,Ann,12345\n").unwrap();
        let web = dir.join("web.csv");
        std::fs::write(&web, "id,first_name\nw1,Bo\n").unwrap();
        let with = |spec: &str| CsvOptions {
            columns: vec![ColumnOverride::parse(spec).unwrap()],
            ..CsvOptions::default()
        };
        // One override, every file that has the header.
        let (_, schemas, _) = read_csv_files(&[&crm, &web], &with("first_name=surname")).unwrap();
        assert!(schemas
            .iter()
            .all(|s| s.columns[1].kind == FieldKind::Surname));
        let (_, schemas, _) = read_csv_files(&[&crm, &web], &with("Zip=national_id")).unwrap();
        assert_eq!(schemas[0].columns[2].kind, FieldKind::NationalId);
        for (spec, says) in [
            ("Postcode=postcode", "no input file has a column 'Postcode'"),
            (
                "pos:Zip=postcode",
                "no input file is named 'pos' (the files are crm, web)",
            ),
            ("web:Zip=postcode", "the file 'web' has no column 'Zip'"),
        ] {
            let e = read_csv_files(&[&crm, &web], &with(spec)).unwrap_err();
            assert!(matches!(e, Error::ColumnOverride { .. }), "{e}");
            assert!(
                e.to_string().contains(spec) && e.to_string().contains(says),
                "{e}"
            );
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn blank_ids_are_generated_not_lost() {
        let (d, r) = load(b"id,first_name\n,Ann\n,Bob\n").unwrap();
        assert_eq!(d.records[0].id, "#row2");
        assert_eq!(d.records[1].id, "#row3");
        assert_eq!(r.generated_ids, 2);
    }
}
