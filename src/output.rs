//! Writing results: one row per input record with its cluster, and the
//! scored pairs with each field's level and weight.

use std::io::Write;

use crate::pipeline::Resolution;
use crate::score::probability;
use crate::store::GoldenRecord;

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

/// Writes the links (pairs at or above the threshold, and tentative
/// uncontested ones): both records, probability, total weight, whether the
/// link is tentative, then for each comparison its level label and weight.
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
        "tentative".into(),
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
            p.tentative.to_string(),
        ];
        for f in &ex.fields {
            row.push(f.label.clone());
            row.push(format!("{:.4}", f.weight + f.tf_adjustment));
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()
}

/// Writes golden records, one row per surviving value:
/// `identity,field,value,source,record_id,decided_by,support,conflict`.
/// Conflicting values of a field (two birth dates) follow as rows with
/// `conflict` set to `yes`.
pub fn write_golden<W: Write>(golden: &[GoldenRecord], out: W) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "identity",
        "field",
        "value",
        "source",
        "record_id",
        "decided_by",
        "support",
        "conflict",
    ])
    .map_err(csv_err)?;
    let name = |k: &crate::FieldKind| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    for g in golden {
        let id = g.identity.to_string();
        for f in &g.fields {
            let rule = f.decided_by.map_or(String::new(), |r| {
                serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            });
            w.write_record([
                id.as_str(),
                &name(&f.kind),
                &f.value,
                &f.from.source,
                &f.from.id,
                &rule,
                &f.support.to_string(),
                "",
            ])
            .map_err(csv_err)?;
        }
        for c in &g.conflicts {
            for (value, from) in &c.values {
                w.write_record([
                    id.as_str(),
                    &name(&c.kind),
                    value,
                    &from.source,
                    &from.id,
                    "",
                    "",
                    "yes",
                ])
                .map_err(csv_err)?;
            }
        }
    }
    w.flush()
}
