//! A comparison: an ordered list of levels for one field, each with its
//! trained m and u probabilities.

use serde::{Deserialize, Serialize};

use super::predicate::{PairMemo, Predicate};
use crate::normalize::record::{Attr, NormalizedRecord};

/// One level of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// Human label (`exact`, `jaro_winkler >= 0.92`, `else`).
    pub label: String,
    /// The condition for this level.
    pub when: Predicate,
    /// True for the level that means "no information" (a value missing):
    /// it adds no weight and is not trained.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_null: bool,
    /// P(level | the records match). Trained by EM.
    pub m: f64,
    /// P(level | the records do not match). Estimated from random pairs.
    pub u: f64,
    /// Adjust the weight for how common the agreed value is (exact levels).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tf_adjust: bool,
    /// A pair at this level is clearly two different entities, whatever
    /// else agrees (a person and a company at one address): its person
    /// weight is set below any veto, so it is never linked and groups are
    /// not joined across it. Weight and training are as for any level.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub veto: bool,
}

impl Level {
    /// A level with untrained starting probabilities.
    pub fn new(label: &str, when: Predicate, m: f64, u: f64) -> Level {
        Level {
            label: label.to_string(),
            when,
            is_null: false,
            m,
            u,
            tf_adjust: false,
            veto: false,
        }
    }

    /// The level meaning "missing on either side".
    pub fn null(attrs: Vec<Attr>) -> Level {
        Level {
            is_null: true,
            ..Level::new("null", Predicate::AnyNull { attrs }, 1.0, 1.0)
        }
    }

    /// Marks the level as a veto (see [`Level::veto`]).
    pub fn with_veto(mut self) -> Level {
        self.veto = true;
        self
    }

    /// Marks the level for term-frequency adjustment.
    pub fn with_tf(mut self) -> Level {
        self.tf_adjust = true;
        self
    }

    /// Match weight: log2(m / u), 0 for the null level.
    pub fn weight(&self) -> f64 {
        if self.is_null {
            0.0
        } else {
            (self.m.max(1e-9) / self.u.max(1e-9)).log2()
        }
    }
}

/// Whose attribute a comparison looks at: a person's own (given name, birth
/// date, email, national id) or one a household shares (family name,
/// address, phone).
///
/// The difference matters twice. EM decides match or non-match from
/// person fields only, so members of one household (who agree on address
/// and phone) do not teach the model that differing names are common among
/// matches. And a pair whose person fields clearly disagree is never
/// linked, however much household evidence it has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Identifies a person.
    #[default]
    Person,
    /// Shared by the people of one household or business.
    Household,
}

/// A comparison of one field (or a group of attributes) between two
/// records, as ordered levels; the first level whose condition holds wins,
/// and the last level is `else`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Name shown in explanations (`given_name`, `email`).
    pub name: String,
    /// Person or household evidence.
    #[serde(default)]
    pub role: Role,
    /// The levels, most specific first, `else` last.
    pub levels: Vec<Level>,
    /// Set by training when no EM session could train m (every blocking
    /// rule reads the field, or no session had other evidence): the
    /// template's starting m stands, and the template's order of
    /// strength is kept (an exact agreement weighs at least what the
    /// weaker levels it implies weigh, see [`Comparison::exact_floors`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub m_untrained: bool,
}

impl Comparison {
    /// The index of the first level whose condition holds. Never fails:
    /// a comparison without a matching level gets its last level.
    #[inline]
    pub fn level_of(&self, a: &NormalizedRecord, b: &NormalizedRecord) -> u8 {
        self.level_of_memo(a, b, &mut PairMemo::default())
    }

    /// [`Comparison::level_of`] sharing similarities through `memo`.
    #[inline]
    pub fn level_of_memo(
        &self,
        a: &NormalizedRecord,
        b: &NormalizedRecord,
        memo: &mut PairMemo,
    ) -> u8 {
        self.levels
            .iter()
            .position(|l| l.when.holds_memo(a, b, memo))
            .unwrap_or(self.levels.len().saturating_sub(1)) as u8
    }

    /// The attribute of each term-frequency adjusted level (`None` for
    /// levels without adjustment), in level order.
    pub fn tf_attrs(&self) -> Vec<Option<Attr>> {
        self.levels
            .iter()
            .map(|l| {
                if l.tf_adjust {
                    l.when.exact_attr()
                } else {
                    None
                }
            })
            .collect()
    }

    /// For each exact-match level of a comparison whose m was not trained
    /// ([`Comparison::m_untrained`]), the highest weight of the later
    /// levels an exact agreement implies ([`Predicate::implied_by_exact`];
    /// not null, veto or `else` levels): the least its weight may be, term
    /// frequency included, since the pair satisfies those weaker levels
    /// too. Without trained m, an exact level's weight rests on a guessed
    /// m and on a u that matches inflate (random pairs of a file whose
    /// entities hold hundreds of records, all sharing the name), and its
    /// term frequency on values common because one entity holds them.
    /// `-inf` for the other levels, and for every level of a trained
    /// comparison (EM's m speaks there: a fuzzy level may be stronger
    /// evidence than an exact one of a common value).
    pub fn exact_floors(&self) -> Vec<f64> {
        if !self.m_untrained {
            return vec![f64::NEG_INFINITY; self.levels.len()];
        }
        self.levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let Some(attr) = l.when.exact_attr() else {
                    return f64::NEG_INFINITY;
                };
                if l.is_null {
                    return f64::NEG_INFINITY;
                }
                self.levels[i + 1..]
                    .iter()
                    .filter(|k| !k.is_null && !k.veto && !matches!(k.when, Predicate::Else))
                    .filter(|k| k.when.implied_by_exact(attr))
                    .map(Level::weight)
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect()
    }

    /// The attributes any level reads.
    pub fn attrs(&self) -> Vec<Attr> {
        let mut out = Vec::new();
        for l in &self.levels {
            l.when.attrs(&mut out);
        }
        out.sort();
        out.dedup();
        out
    }

    /// Checks the shape: at least two levels, names set, the last is `else`.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("a comparison has no name".into());
        }
        if self.levels.len() < 2 || self.levels.len() > 250 {
            return Err(format!("comparison '{}' needs 2 to 250 levels", self.name));
        }
        if !matches!(self.levels.last().map(|l| &l.when), Some(Predicate::Else)) {
            return Err(format!(
                "comparison '{}' must end with an 'else' level",
                self.name
            ));
        }
        for l in &self.levels {
            if !(l.m.is_finite()
                && l.u.is_finite()
                && l.m >= 0.0
                && l.u >= 0.0
                && l.m <= 1.0
                && l.u <= 1.0)
            {
                return Err(format!(
                    "comparison '{}' level '{}': m and u must be probabilities",
                    self.name, l.label
                ));
            }
        }
        Ok(())
    }
}
