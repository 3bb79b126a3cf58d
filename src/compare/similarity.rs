//! String similarity measures used by comparison levels.
//!
//! Both measures have an allocation-free path for ASCII strings of up to
//! 64 bytes (nearly every normalized name, email, phone or street) and
//! fall back to `strsim` otherwise; property tests check that the two
//! paths agree.

const FAST_MAX: usize = 64;

/// Jaro similarity of two byte strings of at most [`FAST_MAX`] bytes.
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_flags = [false; FAST_MAX];
    let mut b_flags = [false; FAST_MAX];
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for j in lo..hi {
            if !b_flags[j] && b[j] == ca {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0;
    for (i, &ca) in a.iter().enumerate() {
        if !a_flags[i] {
            continue;
        }
        while !b_flags[j] {
            j += 1;
        }
        if b[j] != ca {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (matches - transpositions / 2) as f64 / m) / 3.0
}

/// Jaro-Winkler similarity in 0..=1 (1 = equal), as `strsim::jaro_winkler`:
/// a common prefix of up to four characters boosts Jaro scores above 0.7.
#[inline]
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !(a.is_ascii() && b.is_ascii() && x.len() <= FAST_MAX && y.len() <= FAST_MAX) {
        return strsim::jaro_winkler(a, b);
    }
    let sim = jaro_ascii(x, y);
    if sim > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and transpositions of adjacent characters each cost 1.
#[inline]
pub fn edit_distance(a: &str, b: &str) -> usize {
    if a == b {
        return 0;
    }
    strsim::osa_distance(a, b)
}

/// True when two different ASCII strings are one substitution, insertion,
/// deletion or swap of neighbours apart: a linear scan, no table.
fn within_one_ascii(x: &[u8], y: &[u8]) -> bool {
    let (s, l) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    let first_difference = s.iter().zip(l).position(|(p, q)| p != q);
    match l.len() - s.len() {
        0 => {
            let Some(i) = first_difference else {
                return true;
            };
            s[i + 1..] == l[i + 1..]
                || (i + 1 < s.len()
                    && s[i] == l[i + 1]
                    && s[i + 1] == l[i]
                    && s[i + 2..] == l[i + 2..])
        }
        1 => {
            let i = first_difference.unwrap_or(s.len());
            s[i..] == l[i + 1..]
        }
        _ => false,
    }
}

/// True when the optimal-string-alignment distance is at most `max`,
/// computed in a band around the diagonal with early exit, without
/// allocating for ASCII strings of up to 64 bytes.
pub fn within_edits(a: &str, b: &str, max: usize) -> bool {
    if a == b {
        return true;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if max <= 1 && a.is_ascii() && b.is_ascii() {
        return max == 1 && within_one_ascii(x, y);
    }
    if x.len().abs_diff(y.len()) > max {
        return a.chars().count().abs_diff(b.chars().count()) <= max && edit_distance(a, b) <= max;
    }
    if !(a.is_ascii() && b.is_ascii() && x.len() < FAST_MAX && y.len() < FAST_MAX) {
        return edit_distance(a, b) <= max;
    }
    const INF: usize = usize::MAX / 4;
    // Three rows of the DP table (two back for transpositions).
    let mut prev2 = [INF; FAST_MAX + 1];
    let mut prev = [INF; FAST_MAX + 1];
    let mut cur = [INF; FAST_MAX + 1];
    for (j, p) in prev.iter_mut().enumerate().take(y.len() + 1) {
        *p = j;
    }
    for i in 1..=x.len() {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(y.len());
        cur[..=y.len()].fill(INF);
        cur[0] = i;
        let mut row_min = if lo == 1 { i } else { INF };
        for j in lo..=hi {
            let cost = usize::from(x[i - 1] != y[j - 1]);
            let mut v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[y.len()] <= max
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn measures() {
        assert_eq!(edit_distance("rose", "rsoe"), 1);
        assert_eq!(edit_distance("roles", "robles"), 1);
        assert!(within_edits("rose", "rsoe", 1));
        assert!(within_edits(
            "nicolasrose44@gmail.com",
            "nicholasrose44@gmail.com",
            1
        ));
        assert!(!within_edits("5550102000", "5550120200", 1));
        assert!(jaro_winkler("martha", "marhta") > 0.96);
        assert!(jaro_winkler("christopher", "christcpher") > 0.92);
        assert!(jaro_winkler("smith", "jones") < 0.6);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert!(
            (jaro_winkler("josé", "jose") - strsim::jaro_winkler("josé", "jose")).abs() < 1e-12
        );
    }

    proptest! {
        #[test]
        fn fast_jaro_winkler_equals_strsim(a in "[a-e ]{0,12}", b in "[a-e ]{0,12}") {
            let fast = jaro_winkler(&a, &b);
            let reference = if a == b { 1.0 } else { strsim::jaro_winkler(&a, &b) };
            prop_assert!((fast - reference).abs() < 1e-12, "{a:?} {b:?}: {fast} vs {reference}");
            prop_assert!((jaro_winkler(&b, &a) - fast).abs() < 1e-12);
        }

        #[test]
        fn one_edit_scan_agrees_with_full_distance(a in "[a-c]{0,8}", b in "[a-c]{0,8}") {
            prop_assert_eq!(within_edits(&a, &b, 1), strsim::osa_distance(&a, &b) <= 1);
            prop_assert_eq!(within_edits(&a, &b, 0), a == b);
        }

        #[test]
        fn banded_edits_agree_with_full_distance(a in "[a-d]{0,10}", b in "[a-d]{0,10}", max in 0usize..4) {
            prop_assert_eq!(within_edits(&a, &b, max), strsim::osa_distance(&a, &b) <= max);
        }
    }
}
