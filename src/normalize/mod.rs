//! Stage 1, **normalize**: pure functions that turn raw field values into
//! comparable ones. Each file handles one kind of value; [`record`] applies
//! them to a whole record according to its schema.

pub mod address;
pub mod date;
pub mod email;
pub mod name;
pub mod name_roles;
pub mod org_key;
pub mod organisation;
pub mod phone;
pub mod phonetic;
pub mod placeholder;
pub mod record;
pub mod tables;
pub mod text;

pub use record::{NormalizeRules, NormalizedRecord};
