//! How much memory a run will take, and whether its candidate pairs are
//! held or streamed under a memory budget ([`super::Resolver::memory_budget`]).

/// Approximate memory per record (raw, normalized, keys, links and
/// references; measured on a million generated customers: 1.16 KB) and per
/// candidate pair held (8 bytes of pair, a level byte per comparison, and
/// slack), rounded up.
pub(super) const BYTES_PER_RECORD: u64 = 1_200;
pub(super) const BYTES_PER_PAIR: u64 = 20;

/// Pairs per streamed chunk: at least this many (fewer makes the thread
/// pool idle between chunks), at most the other (more buys no speed).
pub(super) const MIN_CHUNK_PAIRS: u64 = 65_536;
pub(super) const MAX_CHUNK_PAIRS: u64 = 1 << 20;

/// Pairs per chunk when the pairs are held.
pub(super) const HELD_CHUNK_PAIRS: usize = 1 << 20;

/// How a run holds its candidate pairs, decided from the memory budget
/// and the blocking estimate before any pair is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PairMemory {
    /// All pairs and their levels are kept between comparing and scoring.
    Held,
    /// Pairs are generated twice in chunks of this many (once to train,
    /// once to score) and never all held.
    Streamed(usize),
}

impl PairMemory {
    /// The choice for `records` records and at most `pairs` pairs under
    /// `budget` bytes (none: hold), and the run's expected peak bytes.
    pub(super) fn choose(budget: Option<u64>, records: usize, pairs: u64) -> (PairMemory, u64) {
        let base = records as u64 * BYTES_PER_RECORD;
        let held = base + pairs * BYTES_PER_PAIR;
        match budget {
            Some(budget) if held > budget => {
                let room = budget.saturating_sub(base) / (2 * BYTES_PER_PAIR);
                let chunk = room.clamp(MIN_CHUNK_PAIRS, MAX_CHUNK_PAIRS);
                // One chunk at a time (and the next being built), never
                // more than holding every pair would take.
                let streamed = base + 2 * chunk.min(pairs) * BYTES_PER_PAIR;
                (PairMemory::Streamed(chunk as usize), streamed.min(held))
            }
            _ => (PairMemory::Held, held),
        }
    }
}

/// A warning when the records alone need more than the budget (they are
/// always held; only pairs can be streamed).
pub(super) fn budget_warning(budget: Option<u64>, records: usize) -> Option<String> {
    let need = records as u64 * BYTES_PER_RECORD;
    budget.filter(|&b| need > b).map(|b| {
        format!(
            "the {records} records alone need about {}, over the memory budget of {}: \
             candidate pairs are streamed, but records are always held in memory",
            human_bytes(need),
            human_bytes(b)
        )
    })
}

/// A byte count for people: `512 B`, `646 KB`, `1.3 GB` (powers of 1024).
pub(super) fn human_bytes(bytes: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 {
        format!("{value:.0} {}", units[unit])
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_as_people_write_them() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1024), "1.0 KB");
        assert_eq!(human_bytes(645_600), "630 KB");
        assert_eq!(human_bytes(4 << 30), "4.0 GB");
    }

    #[test]
    fn a_budget_streams_only_when_held_pairs_would_pass_it() {
        // 1,000 records (1.2 MB) and 100,000 pairs (2 MB) held: 3.2 MB.
        assert_eq!(PairMemory::choose(None, 1000, 100_000).0, PairMemory::Held);
        assert_eq!(
            PairMemory::choose(Some(4_000_000), 1000, 100_000).0,
            PairMemory::Held
        );
        let (memory, bytes) = PairMemory::choose(Some(3_000_000), 1000, 100_000);
        assert_eq!(memory, PairMemory::Streamed(MIN_CHUNK_PAIRS as usize));
        assert!(bytes <= 1000 * BYTES_PER_RECORD + 100_000 * BYTES_PER_PAIR);
        // Many pairs: streaming holds one chunk, far below holding them all.
        let (memory, bytes) = PairMemory::choose(Some(3_000_000), 1000, 100_000_000);
        assert_eq!(memory, PairMemory::Streamed(MIN_CHUNK_PAIRS as usize));
        assert_eq!(
            bytes,
            1000 * BYTES_PER_RECORD + 2 * MIN_CHUNK_PAIRS * BYTES_PER_PAIR
        );
        // Room for big chunks: at most the largest chunk.
        let (memory, _) = PairMemory::choose(Some(10_000_000_000), 1000, 1_000_000_000);
        assert_eq!(memory, PairMemory::Streamed(MAX_CHUNK_PAIRS as usize));
    }
}
