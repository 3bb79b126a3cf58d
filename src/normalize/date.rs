//! Dates (of birth): many written forms to one calendar date; impossible
//! dates give no value. A date of birth may also be partial (a year, or a
//! year and month: `1850-03`, `March 1850`, `1850`, or from separate
//! columns) or approximate (`c. 1850`, `abt 1850`, `1850?`, or a year worked
//! out from an age at an event date). Years 1000-2199 are dates, so records
//! of historical people read as well as customers'.

use serde::{Deserialize, Serialize};

use super::text::fold;

/// A calendar date, possibly partial: the year is always known; the month
/// and the day may be unknown (0). A day is only known with its month.
/// An `approximate` date holds a year alone that may be one off (a birth
/// year from an age at an event date, or written `c. 1850`, `1850?`).
///
/// `Display` writes `1967-09-27`, `1967-09`, `1967`, and `~1967` for an
/// approximate year (so an approximate year never equals a known one as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Four-digit year.
    pub year: u16,
    /// Month, 1-12; 0 when unknown.
    pub month: u8,
    /// Day of month, 1-31; 0 when unknown.
    pub day: u8,
    /// The year is only known to within one year (month and day unknown).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

/// How much of a [`Date`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// The year alone.
    Year,
    /// Year and month.
    Month,
    /// Year, month and day: a full date.
    Day,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.precision() {
            _ if self.approximate => write!(f, "~{:04}", self.year),
            DatePrecision::Day => {
                write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
            }
            DatePrecision::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            DatePrecision::Year => write!(f, "{:04}", self.year),
        }
    }
}

/// Which part comes first in a slashed date such as `06/12/1939`, when the
/// values themselves do not tell (a first part above 12 is always a day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `MM/DD/YYYY`, the US convention.
    #[default]
    MonthFirst,
    /// `DD/MM/YYYY`, the convention of most other countries.
    DayFirst,
}

/// The first year a date may have: records of historical people reach back
/// to the Middle Ages; earlier four-digit numbers are no years.
pub const FIRST_YEAR: u16 = 1000;

/// The last year a date may have.
pub const LAST_YEAR: u16 = 2199;

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date, or `None` when it does not exist (Feb 30, month 13) or the
    /// year is outside [`FIRST_YEAR`]-[`LAST_YEAR`].
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((FIRST_YEAR..=LAST_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date {
            year,
            month,
            day,
            approximate: false,
        })
    }

    /// A year and month without a day, or `None` when the month is not
    /// 1-12 or the year is outside [`FIRST_YEAR`]-[`LAST_YEAR`].
    pub fn year_month(year: u16, month: u8) -> Option<Date> {
        Date::new(year, month, 1).map(|d| Date { day: 0, ..d })
    }

    /// A year alone, or `None` outside [`FIRST_YEAR`]-[`LAST_YEAR`].
    pub fn year_only(year: u16) -> Option<Date> {
        Date::new(year, 1, 1).map(|d| Date {
            month: 0,
            day: 0,
            ..d
        })
    }

    /// A year known only to within one year (from an age, or written
    /// `c. 1850`), or `None` outside [`FIRST_YEAR`]-[`LAST_YEAR`].
    pub fn approximate_year(year: u16) -> Option<Date> {
        Date::year_only(year).map(|d| Date {
            approximate: true,
            ..d
        })
    }

    /// How much of the date is known (an approximate year is `Year`).
    pub fn precision(&self) -> DatePrecision {
        if self.month == 0 || self.approximate {
            DatePrecision::Year
        } else if self.day == 0 {
            DatePrecision::Month
        } else {
            DatePrecision::Day
        }
    }

    /// Year, month and day all known (and the year not approximate).
    pub fn is_full(&self) -> bool {
        self.precision() == DatePrecision::Day
    }
}

/// Months in English, German and French, folded (accents dropped).
const MONTH_NAMES: [(&str, u8); 36] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("januar", 1),
    ("februar", 2),
    ("marz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("janner", 1),
    ("maerz", 3),
    ("janvier", 1),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("decembre", 12),
    ("sept", 9),
    ("febr", 2),
    ("feber", 2),
];

/// A month column's value: a number (`9`, `09`, `9.0`) or a month name or
/// abbreviation of at least three letters in English, German or French
/// (`Sep`, `Sept.`, `März`, `Okt`, `février`, `juil`). `None` for anything
/// else, a number outside 1-12, or an abbreviation that fits two months
/// (`jui`: juin or juillet).
pub fn parse_month(raw: &str) -> Option<u8> {
    if let Some(n) = parse_count(raw) {
        return u8::try_from(n).ok().filter(|m| (1..=12).contains(m));
    }
    let w = fold(raw);
    let w = w.trim_end_matches('.').trim();
    if w.chars().count() < 3 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut found = None;
    for (name, m) in MONTH_NAMES {
        if name.starts_with(w) {
            if found.is_some_and(|f| f != m) {
                return None;
            }
            found = Some(m);
        }
    }
    found
}

/// A whole number written in a column: digits, optionally followed by `.0`
/// (spreadsheets and data frames write whole numbers as `1967.0`).
fn parse_count(raw: &str) -> Option<u32> {
    let s = raw.trim();
    let s = s
        .strip_suffix(".0")
        .or_else(|| s.strip_suffix(".00"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A birth-year column's value: four digits (1000-2199), or two digits read
/// with the same fixed pivot as dates (`00`-`29` -> 20xx, `30`-`99` ->
/// 19xx, so results do not depend on today's date). `None` otherwise
/// (`0`, `0000`, `abc`, three digits).
pub fn parse_year(raw: &str) -> Option<u16> {
    let n = parse_count(raw)?;
    let digits = raw.trim().split('.').next().unwrap_or("").len();
    let y = match digits {
        4 => u16::try_from(n).ok()?,
        2 if n < 30 => 2000 + n as u16,
        2 => 1900 + n as u16,
        _ => return None,
    };
    (FIRST_YEAR..=LAST_YEAR).contains(&y).then_some(y)
}

/// An age in whole years (0-130), as written in an age column (`34`,
/// `34.0`); `None` otherwise.
pub fn parse_age(raw: &str) -> Option<u16> {
    parse_count(raw)
        .filter(|a| *a <= 130)
        .and_then(|a| u16::try_from(a).ok())
}

/// A date assembled from year, month and day columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFromParts {
    /// The most that the parts tell: a full date, a year and month, a year
    /// alone, or nothing (no readable year).
    pub date: Option<Date>,
    /// Some part was written but could not be used (month 13, day 0, Feb 30,
    /// an unreadable year): the date was kept only as far as it was sound.
    pub invalid: bool,
}

/// Assembles a date of birth from its parts (`None` or blank: the part is
/// missing). The year decides whether there is a date at all; a month that
/// cannot be read keeps the year alone, a day that cannot be read or does
/// not exist in that month (Feb 30) keeps year and month; a day without a
/// month is not used. Parts written but not usable set `invalid`.
///
/// ```
/// use linkage::normalize::date::date_from_parts;
/// let d = |y, m, d| date_from_parts(y, m, d).date.map(|d| d.to_string());
/// assert_eq!(d(Some("1967"), Some("Sept"), Some("27")).as_deref(), Some("1967-09-27"));
/// assert_eq!(d(Some("1967"), Some("2"), Some("30")).as_deref(), Some("1967-02"));
/// assert_eq!(d(Some("1967"), Some(""), None).as_deref(), Some("1967"));
/// ```
pub fn date_from_parts(
    year: Option<&str>,
    month: Option<&str>,
    day: Option<&str>,
) -> DateFromParts {
    fn blank(p: Option<&str>) -> Option<&str> {
        p.map(str::trim).filter(|p| !p.is_empty())
    }
    let (year, month, day) = (blank(year), blank(month), blank(day));
    let mut invalid = false;
    let Some(y) = year.and_then(|y| {
        let parsed = parse_year(y);
        invalid |= parsed.is_none();
        parsed
    }) else {
        return DateFromParts {
            date: None,
            invalid,
        };
    };
    let mut date = Date::year_only(y);
    if let Some(m) = month {
        match parse_month(m).and_then(|m| Date::year_month(y, m)) {
            Some(ym) => {
                date = Some(ym);
                if let Some(d) = day {
                    match parse_count(d)
                        .and_then(|d| u8::try_from(d).ok())
                        .and_then(|d| Date::new(y, ym.month, d))
                    {
                        Some(full) => date = Some(full),
                        None => invalid = true,
                    }
                }
            }
            None => invalid = true,
        }
    }
    DateFromParts { date, invalid }
}

fn month_from_name(word: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.to_lowercase();
    let w = if w == "sept" { "sep" } else { w.as_str() };
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(w))
        .map(|i| i as u8 + 1)
}

/// Two-digit years: `00`-`29` are read as 20xx, `30`-`99` as 19xx (a fixed
/// pivot, so results do not depend on today's date).
fn expand_year(part: &str) -> Option<u16> {
    let y: u16 = part.parse().ok()?;
    match part.len() {
        4 => Some(y),
        2 if y < 30 => Some(2000 + y),
        2 => Some(1900 + y),
        _ => None,
    }
}

/// Parses a date in the forms found in exports: `1978-12-15`, `1978/12/15`,
/// `19781215`, `12151978`, `15.12.1978`, `12/15/1978` and `15/12/1978` (order from
/// `order` unless a part above 12 decides), `15 Dec 1978`, `December 15, 1978`,
/// `15-dec-78`, and ISO date-times (`1978-12-15T00:00:00`). Returns `None`
/// for anything else or an impossible date.
///
/// ```
/// use linkage::normalize::date::{parse_date, Date, DateOrder};
/// let d = Date::new(1939, 6, 12).unwrap();
/// assert_eq!(parse_date("06/12/1939", DateOrder::MonthFirst), Some(d));
/// assert_eq!(parse_date("12.06.1939", DateOrder::MonthFirst), Some(d));
/// assert_eq!(parse_date("1939-02-30", DateOrder::MonthFirst), None);
/// assert_eq!(parse_date("06121939", DateOrder::MonthFirst), Some(d));
/// assert_eq!(parse_date("19390612", DateOrder::MonthFirst), Some(d));
/// assert_eq!(parse_date("12345678", DateOrder::MonthFirst), None);
/// ```
pub fn parse_date(raw: &str, order: DateOrder) -> Option<Date> {
    let s = raw.trim();
    let s = s
        .split(['T', ' '])
        .next()
        .filter(|head| head.len() >= 8 && head.contains('-'))
        .unwrap_or(s);
    // Compact YYYYMMDD; else MMDDYYYY or DDMMYYYY (`12042018`), the order
    // from `order` unless a part above 12 decides.
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let num = |r: std::ops::Range<usize>| s[r].parse::<u16>().ok();
        let plausible = |y: u16| (1800..=2100).contains(&y);
        let year = num(0..4)?;
        if plausible(year) {
            if let Some(d) = Date::new(year, num(4..6)? as u8, num(6..8)? as u8) {
                return Some(d);
            }
        }
        let year = num(4..8)?;
        if !plausible(year) {
            return None;
        }
        let (a, b) = (num(0..2)? as u8, num(2..4)? as u8);
        let (month, day) = match order {
            _ if a > 12 => (b, a),
            _ if b > 12 => (a, b),
            DateOrder::MonthFirst => (a, b),
            DateOrder::DayFirst => (b, a),
        };
        return Date::new(year, month, day);
    }
    let parts: Vec<&str> = s
        .split(|c: char| c == '-' || c == '/' || c == '.' || c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return None;
    }
    let numeric = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    // Month names anywhere.
    if let Some(mi) = parts.iter().position(|p| !numeric(p)) {
        let month = month_from_name(parts[mi])?;
        let others: Vec<&str> = parts
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != mi)
            .map(|(_, p)| *p)
            .collect();
        if !others.iter().all(|p| numeric(p)) {
            return None;
        }
        let (day, year) = if others[0].len() == 4 {
            (others[1], others[0])
        } else {
            (others[0], others[1])
        };
        return Date::new(expand_year(year)?, month, day.parse().ok()?);
    }
    if !parts.iter().all(|p| numeric(p)) {
        return None;
    }
    let nums: Vec<u16> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 {
        // Year first: YYYY-MM-DD (YYYY-DD-MM is not a form anyone writes).
        return Date::new(
            nums[0],
            u8::try_from(nums[1]).ok()?,
            u8::try_from(nums[2]).ok()?,
        );
    }
    let year = expand_year(parts[2])?;
    let (a, b) = (u8::try_from(nums[0]).ok()?, u8::try_from(nums[1]).ok()?);
    let dotted = s.contains('.');
    let day_first = a > 12 || (b <= 12 && (dotted || order == DateOrder::DayFirst));
    if day_first {
        Date::new(year, b, a)
    } else {
        Date::new(year, a, b)
    }
}

/// Words before a year that say it is an estimate: `c.`, `ca`, `circa`,
/// `about`, `abt` (GEDCOM's `ABT`, `EST`, `CAL`), `approx.`, `around`,
/// German `um`, `etwa`, `ca.`, French `vers`, `env.`, Dutch `omstreeks`.
const APPROXIMATE_WORDS: &[&str] = &[
    "c",
    "ca",
    "cca",
    "circa",
    "about",
    "abt",
    "approx",
    "approximately",
    "around",
    "est",
    "estimated",
    "cal",
    "calc",
    "calculated",
    "um",
    "etwa",
    "vers",
    "env",
    "environ",
    "omstreeks",
    "omstr",
    "ong",
];

/// Words before a date that say only that the date was at most or at least
/// that (`bef. 1850`, `after 1850`, GEDCOM's `BET 1850 AND 1855`): a bound,
/// no birth date.
const BOUND_WORDS: &[&str] = &[
    "bef", "before", "aft", "after", "bet", "between", "from", "to", "vor", "nach", "avant",
    "apres", "voor", "na", "not", "until", "since",
];

/// Words before a date that only say what it is (`b. 1850`, `born`, German
/// `geb.`, French `ne`, `nee`).
const BORN_WORDS: &[&str] = &["b", "born", "geb", "geboren", "ne", "nee", "n"];

/// The year of a partial date: four digits, 1000-2199.
fn four_digit_year(p: &str) -> Option<u16> {
    (p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
        .then(|| p.parse().ok())
        .flatten()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
}

/// A date without its day or without its month and day: `1850`, `1850-03`,
/// `1850/3`, `03/1850`, `3.1850`, `March 1850`, `Mar. 1850`, `1850 March`,
/// `März 1850`. The year must have four digits (`03/50` says nothing sure).
/// A dual year before 1752 (`1750/51`) is the later year, approximate.
fn parse_year_or_month(s: &str) -> Option<Date> {
    if let Some(y) = four_digit_year(s) {
        return Date::year_only(y);
    }
    let parts: Vec<&str> = s
        .split(|c: char| c == '-' || c == '/' || c == '.' || c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b] = parts[..] else {
        return None;
    };
    // Dual dating of English records before 1752 (`1750/51`, `1750/1751`):
    // the year began on 25 March, so January to March carry both years.
    // Sources write either: the later year, to within one. Only before
    // 1752 (`1811/12` is December 1811).
    if let Some(y) = four_digit_year(a).filter(|y| *y < 1752) {
        let next = y + 1;
        let dual = (b.len() == 2 && b.parse::<u16>().ok() == Some(next % 100))
            || four_digit_year(b) == Some(next);
        if dual && s.contains('/') {
            return Date::approximate_year(next);
        }
    }
    let (year, month) = match (four_digit_year(a), four_digit_year(b)) {
        (Some(y), None) => (y, b),
        (None, Some(y)) => (y, a),
        _ => return None,
    };
    let numeric = month.bytes().all(|c| c.is_ascii_digit());
    // A number month has one or two digits; a word is a month's name.
    if numeric && month.len() > 2 {
        return None;
    }
    Date::year_month(year, parse_month(month)?)
}

/// Parses a date of birth as historical and genealogical records write it:
/// every full form [`parse_date`] reads, partial dates (`1850-03`,
/// `03/1850`, `March 1850`, `Mar. 1850`, `1850`: the unknown parts 0) and
/// estimates (`c. 1850`, `ca 1850`, `circa 1850`, `about 1850`, `abt 1850`,
/// `1850?`, `~1850`, `[1850]`, `c. March 1850`), which give an approximate
/// year: only the year is claimed, and only to within one (so is a dual
/// year of English records before 1752, `1750/51`). A `b.` or
/// `born` before the date is dropped. Bounds (`bef. 1850`, `after 1850`,
/// `between 1850 and 1855`), decades (`1850s`), ranges and anything else
/// are `None`: they say no birth date.
///
/// ```
/// use linkage::normalize::date::{parse_partial_date, Date, DateOrder};
/// let us = DateOrder::MonthFirst;
/// assert_eq!(parse_partial_date("Mar. 1850", us), Date::year_month(1850, 3));
/// assert_eq!(parse_partial_date("1850", us), Date::year_only(1850));
/// assert_eq!(parse_partial_date("c. 1850", us), Date::approximate_year(1850));
/// assert_eq!(parse_partial_date("1850?", us), Date::approximate_year(1850));
/// assert_eq!(parse_partial_date("12 March 1750", us), Date::new(1750, 3, 12));
/// assert_eq!(parse_partial_date("bef. 1850", us), None);
/// ```
pub fn parse_partial_date(raw: &str, order: DateOrder) -> Option<Date> {
    let mut s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let mut approximate = false;
    // Marks around the date: `~1850`, `1850?`, `[1850]`, `(?) 1850`.
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix('~') {
            approximate = true;
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_suffix('?') {
            approximate = true;
            s = rest.trim_end();
        }
        if let Some(rest) = s.strip_prefix('?') {
            approximate = true;
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_suffix("(?)") {
            approximate = true;
            s = rest.trim_end();
        }
        if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            approximate = true;
            s = inner.trim();
        }
        if s == before {
            break;
        }
    }
    // Words before the date: `c.`, `abt`, `b.`; a bound is no date.
    loop {
        let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
        let (word, after) = s.split_at(end);
        let rest = after.trim_start_matches('.').trim_start();
        if word.is_empty() || rest.is_empty() {
            break;
        }
        // `c1850`: only an estimate's word is written glued to the year.
        let glued = rest.len() == after.len();
        let w = fold(word);
        if glued && !APPROXIMATE_WORDS.contains(&w.as_str()) {
            break;
        }
        if BOUND_WORDS.contains(&w.as_str()) {
            return None;
        }
        if APPROXIMATE_WORDS.contains(&w.as_str()) {
            approximate = true;
        } else if !BORN_WORDS.contains(&w.as_str()) {
            break;
        }
        s = rest;
    }
    let date = parse_date(s, order).or_else(|| parse_year_or_month(s))?;
    if approximate {
        Date::approximate_year(date.year)
    } else {
        Some(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Option<Date> {
        Date::new(y, m, day)
    }

    #[test]
    fn forms() {
        let us = DateOrder::MonthFirst;
        assert_eq!(parse_date("1978-12-15", us), d(1978, 12, 15));
        assert_eq!(parse_date("1978/12/15", us), d(1978, 12, 15));
        assert_eq!(parse_date("19781215", us), d(1978, 12, 15));
        assert_eq!(parse_date("15.12.1978", us), d(1978, 12, 15));
        assert_eq!(parse_date("12/15/1978", us), d(1978, 12, 15));
        assert_eq!(parse_date("15/12/1978", us), d(1978, 12, 15));
        assert_eq!(parse_date("06/12/1939", us), d(1939, 6, 12));
        assert_eq!(
            parse_date("06/12/1939", DateOrder::DayFirst),
            d(1939, 12, 6)
        );
        assert_eq!(parse_date("15 Dec 1978", us), d(1978, 12, 15));
        assert_eq!(parse_date("December 15, 1978", us), d(1978, 12, 15));
        assert_eq!(parse_date("15-dec-78", us), d(1978, 12, 15));
        assert_eq!(parse_date("15-Sept-1978", us), d(1978, 9, 15));
        assert_eq!(parse_date("1978-12-15T00:00:00Z", us), d(1978, 12, 15));
        assert_eq!(parse_date("1978-12-15 00:00:00", us), d(1978, 12, 15));
        assert_eq!(parse_date("2/3/05", us), d(2005, 2, 3));
    }

    #[test]
    fn impossible_or_garbage() {
        let us = DateOrder::MonthFirst;
        for bad in [
            "",
            "1978-02-30",
            "1978-13-01",
            "31/31/1978",
            "00/00/0000",
            "19780230",
            "yesterday",
            "1978",
            "12/1978",
            "15 Foo 1978",
            "0999-01-01",
            "2200-01-01",
            "2023-02-29",
        ] {
            assert_eq!(parse_date(bad, us), None, "{bad}");
        }
        assert_eq!(parse_date("2024-02-29", us), d(2024, 2, 29));
    }

    #[test]
    fn partial_and_approximate_dates() {
        let us = DateOrder::MonthFirst;
        let p = |s: &str| parse_partial_date(s, us).map(|d| d.to_string());
        let is = |s: &str, want: &str| assert_eq!(p(s).as_deref(), Some(want), "{s}");
        // Full dates as `parse_date` reads them, historical years too.
        is("1750-03-12", "1750-03-12");
        is("12 March 1750", "1750-03-12");
        is("March 12, 1750", "1750-03-12");
        is("12.3.1750", "1750-03-12");
        is("1978-12-15", "1978-12-15");
        // Year and month, year alone.
        for ym in [
            "1850-03",
            "1850/3",
            "03/1850",
            "3.1850",
            "March 1850",
            "Mar. 1850",
            "MAR 1850",
            "1850 March",
            "März 1850",
            "mars 1850",
            "Mar.1850",
        ] {
            is(ym, "1850-03");
        }
        is("1850", "1850");
        is(" 1620 ", "1620");
        // Dual dating (Old and New Style): the later year, to within one.
        is("1750/51", "~1751");
        is("1750/1751", "~1751");
        is("1699/00", "~1700");
        is("1811/12", "1811-12");
        assert_eq!(p("1750/52"), None);
        assert_eq!(p("1750-51"), None);
        is("b. 1850", "1850");
        is("born 12 March 1750", "1750-03-12");
        // Estimates: the year alone, flagged.
        for about in [
            "c. 1850",
            "c 1850",
            "c1850",
            "ca. 1850",
            "ca 1850",
            "circa 1850",
            "about 1850",
            "Abt 1850",
            "ABT. 1850",
            "EST 1850",
            "1850?",
            "1850 ?",
            "?1850",
            "~1850",
            "~ 1850",
            "[1850]",
            "c. March 1850",
            "abt 12 Mar 1850",
            "um 1850",
            "vers 1850",
        ] {
            is(about, "~1850");
        }
        // Bounds, decades, ranges and garbage say no birth date.
        for none in [
            "bef. 1850",
            "before 1850",
            "aft 1850",
            "after 1850",
            "bet 1850 and 1855",
            "between 1850 and 1855",
            "1850s",
            "1850-1855",
            "1850-13",
            "13/1850",
            "03/50",
            "0999",
            "2200",
            "185",
            "18500",
            "Foo 1850",
            "c.",
            "?",
            "",
            "unknown",
            "12345678",
        ] {
            assert_eq!(p(none), None, "{none}");
        }
        // An estimate never equals the known year.
        assert_ne!(parse_partial_date("c. 1850", us), Date::year_only(1850));
    }

    fn parts(y: &str, m: &str, dd: &str) -> (Option<String>, bool) {
        let p = date_from_parts(Some(y), Some(m), Some(dd));
        (p.date.map(|d| d.to_string()), p.invalid)
    }

    #[test]
    fn partial_dates_display_and_precision() {
        let full = Date::new(1967, 9, 27).unwrap();
        assert_eq!(full.to_string(), "1967-09-27");
        assert!(full.is_full());
        let ym = Date::year_month(1967, 9).unwrap();
        assert_eq!(ym.to_string(), "1967-09");
        assert_eq!(ym.precision(), DatePrecision::Month);
        let y = Date::year_only(1967).unwrap();
        assert_eq!(y.to_string(), "1967");
        assert_eq!(y.precision(), DatePrecision::Year);
        let a = Date::approximate_year(1967).unwrap();
        assert_eq!(a.to_string(), "~1967");
        assert_eq!(a.precision(), DatePrecision::Year);
        assert_ne!(a, y);
        assert_eq!(Date::year_month(1967, 13), None);
        assert_eq!(Date::year_only(0), None);
        // Serde: a full date is written as before, and read without the flag.
        let json = serde_json::to_string(&full).unwrap();
        assert_eq!(json, r#"{"year":1967,"month":9,"day":27}"#);
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), full);
        let back: Date = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn dates_from_parts() {
        let ok = |s: &str| (Some(s.to_string()), false);
        assert_eq!(parts("1967", "9", "27"), ok("1967-09-27"));
        assert_eq!(parts("1967", "09", "07"), ok("1967-09-07"));
        assert_eq!(parts("1967.0", "9.0", "27.0"), ok("1967-09-27"));
        assert_eq!(parts(" 1967 ", "Sep", "27"), ok("1967-09-27"));
        assert_eq!(parts("1967", "Sept.", "27"), ok("1967-09-27"));
        assert_eq!(parts("1967", "September", "27"), ok("1967-09-27"));
        assert_eq!(parts("1967", "März", "3"), ok("1967-03-03"));
        assert_eq!(parts("1967", "MAERZ", "3"), ok("1967-03-03"));
        assert_eq!(parts("1967", "Okt", "3"), ok("1967-10-03"));
        assert_eq!(parts("1967", "Dezember", "3"), ok("1967-12-03"));
        assert_eq!(parts("1967", "Jänner", "3"), ok("1967-01-03"));
        assert_eq!(parts("1967", "février", "3"), ok("1967-02-03"));
        assert_eq!(parts("1967", "août", "3"), ok("1967-08-03"));
        assert_eq!(parts("1967", "juil", "3"), ok("1967-07-03"));
        assert_eq!(parts("1967", "mai", "3"), ok("1967-05-03"));
        assert_eq!(parts("1964", "2", "29"), ok("1964-02-29"));
        // Two-digit years: the fixed pivot of dates.
        assert_eq!(parts("67", "9", "27"), ok("1967-09-27"));
        assert_eq!(parts("05", "1", "2"), ok("2005-01-02"));
        // Missing parts: partial, not invalid.
        assert_eq!(parts("1967", "", ""), ok("1967"));
        assert_eq!(parts("1967", "9", ""), ok("1967-09"));
        assert_eq!(parts("1967", "  ", "27"), ok("1967"));
        assert_eq!(
            date_from_parts(Some("1967"), None, None).date,
            Date::year_only(1967)
        );
        // Impossible parts: kept as far as they are sound, and flagged.
        let bad = |s: &str| (Some(s.to_string()), true);
        assert_eq!(parts("1967", "2", "30"), bad("1967-02"));
        assert_eq!(parts("1967", "2", "29"), bad("1967-02"));
        assert_eq!(parts("1967", "4", "31"), bad("1967-04"));
        assert_eq!(parts("1967", "9", "0"), bad("1967-09"));
        assert_eq!(parts("1967", "9", "x"), bad("1967-09"));
        assert_eq!(parts("1967", "13", "1"), bad("1967"));
        assert_eq!(parts("1967", "0", "1"), bad("1967"));
        assert_eq!(parts("1967", "jui", "1"), bad("1967"));
        assert_eq!(parts("1967", "Foo", "1"), bad("1967"));
        // No usable year: no date.
        assert_eq!(parts("0", "9", "27"), (None, true));
        assert_eq!(parts("0000", "9", "27"), (None, true));
        assert_eq!(parts("196", "9", "27"), (None, true));
        assert_eq!(parts("0999", "9", "27"), (None, true));
        assert_eq!(parts("2200", "9", "27"), (None, true));
        // Historical years are years.
        assert_eq!(parts("1700", "9", "27"), ok("1700-09-27"));
        assert_eq!(parts("1620", "Mar", ""), ok("1620-03"));
        assert_eq!(parts("19xx", "9", "27"), (None, true));
        assert_eq!(parts("", "9", "27"), (None, false));
        assert_eq!(date_from_parts(None, None, None).date, None);
    }

    #[test]
    fn month_and_age_values() {
        assert_eq!(parse_month("12"), Some(12));
        assert_eq!(parse_month("dec"), Some(12));
        assert_eq!(parse_month("déc."), Some(12));
        assert_eq!(parse_month("ju"), None);
        assert_eq!(parse_month("-1"), None);
        assert_eq!(parse_month(""), None);
        assert_eq!(parse_age("34"), Some(34));
        assert_eq!(parse_age("34.0"), Some(34));
        assert_eq!(parse_age("0"), Some(0));
        assert_eq!(parse_age("131"), None);
        assert_eq!(parse_age("-3"), None);
        assert_eq!(parse_age("thirty"), None);
    }
}
