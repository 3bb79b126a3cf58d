//! Fuzz target `store_db_open`: the invariants are in `tests/fuzz_checks`
//! (shared with the crasher replay test).
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::store_db_open(data));
