//! The review page in a real browser: Debian's Chromium driven headless over
//! the WebDriver protocol (chromedriver on loopback, spoken with reqwest).
//!
//! For each example: the page opens from `file://` (no network), the SVG has
//! one element per state, clicking a state highlights its policy lines,
//! clicking a line highlights its states, and a screenshot is saved under
//! `target/browser-artifacts/`. `.ci/run` installs `chromium` and
//! `chromium-driver`; without them this test fails and says so.

use crate::{Run, root};
use base64::Engine;
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills chromedriver when the test ends, however it ends.
struct Driver {
    child: Child,
    base: String,
    client: reqwest::blocking::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start() -> Driver {
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "the browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does this)"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .expect("a free loopback port");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client");
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = driver
                .client
                .get(format!("{}/status", driver.base))
                .send()
                .ok()
                .and_then(|response| response.json::<Value>().ok())
                .is_some_and(|status| status["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request
            .send()
            .expect("WebDriver answers")
            .json()
            .expect("WebDriver JSON");
        assert!(
            response["value"]["error"].is_null(),
            "WebDriver error on {path}: {response}"
        );
        response["value"].clone()
    }
}

struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .client
            .delete(format!("{}/session/{}", self.driver.base, self.id))
            .send();
    }
}

impl Session<'_> {
    fn new<'d>(driver: &'d Driver, profile: &Path) -> Session<'d> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1600,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let value = driver.call(reqwest::Method::POST, "/session", Some(capabilities));
        let id = value["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        Session { driver, id }
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.driver.call(
            reqwest::Method::POST,
            &format!("/session/{}{path}", self.id),
            Some(body),
        )
    }

    fn get(&self, path: &str) -> Value {
        self.driver.call(
            reqwest::Method::GET,
            &format!("/session/{}{path}", self.id),
            None,
        )
    }

    fn elements(&self, css: &str) -> Vec<String> {
        let found = self.post("/elements", json!({"using": "css selector", "value": css}));
        found
            .as_array()
            .map(|elements| {
                elements
                    .iter()
                    .filter_map(|element| {
                        element
                            .as_object()?
                            .values()
                            .next()?
                            .as_str()
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn attribute(&self, element: &str, name: &str) -> String {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn click(&self, selector: &str) {
        // Scrolled into view and clicked through the page's own handler, the
        // way a reviewer's click reaches it.
        let clicked = self.post(
            "/execute/sync",
            json!({"script": "var target = document.querySelector(arguments[0]); if (!target) { return false; } target.scrollIntoView({block: 'center', inline: 'center'}); target.dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;",
                   "args": [selector]}),
        );
        assert_eq!(clicked, Value::Bool(true), "nothing matches {selector}");
    }
}

/// The standard output of a `keel` run that must succeed.
fn stdout_of(args: &[&str]) -> Vec<u8> {
    let output = crate::keel(args).run();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn review_pages_in_a_real_browser() {
    let driver = Driver::start();
    let artifacts = root().join("target/browser-artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifact folder");
    let scratch = std::env::temp_dir().join(format!("keel-browser-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    for example in [
        "shopify_wismo",
        "bigcommerce_order_info",
        "single_order_cancellation",
        "magento_cancel_retention",
    ] {
        let policy = format!("examples/{example}/policy.md");
        let page = scratch.join(format!("{example}.html"));
        std::fs::write(&page, stdout_of(&["graph", "--format", "html", &policy]))
            .expect("page written");
        let machine: Value =
            serde_json::from_slice(&stdout_of(&["compile", &policy])).expect("machine JSON");
        let state_count = machine["states"].as_array().map_or(0, Vec::len);

        let session = Session::new(&driver, &scratch.join(format!("profile-{example}")));
        session.post("/url", json!({"url": format!("file://{}", page.display())}));

        // One SVG element per state.
        let states = session.elements("svg.machine g.state");
        assert_eq!(
            states.len(),
            state_count,
            "{example}: one element per state"
        );

        // Clicking a state highlights exactly its policy lines.
        let chosen = states
            .iter()
            .find(|state| {
                session.attribute(state, "class").contains("kind-match")
                    || session.attribute(state, "class").contains("destructive")
            })
            .or_else(|| states.first())
            .expect("a state");
        let keys: Vec<String> = session
            .attribute(chosen, "data-lines")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        assert!(
            !keys.is_empty(),
            "{example}: the chosen state has policy lines"
        );
        let state_id = session.attribute(chosen, "data-id");
        session.click(&format!("g.state[data-id=\"{state_id}\"]"));
        let selected_lines: Vec<String> = session
            .elements(".line.selected")
            .iter()
            .map(|line| session.attribute(line, "data-key"))
            .collect();
        assert_eq!(
            selected_lines, keys,
            "{example}: the state's lines are highlighted"
        );
        let line_text = session.get(&format!(
            "/element/{}/text",
            session.elements(".line.selected")[0]
        ));
        assert!(
            line_text
                .as_str()
                .is_some_and(|text| !text.trim().is_empty()),
            "{example}: {state_id} points at text"
        );

        // Clicking that line highlights the states behind it, the chosen one among them.
        session.click(&format!(".line[data-key=\"{}\"]", keys[0]));
        let selected_states: Vec<String> = session
            .elements("g.state.selected")
            .iter()
            .map(|state| session.attribute(state, "data-id"))
            .collect();
        assert!(
            selected_states.contains(&state_id),
            "{example}: {state_id} not among {selected_states:?}"
        );

        let screenshot = session.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(screenshot.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        assert!(png.starts_with(b"\x89PNG"), "{example}: a PNG screenshot");
        std::fs::write(artifacts.join(format!("{example}.png")), png).expect("screenshot saved");
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
