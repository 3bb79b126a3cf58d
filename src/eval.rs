//! Evaluation against ground truth: pairwise precision, recall and F1 over
//! record pairs placed in the same cluster.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::record::Dataset;

/// The true entity of each record, keyed by (source, record id).
#[derive(Debug, Clone, Default)]
pub struct Truth {
    entity_of: HashMap<(String, String), String>,
}

impl Truth {
    /// Reads a truth CSV with the columns `source`, `record_id`, `entity_id`
    /// (in any order; other columns ignored).
    pub fn from_csv(path: &Path) -> Result<Truth> {
        let err = |reason: String| Error::Truth {
            path: path.to_path_buf(),
            reason,
        };
        let mut rdr = csv::Reader::from_path(path).map_err(|e| err(e.to_string()))?;
        let headers = rdr.headers().map_err(|e| err(e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| err(format!("no '{name}' column")))
        };
        let (s, r, e) = (col("source")?, col("record_id")?, col("entity_id")?);
        let mut entity_of = HashMap::new();
        for row in rdr.records() {
            let row = row.map_err(|e| err(e.to_string()))?;
            let get = |i: usize| row.get(i).unwrap_or("").trim().to_string();
            entity_of.insert((get(s), get(r)), get(e));
        }
        Ok(Truth { entity_of })
    }

    /// Builds a truth from (source, record id, entity id) triples.
    pub fn from_triples<I, S>(triples: I) -> Truth
    where
        I: IntoIterator<Item = (S, S, S)>,
        S: Into<String>,
    {
        Truth {
            entity_of: triples
                .into_iter()
                .map(|(s, r, e)| ((s.into(), r.into()), e.into()))
                .collect(),
        }
    }

    /// The entity of a record, if the truth names it.
    pub fn entity(&self, source: &str, id: &str) -> Option<&str> {
        self.entity_of
            .get(&(source.to_string(), id.to_string()))
            .map(String::as_str)
    }
}

/// Pairwise quality of a clustering.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Share of predicted same-cluster pairs that are true matches.
    pub precision: f64,
    /// Share of true matching pairs placed in the same cluster.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Same-cluster pairs that are true matches.
    pub true_positives: u64,
    /// Same-cluster pairs.
    pub predicted_pairs: u64,
    /// True matching pairs.
    pub true_pairs: u64,
    /// Number of clusters.
    pub clusters: usize,
    /// Number of true entities.
    pub entities: usize,
    /// Records the truth does not name (each counted as its own entity).
    pub records_without_truth: usize,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores `cluster_of` (one cluster id per record of `dataset`) against the truth.
pub fn evaluate(dataset: &Dataset, cluster_of: &[u32], truth: &Truth) -> Metrics {
    let mut entity_ids: HashMap<&str, u32> = HashMap::new();
    let mut missing = 0;
    let mut entity_of = Vec::with_capacity(dataset.len());
    for r in &dataset.records {
        let e = match truth.entity(dataset.source_name(r), &r.id) {
            Some(e) => {
                let next = entity_ids.len() as u32;
                *entity_ids.entry(e).or_insert(next)
            }
            None => {
                missing += 1;
                u32::MAX - missing
            }
        };
        entity_of.push(e);
    }
    let mut per_cluster: HashMap<u32, u64> = HashMap::new();
    let mut per_entity: HashMap<u32, u64> = HashMap::new();
    let mut per_both: HashMap<(u32, u32), u64> = HashMap::new();
    for (&c, &e) in cluster_of.iter().zip(&entity_of) {
        *per_cluster.entry(c).or_default() += 1;
        *per_entity.entry(e).or_default() += 1;
        *per_both.entry((c, e)).or_default() += 1;
    }
    let tp: u64 = per_both.values().map(|&n| pairs(n)).sum();
    let predicted: u64 = per_cluster.values().map(|&n| pairs(n)).sum();
    let truth_pairs: u64 = per_entity.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, predicted);
    let recall = ratio(tp, truth_pairs);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Metrics {
        precision,
        recall,
        f1,
        true_positives: tp,
        predicted_pairs: predicted,
        true_pairs: truth_pairs,
        clusters: per_cluster.len(),
        entities: per_entity.len(),
        records_without_truth: missing as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    #[test]
    fn pairwise_metrics() {
        let mut d = Dataset::default();
        d.add_source("s");
        for i in 0..4 {
            d.records.push(Record::new(0, format!("r{i}")));
        }
        let truth = Truth::from_triples([
            ("s", "r0", "A"),
            ("s", "r1", "A"),
            ("s", "r2", "A"),
            ("s", "r3", "B"),
        ]);
        // Clusters {r0, r1}, {r2, r3}: 1 true pair of 2 predicted; 3 true pairs.
        let m = evaluate(&d, &[0, 0, 1, 1], &truth);
        assert_eq!(
            (m.true_positives, m.predicted_pairs, m.true_pairs),
            (1, 2, 3)
        );
        assert!((m.precision - 0.5).abs() < 1e-12);
        assert!((m.recall - 1.0 / 3.0).abs() < 1e-12);
        assert!((m.f1 - 0.4).abs() < 1e-12);
        assert_eq!((m.clusters, m.entities), (2, 2));
        let perfect = evaluate(&d, &[0, 0, 0, 1], &truth);
        assert_eq!(perfect.f1, 1.0);
    }
}
