//! Magento 2 (Adobe Commerce) REST: `{url}/V1/…` with
//! `Authorization: Bearer <token>`.
//!
//! | operation | call |
//! |---|---|
//! | `customer_by_email` | `GET /V1/customers/search` by `email` (searchCriteria) |
//! | `orders_by_email` | `GET /V1/orders` by `customer_email`, newest first, `pageSize`/`currentPage` up to `max_pages`, stopping at `total_count` (an out-of-range page answers the last page again) |
//! | `order` | `GET /V1/orders/{entity_id}` and `GET /V1/shipments` by `order_id` (tracks) |
//! | `cancel` | `POST /V1/orders/{id}/cancel`: `true`, or `false` (HTTP 200) when Magento will not cancel, which is an error here; then the order is read back |
//! | `discount`, `shipping_upgrade` | `POST /V1/orders/{id}/comments`: Magento's REST API cannot change a placed order's totals or shipping method, so the offer is recorded on the order as a comment the customer is notified of, for the team to apply at invoicing |
//! | `coupon` | `POST /V1/salesRules` (a single-use percent rule, 90 days) and `POST /V1/coupons` |
//!
//! Writes: Magento takes no idempotency key. Each write carries the call's
//! key in what it creates (the comment's text, the coupon's code), and a
//! resend after a crash looks first: an order already `canceled`, a
//! comment or a coupon already there, is the answer, and nothing is sent.
//!
//! # Values: state and status → the catalog's `status`
//!
//! `state` is Magento's fixed lifecycle, `status` a label a merchant may
//! add under a state. The seed statuses map to themselves; a merchant's
//! own status maps by its state ([`STATE_FALLBACK`]).
//!
//! | state | status | catalog |
//! |---|---|---|
//! | `new` | `pending` | `pending` |
//! | `pending_payment` | `pending_payment` | `pending_payment` |
//! | `processing` | `processing` | `processing` |
//! | `processing` | `fraud` | `fraud` |
//! | `payment_review` | `payment_review` | `payment_review` |
//! | `payment_review` | `fraud` | `fraud` |
//! | `holded` | `holded` | `holded` |
//! | `complete` | `complete` | `complete` |
//! | `closed` | `closed` | `closed` |
//! | `canceled` | `canceled` | `canceled` |

use crate::backend::{
    Backend, Context, Failure, Outcome, Platform, json_of, json_or_absent, number_arg, text_arg,
};
use crate::fields::{id_text, iso_date, items, money, url_with};
use crate::wire::{Kind, Request};
use keel_runtime::ToolCall;
use serde_json::{Value as Json, json};

const PLATFORM: &str = "magento";

/// `(state, status, catalog status)`: the seed statuses.
pub const STATUSES: &[(&str, &str, &str)] = &[
    ("new", "pending", "pending"),
    ("pending_payment", "pending_payment", "pending_payment"),
    ("processing", "processing", "processing"),
    ("processing", "fraud", "fraud"),
    ("payment_review", "payment_review", "payment_review"),
    ("payment_review", "fraud", "fraud"),
    ("holded", "holded", "holded"),
    ("complete", "complete", "complete"),
    ("closed", "closed", "closed"),
    ("canceled", "canceled", "canceled"),
];

/// `(state, catalog status)` for a status the merchant added.
pub const STATE_FALLBACK: &[(&str, &str)] = &[
    ("new", "pending"),
    ("pending_payment", "pending_payment"),
    ("processing", "processing"),
    ("payment_review", "payment_review"),
    ("holded", "holded"),
    ("complete", "complete"),
    ("closed", "closed"),
    ("canceled", "canceled"),
];

/// The catalog's status for a Magento state and status.
pub fn catalog_status(state: &str, status: &str) -> Option<&'static str> {
    STATUSES
        .iter()
        .find(|(known_state, known_status, _)| *known_state == state && *known_status == status)
        .map(|(_, _, catalog)| *catalog)
        .or_else(|| {
            STATE_FALLBACK
                .iter()
                .find(|(known_state, _)| *known_state == state)
                .map(|(_, catalog)| *catalog)
        })
}

/// Performs one Magento operation.
pub(crate) async fn call(
    backend: &Backend,
    operation: &str,
    call: &ToolCall,
    context: &Context,
) -> Outcome {
    let platform = backend.platform(PLATFORM)?;
    match operation {
        "customer_by_email" => {
            customer_by_email(backend, platform, &text_arg(call, "email")?).await
        }
        "orders_by_email" => orders_by_email(backend, platform, &text_arg(call, "email")?).await,
        "order" => order(backend, platform, &order_id(call)?).await,
        "cancel" => cancel(backend, platform, &order_id(call)?, context).await,
        "discount" => {
            let percent = number_arg(call, "percent")?;
            if !(0.0..=100.0).contains(&percent) {
                return Err(Failure::Error(format!(
                    "magento: a discount of {percent}% is not allowed"
                )));
            }
            let text = format!(
                "Retention offer accepted: {percent}% off this order, applied at invoicing."
            );
            comment(backend, platform, &order_id(call)?, &text, context).await
        }
        "shipping_upgrade" => {
            let text = "Retention offer accepted: expedited shipping at no charge.";
            comment(backend, platform, &order_id(call)?, text, context).await
        }
        "coupon" => {
            coupon(
                backend,
                platform,
                &text_arg(call, "email")?,
                number_arg(call, "percent")?,
                context,
            )
            .await
        }
        other => Err(Failure::Error(format!(
            "keel has no adapter `magento.{other}`"
        ))),
    }
}

/// The order's entity id: digits only (`#311` and `311` are the same).
fn order_id(call: &ToolCall) -> Result<String, Failure> {
    let id = text_arg(call, "order_id")?;
    let id = id.trim_start_matches('#').to_string();
    if id.is_empty() || !id.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Failure::Error(format!(
            "magento: `{id}` is not an order's entity id"
        )));
    }
    Ok(id)
}

fn authorized(platform: &Platform, request: Request) -> Request {
    request.header("Authorization", format!("Bearer {}", platform.token()))
}

/// `searchCriteria` for one `field = value` filter, plus extra pairs.
fn search(field: &str, value: &str, condition: &str) -> Vec<(String, String)> {
    let filter = "searchCriteria[filter_groups][0][filters][0]";
    vec![
        (format!("{filter}[field]"), field.to_string()),
        (format!("{filter}[value]"), value.to_string()),
        (format!("{filter}[condition_type]"), condition.to_string()),
    ]
}

fn search_url(platform: &Platform, path: &str, pairs: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    url_with(&platform.url(path), &pairs)
}

async fn get(
    backend: &Backend,
    platform: &Platform,
    url: String,
) -> Result<crate::wire::Reply, Failure> {
    backend
        .send(&authorized(platform, Request::get(PLATFORM, url)))
        .await
}

async fn customer_by_email(backend: &Backend, platform: &Platform, email: &str) -> Outcome {
    let mut pairs = search("email", email, "eq");
    pairs.push(("searchCriteria[pageSize]".to_string(), "1".to_string()));
    let reply = get(
        backend,
        platform,
        search_url(platform, "/V1/customers/search", &pairs),
    )
    .await?;
    let json = json_of(PLATFORM, &reply, "the customer search")?;
    let Some(customer) = json["items"].as_array().and_then(|items| items.first()) else {
        return Ok(Json::Null);
    };
    Ok(json!({
        "id": id_text(&customer["id"]),
        "email": customer["email"],
        "first_name": customer["firstname"],
        "last_name": customer["lastname"],
    }))
}

async fn orders_by_email(backend: &Backend, platform: &Platform, email: &str) -> Outcome {
    let page_size = u64::from(backend.wire().settings().page_size);
    let mut orders = Vec::new();
    let max_pages = u64::from(backend.wire().settings().max_pages);
    for page in 1..=max_pages {
        let mut pairs = search("customer_email", email, "eq");
        pairs.extend([
            (
                "searchCriteria[sortOrders][0][field]".to_string(),
                "created_at".to_string(),
            ),
            (
                "searchCriteria[sortOrders][0][direction]".to_string(),
                "DESC".to_string(),
            ),
            (
                "searchCriteria[pageSize]".to_string(),
                page_size.to_string(),
            ),
            ("searchCriteria[currentPage]".to_string(), page.to_string()),
        ]);
        let reply = get(
            backend,
            platform,
            search_url(platform, "/V1/orders", &pairs),
        )
        .await?;
        let json = json_of(PLATFORM, &reply, "the order search")?;
        let items = json["items"].as_array().cloned().unwrap_or_default();
        let total = json["total_count"].as_u64().unwrap_or(0);
        let received = items.len() as u64;
        for item in &items {
            orders.push(order_fields(item, None)?);
        }
        // Stop on the total: a page past the end answers the last one again.
        if received < page_size || page * page_size >= total {
            break;
        }
    }
    Ok(Json::Array(orders))
}

async fn order(backend: &Backend, platform: &Platform, id: &str) -> Outcome {
    let reply = get(backend, platform, platform.url(&format!("/V1/orders/{id}"))).await?;
    let json = json_of(PLATFORM, &reply, &format!("order {id}"))?;
    let pairs = search("order_id", id, "eq");
    let reply = get(
        backend,
        platform,
        search_url(platform, "/V1/shipments", &pairs),
    )
    .await?;
    let shipments = json_of(PLATFORM, &reply, "the shipments")?;
    order_fields(&json, Some(&shipments))
}

/// A Magento order → the catalog's `Order`.
fn order_fields(order: &Json, shipments: Option<&Json>) -> Outcome {
    let state = order["state"].as_str().unwrap_or_default();
    let status = order["status"].as_str().unwrap_or_default();
    let Some(catalog) = catalog_status(state, status) else {
        return Err(Failure::Error(format!(
            "magento: order {} has state `{state}` and status `{status}`, which map to no status keel knows",
            id_text(&order["increment_id"])
        )));
    };
    // Child rows of configurable products repeat their parent's name.
    let lines = order["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| item["parent_item_id"].is_null())
        .map(|item| {
            (
                item["name"].as_str().unwrap_or_default(),
                item["qty_ordered"].as_f64().unwrap_or(1.0),
            )
        });
    let mut fields = json!({
        "id": id_text(&order["entity_id"]),
        "increment_id": id_text(&order["increment_id"]),
        "status": catalog,
        "created_at": iso_date(order["created_at"].as_str().unwrap_or_default()),
        "grand_total": money(&order["grand_total"], order["order_currency_code"].as_str().unwrap_or("USD")),
        "items": items(lines),
    });
    if let Some(track) = shipments
        .and_then(|shipments| shipments["items"].as_array())
        .into_iter()
        .flatten()
        .flat_map(|shipment| shipment["tracks"].as_array().into_iter().flatten())
        .next()
    {
        fields["tracking_number"] = track["track_number"].clone();
        fields["carrier"] = track["title"].clone();
    }
    Ok(fields)
}

async fn cancel(backend: &Backend, platform: &Platform, id: &str, context: &Context) -> Outcome {
    if context.resend {
        // The first request may have been carried out: look before sending again.
        let current = order(backend, platform, id).await?;
        if current["status"] == "canceled" {
            return Ok(current);
        }
    }
    let request = authorized(
        platform,
        Request::send(
            PLATFORM,
            "POST",
            platform.url(&format!("/V1/orders/{id}/cancel")),
            json!({}),
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    match json_of(PLATFORM, &reply, &format!("order {id}"))? {
        Json::Bool(true) => order(backend, platform, id).await,
        Json::Bool(false) => Err(Failure::Error(format!(
            "magento: order {id} cannot be canceled (Magento answered false: on hold, in payment review, already canceled, complete or closed, or fully invoiced)"
        ))),
        other => Err(Failure::Error(format!(
            "magento: the cancellation answered `{other}`, not true or false"
        ))),
    }
}

/// The reference a write leaves in what it creates, to be found again.
fn reference(context: &Context) -> String {
    format!("(ref {})", context.key)
}

async fn comment(
    backend: &Backend,
    platform: &Platform,
    id: &str,
    text: &str,
    context: &Context,
) -> Outcome {
    let reference = reference(context);
    let url = platform.url(&format!("/V1/orders/{id}/comments"));
    if context.resend {
        let reply = get(backend, platform, url.clone()).await?;
        let existing = json_of(PLATFORM, &reply, &format!("order {id}"))?;
        let done = existing["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|item| {
                item["comment"]
                    .as_str()
                    .is_some_and(|comment| comment.contains(&reference))
            });
        if done {
            return order(backend, platform, id).await;
        }
    }
    let body = json!({
        "statusHistory": {
            "comment": format!("{text} {reference}"),
            "is_customer_notified": 1,
            "is_visible_on_front": 1,
            "parent_id": id.parse::<u64>().unwrap_or(0),
        }
    });
    let request = authorized(
        platform,
        Request::send(PLATFORM, "POST", url, body, Kind::Write),
    );
    let reply = backend.send(&request).await?;
    match json_of(PLATFORM, &reply, &format!("order {id}"))? {
        Json::Bool(true) => order(backend, platform, id).await,
        other => Err(Failure::Error(format!(
            "magento: the order comment answered `{other}`, not true"
        ))),
    }
}

async fn coupon(
    backend: &Backend,
    platform: &Platform,
    email: &str,
    percent: f64,
    context: &Context,
) -> Outcome {
    if !(0.0..=100.0).contains(&percent) {
        return Err(Failure::Error(format!(
            "magento: a coupon of {percent}% is not allowed"
        )));
    }
    // The code carries the call's key, so a resend can find it.
    let tag: String = context
        .key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .rev()
        .take(10)
        .collect::<String>()
        .to_ascii_uppercase();
    let code = format!("KEEL{percent}-{tag}");
    let expires = context.today.plus_days(90);
    let found = |json: &Json| {
        json["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
    };
    if context.resend {
        let pairs = search("code", &code, "eq");
        let reply = get(
            backend,
            platform,
            search_url(platform, "/V1/coupons/search", &pairs),
        )
        .await?;
        if found(&json_of(PLATFORM, &reply, "the coupon search")?) {
            return Ok(coupon_fields(&code, percent, expires));
        }
    }
    let rule = json!({
        "rule": {
            "name": format!("keel retention {percent}% for {email}"),
            "description": reference(context),
            "is_active": true,
            "website_ids": [1],
            "customer_group_ids": [0, 1, 2, 3],
            "coupon_type": "SPECIFIC_COUPON",
            "use_auto_generation": false,
            "uses_per_coupon": 1,
            "uses_per_customer": 1,
            "simple_action": "by_percent",
            "discount_amount": percent,
            "to_date": expires.iso(),
            "stop_rules_processing": false,
        }
    });
    let request = authorized(
        platform,
        Request::send(
            PLATFORM,
            "POST",
            platform.url("/V1/salesRules"),
            rule,
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    let rule = json_of(PLATFORM, &reply, "the sales rule")?;
    let Some(rule_id) = rule["rule_id"].as_u64() else {
        return Err(Failure::Error(
            "magento: the new sales rule has no rule_id".to_string(),
        ));
    };
    let body = json!({
        "coupon": {
            "rule_id": rule_id,
            "code": code,
            "usage_limit": 1,
            "usage_per_customer": 1,
            "is_primary": true,
            "type": 0,
        }
    });
    let request = authorized(
        platform,
        Request::send(
            PLATFORM,
            "POST",
            platform.url("/V1/coupons"),
            body,
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    json_or_absent(PLATFORM, &reply)?;
    Ok(coupon_fields(&code, percent, expires))
}

fn coupon_fields(code: &str, percent: f64, expires: keel_runtime::Date) -> Json {
    json!({ "code": code, "percent": percent, "expires_on": expires.iso() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_seed_state_and_status_maps_as_the_table_says() {
        for (state, status, catalog) in STATUSES {
            assert_eq!(
                catalog_status(state, status),
                Some(*catalog),
                "{state}/{status}"
            );
        }
    }

    #[test]
    fn a_merchants_own_status_maps_by_its_state() {
        for (state, catalog) in STATE_FALLBACK {
            assert_eq!(
                catalog_status(state, "merchant_label"),
                Some(*catalog),
                "{state}"
            );
        }
        assert_eq!(catalog_status("unknown_state", "pending"), None);
    }
}
