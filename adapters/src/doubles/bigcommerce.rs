//! The BigCommerce double, under `/stores/keel0001/…`, `X-Auth-Token`,
//! and the AfterShip double it comes with, under `/tracking/2024-04/…`,
//! `as-api-key`.
//!
//! Quirks reproduced: v3 wraps `{"data", "meta": {"pagination"}}`, v2
//! answers bare arrays and objects; a v2 list with nothing in it (no
//! orders for an email, a page past the end, an order without shipments)
//! is **`204 No Content` with an empty body**; `status_id` and the
//! `status` text agree with BigCommerce's status table; dates are RFC 2822
//! and `date_shipped` is `""` until shipped; v2 errors are arrays
//! (`[{"status": 404, "message": …}]`); the `X-Rate-Limit-*` headers on
//! every answer. AfterShip answers `{"meta": {"code"}, "data":
//! {"trackings": […]}}` with a `tag` per tracking.

use super::seed::Seed;
use super::{Req, Resp, State, Tokens, check_auth, is_id};
use crate::fields::rfc2822;
use serde_json::{Value as Json, json};

/// BigCommerce's status names by id.
const STATUS_NAMES: &[(u64, &str)] = &[
    (0, "Incomplete"),
    (1, "Pending"),
    (2, "Shipped"),
    (3, "Partially Shipped"),
    (4, "Refunded"),
    (5, "Cancelled"),
    (6, "Declined"),
    (7, "Awaiting Payment"),
    (8, "Awaiting Pickup"),
    (9, "Awaiting Shipment"),
    (10, "Completed"),
    (11, "Awaiting Fulfillment"),
    (12, "Manual Verification Required"),
    (13, "Disputed"),
    (14, "Partially Refunded"),
];

/// A demo status → (status_id, AfterShip tag of its shipment).
const SEED_STATUSES: &[(&str, u64, Option<&str>)] = &[
    ("Approved", 7, None),
    ("Processing", 11, None),
    ("Pending Shipment", 9, None),
    ("Shipped", 2, Some("InfoReceived")),
    ("In transit", 2, Some("InTransit")),
    ("Delivered", 10, Some("Delivered")),
    ("Canceled", 5, None),
];

fn status_name(id: u64) -> &'static str {
    STATUS_NAMES
        .iter()
        .find(|(known, _)| *known == id)
        .map_or("Unknown", |(_, name)| name)
}

/// The BigCommerce and AfterShip doubles' data.
#[derive(Clone, Debug, Default)]
pub struct Store {
    customers: Vec<Json>,
    orders: Vec<Json>,
    products: Vec<Json>,
    shipments: Vec<Json>,
    trackings: Vec<Json>,
    failing: Vec<String>,
}

impl Store {
    /// The demo store's BigCommerce orders as BigCommerce records.
    pub fn seed(seed: &Seed) -> Store {
        let customers: Vec<Json> = seed
            .customers
            .iter()
            .enumerate()
            .map(|(index, customer)| {
                json!({
                    "id": 11 + index,
                    "email": customer.email,
                    "first_name": customer.first_name,
                    "last_name": customer.last_name,
                    "company": "",
                    "phone": "",
                    "customer_group_id": 0,
                    "date_created": "2025-01-15T09:30:00Z",
                })
            })
            .collect();
        let mut store = Store {
            customers,
            failing: seed.failing.clone(),
            ..Store::default()
        };
        for order in seed.orders("bigcommerce") {
            let (status_id, tag) = SEED_STATUSES
                .iter()
                .find(|(demo, _, _)| *demo == order.status)
                .map_or((1, None), |(_, id, tag)| (*id, *tag));
            let customer_id = seed
                .customers
                .iter()
                .position(|c| c.email == order.email)
                .map_or(0, |index| 11 + index);
            let customer = seed.customers.iter().find(|c| c.email == order.email);
            let shipped = tag.is_some();
            let shipped_on = order.shipment_date.unwrap_or(order.created);
            store.orders.push(json!({
                "id": order.id,
                "customer_id": customer_id,
                "date_created": rfc2822(order.created, "15:40:11"),
                "date_modified": rfc2822(order.created, "15:40:11"),
                "date_shipped": if shipped { rfc2822(shipped_on, "10:00:00") } else { String::new() },
                "status_id": status_id,
                "status": status_name(status_id),
                "custom_status": status_name(status_id),
                "subtotal_inc_tax": format!("{}00", order.total.0),
                "total_inc_tax": format!("{}00", order.total.0),
                "items_total": 1,
                "items_shipped": if shipped { 1 } else { 0 },
                "payment_method": "Credit Card",
                "payment_status": "captured",
                "refunded_amount": "0.0000",
                "currency_code": order.total.1,
                "billing_address": {
                    "first_name": customer.map(|c| c.first_name.clone()),
                    "last_name": customer.map(|c| c.last_name.clone()),
                    "email": order.email,
                    "country_iso2": "US",
                },
                "products": {"url": format!("https://api.bigcommerce.com/stores/keel0001/v2/orders/{}/products", order.id), "resource": format!("/orders/{}/products", order.id)},
                "shipping_addresses": {"url": format!("https://api.bigcommerce.com/stores/keel0001/v2/orders/{}/shipping_addresses", order.id), "resource": format!("/orders/{}/shipping_addresses", order.id)},
                "shipments": {"url": format!("https://api.bigcommerce.com/stores/keel0001/v2/orders/{}/shipments", order.id), "resource": format!("/orders/{}/shipments", order.id)},
            }));
            store.products.push(json!({
                "id": order.id * 10,
                "order_id": order.id,
                "product_id": 100 + order.id,
                "name": order.items,
                "sku": format!("SKU-{}", order.id),
                "quantity": 1,
                "base_price": format!("{}00", order.total.0),
                "total_inc_tax": format!("{}00", order.total.0),
            }));
            if let (Some(tag), Some(number)) = (tag, &order.tracking) {
                let provider = order.carrier.clone().unwrap_or_default();
                store.shipments.push(json!({
                    "id": order.id + 500,
                    "order_id": order.id,
                    "customer_id": customer_id,
                    "order_address_id": order.id + 600,
                    "date_created": rfc2822(shipped_on, "10:00:00"),
                    "tracking_number": number,
                    "shipping_method": "Standard",
                    "shipping_provider": provider.to_lowercase(),
                    "shipping_provider_display_name": provider,
                    "tracking_carrier": provider.to_lowercase(),
                    "tracking_link": "",
                    "generated_tracking_link": format!("https://track.example/{number}"),
                    "items": [{"order_product_id": order.id * 10, "product_id": 100 + order.id, "quantity": 1}],
                }));
                store.trackings.push(json!({
                    "id": format!("as{}", order.id),
                    "tracking_number": number,
                    "slug": provider.to_lowercase(),
                    "tag": tag,
                    "subtag": format!("{tag}_001"),
                    "expected_delivery": order.eta.map(|eta| eta.iso()),
                    "shipment_pickup_date": format!("{}T10:00:00+00:00", shipped_on.iso()),
                }));
            }
        }
        store
    }
}

fn v2_error(status: u16, message: &str) -> Resp {
    Resp::json(status, &json!([{"status": status, "message": message}]))
}

/// A v2 list: `204 No Content` when empty.
fn v2_list(items: Vec<Json>) -> Resp {
    if items.is_empty() {
        Resp::empty(204)
    } else {
        Resp::json(200, &Json::Array(items))
    }
}

/// Answers one BigCommerce request.
pub fn handle(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    if !check_auth(
        request,
        "x-auth-token",
        tokens.get("BIGCOMMERCE_ACCESS_TOKEN"),
    ) {
        return Resp::json(
            401,
            &json!({"status": 401, "title": "Unauthorized", "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"}),
        );
    }
    let store = &mut state.bigcommerce;
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["v3", "customers"]) => {
            let wanted: Vec<String> = request
                .param("email:in")
                .map(|emails| {
                    emails
                        .split(',')
                        .map(|email| email.trim().to_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            if wanted.iter().any(|email| store.failing.contains(email)) {
                return Resp::json(503, &json!({"status": 503, "title": "Service Unavailable"}));
            }
            let data: Vec<Json> = store
                .customers
                .iter()
                .filter(|customer| {
                    wanted.is_empty()
                        || customer["email"]
                            .as_str()
                            .is_some_and(|email| wanted.contains(&email.to_lowercase()))
                })
                .cloned()
                .collect();
            let count = data.len();
            Resp::json(
                200,
                &json!({"data": data, "meta": {"pagination": {"total": count, "count": count, "per_page": 50, "current_page": 1, "total_pages": 1, "links": {"current": "?page=1&limit=50"}}}}),
            )
        }
        ("GET", ["v2", "orders"]) => {
            let email = request.param("email").map(str::to_lowercase);
            if email
                .as_ref()
                .is_some_and(|email| store.failing.contains(email))
            {
                return v2_error(503, "Service Unavailable");
            }
            let limit: usize = request
                .param("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(50)
                .clamp(1, 250);
            let page: usize = request
                .param("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1);
            let mut found: Vec<&Json> = store
                .orders
                .iter()
                .filter(|order| {
                    email.as_deref().is_none_or(|email| {
                        order["billing_address"]["email"].as_str() == Some(email)
                    })
                })
                .collect();
            if request.param("sort") == Some("date_created:desc") {
                found.sort_by_key(|order| std::cmp::Reverse(order["id"].as_u64()));
            } else {
                found.sort_by_key(|order| order["id"].as_u64());
            }
            v2_list(
                found
                    .into_iter()
                    .skip((page - 1) * limit)
                    .take(limit)
                    .cloned()
                    .collect(),
            )
        }
        ("GET", ["v2", "orders", id]) => match order_index(store, id) {
            Some(index) => Resp::json(200, &store.orders[index]),
            None => v2_error(404, "The requested resource was not found."),
        },
        ("GET", ["v2", "orders", id, "products"]) => {
            if order_index(store, id).is_none() {
                return v2_error(404, "The requested resource was not found.");
            }
            v2_list(
                store
                    .products
                    .iter()
                    .filter(|p| is_id(&p["order_id"], id))
                    .cloned()
                    .collect(),
            )
        }
        ("GET", ["v2", "orders", id, "shipments"]) => {
            if order_index(store, id).is_none() {
                return v2_error(404, "The requested resource was not found.");
            }
            v2_list(
                store
                    .shipments
                    .iter()
                    .filter(|s| is_id(&s["order_id"], id))
                    .cloned()
                    .collect(),
            )
        }
        ("PUT", ["v2", "orders", id]) => {
            let Some(index) = order_index(store, id) else {
                return v2_error(404, "The requested resource was not found.");
            };
            let Some(status_id) = request.body["status_id"].as_u64() else {
                return v2_error(400, "The field 'status_id' is invalid.");
            };
            if !STATUS_NAMES.iter().any(|(known, _)| *known == status_id) {
                return v2_error(400, "The field 'status_id' is invalid.");
            }
            let order = &mut store.orders[index];
            order["status_id"] = json!(status_id);
            order["status"] = json!(status_name(status_id));
            order["custom_status"] = json!(status_name(status_id));
            if status_id == 5 {
                state.journal.executed("bigcommerce", "cancel");
            }
            Resp::json(200, &state.bigcommerce.orders[index])
        }
        _ => v2_error(404, "The requested resource was not found."),
    }
}

fn order_index(store: &Store, id: &str) -> Option<usize> {
    store
        .orders
        .iter()
        .position(|order| is_id(&order["id"], id))
}

/// Answers one AfterShip request.
pub fn handle_aftership(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    if !check_auth(request, "as-api-key", tokens.get("AFTERSHIP_API_KEY")) {
        return Resp::json(
            401,
            &json!({"meta": {"code": 401, "message": "Invalid API key.", "type": "Unauthorized"}, "data": {}}),
        );
    }
    match (request.method.as_str(), request.path.trim_matches('/')) {
        ("GET", "trackings") => {
            let numbers: Vec<&str> = request
                .param("tracking_numbers")
                .map(|numbers| numbers.split(',').map(str::trim).collect())
                .unwrap_or_default();
            let trackings: Vec<Json> = state
                .bigcommerce
                .trackings
                .iter()
                .filter(|tracking| {
                    numbers.is_empty()
                        || tracking["tracking_number"]
                            .as_str()
                            .is_some_and(|n| numbers.contains(&n))
                })
                .cloned()
                .collect();
            Resp::json(
                200,
                &json!({"meta": {"code": 200}, "data": {"page": 1, "limit": 100, "count": trackings.len(), "trackings": trackings}}),
            )
        }
        _ => Resp::json(
            404,
            &json!({"meta": {"code": 4004, "message": "Tracking does not exist.", "type": "NotFound"}, "data": {}}),
        ),
    }
}
