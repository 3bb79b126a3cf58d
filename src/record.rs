//! Input records as they come from a source system, before normalization.

use serde::{Deserialize, Serialize};

use crate::schema::FieldKind;

/// One input record: its source system, its id there, and its raw values
/// by field kind. Build one with [`Record::new`] and [`Record::with`].
///
/// ```
/// use linkage::{FieldKind, Record};
/// let r = Record::new(0, "R1")
///     .with(FieldKind::GivenName, "Bill")
///     .with(FieldKind::Email, "bill@example.com");
/// assert_eq!(r.get(FieldKind::GivenName), Some("Bill"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Index of the source system in [`Dataset::sources`].
    pub source: u32,
    /// The record's id in its source.
    pub id: String,
    /// Raw values by kind; at most one per kind (the first non-blank one).
    pub fields: Vec<(FieldKind, String)>,
}

impl Record {
    /// A record with no values yet.
    pub fn new(source: u32, id: impl Into<String>) -> Record {
        Record {
            source,
            id: id.into(),
            fields: Vec::new(),
        }
    }

    /// Adds a value (builder style). A blank value, or a second value for a
    /// kind already set, is ignored.
    pub fn with(mut self, kind: FieldKind, value: impl Into<String>) -> Record {
        self.set(kind, value);
        self
    }

    /// Sets a value unless it is blank or the kind already has one.
    pub fn set(&mut self, kind: FieldKind, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() || self.get(kind).is_some() {
            return;
        }
        self.fields.push((kind, value));
    }

    /// The raw value of a kind.
    pub fn get(&self, kind: FieldKind) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    }
}

/// Records from one or more source systems, resolved together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Source system names (`crm`, `pos`, ...), indexed by [`Record::source`].
    pub sources: Vec<String>,
    /// All records, in input order.
    pub records: Vec<Record>,
}

impl Dataset {
    /// Adds a source name and returns its index (the existing index when
    /// the name is already known).
    pub fn add_source(&mut self, name: &str) -> u32 {
        if let Some(i) = self.sources.iter().position(|s| s == name) {
            return i as u32;
        }
        self.sources.push(name.to_string());
        (self.sources.len() - 1) as u32
    }

    /// The source name of a record.
    pub fn source_name(&self, record: &Record) -> &str {
        self.sources
            .get(record.source as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
