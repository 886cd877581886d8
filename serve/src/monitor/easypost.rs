//! EasyPost tracker webhooks: an `Event` whose `result` is a `Tracker`
//! (`description` `tracker.created` / `tracker.updated`), signed with
//! `X-Hmac-Signature: hmac-sha256-hex=<hex>` — HMAC-SHA256 of the raw body
//! under the webhook secret (EasyPost's clients normalise the secret with
//! Unicode NFKD first; ASCII secrets, the usual kind, are unchanged by it,
//! and keel takes the secret as given).

use super::Update;
use super::hmac::same;
use serde_json::Value;

/// The header EasyPost signs with.
pub(crate) const SIGNATURE_HEADER: &str = "x-hmac-signature";

/// Whether `header` is the signature of `body` under `secret`.
pub(crate) fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    let expected = super::easypost_signature(secret, body);
    same(
        expected.as_bytes(),
        header.trim().to_ascii_lowercase().as_bytes(),
    )
}

/// EasyPost statuses that mean a carrier has the parcel (a scan).
fn scanned(status: &str) -> bool {
    !matches!(status, "" | "unknown" | "pre_transit")
}

/// The tracker in an EasyPost event, as the monitor's update.
pub(crate) fn read(body: &Value) -> Result<Update, String> {
    let tracker = body.get("result").unwrap_or(body);
    if tracker
        .get("object")
        .and_then(Value::as_str)
        .is_some_and(|o| o != "Tracker")
    {
        return Err("the event's result is not a Tracker".to_string());
    }
    let text = |value: &Value, key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let tracking_number = text(tracker, "tracking_code");
    if tracking_number.is_empty() {
        return Err("the tracker has no tracking_code".to_string());
    }
    let status = text(tracker, "status");
    let detail = text(tracker, "status_detail");
    let details = tracker
        .get("tracking_details")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut first_scan = None;
    let mut last_scan = None;
    let mut location = String::new();
    for entry in &details {
        let Some(at) = entry
            .get("datetime")
            .and_then(Value::as_str)
            .and_then(super::time::parse)
        else {
            continue;
        };
        if !scanned(&text(entry, "status")) {
            continue;
        }
        first_scan = Some(first_scan.map_or(at, |first: i64| first.min(at)));
        if last_scan.is_none_or(|last| at >= last) {
            last_scan = Some(at);
            let place = entry.get("tracking_location").cloned().unwrap_or_default();
            location = [text(&place, "city"), text(&place, "state")]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
        }
    }
    // The most specific code the carrier gave: the detail, unless it is empty.
    let code = if detail.is_empty() || detail == "unknown" {
        status.clone()
    } else {
        detail
    };
    Ok(Update {
        source: "easypost",
        tracking_number,
        carrier: text(tracker, "carrier"),
        order_id: None,
        customer: None,
        code: code.clone(),
        first_scan,
        last_scan,
        location,
        delivered: status == "delivered",
        exception: matches!(
            status.as_str(),
            "failure" | "return_to_sender" | "error" | "cancelled"
        )
        .then_some(code),
    })
}
