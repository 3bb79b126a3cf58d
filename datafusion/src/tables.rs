//! The run's tables: written as Parquet into the working directory (so a
//! Ballista executor on the same file system reads them, and an
//! in-process run spills nothing it does not have to hold), registered
//! with the session, and read back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BinaryBuilder, RecordBatch, UInt32Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use linkage::normalize::record::Attr;
use linkage::normalize::NormalizedRecord;
use linkage::pipeline::engine::{encode_record, encode_tf};
use linkage::score::TermFrequencies;

use crate::error::{Error, Result};

/// Rows per batch and Parquet row group written by the driver.
const ROWS: usize = 64 * 1024;

/// A directory for the run's tables, removed when dropped unless kept.
pub(crate) struct WorkDir {
    root: PathBuf,
    remove: bool,
}

impl WorkDir {
    /// A fresh directory under `parent` (created, with a name of its own).
    pub(crate) fn new(parent: &Path, keep: bool) -> Result<WorkDir> {
        static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root = parent.join(format!("linkage-df-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&root).map_err(|e| Error::file(&root, e))?;
        Ok(WorkDir {
            root,
            remove: !keep,
        })
    }

    /// The path of table `name` (a directory of Parquet files).
    pub(crate) fn table(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// Writes batches as one Parquet file `part-0.parquet` of directory `dir`.
fn write_batches(
    dir: &Path,
    schema: Arc<Schema>,
    batches: impl Iterator<Item = Result<RecordBatch>>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
    let path = dir.join("part-0.parquet");
    let file = std::fs::File::create(&path).map_err(|e| Error::file(&path, e))?;
    let mut w = ArrowWriter::try_new(file, schema, None).map_err(|e| Error::file(&path, e))?;
    for b in batches {
        w.write(&b?).map_err(|e| Error::file(&path, e))?;
    }
    w.close().map_err(|e| Error::file(&path, e))?;
    Ok(())
}

/// The `recs` table: record index, source index, the normalized record's
/// bytes.
pub(crate) fn write_records(
    dir: &Path,
    records: &[NormalizedRecord],
    sources: &[u32],
) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("idx", DataType::UInt32, false),
        Field::new("src", DataType::UInt32, false),
        Field::new("rec", DataType::Binary, false),
    ]));
    let s = schema.clone();
    let batches = (0..records.len()).step_by(ROWS).map(move |start| {
        let end = (start + ROWS).min(records.len());
        let mut rec = BinaryBuilder::with_capacity(end - start, (end - start) * 96);
        let mut buf = Vec::new();
        for r in &records[start..end] {
            buf.clear();
            encode_record(r, &mut buf);
            rec.append_value(&buf);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from_iter_values(start as u32..end as u32)),
            Arc::new(UInt32Array::from(sources[start..end].to_vec())),
            Arc::new(rec.finish()),
        ];
        RecordBatch::try_new(s.clone(), columns).map_err(|e| Error::table("recs", e))
    });
    write_batches(dir, schema, batches)
}

/// The `tfs` table: record index and the record's term frequencies (what
/// scoring a pair whose first record it is reads).
pub(crate) fn write_tf(dir: &Path, tf: &TermFrequencies, attrs: &[Attr], n: usize) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("idx", DataType::UInt32, false),
        Field::new("tf", DataType::Binary, false),
    ]));
    let s = schema.clone();
    let batches = (0..n).step_by(ROWS).map(move |start| {
        let end = (start + ROWS).min(n);
        let mut col = BinaryBuilder::with_capacity(end - start, (end - start) * 10);
        let mut buf = Vec::new();
        for r in start..end {
            buf.clear();
            encode_tf(tf, attrs, r, &mut buf);
            col.append_value(&buf);
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from_iter_values(start as u32..end as u32)),
            Arc::new(col.finish()),
        ];
        RecordBatch::try_new(s.clone(), columns).map_err(|e| Error::table("tfs", e))
    });
    write_batches(dir, schema, batches)
}

/// Writes in-memory batches (small tables: links) as table `dir`.
pub(crate) fn write_small(
    dir: &Path,
    schema: Arc<Schema>,
    batches: Vec<RecordBatch>,
) -> Result<()> {
    write_batches(dir, schema, batches.into_iter().map(Ok))
}

/// Registers the Parquet directory `dir` as table `name`.
pub(crate) async fn register(ctx: &SessionContext, name: &str, dir: &Path) -> Result<()> {
    let _ = ctx.deregister_table(name);
    let path = format!("{}/", dir.display());
    ctx.register_parquet(name, &path, ParquetReadOptions::default())
        .await?;
    Ok(())
}

/// Runs `sql` and writes its result as the Parquet directory `dir`
/// (appending files when it exists), then registers it as `name`. Returns
/// the rows written.
pub(crate) async fn materialize(
    ctx: &SessionContext,
    sql: &str,
    dir: &Path,
    name: &str,
) -> Result<u64> {
    std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
    let df = ctx.sql(sql).await?;
    let path = format!("{}/", dir.display());
    let written = df
        .write_parquet(&path, DataFrameWriteOptions::new(), None)
        .await?;
    register(ctx, name, dir).await?;
    count_of(&written, name)
}

/// The count of the first column of a one-row result (a write's row count
/// or a `count(*)`), 0 for no rows.
pub(crate) fn count_of(batches: &[RecordBatch], table: &str) -> Result<u64> {
    use datafusion::arrow::compute::cast;
    let mut total = 0u64;
    for b in batches {
        if b.num_columns() == 0 {
            continue;
        }
        let c = cast(b.column(0), &DataType::UInt64).map_err(|e| Error::table(table, e))?;
        let c = c
            .as_any()
            .downcast_ref::<datafusion::arrow::array::UInt64Array>()
            .ok_or_else(|| Error::table(table, "count is not an integer"))?;
        total += c.iter().flatten().sum::<u64>();
    }
    Ok(total)
}

/// Runs `sql` and collects its result on the driver.
pub(crate) async fn collect(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    Ok(ctx.sql(sql).await?.collect().await?)
}

/// Column `i` of a batch as `to` (cast when needed), for reading results.
pub(crate) fn column(
    batch: &RecordBatch,
    i: usize,
    to: &DataType,
    table: &str,
) -> Result<ArrayRef> {
    let c = batch
        .columns()
        .get(i)
        .ok_or_else(|| Error::table(table, format!("no column {i}")))?;
    datafusion::arrow::compute::cast(c, to).map_err(|e| Error::table(table, e))
}

/// A JSON text as an SQL string literal.
pub(crate) fn sql_text(json: &str) -> String {
    format!("'{}'", json.replace('\'', "''"))
}
