//! Run-time values: what variables hold and tools return.
//!
//! Values are cheap to clone (strings, lists and records are shared behind
//! `Arc`), so binding a tool result or reading a field never copies a whole
//! payload. In JSON, dates are `"YYYY-MM-DD"` strings and money is
//! `{"amount": "129.00", "currency": "USD"}`; both are recognised on the way
//! in, so a value survives a round trip through the event log unchanged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt::Write as _;
use std::sync::Arc;

/// A value held by a variable or returned by a tool.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// Nothing (an absent `T?` result, an unset variable).
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text.
    Text(Arc<str>),
    /// A calendar date.
    Date(Date),
    /// An amount of money.
    Money(Money),
    /// A list.
    List(Arc<[Value]>),
    /// A record with named fields, sorted by name.
    Record(Arc<[(Arc<str>, Value)]>),
}

impl Value {
    /// A text value.
    pub fn text(text: &str) -> Value {
        Value::Text(Arc::from(text))
    }

    /// A record from fields in any order (later duplicates win).
    pub fn record(mut fields: Vec<(Arc<str>, Value)>) -> Value {
        fields.sort_by(|left, right| left.0.cmp(&right.0));
        fields.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        Value::Record(Arc::from(fields))
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The field of a record, or `None`.
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            // A record of a few fields (an order has about ten) is scanned:
            // a length compared first rules most names out at once, where
            // a binary search compares names byte by byte at every probe.
            Value::Record(fields) if fields.len() <= SCANNED_FIELDS => fields
                .iter()
                .find(|(key, _)| key.len() == name.len() && key.as_bytes() == name.as_bytes())
                .map(|(_, value)| value),
            Value::Record(fields) => fields
                .binary_search_by(|(key, _)| compare_bytes(key.as_bytes(), name.as_bytes()))
                .ok()
                .map(|index| &fields[index].1),
            _ => None,
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The list, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// Reads JSON: `"YYYY-MM-DD"` becomes a date, `{amount, currency}` money.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(flag) => Value::Bool(*flag),
            serde_json::Value::Number(number) => Value::Number(number.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(text) => match Date::parse_iso(text) {
                Some(date) => Value::Date(date),
                None => Value::text(text),
            },
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => {
                if map.len() == 2 {
                    if let (Some(amount), Some(serde_json::Value::String(currency))) =
                        (map.get("amount"), map.get("currency"))
                    {
                        if let Some(money) = Money::from_json(amount, currency) {
                            return Value::Money(money);
                        }
                    }
                }
                // serde_json's map is sorted (no `preserve_order`), so the
                // fields arrive in key order already.
                Value::Record(
                    map.iter()
                        .map(|(key, value)| (Arc::from(key.as_str()), Value::from_json(value)))
                        .collect(),
                )
            }
        }
    }

    /// Writes JSON (the inverse of [`Value::from_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(flag) => serde_json::Value::Bool(*flag),
            Value::Number(number) => number_json(*number),
            Value::Text(text) => serde_json::Value::String(text.to_string()),
            Value::Date(date) => serde_json::Value::String(date.iso()),
            Value::Money(money) => {
                let mut map = serde_json::Map::new();
                map.insert(
                    "amount".to_string(),
                    serde_json::Value::String(money.amount()),
                );
                map.insert(
                    "currency".to_string(),
                    serde_json::Value::String(money.currency().to_string()),
                );
                serde_json::Value::Object(map)
            }
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Record(fields) => serde_json::Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| (key.to_string(), value.to_json()))
                    .collect(),
            ),
        }
    }

    /// A short, plain rendering for logs and tool-call summaries.
    pub fn plain(&self) -> String {
        match self {
            Value::Text(text) => text.to_string(),
            other => other.to_json().to_string(),
        }
    }
}

/// Records of up to this many fields are searched by a scan (see
/// [`Value::field`]).
const SCANNED_FIELDS: usize = 16;

/// `a.cmp(b)` for short byte strings (field names), without a call to
/// `memcmp`: names usually differ within their first bytes.
#[inline]
fn compare_bytes(left: &[u8], right: &[u8]) -> std::cmp::Ordering {
    for (a, b) in left.iter().zip(right) {
        if a != b {
            return a.cmp(b);
        }
    }
    left.len().cmp(&right.len())
}

fn number_json(number: f64) -> serde_json::Value {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        serde_json::Value::from(number as i64)
    } else {
        serde_json::Number::from_f64(number)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        let json = serde_json::Value::deserialize(deserializer)?;
        Ok(Value::from_json(&json))
    }
}

/// A calendar date (proleptic Gregorian), as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

/// English month names, January first (as messages write them).
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// [`MONTHS`] with the spaces around them in a long date.
const SPACED_MONTHS: [&str; 12] = [
    " January ",
    " February ",
    " March ",
    " April ",
    " May ",
    " June ",
    " July ",
    " August ",
    " September ",
    " October ",
    " November ",
    " December ",
];

impl Date {
    /// The date of a year, month (1–12) and day (1–31); `None` if invalid.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let year = if month <= 2 { year - 1 } else { year };
        let era = if year >= 0 { year } else { year - 399 } / 400;
        let year_of_era = year - era * 400;
        let month = month as i32;
        let day_of_year =
            (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day as i32 - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Some(Date(era * 146_097 + day_of_era - 719_468))
    }

    /// Year, month (1–12) and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        if (-12_000_000..=1_000_000_000).contains(&self.0) {
            return self.ymd_near();
        }
        let days = self.0 + 719_468;
        let era = if days >= 0 { days } else { days - 146_096 } / 146_097;
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        } as u32;
        let year = year_of_era + era * 400 + i32::from(month <= 2);
        (year, month, day)
    }

    /// [`Date::ymd`] by Neri and Schneider's Euclidean affine functions
    /// (multiplications and shifts rather than divisions), for days from
    /// -12,000,000 to 1,000,000,000, where it agrees with the general
    /// algorithm on every day (checked exhaustively).
    fn ymd_near(self) -> (i32, u32, u32) {
        const SHIFT: u32 = 82;
        const DAYS: u32 = 719_468 + 146_097 * SHIFT;
        const YEARS: i32 = 400 * SHIFT as i32;
        let n0 = (self.0 as u32).wrapping_add(DAYS);
        let n1 = 4 * n0 + 3;
        let century = n1 / 146_097;
        let day_of_century = n1 % 146_097 / 4;
        let p2 = 2_939_745u64 * u64::from(4 * day_of_century + 3);
        let year_of_century = (p2 >> 32) as u32;
        let day_of_year = (p2 as u32) / 2_939_745 / 4;
        let january_or_february = day_of_year >= 306;
        let n4 = 2_141 * day_of_year + 197_913;
        let month = n4 >> 16;
        let day = (n4 & 0xFFFF) / 2_141 + 1;
        let year =
            (100 * century + year_of_century) as i32 - YEARS + i32::from(january_or_february);
        let month = if january_or_february {
            month - 12
        } else {
            month
        };
        (year, month, day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let mut number = 0u32;
            for &byte in &bytes[range] {
                if !byte.is_ascii_digit() {
                    return None;
                }
                number = number * 10 + u32::from(byte - b'0');
            }
            Some(number)
        };
        Date::from_ymd(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (year, month, day) = self.ymd();
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// "3 March 2026", written into `out`.
    pub fn write_long(self, out: &mut String) {
        let (year, month, day) = self.ymd();
        push_number(out, u64::from(day));
        // `ymd` gives a month in 1..=12.
        out.push_str(
            SPACED_MONTHS
                .get((month as usize).wrapping_sub(1))
                .copied()
                .unwrap_or(" "),
        );
        if year >= 0 {
            push_number(out, year as u64);
        } else {
            let _ = write!(out, "{year}");
        }
    }

    /// The date `days` later (earlier if negative).
    pub fn plus_days(self, days: i32) -> Date {
        Date(self.0.saturating_add(days))
    }

    /// Day of the week, 0 = Monday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u32
    }
}

pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// "00" to "99", for writing two digits at once.
const DIGIT_PAIRS: &str = "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
    5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Appends `number % 100` as two digits.
#[inline]
fn push_pair(out: &mut String, number: u64) {
    let at = (number % 100) as usize * 2;
    out.push_str(DIGIT_PAIRS.get(at..at + 2).unwrap_or("00"));
}

/// Appends a decimal number without going through `fmt`.
pub(crate) fn push_number(out: &mut String, mut number: u64) {
    let digit = |value: u64| char::from(b'0' + (value % 10) as u8);
    if number < 10 {
        out.push(digit(number));
        return;
    }
    if number < 100 {
        push_pair(out, number);
        return;
    }
    if number < 10_000 {
        if number < 1000 {
            out.push(digit(number / 100));
        } else {
            push_pair(out, number / 100);
        }
        push_pair(out, number);
        return;
    }
    let mut digits = [0u8; 20];
    let mut index = digits.len();
    loop {
        index -= 1;
        digits[index] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    for &byte in &digits[index..] {
        out.push(char::from(byte));
    }
}

/// An amount in minor units (cents) of a three-letter currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    /// Minor units.
    pub minor: i64,
    /// ISO 4217 code, upper case ASCII.
    pub code: [u8; 3],
}

impl Money {
    fn from_json(amount: &serde_json::Value, currency: &str) -> Option<Money> {
        let code: [u8; 3] = currency.as_bytes().try_into().ok()?;
        if !code.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        let minor = match amount {
            serde_json::Value::String(text) => parse_minor(text)?,
            serde_json::Value::Number(number) => (number.as_f64()? * 100.0).round() as i64,
            _ => return None,
        };
        Some(Money { minor, code })
    }

    /// The currency code.
    pub fn currency(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// `129.00`.
    pub fn amount(&self) -> String {
        let mut out = String::new();
        self.write_amount(&mut out);
        out
    }

    /// `129.00`, written into `out`.
    fn write_amount(&self, out: &mut String) {
        if self.minor < 0 {
            out.push('-');
        }
        let absolute = self.minor.unsigned_abs();
        push_number(out, absolute / 100);
        out.push('.');
        push_pair(out, absolute % 100);
    }

    /// "$129.00", "€45.50", "£12.00", or "129.00 CAD".
    pub fn write_display(&self, out: &mut String) {
        let symbol = match &self.code {
            b"USD" => Some("$"),
            b"EUR" => Some("€"),
            b"GBP" => Some("£"),
            _ => None,
        };
        if let Some(symbol) = symbol {
            if self.minor < 0 {
                out.push('-');
            }
            out.push_str(symbol);
            let absolute = Money {
                minor: self.minor.abs(),
                code: self.code,
            };
            absolute.write_amount(out);
        } else {
            self.write_amount(out);
            out.push(' ');
            out.push_str(self.currency());
        }
    }
}

fn parse_minor(text: &str) -> Option<i64> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let minor = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if negative { -minor } else { minor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for day in -800_000..800_000 {
            let date = Date(day);
            let (year, month, day_of_month) = date.ymd();
            assert_eq!(Date::from_ymd(year, month, day_of_month), Some(date));
        }
        assert_eq!(
            Date::parse_iso("2026-03-03").map(Date::iso).as_deref(),
            Some("2026-03-03")
        );
        let mut out = String::new();
        Date::parse_iso("2026-03-03")
            .unwrap_or(Date(0))
            .write_long(&mut out);
        assert_eq!(out, "3 March 2026");
        assert_eq!(Date::parse_iso("2026-02-30"), None);
    }

    #[test]
    fn money_reads_and_prints() {
        let json = serde_json::json!({"amount": "129.5", "currency": "USD"});
        let value = Value::from_json(&json);
        let Value::Money(money) = value else {
            panic!("not money: {value:?}");
        };
        let mut out = String::new();
        money.write_display(&mut out);
        assert_eq!(out, "$129.50");
        assert_eq!(
            Value::from_json(&Value::Money(money).to_json()),
            Value::Money(money)
        );
    }
}
