//! Shopify Admin API: REST (`{url}/customers/search.json`, …) and GraphQL
//! (`{url}/graphql.json`) where REST lacks a lookup, with
//! `X-Shopify-Access-Token`.
//!
//! | operation | calls |
//! |---|---|
//! | `customer_by_email` | `GET customers/search.json?query=email:<e>`, the exact email kept (search is fuzzy) |
//! | `orders_by_email` | the customer, then `GET customers/{id}/orders.json?status=any` (the default `status=open` hides cancelled and archived orders); with no customer record (a guest checkout), `GET orders.json?email=<e>&status=any`, keeping the orders of exactly that email; either list followed `Link: <…page_info=…>; rel="next"` up to `max_pages`; REST cannot tell a paid order waiting for a scheduled fulfilment from one waiting to be processed, so the unfulfilled ones are read once more in one GraphQL `nodes(ids:)` query (their fulfilment orders) |
//! | `order` | GraphQL `orders(query: "name:#1042")`: customers quote the order's name, which REST cannot look up, and REST has no estimated delivery on a fulfilment |
//! | `cancel` | GraphQL `orderCancel(reason: CUSTOMER, refund: true, restock: true, notifyCustomer: true)`, which answers a job: the order is read back until `cancelledAt` is set (a bounded number of times) |
//! | `discount`, `shipping_upgrade` | GraphQL order editing (REST cannot edit an order): `orderEditBegin`, then `orderEditAddLineItemDiscount` on each unfulfilled line (a percentage) or `orderEditAddShippingLine` (`Expedited (free upgrade)` at 0.00), then `orderEditCommit` notifying the customer |
//!
//! An order's `id` in the catalog is its name without `#` (`1042`): what
//! the customer sees and quotes.
//!
//! Writes: `orderCancel` and order edits take no idempotency key (Shopify's
//! `@idempotent` directive covers refunds and inventory only). A resend
//! after a crash reads the order first: already cancelled, or already
//! carrying the edit (the discount by the call's key in its description,
//! the upgrade by its shipping line), it is the answer and nothing is sent.
//!
//! # Values: financial, fulfilment and shipment status → the seed's seven
//!
//! Applied in this order ([`catalog_status`]):
//!
//! 1. `cancelled_at` set → `Canceled`.
//! 2. Successful fulfilments: each one's carrier status by [`SHIPMENT`];
//!    the order takes the least advanced (`Shipped` < `In transit` <
//!    `Delivered`). A fulfilment with no carrier status yet is `Shipped`.
//!    A carrier status outside the table (`failure`, `ready_for_pickup`,
//!    `not_delivered`, `label_voided`, …) maps to nothing: an error, so the
//!    conversation goes to a person.
//! 3. No fulfilment, a fulfilment order `SCHEDULED` → `Pending Shipment`.
//! 4. No fulfilment: the financial status by [`UNFULFILLED`].
//!
//! | carrier status (REST `shipment_status`, GraphQL `displayStatus`) | catalog |
//! |---|---|
//! | `label_printed`, `label_purchased`, `confirmed`, `fulfilled`, `marked_as_fulfilled`, `submitted` | `Shipped` |
//! | `in_transit`, `carrier_picked_up`, `out_for_delivery`, `attempted_delivery`, `delayed` | `In transit` |
//! | `delivered`, `picked_up` | `Delivered` |
//!
//! | financial status, unfulfilled | catalog |
//! |---|---|
//! | `pending`, `authorized` | `Approved` |
//! | `paid`, `partially_paid` | `Processing` |

use crate::backend::{Backend, Context, Failure, Outcome, Platform, json_of, text_arg};
use crate::fields::{id_text, iso_date, items, money, url_with};
use crate::wire::{Kind, Reply, Request};
use keel_runtime::ToolCall;
use serde_json::{Value as Json, json};

const PLATFORM: &str = "shopify";

/// Carrier status → catalog status.
pub const SHIPMENT: &[(&str, &str)] = &[
    ("label_printed", "Shipped"),
    ("label_purchased", "Shipped"),
    ("confirmed", "Shipped"),
    ("fulfilled", "Shipped"),
    ("marked_as_fulfilled", "Shipped"),
    ("submitted", "Shipped"),
    ("in_transit", "In transit"),
    ("carrier_picked_up", "In transit"),
    ("out_for_delivery", "In transit"),
    ("attempted_delivery", "In transit"),
    ("delayed", "In transit"),
    ("delivered", "Delivered"),
    ("picked_up", "Delivered"),
];

/// Financial status of an unfulfilled order → catalog status.
pub const UNFULFILLED: &[(&str, &str)] = &[
    ("pending", "Approved"),
    ("authorized", "Approved"),
    ("paid", "Processing"),
    ("partially_paid", "Processing"),
];

/// What decides an order's status, read from REST or GraphQL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// `cancelled_at` is set.
    pub cancelled: bool,
    /// The financial status, lower case.
    pub financial: String,
    /// Each successful fulfilment's carrier status, lower case
    /// (`fulfilled` when the carrier has said nothing yet).
    pub shipments: Vec<String>,
    /// A fulfilment order is scheduled.
    pub scheduled: bool,
}

/// The catalog status of an order, or what kept it from having one.
pub fn catalog_status(facts: &Facts) -> Result<&'static str, String> {
    if facts.cancelled {
        return Ok("Canceled");
    }
    const RANK: [&str; 3] = ["Shipped", "In transit", "Delivered"];
    let mut least: Option<usize> = None;
    for shipment in &facts.shipments {
        let Some((_, status)) = SHIPMENT.iter().find(|(known, _)| known == shipment) else {
            return Err(format!("a shipment's carrier status is `{shipment}`"));
        };
        let rank = RANK.iter().position(|known| known == status).unwrap_or(0);
        least = Some(least.map_or(rank, |least| least.min(rank)));
    }
    if let Some(rank) = least {
        return Ok(RANK[rank]);
    }
    if facts.scheduled {
        return Ok("Pending Shipment");
    }
    UNFULFILLED
        .iter()
        .find(|(known, _)| *known == facts.financial)
        .map(|(_, status)| *status)
        .ok_or_else(|| {
            format!(
                "the unfulfilled order's financial status is `{}`",
                facts.financial
            )
        })
}

/// Performs one Shopify operation.
pub(crate) async fn call(
    backend: &Backend,
    operation: &str,
    call: &ToolCall,
    context: &Context,
) -> Outcome {
    let platform = backend.platform(PLATFORM)?;
    match operation {
        "customer_by_email" => {
            let customer = customer(backend, platform, &text_arg(call, "email")?).await?;
            Ok(customer.map_or(Json::Null, |customer| {
                json!({
                    "id": id_text(&customer["id"]),
                    "email": customer["email"],
                    "first_name": customer["first_name"],
                    "last_name": customer["last_name"],
                })
            }))
        }
        "orders_by_email" => orders_by_email(backend, platform, &text_arg(call, "email")?).await,
        "order" => {
            let name = order_name(call)?;
            let node = order_node(backend, platform, &name).await?;
            order_fields(&node)
        }
        "cancel" => cancel(backend, platform, &order_name(call)?, context).await,
        "discount" => {
            let percent = crate::backend::number_arg(call, "percent")?;
            if !(0.0..=100.0).contains(&percent) {
                return Err(Failure::Error(format!(
                    "shopify: a discount of {percent}% is not allowed"
                )));
            }
            edit(
                backend,
                platform,
                &order_name(call)?,
                Edit::Discount(percent),
                context,
            )
            .await
        }
        "shipping_upgrade" => {
            edit(
                backend,
                platform,
                &order_name(call)?,
                Edit::Expedite,
                context,
            )
            .await
        }
        other => Err(Failure::Error(format!(
            "keel has no adapter `shopify.{other}`"
        ))),
    }
}

fn order_name(call: &ToolCall) -> Result<String, Failure> {
    let id = text_arg(call, "order_id")?;
    let number = id.trim_start_matches('#');
    if number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Failure::Error(format!(
            "shopify: `{id}` is not an order number"
        )));
    }
    Ok(number.to_string())
}

fn authorized(platform: &Platform, request: Request) -> Request {
    request.header("X-Shopify-Access-Token", platform.token().to_string())
}

async fn get(backend: &Backend, platform: &Platform, url: String) -> Result<Reply, Failure> {
    backend
        .send(&authorized(platform, Request::get(PLATFORM, url)))
        .await
}

/// A GraphQL request; its `data`, or the errors it answered.
async fn graphql(
    backend: &Backend,
    platform: &Platform,
    operation: &str,
    document: &str,
    variables: Json,
    kind: Kind,
) -> Result<Json, Failure> {
    let body = json!({"query": document, "variables": variables, "operationName": operation});
    let request = authorized(
        platform,
        Request::send(PLATFORM, "POST", platform.url("/graphql.json"), body, kind),
    );
    let reply = backend.send(&request).await?;
    let json = json_of(PLATFORM, &reply, "the GraphQL endpoint")?;
    if let Some(errors) = json["errors"]
        .as_array()
        .filter(|errors| !errors.is_empty())
    {
        let messages: Vec<&str> = errors
            .iter()
            .filter_map(|error| error["message"].as_str())
            .collect();
        return Err(Failure::Error(format!(
            "shopify: GraphQL {operation}: {}",
            messages.join("; ")
        )));
    }
    Ok(json["data"].clone())
}

/// The customer record with exactly this email.
async fn customer(
    backend: &Backend,
    platform: &Platform,
    email: &str,
) -> Result<Option<Json>, Failure> {
    let url = url_with(
        &platform.url("/customers/search.json"),
        &[
            ("query", &format!("email:{email}")),
            ("fields", "id,email,first_name,last_name"),
            ("limit", "10"),
        ],
    );
    let reply = get(backend, platform, url).await?;
    let json = json_of(PLATFORM, &reply, "the customer search")?;
    Ok(json["customers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|customer| {
            customer["email"]
                .as_str()
                .is_some_and(|known| known.eq_ignore_ascii_case(email))
        })
        .cloned())
}

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|param| param.trim().replace(' ', "") == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

const SCHEDULES: &str = "query KeelOrderSchedules($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id fulfillmentOrders(first: 10) { nodes { status fulfillAt } } } } }";

async fn orders_by_email(backend: &Backend, platform: &Platform, email: &str) -> Outcome {
    let page_size = backend.wire().settings().page_size.to_string();
    let customer = customer(backend, platform, email).await?;
    let guest = customer.is_none();
    let first = match customer {
        Some(customer) => url_with(
            &platform.url(&format!(
                "/customers/{}/orders.json",
                id_text(&customer["id"])
            )),
            &[("status", "any"), ("limit", &page_size)],
        ),
        // A guest checkout has no customer record: its orders carry the
        // email only (`orders.json?email=`, widely used though not in the
        // documented filter list), and are the guest's only if the email
        // is exactly theirs.
        None => url_with(
            &platform.url("/orders.json"),
            &[("email", email), ("status", "any"), ("limit", &page_size)],
        ),
    };
    let mut url = Some(first);
    let mut orders: Vec<Json> = Vec::new();
    let mut pages = 0;
    while let Some(next) = url.take() {
        pages += 1;
        let reply = get(backend, platform, next).await?;
        let json = json_of(PLATFORM, &reply, "the customer's orders")?;
        orders.extend(
            json["orders"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|order| {
                    !guest
                        || order["email"]
                            .as_str()
                            .is_some_and(|known| known.eq_ignore_ascii_case(email))
                })
                .cloned(),
        );
        if pages < backend.wire().settings().max_pages {
            url = reply.header("link").and_then(next_link);
        }
    }
    // Which unfulfilled orders wait for a scheduled fulfilment: one GraphQL query.
    let unfulfilled: Vec<String> = orders
        .iter()
        .filter(|order| order["cancelled_at"].is_null() && successful(order).next().is_none())
        .filter_map(|order| order["admin_graphql_api_id"].as_str().map(str::to_string))
        .collect();
    let mut scheduled: Vec<(String, String)> = Vec::new();
    if !unfulfilled.is_empty() {
        let data = graphql(
            backend,
            platform,
            "KeelOrderSchedules",
            SCHEDULES,
            json!({"ids": unfulfilled}),
            Kind::Read,
        )
        .await?;
        for node in data["nodes"].as_array().into_iter().flatten() {
            if let Some(at) = schedule(&node["fulfillmentOrders"]) {
                scheduled.push((id_text(&node["id"]), at));
            }
        }
    }
    let mut fields = Vec::new();
    for order in &orders {
        let gid = order["admin_graphql_api_id"].as_str().unwrap_or_default();
        let schedule = scheduled
            .iter()
            .find(|(id, _)| id == gid)
            .map(|(_, at)| at.as_str());
        fields.push(rest_order_fields(order, schedule)?);
    }
    fields.sort_by(|left, right| {
        right["created_at"]
            .as_str()
            .cmp(&left["created_at"].as_str())
    });
    Ok(Json::Array(fields))
}

/// A REST order's successful fulfilments.
fn successful(order: &Json) -> impl Iterator<Item = &Json> {
    order["fulfillments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|fulfillment| fulfillment["status"] == "success")
}

/// The date a scheduled fulfilment order is due, if there is one.
fn schedule(fulfillment_orders: &Json) -> Option<String> {
    fulfillment_orders["nodes"]
        .as_array()?
        .iter()
        .find(|node| node["status"] == "SCHEDULED")
        .map(|node| node["fulfillAt"].as_str().unwrap_or_default().to_string())
}

fn rest_order_fields(order: &Json, schedule: Option<&str>) -> Outcome {
    let facts = Facts {
        cancelled: !order["cancelled_at"].is_null(),
        financial: order["financial_status"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        shipments: successful(order)
            .map(|fulfillment| {
                fulfillment["shipment_status"]
                    .as_str()
                    .unwrap_or("fulfilled")
                    .to_string()
            })
            .collect(),
        scheduled: schedule.is_some(),
    };
    let name = order["name"].as_str().unwrap_or_default();
    let status = catalog_status(&facts).map_err(|why| {
        Failure::Error(format!(
            "shopify: order {name}: {why}, which maps to no status keel knows"
        ))
    })?;
    let fulfillment = successful(order).next();
    let lines = order["line_items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            (
                item["title"].as_str().unwrap_or_default(),
                item["quantity"].as_f64().unwrap_or(1.0),
            )
        });
    Ok(json!({
        "id": name.trim_start_matches('#'),
        "status": status,
        "created_at": iso_date(order["created_at"].as_str().unwrap_or_default()),
        "total": money(&order["total_price"], order["currency"].as_str().unwrap_or("USD")),
        "items": items(lines),
        "shipment_date": match (schedule, fulfillment) {
            (Some(at), _) => iso_date(at),
            (None, Some(fulfillment)) => iso_date(fulfillment["created_at"].as_str().unwrap_or_default()),
            (None, None) => Json::Null,
        },
        "tracking_number": fulfillment.map_or(Json::Null, |f| f["tracking_number"].clone()),
        "carrier": fulfillment.map_or(Json::Null, |f| f["tracking_company"].clone()),
        "estimated_delivery_date": Json::Null,
    }))
}

const ORDER_BY_NAME: &str = "query KeelOrderByName($query: String!) { orders(first: 1, query: $query) { nodes { id legacyResourceId name createdAt cancelledAt displayFinancialStatus displayFulfillmentStatus totalPriceSet { shopMoney { amount currencyCode } } lineItems(first: 50) { nodes { title quantity } } fulfillments(first: 10) { status displayStatus createdAt estimatedDeliveryAt trackingInfo(first: 1) { company number url } } fulfillmentOrders(first: 10) { nodes { status fulfillAt } } } } }";

/// The GraphQL order of this name (number without `#`).
async fn order_node(backend: &Backend, platform: &Platform, name: &str) -> Result<Json, Failure> {
    let data = graphql(
        backend,
        platform,
        "KeelOrderByName",
        ORDER_BY_NAME,
        json!({"query": format!("name:#{name}")}),
        Kind::Read,
    )
    .await?;
    data["orders"]["nodes"]
        .as_array()
        .and_then(|nodes| nodes.first())
        .cloned()
        .ok_or_else(|| Failure::Error(format!("shopify: order #{name} not found")))
}

/// A GraphQL order → the catalog's `Order`.
fn order_fields(node: &Json) -> Outcome {
    let fulfillments: Vec<&Json> = node["fulfillments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|fulfillment| fulfillment["status"] == "SUCCESS")
        .collect();
    let schedule = schedule(&node["fulfillmentOrders"]);
    let facts = Facts {
        cancelled: !node["cancelledAt"].is_null(),
        financial: node["displayFinancialStatus"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase(),
        shipments: fulfillments
            .iter()
            .map(|fulfillment| {
                fulfillment["displayStatus"]
                    .as_str()
                    .unwrap_or("FULFILLED")
                    .to_ascii_lowercase()
            })
            .collect(),
        scheduled: schedule.is_some(),
    };
    let name = node["name"].as_str().unwrap_or_default();
    let status = catalog_status(&facts).map_err(|why| {
        Failure::Error(format!(
            "shopify: order {name}: {why}, which maps to no status keel knows"
        ))
    })?;
    let first = fulfillments.first();
    let tracking = first.map(|fulfillment| &fulfillment["trackingInfo"][0]);
    let lines = node["lineItems"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            (
                item["title"].as_str().unwrap_or_default(),
                item["quantity"].as_f64().unwrap_or(1.0),
            )
        });
    let total = &node["totalPriceSet"]["shopMoney"];
    Ok(json!({
        "id": name.trim_start_matches('#'),
        "status": status,
        "created_at": iso_date(node["createdAt"].as_str().unwrap_or_default()),
        "total": money(&total["amount"], total["currencyCode"].as_str().unwrap_or("USD")),
        "items": items(lines),
        "shipment_date": match (&schedule, first) {
            (Some(at), _) => iso_date(at),
            (None, Some(fulfillment)) => iso_date(fulfillment["createdAt"].as_str().unwrap_or_default()),
            (None, None) => Json::Null,
        },
        "tracking_number": tracking.map_or(Json::Null, |tracking| tracking["number"].clone()),
        "carrier": tracking.map_or(Json::Null, |tracking| tracking["company"].clone()),
        "estimated_delivery_date": fulfillments
            .iter()
            .find_map(|fulfillment| fulfillment["estimatedDeliveryAt"].as_str())
            .map_or(Json::Null, iso_date),
    }))
}

const CANCEL: &str = "mutation KeelOrderCancel($orderId: ID!, $staffNote: String) { orderCancel(orderId: $orderId, reason: CUSTOMER, refund: true, restock: true, notifyCustomer: true, staffNote: $staffNote) { job { id done } orderCancelUserErrors { field message code } } }";

async fn cancel(backend: &Backend, platform: &Platform, name: &str, context: &Context) -> Outcome {
    let node = order_node(backend, platform, name).await?;
    if context.resend && !node["cancelledAt"].is_null() {
        return order_fields(&node);
    }
    let data = graphql(
        backend,
        platform,
        "KeelOrderCancel",
        CANCEL,
        json!({"orderId": node["id"], "staffNote": format!("Cancelled by keel at the customer's request (ref {})", context.key)}),
        Kind::Write,
    )
    .await?;
    let errors = &data["orderCancel"]["orderCancelUserErrors"];
    if let Some(error) = errors.as_array().and_then(|errors| errors.first()) {
        return Err(Failure::Error(format!(
            "shopify: order #{name} cannot be cancelled: {}",
            error["message"].as_str().unwrap_or("refused")
        )));
    }
    // The cancellation is a job: read the order back until it shows.
    let settings = backend.wire().settings();
    let mut wait = settings.backoff;
    for _ in 0..=settings.retries + 2 {
        let node = order_node(backend, platform, name).await?;
        if !node["cancelledAt"].is_null() {
            return order_fields(&node);
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(settings.max_backoff);
    }
    Err(Failure::Error(format!(
        "shopify: the cancellation of order #{name} was accepted but has not shown on the order yet"
    )))
}

const EDITS: &str = "query KeelOrderEdits($query: String!) { orders(first: 1, query: $query) { nodes { id discountApplications(first: 20) { nodes { ... on ManualDiscountApplication { description } } } shippingLines(first: 10) { nodes { title } } totalPriceSet { shopMoney { currencyCode } } } } }";
const EDIT_BEGIN: &str = "mutation KeelOrderEditBegin($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { id lineItems(first: 50) { nodes { id quantity } } } userErrors { field message } } }";
const EDIT_DISCOUNT: &str = "mutation KeelOrderEditDiscount($id: ID!, $lineItemId: ID!, $discount: OrderEditAppliedDiscountInput!) { orderEditAddLineItemDiscount(id: $id, lineItemId: $lineItemId, discount: $discount) { calculatedLineItem { id } userErrors { field message } } }";
const EDIT_SHIPPING: &str = "mutation KeelOrderEditShipping($id: ID!, $shippingLine: OrderEditAddShippingLineInput!) { orderEditAddShippingLine(id: $id, shippingLine: $shippingLine) { calculatedShippingLine { id } userErrors { field message } } }";
const EDIT_COMMIT: &str = "mutation KeelOrderEditCommit($id: ID!, $staffNote: String) { orderEditCommit(id: $id, notifyCustomer: true, staffNote: $staffNote) { order { id } userErrors { field message } } }";

/// The title of the shipping line an upgrade adds.
pub const EXPEDITED: &str = "Expedited (free upgrade)";

/// What an order edit changes.
enum Edit {
    Discount(f64),
    Expedite,
}

/// The first user error of a mutation's answer, as a failure.
fn user_error(name: &str, answer: &Json) -> Result<(), Failure> {
    match answer["userErrors"]
        .as_array()
        .and_then(|errors| errors.first())
    {
        Some(error) => Err(Failure::Error(format!(
            "shopify: order #{name} cannot be edited: {}",
            error["message"].as_str().unwrap_or("refused")
        ))),
        None => Ok(()),
    }
}

/// An order edit: begin, the change, commit (GraphQL; REST cannot edit an
/// order). A resend looks for the change first: the discount by the
/// reference in its description, the upgrade by its shipping line.
async fn edit(
    backend: &Backend,
    platform: &Platform,
    name: &str,
    change: Edit,
    context: &Context,
) -> Outcome {
    let reference = format!("(ref {})", context.key);
    let data = graphql(
        backend,
        platform,
        "KeelOrderEdits",
        EDITS,
        json!({"query": format!("name:#{name}")}),
        Kind::Read,
    )
    .await?;
    let Some(order) = data["orders"]["nodes"]
        .as_array()
        .and_then(|nodes| nodes.first())
        .cloned()
    else {
        return Err(Failure::Error(format!("shopify: order #{name} not found")));
    };
    if context.resend {
        let done = match change {
            Edit::Discount(_) => order["discountApplications"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|discount| {
                    discount["description"]
                        .as_str()
                        .is_some_and(|text| text.contains(&reference))
                }),
            Edit::Expedite => order["shippingLines"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|line| line["title"] == EXPEDITED),
        };
        if done {
            return order_fields(&order_node(backend, platform, name).await?);
        }
    }
    let begun = graphql(
        backend,
        platform,
        "KeelOrderEditBegin",
        EDIT_BEGIN,
        json!({"id": order["id"]}),
        Kind::Write,
    )
    .await?;
    user_error(name, &begun["orderEditBegin"])?;
    let calculated = &begun["orderEditBegin"]["calculatedOrder"];
    match change {
        Edit::Discount(percent) => {
            for item in calculated["lineItems"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let discount = json!({"percentValue": percent, "description": format!("Retention offer: {percent}% off {reference}")});
                let answer = graphql(
                    backend,
                    platform,
                    "KeelOrderEditDiscount",
                    EDIT_DISCOUNT,
                    json!({"id": calculated["id"], "lineItemId": item["id"], "discount": discount}),
                    Kind::Write,
                )
                .await?;
                user_error(name, &answer["orderEditAddLineItemDiscount"])?;
            }
        }
        Edit::Expedite => {
            let currency = order["totalPriceSet"]["shopMoney"]["currencyCode"]
                .as_str()
                .unwrap_or("USD");
            let line =
                json!({"title": EXPEDITED, "price": {"amount": "0.00", "currencyCode": currency}});
            let answer = graphql(
                backend,
                platform,
                "KeelOrderEditShipping",
                EDIT_SHIPPING,
                json!({"id": calculated["id"], "shippingLine": line}),
                Kind::Write,
            )
            .await?;
            user_error(name, &answer["orderEditAddShippingLine"])?;
        }
    }
    let committed = graphql(backend, platform, "KeelOrderEditCommit", EDIT_COMMIT, json!({"id": calculated["id"], "staffNote": format!("Retention offer accepted through keel {reference}")}), Kind::Write).await?;
    user_error(name, &committed["orderEditCommit"])?;
    order_fields(&order_node(backend, platform, name).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(financial: &str, shipments: &[&str], scheduled: bool) -> Facts {
        Facts {
            cancelled: false,
            financial: financial.to_string(),
            shipments: shipments.iter().map(|s| s.to_string()).collect(),
            scheduled,
        }
    }

    #[test]
    fn each_carrier_status_maps_as_the_table_says() {
        for (shipment, status) in SHIPMENT {
            assert_eq!(
                catalog_status(&facts("paid", &[shipment], false)),
                Ok(*status),
                "{shipment}"
            );
        }
    }

    #[test]
    fn each_unfulfilled_financial_status_maps_as_the_table_says() {
        for (financial, status) in UNFULFILLED {
            assert_eq!(
                catalog_status(&facts(financial, &[], false)),
                Ok(*status),
                "{financial}"
            );
        }
    }

    #[test]
    fn the_rules_apply_in_order() {
        let mut cancelled = facts("paid", &["delivered"], true);
        cancelled.cancelled = true;
        assert_eq!(catalog_status(&cancelled), Ok("Canceled"));
        assert_eq!(
            catalog_status(&facts("paid", &[], true)),
            Ok("Pending Shipment")
        );
        assert_eq!(
            catalog_status(&facts("paid", &["delivered", "in_transit"], false)),
            Ok("In transit")
        );
        assert_eq!(
            catalog_status(&facts("paid", &["delivered", "label_printed"], false)),
            Ok("Shipped")
        );
        assert!(catalog_status(&facts("paid", &["failure"], false)).is_err());
        assert!(catalog_status(&facts("refunded", &[], false)).is_err());
    }

    #[test]
    fn the_next_link_is_found_among_the_others() {
        let link = "<https://shop.example/admin/api/2024-07/orders.json?limit=50&page_info=abc>; rel=\"previous\", <https://shop.example/admin/api/2024-07/orders.json?limit=50&page_info=xyz>; rel=\"next\"";
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://shop.example/admin/api/2024-07/orders.json?limit=50&page_info=xyz")
        );
        assert_eq!(
            next_link("<https://a/b?page_info=abc>; rel=\"previous\""),
            None
        );
    }
}
