//! AfterShip tracking webhooks: `{"event": "tracking_update", "msg": {…
//! the tracking …}}`, signed with `aftership-hmac-sha256`: base64 of the
//! HMAC-SHA256 of the raw body under the webhook secret.

use super::Update;
use super::hmac::same;
use serde_json::Value;

/// The header AfterShip signs with.
pub(crate) const SIGNATURE_HEADER: &str = "aftership-hmac-sha256";

/// Whether `header` is the signature of `body` under `secret`.
pub(crate) fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    let expected = super::aftership_signature(secret, body);
    same(expected.as_bytes(), header.trim().as_bytes())
}

/// AfterShip tags that mean a carrier has the parcel (a scan).
fn scanned(tag: &str) -> bool {
    !matches!(tag, "" | "Pending" | "InfoReceived" | "Expired")
}

/// The tracking in an AfterShip webhook, as the monitor's update.
pub(crate) fn read(body: &Value) -> Result<Update, String> {
    let tracking = body
        .get("msg")
        .ok_or_else(|| "the webhook has no `msg`".to_string())?;
    let text = |value: &Value, key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let tracking_number = text(tracking, "tracking_number");
    if tracking_number.is_empty() {
        return Err("the tracking has no tracking_number".to_string());
    }
    let tag = text(tracking, "tag");
    let subtag = text(tracking, "subtag");
    let mut first_scan = None;
    let mut last_scan = None;
    let mut location = String::new();
    for checkpoint in tracking
        .get("checkpoints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(at) = checkpoint
            .get("checkpoint_time")
            .and_then(Value::as_str)
            .and_then(super::time::parse)
        else {
            continue;
        };
        if !scanned(&text(checkpoint, "tag")) {
            continue;
        }
        first_scan = Some(first_scan.map_or(at, |first: i64| first.min(at)));
        if last_scan.is_none_or(|last| at >= last) {
            last_scan = Some(at);
            location = [text(checkpoint, "city"), text(checkpoint, "state")]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            if location.is_empty() {
                location = text(checkpoint, "location");
            }
        }
    }
    let code = if subtag.is_empty() {
        tag.clone()
    } else {
        subtag
    };
    let order_id = Some(text(tracking, "order_id"))
        .filter(|id| !id.is_empty())
        .map(|id| id.trim_start_matches('#').to_string());
    let customer = tracking
        .get("emails")
        .and_then(Value::as_array)
        .and_then(|emails| emails.first())
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Update {
        source: "aftership",
        tracking_number,
        carrier: text(tracking, "slug"),
        order_id,
        customer,
        code: code.clone(),
        first_scan,
        last_scan,
        location,
        delivered: tag == "Delivered",
        exception: matches!(tag.as_str(), "Exception" | "AttemptFail" | "Expired").then_some(code),
    })
}
