//! Writing a generated dataset as CSV files: one per source, plus the truth.

use rayon::prelude::*;

use super::{SynthData, COLUMNS};

/// Writes a generated dataset as one CSV per source plus `truth.csv` into `dir`.
pub fn write_csv(data: &SynthData, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // One file per source plus the truth, written in parallel.
    let sources = data.dataset.sources.len();
    (0..=sources)
        .into_par_iter()
        .try_for_each(|s| match data.dataset.sources.get(s) {
            Some(name) => write_source(data, s, &dir.join(format!("{name}.csv"))),
            None => write_truth(data, &dir.join("truth.csv")),
        })
}

/// Writes the records of source `s` with the generator's header.
fn write_source(data: &SynthData, s: usize, path: &std::path::Path) -> std::io::Result<()> {
    let header = [
        "record_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "street",
        "city",
        "postcode",
        "date_of_birth",
    ];
    let mut w = csv::Writer::from_path(path).map_err(std::io::Error::other)?;
    w.write_record(header).map_err(std::io::Error::other)?;
    for r in data
        .dataset
        .records
        .iter()
        .filter(|r| r.source as usize == s)
    {
        let row: Vec<&str> = std::iter::once(r.id.as_str())
            .chain(COLUMNS[..8].iter().map(|(_, k)| r.get(*k).unwrap_or("")))
            .collect();
        w.write_record(&row).map_err(std::io::Error::other)?;
    }
    w.flush()
}

/// Writes `source,record_id,entity_id` for every record.
fn write_truth(data: &SynthData, path: &std::path::Path) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(std::io::Error::other)?;
    w.write_record(["source", "record_id", "entity_id"])
        .map_err(std::io::Error::other)?;
    for (s, r, e) in &data.truth {
        w.write_record([s, r, e]).map_err(std::io::Error::other)?;
    }
    w.flush()
}
