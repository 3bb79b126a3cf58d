//! The one decision code: which scored pairs are links, what a pair
//! across two groups says about joining them, and whether a link may join
//! its two groups. Batch clustering ([`super::cluster_checked`]) and the
//! incremental [`crate::store::IdentityStore`] both decide through it, with
//! every number read from the saved [`Settings`] (the threshold, the
//! uncontested threshold, [`ClusterSettings`]), so a saved model makes the
//! same decisions wherever it is loaded.

use super::{ClusterSettings, Cross};
use crate::score::weights::VETO_PERSON_WEIGHT;
use crate::score::{weight_of_probability, PairWeight};
use crate::settings::Settings;

/// The weights a pair must reach to be a link, and the guard's weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Decision {
    /// Total match weight of a link.
    pub(crate) threshold: f64,
    /// Total match weight of a tentative link: a pair nothing counts
    /// against (infinite when there are none).
    pub(crate) uncontested: f64,
    /// Total match weight of a tentative link that must be corroborated:
    /// a pair something counts against (infinite when there are none).
    pub(crate) contested: f64,
    /// Weight of the person comparisons alone below which a pair is
    /// never a link.
    pub(crate) veto: f64,
    /// Person weight below which a pair across two groups is clearly
    /// different people (the veto less [`ClusterSettings::guard_margin`]).
    guard: f64,
    /// Total weight below which a pair across two groups is clearly
    /// different people whatever its person weight.
    total_floor: f64,
}

impl Decision {
    /// The decision weights of `settings`.
    pub(crate) fn new(settings: &Settings) -> Decision {
        let veto = weight_of_probability(settings.cluster.veto_probability);
        let guard = veto - settings.cluster.guard_margin;
        Decision {
            threshold: weight_of_probability(settings.threshold),
            uncontested: settings
                .uncontested_threshold
                .map_or(f64::INFINITY, weight_of_probability),
            contested: settings
                .contested_threshold
                .map_or(f64::INFINITY, weight_of_probability),
            veto,
            guard,
            total_floor: guard + settings.cluster.total_floor,
        }
    }

    /// Whether a pair with weights `w` is a link: `Some(tentative)`.
    pub(crate) fn admits(&self, w: &PairWeight) -> Option<bool> {
        if w.person < self.veto {
            None
        } else if w.total >= self.threshold {
            Some(false)
        } else if (w.against >= 0.0 && w.total >= self.uncontested) || w.total >= self.contested {
            Some(true)
        } else {
            None
        }
    }

    /// Whether a tentative link with weights `w` must also be corroborated
    /// by another plausible pair across its two groups: something counts
    /// against it ([`Settings::contested_threshold`]).
    pub(crate) fn needs_corroboration(&self, w: &PairWeight) -> bool {
        self.admits(w) == Some(true) && !(w.against >= 0.0 && w.total >= self.uncontested)
    }

    /// Whether a pair is a firm link (not a tentative one).
    pub(crate) fn is_link(&self, w: &PairWeight) -> bool {
        self.admits(w) == Some(false)
    }

    /// The two records must not end up in one identity through other
    /// links: their person fields alone clearly disagree (odds below the
    /// veto by [`ClusterSettings::guard_margin`]), or all their evidence
    /// together makes them as good as certainly different people.
    pub(crate) fn clearly_different(&self, w: &PairWeight) -> bool {
        w.person < self.guard || w.total < self.total_floor
    }

    /// What a pair across two groups says about joining them.
    pub(crate) fn cross(&self, w: &PairWeight) -> Cross {
        Cross {
            different: self.clearly_different(w),
            // At least even odds of being one person.
            plausible: w.total >= 0.0,
            linked: w.total >= self.threshold,
            agree: w.agree,
            contradict: w.contradict,
            forbidden: w.person <= VETO_PERSON_WEIGHT,
        }
    }
}

/// Whether the link `link` (one record of each group) may not join groups
/// `a` and `b` (their members, in the order they joined), judging pairs
/// across them with `judge` (at most [`ClusterSettings::max_cross_checks`],
/// the earliest members of each group first). Refused when:
/// - a pair across is forbidden (a person and a company);
/// - a member of either group is clearly different from half the other
///   group (it is another person: a spouse, a son);
/// - the clearly different pairs across are not outweighed by pairs strong
///   enough to be links themselves
///   ([`ClusterSettings::links_per_contradiction`], the joining link counts);
/// - both groups hold several records and, on one person comparison, the
///   pairs across that contradict outnumber those that do not (where it is
///   known) by the same ratio: the known birth dates differ;
/// - with [`ClusterSettings::corroborate_merges`], both hold several
///   records and no pair across but the joining link is plausible.
///
/// With `corroborate` (a contested tentative link), some pair across but
/// the link must be plausible whatever the groups' sizes, so two single
/// records are refused.
///
/// Otherwise two single records are never refused here: their link was
/// judged as a pair.
pub(crate) fn refuses_join(
    a: &[u32],
    b: &[u32],
    link: (u32, u32),
    settings: &ClusterSettings,
    corroborate: bool,
    mut judge: impl FnMut(u32, u32) -> Cross,
) -> bool {
    if a.len() == 1 && b.len() == 1 {
        return corroborate;
    }
    let (big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let limit = settings.max_cross_checks.max(1);
    let take_b = small.len().min(limit);
    let take_a = big.len().min((limit / take_b).max(1));
    let several = big.len() > 1 && small.len() > 1;
    let ratio = settings.links_per_contradiction.max(1.0);
    // The joining link is the first strong pair.
    let (mut linked, mut different) = (1.0f64, 0.0f64);
    let mut supported = false;
    // Per person comparison: pairs across where it is known and does not
    // contradict, and pairs where it contradicts.
    let (mut agree, mut contradict) = ([0u32; 64], [0u32; 64]);
    let mut left = (take_a * take_b) as f64;
    // Clearly different pairs of each member of the small group.
    let mut against = vec![0usize; take_b];
    for &x in &big[..take_a] {
        let mut against_x = 0usize;
        for (j, &y) in small[..take_b].iter().enumerate() {
            left -= 1.0;
            let c = judge(x, y);
            for (bits, counts) in [(c.agree, &mut agree), (c.contradict, &mut contradict)] {
                let mut bits = bits;
                while bits != 0 {
                    counts[bits.trailing_zeros() as usize] += 1;
                    bits &= bits - 1;
                }
            }
            if (x, y) == link || (y, x) == link {
                continue;
            }
            if c.forbidden {
                return true;
            }
            if c.different {
                different += 1.0;
                against[j] += 1;
                against_x += 1;
                if against[j] * 2 >= take_a || against_x * 2 >= take_b {
                    return true;
                }
            } else {
                supported |= c.plausible;
                linked += f64::from(u8::from(c.linked));
            }
            // The pairs still to judge could not outweigh the
            // contradictions seen.
            if different * ratio > linked + left {
                return true;
            }
        }
    }
    // A record joining a group alone is judged by its pairs (a garbled
    // field of its own may be noise: refusing it cost customers10k recall).
    let contradicted = agree
        .iter()
        .zip(&contradict)
        .any(|(&a, &c)| c > 0 && f64::from(c) > ratio * f64::from(a));
    different * ratio > linked
        || (several && contradicted)
        || (settings.corroborate_merges && several && !supported)
        || (corroborate && !supported)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cross(different: bool, linked: bool) -> Cross {
        Cross {
            different,
            plausible: linked,
            linked,
            agree: 0,
            contradict: 0,
            forbidden: false,
        }
    }

    #[test]
    fn one_odd_pair_does_not_keep_a_large_entity_apart() {
        // Groups of five: one pair across clearly different, the rest links.
        let a: Vec<u32> = (0..5).collect();
        let b: Vec<u32> = (5..10).collect();
        let settings = ClusterSettings {
            links_per_contradiction: 3.0,
            ..ClusterSettings::default()
        };
        let judge = |x: u32, y: u32| cross((x, y) == (0, 9), (x, y) != (0, 9));
        assert!(!refuses_join(&a, &b, (1, 5), &settings, false, judge));
        // By default any clearly different pair refuses.
        let strict = ClusterSettings::default();
        assert!(refuses_join(&a, &b, (1, 5), &strict, false, judge));
    }

    #[test]
    fn a_member_unlike_half_the_other_group_is_another_person() {
        // A spouse's two records against a group of four: her census
        // record differs from two of the four, the rest link (a shared id).
        let a = [0, 1, 2, 3];
        let b = [4, 5];
        let judge = |x: u32, y: u32| cross(y == 4 && x < 2, !(y == 4 && x < 2));
        assert!(refuses_join(
            &a,
            &b,
            (3, 5),
            &ClusterSettings::default(),
            false,
            judge
        ));
    }

    #[test]
    fn groups_whose_known_birth_dates_all_differ_stay_apart() {
        // Father and son with one name: every pair across links by name
        // and address, and every pair with both dates known contradicts.
        let a = [0, 1, 2];
        let b = [3, 4];
        let judge = |x: u32, _: u32| {
            let both_dated = x != 2;
            Cross {
                contradict: u64::from(both_dated) << 3,
                ..cross(false, true)
            }
        };
        let settings = ClusterSettings::default();
        assert!(refuses_join(&a, &b, (2, 3), &settings, false, judge));
        // Most pairs across agree on the date (one record's is garbled):
        // one person after all.
        let judge = |x: u32, _: u32| Cross {
            agree: u64::from(x != 2) << 3,
            contradict: u64::from(x == 2) << 3,
            ..cross(false, true)
        };
        assert!(!refuses_join(&a, &b, (2, 3), &settings, false, judge));
        // A single record joining a group is judged by its pairs alone.
        let once = |x: u32, _: u32| Cross {
            contradict: u64::from(x == 0) << 3,
            ..cross(false, true)
        };
        assert!(!refuses_join(&a, &[3], (2, 3), &settings, false, once));
        let twice = |x: u32, _: u32| Cross {
            contradict: u64::from(x != 2) << 3,
            ..cross(false, true)
        };
        assert!(!refuses_join(&a, &[3], (2, 3), &settings, false, twice));
    }

    #[test]
    fn a_forbidden_pair_refuses_whatever_else_links() {
        let judge = |x: u32, _: u32| Cross {
            forbidden: x == 0,
            ..cross(false, true)
        };
        assert!(refuses_join(
            &[0, 1, 2],
            &[3],
            (1, 3),
            &ClusterSettings::default(),
            false,
            judge
        ));
    }

    #[test]
    fn uncontested_pairs_below_the_threshold_are_tentative_links() {
        let cut = Decision {
            uncontested: 0.0,
            contested: f64::INFINITY,
            ..Decision::new(&Settings::default())
        };
        assert!((cut.threshold - 3.17).abs() < 0.01 && (cut.veto + 4.25).abs() < 0.01);
        let w = |total, person, against| PairWeight {
            total,
            person,
            against,
            agree: 0,
            contradict: 0,
        };
        assert_eq!(cut.admits(&w(10.0, 5.0, -2.0)), Some(false));
        // Name only, nothing against: even odds are enough, tentatively.
        assert_eq!(cut.admits(&w(1.5, 15.0, 0.0)), Some(true));
        // Something disagrees: the threshold applies.
        assert_eq!(cut.admits(&w(1.5, 15.0, -0.5)), None);
        assert_eq!(cut.admits(&w(-0.5, 10.0, 0.0)), None);
        // Person fields that clearly disagree veto either way.
        assert_eq!(cut.admits(&w(12.0, -6.0, -6.0)), None);
        let off = Decision {
            uncontested: f64::INFINITY,
            ..cut
        };
        assert_eq!(off.admits(&w(1.5, 15.0, 0.0)), None);
        // With a contested threshold (the default's even odds), a pair
        // something disagrees on is tentative too, and must be borne out.
        let contested = Decision {
            contested: 0.0,
            ..cut
        };
        assert_eq!(contested.admits(&w(1.5, 15.0, -0.5)), Some(true));
        assert!(contested.needs_corroboration(&w(1.5, 15.0, -0.5)));
        assert!(!contested.needs_corroboration(&w(1.5, 15.0, 0.0)));
        assert!(!contested.needs_corroboration(&w(10.0, 5.0, -2.0)));
        assert_eq!(contested.admits(&w(-0.5, 10.0, -0.5)), None);
        assert_eq!(contested.admits(&w(12.0, -6.0, -6.0)), None);
    }

    #[test]
    fn a_person_and_a_company_at_one_address_are_never_one_entity() {
        use crate::compare::compare_pair;
        use crate::normalize::record::normalized;
        use crate::normalize::NormalizedRecord;
        use crate::record::Record;
        use crate::schema::FieldKind as K;
        use crate::score::ModelWeights;

        let s = Settings::for_kinds(&[
            K::Organisation,
            K::GivenName,
            K::Surname,
            K::Street,
            K::Phone,
            K::Postcode,
        ]);
        let weights = ModelWeights::new(&s.comparisons, s.prior, s.cluster.contradiction_weight);
        let cut = Decision::new(&s);
        let at = |r: Record| {
            normalized(
                &r.with(K::Street, "12 Harbour Road")
                    .with(K::Phone, "555 010 2000")
                    .with(K::Postcode, "62704"),
            )
        };
        let weigh = |a: &NormalizedRecord, b: &NormalizedRecord| {
            let mut levels = Vec::new();
            compare_pair(&s.comparisons, a, b, &mut levels);
            weights.weight(&levels, &|_, _| None)
        };
        let person = at(Record::new(0, "P1")
            .with(K::GivenName, "Ann")
            .with(K::Surname, "Acme"));
        let company = at(Record::new(0, "C1").with(K::Organisation, "ACME Inc."));
        let same = at(Record::new(1, "C2").with(K::Organisation, "Acme Incorporated"));
        let w = weigh(&person, &company);
        assert_eq!(cut.admits(&w), None, "{w:?}");
        assert!(cut.clearly_different(&w));
        let w = weigh(&company, &same);
        assert_eq!(cut.admits(&w), Some(false), "{w:?}");
        assert!(!cut.clearly_different(&w));
        // A contact person at the company (both names) is not vetoed by type.
        let contact = at(Record::new(2, "C3")
            .with(K::GivenName, "Ann")
            .with(K::Surname, "Lee")
            .with(K::Organisation, "Acme, Inc"));
        assert!(!cut.clearly_different(&weigh(&contact, &company)));
    }

    #[test]
    fn a_contested_link_joins_only_where_another_pair_bears_it_out() {
        let settings = ClusterSettings::default();
        let plausible = |_: u32, _: u32| cross(false, true);
        let doubtful = |_: u32, _: u32| Cross {
            plausible: false,
            ..cross(false, false)
        };
        // Two single records: nothing but the link itself can bear it out.
        assert!(refuses_join(&[0], &[1], (0, 1), &settings, true, plausible));
        assert!(!refuses_join(
            &[0],
            &[1],
            (0, 1),
            &settings,
            false,
            plausible
        ));
        // A record and a group of two: the other member must be plausible.
        assert!(!refuses_join(
            &[0, 1],
            &[2],
            (0, 2),
            &settings,
            true,
            plausible
        ));
        assert!(refuses_join(
            &[0, 1],
            &[2],
            (0, 2),
            &settings,
            true,
            doubtful
        ));
        // Without the flag the same join stands (the record's pairs decide).
        assert!(!refuses_join(
            &[0, 1],
            &[2],
            (0, 2),
            &settings,
            false,
            doubtful
        ));
    }
}
