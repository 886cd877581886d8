//! Serve hygiene (issue 12, item 7): what a slow or oversized client may
//! hold, and what a caller without the session's token may learn.

use crate::common::*;
use keel_serve::StoreChoice;
use keel_serve::{Config, ManualClock, Tools};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server over SQLite with `config`: what a connection may hold does not
/// depend on the store.
async fn sqlite_server(name: &str, config: Config) -> Server {
    let store = stores(name)
        .await
        .into_iter()
        .find(|store| matches!(store, StoreChoice::Sqlite(_)))
        .expect("SQLite is always there");
    let tools = Tools::demo(keel_runtime::DemoStore::embedded(keel_serve::date_of(
        DEMO_NOW,
    )));
    Server::with(&store, tools, ManualClock::new(DEMO_NOW), config).await
}

/// A raw connection to the server.
async fn connect(server: &Server) -> TcpStream {
    let address = server.base.trim_start_matches("http://");
    TcpStream::connect(address)
        .await
        .expect("the server accepts")
}

/// Everything the server sends until it closes the connection, or `None`
/// if it is still open after `patience`.
async fn until_closed(
    stream: &mut (impl AsyncReadExt + Unpin),
    patience: Duration,
) -> Option<String> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(patience, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(count) => received.extend_from_slice(&buffer[..count]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&received).into_owned())
}

/// A connection that sends half a request line and waits, or sends
/// nothing at all, is closed once the header timeout passes, not held
/// open; the standard timeout is a matter of seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    assert!(Config::standard().header_timeout <= Duration::from_secs(10));
    let config = Config {
        header_timeout: Duration::from_millis(500),
        ..Config::standard()
    };
    let server = sqlite_server("header_timeout", config).await;
    let mut stream = connect(&server).await;
    let began = Instant::now();
    stream
        .write_all(b"POST /v1/sessions HTT")
        .await
        .expect("the half line is sent");
    let answer = until_closed(&mut stream, Duration::from_secs(20)).await;
    let waited = began.elapsed();
    let answer = answer.expect("the server closed the connection");
    assert!(
        waited >= Duration::from_millis(400),
        "closed after {waited:?}, before the timeout"
    );
    // Whatever hyper says before closing, it is no answer to a request.
    assert!(!answer.contains("201"), "{answer}");
    let mut silent = connect(&server).await;
    let began = Instant::now();
    let answer = until_closed(&mut silent, Duration::from_secs(20)).await;
    let waited = began.elapsed();
    assert!(
        answer.is_some(),
        "a silent connection is still open after {waited:?}"
    );
    assert!(
        waited >= Duration::from_millis(400),
        "closed after {waited:?}"
    );
    // The server still answers others.
    assert_eq!(server.get("/healthz", None).await.status, 200);
}

/// A body that trickles in (a byte every 100 ms of a declared 200) is cut
/// off with 408 at the body deadline, and the connection closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_is_cut_off() {
    let config = Config {
        body_timeout: Duration::from_secs(1),
        ..Config::standard()
    };
    let server = sqlite_server("body_timeout", config).await;
    let stream = connect(&server).await;
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: keel\r\nAuthorization: Bearer {OPERATOR}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    );
    writer
        .write_all(head.as_bytes())
        .await
        .expect("the head is sent");
    let began = Instant::now();
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            if writer.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let answer = until_closed(&mut reader, Duration::from_secs(15))
        .await
        .expect("the server answered and closed before the body was complete");
    let waited = began.elapsed();
    trickle.abort();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(15),
        "answered after {waited:?}"
    );
}

/// A request declaring a `Content-Length` over the limit gets 413 at once,
/// without a byte of its body sent (the body deadline is a minute here, so
/// an answer within seconds was not waiting for it), and the connection
/// is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_length_over_the_limit_is_refused_before_the_body() {
    let config = Config {
        body_timeout: Duration::from_secs(60),
        ..Config::standard()
    };
    let server = sqlite_server("declared_length", config).await;
    for (path, length) in [
        ("/v1/sessions", 16 * 1024 + 1),
        ("/v1/sessions", 1_000_000_000_000_u64),
        ("/v1/policies", 1024 * 1024 + 1),
    ] {
        let mut stream = connect(&server).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: keel\r\nAuthorization: Bearer {OPERATOR}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        );
        stream
            .write_all(head.as_bytes())
            .await
            .expect("the head is sent");
        let answer = until_closed(&mut stream, Duration::from_secs(20))
            .await
            .expect("the server answered without waiting for the body");
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "{path} {length}: {answer}"
        );
        assert!(answer.contains("body_too_large"), "{answer}");
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "{answer}"
        );
    }
    // A length within the limit is read and answered as usual.
    let answer = server
        .post(
            "/v1/sessions",
            Some(OPERATOR),
            serde_json::json!({ "policy": "none", "channel": "chat" }),
        )
        .await;
    assert_eq!(answer.status, 404, "{:?}", answer.body);
}

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
