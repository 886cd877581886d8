//! The Shopify Admin double, under `/admin/api/2024-07/…`,
//! `X-Shopify-Access-Token`.
//!
//! REST: `customers/search.json`, `customers/{id}/orders.json`,
//! `orders.json` (`email=` filters, as the guest lookup uses it),
//! `orders/{id}.json`, wrapped as `{"customers": …}`,
//! `{"orders": …}`, `{"order": …}`. Quirks reproduced: `status` defaults to
//! `open` (cancelled and archived orders are hidden unless `status=any`);
//! cursor pages through `Link: <…page_info=…>; rel="next"`, and a
//! `page_info` request may carry only `limit` and `fields` (the other
//! filters are baked into the cursor); guest checkouts: orders with
//! `"customer": null` that the customer search never finds
//! ([`GUEST_EMAIL`]'s two orders, beside the demo store's); `404
//! {"errors":"Not Found"}`; `401 {"errors":"[API] Invalid API key or
//! access token …"}`; `X-Shopify-Shop-Api-Call-Limit` on every answer and
//! `429` with `Retry-After: 2.0` once the bucket is full.
//!
//! GraphQL (`graphql.json`): the documents keel sends, by operation name —
//! `KeelOrderSchedules` (`nodes(ids:)`), `KeelOrderByName`
//! (`orders(query: "name:#…")`) and `KeelOrderCancel` (`orderCancel`,
//! which answers a job: the order shows `cancelledAt` from the second
//! read after it), and the order edits `KeelOrderEdits`,
//! `KeelOrderEditBegin`, `KeelOrderEditDiscount`, `KeelOrderEditShipping`
//! and `KeelOrderEditCommit` (only unfulfilled lines can be edited; the
//! commit applies the change). Every answer carries `extensions.cost`; another
//! document is refused with a GraphQL error, as a schema would refuse an
//! unknown field. Cancelling an order with fulfilments is a user error.

use super::seed::Seed;
use super::{Req, Resp, State, Tokens, check_auth, is_id};
use base64::Engine;
use serde_json::{Value as Json, json};

/// REST ids are large; the order's name is the demo id.
const ORDER_IDS: u64 = 5_550_000_000;

/// The guest who checked out twice without an account (Shopify only: the
/// demo store has no guests).
pub const GUEST_EMAIL: &str = "guest@example.com";

/// The guest's orders: #1091 (paid, waiting to be processed) and #1090
/// (in transit).
fn guest_orders(today: keel_runtime::Date) -> Vec<super::seed::Order> {
    let order =
        |id: u64, status: &str, created: i32, items: &str, total: &str| super::seed::Order {
            email: GUEST_EMAIL.to_string(),
            id,
            increment_id: None,
            status: status.to_string(),
            created: today.plus_days(created),
            total: (total.to_string(), "USD".to_string()),
            items: items.to_string(),
            shipment_date: None,
            tracking: None,
            carrier: None,
            eta: None,
        };
    let mut shipped = order(1090, "In transit", -5, "1 × Canvas tote", "35.00");
    shipped.shipment_date = Some(today.plus_days(-3));
    shipped.tracking = Some("1Z999AA10123459990".to_string());
    shipped.carrier = Some("UPS".to_string());
    shipped.eta = Some(today.plus_days(1));
    vec![
        order(1091, "Processing", -1, "1 × Wool beanie", "24.00"),
        shipped,
    ]
}

/// The Shopify double's data.
#[derive(Clone, Debug, Default)]
pub struct Store {
    customers: Vec<Json>,
    /// REST order records, with the GraphQL-only facts under `_graphql`.
    orders: Vec<Json>,
    failing: Vec<String>,
    /// Orders whose cancellation job has not shown yet: (id, reads left).
    cancelling: Vec<(u64, u32)>,
    /// Order edits begun and not committed.
    edits: Vec<Edit>,
}

/// An order edit in progress (a calculated order).
#[derive(Clone, Debug, Default)]
struct Edit {
    calculated: String,
    order: u64,
    percent: Option<f64>,
    shipping: Vec<String>,
    discounts: Vec<String>,
}

fn at(date: keel_runtime::Date, time: &str) -> String {
    format!("{}T{time}-05:00", date.iso())
}

impl Store {
    /// The demo store's Shopify orders as Shopify records.
    pub fn seed(seed: &Seed) -> Store {
        let customers: Vec<Json> = seed
            .customers
            .iter()
            .map(|customer| {
                json!({
                    "id": customer.id,
                    "email": customer.email,
                    "first_name": customer.first_name,
                    "last_name": customer.last_name,
                    "state": "enabled",
                    "admin_graphql_api_id": format!("gid://shopify/Customer/{}", customer.id),
                })
            })
            .collect();
        let mut orders = Vec::new();
        let guests = guest_orders(seed.today);
        for order in seed.orders("shopify").iter().chain(&guests) {
            let id = ORDER_IDS + order.id;
            let customer = seed.customers.iter().find(|c| c.email == order.email);
            let status = order.status.as_str();
            let financial = match status {
                "Approved" => "authorized",
                "Canceled" => "voided",
                _ => "paid",
            };
            let shipment = match status {
                "Shipped" => Some(("label_purchased", "LABEL_PURCHASED")),
                "In transit" => Some(("in_transit", "IN_TRANSIT")),
                "Delivered" => Some(("delivered", "DELIVERED")),
                _ => None,
            };
            let fulfillments: Vec<Json> = shipment
                .map(|(rest, graphql)| {
                    let shipped = order.shipment_date.unwrap_or(order.created);
                    json!({
                        "id": id + 1_000_000,
                        "order_id": id,
                        "name": format!("#{}.1", order.id),
                        "status": "success",
                        "shipment_status": rest,
                        "tracking_company": order.carrier,
                        "tracking_number": order.tracking,
                        "tracking_numbers": order.tracking.iter().collect::<Vec<_>>(),
                        "tracking_url": order.tracking.as_ref().map(|number| format!("https://track.example/{number}")),
                        "created_at": at(shipped, "08:59:11"),
                        "updated_at": at(shipped, "10:12:00"),
                        "_graphql": {
                            "displayStatus": graphql,
                            "estimatedDeliveryAt": order.eta.map(|eta| format!("{}T17:00:00Z", eta.iso())),
                        },
                    })
                })
                .into_iter()
                .collect();
            let fulfillment_order = match status {
                "Pending Shipment" => json!({
                    "status": "SCHEDULED",
                    "fulfillAt": order.shipment_date.map(|date| format!("{}T14:00:00Z", date.iso())),
                }),
                "Approved" | "Processing" => json!({"status": "OPEN", "fulfillAt": null}),
                _ => json!({"status": "CLOSED", "fulfillAt": null}),
            };
            let cancelled =
                (status == "Canceled").then(|| at(order.created.plus_days(1), "09:00:00"));
            orders.push(json!({
                "id": id,
                "admin_graphql_api_id": format!("gid://shopify/Order/{id}"),
                "name": format!("#{}", order.id),
                "order_number": order.id,
                "email": order.email,
                "created_at": at(order.created, "11:00:00"),
                "currency": order.total.1,
                "total_price": order.total.0,
                "financial_status": financial,
                "fulfillment_status": if fulfillments.is_empty() { Json::Null } else { json!("fulfilled") },
                "cancelled_at": cancelled,
                "cancel_reason": if status == "Canceled" { json!("customer") } else { Json::Null },
                "closed_at": null,
                "tags": "",
                "customer": customer.map(|c| json!({"id": c.id, "email": c.email, "first_name": c.first_name, "last_name": c.last_name})),
                "line_items": [{
                    "id": id + 2_000_000,
                    "title": order.items,
                    "quantity": 1,
                    "price": order.total.0,
                    "fulfillment_status": if fulfillments.is_empty() { Json::Null } else { json!("fulfilled") },
                }],
                "shipping_lines": [{"id": id + 3_000_000, "title": "Standard", "code": "Standard", "price": "0.00", "source": "shopify"}],
                "fulfillments": fulfillments,
                "_graphql": {"fulfillmentOrders": [fulfillment_order]},
            }));
        }
        Store {
            customers,
            orders,
            failing: seed.failing.clone(),
            cancelling: Vec::new(),
            edits: Vec::new(),
        }
    }
}

fn error(status: u16, errors: Json) -> Resp {
    Resp::json(status, &json!({"errors": errors}))
}

/// A REST record without the GraphQL-only facts.
fn rest(order: &Json) -> Json {
    let mut order = order.clone();
    if let Some(map) = order.as_object_mut() {
        map.remove("_graphql");
    }
    if let Some(fulfillments) = order["fulfillments"].as_array_mut() {
        for fulfillment in fulfillments {
            if let Some(map) = fulfillment.as_object_mut() {
                map.remove("_graphql");
            }
        }
    }
    order
}

/// Answers one Shopify request.
pub fn handle(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    if !check_auth(
        request,
        "x-shopify-access-token",
        tokens.get("SHOPIFY_ADMIN_TOKEN"),
    ) {
        return error(
            401,
            json!("[API] Invalid API key or access token (unrecognized login or wrong password)"),
        );
    }
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["customers", "search.json"]) => {
            let query = request.param("query").unwrap_or_default();
            let email = query.strip_prefix("email:").unwrap_or(query).trim();
            if state
                .shopify
                .failing
                .iter()
                .any(|failing| failing.eq_ignore_ascii_case(email))
            {
                return error(503, json!("Service Unavailable"));
            }
            let found: Vec<Json> = state
                .shopify
                .customers
                .iter()
                .filter(|customer| {
                    customer["email"].as_str().is_some_and(|known| {
                        known.to_lowercase().starts_with(&email.to_lowercase())
                    })
                })
                .cloned()
                .collect();
            Resp::json(200, &json!({"customers": found}))
        }
        ("GET", ["customers", id, "orders.json"]) => {
            let Ok(id) = id.parse::<u64>() else {
                return error(404, json!("Not Found"));
            };
            let owner = state
                .shopify
                .customers
                .iter()
                .find(|c| c.get("id").and_then(Json::as_u64) == Some(id));
            let Some(email) = owner
                .and_then(|owner| owner["email"].as_str())
                .map(str::to_string)
            else {
                return error(404, json!("Not Found"));
            };
            if state
                .shopify
                .failing
                .iter()
                .any(|failing| failing.eq_ignore_ascii_case(&email))
            {
                return error(503, json!("Service Unavailable"));
            }
            list(
                state,
                request,
                &format!("customers/{id}/orders.json"),
                |order| order["customer"]["id"].as_u64() == Some(id),
            )
        }
        ("GET", ["orders.json"]) => list(state, request, "orders.json", |_| true),
        ("GET", ["orders", file]) if file.ends_with(".json") => {
            let id = file.trim_end_matches(".json");
            match state
                .shopify
                .orders
                .iter()
                .find(|order| is_id(&order["id"], id))
            {
                Some(order) => Resp::json(200, &json!({"order": rest(order)})),
                None => error(404, json!("Not Found")),
            }
        }
        ("POST", ["graphql.json"]) => graphql(state, request),
        _ => error(404, json!("Not Found")),
    }
}

/// A page of orders with `status` filtering and `Link` cursors.
fn list(state: &State, request: &Req, path: &str, keep: impl Fn(&Json) -> bool) -> Resp {
    let limit: usize = request
        .param("limit")
        .and_then(|limit| limit.parse().ok())
        .unwrap_or(50)
        .clamp(1, 250);
    let (status, offset, email) = match request.param("page_info") {
        Some(cursor) => {
            if request
                .query
                .iter()
                .any(|(key, _)| !matches!(key.as_str(), "page_info" | "limit" | "fields"))
            {
                return error(
                    400,
                    json!({"page_info": ["page_info with other parameters than limit and fields is not supported"]}),
                );
            }
            match decode_cursor(cursor) {
                Some(decoded) => decoded,
                None => return error(400, json!({"page_info": ["Invalid value."]})),
            }
        }
        None => (
            request.param("status").unwrap_or("open").to_string(),
            0,
            request.param("email").unwrap_or_default().to_lowercase(),
        ),
    };
    let mut found: Vec<&Json> = state
        .shopify
        .orders
        .iter()
        .filter(|order| keep(order))
        .filter(|order| email.is_empty() || order["email"].as_str() == Some(email.as_str()))
        .filter(|order| {
            let cancelled = !order["cancelled_at"].is_null();
            let closed = !order["closed_at"].is_null();
            match status.as_str() {
                "any" => true,
                "cancelled" => cancelled,
                "closed" => closed,
                _ => !cancelled && !closed,
            }
        })
        .collect();
    found.sort_by(|left, right| {
        right["created_at"]
            .as_str()
            .cmp(&left["created_at"].as_str())
    });
    let page: Vec<Json> = found
        .iter()
        .skip(offset)
        .take(limit)
        .map(|order| rest(order))
        .collect();
    let mut response = Resp::json(200, &json!({"orders": page}));
    let base = format!(
        "{}/{path}",
        state.bases.get("shopify").map_or("", String::as_str)
    );
    let mut links = Vec::new();
    if offset > 0 {
        let previous = encode_cursor(&status, offset.saturating_sub(limit), &email);
        links.push(format!(
            "<{base}?limit={limit}&page_info={previous}>; rel=\"previous\""
        ));
    }
    if offset + limit < found.len() {
        let next = encode_cursor(&status, offset + limit, &email);
        links.push(format!(
            "<{base}?limit={limit}&page_info={next}>; rel=\"next\""
        ));
    }
    if !links.is_empty() {
        response = response.with("Link", links.join(", "));
    }
    response
}

fn encode_cursor(status: &str, offset: usize, email: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{status}:{offset}:{email}"))
}

fn decode_cursor(cursor: &str) -> Option<(String, usize, String)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(3, ':');
    let status = parts.next()?.to_string();
    let offset = parts.next()?.parse().ok()?;
    Some((status, offset, parts.next().unwrap_or_default().to_string()))
}

fn cost(requested: u32) -> Json {
    json!({"cost": {
        "requestedQueryCost": requested,
        "actualQueryCost": requested,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1990.0, "restoreRate": 100.0}
    }})
}

fn graphql_error(message: &str) -> Resp {
    Resp::json(
        200,
        &json!({"errors": [{"message": message, "locations": [{"line": 1, "column": 1}]}]}),
    )
}

/// A GraphQL order node, shaped as keel's documents select it.
fn node(order: &Json, cancelling: bool) -> Json {
    let fulfillments: Vec<Json> = order["fulfillments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|fulfillment| {
            json!({
                "status": fulfillment["status"].as_str().unwrap_or_default().to_ascii_uppercase(),
                "displayStatus": fulfillment["_graphql"]["displayStatus"],
                "createdAt": fulfillment["created_at"],
                "estimatedDeliveryAt": fulfillment["_graphql"]["estimatedDeliveryAt"],
                "trackingInfo": [{
                    "company": fulfillment["tracking_company"],
                    "number": fulfillment["tracking_number"],
                    "url": fulfillment["tracking_url"],
                }],
            })
        })
        .collect();
    let cancelled = if cancelling {
        &Json::Null
    } else {
        &order["cancelled_at"]
    };
    let financial = order["financial_status"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let display_fulfillment = if !fulfillments.is_empty() {
        "FULFILLED"
    } else if order["_graphql"]["fulfillmentOrders"][0]["status"] == "SCHEDULED" {
        "SCHEDULED"
    } else {
        "UNFULFILLED"
    };
    json!({
        "id": order["admin_graphql_api_id"],
        "legacyResourceId": order["id"].to_string(),
        "name": order["name"],
        "createdAt": order["created_at"],
        "cancelledAt": cancelled,
        "displayFinancialStatus": financial,
        "displayFulfillmentStatus": display_fulfillment,
        "totalPriceSet": {"shopMoney": {"amount": order["total_price"], "currencyCode": order["currency"]}},
        "lineItems": {"nodes": order["line_items"].as_array().into_iter().flatten().map(|item| json!({"title": item["title"], "quantity": item["quantity"]})).collect::<Vec<_>>()},
        "fulfillments": fulfillments,
        "fulfillmentOrders": {"nodes": order["_graphql"]["fulfillmentOrders"]},
    })
}

fn graphql(state: &mut State, request: &Req) -> Resp {
    let operation = request.body["operationName"].as_str().unwrap_or_default();
    let variables = &request.body["variables"];
    let query = request.body["query"].as_str().unwrap_or_default();
    if !query.contains(operation) || operation.is_empty() {
        return graphql_error("keel's Shopify double answers only keel's named documents");
    }
    let store = &mut state.shopify;
    match operation {
        "KeelOrderSchedules" => {
            let ids: Vec<&str> = variables["ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .collect();
            let nodes: Vec<Json> = ids
                .iter()
                .map(|id| {
                    store
                        .orders
                        .iter()
                        .find(|order| order["admin_graphql_api_id"] == *id)
                        .map_or(Json::Null, |order| json!({"id": id, "fulfillmentOrders": {"nodes": order["_graphql"]["fulfillmentOrders"]}}))
                })
                .collect();
            Resp::json(
                200,
                &json!({"data": {"nodes": nodes}, "extensions": cost(2 + 11 * ids.len() as u32)}),
            )
        }
        "KeelOrderByName" => {
            let query = variables["query"].as_str().unwrap_or_default();
            let name = query.strip_prefix("name:").unwrap_or(query).trim();
            let name = if name.starts_with('#') {
                name.to_string()
            } else {
                format!("#{name}")
            };
            let mut nodes = Vec::new();
            if let Some(order) = store
                .orders
                .iter()
                .find(|order| order["name"] == name.as_str())
            {
                let id = order["id"].as_u64().unwrap_or(0);
                let pending = store.cancelling.iter_mut().find(|(known, _)| *known == id);
                let hidden = match pending {
                    Some((_, reads)) if *reads > 0 => {
                        *reads -= 1;
                        true
                    }
                    _ => false,
                };
                nodes.push(node(order, hidden));
            }
            Resp::json(
                200,
                &json!({"data": {"orders": {"nodes": nodes}}, "extensions": cost(35)}),
            )
        }
        "KeelOrderCancel" => {
            let id = variables["orderId"].as_str().unwrap_or_default();
            let user_error = |message: &str| {
                Resp::json(
                    200,
                    &json!({"data": {"orderCancel": {"job": null, "orderCancelUserErrors": [{"field": ["orderId"], "message": message, "code": "INVALID"}]}}, "extensions": cost(10)}),
                )
            };
            let Some(order) = store
                .orders
                .iter_mut()
                .find(|order| order["admin_graphql_api_id"] == id)
            else {
                return user_error("Order does not exist");
            };
            if !order["cancelled_at"].is_null() {
                return user_error("Cannot cancel an order that has already been cancelled");
            }
            if order["fulfillments"]
                .as_array()
                .is_some_and(|list| !list.is_empty())
            {
                return user_error("Cannot cancel an order that has fulfillments");
            }
            order["cancelled_at"] = json!(format!("{}T12:00:00-05:00", state_today(order)));
            order["cancel_reason"] = json!("customer");
            order["financial_status"] = json!("voided");
            let legacy = order["id"].as_u64().unwrap_or(0);
            // The job is done after the first read: that read still shows the order open.
            store.cancelling.retain(|(known, _)| *known != legacy);
            store.cancelling.push((legacy, 1));
            state.journal.executed("shopify", "cancel");
            Resp::json(
                200,
                &json!({"data": {"orderCancel": {"job": {"id": format!("gid://shopify/Job/{legacy}"), "done": false}, "orderCancelUserErrors": []}}, "extensions": cost(10)}),
            )
        }
        "KeelOrderEdits" => {
            let query = variables["query"].as_str().unwrap_or_default();
            let name = query.strip_prefix("name:").unwrap_or(query).trim();
            let name = if name.starts_with('#') {
                name.to_string()
            } else {
                format!("#{name}")
            };
            let nodes: Vec<Json> = store
                .orders
                .iter()
                .filter(|order| order["name"] == name.as_str())
                .map(|order| {
                    let discounts: Vec<Json> = order["_graphql"]["discounts"].as_array().into_iter().flatten().map(|description| json!({"description": description})).collect();
                    let lines: Vec<Json> = order["shipping_lines"].as_array().into_iter().flatten().map(|line| json!({"title": line["title"]})).collect();
                    json!({
                        "id": order["admin_graphql_api_id"],
                        "discountApplications": {"nodes": discounts},
                        "shippingLines": {"nodes": lines},
                        "totalPriceSet": {"shopMoney": {"amount": order["total_price"], "currencyCode": order["currency"]}},
                    })
                })
                .collect();
            Resp::json(
                200,
                &json!({"data": {"orders": {"nodes": nodes}}, "extensions": cost(12)}),
            )
        }
        "KeelOrderEditBegin" => {
            let id = variables["id"].as_str().unwrap_or_default();
            let answer = |calculated: Json, errors: Json| {
                Resp::json(
                    200,
                    &json!({"data": {"orderEditBegin": {"calculatedOrder": calculated, "userErrors": errors}}, "extensions": cost(10)}),
                )
            };
            let Some(order) = store
                .orders
                .iter()
                .find(|order| order["admin_graphql_api_id"] == id)
            else {
                return answer(
                    Json::Null,
                    json!([{"field": ["id"], "message": "Order does not exist"}]),
                );
            };
            if !order["cancelled_at"].is_null() {
                return answer(
                    Json::Null,
                    json!([{"field": ["id"], "message": "The order is cancelled and cannot be edited"}]),
                );
            }
            let calculated = format!("gid://shopify/CalculatedOrder/{}", 700 + store.edits.len());
            let items: Vec<Json> = order["line_items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|item| item["fulfillment_status"].is_null())
                .map(|item| json!({"id": format!("gid://shopify/CalculatedLineItem/{}", item["id"]), "quantity": item["quantity"]}))
                .collect();
            store.edits.push(Edit {
                calculated: calculated.clone(),
                order: order["id"].as_u64().unwrap_or(0),
                percent: None,
                shipping: Vec::new(),
                discounts: Vec::new(),
            });
            answer(
                json!({"id": calculated, "lineItems": {"nodes": items}}),
                json!([]),
            )
        }
        "KeelOrderEditDiscount" | "KeelOrderEditShipping" => {
            let field = if operation == "KeelOrderEditDiscount" {
                "orderEditAddLineItemDiscount"
            } else {
                "orderEditAddShippingLine"
            };
            let id = variables["id"].as_str().unwrap_or_default();
            let Some(edit) = store.edits.iter_mut().find(|edit| edit.calculated == id) else {
                return Resp::json(
                    200,
                    &json!({"data": {field: {"userErrors": [{"field": ["id"], "message": "Calculated order does not exist"}]}}, "extensions": cost(10)}),
                );
            };
            if operation == "KeelOrderEditDiscount" {
                let discount = &variables["discount"];
                edit.percent = discount["percentValue"].as_f64();
                edit.discounts.push(
                    discount["description"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
                Resp::json(
                    200,
                    &json!({"data": {field: {"calculatedLineItem": {"id": variables["lineItemId"]}, "userErrors": []}}, "extensions": cost(10)}),
                )
            } else {
                edit.shipping.push(
                    variables["shippingLine"]["title"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
                Resp::json(
                    200,
                    &json!({"data": {field: {"calculatedShippingLine": {"id": format!("{id}/shipping")}, "userErrors": []}}, "extensions": cost(10)}),
                )
            }
        }
        "KeelOrderEditCommit" => {
            let id = variables["id"].as_str().unwrap_or_default();
            let Some(position) = store.edits.iter().position(|edit| edit.calculated == id) else {
                return Resp::json(
                    200,
                    &json!({"data": {"orderEditCommit": {"order": null, "userErrors": [{"field": ["id"], "message": "Calculated order does not exist"}]}}, "extensions": cost(10)}),
                );
            };
            let edit = store.edits.remove(position);
            let Some(order) = store
                .orders
                .iter_mut()
                .find(|order| order["id"].as_u64() == Some(edit.order))
            else {
                return graphql_error("the edited order is gone");
            };
            if let Some(percent) = edit.percent {
                let total: f64 = order["total_price"]
                    .as_str()
                    .and_then(|total| total.parse().ok())
                    .unwrap_or(0.0);
                order["total_price"] = json!(format!("{:.2}", total * (100.0 - percent) / 100.0));
            }
            let mut discounts = order["_graphql"]["discounts"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            discounts.extend(edit.discounts.into_iter().map(Json::String));
            order["_graphql"]["discounts"] = Json::Array(discounts);
            if let Some(lines) = order["shipping_lines"].as_array_mut() {
                for title in edit.shipping {
                    lines.push(json!({"title": title, "code": "keel-expedited", "price": "0.00", "source": "shopify"}));
                }
            }
            let gid = order["admin_graphql_api_id"].clone();
            state.journal.executed("shopify", "order edit");
            Resp::json(
                200,
                &json!({"data": {"orderEditCommit": {"order": {"id": gid}, "userErrors": []}}, "extensions": cost(10)}),
            )
        }
        other => graphql_error(&format!(
            "Field '{other}' doesn't exist on type 'QueryRoot'"
        )),
    }
}

/// The order's creation day (the double has no clock of its own).
fn state_today(order: &Json) -> String {
    order["created_at"]
        .as_str()
        .unwrap_or("1970-01-01")
        .get(..10)
        .unwrap_or("1970-01-01")
        .to_string()
}
