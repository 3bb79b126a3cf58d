//! Where the plan runs: a DataFusion session in this process (all cores,
//! a memory pool with spilling to disk), or a Ballista cluster.

use std::sync::Arc;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::config::BALLISTA_SHUFFLE_COMPRESSION_CODEC;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::error::{Error, Result};

/// Where the pipeline's plan runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// A DataFusion session in this process.
    InProcess {
        /// Bytes the engine's operators may hold (joins, sorts and
        /// aggregates spill to the system's temporary directory beyond it).
        memory_limit: usize,
        /// Partitions each stage runs as (default: the cores).
        partitions: Option<usize>,
    },
    /// A Ballista scheduler at `df://HOST:PORT` whose executors know this
    /// crate's functions (see `examples/executor.rs`).
    Ballista {
        /// The scheduler, `df://HOST:PORT`.
        url: String,
    },
}

impl Engine {
    /// In process, with half the machine's memory (4 GiB when it cannot be
    /// read) as the limit.
    pub fn in_process() -> Engine {
        Engine::InProcess {
            memory_limit: default_memory_limit(),
            partitions: None,
        }
    }
}

/// Half of the machine's memory, from `/proc/meminfo`.
fn default_memory_limit() -> usize {
    let total_kb = std::fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        s.lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<usize>().ok())
    });
    total_kb.map_or(4 << 30, |kb| kb * 1024 / 2)
}

/// The session's configuration: what the plan relies on.
fn config(base: SessionConfig, partitions: Option<usize>) -> SessionConfig {
    let mut c = base
        .with_information_schema(false)
        // Binary and text columns as plain Arrow arrays (the functions cast
        // anything else).
        .set_bool(
            "datafusion.execution.parquet.schema_force_view_types",
            false,
        );
    if let Some(p) = partitions {
        c = c.with_target_partitions(p.max(1));
    }
    c
}

/// A session for `engine`, with the crate's functions registered.
pub(crate) async fn context(engine: &Engine) -> Result<SessionContext> {
    let ctx = match engine {
        Engine::InProcess {
            memory_limit,
            partitions,
        } => {
            let runtime = RuntimeEnvBuilder::new()
                .with_memory_pool(Arc::new(FairSpillPool::new(*memory_limit)))
                .with_disk_manager_builder(
                    DiskManagerBuilder::default().with_mode(DiskManagerMode::OsTmpDirectory),
                )
                .build_arc()?;
            SessionContext::new_with_config_rt(config(SessionConfig::new(), *partitions), runtime)
        }
        Engine::Ballista { url } => {
            if !url.starts_with("df://") {
                return Err(Error::Options(format!(
                    "--cluster '{url}': expected df://HOST:PORT"
                )));
            }
            // Shuffles compressed with zstd: Ballista's default, LZ4
            // frames, failed to decompress on a 1M-record run
            // (`DecompressionError(OffsetZero)` reading a shuffle).
            let ballista = SessionConfig::new_with_ballista()
                .set_str(BALLISTA_SHUFFLE_COMPRESSION_CODEC, "zstd");
            let state = datafusion::execution::SessionStateBuilder::new()
                .with_config(config(ballista, None))
                .with_default_features()
                .build();
            let ctx = SessionContext::remote_with_state(url, state).await?;
            ctx
        }
    };
    crate::udf::register(&ctx);
    Ok(ctx)
}
