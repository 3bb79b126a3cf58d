//! Stage 3, **compare**: each candidate pair gets one level per comparison.
//! Comparisons are data ([`Comparison`] = ordered [`Level`]s, each a
//! [`Predicate`]); [`templates`] builds the usual ones per kind of field.

pub mod comparison;
pub mod predicate;
pub mod similarity;
pub mod templates;

pub use comparison::{Comparison, Level};
pub use predicate::{PairMemo, Predicate};

use crate::normalize::NormalizedRecord;

/// The level of every comparison for one pair, one byte each.
pub fn compare_pair(
    comparisons: &[Comparison],
    a: &NormalizedRecord,
    b: &NormalizedRecord,
    out: &mut Vec<u8>,
) {
    let mut memo = PairMemo::default();
    out.extend(comparisons.iter().map(|c| c.level_of_memo(a, b, &mut memo)));
}
