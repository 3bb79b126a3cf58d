//! Stage 5 as a plan: connected components of the links by label
//! propagation in the engine (each record takes the smallest label among
//! itself, its neighbours and its label's label, until nothing changes),
//! then the core's clustering rule on each component apart, in parallel
//! (components are person-sized), and cluster ids numbered as the core
//! numbers them.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch, UInt32Array};
use datafusion::arrow::datatypes::{DataType, Field, Schema, UInt32Type};
use datafusion::prelude::SessionContext;
use linkage::cluster::{Clustering, Link};
use linkage::normalize::NormalizedRecord;
use linkage::pipeline::engine::{cluster_component, judge_cross, number_clusters, LinkCut};
use linkage::score::{Scorer, TermFrequencies};
use linkage::Settings;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::tables::{collect, count_of, materialize, register, write_small, WorkDir};

/// Label propagation rounds at most (each round at least halves a chain's
/// remaining length through the label-of-label step).
const MAX_ROUNDS: usize = 200;

/// The component label of every record in a link (`record -> label`, the
/// smallest record index of its component), and the rounds it took.
pub(crate) async fn components(
    ctx: &SessionContext,
    work: &WorkDir,
    links: &[Link],
) -> Result<(BTreeMap<u32, u32>, usize)> {
    if links.is_empty() {
        return Ok((BTreeMap::new(), 0));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::UInt32, false),
        Field::new("b", DataType::UInt32, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(UInt32Array::from_iter_values(links.iter().map(|l| l.a))),
            Arc::new(UInt32Array::from_iter_values(links.iter().map(|l| l.b))),
        ],
    )
    .map_err(|e| Error::table("links", e))?;
    let dir = work.table("links");
    write_small(&dir, schema, vec![batch])?;
    register(ctx, "links", &dir).await?;
    materialize(
        ctx,
        "SELECT a AS n, b AS m FROM links UNION ALL SELECT b AS n, a AS m FROM links",
        &work.table("edges"),
        "edges",
    )
    .await?;
    materialize(
        ctx,
        "SELECT n, min(CASE WHEN m < n THEN m ELSE n END) AS l FROM edges GROUP BY n",
        &work.table("lab0"),
        "lab0",
    )
    .await?;
    let mut rounds = 0;
    loop {
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err(Error::table(
                "components",
                format!("labels still changing after {MAX_ROUNDS} rounds"),
            ));
        }
        let (old, new) = (format!("lab{}", rounds - 1), format!("lab{rounds}"));
        materialize(
            ctx,
            &format!(
                "SELECT x.n AS n, CASE WHEN j.l < x.l THEN j.l ELSE x.l END AS l FROM \
                   (SELECT e.n AS n, min(CASE WHEN lm.l < ln.l THEN lm.l ELSE ln.l END) AS l \
                    FROM edges e JOIN {old} lm ON e.m = lm.n JOIN {old} ln ON e.n = ln.n GROUP BY e.n) x \
                 JOIN {old} j ON x.l = j.n"
            ),
            &work.table(&new),
            &new,
        )
        .await?;
        let changed = count_of(
            &collect(
                ctx,
                &format!("SELECT count(*) FROM {new} x JOIN {old} y ON x.n = y.n WHERE x.l <> y.l"),
            )
            .await?,
            "components",
        )?;
        if changed == 0 {
            let mut labels = BTreeMap::new();
            for b in collect(ctx, &format!("SELECT n, l FROM {new}")).await? {
                let n = crate::tables::column(&b, 0, &DataType::UInt32, "components")?;
                let l = crate::tables::column(&b, 1, &DataType::UInt32, "components")?;
                let (n, l) = (
                    n.as_primitive::<UInt32Type>(),
                    l.as_primitive::<UInt32Type>(),
                );
                for i in 0..b.num_rows() {
                    if !n.is_null(i) && !l.is_null(i) {
                        labels.insert(n.value(i), l.value(i));
                    }
                }
            }
            return Ok((labels, rounds));
        }
    }
}

/// The clusters of all `records` from the links and their components: the
/// core's rule per component, in parallel.
pub(crate) fn cluster(
    records: &[NormalizedRecord],
    tf: &TermFrequencies,
    settings: &Settings,
    links: Vec<Link>,
    labels: &BTreeMap<u32, u32>,
) -> Result<Clustering> {
    let mut by_component: BTreeMap<u32, (Vec<u32>, Vec<Link>)> = BTreeMap::new();
    for (&n, &l) in labels {
        by_component.entry(l).or_default().0.push(n);
    }
    for link in links {
        let l = labels
            .get(&link.a)
            .ok_or_else(|| Error::table("components", "a linked record without a label"))?;
        by_component
            .get_mut(l)
            .ok_or_else(|| Error::table("components", "a label without members"))?
            .1
            .push(link);
    }
    let scorer = Scorer::new(
        &settings.comparisons,
        settings.prior,
        settings.cluster.contradiction_weight,
        tf,
        records,
    );
    let cut = LinkCut::new(settings);
    let parts: Vec<(u32, Vec<u32>, Clustering)> = by_component
        .into_par_iter()
        .map(|(label, (members, links))| {
            let c = cluster_component(&members, &links, &settings.cluster, |a, b| {
                judge_cross(&scorer.score(a as usize, b as usize), &cut)
            })?;
            Ok((label, members, c))
        })
        .collect::<linkage::Result<_>>()?;
    // Records outside every component are clusters of their own: their
    // label is their index with no cluster part (a component's label is a
    // member's index, never theirs).
    let mut label: Vec<u64> = (0..records.len() as u64)
        .map(|r| (r << 32) | u64::from(u32::MAX))
        .collect();
    let mut out = Clustering::default();
    for (component, members, c) in parts {
        for (i, &r) in members.iter().enumerate() {
            label[r as usize] = (u64::from(component) << 32) | u64::from(c.cluster_of[i]);
        }
        out.accepted.extend(c.accepted.iter().map(|l| Link {
            a: members[l.a as usize],
            b: members[l.b as usize],
            ..*l
        }));
        out.vetoed += c.vetoed;
        out.ambiguous += c.ambiguous;
    }
    out.cluster_of = number_clusters(&label);
    Ok(out)
}
