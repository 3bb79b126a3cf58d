//! Stage 6, **explain**: why a pair scored as it did (each field's level
//! and weight, the data behind a waterfall chart) and which links hold a
//! cluster together.

use serde::{Deserialize, Serialize};

/// One comparison's part in a pair's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldContribution {
    /// Comparison name.
    pub comparison: String,
    /// Index of the level reached.
    pub level: u8,
    /// Label of the level reached.
    pub label: String,
    /// m of that level.
    pub m: f64,
    /// u of that level.
    pub u: f64,
    /// log2(m/u) (0 for a missing value).
    pub weight: f64,
    /// Term-frequency adjustment added to the weight.
    pub tf_adjustment: f64,
}

/// A record named by source and id (no values, so explanations can be
/// logged without personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRef {
    /// Source system.
    pub source: String,
    /// Record id in that source.
    pub id: String,
}

/// A pair's score, field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairExplanation {
    /// First record.
    pub a: RecordRef,
    /// Second record.
    pub b: RecordRef,
    /// The prior's weight, where the waterfall starts.
    pub prior_weight: f64,
    /// Each comparison's contribution, in settings order.
    pub fields: Vec<FieldContribution>,
    /// Total match weight: prior plus every contribution.
    pub total_weight: f64,
    /// Match probability.
    pub probability: f64,
}

/// The links that hold one cluster together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterExplanation {
    /// Cluster id.
    pub cluster_id: u32,
    /// Member records.
    pub records: Vec<RecordRef>,
    /// The accepted links, each explained.
    pub links: Vec<PairExplanation>,
}
