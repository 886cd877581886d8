//! Shopify: `status` defaulting to `open`, `Link` cursor pages, wrappers,
//! errors, the call-limit header and 429 with `Retry-After`, throttled
//! GraphQL, the seven statuses from financial, fulfilment and carrier
//! status, and the asynchronous cancellation.

use crate::common::{fault, harness, text};
use serde_json::Value as Json;

fn token(h: &crate::common::Harness) -> Vec<(&'static str, String)> {
    vec![(
        "X-Shopify-Access-Token",
        h.credential("SHOPIFY_ADMIN_TOKEN"),
    )]
}

#[test]
fn status_defaults_to_open_and_the_adapter_asks_for_any() {
    let h = harness("");
    let orders = |path: &str| -> usize {
        let (status, _, body) = h.raw("shopify", "GET", path, &token(&h), None);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Json>(&body).expect("JSON")["orders"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(
        orders("/customers/7390003/orders.json"),
        1,
        "lee's cancelled order is hidden"
    );
    assert_eq!(orders("/customers/7390003/orders.json?status=any"), 2);
    let listed = h.ok(
        "shopify.orders_by_email",
        &[("email", text("lee@example.com"))],
    );
    let statuses: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["status"].as_str())
        .collect();
    assert_eq!(statuses, ["In transit", "Canceled"]);
}

#[test]
fn cursor_pages_follow_the_link_header_and_page_info_takes_only_limit() {
    let h = harness("page_size = 1\n");
    let (_, headers, _) = h.raw(
        "shopify",
        "GET",
        "/customers/7390001/orders.json?status=any&limit=1",
        &token(&h),
        None,
    );
    let link = headers
        .get("link")
        .and_then(|v| v.to_str().ok())
        .expect("a Link header")
        .to_string();
    assert!(
        link.contains("rel=\"next\"") && link.contains("page_info="),
        "{link}"
    );
    let next = keel_adapters::shopify::next_link(&link).expect("a next page");
    let path = next
        .split("/admin/api/2024-07")
        .nth(1)
        .expect("the double's own URL")
        .to_string();
    let (status, _, _) = h.raw(
        "shopify",
        "GET",
        &format!("{path}&status=any"),
        &token(&h),
        None,
    );
    assert_eq!(status, 400, "page_info with another filter is refused");
    let orders = h.ok(
        "shopify.orders_by_email",
        &[("email", text("maya@example.com"))],
    );
    let ids: Vec<&str> = orders
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["1042", "1039", "1031"],
        "three pages of one, followed by their links"
    );
}

#[test]
fn a_guests_orders_are_found_by_their_email_across_cursor_pages() {
    let h = harness("page_size = 1\n");
    let guest = keel_adapters::doubles::shopify::GUEST_EMAIL;
    // A guest checkout has no customer record…
    assert_eq!(
        h.ok("shopify.customer_by_email", &[("email", text(guest))]),
        Json::Null
    );
    let (_, _, body) = h.raw(
        "shopify",
        "GET",
        &format!("/orders.json?email={guest}&status=any"),
        &token(&h),
        None,
    );
    let listed: Json = serde_json::from_str(&body).expect("JSON");
    assert!(
        listed["orders"]
            .as_array()
            .is_some_and(|orders| orders.iter().all(|order| order["customer"].is_null())),
        "{listed}"
    );
    // …so its orders come from `orders.json?email=`, one page at a time:
    // the email is baked into each cursor, as Shopify bakes its filters.
    let (pages, searches) = (
        h.requests("shopify", "/orders.json?"),
        h.requests("shopify", "/customers/"),
    );
    let orders = h.ok("shopify.orders_by_email", &[("email", text(guest))]);
    let found: Vec<(&str, &str)> = orders
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|order| Some((order["id"].as_str()?, order["status"].as_str()?)))
        .collect();
    assert_eq!(found, [("1091", "Processing"), ("1090", "In transit")]);
    assert_eq!(
        h.requests("shopify", "/orders.json?") - pages,
        2,
        "two pages of one"
    );
    assert_eq!(
        h.requests("shopify", "/customers/") - searches,
        1,
        "the search only"
    );
    // An email with neither an account nor an order has no orders.
    let none = h.ok(
        "shopify.orders_by_email",
        &[("email", text("nobody@example.com"))],
    );
    assert_eq!(none, Json::Array(Vec::new()));
}

#[test]
fn wrappers_and_errors_are_shopifys() {
    let h = harness("");
    let (status, headers, body) = h.raw(
        "shopify",
        "GET",
        "/orders/5550001042.json",
        &token(&h),
        None,
    );
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Json>(&body).expect("JSON")["order"]["name"] == "#1042");
    assert!(
        headers.get("x-shopify-shop-api-call-limit").is_some()
            && headers.get("x-request-id").is_some()
    );
    let (status, _, body) = h.raw("shopify", "GET", "/orders/1.json", &token(&h), None);
    assert_eq!((status, body.as_str()), (404, r#"{"errors":"Not Found"}"#));
    let (status, _, body) = h.raw(
        "shopify",
        "GET",
        "/orders.json",
        &[("X-Shopify-Access-Token", "shpat_wrong".to_string())],
        None,
    );
    assert_eq!(status, 401);
    assert!(body.contains("Invalid API key or access token"), "{body}");
}

#[test]
fn the_seven_statuses_come_from_financial_fulfilment_and_carrier_status() {
    let h = harness("");
    let cases = [
        ("1051", "Approved"),
        ("1048", "Processing"),
        ("1045", "Pending Shipment"),
        ("1042", "Shipped"),
        ("1039", "In transit"),
        ("1031", "Delivered"),
        ("1027", "Canceled"),
    ];
    for (id, status) in cases {
        let order = h.ok("shopify.order", &[("order_id", text(id))]);
        assert_eq!(order["status"], status, "{id}: {order}");
    }
    let pending = h.ok("shopify.order", &[("order_id", text("#1045"))]);
    assert_eq!(
        pending["shipment_date"], "2026-03-12",
        "the scheduled fulfilment's date"
    );
    let moving = h.ok("shopify.order", &[("order_id", text("1039"))]);
    assert_eq!(
        moving["estimated_delivery_date"], "2026-03-12",
        "GraphQL's estimatedDeliveryAt"
    );
    assert_eq!(moving["tracking_number"], "9400111899223197428490");
    let listed = h.ok(
        "shopify.orders_by_email",
        &[("email", text("sam@example.com"))],
    );
    let statuses: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        ["Approved", "Processing", "Pending Shipment"],
        "REST and one GraphQL query agree"
    );
}

#[test]
fn a_429_is_waited_out_for_as_long_as_retry_after_says() {
    let h = harness("");
    let mut limited = fault("shopify", Some("GET"), "customers/search.json");
    limited.status = Some(429);
    limited
        .headers
        .insert("Retry-After".to_string(), "0.3".to_string());
    limited.body = Some(r#"{"errors":"Exceeded 2 calls per second for api client."}"#.to_string());
    h.faults(vec![limited]);
    let started = std::time::Instant::now();
    let customer = h.ok(
        "shopify.customer_by_email",
        &[("email", text("maya@example.com"))],
    );
    assert_eq!(customer["id"], "7390001");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(h.requests("shopify", "customers/search.json"), 2);
}

#[test]
fn a_throttled_graphql_answer_is_retried_after_the_points_come_back() {
    let h = harness("");
    let mut throttled = fault("shopify", Some("POST"), "graphql.json");
    throttled.status = Some(200);
    throttled.body = Some(r#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED","documentation":"https://shopify.dev/api/usage/rate-limits"}}],"extensions":{"cost":{"requestedQueryCost":35,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":1000.0,"currentlyAvailable":15,"restoreRate":100.0}}}}"#.to_string());
    h.faults(vec![throttled]);
    let started = std::time::Instant::now();
    let order = h.ok("shopify.order", &[("order_id", text("1042"))]);
    assert_eq!(order["status"], "Shipped");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(200),
        "(35 - 15) / 100 s"
    );
    assert_eq!(h.requests("shopify", "graphql.json"), 2);
}

#[test]
fn cancel_is_a_job_read_back_until_it_shows_and_a_resend_finds_it_done() {
    let h = harness("");
    let order = h.ok("shopify.cancel", &[("order_id", text("1051"))]);
    assert_eq!(order["status"], "Canceled");
    assert!(
        h.requests("shopify", "graphql.json") >= 4,
        "the order read until cancelledAt shows"
    );
    h.call_with(
        "shopify.cancel",
        &[("order_id", text("1051"))],
        "keel-test-key",
        true,
    );
    assert_eq!(h.journal().executions.get("shopify cancel"), Some(&1));
    let refused = h.error("shopify.cancel", &[("order_id", text("1042"))]);
    assert!(
        refused.contains("fulfillments"),
        "a fulfilled order cannot be cancelled: {refused}"
    );
}

#[test]
fn order_edits_discount_and_upgrade_an_order_and_a_resend_finds_the_edit() {
    let h = harness("");
    let discount = [
        ("order_id", text("1048")),
        ("percent", keel_runtime::Value::Number(10.0)),
    ];
    let order = h.ok("shopify.discount", &discount);
    assert_eq!(
        order["total"]["amount"], "52.20",
        "58.00 less 10 %: {order}"
    );
    h.call_with("shopify.discount", &discount, "keel-test-key", true);
    let order = h.ok("shopify.shipping_upgrade", &[("order_id", text("1051"))]);
    assert_eq!(order["status"], "Approved");
    h.call_with(
        "shopify.shipping_upgrade",
        &[("order_id", text("1051"))],
        "another-key",
        true,
    );
    assert_eq!(
        h.journal().executions.get("shopify order edit"),
        Some(&2),
        "each resend found its edit"
    );
    let refused = h.error(
        "shopify.discount",
        &[
            ("order_id", text("1027")),
            ("percent", keel_runtime::Value::Number(10.0)),
        ],
    );
    assert!(refused.contains("cancelled"), "{refused}");
}
