use linkage::block::Blocker;
use linkage::compare::predicate::PairMemo;
use linkage::input::{read_csv_files, CsvOptions};
use linkage::pipeline::{kinds_present, normalize_all};
use linkage::Settings;
use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let files: Vec<_> = ["crm", "pos", "web", "billing"]
        .iter()
        .map(|s| dir.join(format!("{s}.csv")))
        .collect();
    let (data, _, _) = read_csv_files(&files, &CsvOptions::default()).unwrap();
    let settings = Settings::for_kinds(&kinds_present(&data));
    let (records, _) = normalize_all(&data, &settings.normalize);
    let sources: Vec<u32> = data.records.iter().map(|r| r.source).collect();
    let blocker = Blocker::new(&settings.blocking, settings.link_mode, &records, &sources);
    let (pairs, _) = blocker.pairs();
    println!("pairs {}", pairs.len());
    for c in &settings.comparisons {
        let t = Instant::now();
        let mut hist = vec![0u64; c.levels.len()];
        for &(a, b) in &pairs {
            let l = c.level_of_memo(
                &records[a as usize],
                &records[b as usize],
                &mut PairMemo::default(),
            );
            hist[l as usize] += 1;
        }
        println!(
            "{:12} {:>8.1} ms  {:?}",
            c.name,
            t.elapsed().as_secs_f64() * 1e3,
            hist
        );
    }
}
