//! A bound on how much one CSV row may hold, so that a file that is one
//! huge field, or has no line breaks, ends in a clear error instead of
//! growing one row without end (a 2 GB field took 10 GB of memory).
//!
//! [`Capped`] sits between the text and the CSV parser and refuses to hand
//! over more than [`MAX_ROW_BYTES`] past the end of the last whole row
//! (plus the parser's read-ahead); the reading loop moves that mark after
//! each row ([`Capped::row_ended_at`]).

use std::io::{self, BufRead, Read};

/// The most bytes one row (header included) may hold: far above any real
/// export's row (spreadsheet cells stop at 32,767 characters; 10,000
/// columns of short values are well under 1 MiB).
pub const MAX_ROW_BYTES: u64 = 8 << 20;

/// Slack for the CSV parser's own buffer, which reads ahead of the row it
/// returns.
const READ_AHEAD: u64 = 64 << 10;

/// A reader that hands over at most [`MAX_ROW_BYTES`] past the last row end.
pub(crate) struct Capped<R> {
    inner: R,
    /// Bytes handed over so far.
    read: u64,
    /// No byte past this offset is handed over.
    limit: u64,
    /// Set once a read was refused for the limit.
    exceeded: bool,
}

impl<R> Capped<R> {
    pub(crate) fn new(inner: R) -> Self {
        Capped {
            inner,
            read: 0,
            limit: MAX_ROW_BYTES + READ_AHEAD,
            exceeded: false,
        }
    }

    /// The parser finished a row at byte `offset`: the next row may run
    /// [`MAX_ROW_BYTES`] past it.
    pub(crate) fn row_ended_at(&mut self, offset: u64) {
        self.limit = offset.saturating_add(MAX_ROW_BYTES + READ_AHEAD);
    }

    /// Whether a read was refused because a row outgrew the limit.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded
    }
}

impl<R: BufRead> Read for Capped<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let room = self.limit.saturating_sub(self.read);
        if room == 0 && !out.is_empty() {
            // Only a refusal when the file does go on.
            if self.inner.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.exceeded = true;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a row longer than the limit",
            ));
        }
        let take = out.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut out[..take])?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_over_rows_under_the_limit_and_refuses_one_over_it() {
        let text = vec![b'a'; (MAX_ROW_BYTES + READ_AHEAD) as usize + 1];
        let mut capped = Capped::new(&text[..]);
        let mut sink = Vec::new();
        assert!(capped.read_to_end(&mut sink).is_err());
        assert!(capped.exceeded());
        assert_eq!(sink.len() as u64, MAX_ROW_BYTES + READ_AHEAD);
        // The same bytes with a row end moved forward pass.
        let mut capped = Capped::new(&text[..]);
        capped.row_ended_at(1);
        let mut sink = Vec::new();
        assert!(capped.read_to_end(&mut sink).is_ok());
        assert_eq!(sink.len(), text.len());
    }

    #[test]
    fn a_file_ending_exactly_at_the_limit_is_no_refusal() {
        let text = vec![b'a'; (MAX_ROW_BYTES + READ_AHEAD) as usize];
        let mut capped = Capped::new(&text[..]);
        let mut sink = Vec::new();
        assert!(capped.read_to_end(&mut sink).is_ok());
        assert!(!capped.exceeded());
    }
}
