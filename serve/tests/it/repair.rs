//! Conversation repair over HTTP: a repeat, a question back and "start
//! over" after the end, each logged and counted per state in `/metrics`;
//! "never mind" at the read-back is its no; a message an ended session
//! ignores is refused and not logged; a request the policy cannot do is
//! handed off with its own reason.

use crate::common::{CANCELLATION, OPERATOR, POLICY, Server, messages, stores};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repairs_work_over_http_and_are_counted_per_state() {
    for store in stores("repair").await {
        let server = Server::start(&store).await;
        let deployed = server.deploy(POLICY).await;
        assert_eq!(deployed.status, 201, "{:?}", deployed.body);
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let steps: [(&str, &str, &str); 6] = [
            (
                "can you repeat that?",
                "waiting_for_user",
                "Of course. Could you share your email address?",
            ),
            (
                "maya@example.com",
                "waiting_for_user",
                "Here are your recent orders",
            ),
            (
                "how long does shipping usually take?",
                "waiting_for_user",
                "I'm sorry, I can't answer that here.",
            ),
            (
                "1",
                "waiting_for_user",
                "Do you want to cancel order #100000311",
            ),
            (
                "never mind",
                "ended",
                "Your order #100000311 was not cancelled.",
            ),
            (
                "start over",
                "waiting_for_user",
                "Could you share your email address?",
            ),
        ];
        for (text, phase, said) in steps {
            say_and_expect(&server, &id, &token, text, phase, said).await;
        }
        // The conversation ends again; a message it ignores is refused and
        // not logged.
        for text in ["maya@example.com", "1", "no"] {
            let answer = server.say(&id, &token, text).await;
            assert_eq!(answer.status, 200, "{text}: {:?}", answer.body);
        }
        let log = server
            .get(&format!("/v1/sessions/{id}/log"), Some(OPERATOR))
            .await;
        let before = log.body.to_string().len();
        let refused = server.say(&id, &token, "hello?").await;
        assert_eq!(refused.status, 409, "{:?}", refused.body);
        assert_eq!(refused.body["error"]["code"], "session_finished");
        let log = server
            .get(&format!("/v1/sessions/{id}/log"), Some(OPERATOR))
            .await;
        assert_eq!(
            log.body.to_string().len(),
            before,
            "the refused message was logged"
        );
        let text = log.body.to_string();
        for repair in ["repeat", "question", "start-over"] {
            assert!(
                text.contains(&format!(r#"\"repair\":\"repair-{repair}\""#)),
                "{repair} not logged"
            );
        }
        assert!(
            text.contains("confirm-no: “never mind”"),
            "never mind at the read-back is not its no"
        );
        let metrics = server.get("/metrics", Some(OPERATOR)).await.body;
        let metrics = metrics.as_str().unwrap_or_default();
        for repair in ["repeat", "question", "start-over"] {
            let counted = metrics.lines().any(|line| {
                line.starts_with("keel_repairs_total{")
                    && line.contains(&format!("policy=\"{CANCELLATION}\""))
                    && line.contains(&format!("repair=\"{repair}\""))
                    && line.ends_with(" 1")
            });
            assert!(
                counted,
                "{}: {repair} not counted in\n{metrics}",
                server.label
            );
        }
    }
}

/// The policy's `Answers` section over HTTP: a question that names one of
/// its topics is answered, then the pending question is asked again; one
/// that names none is not; neither is taken as an answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_the_policy_answers_is_answered_over_http() {
    let policy = format!(
        "{POLICY}\n## Answers\n\n- Shipping time: Standard shipping takes 3–5 business days.\n- Refunds: Refunds reach your original payment method within 5–10 business days.\n"
    );
    for store in stores("answers").await {
        let server = Server::start(&store).await;
        let deployed = server.deploy(&policy).await;
        assert_eq!(deployed.status, 201, "{:?}", deployed.body);
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let steps: [(&str, &str); 4] = [
            (
                "how long does shipping usually take?",
                "Standard shipping takes 3–5 business days. Could you share your email address?",
            ),
            ("maya@example.com", "Here are your recent orders"),
            (
                "and when would I get my refund?",
                "Refunds reach your original payment method within 5–10 business days. Here are your recent orders",
            ),
            (
                "do you sell gift cards?",
                "I'm sorry, I can't answer that here. Here are your recent orders",
            ),
        ];
        for (text, said) in steps {
            say_and_expect(&server, &id, &token, text, "waiting_for_user", said).await;
        }
    }
}

/// A request the policy cannot do (the cancellation policy changes no
/// address) over HTTP: the customer is told a person will take it, the
/// hand-off carries its own reason in the log, and `/metrics` counts the
/// repair at the question it was asked at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_policy_cannot_do_is_handed_off_with_its_own_reason() {
    for store in stores("cannot_handle").await {
        let server = Server::start(&store).await;
        let deployed = server.deploy(POLICY).await;
        assert_eq!(deployed.status, 201, "{:?}", deployed.body);
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        say_and_expect(
            &server,
            &id,
            &token,
            "maya@example.com",
            "waiting_for_user",
            "Here are your recent orders",
        )
        .await;
        say_and_expect(
            &server,
            &id,
            &token,
            "could you change the delivery address on the linen shirt?",
            "handed_off",
            "That isn't something I can do here, so I'm passing you to a person",
        )
        .await;
        let log = server
            .get(&format!("/v1/sessions/{id}/log"), Some(OPERATOR))
            .await
            .body
            .to_string();
        assert!(
            log.contains(
                r#"\"reason\":\"the customer asked for something this policy cannot do\""#
            ),
            "{}: {log}",
            server.label
        );
        let metrics = server.get("/metrics", Some(OPERATOR)).await.body;
        let metrics = metrics.as_str().unwrap_or_default();
        assert!(
            metrics.lines().any(|line| {
                line.starts_with("keel_repairs_total{")
                    && line.contains("node=\"Single_order_cancellation_policy:2.c.ask\"")
                    && line.contains("repair=\"cannot-handle\"")
                    && line.ends_with(" 1")
            }),
            "{}: cannot-handle not counted in\n{metrics}",
            server.label
        );
    }
}

/// Sends `text` to the session and checks the answer: 200, the session in
/// `phase`, and its first message starting with `said`.
async fn say_and_expect(
    server: &Server,
    id: &str,
    token: &str,
    text: &str,
    phase: &str,
    said: &str,
) {
    let answer = server.say(id, token, text).await;
    assert_eq!(answer.status, 200, "{text}: {:?}", answer.body);
    assert_eq!(answer.body["phase"], phase, "{text}: {:?}", answer.body);
    assert!(
        messages(&answer.body)
            .first()
            .is_some_and(|message| message.starts_with(said)),
        "{} {text}: {:?}",
        server.label,
        answer.body
    );
}
