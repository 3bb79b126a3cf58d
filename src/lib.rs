//! # linkage
//!
//! Customer entity resolution: records of the same person from several
//! systems (CRM, point of sale, web shop, billing) collapsed into one
//! identity, with every decision explained.
//!
//! The pipeline has one module per stage:
//!
//! 1. [`normalize`]: names, emails, phones, addresses, dates to comparable values;
//! 2. [`block`]: candidate pairs from declarative blocking rules;
//! 3. [`compare`]: per-field comparison levels;
//! 4. [`score`]: a Fellegi-Sunter model trained on the data (u from random
//!    pairs, m by EM), with term-frequency adjustment;
//! 5. [`cluster`]: linked pairs to identities, guarded against chaining;
//! 6. [`explain`]: each field's weight for any pair, the links of any cluster.
//!
//! ## From CSV exports to identities
//!
//! ```
//! use linkage::{input, Resolver, Settings};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
//! let files: Vec<_> = ["crm", "pos", "web", "billing"].iter().map(|s| dir.join(format!("{s}.csv"))).collect();
//! let (data, _schemas, _report) = input::read_csv_files(&files, &input::CsvOptions::default())?;
//! let resolution = Resolver::new(Settings::default())?.resolve(&data)?;
//! let truth = linkage::eval::Truth::from_csv(&dir.join("truth.csv"))?;
//! let metrics = linkage::eval::evaluate(&data, &resolution.clustering.cluster_of, &truth);
//! assert!(metrics.f1 > 0.9);
//! // Why are the first two linked records one customer?
//! if let Some(link) = resolution.links.first() {
//!     let why = resolution.explain_pair(link.a as usize, link.b as usize).unwrap();
//!     for f in &why.fields {
//!         println!("{:<14} {:<28} {:+.2}", f.comparison, f.label, f.weight + f.tf_adjustment);
//!     }
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod block;
pub mod cluster;
pub mod compare;
pub mod error;
pub mod eval;
pub mod explain;
pub mod infer;
pub mod input;
pub mod normalize;
pub mod output;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod report;
mod rng;
pub mod schema;
pub mod score;
pub mod settings;
pub mod store;
pub mod synth;

pub use error::{Error, Result};

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use pipeline::{Resolution, Resolver};
pub use record::{Dataset, Record};
pub use schema::FieldKind;
pub use settings::Settings;
