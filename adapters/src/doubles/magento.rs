//! The Magento 2 double, under `/rest/default/V1/…`, `Authorization:
//! Bearer <token>`.
//!
//! Quirks reproduced: `searchCriteria[…]` keys in snake_case or camelCase;
//! list answers wrapped as `{"items", "search_criteria", "total_count"}`;
//! a `currentPage` past the end answers the last page again; `POST
//! /V1/orders/{id}/cancel` answers a bare `true`, or `false` with HTTP 200
//! when Magento's `canCancel()` says no (on hold, in payment review,
//! canceled, complete, closed, or every item invoiced); state and status
//! pairs from Magento's seed data; dates as `YYYY-MM-DD HH:MM:SS`; errors
//! as `{"message", "parameters"}`.

use super::seed::Seed;
use super::{Req, Resp, State, Tokens, check_auth, is_id};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// A demo status → Magento's (state, status): the seed data's pairs.
const STATES: &[(&str, &str, &str)] = &[
    ("pending", "new", "pending"),
    ("pending_payment", "pending_payment", "pending_payment"),
    ("processing", "processing", "processing"),
    ("fraud", "processing", "fraud"),
    ("payment_review", "payment_review", "payment_review"),
    ("holded", "holded", "holded"),
    ("complete", "complete", "complete"),
    ("closed", "closed", "closed"),
    ("canceled", "canceled", "canceled"),
];

/// The Magento double's data.
#[derive(Clone, Debug, Default)]
pub struct Store {
    customers: Vec<Json>,
    orders: Vec<Json>,
    shipments: Vec<Json>,
    comments: BTreeMap<u64, Vec<Json>>,
    rules: Vec<Json>,
    coupons: Vec<Json>,
    failing: Vec<String>,
}

fn stamp(date: keel_runtime::Date, time: &str) -> String {
    format!("{} {time}", date.iso())
}

impl Store {
    /// The demo store's Magento orders as Magento records.
    pub fn seed(seed: &Seed) -> Store {
        let customers = seed
            .customers
            .iter()
            .map(|customer| {
                json!({
                    "id": customer.id,
                    "group_id": 1,
                    "email": customer.email,
                    "firstname": customer.first_name,
                    "lastname": customer.last_name,
                    "store_id": 1,
                    "website_id": 1,
                    "created_at": "2025-01-15 09:30:00",
                })
            })
            .collect();
        let mut orders = Vec::new();
        let mut shipments = Vec::new();
        for order in seed.orders("magento") {
            let (state, status) = STATES
                .iter()
                .find(|(demo, _, _)| *demo == order.status)
                .map_or(("new", "pending"), |(_, state, status)| (*state, *status));
            let customer = seed.customers.iter().find(|c| c.email == order.email);
            let amount: f64 = order.total.0.parse().unwrap_or(0.0);
            let shipped = matches!(state, "complete" | "closed");
            let invoiced =
                matches!(state, "complete" | "closed" | "payment_review") || status == "fraud";
            orders.push(json!({
                "entity_id": order.id,
                "increment_id": order.increment_id.clone().unwrap_or_else(|| format!("{:09}", order.id)),
                "state": state,
                "status": status,
                "customer_id": customer.map(|c| c.id),
                "customer_email": order.email,
                "customer_firstname": customer.map(|c| c.first_name.clone()),
                "customer_lastname": customer.map(|c| c.last_name.clone()),
                "customer_is_guest": 0,
                "created_at": stamp(order.created, "14:05:09"),
                "updated_at": stamp(order.created, "14:05:09"),
                "grand_total": amount,
                "base_grand_total": amount,
                "order_currency_code": order.total.1,
                "base_currency_code": order.total.1,
                "shipping_description": "Flat Rate - Fixed",
                "items": [{
                    "item_id": order.id * 10,
                    "order_id": order.id,
                    "sku": format!("SKU-{}", order.id),
                    "name": order.items,
                    "qty_ordered": 1,
                    "qty_invoiced": if invoiced { 1 } else { 0 },
                    "qty_shipped": if shipped { 1 } else { 0 },
                    "qty_canceled": if state == "canceled" { 1 } else { 0 },
                    "price": amount,
                    "row_total": amount,
                    "product_type": "simple",
                }],
                "payment": {"method": "checkmo"},
                "status_histories": [],
                "extension_attributes": {"shipping_assignments": [{"shipping": {"method": "flatrate_flatrate"}}]},
            }));
            if shipped {
                shipments.push(json!({
                    "entity_id": order.id + 7000,
                    "order_id": order.id,
                    "increment_id": format!("{:09}", order.id + 7000),
                    "created_at": stamp(order.created.plus_days(1), "09:00:00"),
                    "items": [{"order_item_id": order.id * 10, "qty": 1, "name": order.items}],
                    "tracks": [{
                        "entity_id": order.id + 9000,
                        "parent_id": order.id + 7000,
                        "order_id": order.id,
                        "track_number": format!("1Z999AA1{:010}", order.id),
                        "title": "United Parcel Service",
                        "carrier_code": "ups",
                        "created_at": stamp(order.created.plus_days(1), "09:00:00"),
                    }],
                    "comments": [],
                }));
            }
        }
        Store {
            customers,
            orders,
            shipments,
            comments: BTreeMap::new(),
            rules: Vec::new(),
            coupons: Vec::new(),
            failing: seed.failing.clone(),
        }
    }
}

/// One `searchCriteria` filter and the paging asked for.
#[derive(Debug, Default)]
struct Criteria {
    filters: Vec<(String, String, String)>,
    page_size: Option<usize>,
    current_page: usize,
    descending_by: Option<String>,
}

/// Reads `searchCriteria[…]` query keys, snake_case or camelCase.
fn criteria(request: &Req) -> Criteria {
    let mut groups: BTreeMap<(String, String), [String; 3]> = BTreeMap::new();
    let mut criteria = Criteria {
        current_page: 1,
        ..Criteria::default()
    };
    let mut sort_field = None;
    let mut sort_direction = None;
    for (key, value) in &request.query {
        let normalized = key
            .replace("filterGroups", "filter_groups")
            .replace("conditionType", "condition_type")
            .replace("sortOrders", "sort_orders");
        let parts: Vec<&str> = normalized
            .split(['[', ']'])
            .filter(|part| !part.is_empty())
            .collect();
        match parts.as_slice() {
            [
                "searchCriteria",
                "filter_groups",
                group,
                "filters",
                filter,
                field,
            ] => {
                let slot = groups
                    .entry((group.to_string(), filter.to_string()))
                    .or_default();
                match *field {
                    "field" => slot[0] = value.clone(),
                    "value" => slot[1] = value.clone(),
                    "condition_type" => slot[2] = value.clone(),
                    _ => {}
                }
            }
            ["searchCriteria", "pageSize"] => criteria.page_size = value.parse().ok(),
            ["searchCriteria", "currentPage"] => {
                criteria.current_page = value.parse().unwrap_or(1).max(1)
            }
            ["searchCriteria", "sort_orders", _, "field"] => sort_field = Some(value.clone()),
            ["searchCriteria", "sort_orders", _, "direction"] => {
                sort_direction = Some(value.to_ascii_uppercase())
            }
            _ => {}
        }
    }
    criteria.filters = groups
        .into_values()
        .map(|[field, value, condition]| {
            let condition = if condition.is_empty() {
                "eq".to_string()
            } else {
                condition
            };
            (field, value, condition)
        })
        .collect();
    if sort_direction.as_deref() == Some("DESC") {
        criteria.descending_by = sort_field;
    }
    criteria
}

fn matches(record: &Json, criteria: &Criteria) -> bool {
    criteria.filters.iter().all(|(field, value, condition)| {
        let actual = match &record[field.as_str()] {
            Json::String(text) => text.clone(),
            Json::Number(number) => number.to_string(),
            _ => String::new(),
        };
        match condition.as_str() {
            "like" => actual
                .to_lowercase()
                .contains(&value.trim_matches('%').to_lowercase()),
            // MySQL compares emails case-insensitively.
            _ => actual.eq_ignore_ascii_case(value),
        }
    })
}

/// A search answer; a page past the end answers the last page.
fn search(records: &[Json], request: &Req) -> Resp {
    let criteria = criteria(request);
    let mut found: Vec<Json> = records
        .iter()
        .filter(|record| matches(record, &criteria))
        .cloned()
        .collect();
    if let Some(field) = &criteria.descending_by {
        found.sort_by(|left, right| {
            right[field.as_str()]
                .as_str()
                .cmp(&left[field.as_str()].as_str())
        });
    }
    let total = found.len();
    let page = match criteria.page_size {
        Some(size) if size > 0 => {
            let pages = total.div_ceil(size).max(1);
            let current = criteria.current_page.min(pages);
            found
                .into_iter()
                .skip((current - 1) * size)
                .take(size)
                .collect()
        }
        _ => found,
    };
    let filter_groups: Vec<Json> = criteria
        .filters
        .iter()
        .map(|(field, value, condition)| {
            json!({"filters": [{"field": field, "value": value, "condition_type": condition}]})
        })
        .collect();
    Resp::json(
        200,
        &json!({
            "items": page,
            "search_criteria": {
                "filter_groups": filter_groups,
                "page_size": criteria.page_size,
                "current_page": criteria.current_page,
            },
            "total_count": total,
        }),
    )
}

fn not_found() -> Resp {
    Resp::json(
        404,
        &json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."}),
    )
}

/// Magento's `Order::canCancel()`.
fn can_cancel(order: &Json) -> bool {
    let state = order["state"].as_str().unwrap_or_default();
    if matches!(
        state,
        "holded" | "payment_review" | "canceled" | "complete" | "closed"
    ) {
        return false;
    }
    let items = order["items"].as_array().cloned().unwrap_or_default();
    let all_invoiced = !items.is_empty()
        && items.iter().all(|item| {
            item["qty_invoiced"].as_f64().unwrap_or(0.0)
                >= item["qty_ordered"].as_f64().unwrap_or(0.0)
        });
    !all_invoiced
}

/// Answers one Magento request.
pub fn handle(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    let expected = format!("Bearer {}", tokens.get("MAGENTO_ACCESS_TOKEN"));
    if !check_auth(request, "authorization", &expected) {
        return Resp::json(
            401,
            &json!({"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": "Magento_Sales::actions_view"}}),
        );
    }
    let store = &mut state.magento;
    let email_in = |request: &Req| {
        request
            .query
            .iter()
            .find(|(key, _)| key.ends_with("[value]"))
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["V1", "customers", "search"]) => {
            if store
                .failing
                .iter()
                .any(|failing| failing.eq_ignore_ascii_case(&email_in(request)))
            {
                return Resp::json(503, &json!({"message": "Service Unavailable"}));
            }
            search(&store.customers, request)
        }
        ("GET", ["V1", "orders"]) => {
            if store
                .failing
                .iter()
                .any(|failing| failing.eq_ignore_ascii_case(&email_in(request)))
            {
                return Resp::json(503, &json!({"message": "Service Unavailable"}));
            }
            search(&store.orders, request)
        }
        ("GET", ["V1", "orders", id]) => {
            find(store, id).map_or_else(not_found, |order| Resp::json(200, order))
        }
        ("GET", ["V1", "orders", id, "statuses"]) => {
            find(store, id).map_or_else(not_found, |order| Resp::json(200, &order["status"]))
        }
        ("POST", ["V1", "orders", id, "cancel"]) => {
            let Some(index) = position(store, id) else {
                return not_found();
            };
            if !can_cancel(&store.orders[index]) {
                return Resp::json(200, &Json::Bool(false));
            }
            let order = &mut store.orders[index];
            order["state"] = json!("canceled");
            order["status"] = json!("canceled");
            if let Some(items) = order["items"].as_array_mut() {
                for item in items {
                    item["qty_canceled"] = item["qty_ordered"].clone();
                }
            }
            state.journal.executed("magento", "cancel");
            Resp::json(200, &Json::Bool(true))
        }
        ("GET", ["V1", "orders", id, "comments"]) => {
            let Some(index) = position(store, id) else {
                return not_found();
            };
            let entity = store.orders[index]["entity_id"].as_u64().unwrap_or(0);
            let items = store.comments.get(&entity).cloned().unwrap_or_default();
            Resp::json(
                200,
                &json!({"items": items, "search_criteria": {}, "total_count": items.len()}),
            )
        }
        ("POST", ["V1", "orders", id, "comments"]) => {
            let Some(index) = position(store, id) else {
                return not_found();
            };
            let history = &request.body["statusHistory"];
            let Some(comment) = history["comment"].as_str() else {
                return Resp::json(
                    400,
                    &json!({"message": "\"statusHistory\" is required. Enter and try again."}),
                );
            };
            let entity = store.orders[index]["entity_id"].as_u64().unwrap_or(0);
            let list = store.comments.entry(entity).or_default();
            list.push(json!({
                "entity_id": 500 + list.len(),
                "parent_id": entity,
                "comment": comment,
                "is_customer_notified": history["is_customer_notified"],
                "is_visible_on_front": history["is_visible_on_front"],
                "status": store.orders[index]["status"],
                "created_at": "2026-01-01 00:00:00",
            }));
            state.journal.executed("magento", "comment");
            Resp::json(200, &Json::Bool(true))
        }
        ("GET", ["V1", "shipments"]) => search(&store.shipments, request),
        ("GET", ["V1", "shipment", id]) => store
            .shipments
            .iter()
            .find(|shipment| is_id(&shipment["entity_id"], id))
            .map_or_else(not_found, |shipment| Resp::json(200, shipment)),
        ("POST", ["V1", "salesRules"]) => {
            let mut rule = request.body["rule"].clone();
            if !rule.is_object() || rule["name"].as_str().is_none_or(str::is_empty) {
                return Resp::json(
                    400,
                    &json!({"message": "\"rule\" is required. Enter and try again."}),
                );
            }
            rule["rule_id"] = json!(100 + store.rules.len());
            store.rules.push(rule.clone());
            state.journal.executed("magento", "sales rule");
            Resp::json(200, &rule)
        }
        ("POST", ["V1", "coupons"]) => {
            let mut coupon = request.body["coupon"].clone();
            let code = coupon["code"].as_str().unwrap_or_default().to_string();
            let rule = coupon["rule_id"].as_u64();
            if code.is_empty()
                || !store
                    .rules
                    .iter()
                    .any(|known| known["rule_id"].as_u64() == rule)
            {
                return Resp::json(
                    400,
                    &json!({"message": "The coupon's rule_id or code is not valid."}),
                );
            }
            if store
                .coupons
                .iter()
                .any(|known| known["code"] == code.as_str())
            {
                return Resp::json(
                    400,
                    &json!({"message": "The coupon code isn't unique. Verify the code and try again."}),
                );
            }
            coupon["coupon_id"] = json!(200 + store.coupons.len());
            coupon["times_used"] = json!(0);
            store.coupons.push(coupon.clone());
            state.journal.executed("magento", "coupon");
            Resp::json(200, &coupon)
        }
        ("GET", ["V1", "coupons", "search"]) => search(&store.coupons, request),
        _ => Resp::json(
            404,
            &json!({"message": format!("Request does not match any route.")}),
        ),
    }
}

fn position(store: &Store, id: &str) -> Option<usize> {
    store
        .orders
        .iter()
        .position(|order| is_id(&order["entity_id"], id))
}

fn find<'a>(store: &'a Store, id: &str) -> Option<&'a Json> {
    position(store, id).and_then(|index| store.orders.get(index))
}
