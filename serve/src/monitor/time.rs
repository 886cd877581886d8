//! Carrier timestamps (`2026-03-08T10:00:00Z`, `2026-03-08T10:00:00+02:00`,
//! with or without fractions of a second) → microseconds since the epoch.

/// Microseconds since 1970-01-01 UTC, or `None` if it is not such a timestamp.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = keel_runtime::Date::parse_iso(text.get(..10)?)?;
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = rest.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (hours, minutes) = (number(0..2)?, number(3..5)?);
    let mut index = 5;
    let mut seconds = 0;
    if rest.get(5..6) == Some(":") {
        seconds = number(6..8)?;
        index = 8;
    }
    let mut micros = 0i64;
    if rest.get(index..index + 1) == Some(".") {
        index += 1;
        let digits: String = rest[index..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        index += digits.len();
        let padded: String = digits
            .chars()
            .chain(std::iter::repeat('0'))
            .take(6)
            .collect();
        micros = padded.parse().ok()?;
    }
    let zone = &rest[index..];
    let offset_minutes = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match zone.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
            let hours: i64 = digits.get(..2)?.parse().ok()?;
            let minutes: i64 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
            sign * (hours * 60 + minutes)
        }
    };
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let day_seconds = hours * 3600 + minutes * 60 + seconds - offset_minutes * 60;
    Some((i64::from(date.0) * 86_400 + day_seconds) * 1_000_000 + micros)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_the_carriers_timestamps() {
        let noon = parse("2026-03-08T12:00:00Z").expect("utc");
        assert_eq!(parse("2026-03-08T14:00:00+02:00"), Some(noon));
        assert_eq!(parse("2026-03-08T07:00:00-05:00"), Some(noon));
        assert_eq!(parse("2026-03-08T12:00:00.250Z"), Some(noon + 250_000));
        assert_eq!(parse("2026-03-08T12:00"), Some(noon));
        assert_eq!(parse("1970-01-01T00:00:01Z"), Some(1_000_000));
        for bad in [
            "",
            "yesterday",
            "2026-03-08",
            "2026-03-08T25:00:00Z",
            "2026-03-08T12:00:00Q",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
