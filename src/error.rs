//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong, with where and why. Messages name the
/// file, row and column, never a whole record's values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A CSV file has no header row.
    #[error("{path}: the file is empty (no header row)")]
    EmptyFile {
        /// The file.
        path: PathBuf,
    },
    /// A row is not valid CSV or not valid UTF-8.
    #[error("{path}, row {row}: {reason}")]
    BadRow {
        /// The file.
        path: PathBuf,
        /// 1-based line number in the file (the header is line 1).
        row: u64,
        /// What is wrong.
        reason: String,
    },
    /// A row has a different number of fields than the header.
    #[error("{path}, row {row}: {found} fields where the header has {expected}")]
    RaggedRow {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        row: u64,
        /// Number of header fields.
        expected: usize,
        /// Number of fields in the row.
        found: usize,
    },
    /// Two rows of one source share a record id.
    #[error("{path}, row {row}: record id in column '{column}' repeats the id of row {first_row}")]
    DuplicateId {
        /// The file.
        path: PathBuf,
        /// The row with the repeated id.
        row: u64,
        /// The row that had it first.
        first_row: u64,
        /// The id column.
        column: String,
    },
    /// The `--id` column named is not in the header.
    #[error("{path}: no column '{column}' for the record id")]
    MissingIdColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
    },
    /// Settings that cannot work (a threshold outside 0-1, an empty comparison).
    #[error("invalid settings: {0}")]
    Settings(String),
    /// A user's column override (`HEADER=kind`, `source:HEADER=kind`) that
    /// cannot be read or matches no input column.
    #[error("column override '{spec}': {reason}")]
    ColumnOverride {
        /// The override as written (`source:HEADER=kind`).
        spec: String,
        /// What is wrong.
        reason: String,
    },
    /// A settings or model file that is not valid JSON for [`crate::Settings`].
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error, with line and column.
        source: serde_json::Error,
    },
    /// A truth file that lacks a needed column or names an unknown record.
    #[error("{path}: {reason}")]
    Truth {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A record names a source the identity store does not know.
    #[error("record '{id}': source index {source_index} is not registered in the store")]
    UnknownSource {
        /// The record id.
        id: String,
        /// The unknown source index.
        source_index: u32,
    },
    /// `add` of a record whose (source, id) is already in the store.
    #[error("{source_name} record '{id}' is already in the store (use update)")]
    DuplicateRecord {
        /// Source name.
        source_name: String,
        /// Record id.
        id: String,
    },
    /// `update` or `remove` of a record the store does not hold.
    #[error("{source_name} record '{id}' is not in the store")]
    UnknownRecord {
        /// Source name.
        source_name: String,
        /// Record id.
        id: String,
    },
    /// An identity store needs a trained model.
    #[error(
        "the identity store needs trained settings (resolve a batch first, or load a saved model)"
    )]
    UntrainedModel,
    /// A store file that is not a store, of another format version,
    /// truncated or corrupt. Nothing is loaded.
    #[error("{path}: {reason}")]
    StoreFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A durable store that another process (or another handle in this
    /// one) has open for writing.
    #[error("{path}: the store is open for writing elsewhere (one writer at a time; open it read-only to read)")]
    StoreLocked {
        /// The store.
        path: PathBuf,
    },
    /// A thread pool could not be built.
    #[error("thread pool: {0}")]
    ThreadPool(String),
    /// Data an external engine handed back to the pipeline is not what
    /// the pipeline wrote (see [`crate::pipeline::engine`]).
    #[error("{context}: {reason}")]
    Engine {
        /// What was being read (a table and column).
        context: String,
        /// What is wrong.
        reason: String,
    },
    /// A Parquet file could not be read or written (or this build lacks
    /// the `parquet` feature).
    #[error("{path}: {reason}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
