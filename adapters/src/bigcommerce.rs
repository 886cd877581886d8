//! BigCommerce: v3 customers and v2 orders under `{url}` (which ends in
//! `/stores/{store_hash}`), with `X-Auth-Token`; carrier progress from
//! AfterShip when the backend file names it (`tracking = "aftership"`).
//!
//! | operation | calls |
//! |---|---|
//! | `customer_by_email` | `GET /v3/customers?email:in=<e>` (`{"data": […], "meta": …}`) |
//! | `orders_by_email` | `GET /v2/orders?email=<e>&sort=date_created:desc&limit=50&page=N` (a bare array; **`204 No Content`** when nothing matches, and for a page past the end) up to `max_pages`; each order's `GET /v2/orders/{id}/products` (the order only links them) and, for shipped ones, its shipments |
//! | `order` | `GET /v2/orders/{id}`, `…/products`, `…/shipments` (204 when none) |
//! | `cancel` | `PUT /v2/orders/{id}` `{"status_id": 5}` |
//!
//! BigCommerce has no delivery status and no delivery estimate of its own:
//! with AfterShip configured, each shipment's tracking number is looked up
//! there (`GET {aftership}/trackings?tracking_numbers=…`, header
//! `as-api-key`) and its `tag` refines `Shipped` ([`TRACKING`]); without it,
//! a shipped order stays `Shipped` and has no estimate. Nothing in a
//! BigCommerce order says when an order awaiting shipment will ship, so
//! `shipment_date` is empty until a shipment exists.
//!
//! Writes: BigCommerce takes no idempotency key. A resend after a crash
//! reads the order first and answers it if its `status_id` is already 5.
//!
//! # Values: `status_id` → the seed's seven ([`STATUS_IDS`])
//!
//! | `status_id` | BigCommerce | catalog |
//! |---|---|---|
//! | 7 | Awaiting Payment | `Approved` |
//! | 11 | Awaiting Fulfillment | `Processing` |
//! | 9 | Awaiting Shipment | `Pending Shipment` |
//! | 2 | Shipped | `Shipped`, refined by tracking |
//! | 3 | Partially Shipped | `Shipped`, refined by tracking |
//! | 10 | Completed | `Delivered` |
//! | 5 | Cancelled | `Canceled` |
//!
//! 0 Incomplete, 1 Pending, 4 Refunded, 6 Declined, 8 Awaiting Pickup,
//! 12 Manual Verification Required, 13 Disputed and 14 Partially Refunded
//! map to nothing: an error, so the conversation goes to a person.
//!
//! | AfterShip `tag` of a shipped order | catalog |
//! |---|---|
//! | `Pending`, `InfoReceived` | `Shipped` |
//! | `InTransit`, `OutForDelivery`, `AttemptFail` | `In transit` |
//! | `Delivered` | `Delivered` |
//!
//! Other tags (`AvailableForPickup`, `Exception`, `Expired`) map to nothing.

use crate::backend::{Backend, Context, Failure, Outcome, Platform, json_of, text_arg};
use crate::fields::{id_text, items, money, rfc2822_date, url_with};
use crate::wire::{Kind, Reply, Request};
use keel_runtime::ToolCall;
use serde_json::{Value as Json, json};

const PLATFORM: &str = "bigcommerce";

/// `status_id` → catalog status.
pub const STATUS_IDS: &[(u64, &str)] = &[
    (7, "Approved"),
    (11, "Processing"),
    (9, "Pending Shipment"),
    (2, "Shipped"),
    (3, "Shipped"),
    (10, "Delivered"),
    (5, "Canceled"),
];

/// AfterShip `tag` of a shipped order → catalog status.
pub const TRACKING: &[(&str, &str)] = &[
    ("Pending", "Shipped"),
    ("InfoReceived", "Shipped"),
    ("InTransit", "In transit"),
    ("OutForDelivery", "In transit"),
    ("AttemptFail", "In transit"),
    ("Delivered", "Delivered"),
];

/// The catalog status of an order: its `status_id`, and for a shipped one
/// the least advanced tracking tag among its shipments.
pub fn catalog_status(status_id: u64, tags: &[&str]) -> Result<&'static str, String> {
    let Some((_, status)) = STATUS_IDS.iter().find(|(id, _)| *id == status_id) else {
        return Err(format!("status_id {status_id}"));
    };
    if *status != "Shipped" || tags.is_empty() {
        return Ok(status);
    }
    const RANK: [&str; 3] = ["Shipped", "In transit", "Delivered"];
    let mut least = RANK.len() - 1;
    for tag in tags {
        let Some((_, status)) = TRACKING.iter().find(|(known, _)| known == tag) else {
            return Err(format!("tracking tag `{tag}`"));
        };
        least = least.min(RANK.iter().position(|known| known == status).unwrap_or(0));
    }
    Ok(RANK[least])
}

/// Performs one BigCommerce operation.
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
        "order" => {
            let id = order_id(call)?;
            let order = one_order(backend, platform, &id).await?;
            order_fields(backend, platform, &order).await
        }
        "cancel" => cancel(backend, platform, &order_id(call)?, context).await,
        other => Err(Failure::Error(format!(
            "keel has no adapter `bigcommerce.{other}`"
        ))),
    }
}

fn order_id(call: &ToolCall) -> Result<String, Failure> {
    let id = text_arg(call, "order_id")?;
    let id = id.trim_start_matches('#');
    if id.is_empty() || !id.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Failure::Error(format!(
            "bigcommerce: `{id}` is not an order id"
        )));
    }
    Ok(id.to_string())
}

fn authorized(platform: &Platform, request: Request) -> Request {
    request.header("X-Auth-Token", platform.token().to_string())
}

async fn get(backend: &Backend, platform: &Platform, url: String) -> Result<Reply, Failure> {
    backend
        .send(&authorized(platform, Request::get(PLATFORM, url)))
        .await
}

/// A v2 list: `204 No Content` is an empty list.
fn list(reply: &Reply, what: &str) -> Result<Vec<Json>, Failure> {
    if reply.status == 204 {
        return Ok(Vec::new());
    }
    match json_of(PLATFORM, reply, what)? {
        Json::Array(items) => Ok(items),
        Json::Null => Ok(Vec::new()),
        other => Err(Failure::Error(format!(
            "bigcommerce: {what} is not a list: {other}"
        ))),
    }
}

async fn customer_by_email(backend: &Backend, platform: &Platform, email: &str) -> Outcome {
    let url = url_with(&platform.url("/v3/customers"), &[("email:in", email)]);
    let reply = get(backend, platform, url).await?;
    let json = json_of(PLATFORM, &reply, "the customer search")?;
    let Some(customer) = json["data"].as_array().and_then(|data| data.first()) else {
        return Ok(Json::Null);
    };
    Ok(json!({
        "id": id_text(&customer["id"]),
        "email": customer["email"],
        "first_name": customer["first_name"],
        "last_name": customer["last_name"],
    }))
}

async fn orders_by_email(backend: &Backend, platform: &Platform, email: &str) -> Outcome {
    let limit = backend.wire().settings().page_size as usize;
    let mut orders = Vec::new();
    for page in 1..=backend.wire().settings().max_pages {
        let url = url_with(
            &platform.url("/v2/orders"),
            &[
                ("email", email),
                ("sort", "date_created:desc"),
                ("limit", &limit.to_string()),
                ("page", &page.to_string()),
            ],
        );
        let reply = get(backend, platform, url).await?;
        let page = list(&reply, "the order list")?;
        let full = page.len() == limit;
        orders.extend(page);
        if !full {
            break;
        }
    }
    let mut fields = Vec::new();
    for order in &orders {
        fields.push(order_fields(backend, platform, order).await?);
    }
    Ok(Json::Array(fields))
}

async fn one_order(backend: &Backend, platform: &Platform, id: &str) -> Result<Json, Failure> {
    let reply = get(backend, platform, platform.url(&format!("/v2/orders/{id}"))).await?;
    json_of(PLATFORM, &reply, &format!("order {id}"))
}

/// A v2 order → the catalog's `Order` (reading its products, and its
/// shipments and their tracking when it has shipped).
async fn order_fields(backend: &Backend, platform: &Platform, order: &Json) -> Outcome {
    let id = id_text(&order["id"]);
    let status_id = order["status_id"].as_u64().unwrap_or(0);
    let reply = get(
        backend,
        platform,
        platform.url(&format!("/v2/orders/{id}/products")),
    )
    .await?;
    let products = list(&reply, "the order's products")?;
    let shipments = if matches!(status_id, 2 | 3 | 10) {
        let reply = get(
            backend,
            platform,
            platform.url(&format!("/v2/orders/{id}/shipments")),
        )
        .await?;
        list(&reply, "the order's shipments")?
    } else {
        Vec::new()
    };
    let numbers: Vec<&str> = shipments
        .iter()
        .filter_map(|shipment| shipment["tracking_number"].as_str())
        .filter(|number| !number.is_empty())
        .collect();
    let trackings = if matches!(status_id, 2 | 3) && !numbers.is_empty() {
        tracking(backend, platform, &numbers).await?
    } else {
        Vec::new()
    };
    let tags: Vec<&str> = trackings
        .iter()
        .filter_map(|tracking| tracking["tag"].as_str())
        .collect();
    let status = catalog_status(status_id, &tags).map_err(|why| {
        Failure::Error(format!(
            "bigcommerce: order {id}: {why} maps to no status keel knows"
        ))
    })?;
    let lines = products.iter().map(|product| {
        (
            product["name"].as_str().unwrap_or_default(),
            product["quantity"].as_f64().unwrap_or(1.0),
        )
    });
    let shipment = shipments.first();
    let eta = trackings.iter().find_map(|tracking| {
        tracking["expected_delivery"].as_str().or_else(|| {
            tracking["courier_estimated_delivery_date"]["estimated_delivery_date"].as_str()
        })
    });
    Ok(json!({
        "id": id,
        "status": status,
        "created_at": rfc2822_date(order["date_created"].as_str().unwrap_or_default()),
        "total": money(&order["total_inc_tax"], order["currency_code"].as_str().unwrap_or("USD")),
        "items": items(lines),
        "shipment_date": shipment.map_or(Json::Null, |s| rfc2822_date(s["date_created"].as_str().unwrap_or_default())),
        "tracking_number": shipment.map_or(Json::Null, |s| s["tracking_number"].clone()),
        "carrier": shipment.map_or(Json::Null, |s| s["shipping_provider_display_name"].clone()),
        "estimated_delivery_date": eta.map_or(Json::Null, crate::fields::iso_date),
    }))
}

/// AfterShip's trackings for these numbers (none without AfterShip).
async fn tracking(
    backend: &Backend,
    platform: &Platform,
    numbers: &[&str],
) -> Result<Vec<Json>, Failure> {
    if platform.config.tracking.as_deref() != Some("aftership") {
        return Ok(Vec::new());
    }
    let aftership = backend.platform("aftership")?;
    let url = url_with(
        &aftership.url("/trackings"),
        &[("tracking_numbers", &numbers.join(","))],
    );
    let request =
        Request::get("aftership", url).header("as-api-key", aftership.token().to_string());
    let reply = backend.send(&request).await?;
    let json = json_of("aftership", &reply, "the trackings")?;
    Ok(json["data"]["trackings"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

async fn cancel(backend: &Backend, platform: &Platform, id: &str, context: &Context) -> Outcome {
    if context.resend {
        let order = one_order(backend, platform, id).await?;
        if order["status_id"].as_u64() == Some(5) {
            return order_fields(backend, platform, &order).await;
        }
    }
    let request = authorized(
        platform,
        Request::send(
            PLATFORM,
            "PUT",
            platform.url(&format!("/v2/orders/{id}")),
            json!({"status_id": 5}),
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    let order = json_of(PLATFORM, &reply, &format!("order {id}"))?;
    order_fields(backend, platform, &order).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_id_maps_as_the_table_says() {
        for (id, status) in STATUS_IDS {
            assert_eq!(catalog_status(*id, &[]), Ok(*status), "{id}");
        }
        for id in [0, 1, 4, 6, 8, 12, 13, 14] {
            assert!(catalog_status(id, &[]).is_err(), "{id}");
        }
    }

    #[test]
    fn each_tracking_tag_refines_a_shipped_order_as_the_table_says() {
        for (tag, status) in TRACKING {
            assert_eq!(catalog_status(2, &[tag]), Ok(*status), "{tag}");
            assert_eq!(catalog_status(3, &[tag]), Ok(*status), "{tag}");
        }
        assert_eq!(
            catalog_status(2, &["Delivered", "InTransit"]),
            Ok("In transit")
        );
        assert!(catalog_status(2, &["Exception"]).is_err());
        // Tracking does not change an order that is not shipped.
        assert_eq!(catalog_status(5, &["Delivered"]), Ok("Canceled"));
    }
}
