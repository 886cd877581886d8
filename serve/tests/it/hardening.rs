//! Hardening (issue 12): what a deploy may not weaken, how big a deploy may
//! be, whom a session token answers, and what a slow client may hold.

use crate::common::*;
use serde_json::json;

/// The scenario: the cancellation catalog with `cancel_order`
/// declared `read` (no confirmation, no idempotency key) is refused at
/// deploy time, naming the tool and its adapter; the same catalog with its
/// declared effect deploys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_that_weakens_an_adapters_effect_is_refused() {
    for store in stores("weakened_effect").await {
        let server = Server::start(&store).await;
        let weakened = CATALOG.replace(
            "effect = \"destructive\"\ncustomer_data = true\nadapter = \"magento.cancel\"",
            "effect = \"read\"\ncustomer_data = true\nadapter = \"magento.cancel\"",
        );
        assert_ne!(weakened, CATALOG, "the example's cancel tool moved");
        let refused = server
            .post(
                "/v1/policies",
                Some(OPERATOR),
                json!({
                    "policies": [{ "name": "policy.md", "text": POLICY }],
                    "catalogs": [{ "name": "catalog.toml", "text": weakened }],
                }),
            )
            .await;
        assert_eq!(refused.status, 422, "{}: {:?}", server.label, refused.body);
        let message = refused.body["error"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains("read-tool-writing-adapter")
                && message.contains("`cancel_order`")
                && message.contains("`magento.cancel`"),
            "{message}"
        );
        let listed = server.get("/v1/policies", Some(OPERATOR)).await;
        assert_eq!(listed.body["policies"], json!([]), "{:?}", listed.body);
        // An unknown adapter is refused the same way.
        let unknown = CATALOG.replace("\"magento.cancel\"", "\"magento.cancel_now\"");
        let refused = server
            .post(
                "/v1/policies",
                Some(OPERATOR),
                json!({
                    "policies": [{ "name": "policy.md", "text": POLICY }],
                    "catalogs": [{ "name": "catalog.toml", "text": unknown }],
                }),
            )
            .await;
        assert_eq!(refused.status, 422, "{:?}", refused.body);
        assert!(
            refused.body["error"]["message"]
                .as_str()
                .is_some_and(|message| message.contains("unknown-adapter")),
            "{:?}",
            refused.body
        );
        assert_eq!(server.deploy(POLICY).await.status, 201);
    }
}
