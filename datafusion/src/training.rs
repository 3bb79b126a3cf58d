//! Stage 4a as a plan: the comparison-pattern counts EM trains on,
//! aggregated by the engine over `cand` (a few thousand rows whatever the
//! pair count), into the core's [`PatternTable`].

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, UInt64Type};
use datafusion::prelude::SessionContext;
use linkage::score::patterns::PatternTable;

use crate::blocking::Blocking;
use crate::error::{Error, Result};
use crate::tables::{collect, column};

/// The pattern table of the candidate pairs in `cand`.
pub(crate) async fn pattern_table(
    ctx: &SessionContext,
    comparisons: usize,
    blocking: &Blocking,
) -> Result<PatternTable> {
    let mut table = PatternTable::new(comparisons, blocking.rules.len());
    let rows = collect(
        ctx,
        "SELECT levels, mask, count(*) AS n FROM cand GROUP BY levels, mask",
    )
    .await?;
    for b in &rows {
        let levels = column(b, 0, &DataType::Binary, "patterns")?;
        let mask = column(b, 1, &DataType::UInt64, "patterns")?;
        let n = column(b, 2, &DataType::UInt64, "patterns")?;
        let (levels, mask, n) = (
            levels.as_binary::<i32>(),
            mask.as_primitive::<UInt64Type>(),
            n.as_primitive::<UInt64Type>(),
        );
        for i in 0..b.num_rows() {
            if levels.is_null(i) || mask.is_null(i) || n.is_null(i) {
                return Err(Error::table("cand", "a pair without levels"));
            }
            if levels.value(i).len() != comparisons {
                return Err(Error::table("cand", "levels of the wrong width"));
            }
            table.add_counted(levels.value(i), mask.value(i), n.value(i));
        }
    }
    for q in blocking.windowed() {
        let rows = collect(
            ctx,
            &format!("SELECT levels, sum(u{q}) AS n FROM cand WHERE u{q} > 0 GROUP BY levels"),
        )
        .await?;
        for b in &rows {
            let levels = column(b, 0, &DataType::Binary, "unseen")?;
            let n = column(b, 1, &DataType::UInt64, "unseen")?;
            let (levels, n) = (levels.as_binary::<i32>(), n.as_primitive::<UInt64Type>());
            for i in 0..b.num_rows() {
                if !levels.is_null(i) && !n.is_null(i) {
                    table.add_unseen_counted(levels.value(i), q, n.value(i));
                }
            }
        }
    }
    Ok(table)
}
