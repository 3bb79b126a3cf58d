use linkage::input::{read_csv_files, CsvOptions};
use linkage::normalize::record::{Attr, NormalizeReport};
use linkage::normalize::{NormalizeRules, NormalizedRecord};
use std::collections::HashMap;
fn main() {
    let d = "/work/shared/data";
    let load = |set: &str| {
        let files: Vec<_> = ["crm", "pos", "web", "billing"]
            .iter()
            .map(|s| format!("{d}/{set}/{s}.csv"))
            .collect();
        let (data, _, _) = read_csv_files(&files, &CsvOptions::default()).unwrap();
        let mut m = HashMap::new();
        for r in &data.records {
            let n = NormalizedRecord::from_record(
                r,
                &NormalizeRules::default(),
                &mut NormalizeReport::default(),
            );
            m.insert((data.source_name(r).to_string(), r.id.clone()), n);
        }
        m
    };
    let tidy = load("customers10k");
    let messy = load("messy10k");
    let mut diff: HashMap<(String, Attr, &str), usize> = HashMap::new();
    let mut shown: HashMap<(String, Attr), usize> = HashMap::new();
    let mut keys: Vec<_> = messy.keys().cloned().collect();
    keys.sort();
    for k in &keys {
        let (m, t) = (&messy[k], &tidy[k]);
        for a in Attr::ALL {
            let (x, y) = (m.get(a), t.get(a));
            if x == y {
                continue;
            }
            let kind = match (x, y) {
                (None, Some(_)) => "lost",
                (Some(_), None) => "extra",
                _ => "differs",
            };
            *diff.entry((k.0.clone(), a, kind)).or_default() += 1;
            if kind != "lost" {
                let s = shown.entry((k.0.clone(), a)).or_default();
                if *s < 6 {
                    *s += 1;
                    println!("{} {:?} {kind}: messy {:?} tidy {:?}", k.0, a, x, y);
                }
            }
        }
    }
    let mut v: Vec<_> = diff.into_iter().collect();
    v.sort();
    for ((s, a, k), n) in v {
        println!("{s:8} {a:?} {k}: {n}");
    }
}
