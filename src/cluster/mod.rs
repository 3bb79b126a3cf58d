//! Stage 5, **cluster**: linked pairs become identities. Links are taken
//! strongest first; two groups are joined only when no pair across them is
//! scored as clearly different people, so a household (same surname,
//! address and phone, different given names and birth dates) is not
//! chained into one identity through a record that lacks those fields.
//! A tentative link (weak, but nothing against it) joins only when neither
//! of its records links to a third group: it must be unambiguous.

use serde::{Deserialize, Serialize};

mod decide;
pub(crate) use decide::{refuses_join, Decision};

/// Clustering options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSettings {
    /// Two records are "clearly different people" when their person
    /// fields alone (names, birth date, email, ids) give odds below this
    /// probability: such a pair is never linked, and two groups are not
    /// joined when any pair across them is clearly different.
    pub veto_probability: f64,
    /// At most this many cross pairs are scored for one join; beyond it
    /// the earliest members of each group (in the order they joined) are checked.
    pub max_cross_checks: usize,
    /// Two groups of several records each join only when, besides the
    /// joining link, another pair across them is plausible (at least even
    /// odds of one person): one sparse record (a name alone) does not
    /// bridge two people who otherwise disagree.
    #[serde(default = "default_true")]
    pub corroborate_merges: bool,
    /// Two groups that hold a clearly different pair across them still
    /// join when the pairs across them strong enough to be links
    /// themselves (the joining link included) number at least this many
    /// per clearly different one: the evidence between the groups as a
    /// whole decides, so one odd variant among an entity's records need not
    /// keep it split. Default 1e9: one clearly different pair refuses the
    /// join. Measured (zero configuration): 10 lifts dedupe_childcare F1
    /// 0.8730 -> 0.8755 and joins more of the generated historical
    /// people's records (vetoed joins 2038 -> 1222, recall 0.887 -> 0.900)
    /// but costs them precision (0.783 -> 0.763, F1 0.832 -> 0.826): names
    /// and places of namesakes link as strongly as a person's variants.
    #[serde(default = "default_links_per_contradiction")]
    pub links_per_contradiction: f64,
    /// How much clearer (bits) a disagreement must be to make a pair
    /// across two groups "clearly different" than to stop a direct link:
    /// a group is joined through its strongest link, and one member with a
    /// garbled name should not count against the join (2.3 bits: a 0.05
    /// veto probability becomes 0.01).
    #[serde(default = "default_guard_margin")]
    pub guard_margin: f64,
    /// A pair across two groups whose total weight is this far (bits)
    /// below the guard's person floor is clearly different people too,
    /// whatever its person fields say.
    #[serde(default = "default_total_floor")]
    pub total_floor: f64,
    /// A person comparison at a level weighing this much or less (bits)
    /// contradicts a match (a different birth date, national id or given
    /// name); two groups of several records whose pairs across only ever
    /// contradict on one comparison are two people. Default: the odds of
    /// a 0.05 probability, the veto's.
    #[serde(default = "default_contradiction_weight")]
    pub contradiction_weight: f64,
}

fn default_guard_margin() -> f64 {
    2.3
}

fn default_total_floor() -> f64 {
    -8.0
}

fn default_contradiction_weight() -> f64 {
    -4.25
}

fn default_true() -> bool {
    true
}

fn default_links_per_contradiction() -> f64 {
    1e9
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings {
            veto_probability: 0.05,
            max_cross_checks: 4096,
            corroborate_merges: true,
            links_per_contradiction: default_links_per_contradiction(),
            guard_margin: default_guard_margin(),
            total_floor: default_total_floor(),
            contradiction_weight: default_contradiction_weight(),
        }
    }
}

/// A link between two records with its match weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// First record index.
    pub a: u32,
    /// Second record index.
    pub b: u32,
    /// Match weight (log2 odds).
    pub weight: f64,
    /// A weak link: taken only when neither record links to a group
    /// other than the two it would join.
    #[serde(default)]
    pub tentative: bool,
    /// A tentative link something counts against: taken only when, too,
    /// another pair across its two groups is plausible
    /// ([`crate::Settings::contested_threshold`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub corroborate: bool,
}

/// The result of clustering.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    /// Cluster id of every record; ids are numbered in input order of each
    /// cluster's first record, so they are stable for the same input.
    pub cluster_of: Vec<u32>,
    /// The links that joined groups (the spanning links of each cluster).
    pub accepted: Vec<Link>,
    /// Links above the threshold that were refused because a pair across
    /// the two groups was clearly different.
    pub vetoed: usize,
    /// Tentative links refused because one of their records also links
    /// to a third group (two or more identities fit it).
    #[serde(default)]
    pub ambiguous: usize,
}

impl Clustering {
    /// Number of clusters.
    pub fn cluster_count(&self) -> usize {
        self.cluster_of
            .iter()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// Records of each cluster, by cluster id.
    pub fn members(&self) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); self.cluster_count()];
        for (r, &c) in self.cluster_of.iter().enumerate() {
            out[c as usize].push(r as u32);
        }
        out
    }
}

struct Groups {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
}

impl Groups {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
}

/// Clusters `n` records from `links` (any order; sorted here by weight,
/// strongest first, ties by record indices). `different(a, b)` tells
/// whether two records are clearly different people; two groups are not
/// joined when any pair across them is.
pub fn cluster(
    n: usize,
    links: Vec<Link>,
    settings: &ClusterSettings,
    different: impl Fn(u32, u32) -> bool,
) -> Clustering {
    cluster_checked(n, links, settings, |a, b| Cross {
        different: different(a, b),
        plausible: true,
        linked: true,
        agree: 0,
        contradict: 0,
        forbidden: false,
    })
}

/// What clustering needs to know of a pair across two groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cross {
    /// The two records are clearly different people (the join is refused).
    pub different: bool,
    /// The pair is plausibly one person (it corroborates the join).
    pub plausible: bool,
    /// The pair is itself strong enough to be a link: it outweighs clearly
    /// different pairs ([`ClusterSettings::links_per_contradiction`]).
    pub linked: bool,
    /// Bit `c`: person comparison `c` speaks for this pair being one.
    pub agree: u64,
    /// Bit `c`: person comparison `c` says the two are different people.
    /// Two groups whose pairs across mostly contradict on one comparison
    /// (where it is known: the known birth dates differ) are not joined.
    pub contradict: u64,
    /// The two can never be one entity (a person and a company): the
    /// join is refused whatever else the groups share.
    pub forbidden: bool,
}

/// [`cluster`] with each cross pair judged by `judge`: two groups are not
/// joined when a pair across them is forbidden, when the clearly
/// different pairs across them are not outweighed by plausible ones
/// ([`ClusterSettings::links_per_contradiction`]), nor (with
/// [`ClusterSettings::corroborate_merges`]) when both hold several records
/// and no pair across them but the joining link is plausible.
pub fn cluster_checked(
    n: usize,
    mut links: Vec<Link>,
    settings: &ClusterSettings,
    judge: impl Fn(u32, u32) -> Cross,
) -> Clustering {
    links.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut g = Groups {
        parent: (0..n as u32).collect(),
        members: (0..n as u32).map(|i| vec![i]).collect(),
    };
    let neighbours = Neighbours::of_tentative(n, &links);
    let mut accepted = Vec::new();
    let (mut vetoed, mut ambiguous) = (0, 0);
    // Tentative links refused as ambiguous are judged again once every
    // other link has been taken: the third group that made one ambiguous
    // may since have joined one of its two (an organisation's spellings,
    // each linking to several others), until a round takes none.
    let mut retry: Vec<Link> = Vec::new();
    let mut round = links;
    loop {
        let before = accepted.len();
        for link in std::mem::take(&mut round) {
            let (ra, rb) = (g.find(link.a), g.find(link.b));
            if ra == rb {
                continue;
            }
            if link.tentative
                && [link.a, link.b]
                    .iter()
                    .flat_map(|&e| neighbours.of(e))
                    .any(|&o| {
                        let r = g.find(o);
                        r != ra && r != rb
                    })
            {
                retry.push(link);
                continue;
            }
            let (big, small) = if g.members[ra as usize].len() >= g.members[rb as usize].len() {
                (ra, rb)
            } else {
                (rb, ra)
            };
            let veto = refuses_join(
                &g.members[big as usize],
                &g.members[small as usize],
                (link.a, link.b),
                settings,
                link.corroborate,
                &judge,
            );
            if veto {
                vetoed += 1;
                continue;
            }
            let moved = std::mem::take(&mut g.members[small as usize]);
            g.members[big as usize].extend(moved);
            g.parent[small as usize] = big;
            accepted.push(link);
        }
        if retry.is_empty() || accepted.len() == before {
            ambiguous += retry.len();
            break;
        }
        round = std::mem::take(&mut retry);
    }
    let mut id_of_root = vec![u32::MAX; n];
    let mut next = 0;
    let mut cluster_of = vec![0; n];
    for i in 0..n as u32 {
        let r = g.find(i) as usize;
        if id_of_root[r] == u32::MAX {
            id_of_root[r] = next;
            next += 1;
        }
        cluster_of[i as usize] = id_of_root[r];
    }
    Clustering {
        cluster_of,
        accepted,
        vetoed,
        ambiguous,
    }
}

/// Every link's other end, for the records that are an end of a tentative
/// link (the only ones whose neighbours are asked for), in compressed rows.
struct Neighbours {
    /// Row of each record: `u32::MAX` when it has none.
    row: Vec<u32>,
    starts: Vec<usize>,
    ends: Vec<u32>,
}

impl Neighbours {
    fn of_tentative(n: usize, links: &[Link]) -> Neighbours {
        let mut row = vec![u32::MAX; n];
        let mut rows = 0u32;
        for l in links.iter().filter(|l| l.tentative) {
            for e in [l.a, l.b] {
                if row[e as usize] == u32::MAX {
                    row[e as usize] = rows;
                    rows += 1;
                }
            }
        }
        let mut starts = vec![0usize; rows as usize + 1];
        let tracked = |e: u32| row[e as usize] != u32::MAX;
        for l in links {
            for (e, _) in [(l.a, l.b), (l.b, l.a)] {
                if tracked(e) {
                    starts[row[e as usize] as usize + 1] += 1;
                }
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut ends = vec![0u32; starts[rows as usize]];
        for l in links {
            for (e, o) in [(l.a, l.b), (l.b, l.a)] {
                if tracked(e) {
                    let r = row[e as usize] as usize;
                    ends[fill[r]] = o;
                    fill[r] += 1;
                }
            }
        }
        Neighbours { row, starts, ends }
    }

    /// The records linked to `e` (empty unless `e` ends a tentative link).
    fn of(&self, e: u32) -> &[u32] {
        match self.row[e as usize] {
            u32::MAX => &[],
            r => &self.ends[self.starts[r as usize]..self.starts[r as usize + 1]],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_through_a_sparse_record_is_vetoed() {
        // 0 and 2 are clearly different; 1 links strongly to both.
        let w = |a: u32, b: u32| -> f64 {
            match (a.min(b), a.max(b)) {
                (0, 1) => 10.0,
                (1, 2) => 9.0,
                (0, 2) => -20.0,
                _ => -30.0,
            }
        };
        let links = vec![
            Link {
                a: 0,
                b: 1,
                weight: 10.0,
                tentative: false,
                corroborate: false,
            },
            Link {
                a: 1,
                b: 2,
                weight: 9.0,
                tentative: false,
                corroborate: false,
            },
        ];
        let c = cluster(4, links, &ClusterSettings::default(), |a, b| w(a, b) < -6.6);
        assert_eq!(c.cluster_of, vec![0, 0, 1, 2]);
        assert_eq!(c.vetoed, 1);
        assert_eq!(c.accepted.len(), 1);
    }

    #[test]
    fn ids_follow_input_order() {
        let links = vec![Link {
            a: 2,
            b: 3,
            weight: 5.0,
            tentative: false,
            corroborate: false,
        }];
        let c = cluster(4, links, &ClusterSettings::default(), |_, _| false);
        assert_eq!(c.cluster_of, vec![0, 1, 2, 2]);
        assert_eq!(c.members(), vec![vec![0], vec![1], vec![2, 3]]);
    }

    #[test]
    fn two_groups_join_only_when_another_pair_across_them_agrees() {
        // {0, 1} and {2, 3}, then a bridging link 1-2 (a name-only record
        // matching a name in the other group).
        let link = |a, b, weight| Link {
            a,
            b,
            weight,
            tentative: false,
            corroborate: false,
        };
        let links = || vec![link(0, 1, 12.0), link(2, 3, 11.0), link(1, 2, 5.0)];
        let neither = |_, _| Cross {
            different: false,
            plausible: false,
            linked: false,
            agree: 0,
            contradict: 0,
            forbidden: false,
        };
        let c = cluster_checked(4, links(), &ClusterSettings::default(), neither);
        assert_eq!(c.cluster_of, vec![0, 0, 1, 1]);
        assert_eq!(c.vetoed, 1);
        // One more plausible pair across (0, 3) corroborates the join.
        let corroborated = |a: u32, b: u32| Cross {
            different: false,
            plausible: (a.min(b), a.max(b)) == (0, 3),
            linked: false,
            agree: 0,
            contradict: 0,
            forbidden: false,
        };
        let c = cluster_checked(4, links(), &ClusterSettings::default(), corroborated);
        assert_eq!(c.cluster_of, vec![0, 0, 0, 0]);
        // Turned off, or through `cluster`, only clear differences refuse.
        let off = ClusterSettings {
            corroborate_merges: false,
            ..ClusterSettings::default()
        };
        let c = cluster_checked(4, links(), &off, neither);
        assert_eq!(c.cluster_of, vec![0, 0, 0, 0]);
        let c = cluster(4, links(), &ClusterSettings::default(), |_, _| false);
        assert_eq!(c.cluster_of, vec![0, 0, 0, 0]);
        // A record joining a group needs no corroboration.
        let c = cluster_checked(
            3,
            vec![link(0, 1, 9.0), link(1, 2, 8.0)],
            &ClusterSettings::default(),
            neither,
        );
        assert_eq!(c.cluster_of, vec![0, 0, 0]);
    }

    #[test]
    fn a_tentative_link_joins_only_an_unambiguous_pair_of_groups() {
        let link = |a, b, weight, tentative| Link {
            a,
            b,
            weight,
            tentative,
            corroborate: false,
        };
        let none = |_, _| Cross {
            different: false,
            plausible: true,
            linked: false,
            agree: 0,
            contradict: 0,
            forbidden: false,
        };
        let settings = ClusterSettings::default();
        // Records 0 and 1 are one person; 2 and 3 another with the same
        // name; 4 is a name-only record that fits both people.
        let firm = || vec![link(0, 1, 20.0, false), link(2, 3, 20.0, false)];
        let mut links = firm();
        links.extend([link(4, 0, 1.0, true), link(4, 2, 0.9, true)]);
        let c = cluster_checked(5, links, &settings, none);
        assert_eq!(c.cluster_of, vec![0, 0, 1, 1, 2]);
        assert_eq!(c.ambiguous, 2);
        // Only one person fits: the record joins them.
        let mut links = firm();
        links.push(link(4, 2, 0.9, true));
        let c = cluster_checked(5, links, &settings, none);
        assert_eq!(c.cluster_of, vec![0, 0, 1, 1, 1]);
        assert_eq!(c.ambiguous, 0);
        // Firm links are taken whatever else their records link to.
        let mut links = firm();
        links.extend([link(4, 0, 5.0, false), link(4, 2, 4.0, false)]);
        let c = cluster_checked(5, links, &settings, none);
        assert_eq!(c.cluster_of, vec![0, 0, 0, 0, 0]);
        assert_eq!(c.ambiguous, 0);
        // Ambiguous when first judged (record 1 also links to 2), taken
        // once 2 has joined 1's group: the third group is gone.
        let links = vec![link(0, 1, 2.0, true), link(1, 2, 1.0, false)];
        let c = cluster_checked(3, links, &settings, none);
        assert_eq!(c.cluster_of, vec![0, 0, 0]);
        assert_eq!(c.ambiguous, 0);
    }
}
