//! Magento: searchCriteria in both casings, the list wrapper, the last page
//! answered again past the end, state and status, cancel's `false` with
//! 200, a resend after a crash that finds the cancellation done, and the
//! writes keel makes for retention offers.

use crate::common::{harness, text};
use keel_runtime::{ToolOutcome, Value};

#[test]
fn search_criteria_read_in_either_casing_and_lists_are_wrapped() {
    let h = harness("");
    let bearer = format!("Bearer {}", h.credential("MAGENTO_ACCESS_TOKEN"));
    for (group, condition) in [
        ("filter_groups", "condition_type"),
        ("filterGroups", "conditionType"),
    ] {
        let path = format!(
            "/V1/orders?searchCriteria[{group}][0][filters][0][field]=customer_email&searchCriteria[{group}][0][filters][0][value]=maya@example.com&searchCriteria[{group}][0][filters][0][{condition}]=eq"
        );
        let (status, _, body) = h.raw(
            "magento",
            "GET",
            &path,
            &[("Authorization", bearer.clone())],
            None,
        );
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["total_count"], 3, "{group}: {body}");
        assert!(
            json["items"].is_array() && json["search_criteria"].is_object(),
            "{body}"
        );
    }
}

#[test]
fn a_page_past_the_end_answers_the_last_page_and_the_adapter_stops_on_the_total() {
    let h = harness("page_size = 1\n");
    let bearer = format!("Bearer {}", h.credential("MAGENTO_ACCESS_TOKEN"));
    let page = |n: u32| {
        let path = format!(
            "/V1/orders?searchCriteria[filter_groups][0][filters][0][field]=customer_email&searchCriteria[filter_groups][0][filters][0][value]=maya@example.com&searchCriteria[pageSize]=1&searchCriteria[currentPage]={n}"
        );
        let (_, _, body) = h.raw(
            "magento",
            "GET",
            &path,
            &[("Authorization", bearer.clone())],
            None,
        );
        serde_json::from_str::<serde_json::Value>(&body).expect("JSON")["items"][0]["entity_id"]
            .clone()
    };
    assert_eq!(page(3), page(9), "past the end, the last page again");
    let orders = h.ok(
        "magento.orders_by_email",
        &[("email", text("maya@example.com"))],
    );
    let ids: Vec<&str> = orders
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert_eq!(ids, ["311", "305", "298"], "newest first, every page once");
    assert_eq!(
        h.requests("magento", "/V1/orders?"),
        5,
        "two raw pages, then exactly three pages"
    );
}

#[test]
fn the_page_bound_cuts_a_long_list() {
    let h = harness("page_size = 1\nmax_pages = 2\n");
    let orders = h.ok(
        "magento.orders_by_email",
        &[("email", text("maya@example.com"))],
    );
    assert_eq!(orders.as_array().map(Vec::len), Some(2));
}

#[test]
fn state_and_status_map_onto_the_catalog() {
    let h = harness("");
    let cases = [
        ("311", "pending"),
        ("309", "pending_payment"),
        ("305", "processing"),
        ("307", "fraud"),
        ("303", "payment_review"),
        ("296", "holded"),
        ("298", "complete"),
        ("291", "closed"),
        ("288", "canceled"),
    ];
    for (id, status) in cases {
        let order = h.ok("magento.order", &[("order_id", text(id))]);
        assert_eq!(order["status"], status, "{id}: {order}");
    }
    let shipped = h.ok("magento.order", &[("order_id", text("298"))]);
    assert!(
        shipped["tracking_number"].is_string(),
        "tracks read: {shipped}"
    );
    let customer = h.ok(
        "magento.customer_by_email",
        &[("email", text("MAYA@example.com"))],
    );
    assert_eq!(customer["first_name"], "Maya");
    assert_eq!(
        h.ok(
            "magento.customer_by_email",
            &[("email", text("nobody@example.com"))]
        ),
        serde_json::Value::Null
    );
}

#[test]
fn cancel_answers_false_with_200_when_magento_will_not_and_that_is_an_error() {
    let h = harness("");
    let bearer = format!("Bearer {}", h.credential("MAGENTO_ACCESS_TOKEN"));
    let (status, _, body) = h.raw(
        "magento",
        "POST",
        "/V1/orders/296/cancel",
        &[("Authorization", bearer)],
        None,
    );
    assert_eq!((status, body.as_str()), (200, "false"));
    let error = h.error("magento.cancel", &[("order_id", text("296"))]);
    assert!(error.contains("cannot be canceled"), "{error}");
}

#[test]
fn cancel_cancels_and_a_resend_after_a_crash_finds_it_done() {
    let h = harness("");
    let first = h.ok("magento.cancel", &[("order_id", text("311"))]);
    assert_eq!(first["status"], "canceled");
    // The answer was lost; the resend looks first and sends nothing.
    match h.call_with(
        "magento.cancel",
        &[("order_id", text("311"))],
        "keel-test-key",
        true,
    ) {
        ToolOutcome::Ok(order) => assert_eq!(order.field("status"), Some(&Value::text("canceled"))),
        other => panic!("{other:?}"),
    }
    assert_eq!(h.journal().executions.get("magento cancel"), Some(&1));
    assert_eq!(h.requests("magento", "/cancel"), 1);
}

#[test]
fn retention_offers_are_order_comments_and_a_coupon_each_found_again_on_a_resend() {
    let h = harness("");
    let order = h.ok(
        "magento.discount",
        &[("order_id", text("311")), ("percent", Value::Number(10.0))],
    );
    assert_eq!(order["id"], "311");
    h.ok("magento.shipping_upgrade", &[("order_id", text("305"))]);
    h.call_with(
        "magento.discount",
        &[("order_id", text("311")), ("percent", Value::Number(10.0))],
        "keel-test-key",
        true,
    );
    assert_eq!(
        h.journal().executions.get("magento comment"),
        Some(&2),
        "the resend found its comment"
    );
    let coupon = h.ok(
        "magento.coupon",
        &[
            ("email", text("sam@example.com")),
            ("percent", Value::Number(20.0)),
        ],
    );
    assert!(
        coupon["code"]
            .as_str()
            .is_some_and(|code| code.starts_with("KEEL20-")),
        "{coupon}"
    );
    assert_eq!(coupon["expires_on"], "2026-06-08");
    h.call_with(
        "magento.coupon",
        &[
            ("email", text("sam@example.com")),
            ("percent", Value::Number(20.0)),
        ],
        "keel-test-key",
        true,
    );
    assert_eq!(h.journal().executions.get("magento coupon"), Some(&1));
}

#[test]
fn a_wrong_token_is_a_401_and_the_message_keeps_no_credential() {
    let h = harness("");
    let (status, _, body) = h.raw(
        "magento",
        "GET",
        "/V1/orders/311",
        &[("Authorization", "Bearer wrong".to_string())],
        None,
    );
    assert_eq!(status, 401);
    assert!(body.contains("isn't authorized"), "{body}");
}
