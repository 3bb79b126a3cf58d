//! A user's corrections of what columns hold, applied over inference: one
//! column set to a kind (`Zip=postcode`) or ignored, in every file with
//! that header or in one file (`crm:Zip=postcode`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::normalize::date::DateOrder;
use crate::schema::{header_key, ColumnMapping, FieldKind, FileSchema};

/// The reason a mapping set by a [`ColumnOverride`] carries.
pub const GIVEN_BY_THE_USER: &str = "given by the user";

/// One column's kind as the user sets it, over what inference says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnOverride {
    /// The source (file name without `.csv`) it applies to; every file
    /// with the header when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The header as written in the file (`column3` in a file without a
    /// header row). A header written differently (case, spaces,
    /// underscores) matches when no header matches as written.
    pub column: String,
    /// What the column holds; [`FieldKind::Ignore`] leaves it out.
    pub kind: FieldKind,
}

impl fmt::Display for ColumnOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.source {
            write!(f, "{s}:")?;
        }
        write!(f, "{}={}", self.column, self.kind.name())
    }
}

/// The kind named `name`: a snake_case [`FieldKind::name`] (`given_name`,
/// `organisation`, `birth_year`), in any case, with `-` or spaces for `_`.
pub fn kind_from_name(name: &str) -> Option<FieldKind> {
    let name = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let name = match name.as_str() {
        "organization" => "organisation",
        "drivers_license" => "drivers_licence",
        n => n,
    };
    FieldKind::ALL.into_iter().find(|k| k.name() == name)
}

impl ColumnOverride {
    /// Reads `HEADER=kind` or `source:HEADER=kind` (a header that holds
    /// `:` needs the `source:` before it). An unknown kind is an error that
    /// lists the known ones.
    ///
    /// ```
    /// use linkage::input::ColumnOverride;
    /// use linkage::FieldKind;
    /// let o = ColumnOverride::parse("crm:Site name=organisation").unwrap();
    /// assert_eq!(o.source.as_deref(), Some("crm"));
    /// assert_eq!((o.column.as_str(), o.kind), ("Site name", FieldKind::Organisation));
    /// assert!(ColumnOverride::parse("Zip=zipcode").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<ColumnOverride> {
        let bad = |reason: String| Error::ColumnOverride {
            spec: spec.to_string(),
            reason,
        };
        let (target, kind) = spec
            .rsplit_once('=')
            .ok_or_else(|| bad("expected HEADER=kind or SOURCE:HEADER=kind".into()))?;
        let kind = kind_from_name(kind).ok_or_else(|| {
            let names: Vec<&str> = FieldKind::ALL.iter().map(|k| k.name()).collect();
            bad(format!(
                "unknown kind '{}'; the kinds are {}",
                kind.trim(),
                names.join(", ")
            ))
        })?;
        let mut o = ColumnOverride::ignore(target).map_err(|e| match e {
            Error::ColumnOverride { reason, .. } => bad(reason),
            e => e,
        })?;
        o.kind = kind;
        Ok(o)
    }

    /// Reads `HEADER` or `source:HEADER`: that column ignored.
    pub fn ignore(target: &str) -> Result<ColumnOverride> {
        let (source, column) = match target.split_once(':') {
            Some((s, c)) => (Some(s.trim().to_string()), c.trim()),
            None => (None, target.trim()),
        };
        let bad = |reason: &str| Error::ColumnOverride {
            spec: target.to_string(),
            reason: reason.into(),
        };
        if column.is_empty() {
            return Err(bad("no header given"));
        }
        if source.as_deref() == Some("") {
            return Err(bad("no source given before ':'"));
        }
        Ok(ColumnOverride {
            source,
            column: column.to_string(),
            kind: FieldKind::Ignore,
        })
    }

    /// Whether this override is for the file `source`.
    pub fn applies_to(&self, source: &str) -> bool {
        self.source.as_deref().is_none_or(|s| s == source)
    }

    /// The index of the column this override names among `headers`: the
    /// header as written, else the only one written the same way apart
    /// from case, spaces and punctuation ([`header_key`]).
    pub fn position<S: AsRef<str>>(&self, headers: &[S]) -> Option<usize> {
        if let Some(i) = headers.iter().position(|h| h.as_ref() == self.column) {
            return Some(i);
        }
        let key = header_key(&self.column);
        let mut found = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| header_key(h.as_ref()) == key);
        match (found.next(), found.next()) {
            (Some((i, _)), None) if !key.is_empty() => Some(i),
            _ => None,
        }
    }
}

/// Sets the columns `overrides` name in `schema` (the file `source`), with
/// confidence 1 and the reason [`GIVEN_BY_THE_USER`]. A column set to a
/// kind takes it from inferred columns that held it (they are ignored;
/// phones and emails may be several). A column set to `record_id` becomes
/// the id column (the former one is ignored). `date_order` gives the order
/// of a column's dates from its sample values, for a column set to a date
/// kind. An override for this very file naming no column is an error, as is
/// taking the id column's role away without naming another id column.
pub fn apply(
    schema: &mut FileSchema,
    overrides: &[ColumnOverride],
    date_order: impl Fn(usize) -> Option<DateOrder>,
) -> Result<()> {
    let source = schema.source.clone();
    let mut given = vec![false; schema.columns.len()];
    let headers: Vec<String> = schema.columns.iter().map(|c| c.column.clone()).collect();
    for o in overrides.iter().filter(|o| o.applies_to(&source)) {
        let Some(i) = o.position(&headers) else {
            if o.source.is_some() {
                return Err(Error::ColumnOverride {
                    spec: o.to_string(),
                    reason: format!("the file '{source}' has no column '{}'", o.column),
                });
            }
            continue;
        };
        let col = &mut schema.columns[i];
        let order = match o.kind {
            FieldKind::DateOfBirth | FieldKind::EventDate | FieldKind::BaptismDate => col
                .date_order
                .filter(|_| col.kind == o.kind)
                .or_else(|| date_order(i)),
            _ => None,
        };
        *col = ColumnMapping {
            column: col.column.clone(),
            kind: o.kind,
            confidence: 1.0,
            date_order: order,
            reason: GIVEN_BY_THE_USER.into(),
        };
        given[i] = true;
    }
    // The id column: one set by the user, else the one there was.
    let id = schema
        .columns
        .iter()
        .enumerate()
        .find(|(i, c)| given[*i] && c.kind == FieldKind::RecordId)
        .map(|(i, _)| i);
    match id {
        Some(i) => {
            let old = schema.id_column;
            if old != i && old < schema.columns.len() {
                let col = &mut schema.columns[old];
                if !given[old] {
                    col.kind = FieldKind::Ignore;
                    col.reason = format!(
                        "{}; the record id is '{}', {GIVEN_BY_THE_USER}",
                        col.reason, headers[i]
                    );
                }
            }
            schema.id_column = i;
        }
        None => {
            let old = schema.id_column;
            if given.get(old).copied().unwrap_or(false) {
                return Err(Error::ColumnOverride {
                    spec: overrides
                        .iter()
                        .rfind(|o| o.applies_to(&source) && o.position(&headers) == Some(old))
                        .map(|o| o.to_string())
                        .unwrap_or_default(),
                    reason: format!(
                        "'{}' is the record id column of '{source}': set another column to \
                         record_id first",
                        headers[old]
                    ),
                });
            }
        }
    }
    // One column per kind: a kind set by the user is taken from inferred
    // columns (as inference keeps the more confident of two).
    for i in 0..schema.columns.len() {
        let kind = schema.columns[i].kind;
        if !given[i]
            || matches!(
                kind,
                FieldKind::Ignore | FieldKind::RecordId | FieldKind::Phone | FieldKind::Email
            )
        {
            continue;
        }
        for (j, col) in schema.columns.iter_mut().enumerate() {
            if j != i && !given[j] && col.kind == kind {
                col.reason = format!(
                    "{}; '{}' is the {}, {GIVEN_BY_THE_USER}",
                    col.reason,
                    headers[i],
                    kind.name()
                );
                col.kind = FieldKind::Ignore;
            }
        }
    }
    Ok(())
}

/// Checks that each override names a column of some file among `schemas`
/// (read with the overrides applied): a header no file has, or a source
/// no file is, is an error naming the override.
pub fn check_all_matched(overrides: &[ColumnOverride], schemas: &[&FileSchema]) -> Result<()> {
    for o in overrides {
        let files: Vec<&FileSchema> = schemas
            .iter()
            .copied()
            .filter(|s| o.applies_to(&s.source))
            .collect();
        if files.is_empty() {
            let names: Vec<&str> = schemas.iter().map(|s| s.source.as_str()).collect();
            return Err(Error::ColumnOverride {
                spec: o.to_string(),
                reason: format!(
                    "no input file is named '{}' (the files are {})",
                    o.source.as_deref().unwrap_or_default(),
                    names.join(", ")
                ),
            });
        }
        let found = files.iter().any(|s| {
            let headers: Vec<&str> = s.columns.iter().map(|c| c.column.as_str()).collect();
            o.position(&headers).is_some()
        });
        if !found {
            return Err(Error::ColumnOverride {
                spec: o.to_string(),
                reason: match &o.source {
                    Some(s) => format!("the file '{s}' has no column '{}'", o.column),
                    None => format!("no input file has a column '{}'", o.column),
                },
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_as_written_on_a_command_line() {
        let o = ColumnOverride::parse("Zip=postcode").unwrap();
        assert_eq!(
            o,
            ColumnOverride {
                source: None,
                column: "Zip".into(),
                kind: FieldKind::Postcode
            }
        );
        assert_eq!(o.to_string(), "Zip=postcode");
        let o = ColumnOverride::parse("crm:Site name = Organization").unwrap();
        assert_eq!(o.source.as_deref(), Some("crm"));
        assert_eq!(o.column, "Site name");
        assert_eq!(o.kind, FieldKind::Organisation);
        assert_eq!(o.to_string(), "crm:Site name=organisation");
        assert_eq!(
            ColumnOverride::parse("by=Birth-Year").unwrap().kind,
            FieldKind::BirthYear
        );
        let o = ColumnOverride::ignore("web:Notes").unwrap();
        assert_eq!(
            (o.source.as_deref(), o.kind),
            (Some("web"), FieldKind::Ignore)
        );
        for (spec, says) in [
            (
                "Zip=zipcode",
                "unknown kind 'zipcode'; the kinds are record_id, ",
            ),
            ("Zip", "expected HEADER=kind"),
            ("=email", "no header given"),
            (":Zip=email", "no source given"),
        ] {
            let e = ColumnOverride::parse(spec).unwrap_err().to_string();
            assert!(e.contains(spec) && e.contains(says), "{e}");
        }
        for k in FieldKind::ALL {
            assert_eq!(kind_from_name(k.name()), Some(k));
        }
    }

    #[test]
    fn headers_match_as_written_then_loosely_when_unique() {
        let o = ColumnOverride::ignore("first name").unwrap();
        assert_eq!(o.position(&["id", "First_Name"]), Some(1));
        assert_eq!(o.position(&["first name", "First_Name"]), Some(0));
        assert_eq!(o.position(&["First Name", "first_name"]), None);
        assert_eq!(o.position(&["id", "name"]), None);
    }
}
