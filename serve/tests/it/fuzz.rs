//! The live API, over HTTP on loopback, fed malformed JSON, wrong shapes,
//! bad tokens, odd paths and oversized bodies: every answer is below 500,
//! and every refusal is a JSON error with a code.

use crate::common::*;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::OnceLock;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    server: Server,
    session: String,
    token: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let (server, session, token) = runtime.block_on(async {
            let store = stores("fuzz").await.remove(0);
            let server = Server::start(&store).await;
            server.deploy(POLICY).await;
            let (session, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
            (server, session, token)
        });
        Fixture {
            runtime,
            server,
            session,
            token,
        }
    })
}

/// Sends raw bytes; returns the status and the body's text. A body over
/// the limit may be refused before it is read (the connection closes
/// while the client still writes): that is an answer too, `None`.
fn raw(
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Option<(u16, String)> {
    let fixture = fixture();
    let url = reqwest::Url::parse(&format!("{}{path}", fixture.server.base)).ok()?;
    fixture.runtime.block_on(async {
        let oversized = body.len() > keel_serve::Config::standard().max_body_bytes;
        let mut request = fixture.server.client.request(method, url).body(body);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(_) if oversized => return None,
            Err(error) => panic!("the server did not answer: {error}"),
        };
        let status = response.status().as_u16();
        Some((status, response.text().await.unwrap_or_default()))
    })
}

fn check(answer: Option<(u16, String)>) -> Result<(), TestCaseError> {
    let Some((status, text)) = answer else {
        return Ok(());
    };
    prop_assert!(status < 500, "{status}: {text}");
    if status >= 400 {
        let body: Value = serde_json::from_str(&text)
            .map_err(|_| TestCaseError::fail(format!("{status}: not JSON: {text}")))?;
        prop_assert!(body["error"]["code"].is_string(), "{status}: {text}");
        prop_assert!(body["error"]["message"].is_string(), "{status}: {text}");
    }
    Ok(())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|number| json!(number)),
        "[ -~]{0,40}".prop_map(Value::String),
        Just(json!("maya@example.com")),
        Just(json!(CANCELLATION)),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("text".to_string()),
                    Just("policy".to_string()),
                    Just("channel".to_string()),
                    Just("customer".to_string()),
                    Just("policies".to_string()),
                    Just("kind".to_string()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..5
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        json_value().prop_map(|value| value.to_string().into_bytes()),
        // Valid JSON, cut short.
        (json_value(), 0usize..40).prop_map(|(value, cut)| {
            let text = value.to_string().into_bytes();
            let keep = text.len().saturating_sub(cut);
            text[..keep].to_vec()
        }),
        // Too big.
        (17_000usize..40_000)
            .prop_map(|size| format!("{{\"text\":\"{}\"}}", "a".repeat(size)).into_bytes()),
        (2_001usize..4_000)
            .prop_map(|size| format!("{{\"text\":\"{}\"}}", "é".repeat(size)).into_bytes()),
        // Deeply nested.
        (100usize..5_000).prop_map(|depth| "[".repeat(depth).into_bytes()),
    ]
}

#[derive(Clone, Debug)]
enum Token {
    None,
    Operator,
    Session,
    Garbage(String),
}

fn token() -> impl Strategy<Value = Token> {
    prop_oneof![
        Just(Token::None),
        Just(Token::Operator),
        Just(Token::Session),
        "[ -~]{0,300}".prop_map(Token::Garbage),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let fixed = prop_oneof![
        Just("/v1/policies".to_string()),
        Just("/v1/sessions".to_string()),
        Just("/v1/events".to_string()),
        Just("/metrics".to_string()),
        Just("/healthz".to_string()),
        Just("/v1/sessions/{id}".to_string()),
        Just("/v1/sessions/{id}/messages".to_string()),
        Just("/v1/sessions/{id}/events".to_string()),
        Just("/v1/sessions/{id}/log".to_string()),
    ];
    prop_oneof![
        4 => fixed,
        1 => "/v1/sessions/[ -~]{0,80}(/messages)?",
        1 => "/[ -~]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_request_gets_a_5xx(
        method in prop_oneof![Just(Method::GET), Just(Method::POST), Just(Method::PUT), Just(Method::DELETE), Just(Method::PATCH)],
        path in path(),
        token in token(),
        content_type in prop_oneof![Just(Some("application/json")), Just(Some("text/plain")), Just(None)],
        body in body(),
    ) {
        let fixture = fixture();
        let path = path.replace("{id}", &fixture.session);
        let token = match &token {
            Token::None => None,
            Token::Operator => Some(OPERATOR),
            Token::Session => Some(fixture.token.as_str()),
            Token::Garbage(text) => Some(text.as_str()),
        };
        check(raw(method, &path, token, content_type, body))?;
    }
}

/// Method, path, token, content type, body; the status and code expected.
type Case<'a> = (
    Method,
    String,
    Option<&'a str>,
    Option<&'a str>,
    Vec<u8>,
    u16,
    &'a str,
);

#[test]
fn bad_requests_get_clear_errors() {
    let fixture = fixture();
    let messages = format!("/v1/sessions/{}/messages", fixture.session);
    let json_type = Some("application/json");
    let cases: Vec<Case<'_>> = vec![
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            format!("{{\"text\":\"{}\"}}", "a".repeat(2001)).into_bytes(),
            413,
            "message_too_long",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            format!("{{\"text\":\"{}\"}}", "a".repeat(20_000)).into_bytes(),
            413,
            "body_too_large",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            b"{\"text\":".to_vec(),
            400,
            "bad_json",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            b"{\"text\":42}".to_vec(),
            422,
            "invalid_body",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            b"{\"text\":\"hi\",\"admin\":true}".to_vec(),
            422,
            "invalid_body",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            None,
            b"{\"text\":\"hi\"}".to_vec(),
            415,
            "expected_json",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            "[".repeat(10_000).into_bytes(),
            422,
            "invalid_body",
        ),
        (
            Method::POST,
            messages.clone(),
            Some(&fixture.token),
            json_type,
            vec![0xff, 0xfe, b'{'],
            400,
            "bad_json",
        ),
        (
            Method::POST,
            messages.clone(),
            None,
            json_type,
            b"{\"text\":\"hi\"}".to_vec(),
            401,
            "unauthorized",
        ),
        (
            Method::POST,
            "/v1/sessions/s_00/messages".to_string(),
            Some(OPERATOR),
            json_type,
            b"{\"text\":\"hi\"}".to_vec(),
            404,
            "not_found",
        ),
        (
            Method::POST,
            "/v1/sessions/../../etc/passwd".to_string(),
            Some(OPERATOR),
            json_type,
            b"{}".to_vec(),
            404,
            "not_found",
        ),
        (
            Method::POST,
            "/v1/sessions".to_string(),
            Some(OPERATOR),
            json_type,
            b"{\"policy\":\"nope\",\"channel\":\"chat\",\"customer\":\"x\"}".to_vec(),
            404,
            "not_found",
        ),
        (
            Method::POST,
            "/v1/sessions".to_string(),
            Some(OPERATOR),
            json_type,
            b"{\"policy\":\"\",\"channel\":\"chat\",\"customer\":\"x\"}".to_vec(),
            422,
            "invalid_field",
        ),
        (
            Method::POST,
            "/v1/policies".to_string(),
            Some(OPERATOR),
            json_type,
            b"{\"policies\":[{\"name\":\"p.md\",\"text\":\"1. Use @nothing to do nothing.\"}]}"
                .to_vec(),
            422,
            "policy_does_not_compile",
        ),
        (
            Method::POST,
            "/v1/policies".to_string(),
            Some(OPERATOR),
            json_type,
            b"{\"policies\":[]}".to_vec(),
            400,
            "no_policy",
        ),
        (
            Method::DELETE,
            "/v1/policies".to_string(),
            Some(OPERATOR),
            None,
            Vec::new(),
            405,
            "method_not_allowed",
        ),
        (
            Method::GET,
            "/nowhere".to_string(),
            None,
            None,
            Vec::new(),
            404,
            "not_found",
        ),
    ];
    for (method, path, token, content_type, body, status, code) in cases {
        let (got, text) = raw(method.clone(), &path, token, content_type, body).expect("a URL");
        let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(
            (got, parsed["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {text}"
        );
    }
}
