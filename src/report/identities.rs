//! Section 6: identities: the cluster-size histogram, the largest
//! identities, and a sample (the largest, borderline ones joined by the
//! weakest links, and ones a join was refused to) drawn as graphs of their
//! members and links.

use std::collections::{HashMap, HashSet};

use super::html::{count, Esc, Page};
use super::redact::shown;
use super::svg::{columns, graph, Edge, Node};
use super::Ctx;
use crate::pipeline::ScoredPair;
use crate::schema::FieldKind;

/// Most members drawn in one identity graph.
const MAX_NODES: usize = 30;

/// How many identities have each size: `(size, identities)`, by size.
pub(crate) fn size_histogram(cluster_of: &[u32]) -> Vec<(usize, u64)> {
    let mut sizes: HashMap<u32, usize> = HashMap::new();
    for &c in cluster_of {
        *sizes.entry(c).or_default() += 1;
    }
    let mut per: HashMap<usize, u64> = HashMap::new();
    for s in sizes.into_values() {
        *per.entry(s).or_default() += 1;
    }
    let mut out: Vec<(usize, u64)> = per.into_iter().collect();
    out.sort_unstable();
    out
}

/// The size histogram in readable categories: 1 to 10, then ranges.
pub(crate) fn size_categories(hist: &[(usize, u64)]) -> Vec<(String, u64)> {
    let ranges: [(usize, usize, &str); 14] = [
        (1, 1, "1"),
        (2, 2, "2"),
        (3, 3, "3"),
        (4, 4, "4"),
        (5, 5, "5"),
        (6, 6, "6"),
        (7, 7, "7"),
        (8, 8, "8"),
        (9, 9, "9"),
        (10, 10, "10"),
        (11, 20, "11-20"),
        (21, 50, "21-50"),
        (51, 100, "51-100"),
        (101, usize::MAX, "101+"),
    ];
    let max = hist.iter().map(|h| h.0).max().unwrap_or(1);
    ranges
        .iter()
        .filter(|(lo, _, _)| *lo <= max.max(5))
        .map(|&(lo, hi, name)| {
            let n = hist
                .iter()
                .filter(|(s, _)| (lo..=hi).contains(s))
                .map(|h| h.1)
                .sum();
            (name.to_string(), n)
        })
        .collect()
}

/// The kinds worth showing for records, in schema order.
fn shown_kinds(ctx: &Ctx<'_>, records: &[u32]) -> Vec<FieldKind> {
    let Some(d) = ctx.opts.dataset else {
        return Vec::new();
    };
    let mut kinds: Vec<FieldKind> = records
        .iter()
        .filter_map(|&r| d.records.get(r as usize))
        .flat_map(|r| r.fields.iter().map(|f| f.0))
        .filter(|k| !matches!(k, FieldKind::Ignore | FieldKind::RecordId))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// A table of records with their values (masked when redacting); without
/// the dataset, records by source and id.
pub(crate) fn values_table(page: &mut Page, ctx: &Ctx<'_>, records: &[u32], labels: &[String]) {
    let kinds = shown_kinds(ctx, records);
    page.raw("<table class=\"values\"><thead><tr><th></th><th>record</th>");
    for k in &kinds {
        page.fmt(format_args!("<th>{}</th>", Esc(k.name())));
    }
    page.raw("</tr></thead><tbody>\n");
    for (i, &r) in records.iter().enumerate() {
        page.fmt(format_args!(
            "<tr><td>{}</td><td>{}</td>",
            Esc(labels.get(i).map_or("", String::as_str)),
            Esc(&ctx.name(r))
        ));
        let rec = ctx.opts.dataset.and_then(|d| d.records.get(r as usize));
        for &k in &kinds {
            let v: Vec<String> = rec
                .map(|rec| {
                    rec.fields
                        .iter()
                        .filter(|f| f.0 == k)
                        .map(|f| shown(k, &f.1, ctx.opts.redact))
                        .collect()
                })
                .unwrap_or_default();
            page.fmt(format_args!("<td>{}</td>", Esc(&v.join(" / "))));
        }
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table>\n");
}

/// Which identities to draw, and why: `(reason, clusters)`.
fn pick(ctx: &Ctx<'_>, sizes: &[usize]) -> Vec<(String, Vec<u32>)> {
    let res = ctx.res;
    let of = &res.clustering.cluster_of;
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    let mut taken: HashSet<u32> = HashSet::new();
    let mut push = |why: String, clusters: Vec<u32>, out: &mut Vec<(String, Vec<u32>)>| {
        if clusters.iter().all(|c| taken.contains(c)) {
            return;
        }
        taken.extend(clusters.iter().copied());
        out.push((why, clusters));
    };
    let mut by_size: Vec<u32> = (0..sizes.len() as u32)
        .filter(|&c| sizes[c as usize] > 1)
        .collect();
    by_size.sort_by_key(|&c| (std::cmp::Reverse(sizes[c as usize]), c));
    for &c in by_size.iter().take(2) {
        push(
            format!("largest: {} records", sizes[c as usize]),
            vec![c],
            &mut out,
        );
    }
    // Borderline: joined through the weakest firm links, or a tentative one.
    let mut weak: Vec<&crate::cluster::Link> = res.clustering.accepted.iter().collect();
    weak.sort_by(|a, b| {
        a.weight
            .total_cmp(&b.weight)
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    for l in weak.iter().filter(|l| !l.tentative).take(2) {
        push(
            format!("borderline: joined by a link of weight {:+.2}", l.weight),
            vec![of[l.a as usize]],
            &mut out,
        );
    }
    if let Some(l) = weak.iter().rev().find(|l| l.tentative) {
        push(
            format!(
                "joined by a tentative (uncontested) link of weight {:+.2}",
                l.weight
            ),
            vec![of[l.a as usize]],
            &mut out,
        );
    }
    // Refused: links between records left in two identities.
    for l in refused(res.links.as_slice(), of).into_iter().take(2) {
        let (ca, cb) = (of[l.a as usize], of[l.b as usize]);
        push(
            format!(
                "a {} of weight {:+.2} was refused: two identities",
                if l.tentative {
                    "tentative link"
                } else {
                    "link"
                },
                l.weight
            ),
            vec![ca, cb],
            &mut out,
        );
    }
    out
}

/// Links whose records ended in different identities (vetoed or
/// ambiguous joins), strongest first.
pub(crate) fn refused<'r>(links: &'r [ScoredPair], of: &[u32]) -> Vec<&'r ScoredPair> {
    let mut out: Vec<&ScoredPair> = links
        .iter()
        .filter(|l| of[l.a as usize] != of[l.b as usize])
        .collect();
    out.sort_by(|a, b| {
        (a.tentative, -a.weight)
            .partial_cmp(&(b.tentative, -b.weight))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    out
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    let res = ctx.res;
    let of = &res.clustering.cluster_of;
    page.section("identities", "6. Identities");
    let n = res.clustering.cluster_count();
    let mut sizes = vec![0usize; n];
    for &c in of {
        if let Some(s) = sizes.get_mut(c as usize) {
            *s += 1;
        }
    }
    let hist = size_histogram(of);
    page.raw("<h3>Identities by number of records (log count)</h3>");
    page.raw(&columns(
        "cluster-sizes",
        &size_categories(&hist),
        "records in the identity",
    ));
    // The largest identities.
    let mut largest: Vec<u32> = (0..n as u32).collect();
    largest.sort_by_key(|&c| (std::cmp::Reverse(sizes[c as usize]), c));
    largest.truncate(10);
    let wanted: HashSet<u32> = largest.iter().copied().collect();
    let mut sources: HashMap<u32, Vec<(String, u64)>> = HashMap::new();
    for (r, &c) in of.iter().enumerate() {
        if wanted.contains(&c) {
            let list = sources.entry(c).or_default();
            let s = &res.refs[r].source;
            match list.iter_mut().find(|(x, _)| x == s) {
                Some(e) => e.1 += 1,
                None => list.push((s.clone(), 1)),
            }
        }
    }
    let rows: Vec<Vec<String>> = largest
        .iter()
        .filter(|&&c| sizes[c as usize] > 1)
        .map(|&c| {
            let src = sources.get(&c).map_or(String::new(), |l| {
                l.iter()
                    .map(|(s, n)| format!("{s} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            vec![c.to_string(), count(sizes[c as usize] as u64), src]
        })
        .collect();
    page.raw("<h3>The largest identities</h3>");
    page.table("largest", &["identity", "records", "by source"], &rows);

    // A sample drawn as graphs.
    let picks = pick(ctx, &sizes);
    let shown_clusters: HashSet<u32> = picks.iter().flat_map(|p| p.1.iter().copied()).collect();
    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for (r, &c) in of.iter().enumerate() {
        if shown_clusters.contains(&c) {
            let m = members.entry(c).or_default();
            if m.len() < MAX_NODES {
                m.push(r as u32);
            }
        }
    }
    let accepted: HashSet<(u32, u32)> = res
        .clustering
        .accepted
        .iter()
        .filter(|l| shown_clusters.contains(&of[l.a as usize]))
        .map(|l| (l.a.min(l.b), l.a.max(l.b)))
        .collect();
    let mut links: HashMap<u32, Vec<&ScoredPair>> = HashMap::new();
    for l in &res.links {
        let (ca, cb) = (of[l.a as usize], of[l.b as usize]);
        if shown_clusters.contains(&ca) {
            links.entry(ca).or_default().push(l);
        }
        if cb != ca && shown_clusters.contains(&cb) {
            links.entry(cb).or_default().push(l);
        }
    }
    let source_index: HashMap<&str, usize> = match ctx.opts.dataset {
        Some(d) => d
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect(),
        None => HashMap::new(),
    };
    page.raw("<h3>A sample of identities</h3>");
    page.note("Each circle is a record (colour: its source), each line a link: thick blue joined the identity, thin grey another link inside it, dashed amber tentative, dashed red a refused join. Hover for weights.");
    if picks.is_empty() {
        page.note("No identity holds more than one record.");
    }
    for (why, clusters) in &picks {
        let mut records: Vec<u32> = Vec::new();
        let mut side_of: HashMap<u32, usize> = HashMap::new();
        for (side, c) in clusters.iter().enumerate() {
            for &r in members.get(c).into_iter().flatten() {
                side_of.insert(r, side);
                records.push(r);
            }
        }
        let index: HashMap<u32, usize> = records.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        let labels: Vec<String> = (1..=records.len()).map(|i| i.to_string()).collect();
        let nodes: Vec<Node> = records
            .iter()
            .enumerate()
            .map(|(i, &r)| Node {
                label: labels[i].clone(),
                title: format!("{} {}", labels[i], ctx.name(r)),
                color: source_index
                    .get(res.refs[r as usize].source.as_str())
                    .copied()
                    .unwrap_or(0),
                side: side_of.get(&r).copied().unwrap_or(0),
            })
            .collect();
        let mut seen: HashSet<(u32, u32)> = HashSet::new();
        let mut edges = Vec::new();
        let mut rows = Vec::new();
        for c in clusters {
            for l in links.get(c).into_iter().flatten() {
                let (Some(&ia), Some(&ib)) = (index.get(&l.a), index.get(&l.b)) else {
                    continue;
                };
                if !seen.insert((l.a, l.b)) {
                    continue;
                }
                let same = of[l.a as usize] == of[l.b as usize];
                let class = match (
                    same,
                    accepted.contains(&(l.a.min(l.b), l.a.max(l.b))),
                    l.tentative,
                ) {
                    (false, _, _) => "refused",
                    (true, true, false) => "accepted",
                    (true, _, true) => "tentative",
                    (true, false, false) => "link",
                };
                let what = match class {
                    "refused" => "refused join",
                    "accepted" => "joined",
                    "tentative" => "tentative",
                    _ => "link (already joined)",
                };
                let title = format!(
                    "{} - {}: weight {:+.2} ({what})",
                    labels[ia], labels[ib], l.weight
                );
                rows.push(vec![
                    labels[ia].clone(),
                    labels[ib].clone(),
                    format!("{:+.2}", l.weight),
                    what.to_string(),
                ]);
                edges.push(Edge {
                    a: ia,
                    b: ib,
                    class,
                    title,
                });
            }
        }
        page.fmt(format_args!(
            "<div class=\"card\"><h3>Identity {}: {}</h3><div class=\"row\">",
            Esc(&clusters
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" and ")),
            Esc(why)
        ));
        page.raw(&graph("identity-graph", &nodes, &edges));
        page.table("links", &["from", "to", "weight", ""], &rows);
        page.raw("</div>");
        values_table(page, ctx, &records, &labels);
        if clusters.iter().any(|c| sizes[*c as usize] > MAX_NODES) {
            page.note(&format!(
                "Only the first {MAX_NODES} records of an identity are drawn."
            ));
        }
        page.raw("</div>\n");
    }
    page.end_section();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_histogram_counts_every_identity_and_record() {
        let of = [0, 0, 1, 2, 2, 2, 3, 0, 4, 5, 5];
        let h = size_histogram(&of);
        assert_eq!(h, vec![(1, 3), (2, 1), (3, 2)]);
        assert_eq!(h.iter().map(|x| x.1).sum::<u64>(), 6);
        assert_eq!(
            h.iter().map(|x| x.0 as u64 * x.1).sum::<u64>(),
            of.len() as u64
        );
        let cats = size_categories(&h);
        assert_eq!(cats.iter().map(|c| c.1).sum::<u64>(), 6);
        assert_eq!(cats[0], ("1".to_string(), 3));
        let big = size_categories(&[(1, 5), (150, 1), (30, 2)]);
        assert_eq!(big.iter().map(|c| c.1).sum::<u64>(), 8);
    }
}
