//! A Ballista executor that knows linkage's functions (the plan of
//! `linkage-datafusion` calls them on every executor).
//!
//! ```text
//! cargo run --release -p linkage-datafusion --example executor -- \
//!     [--scheduler HOST:PORT] [--port P] [--grpc-port P] [--work-dir DIR] [--slots N]
//! ```
//!
//! Defaults: scheduler `localhost:50050`, port 50051, gRPC port 50052, as
//! many task slots as cores, a fresh work directory under the temporary
//! directory. Stops on Ctrl-C or SIGTERM.

use std::sync::Arc;

use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};

fn value<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = ExecutorProcessConfig::default();
    if let Some(s) = value::<String>(&args, "--scheduler")? {
        let (host, port) = s.rsplit_once(':').ok_or("--scheduler needs HOST:PORT")?;
        config.scheduler_host = host.to_string();
        config.scheduler_port = port.parse().map_err(|_| "--scheduler: bad port")?;
    }
    if let Some(p) = value(&args, "--port")? {
        config.port = p;
    }
    if let Some(p) = value(&args, "--grpc-port")? {
        config.grpc_port = p;
    }
    if let Some(d) = value::<String>(&args, "--work-dir")? {
        config.work_dir = Some(d);
    }
    if let Some(n) = value(&args, "--slots")? {
        config.vcores = n;
    }
    config.print_thread_info = false;
    let mut registry = BallistaFunctionRegistry::default();
    for f in linkage_datafusion::udf::udfs() {
        registry
            .scalar_functions
            .insert(f.name().to_string(), Arc::new(f));
    }
    config.override_function_registry = Some(Arc::new(registry));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(start_executor_process(Arc::new(config)))?;
    Ok(())
}
