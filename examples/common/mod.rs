//! Helpers shared by the benchmark examples.

/// Peak resident memory of this process in MB (Linux), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Peak RSS formatted for a table cell.
pub fn peak_rss() -> String {
    peak_rss_mb().map_or("n/a".into(), |mb| format!("{mb:.0} MB"))
}
