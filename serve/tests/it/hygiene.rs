//! Serve hygiene (issue 12, item 7): what a slow or oversized client may
//! hold, and what a caller without the session's token may learn.

use crate::common::*;

/// While a session handles a message, a request without a token, with
/// another session's token or with an unknown one never learns that it is
/// busy (401, 403, 403, as when it is idle); its own token and an operator
/// get 409 `session_busy`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_sessions_token_learns_that_it_is_busy() {
    for store in stores("busy_after_token").await {
        let server = Server::start(&store).await;
        assert_eq!(server.deploy(POLICY).await.status, 201);
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let (_, other_token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let callers = [
            None,
            Some(other_token.as_str()),
            Some("st_0000"),
            Some(token.as_str()),
            Some(OPERATOR),
        ];
        // Held as a turn holds it.
        let held = server
            .app
            .sessions
            .try_lock(&id)
            .expect("the session is idle");
        let busy = statuses(&server, &id, &callers, true).await;
        drop(held);
        let expected: Vec<(u16, String)> = [
            (401, "unauthorized"),
            (403, "forbidden"),
            (403, "forbidden"),
            (409, "session_busy"),
            (409, "session_busy"),
        ]
        .into_iter()
        .map(|(status, code)| (status, code.to_string()))
        .collect();
        assert_eq!(busy, expected, "{}", server.label);
        // Idle, the same callers get the same refusals, and the owner an answer.
        let idle = statuses(&server, &id, &callers, false).await;
        assert_eq!(idle[..3], expected[..3], "{}", server.label);
        assert_eq!(idle[3].0, 200, "{}: {idle:?}", server.label);
    }
}

/// The status and error code each caller gets for a message; when idle,
/// stops at the first answered message (it moves the session).
async fn statuses(
    server: &Server,
    id: &str,
    callers: &[Option<&str>],
    busy: bool,
) -> Vec<(u16, String)> {
    let mut seen = Vec::new();
    for caller in callers {
        let answer = server
            .post(
                &format!("/v1/sessions/{id}/messages"),
                *caller,
                serde_json::json!({ "text": "maya@example.com" }),
            )
            .await;
        let code = answer.body["error"]["code"].as_str().unwrap_or_default();
        seen.push((answer.status, code.to_string()));
        if !busy && answer.status == 200 {
            break;
        }
    }
    seen
}

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
