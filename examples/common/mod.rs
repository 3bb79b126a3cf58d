//! Helpers shared by the benchmark examples.

/// Peak resident memory of this process in MB (Linux), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Peak RSS formatted for a table cell.
#[allow(dead_code)] // not every example prints it
pub fn peak_rss() -> String {
    peak_rss_mb().map_or("n/a".into(), |mb| format!("{mb:.0} MB"))
}

/// A memory size from the command line: bytes, or with a K, M, G or T
/// suffix (powers of 1024; `4G`, `512M`, `1.5g`).
#[allow(dead_code)] // not every example takes a size
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("'{text}': unknown unit (use K, M, G or T)")),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a size such as 4G or 512M"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("'{text}' is not a positive size"));
    }
    Ok((value * (1u64 << shift) as f64) as u64)
}
