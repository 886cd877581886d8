//! The client against the loopback stub: the request on the wire, valid
//! answers, every kind of invalid answer, retries on 429 and 5xx, and
//! timeouts.

use crate::stub::{Reply, Stub};
use keel_llm::{ChatRequest, Client, Config, ErrorKind, Message, retry_wait};
use serde_json::json;
use std::time::Duration;

fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![Message::system("Pick one."), Message::user("yes please")],
        schema_name: "choice".to_string(),
        schema: json!({
            "type": "object",
            "properties": {"choice": {"type": "string", "enum": ["yes", "no", "unclear"]}},
            "required": ["choice"],
            "additionalProperties": false
        }),
        max_tokens: 32,
    }
}

/// A config for `stub` with short waits.
pub(crate) fn config(stub: &Stub) -> Config {
    let mut config = Config::new(&stub.base_url, "stub-model");
    config.timeout = Duration::from_secs(5);
    config.backoff = Duration::from_millis(10);
    config.max_backoff = Duration::from_millis(50);
    config
}

fn complete(config: Config) -> Result<keel_llm::Completion, keel_llm::Error> {
    let client = Client::new(config).expect("a client");
    keel_runtime::block_on(client.complete(&request())).expect("a tokio runtime")
}

#[test]
fn the_request_is_an_openai_chat_completion_with_a_json_schema() {
    let stub = Stub::always(Reply::Content(r#"{"choice": "yes"}"#.to_string()));
    let mut config = config(&stub);
    config.api_key = Some("sk-test".to_string());
    let completion = complete(config).expect("an answer");
    assert_eq!(completion.value, json!({"choice": "yes"}));
    assert_eq!(completion.attempts, 1);
    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent["model"], "stub-model");
    assert_eq!(sent["temperature"], 0);
    assert_eq!(sent["max_tokens"], 32);
    assert_eq!(sent["messages"][0]["role"], "system");
    assert_eq!(
        sent["messages"][1],
        json!({"role": "user", "content": "yes please"})
    );
    assert_eq!(sent["response_format"]["type"], "json_schema");
    assert_eq!(sent["response_format"]["json_schema"]["name"], "choice");
    assert_eq!(sent["response_format"]["json_schema"]["strict"], true);
    assert_eq!(
        sent["response_format"]["json_schema"]["schema"]["properties"]["choice"]["enum"],
        json!(["yes", "no", "unclear"])
    );
    assert_eq!(
        stub.authorizations(),
        vec![Some("Bearer sk-test".to_string())]
    );
}

#[test]
fn without_structured_output_the_schema_goes_into_the_prompt_and_is_still_checked() {
    let stub = Stub::start(
        vec![Reply::Content(r#"{"choice": "maybe"}"#.to_string())],
        Some(Reply::Content(r#"{"choice": "no"}"#.to_string())),
    );
    let mut config = config(&stub);
    config.json_schema = false;
    let error = complete(config.clone()).expect_err("outside the enum");
    assert_eq!(error.kind(), ErrorKind::Invalid);
    let completion = complete(config).expect("a valid answer");
    assert_eq!(completion.value, json!({"choice": "no"}));
    let sent = &stub.requests()[0];
    assert!(sent.get("response_format").is_none());
    let system = sent["messages"][0]["content"].as_str().unwrap_or_default();
    assert!(
        system.starts_with(
            "Pick one.\nYour answer must be one JSON value matching this JSON schema: {"
        )
    );
    assert!(
        system.contains(r#""enum":["yes","no","unclear"]"#),
        "{system}"
    );
}

#[test]
fn invalid_answers_are_errors_and_are_not_retried() {
    let cases = [
        ("not JSON", Reply::Content("yes".to_string())),
        (
            "outside the enum",
            Reply::Content(r#"{"choice": "cancel_all_orders"}"#.to_string()),
        ),
        (
            "an extra field",
            Reply::Content(r#"{"choice": "yes", "tool": "refund"}"#.to_string()),
        ),
        ("a missing field", Reply::Content("{}".to_string())),
        (
            "truncated",
            Reply::Finish(r#"{"choice": "ye"#.to_string(), "length"),
        ),
        (
            "not a completion",
            Reply::Raw("<html>gateway</html>".to_string()),
        ),
        ("no choices", Reply::Raw(r#"{"choices": []}"#.to_string())),
    ];
    for (what, reply) in cases {
        let stub = Stub::always(reply);
        let error = complete(config(&stub)).expect_err(what);
        assert_eq!(error.kind(), ErrorKind::Invalid, "{what}: {error}");
        assert_eq!(stub.requests().len(), 1, "{what}");
    }
}

#[test]
fn server_errors_and_rate_limits_are_retried_a_bounded_number_of_times() {
    let answer = Reply::Content(r#"{"choice": "no"}"#.to_string());
    let stub = Stub::start(
        vec![
            Reply::Status(503, "loading model".to_string(), None),
            Reply::Status(429, "slow down".to_string(), Some("0")),
        ],
        Some(answer),
    );
    let completion = complete(config(&stub)).expect("the third attempt answers");
    assert_eq!(completion.attempts, 3);
    assert_eq!(completion.value, json!({"choice": "no"}));

    let stub = Stub::always(Reply::Status(500, "boom".to_string(), None));
    let error = complete(config(&stub)).expect_err("always failing");
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(
        stub.requests().len(),
        3,
        "the first attempt and two retries"
    );

    let stub = Stub::always(Reply::Status(400, "bad schema".to_string(), None));
    let error = complete(config(&stub)).expect_err("a client error");
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(stub.requests().len(), 1, "a 400 is not retried");
}

#[test]
fn retry_after_wins_over_the_backoff_up_to_the_limit() {
    let second = Duration::from_secs(1);
    let limit = Duration::from_secs(10);
    assert_eq!(retry_wait(Some(3 * second), second, limit), 3 * second);
    assert_eq!(retry_wait(None, second, limit), second);
    assert_eq!(retry_wait(Some(120 * second), second, limit), limit);
}

#[test]
fn a_slow_server_is_a_timeout_and_is_not_retried() {
    let stub = Stub::always(Reply::Slow(
        Duration::from_secs(30),
        r#"{"choice": "yes"}"#.to_string(),
    ));
    let mut config = config(&stub);
    config.timeout = Duration::from_millis(300);
    let error = complete(config).expect_err("too slow");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn a_server_that_is_down_is_a_connect_error() {
    // A port that was bound and released: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port");
    let mut config = Config::new(&format!("http://127.0.0.1:{port}/v1"), "none");
    config.backoff = Duration::from_millis(5);
    let error = complete(config).expect_err("nobody listens");
    assert_eq!(error.kind(), ErrorKind::Connect);
}

#[test]
fn no_base_url_means_no_llm() {
    let none = Config::from_env(|_| None).expect("no error");
    assert_eq!(none, None);
    let missing_model = Config::from_env(|name| {
        (name == keel_llm::ENV_BASE_URL).then(|| "http://127.0.0.1:1/v1".to_string())
    });
    assert!(missing_model.is_err());
    let set = Config::from_env(|name| match name {
        "KEEL_LLM_BASE_URL" => Some("http://127.0.0.1:8089/v1/".to_string()),
        "KEEL_LLM_MODEL" => Some("qwen".to_string()),
        "KEEL_LLM_TIMEOUT_SECS" => Some("2.5".to_string()),
        "OPENAI_API_KEY" => Some("sk".to_string()),
        _ => None,
    })
    .expect("valid")
    .expect("configured");
    assert_eq!(set.endpoint(), "http://127.0.0.1:8089/v1/chat/completions");
    assert_eq!(set.timeout, Duration::from_millis(2500));
    assert_eq!(set.api_key.as_deref(), Some("sk"));
}

#[test]
fn the_client_reaches_an_https_endpoint_whose_certificate_a_named_authority_signed() {
    let identity = keel_adapters::tls::Identity::loopback().expect("a test certificate");
    let stub = Stub::start_tls(Reply::Content(r#"{"choice": "no"}"#.to_string()), &identity);
    assert!(
        stub.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        stub.base_url
    );
    let directory = std::env::temp_dir().join(format!("keel-llm-tls-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("a temporary folder");
    let ca_file = directory.join("ca.pem");
    std::fs::write(&ca_file, &identity.ca_pem).expect("the authority's certificate");

    // Trusted through KEEL_LLM_CA_FILE, read as the CLI reads it.
    let read = |name: &str| match name {
        "KEEL_LLM_BASE_URL" => Some(stub.base_url.clone()),
        "KEEL_LLM_MODEL" => Some("stub-model".to_string()),
        "KEEL_LLM_CA_FILE" => Some(ca_file.display().to_string()),
        _ => None,
    };
    let mut trusted = Config::from_env(read).expect("a config").expect("an LLM");
    trusted.timeout = Duration::from_secs(5);
    let completion = complete(trusted).expect("an answer over TLS");
    assert_eq!(completion.value["choice"], "no");
    assert_eq!(stub.requests().len(), 1);

    // Without the authority the handshake fails: verification stays on.
    let untrusted = config(&stub);
    let error = complete(untrusted).expect_err("an unknown authority is refused");
    assert_eq!(stub.requests().len(), 1, "{error}");
    let _ = std::fs::remove_dir_all(&directory);
}
