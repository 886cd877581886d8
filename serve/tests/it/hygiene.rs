//! Serve hygiene (issue 12, item 7): what a slow or oversized client may
//! hold, and what a caller without the session's token may learn.

use crate::common::*;

/// A session's `channel` must be one the policy's `channels:` front matter
/// lists (without regard to case); an unlisted one gets 422 naming those
/// it serves. A policy that lists none serves any channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_the_policy_does_not_list_is_refused() {
    for store in stores("channels").await {
        let server = Server::start(&store).await;
        assert_eq!(server.deploy(POLICY).await.status, 201);
        let start = |channel: &'static str| {
            server.post(
                "/v1/sessions",
                Some(OPERATOR),
                serde_json::json!({ "policy": CANCELLATION, "channel": channel }),
            )
        };
        let refused = start("sms").await;
        assert_eq!(refused.status, 422, "{}: {:?}", server.label, refused.body);
        assert_eq!(refused.body["error"]["code"], "channel_not_served");
        let message = refused.body["error"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains("chat, email") && message.contains("`sms`"),
            "{message}"
        );
        assert_eq!(start("Email").await.status, 201);
        // Version 2 lists no channels: any is served.
        let open = POLICY.replace("channels: [chat, email]\n", "");
        assert_ne!(open, POLICY, "the example's front matter moved");
        assert_eq!(server.deploy(&open).await.status, 201);
        let answer = start("sms").await;
        assert_eq!(answer.status, 201, "{}: {:?}", server.label, answer.body);
        assert_eq!(answer.body["version"], 2);
    }
}
