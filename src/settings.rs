//! The whole configuration as plain serde data: normalization options,
//! blocking rules, comparisons with their trained m and u, prior,
//! threshold and clustering options. A trained model is a `Settings` with
//! `trained: true`; it saves to JSON, can be read, diffed, edited and reloaded.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::block::{BlockKey, BlockingRule, BlockingSettings, LinkMode};
use crate::cluster::ClusterSettings;
use crate::compare::{templates, Comparison};
use crate::error::{Error, Result};
use crate::normalize::record::Attr;
use crate::normalize::NormalizeRules;
use crate::schema::FieldKind;
use crate::score::TrainingSettings;

/// Everything that decides how records are resolved.
///
/// ```
/// use linkage::{FieldKind, Settings};
/// let s = Settings::for_kinds(&[FieldKind::GivenName, FieldKind::Surname, FieldKind::Email]);
/// let json = s.to_json();
/// let back = Settings::from_json(&json)?;
/// assert_eq!(s, back);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Link across sources only, or also deduplicate within them.
    #[serde(default)]
    pub link_mode: LinkMode,
    /// Options of the normalizers.
    #[serde(default)]
    pub normalize: NormalizeRules,
    /// Blocking rules; empty means "choose from the fields present".
    #[serde(default)]
    pub blocking: BlockingSettings,
    /// Comparisons; empty means "choose from the fields present".
    #[serde(default)]
    pub comparisons: Vec<Comparison>,
    /// Probability that two records drawn at random match, before looking
    /// at them (trained: EM's expected matches over all comparable pairs).
    pub prior: f64,
    /// Match probability at or above which a pair is linked.
    pub threshold: f64,
    /// Match probability at or above which a pair that nothing counts
    /// against (every comparison agrees or is missing: a name-only record
    /// against a full one) is linked *tentatively*: such a link joins two
    /// groups only when neither of its records links to a third, so a
    /// sparse record attaches to the one identity it fits, never to one of
    /// several namesakes. `None` links such pairs only at `threshold`.
    /// Default 0.5 (even odds).
    #[serde(default = "default_uncontested_threshold")]
    pub uncontested_threshold: Option<f64>,
    /// Match probability at or above which a pair that something counts
    /// against (a field disagrees) is linked tentatively *and
    /// corroborated*: it joins two groups only when neither of its records
    /// links to a third and another pair across the two groups is
    /// plausible (at least even odds). The spellings of one company, a
    /// record with a typo in two fields: more likely one than not, and
    /// borne out by the rest of the group. `None` (and models saved
    /// before this setting) links such pairs only at `threshold`.
    /// Default 0.5 (even odds). Measured (zero configuration, against
    /// `None`): patstat F1 0.586 -> 0.838 (links between an
    /// organisation's spellings), fake1000 0.890 -> 0.905, messy10k
    /// 0.9866 -> 0.9889, customers10k 0.9955 -> 0.9958; dedupe_childcare
    /// 0.8730 -> 0.8673 (sites of one chain), rldata10000 0.9192 -> 0.9174.
    #[serde(default)]
    pub contested_threshold: Option<f64>,
    /// Clustering options.
    #[serde(default)]
    pub cluster: ClusterSettings,
    /// Training options.
    #[serde(default)]
    pub training: TrainingSettings,
    /// True when m, u and prior are trained: resolving then uses them as
    /// they are instead of training again.
    #[serde(default)]
    pub trained: bool,
    /// Each input file's column mapping, as inferred or as edited; when
    /// given, it overrides inference for the columns it names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<crate::schema::FileSchema>,
}

fn default_uncontested_threshold() -> Option<f64> {
    Some(0.5)
}

/// The largest settings file [`Settings::load`] reads (a trained model
/// with its schemas is a few hundred kilobytes).
pub const MAX_SETTINGS_BYTES: u64 = 64 << 20;

/// The most comparisons a model may have: each pair holds one level byte
/// per comparison (the memory estimate counts about a dozen), and the
/// defaults use at most a few dozen.
pub const MAX_COMPARISONS: usize = 64;

/// The most blocking rules a model may have (each is a pass over every
/// record).
pub const MAX_BLOCKING_RULES: usize = 64;

/// The most EM iterations a model may ask for (the default is 200; 2
/// billion with a tolerance of 0 ran for hours: found by fuzzing).
pub const MAX_EM_ITERATIONS: usize = 10_000;

/// The most random pairs a model may sample for u (the default is 300,000).
pub const MAX_U_SAMPLE_PAIRS: usize = 10_000_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            link_mode: LinkMode::default(),
            normalize: NormalizeRules::default(),
            blocking: BlockingSettings::default(),
            comparisons: Vec::new(),
            prior: 1e-4,
            threshold: 0.9,
            uncontested_threshold: default_uncontested_threshold(),
            contested_threshold: Some(0.5),
            cluster: ClusterSettings::default(),
            training: TrainingSettings::default(),
            trained: false,
            schemas: Vec::new(),
        }
    }
}

impl Settings {
    /// Settings with the default comparisons and blocking rules for the
    /// field kinds present, untrained.
    pub fn for_kinds(kinds: &[FieldKind]) -> Settings {
        let mut s = Settings::default();
        s.fill_defaults(kinds);
        s
    }

    /// Fills in comparisons and blocking rules chosen from `kinds` where
    /// none are set; settings the user gave are kept.
    pub fn fill_defaults(&mut self, kinds: &[FieldKind]) {
        if self.comparisons.is_empty() {
            self.comparisons = default_comparisons(kinds);
        }
        if self.blocking.rules.is_empty() {
            self.blocking.rules = default_blocking_rules(kinds);
        }
    }

    /// Checks that the settings can work.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Settings(m));
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return bad(format!(
                "threshold {} must be between 0 and 1 (exclusive)",
                self.threshold
            ));
        }
        if let Some(t) = self.uncontested_threshold {
            if !(t > 0.0 && t < 1.0) {
                return bad(format!(
                    "uncontested_threshold {t} must be between 0 and 1 (exclusive)"
                ));
            }
        }
        if let Some(t) = self.contested_threshold {
            if !(t > 0.0 && t < 1.0) {
                return bad(format!(
                    "contested_threshold {t} must be between 0 and 1 (exclusive)"
                ));
            }
        }
        if !(self.prior > 0.0 && self.prior < 1.0) {
            return bad(format!(
                "prior {} must be between 0 and 1 (exclusive)",
                self.prior
            ));
        }
        if self.blocking.window == 0 || self.blocking.max_block_size < 2 {
            return bad("blocking window must be >= 1 and max_block_size >= 2".into());
        }
        for r in &self.blocking.rules {
            if r.keys.is_empty() {
                return bad(format!("blocking rule '{}' has no keys", r.name));
            }
        }
        if self.comparisons.len() > MAX_COMPARISONS {
            return bad(format!(
                "{} comparisons, more than the {MAX_COMPARISONS} a model may have",
                self.comparisons.len()
            ));
        }
        if self.blocking.rules.len() > MAX_BLOCKING_RULES {
            return bad(format!(
                "{} blocking rules, more than the {MAX_BLOCKING_RULES} a model may have",
                self.blocking.rules.len()
            ));
        }
        let t = &self.training;
        if t.max_iterations > MAX_EM_ITERATIONS || t.u_sample_pairs > MAX_U_SAMPLE_PAIRS {
            return bad(format!(
                "training: at most {MAX_EM_ITERATIONS} EM iterations and \
                 {MAX_U_SAMPLE_PAIRS} u sample pairs (given {} and {})",
                t.max_iterations, t.u_sample_pairs
            ));
        }
        for c in &self.comparisons {
            c.validate().map_err(Error::Settings)?;
        }
        Ok(())
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses JSON settings.
    pub fn from_json(text: &str) -> std::result::Result<Settings, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Reads settings from a JSON file. A file over [`MAX_SETTINGS_BYTES`]
    /// is refused before it is read (a model is kilobytes); JSON nested
    /// deeper than 128 levels is an error of the parser.
    pub fn load(path: &Path) -> Result<Settings> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len > MAX_SETTINGS_BYTES {
            return Err(Error::Settings(format!(
                "{}: {} MiB of settings, over the {} MiB a model may take",
                path.display(),
                len >> 20,
                MAX_SETTINGS_BYTES >> 20
            )));
        }
        let mut text = String::new();
        // `take`: a file that grows while read stays within the limit.
        std::io::Read::read_to_string(
            &mut std::io::Read::take(file, MAX_SETTINGS_BYTES + 1),
            &mut text,
        )
        .map_err(io)?;
        let s = Settings::from_json(&text).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            source,
        })?;
        s.validate()?;
        Ok(s)
    }

    /// Writes settings to a JSON file.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_json() + "\n").map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Whether the kind is present, directly or inside a composite column
/// (a one-line address holds street, house number, city and postcode), or
/// made from parts (a date of birth from a birth year, with or without
/// month and day, or from an age at an event date).
fn has(kinds: &[FieldKind], k: FieldKind) -> bool {
    kinds.contains(&k)
        || (kinds.contains(&FieldKind::FullAddress)
            && matches!(
                k,
                FieldKind::Street | FieldKind::HouseNumber | FieldKind::City | FieldKind::Postcode
            ))
        || (k == FieldKind::DateOfBirth && birth_date_from_parts(kinds))
}

/// Whether a date of birth may be made from parts, and so be partial: a
/// birth year column (month and day without a year give no date), an
/// age with the event date it was given at, or a baptism date (each an
/// approximate year).
fn birth_date_from_parts(kinds: &[FieldKind]) -> bool {
    kinds.contains(&FieldKind::BirthYear)
        || kinds.contains(&FieldKind::BaptismDate)
        || (kinds.contains(&FieldKind::Age) && kinds.contains(&FieldKind::EventDate))
}

fn names_present(kinds: &[FieldKind]) -> (bool, bool) {
    let full = has(kinds, FieldKind::FullName);
    (
        full || has(kinds, FieldKind::GivenName),
        full || has(kinds, FieldKind::Surname),
    )
}

/// The comparisons used when none are configured, for the kinds present.
pub fn default_comparisons(kinds: &[FieldKind]) -> Vec<Comparison> {
    let (given, surname) = names_present(kinds);
    let mut out = Vec::new();
    if given {
        out.push(templates::given_name());
    }
    if surname {
        out.push(templates::surname());
    }
    if given || surname {
        out.push(templates::name_suffix());
    }
    if has(kinds, FieldKind::DateOfBirth) {
        out.push(templates::date_of_birth());
    }
    if has(kinds, FieldKind::Email) {
        out.push(templates::email());
    }
    if has(kinds, FieldKind::Phone) {
        out.push(templates::phone());
    }
    if has(kinds, FieldKind::Street) {
        out.push(templates::street());
    } else if has(kinds, FieldKind::HouseNumber) {
        out.push(templates::house_number());
    }
    if has(kinds, FieldKind::AddressLine2) {
        out.push(templates::address_line2());
    }
    let (city, postcode) = (has(kinds, FieldKind::City), has(kinds, FieldKind::Postcode));
    if city && postcode {
        out.push(templates::locality());
    } else if city {
        out.push(templates::city());
    } else if postcode {
        out.push(templates::postcode());
    }
    if has(kinds, FieldKind::State) {
        out.push(templates::state());
    }
    if has(kinds, FieldKind::NationalId) {
        out.push(templates::national_id());
    }
    let org = has(kinds, FieldKind::Organisation);
    if org {
        out.push(templates::organisation());
    }
    if org || has(kinds, FieldKind::EntityType) {
        out.push(templates::entity_type());
    }
    for (kind, name, attr) in [
        (FieldKind::Passport, "passport", Attr::Passport),
        (
            FieldKind::DriversLicence,
            "drivers_licence",
            Attr::DriversLicence,
        ),
    ] {
        if has(kinds, kind) {
            out.push(templates::identifier(name, attr));
        }
    }
    for (kind, name, attr) in [
        (FieldKind::Associates, "associates", Attr::Associates),
        (FieldKind::Classes, "classes", Attr::Classes),
    ] {
        if has(kinds, kind) {
            out.push(templates::item_list(name, attr));
        }
    }
    if has(kinds, FieldKind::PlaceOfBirth) {
        out.push(templates::place_of_birth());
    }
    for (kind, name, attr) in [
        (FieldKind::Sex, "sex", Attr::Sex),
        (FieldKind::Country, "country", Attr::Country),
        (FieldKind::Occupation, "occupation", Attr::Occupation),
    ] {
        if has(kinds, kind) {
            out.push(templates::category(name, attr));
        }
    }
    out
}

/// The blocking rules used when none are configured: strong identifiers
/// alone, then combinations that tolerate a typo in any one field.
pub fn default_blocking_rules(kinds: &[FieldKind]) -> Vec<BlockingRule> {
    let (given, surname) = names_present(kinds);
    let exact = |attr| BlockKey::Exact { attr };
    let mut rules = Vec::new();
    if has(kinds, FieldKind::Email) {
        rules.push(BlockingRule::new(vec![exact(Attr::Email)]));
    }
    if has(kinds, FieldKind::Phone) {
        rules.push(BlockingRule::new(vec![exact(Attr::Phone)]));
    }
    if has(kinds, FieldKind::NationalId) {
        rules.push(BlockingRule::new(vec![exact(Attr::NationalId)]));
    }
    if has(kinds, FieldKind::Passport) {
        rules.push(BlockingRule::new(vec![exact(Attr::Passport)]));
    }
    if has(kinds, FieldKind::DriversLicence) {
        rules.push(BlockingRule::new(vec![exact(Attr::DriversLicence)]));
    }
    if has(kinds, FieldKind::DateOfBirth) {
        // Full dates only: a year alone would block everyone born in it.
        rules.push(BlockingRule::new(vec![BlockKey::FullBirthDate]));
    }
    if surname && given {
        // A typo in either name still meets the other rule.
        rules.push(BlockingRule::new(vec![
            exact(Attr::Surname),
            BlockKey::Prefix {
                attr: Attr::Given,
                n: 2,
            },
        ]));
        rules.push(BlockingRule::new(vec![
            exact(Attr::GivenCanonical),
            BlockKey::Soundex {
                attr: Attr::Surname,
            },
        ]));
        // Given name and surname swapped between systems.
        rules.push(BlockingRule::new(vec![BlockKey::NameSet]));
    }
    if has(kinds, FieldKind::Organisation) {
        // The rarest word of the name (a typo elsewhere in it, words
        // reordered or missing), and the whole normalized name.
        rules.push(BlockingRule::new(vec![BlockKey::FirstWord {
            attr: Attr::OrgKey,
        }]));
        rules.push(BlockingRule::new(vec![exact(Attr::Organisation)]));
        // A typo in the rarest word: every key word cut to its first letters.
        rules.push(BlockingRule::new(vec![BlockKey::WordPrefixSet {
            attr: Attr::OrgKey,
            n: 4,
        }]));
        // The name's first and last words, common or not, when the name is
        // all there is to block on (no contact or address field reaches an
        // organisation's other spellings): one with dozens of spellings
        // (`Electronics Konink Philips`, `Gloeilampenfab Philips`,
        // `Electronics Philips`) makes its own words common, and the key
        // above drops them. Those blocks are large and hold unrelated
        // names (`Chicago ...`, `... Center`), so each record meets only
        // its neighbours in name order there, where the spellings of one
        // name sort next to each other. (With addresses and phones beside
        // the name the extra pairs cost precision: sites of one chain.)
        let reached_otherwise = [
            FieldKind::Email,
            FieldKind::Phone,
            FieldKind::Street,
            FieldKind::FullAddress,
            FieldKind::Postcode,
        ]
        .iter()
        .any(|&k| has(kinds, k));
        if !reached_otherwise {
            rules.push(BlockingRule::neighbours(vec![BlockKey::FirstWord {
                attr: Attr::Organisation,
            }]));
            rules.push(BlockingRule::neighbours(vec![BlockKey::LastWord {
                attr: Attr::Organisation,
            }]));
        }
        if has(kinds, FieldKind::Postcode) {
            // A misspelt rarest word: same postcode, same start of the name.
            rules.push(BlockingRule::new(vec![
                exact(Attr::Postcode),
                BlockKey::Prefix {
                    attr: Attr::Organisation,
                    n: 3,
                },
            ]));
        }
    }
    if kinds.contains(&FieldKind::BirthYear) && (given || surname) {
        // Partial dates meet no full-date block: the year with the names'
        // initials stands in for it (typos after the first letter of both
        // names). A rule that reads every person field leaves EM sessions
        // to the others; the year with one name alone would train the
        // other name from pairs chosen by that name's look-alikes. Not for
        // years from an age: they are one off as often as not.
        let mut keys = vec![BlockKey::BirthYear];
        for (present, attr) in [(surname, Attr::Surname), (given, Attr::Given)] {
            if present {
                keys.push(BlockKey::Prefix { attr, n: 1 });
            }
        }
        rules.push(BlockingRule::new(keys));
    }
    let street = has(kinds, FieldKind::Street);
    let number = street || has(kinds, FieldKind::HouseNumber);
    if has(kinds, FieldKind::Postcode) && number {
        rules.push(BlockingRule::new(vec![
            exact(Attr::Postcode),
            exact(Attr::HouseNumber),
        ]));
    }
    if street {
        rules.push(BlockingRule::new(vec![
            exact(Attr::Street),
            exact(Attr::HouseNumber),
        ]));
    }
    if surname && has(kinds, FieldKind::Postcode) {
        rules.push(BlockingRule::new(vec![
            exact(Attr::Postcode),
            BlockKey::Soundex {
                attr: Attr::Surname,
            },
        ]));
    }
    if given && has(kinds, FieldKind::Postcode) {
        rules.push(BlockingRule::new(vec![
            exact(Attr::Postcode),
            exact(Attr::GivenCanonical),
        ]));
    }
    if rules.is_empty() {
        // Nothing identifying: fall back to whatever single field exists,
        // so that records are still compared rather than all left alone.
        let fallback = [
            (FieldKind::Surname, Attr::Surname),
            (FieldKind::GivenName, Attr::Given),
            (FieldKind::Postcode, Attr::Postcode),
            (FieldKind::City, Attr::City),
            (FieldKind::Street, Attr::Street),
        ];
        if let Some((_, attr)) = fallback.iter().find(|(k, _)| has(kinds, *k)) {
            rules.push(BlockingRule::new(vec![exact(*attr)]));
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_names_alone_get_name_order_neighbour_rules() {
        use FieldKind::*;
        let neighbours = |kinds: &[FieldKind]| {
            Settings::for_kinds(kinds)
                .blocking
                .rules
                .iter()
                .filter(|r| r.neighbours_only)
                .count()
        };
        // Only the name (and lists) to block on: first and last word.
        assert_eq!(neighbours(&[Organisation, Associates, Classes]), 2);
        // A phone, an address or a postcode reaches the other spellings.
        assert_eq!(neighbours(&[Organisation, Phone]), 0);
        assert_eq!(neighbours(&[Organisation, Street, City]), 0);
        assert_eq!(neighbours(&[Organisation, Postcode]), 0);
        // People's names never get them.
        assert_eq!(neighbours(&[GivenName, Surname]), 0);
    }

    fn picks_dates(kinds: &[FieldKind]) -> (bool, Vec<String>) {
        let s = Settings::for_kinds(kinds);
        (
            s.comparisons.iter().any(|c| c.name == "date_of_birth"),
            s.blocking.rules.iter().map(|r| r.name.clone()).collect(),
        )
    }

    #[test]
    fn a_date_of_birth_in_parts_is_compared_and_blocked() {
        use FieldKind::*;
        let (compared, rules) = picks_dates(&[GivenName, Surname, DateOfBirth]);
        assert!(compared);
        assert!(rules.contains(&"full DateOfBirth".to_string()));
        assert!(!rules.iter().any(|r| r.starts_with("birth year")));
        let by_year = "birth year & first 1 of Surname & first 1 of Given".to_string();
        for kinds in [
            &[GivenName, Surname, BirthYear][..],
            &[GivenName, Surname, BirthYear, BirthMonth, BirthDay],
        ] {
            let (compared, rules) = picks_dates(kinds);
            assert!(compared, "{kinds:?}");
            assert!(rules.contains(&"full DateOfBirth".to_string()));
            assert!(rules.contains(&by_year));
        }
        let (compared, rules) = picks_dates(&[GivenName, Surname, Age, EventDate]);
        assert!(compared);
        assert!(!rules.contains(&by_year));
        // An age without the date it was given at, or a month alone, is no year.
        assert!(!picks_dates(&[GivenName, Surname, Age]).0);
        assert!(!picks_dates(&[GivenName, Surname, BirthMonth, BirthDay]).0);
    }
}
