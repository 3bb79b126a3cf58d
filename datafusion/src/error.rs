//! The crate's one error type.

/// What can go wrong running the pipeline on DataFusion or Ballista.
/// Messages name files, tables and columns, never a record's values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The core refused the input or the settings (file, row and reason).
    #[error(transparent)]
    Core(#[from] linkage::Error),
    /// The engine failed (planning, executing, spilling, a lost executor).
    #[error("engine: {0}")]
    Engine(#[from] datafusion::error::DataFusionError),
    /// A Parquet or Arrow file of the run's working directory.
    #[error("{path}: {reason}")]
    File {
        /// The file or directory.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A table the plan produced does not have the shape the next stage
    /// reads (a bug, not bad input).
    #[error("table '{table}': {reason}")]
    Table {
        /// The table.
        table: String,
        /// What is wrong.
        reason: String,
    },
    /// Options that cannot run (a cluster URL that is not `df://HOST:PORT`).
    #[error("{0}")]
    Options(String),
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn table(table: &str, reason: impl std::fmt::Display) -> Error {
        Error::Table {
            table: table.to_string(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn file(path: &std::path::Path, reason: impl std::fmt::Display) -> Error {
        Error::File {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}
