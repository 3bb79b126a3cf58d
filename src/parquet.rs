//! Parquet in and out (feature `parquet`).
//!
//! A Parquet file is one source system's export, as a CSV file is: its
//! columns are read as text (numbers, dates and booleans written as Arrow
//! prints them, nulls as empty), then go through the same schema
//! inference and record building as CSV ([`crate::input::read_csv`]), so
//! a table gives the same records whichever of the two formats holds it.
//! Its column names are the header. [`crate::input::read_csv_files`]
//! reads `.parquet` paths this way.
//!
//! [`write_clusters`] writes the cluster of every record as a Parquet
//! table `source, record_id, cluster_id` (the columns of
//! [`crate::output::write_clusters`]).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader, StringArray, UInt32Array};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;

use crate::error::{Error, Result};
use crate::explain::RecordRef;
use crate::input::{read_csv, CsvOptions, LoadReport};
use crate::record::Dataset;
use crate::schema::FileSchema;

/// Whether `path` names a Parquet file (by its extension, any case).
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

fn parquet_error(path: &Path, reason: impl std::fmt::Display) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Reads one Parquet export and appends its records to `dataset` under
/// `source`, as [`crate::input::read_csv_file`] does for CSV. The column
/// names are the header (`options.header` is taken as `Some(true)`).
pub fn read_parquet_file(
    path: &Path,
    source: &str,
    options: &CsvOptions,
    dataset: &mut Dataset,
    report: &mut LoadReport,
) -> Result<FileSchema> {
    let text = parquet_as_csv(path)?;
    let options = CsvOptions {
        header: Some(true),
        ..options.clone()
    };
    read_csv(text.as_slice(), path, source, &options, dataset, report)
}

/// The table of a Parquet file as CSV text: the column names, then each
/// row's values as text (nulls empty).
fn parquet_as_csv(path: &Path) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| parquet_error(path, e))?;
    let schema = reader.schema();
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    if header.is_empty() {
        return Err(parquet_error(path, "the table has no columns"));
    }
    out.write_record(&header)
        .map_err(|e| parquet_error(path, e))?;
    let format = FormatOptions::default().with_null("");
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for batch in reader {
        let batch = batch.map_err(|e| parquet_error(path, e))?;
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &format))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| parquet_error(path, e))?;
        for i in 0..batch.num_rows() {
            row.clear();
            for f in &formatters {
                row.push(f.value(i).to_string());
            }
            out.write_record(&row).map_err(|e| parquet_error(path, e))?;
        }
    }
    out.into_inner().map_err(|e| parquet_error(path, e.error()))
}

/// Writes the cluster id of every record (`refs` and `cluster_of` in input
/// order) as a Parquet table with the columns `source`, `record_id`,
/// `cluster_id`, to `out`. `path` names the file in errors.
pub fn write_clusters<W: Write + Send>(
    refs: &[RecordRef],
    cluster_of: &[u32],
    out: W,
    path: &Path,
) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("source", DataType::Utf8, false),
        Field::new("record_id", DataType::Utf8, false),
        Field::new("cluster_id", DataType::UInt32, false),
    ]));
    let mut writer =
        ArrowWriter::try_new(out, schema.clone(), None).map_err(|e| parquet_error(path, e))?;
    const ROWS: usize = 64 * 1024;
    for (refs, clusters) in refs.chunks(ROWS).zip(cluster_of.chunks(ROWS)) {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                refs.iter().map(|r| r.source.as_str()),
            )),
            Arc::new(StringArray::from_iter_values(
                refs.iter().map(|r| r.id.as_str()),
            )),
            Arc::new(UInt32Array::from(clusters.to_vec())),
        ];
        let batch =
            RecordBatch::try_new(schema.clone(), columns).map_err(|e| parquet_error(path, e))?;
        writer.write(&batch).map_err(|e| parquet_error(path, e))?;
    }
    writer.close().map_err(|e| parquet_error(path, e))?;
    Ok(())
}

/// Reads a clusters table written by [`write_clusters`] (or any Parquet
/// table with text columns `source` and `record_id` and an integer column
/// `cluster_id`): (source, record id, cluster id) per row, in file order.
pub fn read_clusters(path: &Path) -> Result<Vec<(String, String, u64)>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| parquet_error(path, e))?;
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| parquet_error(path, e))?;
        let column = |name: &str, to: &DataType| -> Result<ArrayRef> {
            let c = batch
                .column_by_name(name)
                .ok_or_else(|| parquet_error(path, format!("no column '{name}'")))?;
            arrow_cast::cast(c, to)
                .map_err(|e| parquet_error(path, format!("column '{name}': {e}")))
        };
        let (s, r, c) = (
            column("source", &DataType::Utf8)?,
            column("record_id", &DataType::Utf8)?,
            column("cluster_id", &DataType::UInt64)?,
        );
        let downcast_err = || parquet_error(path, "unexpected column types");
        let s = s
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(downcast_err)?;
        let r = r
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(downcast_err)?;
        let c = c
            .as_any()
            .downcast_ref::<arrow_array::UInt64Array>()
            .ok_or_else(downcast_err)?;
        for i in 0..batch.num_rows() {
            if s.is_null(i) || r.is_null(i) || c.is_null(i) {
                return Err(parquet_error(
                    path,
                    format!("row {}: a null value", out.len() + 1),
                ));
            }
            out.push((s.value(i).to_string(), r.value(i).to_string(), c.value(i)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parquet_table_reads_as_the_same_csv_does() {
        let dir = std::env::temp_dir().join(format!("linkage-parquet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("first_name", DataType::Utf8, true),
            Field::new("last_name", DataType::Utf8, true),
            Field::new("email", DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(arrow_array::Int64Array::from(vec![1, 2, 3])),
                Arc::new(StringArray::from(vec![Some("Ann"), Some("Bill"), None])),
                Arc::new(StringArray::from(vec![
                    Some("Lee"),
                    Some("Smith"),
                    Some("Jones"),
                ])),
                Arc::new(StringArray::from(vec![
                    Some("ann@lee.org"),
                    None,
                    Some("j@x.com"),
                ])),
            ],
        )
        .unwrap();
        let path = dir.join("crm.parquet");
        let mut w = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let csv = "id,first_name,last_name,email\n1,Ann,Lee,ann@lee.org\n2,Bill,Smith,\n3,,Jones,j@x.com\n";
        let csv_path = dir.join("crm.csv");
        std::fs::write(&csv_path, csv).unwrap();
        let (from_parquet, s1, _) =
            crate::input::read_csv_files(&[&path], &CsvOptions::default()).unwrap();
        let (from_csv, s2, _) =
            crate::input::read_csv_files(&[&csv_path], &CsvOptions::default()).unwrap();
        assert_eq!(from_parquet.records, from_csv.records);
        assert_eq!(s1[0].columns, s2[0].columns);

        let refs: Vec<RecordRef> = (0..3)
            .map(|i| RecordRef {
                source: "crm".into(),
                id: i.to_string(),
            })
            .collect();
        let out = dir.join("clusters.parquet");
        write_clusters(&refs, &[0, 1, 0], File::create(&out).unwrap(), &out).unwrap();
        let back = read_clusters(&out).unwrap();
        assert_eq!(back[2], ("crm".to_string(), "2".to_string(), 0));
        assert!(read_clusters(&csv_path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
