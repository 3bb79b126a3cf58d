//! Writing results: one row per input record with its cluster, and the
//! scored pairs with each field's level and weight.

use std::io::Write;

use crate::pipeline::Resolution;
use crate::score::probability;

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// Writes `source,record_id,cluster_id`, one row per input record in input order.
pub fn write_clusters<W: Write>(resolution: &Resolution, out: W) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["source", "record_id", "cluster_id"])
        .map_err(csv_err)?;
    for (r, c) in resolution
        .refs
        .iter()
        .zip(&resolution.clustering.cluster_of)
    {
        w.write_record([r.source.as_str(), r.id.as_str(), &c.to_string()])
            .map_err(csv_err)?;
    }
    w.flush()
}

/// Writes the pairs at or above the threshold: both records, probability,
/// total weight, then for each comparison its level label and weight.
pub fn write_pairs<W: Write>(resolution: &Resolution, out: W) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let comps = &resolution.settings.comparisons;
    let mut header = vec![
        "source_a".to_string(),
        "record_id_a".into(),
        "source_b".into(),
        "record_id_b".into(),
        "probability".into(),
        "match_weight".into(),
    ];
    for c in comps {
        header.push(format!("{}_level", c.name));
        header.push(format!("{}_weight", c.name));
    }
    w.write_record(&header).map_err(csv_err)?;
    let mut links: Vec<_> = resolution.links.iter().collect();
    links.sort_by_key(|p| (p.a, p.b));
    for p in links {
        let Some(ex) = resolution.explain_pair(p.a as usize, p.b as usize) else {
            continue;
        };
        let mut row = vec![
            ex.a.source.clone(),
            ex.a.id.clone(),
            ex.b.source.clone(),
            ex.b.id.clone(),
            format!("{:.6}", probability(p.weight)),
            format!("{:.4}", p.weight),
        ];
        for f in &ex.fields {
            row.push(f.label.clone());
            row.push(format!("{:.4}", f.weight + f.tf_adjustment));
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()
}
