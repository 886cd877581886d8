//! The doubles over TLS on a runtime of their own, and a backend built
//! from the backend file they print, with their credentials.

use keel_adapters::doubles::{Fault, Journal, Options, Running};
use keel_adapters::{Backend, BackendFile, Context};
use keel_runtime::{Args, Date, ToolCall, ToolOutcome, Value};
use serde_json::Value as Json;
use std::sync::Arc;

/// The demo store's date in the examples.
pub(crate) fn today() -> Date {
    Date::from_ymd(2026, 3, 10).expect("a date")
}

/// Running doubles and a backend for them.
pub(crate) struct Harness {
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) running: Running,
    pub(crate) backend: Backend,
    pub(crate) client: reqwest::Client,
}

/// Doubles of every platform over TLS; `wire` lines are added to the
/// backend file's `[wire]` table.
pub(crate) fn harness(wire: &str) -> Harness {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let options = Options {
        platforms: [
            "shopify",
            "bigcommerce",
            "magento",
            "gorgias",
            "kustomer",
            "zendesk",
        ]
        .map(str::to_string)
        .to_vec(),
        host: "127.0.0.1".parse().expect("an address"),
        port: 0,
        today: today(),
        tls: true,
    };
    let running = runtime
        .block_on(keel_adapters::doubles::start(&options))
        .expect("the doubles start");
    let directory = std::env::temp_dir().join(format!(
        "keel-adapters-it-{}-{}",
        std::process::id(),
        running.bases.get("magento").map_or(0, |base| port_of(base))
    ));
    std::fs::create_dir_all(&directory).expect("a folder");
    let ca = directory.join("ca.pem");
    std::fs::write(&ca, running.ca_pem.as_deref().expect("TLS")).expect("the CA");
    // The test's `[wire]` lines replace the printed ones of the same keys.
    let overridden: Vec<&str> = wire
        .lines()
        .filter_map(|line| line.split(" = ").next())
        .collect();
    let text: String = running
        .backend_file(Some(&ca.display().to_string()))
        .lines()
        .filter(|line| {
            !overridden
                .iter()
                .any(|key| line.starts_with(&format!("{key} = ")))
        })
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        .replace("[wire]\n", &format!("[wire]\n{wire}"));
    let file = BackendFile::parse(&text, &directory).expect("the printed backend file reads");
    let credentials = running.credentials();
    let backend = Backend::new(file, |name| {
        credentials
            .iter()
            .find(|(variable, _)| variable == name)
            .map(|(_, value)| value.clone())
    })
    .expect("a backend");
    let pem = std::fs::read(&ca).expect("the CA");
    let client = reqwest::Client::builder()
        .tls_certs_merge(reqwest::Certificate::from_pem_bundle(&pem).expect("PEM"))
        .build()
        .expect("a client");
    Harness {
        runtime,
        running,
        backend,
        client,
    }
}

fn port_of(base: &str) -> u64 {
    base.rsplit(':')
        .next()
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or(0)
}

/// A call of `adapter` with these arguments.
pub(crate) fn tool_call(adapter: &str, args: &[(&str, Value)]) -> ToolCall {
    ToolCall {
        id: 1,
        tool: Arc::from(adapter.replace('.', "_")),
        adapter: Some(Arc::from(adapter)),
        args: args
            .iter()
            .map(|(name, value)| (Arc::from(*name), value.clone()))
            .collect::<Args>(),
    }
}

impl Harness {
    /// The value of a credential variable.
    pub(crate) fn credential(&self, variable: &str) -> String {
        self.running
            .credentials()
            .into_iter()
            .find(|(name, _)| name == variable)
            .map(|(_, value)| value)
            .unwrap_or_default()
    }

    /// Performs `adapter` with a key, as the first send or a resend.
    pub(crate) fn call_with(
        &self,
        adapter: &str,
        args: &[(&str, Value)],
        key: &str,
        resend: bool,
    ) -> ToolOutcome {
        let context = Context {
            key: key.to_string(),
            resend,
            email: Some("maya@example.com".to_string()),
            today: today(),
        };
        self.runtime
            .block_on(self.backend.call(&tool_call(adapter, args), &context))
    }

    /// Performs `adapter` (first send).
    pub(crate) fn call(&self, adapter: &str, args: &[(&str, Value)]) -> ToolOutcome {
        self.call_with(adapter, args, "keel-test-key", false)
    }

    /// The result as JSON, or a panic naming the failure.
    pub(crate) fn ok(&self, adapter: &str, args: &[(&str, Value)]) -> Json {
        match self.call(adapter, args) {
            ToolOutcome::Ok(value) => value.to_json(),
            other => panic!("{adapter}: {other:?}"),
        }
    }

    /// The failure message, or a panic.
    pub(crate) fn error(&self, adapter: &str, args: &[(&str, Value)]) -> String {
        match self.call(adapter, args) {
            ToolOutcome::Error(message) => message,
            other => panic!("{adapter} should fail: {other:?}"),
        }
    }

    /// Queues faults.
    pub(crate) fn faults(&self, faults: Vec<Fault>) {
        let url = format!("{}/faults", self.running.control().expect("a control URL"));
        let body = serde_json::to_value(faults).expect("JSON");
        self.runtime
            .block_on(self.client.post(url).json(&body).send())
            .expect("the control route answers");
    }

    /// What the doubles saw.
    pub(crate) fn journal(&self) -> Journal {
        self.running.journal()
    }

    /// Requests of `platform` whose path contains `part`.
    pub(crate) fn requests(&self, platform: &str, part: &str) -> usize {
        self.journal()
            .requests
            .iter()
            .filter(|entry| entry.platform == platform && entry.path.contains(part))
            .count()
    }

    /// A raw request to a double: (status, headers, body).
    pub(crate) fn raw(
        &self,
        platform: &str,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Json>,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let url = format!("{}{path}", self.running.bases[platform]);
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.client.request(method, url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.runtime.block_on(async {
            let response = request.send().await.expect("the double answers");
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            (status, headers, response.text().await.unwrap_or_default())
        })
    }
}

/// A text value.
pub(crate) fn text(value: &str) -> Value {
    Value::text(value)
}

/// A fault on `platform` for paths containing `path`.
pub(crate) fn fault(platform: &str, method: Option<&str>, path: &str) -> Fault {
    Fault {
        platform: platform.to_string(),
        method: method.map(str::to_string),
        path: path.to_string(),
        status: None,
        headers: Default::default(),
        body: None,
        hold_ms: None,
        times: 1,
    }
}
