//! String similarity measures used by comparison levels.

/// Jaro-Winkler similarity in 0..=1 (1 = equal).
#[inline]
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    strsim::jaro_winkler(a, b)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures() {
        assert_eq!(edit_distance("rose", "rsoe"), 1);
        assert_eq!(edit_distance("roles", "robles"), 1);
        assert!(jaro_winkler("martha", "marhta") > 0.96);
        assert!(jaro_winkler("christopher", "christcpher") > 0.92);
        assert!(jaro_winkler("smith", "jones") < 0.6);
        assert_eq!(jaro_winkler("", ""), 1.0);
    }
}
