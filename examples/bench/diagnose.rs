//! What joined the impure clusters of a run: a sample of clusters holding
//! records of more than one true person, each read through the public
//! explain API (`Resolution::explain_cluster`), its links across people
//! classified by how the two people relate (father and son, twins,
//! household, namesakes) and by what carried the link. The data is the
//! generator's: synthetic people only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use linkage::eval::Truth;
use linkage::explain::PairExplanation;
use linkage::{Dataset, FieldKind, Record, Resolution};

/// Clusters printed in full (`LINKAGE_DIAGNOSE_EXAMPLES` sets another
/// number).
fn examples() -> usize {
    std::env::var("LINKAGE_DIAGNOSE_EXAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

const NO_BIRTH: &str = "a cross link has a record without birth date";

/// Counts over the sampled impure clusters, printed as a report.
#[derive(Default)]
struct Tally {
    clusters: usize,
    impure: usize,
    sampled: usize,
    cross_links: usize,
    /// Relation of the two people joined by each cluster's strongest cross link.
    relation: BTreeMap<&'static str, usize>,
    /// Of those, clusters where a cross link has a record without birth date.
    relation_bridged: BTreeMap<&'static str, usize>,
    /// Clusters with at least one cross link of the kind.
    flags: BTreeMap<&'static str, usize>,
    /// What agreed and disagreed on each cluster's strongest cross link.
    patterns: HashMap<String, usize>,
    examples: String,
}

/// One person's records inside a cluster, as far as the diagnosis reads them.
#[derive(Default)]
struct Person<'a> {
    records: Vec<&'a Record>,
}

impl Person<'_> {
    fn values(&self, kind: FieldKind) -> impl Iterator<Item = &str> {
        self.records.iter().filter_map(move |r| r.get(kind))
    }
    fn births(&self) -> HashSet<(u32, u32, u32)> {
        self.values(FieldKind::DateOfBirth)
            .filter_map(date)
            .collect()
    }
    fn has_suffix(&self) -> bool {
        self.records.iter().any(|r| suffix(r).is_some())
    }
    /// The commonest (given name, family name) without suffix.
    fn name(&self) -> (String, String) {
        let mut counts: HashMap<(String, String), usize> = HashMap::new();
        for r in &self.records {
            *counts.entry(name_of(r)).or_default() += 1;
        }
        let mut v: Vec<_> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().next().map(|(n, _)| n).unwrap_or_default()
    }
    /// (house number, postcode) of each address, and phone numbers.
    fn places(&self) -> HashSet<String> {
        let addresses = self.records.iter().filter_map(|r| {
            let number = r.get(FieldKind::Street)?.split_whitespace().next()?;
            Some(format!("{number}|{}", r.get(FieldKind::Postcode)?))
        });
        let phones = self.values(FieldKind::Phone).map(|p| {
            let d: String = p.chars().filter(char::is_ascii_digit).collect();
            format!("tel|{}", &d[d.len().saturating_sub(10)..])
        });
        addresses.chain(phones).collect()
    }
    fn towns(&self) -> HashSet<String> {
        self.values(FieldKind::City)
            .map(str::to_lowercase)
            .collect()
    }
}

/// Words of a name, lower case, letters only.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_suffix(w: &str) -> bool {
    matches!(w, "jr" | "sr" | "junior" | "senior" | "ii" | "iii" | "iv")
}

/// The generational suffix a record's name holds.
fn suffix(r: &Record) -> Option<String> {
    [FieldKind::GivenName, FieldKind::Surname]
        .iter()
        .filter_map(|k| r.get(*k))
        .flat_map(words)
        .find(|w| is_suffix(w))
}

/// A record's given and family name without suffix, the two in order of
/// their letters (the sources swap them now and then).
fn name_of(r: &Record) -> (String, String) {
    let part = |k| {
        r.get(k)
            .map(words)
            .unwrap_or_default()
            .into_iter()
            .filter(|w| !is_suffix(w))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (g, s) = (part(FieldKind::GivenName), part(FieldKind::Surname));
    if g <= s {
        (g, s)
    } else {
        (s, g)
    }
}

/// A birth date as the generator writes it (`1967-09-04`, `19670904`,
/// `09/04/1967`), as (year, month, day).
fn date(s: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<u32> = s
        .split(['-', '/'])
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [y, m, d] if *y > 31 => Some((*y, *m, *d)),
        [m, d, y] => Some((*y, *m, *d)),
        [n] if s.len() == 8 => Some((n / 10_000, n / 100 % 100, n % 100)),
        _ => None,
    }
}

/// Whether two names (word pairs in letter order) are one name written two
/// ways: equal, or one word equal and the other two of one initial; with
/// `strict`, one of those two must be the initial alone (`R`, `Robert`:
/// at one address, `Mark` and `Mary` are two people).
fn same_name(a: &(String, String), b: &(String, String), strict: bool) -> bool {
    let initial = |x: &str, y: &str| {
        x.chars().next() == y.chars().next() && (!strict || x.len() == 1 || y.len() == 1)
    };
    a == b
        || (a.0 == b.0 && initial(&a.1, &b.1))
        || (a.1 == b.1 && initial(&a.0, &b.0))
        || (a.0 == b.1 && initial(&a.1, &b.0))
        || (a.1 == b.0 && initial(&a.0, &b.1))
}

/// How two people a cross link joins relate, from their records.
fn relation(a: &Person, b: &Person) -> &'static str {
    let (na, nb) = (a.name(), b.name());
    let share_place = !a.places().is_disjoint(&b.places());
    let (ba, bb) = (a.births(), b.births());
    let same_birth = !ba.is_disjoint(&bb);
    let years = |s: &HashSet<(u32, u32, u32)>| s.iter().map(|d| d.0).collect::<HashSet<_>>();
    let apart = ba
        .iter()
        .flat_map(|x| bb.iter().map(move |y| x.0.abs_diff(y.0)))
        .min();
    let shared_word = {
        let wa: HashSet<&str> = [na.0.as_str(), na.1.as_str()].into();
        wa.contains(nb.0.as_str()) || wa.contains(nb.1.as_str())
    };
    if share_place && same_name(&na, &nb, true) {
        if a.has_suffix() || b.has_suffix() || apart.is_some_and(|y| y >= 15) {
            "father and son (one name, one address)"
        } else {
            "one name, one address, no suffix or age gap seen"
        }
    } else if share_place && same_birth && shared_word {
        "twins (one family name, address, birth date)"
    } else if share_place && shared_word {
        "household (one family name and address)"
    } else if same_name(&na, &nb, false) && !a.towns().is_disjoint(&b.towns()) {
        if !years(&ba).is_disjoint(&years(&bb)) {
            "namesakes, one town and birth year"
        } else {
            "namesakes, one town"
        }
    } else if same_name(&na, &nb, false) {
        "namesakes, other towns"
    } else if share_place {
        "one address, other names"
    } else {
        "other (names differ)"
    }
}

/// What agreed (+) and disagreed (-) on a link, comparison by comparison
/// (comparisons that weigh nothing, such as a missing value, are left out).
fn pattern(link: &PairExplanation) -> String {
    let mut out: Vec<String> = link
        .fields
        .iter()
        .filter(|f| (f.weight + f.tf_adjustment).abs() > 0.05)
        .map(|f| {
            let sign = if f.weight + f.tf_adjustment > 0.0 {
                '+'
            } else {
                '-'
            };
            format!("{sign}{}", f.comparison)
        })
        .collect();
    out.sort();
    out.join(" ")
}

/// A record's fields on one line (synthetic data).
fn show(r: &Record, entity: &str) -> String {
    let v = |k| r.get(k).unwrap_or("");
    format!(
        "{entity} {}: {} {} | born {} | {} {} {} | {}",
        r.id,
        v(FieldKind::GivenName),
        v(FieldKind::Surname),
        v(FieldKind::DateOfBirth),
        v(FieldKind::Street),
        v(FieldKind::City),
        v(FieldKind::Postcode),
        v(FieldKind::Phone),
    )
}

/// The diagnosis of up to `samples` impure clusters of a run, as text.
pub fn impure_clusters(
    dataset: &Dataset,
    res: &Resolution,
    truth: &Truth,
    samples: usize,
) -> String {
    let entity: Vec<Option<&str>> = dataset
        .records
        .iter()
        .map(|r| truth.entity(&dataset.sources[r.source as usize], &r.id))
        .collect();
    let cluster_of = &res.clustering.cluster_of;
    let clusters = cluster_of
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut first_entity: Vec<Option<&str>> = vec![None; clusters];
    let mut impure = vec![false; clusters];
    for (r, &c) in cluster_of.iter().enumerate() {
        let c = c as usize;
        match (first_entity[c], entity[r]) {
            (None, e) => first_entity[c] = e,
            (Some(a), Some(b)) if a != b => impure[c] = true,
            _ => {}
        }
    }
    let impure_ids: Vec<u32> = (0..clusters as u32)
        .filter(|&c| impure[c as usize])
        .collect();
    let n = samples.min(impure_ids.len());
    let chosen: Vec<u32> = (0..n)
        .map(|i| impure_ids[i * impure_ids.len() / n])
        .collect();
    let mut tally = Tally {
        clusters,
        impure: impure_ids.len(),
        sampled: n,
        ..Tally::default()
    };
    // Record index by (source, id), for the sampled clusters' records only.
    let wanted: HashSet<u32> = chosen.iter().copied().collect();
    let index: HashMap<(&str, &str), usize> = (0..dataset.records.len())
        .filter(|&r| wanted.contains(&cluster_of[r]))
        .map(|r| {
            let rec = &dataset.records[r];
            (
                (
                    dataset.sources[rec.source as usize].as_str(),
                    rec.id.as_str(),
                ),
                r,
            )
        })
        .collect();
    for (k, &c) in chosen.iter().enumerate() {
        let Some(explained) = res.explain_cluster(c) else {
            continue;
        };
        let idx = |source: &str, id: &str| index.get(&(source, id)).copied();
        let mut people: BTreeMap<&str, Person> = BTreeMap::new();
        for rr in &explained.records {
            if let Some(r) = idx(&rr.source, &rr.id) {
                let e = entity[r].unwrap_or("?");
                people
                    .entry(e)
                    .or_default()
                    .records
                    .push(&dataset.records[r]);
            }
        }
        let cross: Vec<(&PairExplanation, usize, usize)> = explained
            .links
            .iter()
            .filter_map(|l| Some((l, idx(&l.a.source, &l.a.id)?, idx(&l.b.source, &l.b.id)?)))
            .filter(|(_, a, b)| entity[*a] != entity[*b])
            .collect();
        tally.cross_links += cross.len();
        let mut flags: HashSet<&'static str> = HashSet::new();
        for (_, a, b) in &cross {
            let (pa, pb) = (
                &people[entity[*a].unwrap_or("?")],
                &people[entity[*b].unwrap_or("?")],
            );
            let no_birth = |r: usize| dataset.records[r].get(FieldKind::DateOfBirth).is_none();
            if no_birth(*a) || no_birth(*b) {
                flags.insert(NO_BIRTH);
            }
            let (ba, bb) = (pa.births(), pb.births());
            if !ba.is_empty() && !bb.is_empty() && ba.is_disjoint(&bb) {
                flags.insert("the two people's known birth dates all differ");
            }
            if pa.has_suffix() != pb.has_suffix() {
                flags.insert("a generational suffix on one person only");
            }
        }
        if people.len() > 2 {
            flags.insert("three or more people in the cluster");
        }
        let bridged = flags.contains(NO_BIRTH);
        for f in flags {
            *tally.flags.entry(f).or_default() += 1;
        }
        // The strongest cross link (links come strongest first).
        let strongest = cross.iter().max_by(|x, y| {
            x.0.total_weight
                .total_cmp(&y.0.total_weight)
                .then(y.1.cmp(&x.1))
        });
        if let Some((link, a, b)) = strongest {
            let rel = relation(
                &people[entity[*a].unwrap_or("?")],
                &people[entity[*b].unwrap_or("?")],
            );
            *tally.relation.entry(rel).or_default() += 1;
            *tally.relation_bridged.entry(rel).or_default() += usize::from(bridged);
            *tally.patterns.entry(pattern(link)).or_default() += 1;
            let shown = examples();
            if k % (n / shown.max(1)).max(1) == 0 && k / (n / shown.max(1)).max(1) < shown {
                let _ = writeln!(tally.examples, "\ncluster {c} ({rel}):");
                for (e, p) in &people {
                    for r in &p.records {
                        let _ = writeln!(tally.examples, "    {}", show(r, e));
                    }
                }
                let _ = writeln!(
                    tally.examples,
                    "  strongest cross link {} - {}: total {:.1} bits (prior {:.1})",
                    link.a.id, link.b.id, link.total_weight, link.prior_weight
                );
                for f in &link.fields {
                    let _ = writeln!(
                        tally.examples,
                        "      {:<14} {:<24} {:+.2}",
                        f.comparison,
                        f.label,
                        f.weight + f.tf_adjustment
                    );
                }
            }
        }
    }
    tally.report()
}

impl Tally {
    fn report(&self) -> String {
        let mut out = String::new();
        let pct = |x: usize| 100.0 * x as f64 / self.sampled.max(1) as f64;
        let _ = writeln!(
            out,
            "{} impure clusters of {} ({:.2}%); {} sampled, {} links across people in them",
            self.impure,
            self.clusters,
            100.0 * self.impure as f64 / self.clusters.max(1) as f64,
            self.sampled,
            self.cross_links
        );
        let _ = writeln!(
            out,
            "  how the two people of the strongest cross link relate [of them, with a record without birth date across]:"
        );
        let mut rel: Vec<_> = self.relation.iter().collect();
        rel.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (r, n) in rel {
            let bridged = self.relation_bridged.get(r).copied().unwrap_or(0);
            let _ = writeln!(out, "    {n:>5} ({:>5.1}%)  {r} [{bridged}]", pct(*n));
        }
        let _ = writeln!(out, "  clusters with:");
        for (f, n) in &self.flags {
            let _ = writeln!(out, "    {n:>5} ({:>5.1}%)  {f}", pct(*n));
        }
        let _ = writeln!(
            out,
            "  what agreed (+) and disagreed (-) on the strongest cross link (top 10):"
        );
        let mut pats: Vec<_> = self.patterns.iter().collect();
        pats.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (p, n) in pats.into_iter().take(10) {
            let _ = writeln!(out, "    {n:>5} ({:>5.1}%)  {p}", pct(*n));
        }
        out.push_str(&self.examples);
        out
    }
}
