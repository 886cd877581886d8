//! The wire: reads retried a bounded number of times, writes never retried
//! after the platform may have acted, a timeout, and no credential in any
//! message.

use crate::common::{fault, harness, text};
use keel_runtime::ToolOutcome;

#[test]
fn a_read_is_retried_up_to_the_bound_then_fails() {
    let h = harness("");
    let mut down = fault("magento", Some("GET"), "/V1/orders/311");
    down.status = Some(503);
    down.times = 10;
    h.faults(vec![down]);
    let error = h.error("magento.order", &[("order_id", text("311"))]);
    assert!(error.contains("HTTP 503"), "{error}");
    assert_eq!(
        h.requests("magento", "/V1/orders/311"),
        3,
        "the first try and two retries"
    );
}

#[test]
fn a_write_the_platform_may_have_done_is_not_retried_but_a_refused_one_is() {
    let h = harness("");
    let mut down = fault("magento", Some("POST"), "/cancel");
    down.status = Some(503);
    h.faults(vec![down]);
    let error = h.error("magento.cancel", &[("order_id", text("311"))]);
    assert!(error.contains("503"), "{error}");
    assert_eq!(
        h.requests("magento", "/cancel"),
        1,
        "a 503 on a write is not retried"
    );
    let mut limited = fault("magento", Some("POST"), "/cancel");
    limited.status = Some(429);
    limited
        .headers
        .insert("Retry-After".to_string(), "0".to_string());
    h.faults(vec![limited]);
    h.ok("magento.cancel", &[("order_id", text("311"))]);
    assert_eq!(
        h.requests("magento", "/cancel"),
        3,
        "a 429 refused it: sent again"
    );
    assert_eq!(h.journal().executions.get("magento cancel"), Some(&1));
}

#[test]
fn a_slow_answer_is_a_timeout_and_a_slow_write_is_not_sent_again() {
    let h = harness("read_timeout_ms = 300\nretries = 1\n");
    let mut slow = fault("magento", Some("POST"), "/cancel");
    slow.hold_ms = Some(1_000);
    h.faults(vec![slow]);
    let outcome = h.call("magento.cancel", &[("order_id", text("305"))]);
    assert_eq!(outcome, ToolOutcome::Timeout);
    assert_eq!(h.requests("magento", "/cancel"), 1);
    assert_eq!(
        h.journal().executions.get("magento cancel"),
        Some(&1),
        "done, its answer lost"
    );
}

#[test]
fn no_credential_appears_in_a_message() {
    let h = harness("");
    let mut echo = fault("shopify", Some("GET"), "customers/search.json");
    echo.status = Some(401);
    echo.body = Some(format!(
        r#"{{"errors":"[API] Invalid API key or access token ({})"}}"#,
        h.credential("SHOPIFY_ADMIN_TOKEN")
    ));
    h.faults(vec![echo]);
    let error = h.error(
        "shopify.customer_by_email",
        &[("email", text("maya@example.com"))],
    );
    assert!(error.contains("[redacted]"), "{error}");
    assert!(
        !error.contains(&h.credential("SHOPIFY_ADMIN_TOKEN")),
        "{error}"
    );
    let debug = format!("{:?}", h.backend);
    for (_, value) in h.running.credentials() {
        if value.len() > 20 {
            assert!(
                !debug.contains(&value),
                "a credential in the backend's Debug print"
            );
        }
    }
}
