//! A Ballista scheduler that knows linkage's functions (it plans the
//! queries of `linkage-datafusion`, which call them).
//!
//! ```text
//! cargo run --release -p linkage-datafusion --example scheduler -- [--port 50050]
//! ```
//!
//! Listens on 127.0.0.1 (`--bind HOST` for another address). Stops on
//! Ctrl-C or SIGTERM.

use std::sync::Arc;

use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::execution::{FunctionRegistry, SessionState};
use datafusion::prelude::SessionConfig;

fn value(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
    }
}

/// Ballista's session state, with linkage's functions.
fn session_state(config: SessionConfig) -> datafusion::common::Result<SessionState> {
    let mut state = ballista_core::utils::default_session_builder(config)?;
    for f in linkage_datafusion::udf::udfs() {
        state.register_udf(Arc::new(f))?;
    }
    Ok(state)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port: u16 = match value(&args, "--port")? {
        Some(p) => p.parse().map_err(|_| "--port: not a port")?,
        None => 50050,
    };
    let host = value(&args, "--bind")?.unwrap_or_else(|| "127.0.0.1".into());
    let addr = format!("{host}:{port}").parse()?;
    let config = SchedulerConfig::default()
        .with_hostname(host)
        .with_port(port)
        .with_override_session_builder(Arc::new(session_state));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let cluster = BallistaCluster::new_from_config(&config).await?;
        start_server(cluster, addr, Arc::new(config)).await
    })?;
    Ok(())
}
