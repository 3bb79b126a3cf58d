//! Dates (of birth): many written forms to one calendar date; impossible
//! dates give no value.

use serde::{Deserialize, Serialize};

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Four-digit year.
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day of month, 1-31.
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
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
    /// year is outside 1800-2199.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1800..2200).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }
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
/// `19781215`, `15.12.1978`, `12/15/1978` and `15/12/1978` (order from
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
/// ```
pub fn parse_date(raw: &str, order: DateOrder) -> Option<Date> {
    let s = raw.trim();
    let s = s
        .split(['T', ' '])
        .next()
        .filter(|head| head.len() >= 8 && head.contains('-'))
        .unwrap_or(s);
    // Compact YYYYMMDD.
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Date::new(
            s[..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..].parse().ok()?,
        );
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
            "1700-01-01",
            "2023-02-29",
        ] {
            assert_eq!(parse_date(bad, us), None, "{bad}");
        }
        assert_eq!(parse_date("2024-02-29", us), d(2024, 2, 29));
    }
}
