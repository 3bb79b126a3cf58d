//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use linkage::input::{read_csv_files, CsvOptions};
use linkage::store::IdentityStore;
use linkage::{Dataset, Resolution, Resolver, Settings};

/// Reads `dir/<file>.csv` for each file (schemas inferred) and resolves
/// them with default settings.
pub fn read_and_resolve(dir: &Path, files: &[&str]) -> (Dataset, Resolution) {
    let paths: Vec<_> = files.iter().map(|f| dir.join(format!("{f}.csv"))).collect();
    let (data, _, _) = read_csv_files(&paths, &CsvOptions::default()).unwrap();
    let res = Resolver::new(Settings::default())
        .unwrap()
        .resolve(&data)
        .unwrap();
    (data, res)
}

/// Dense cluster numbers of `data`'s records as a store holds them.
pub fn store_clusters(store: &IdentityStore, data: &Dataset) -> Vec<u32> {
    let mut dense = std::collections::HashMap::new();
    data.records
        .iter()
        .map(|r| {
            let id = store
                .identity_of(&data.sources[r.source as usize], &r.id)
                .expect("every record stored");
            let n = dense.len() as u32;
            *dense.entry(id).or_insert(n)
        })
        .collect()
}

/// An empty store with `settings` that is then given `records` one at a time.
pub fn one_at_a_time<'a>(
    settings: &Settings,
    sources: &[String],
    records: impl IntoIterator<Item = &'a linkage::Record>,
) -> IdentityStore {
    let store = IdentityStore::new(settings.clone()).unwrap();
    for s in sources {
        store.add_source(s);
    }
    for r in records {
        store.add(r.clone()).unwrap();
    }
    store
}
