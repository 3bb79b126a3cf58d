//! Writing the clusters: Parquet or CSV by the file's extension.

use std::io::BufWriter;
use std::path::Path;

use crate::error::{Error, Result};
use crate::Outcome;

/// Writes `source, record_id, cluster_id` for every record to `path`:
/// Parquet when it ends in `.parquet`, else CSV (the core's columns).
pub fn write_clusters(outcome: &Outcome, path: &Path) -> Result<()> {
    let refs = outcome.refs();
    let cluster_of = &outcome.clustering.cluster_of;
    let file = std::fs::File::create(path).map_err(|e| Error::file(path, e))?;
    if linkage::parquet::is_parquet(path) {
        linkage::parquet::write_clusters(&refs, cluster_of, BufWriter::new(file), path)?;
        return Ok(());
    }
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    let bad = |e: csv::Error| Error::file(path, e);
    w.write_record(["source", "record_id", "cluster_id"])
        .map_err(bad)?;
    for (r, c) in refs.iter().zip(cluster_of) {
        w.write_record([r.source.as_str(), r.id.as_str(), &c.to_string()])
            .map_err(bad)?;
    }
    w.flush().map_err(|e| Error::file(path, e))
}
