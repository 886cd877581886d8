//! BigCommerce: 204 with an empty body for empty lists, bare v2 arrays and
//! v3 `data` wrappers, the `status_id` table, RFC 2822 dates, the rate-limit
//! headers and a 429 waited out by its reset time; AfterShip's tags for
//! carrier progress.

use crate::common::{fault, harness, text};
use serde_json::Value as Json;

fn token(h: &crate::common::Harness) -> Vec<(&'static str, String)> {
    vec![("X-Auth-Token", h.credential("BIGCOMMERCE_ACCESS_TOKEN"))]
}

#[test]
fn an_empty_list_is_204_with_an_empty_body_and_an_empty_list_to_keel() {
    let h = harness("");
    let (status, headers, body) = h.raw(
        "bigcommerce",
        "GET",
        "/v2/orders?email=noor@example.com",
        &token(&h),
        None,
    );
    assert_eq!((status, body.as_str()), (204, ""));
    assert!(headers.get("x-rate-limit-requests-left").is_some());
    let (status, _, _) = h.raw(
        "bigcommerce",
        "GET",
        "/v2/orders/2119/shipments",
        &token(&h),
        None,
    );
    assert_eq!(status, 204, "no shipments yet");
    assert_eq!(
        h.ok(
            "bigcommerce.orders_by_email",
            &[("email", text("noor@example.com"))]
        ),
        Json::Array(Vec::new())
    );
}

#[test]
fn v2_answers_bare_arrays_and_v3_wraps_data() {
    let h = harness("");
    let (_, _, body) = h.raw(
        "bigcommerce",
        "GET",
        "/v2/orders?email=maya@example.com",
        &token(&h),
        None,
    );
    let orders: Json = serde_json::from_str(&body).expect("JSON");
    assert!(orders.is_array(), "{body}");
    assert!(
        orders[0]["date_created"]
            .as_str()
            .is_some_and(|date| date.ends_with("+0000")),
        "RFC 2822"
    );
    let (_, _, body) = h.raw(
        "bigcommerce",
        "GET",
        "/v3/customers?email:in=maya@example.com",
        &token(&h),
        None,
    );
    let customers: Json = serde_json::from_str(&body).expect("JSON");
    assert!(
        customers["data"].is_array() && customers["meta"]["pagination"].is_object(),
        "{body}"
    );
    let customer = h.ok(
        "bigcommerce.customer_by_email",
        &[("email", text("maya@example.com"))],
    );
    assert_eq!(customer["last_name"], "Lopez");
}

#[test]
fn status_ids_and_tracking_tags_map_onto_the_seven() {
    let h = harness("");
    let cases = [
        ("2121", "Approved"),
        ("2119", "Processing"),
        ("2115", "Pending Shipment"),
        ("2117", "Shipped"),
        ("2112", "In transit"),
        ("2104", "Delivered"),
        ("2098", "Canceled"),
    ];
    for (id, status) in cases {
        let order = h.ok("bigcommerce.order", &[("order_id", text(id))]);
        assert_eq!(order["status"], status, "{id}: {order}");
    }
    let moving = h.ok("bigcommerce.order", &[("order_id", text("2112"))]);
    assert_eq!(
        moving["estimated_delivery_date"], "2026-03-11",
        "AfterShip's expected delivery"
    );
    assert_eq!(moving["created_at"], "2026-03-02", "from an RFC 2822 date");
    let listed = h.ok(
        "bigcommerce.orders_by_email",
        &[("email", text("maya@example.com"))],
    );
    let statuses: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["status"].as_str())
        .collect();
    assert_eq!(statuses, ["Shipped", "In transit", "Delivered"]);
}

#[test]
fn a_429_without_retry_after_waits_for_the_window_reset() {
    let h = harness("");
    let mut limited = fault("bigcommerce", Some("GET"), "/v3/customers");
    limited.status = Some(429);
    limited
        .headers
        .insert("X-Rate-Limit-Time-Reset-Ms".to_string(), "300".to_string());
    limited
        .headers
        .insert("X-Rate-Limit-Requests-Left".to_string(), "0".to_string());
    h.faults(vec![limited]);
    let started = std::time::Instant::now();
    h.ok(
        "bigcommerce.customer_by_email",
        &[("email", text("maya@example.com"))],
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(h.requests("bigcommerce", "/v3/customers"), 2);
}

#[test]
fn cancel_is_status_5_and_a_resend_finds_it_done() {
    let h = harness("");
    let order = h.ok("bigcommerce.cancel", &[("order_id", text("2119"))]);
    assert_eq!(order["status"], "Canceled");
    h.call_with(
        "bigcommerce.cancel",
        &[("order_id", text("2119"))],
        "keel-test-key",
        true,
    );
    assert_eq!(h.journal().executions.get("bigcommerce cancel"), Some(&1));
    let puts = h
        .journal()
        .requests
        .iter()
        .filter(|entry| entry.method == "PUT")
        .count();
    assert_eq!(puts, 1, "the resend sent nothing");
}
