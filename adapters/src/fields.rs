//! Platform field values → the values catalogs declare: money as
//! `{"amount": "129.00", "currency": "USD"}`, dates as `YYYY-MM-DD`, item
//! lists as one line of text, and URLs with encoded query strings.

use serde_json::{Value as Json, json};

/// Money from an amount (`"69.8400"`, `89.5`) and a currency code.
pub fn money(amount: &Json, currency: &str) -> Json {
    let value = match amount {
        Json::String(text) => text.trim().parse::<f64>().ok(),
        Json::Number(number) => number.as_f64(),
        _ => None,
    };
    match value {
        Some(value) if value.is_finite() => json!({
            "amount": format!("{value:.2}"),
            "currency": currency.trim().to_ascii_uppercase(),
        }),
        _ => Json::Null,
    }
}

/// The date of an ISO 8601 timestamp or a Magento `YYYY-MM-DD HH:MM:SS`
/// (the calendar day as written, in the zone it was written in).
pub fn iso_date(text: &str) -> Json {
    let day = text.trim().get(..10).unwrap_or_default();
    match keel_runtime::Date::parse_iso(day) {
        Some(date) => Json::String(date.iso()),
        None => Json::Null,
    }
}

/// The date of an RFC 2822 timestamp (BigCommerce v2:
/// `Tue, 05 Mar 2019 21:40:11 +0000`); an empty string is no date.
pub fn rfc2822_date(text: &str) -> Json {
    let mut words = text.split_whitespace();
    let (Some(_weekday), Some(day), Some(month), Some(year)) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Json::Null;
    };
    let month = match keel_runtime::MONTHS.iter().position(|name| {
        name.get(..3)
            .is_some_and(|short| short.eq_ignore_ascii_case(month))
    }) {
        Some(index) => index + 1,
        None => return Json::Null,
    };
    let (Ok(day), Ok(year)) = (day.parse::<u32>(), year.parse::<i32>()) else {
        return Json::Null;
    };
    match keel_runtime::Date::from_ymd(year, month as u32, day) {
        Some(date) => Json::String(date.iso()),
        None => Json::Null,
    }
}

/// An RFC 2822 timestamp for a date (midnight UTC), as BigCommerce writes them.
pub fn rfc2822(date: keel_runtime::Date, time: &str) -> String {
    let iso = date.iso();
    let (year, rest) = iso.split_at(4);
    let month: usize = rest.get(1..3).and_then(|m| m.parse().ok()).unwrap_or(1);
    let day = rest.get(4..6).unwrap_or("01");
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][date.0.rem_euclid(7) as usize];
    let month = keel_runtime::MONTHS
        .get(month.saturating_sub(1))
        .and_then(|name| name.get(..3))
        .unwrap_or("Jan");
    format!("{weekday}, {day} {month} {year} {time} +0000")
}

/// Item names (and quantities above one) as one line: `Mug, 2 × Candle`.
pub fn items<'a>(lines: impl Iterator<Item = (&'a str, f64)>) -> String {
    lines
        .map(|(name, quantity)| {
            if quantity > 1.0 {
                format!("{quantity} × {name}")
            } else {
                name.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `base` with the query pairs appended, each name and value encoded.
pub fn url_with(base: &str, pairs: &[(&str, &str)]) -> String {
    match reqwest::Url::parse(base) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (name, value) in pairs {
                    query.append_pair(name, value);
                }
            }
            url.to_string()
        }
        Err(_) => base.to_string(),
    }
}

/// A JSON value as text (`"311"`, `311` → `311`).
pub fn id_text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Number(number) => number.to_string(),
        _ => String::new(),
    }
}
