//! Stage 4b as a plan: every candidate pair weighed with the trained model
//! (the core's weights, term frequencies of the pair's first record) and
//! cut to the links.

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int8Type, UInt32Type};
use datafusion::prelude::SessionContext;
use linkage::cluster::Link;
use linkage::pipeline::engine::LinkCut;
use linkage::Settings;

use crate::error::{Error, Result};
use crate::tables::{collect, column, sql_text};

/// The links among the pairs of `cand` (the `tfs` table registered),
/// sorted by record indices (a deterministic order).
pub(crate) async fn links(ctx: &SessionContext, settings: &Settings) -> Result<Vec<Link>> {
    let model =
        sql_text(&serde_json::to_string(settings).map_err(|e| Error::table("settings", e))?);
    let sql = format!(
        "SELECT a, b, w, kind FROM \
           (SELECT c.a AS a, c.b AS b, linkage_weight({model}, c.levels, t.tf) AS w, \
                   linkage_link({model}, c.levels, t.tf) AS kind \
            FROM cand c JOIN tfs t ON c.a = t.idx) \
         WHERE kind IS NOT NULL"
    );
    let mut out = Vec::new();
    for b in collect(ctx, &sql).await? {
        let a = column(&b, 0, &DataType::UInt32, "links")?;
        let bb = column(&b, 1, &DataType::UInt32, "links")?;
        let w = column(&b, 2, &DataType::Float64, "links")?;
        let kind = column(&b, 3, &DataType::Int8, "links")?;
        let (a, bb, w, kind) = (
            a.as_primitive::<UInt32Type>(),
            bb.as_primitive::<UInt32Type>(),
            w.as_primitive::<Float64Type>(),
            kind.as_primitive::<Int8Type>(),
        );
        for i in 0..b.num_rows() {
            if a.is_null(i) || bb.is_null(i) || w.is_null(i) || kind.is_null(i) {
                return Err(Error::table("links", "a null in a link"));
            }
            out.push(LinkCut::link_of_kind(
                a.value(i),
                bb.value(i),
                w.value(i),
                kind.value(i),
            ));
        }
    }
    out.sort_by_key(|l| (l.a, l.b));
    Ok(out)
}
