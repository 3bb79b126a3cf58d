//! Stage 2 and 3 as a plan: blocking keys per record, each rule's blocks
//! (in full up to the core's cap, beyond it a window over the name order),
//! candidate pairs by equi-joins on the keys, each pair kept by the first
//! rule that generates it, then compared.
//!
//! Tables (Parquet directories of the working directory):
//! - `keys`: `idx, src, rec`, one key `k<r>` per rule, the name order
//!   `o0..o3`;
//! - `win<r>` (rules with oversized blocks): `idx, pos` (place in its
//!   block's name order), `unseen` (never-compared pairs per far-edge pair);
//! - `rk`: `keys` with `p<r>` and `e<r>` per rule (null outside oversized
//!   blocks);
//! - `cand`: every candidate pair once: `a < b`, `levels` (one byte per
//!   comparison), `mask` (bit `r`: the pair agrees on rule `r`'s key), and
//!   `u<r>` per windowed rule (never-compared pairs a far-edge pair stands
//!   for).

use std::sync::Arc;

use datafusion::arrow::array::{Int64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::SessionContext;
use linkage::block::{window_limit, LinkMode, WindowLimit};
use linkage::Settings;

use crate::error::{Error, Result};
use crate::tables::{collect, column, materialize, register, sql_text, write_small, WorkDir};

/// What blocking did for one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleStats {
    /// The rule's name.
    pub rule: String,
    /// Records that have the rule's key.
    pub records_with_key: u64,
    /// Records of the largest block.
    pub largest_block: u64,
    /// Blocks over the cap, compared through a window.
    pub oversized_blocks: u64,
    /// The core's limit for the rule (cap and window).
    pub limit: WindowLimit,
    /// Pairs this rule generated that no earlier rule did.
    pub new_pairs: u64,
}

/// The blocking stage's result: the `cand` table is registered.
#[derive(Debug, Clone, Default)]
pub struct Blocking {
    /// Per rule.
    pub rules: Vec<RuleStats>,
    /// Distinct candidate pairs.
    pub pairs: u64,
}

impl Blocking {
    /// Rules with oversized blocks (those with `u<r>` columns in `cand`).
    pub(crate) fn windowed(&self) -> Vec<usize> {
        (0..self.rules.len())
            .filter(|&r| self.rules[r].oversized_blocks > 0)
            .collect()
    }
}

/// Runs blocking and comparing over the registered `recs` table of
/// `records` records; leaves `cand` registered.
pub(crate) async fn candidates(
    ctx: &SessionContext,
    work: &WorkDir,
    settings: &Settings,
    records: usize,
) -> Result<Blocking> {
    let rules = &settings.blocking.rules;
    if rules.len() > 63 {
        return Err(Error::Options(format!(
            "{} blocking rules: the DataFusion plan takes at most 63",
            rules.len()
        )));
    }
    let rules_json =
        sql_text(&serde_json::to_string(rules).map_err(|e| Error::table("settings", e))?);
    let mut cols = vec!["idx".to_string(), "src".into(), "rec".into()];
    for r in 0..rules.len() {
        cols.push(format!("linkage_block_key({rules_json}, {r}, rec) AS k{r}"));
    }
    for p in 0..4 {
        cols.push(format!("linkage_order_key(rec, {p}) AS o{p}"));
    }
    let sql = format!("SELECT {} FROM recs", cols.join(", "));
    materialize(ctx, &sql, &work.table("keys"), "keys").await?;

    // Each rule's block sizes, as a histogram, decide its limit (the core's).
    let mut stats = Vec::with_capacity(rules.len());
    for (r, rule) in rules.iter().enumerate() {
        let hist = collect(
            ctx,
            &format!(
                "SELECT size, count(*) AS blocks FROM \
                 (SELECT count(*) AS size FROM keys WHERE k{r} IS NOT NULL GROUP BY k{r}) s \
                 GROUP BY size ORDER BY size"
            ),
        )
        .await?;
        let mut sizes = Vec::new();
        for b in &hist {
            let s = column(b, 0, &DataType::UInt64, "block sizes")?;
            let n = column(b, 1, &DataType::UInt64, "block sizes")?;
            let (s, n) = (as_u64(&s)?, as_u64(&n)?);
            for (s, n) in s.iter().zip(n.iter()) {
                let (Some(s), Some(n)) = (s, n) else { continue };
                sizes.extend(std::iter::repeat_n(s as usize, n as usize));
            }
        }
        let limit = rule.limit(window_limit(&sizes, records, &settings.blocking));
        let oversized = sizes.iter().filter(|&&s| s > limit.cap).count() as u64;
        stats.push(RuleStats {
            rule: rule.name.clone(),
            records_with_key: sizes.iter().map(|&s| s as u64).sum(),
            largest_block: sizes.iter().copied().max().unwrap_or(0) as u64,
            oversized_blocks: oversized,
            limit,
            new_pairs: 0,
        });
        if oversized > 0 {
            let same = match settings.link_mode {
                LinkMode::LinkAndDedupe => "0",
                LinkMode::LinkOnly => "sum(c * (c - 1) / 2)",
            };
            let sql = format!(
                "SELECT k.idx AS idx, \
                   CAST(row_number() OVER (PARTITION BY k.k{r} ORDER BY k.o0, k.o1, k.o2, k.o3, k.idx) AS BIGINT) - 1 AS pos, \
                   CAST(linkage_unseen_per_edge(b.size, b.size * (b.size - 1) / 2 - b.same, {w}) AS BIGINT) AS unseen \
                 FROM keys k JOIN \
                   (SELECT bk, CAST(sum(c) AS BIGINT) AS size, CAST({same} AS BIGINT) AS same FROM \
                     (SELECT k{r} AS bk, src, count(*) AS c FROM keys WHERE k{r} IS NOT NULL GROUP BY k{r}, src) bs \
                    GROUP BY bk HAVING sum(c) > {cap}) b \
                 ON k.k{r} = b.bk",
                w = limit.window,
                cap = limit.cap,
            );
            materialize(
                ctx,
                &sql,
                &work.table(&format!("win{r}")),
                &format!("win{r}"),
            )
            .await?;
            // The offsets of a record's window neighbours, 1..=window.
            let schema = Arc::new(Schema::new(vec![Field::new("d", DataType::Int64, false)]));
            let offsets = Int64Array::from_iter_values(1..=limit.window.max(1) as i64);
            let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(offsets)])
                .map_err(|e| Error::table("offsets", e))?;
            let dir = work.table(&format!("offs{r}"));
            write_small(&dir, schema, vec![batch])?;
            register(ctx, &format!("offs{r}"), &dir).await?;
        }
    }

    // Every record with each rule's key and window place.
    let mut cols = vec![
        "k.idx AS idx".to_string(),
        "k.src AS src".into(),
        "k.rec AS rec".into(),
    ];
    let mut joins = String::new();
    for (r, s) in stats.iter().enumerate() {
        cols.push(format!("k.k{r} AS k{r}"));
        if s.oversized_blocks > 0 {
            cols.push(format!("w{r}.pos AS p{r}"));
            cols.push(format!("w{r}.unseen AS e{r}"));
            joins.push_str(&format!(" LEFT JOIN win{r} w{r} ON k.idx = w{r}.idx"));
        } else {
            cols.push(format!("CAST(NULL AS BIGINT) AS p{r}"));
            cols.push(format!("CAST(NULL AS BIGINT) AS e{r}"));
        }
    }
    let sql = format!("SELECT {} FROM keys k{joins}", cols.join(", "));
    materialize(ctx, &sql, &work.table("rk"), "rk").await?;

    // Candidate pairs, rule by rule, into one table.
    let comparisons = sql_text(
        &serde_json::to_string(&settings.comparisons).map_err(|e| Error::table("settings", e))?,
    );
    let mut blocking = Blocking {
        rules: stats,
        pairs: 0,
    };
    let windowed = blocking.windowed();
    let cand = work.table("cand");
    for r in 0..rules.len() {
        for sql in rule_pairs_sql(
            r,
            &blocking.rules,
            &windowed,
            &comparisons,
            settings.link_mode,
        ) {
            let n = materialize(ctx, &sql, &cand, "cand").await?;
            blocking.rules[r].new_pairs += n;
            blocking.pairs += n;
        }
    }
    Ok(blocking)
}

fn as_u64(
    a: &datafusion::arrow::array::ArrayRef,
) -> Result<&datafusion::arrow::array::UInt64Array> {
    a.as_any()
        .downcast_ref::<datafusion::arrow::array::UInt64Array>()
        .ok_or_else(|| Error::table("block sizes", "not integers"))
}

/// The queries of rule `r`'s new candidate pairs with their levels, mask
/// and far-edge counts: one for the blocks compared in full, one more for
/// the oversized blocks' windows when the rule has any. Two queries, not
/// one `UNION ALL`: on Ballista 55 the union repeated the first branch's
/// rows once per partition of the stage (16 times; found by the 100k
/// bench, where the in-process plan was right).
fn rule_pairs_sql(
    r: usize,
    stats: &[RuleStats],
    windowed: &[usize],
    comparisons: &str,
    mode: LinkMode,
) -> Vec<String> {
    // Blocks compared in full: all pairs of records sharing the key.
    let full = format!(
        "SELECT a.idx AS a, b.idx AS b FROM \
           (SELECT idx, k{r} FROM rk WHERE k{r} IS NOT NULL AND p{r} IS NULL) a JOIN \
           (SELECT idx, k{r} FROM rk WHERE k{r} IS NOT NULL AND p{r} IS NULL) b \
         ON a.k{r} = b.k{r} AND a.idx < b.idx"
    );
    // Oversized blocks: each record with the next `window` in name order.
    let mut pair_queries = vec![full];
    if stats[r].oversized_blocks > 0 {
        pair_queries.push(format!(
            "SELECT CASE WHEN x.idx < y.idx THEN x.idx ELSE y.idx END AS a, \
                    CASE WHEN x.idx < y.idx THEN y.idx ELSE x.idx END AS b FROM \
               (SELECT rk.idx AS idx, rk.k{r} AS k, rk.p{r} + o.d AS tp FROM rk CROSS JOIN offs{r} o \
                WHERE rk.p{r} IS NOT NULL) x JOIN \
               (SELECT idx, k{r}, p{r} FROM rk WHERE p{r} IS NOT NULL) y \
             ON y.k{r} = x.k AND y.p{r} = x.tp"
        ));
    }
    let mut keep = Vec::new();
    if mode == LinkMode::LinkOnly {
        keep.push("ra.src <> rb.src".to_string());
    }
    // A pair an earlier rule generated (same key, within its window) is
    // that rule's.
    for (q, s) in stats.iter().enumerate().take(r) {
        let window = match s.oversized_blocks > 0 {
            true => format!(
                " AND (ra.p{q} IS NULL OR abs(ra.p{q} - rb.p{q}) <= {})",
                s.limit.window
            ),
            false => String::new(),
        };
        keep.push(format!("NOT COALESCE(ra.k{q} = rb.k{q}{window}, false)"));
    }
    let mask: Vec<String> = (0..stats.len())
        .map(|q| format!("CASE WHEN ra.k{q} = rb.k{q} THEN {} ELSE 0 END", 1u64 << q))
        .collect();
    let mut cols = vec![
        "p.a AS a".to_string(),
        "p.b AS b".into(),
        format!("linkage_levels({comparisons}, ra.rec, rb.rec) AS levels"),
        format!("CAST({} AS BIGINT) AS mask", mask.join(" + ")),
    ];
    for &q in windowed {
        cols.push(format!(
            "CAST(CASE WHEN ra.k{q} = rb.k{q} AND abs(ra.p{q} - rb.p{q}) = {} THEN ra.e{q} ELSE 0 END AS BIGINT) AS u{q}",
            stats[q].limit.window
        ));
    }
    let cols = cols.join(", ");
    let filter = match keep.is_empty() {
        true => String::new(),
        false => format!(" WHERE {}", keep.join(" AND ")),
    };
    pair_queries
        .iter()
        .map(|pairs| {
            format!(
                "SELECT {cols} FROM ({pairs}) p JOIN rk ra ON p.a = ra.idx JOIN rk rb ON p.b = rb.idx{filter}"
            )
        })
        .collect()
}
