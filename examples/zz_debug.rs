use linkage::input::{read_csv_files, CsvOptions};
use linkage::pipeline::{kinds_present, normalize_all};
use linkage::Settings;
mod common;
fn rss() -> String {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let cur = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap()
        .to_string();
    format!("{cur} peak {}", common::peak_rss())
}
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let files: Vec<_> = ["crm", "pos", "web", "billing"]
        .iter()
        .map(|s| dir.join(format!("{s}.csv")))
        .collect();
    let (data, _, _) = read_csv_files(&files, &CsvOptions::default()).unwrap();
    println!("read: {}", rss());
    let settings = Settings::for_kinds(&kinds_present(&data));
    let (records, _) = normalize_all(&data, &settings.normalize);
    println!("normalize: {} {}", records.len(), rss());
    let sources: Vec<u32> = data.records.iter().map(|r| r.source).collect();
    let blocker =
        linkage::block::Blocker::new(&settings.blocking, settings.link_mode, &records, &sources);
    println!("keys: {}", rss());
    let (pairs, _) = blocker.pairs();
    println!("pairs {}: {}", pairs.len(), rss());
}
