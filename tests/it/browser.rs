//! The review page in a real browser: Debian's Chromium driven headless over
//! the WebDriver protocol (chromedriver on loopback, spoken with reqwest).
//!
//! For each example: the page opens from `file://` (no network), the SVG has
//! one element per state, clicking a state highlights its policy lines,
//! clicking a line highlights its states, the graph opens fitted to the
//! window, a badge shows its hidden hand-off edges (and the hand-off shows
//! every edge into it), no conversation repair is drawn as an edge and a
//! correction badge shows its edges to the row under the graph, the zoom
//! buttons zoom, and the search box finds a state by step label or words
//! and brings it into view. Screenshots of the fitted page, a shown badge,
//! a shown repair badge and a search are saved under
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
        // Clicked through the page's own handler, the way a reviewer's click
        // reaches it (the graph pans itself; nothing is scrolled).
        let clicked = self.post(
            "/execute/sync",
            json!({"script": "var target = document.querySelector(arguments[0]); if (!target) { return false; } target.dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;",
                   "args": [selector]}),
        );
        assert_eq!(clicked, Value::Bool(true), "nothing matches {selector}");
    }

    /// Runs a script in the page and returns its value.
    fn script(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    /// The bounding box (left, top, right, bottom) of the first match, in
    /// the window's pixels.
    fn rect(&self, selector: &str) -> [f64; 4] {
        let value = self.script(
            "var r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];",
            json!([selector]),
        );
        let number = |index: usize| value[index].as_f64().unwrap_or(f64::NAN);
        [number(0), number(1), number(2), number(3)]
    }

    fn screenshot(&self, path: &Path) {
        let screenshot = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(screenshot.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(path, png).expect("screenshot saved");
    }
}

/// Whether `inner` lies inside `outer` (one pixel of slack).
fn inside(inner: [f64; 4], outer: [f64; 4]) -> bool {
    inner[0] >= outer[0] - 1.0
        && inner[1] >= outer[1] - 1.0
        && inner[2] <= outer[2] + 1.0
        && inner[3] <= outer[3] + 1.0
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
    for (example, folder) in [
        ("shopify_wismo", "examples/shopify_wismo"),
        ("bigcommerce_order_info", "examples/bigcommerce_order_info"),
        (
            "single_order_cancellation",
            "examples/single_order_cancellation",
        ),
        (
            "magento_cancel_retention",
            "examples/magento_cancel_retention",
        ),
        ("taubench_retail", "taubench/policy"),
    ] {
        let policy = format!("{folder}/policy.md");
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

        // Each condition's line says what it answers (issue 13 point 3),
        // as the listing's `<- step … takes …` lines do.
        let notes = session.elements(".line .anchor-note");
        let anchored = session.elements(".line[data-anchors]");
        assert_eq!(
            notes.len(),
            anchored.len(),
            "{example}: one note per line with conditions"
        );
        let note = notes.first().expect("every example has conditions");
        let text = session.get(&format!("/element/{note}/text"));
        assert!(
            text.as_str().is_some_and(|text| text.starts_with("↳ \"")
                && text.contains(" in ")
                && text.contains("(takes ")),
            "{example}: the note names the anchor: {text}"
        );

        // It opened fitted: the whole picture inside the graph's canvas.
        session.click("#fit");
        let canvas = session.rect("#canvas");
        assert!(
            inside(session.rect("svg.machine"), canvas),
            "{example}: the graph fits the window"
        );
        session.screenshot(&artifacts.join(format!("{example}.png")));

        // The badge edges (hand-offs and repairs) on show, by index.
        let shown = |session: &Session<'_>| -> Vec<String> {
            let value = session.script(
                "return Array.prototype.slice.call(document.querySelectorAll('g.transition.implicit')).filter(function (e) { return getComputedStyle(e).display !== 'none'; }).map(function (e) { return e.getAttribute('data-index'); });",
                json!([]),
            );
            value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|item| item.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        // A badge shows its hidden hand-off edges on a click, and hides them again.
        let badges = session.elements("g.badge:not(.repair)");
        assert!(
            !badges.is_empty(),
            "{example}: implicit hand-offs are badges"
        );
        let indices: Vec<String> = session
            .attribute(&badges[0], "data-transitions")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        assert!(!indices.is_empty());
        assert!(
            shown(&session).is_empty(),
            "{example}: hand-off edges start hidden"
        );
        let badge_kind = session.attribute(&badges[0], "data-kind");
        let first_badge = format!(
            "g.badge.badge-{badge_kind}[data-transitions=\"{}\"]",
            indices.join(" ")
        );
        session.click(&first_badge);
        assert_eq!(
            shown(&session),
            indices,
            "{example}: the badge's edges are drawn"
        );
        session.screenshot(&artifacts.join(format!("{example}-badge.png")));
        session.click(&first_badge);
        assert!(shown(&session).is_empty(), "{example}: and hidden again");
        // The hand-off the badges lead to shows every edge into it.
        let target = format!("g.state.badge-target.badge-{badge_kind}");
        let target_id = session.attribute(&session.elements(&target)[0], "data-id");
        session.click(&target);
        let into = session.elements(&format!("g.transition.implicit[data-to=\"{target_id}\"]"));
        assert_eq!(
            shown(&session).len(),
            into.len(),
            "{example}: every edge into {target_id}"
        );
        session.click(&target);
        assert!(shown(&session).is_empty(), "{example}: and hidden again");

        // Conversation repairs are badges too: no repair edge is drawn
        // until its badge is clicked, and a state's correction badge shows
        // its edges to the counters of the questions it goes back to, in
        // the row under the graph.
        let drawn_repairs = session.script(
            "return Array.prototype.slice.call(document.querySelectorAll('g.transition')).filter(function (e) { var label = e.getAttribute('data-label'); return (label === 'withdrawn' || label === 'start over' || label === 'corrected') && !e.classList.contains('implicit'); }).length;",
            json!([]),
        );
        assert_eq!(
            drawn_repairs,
            json!(0),
            "{example}: no repair edge is drawn"
        );
        let corrections = session.elements("g.badge.repair.badge-repair_corrected");
        assert!(!corrections.is_empty(), "{example}: corrections are badges");
        // The last state's (the lowest on the page, usually an ending).
        let correction = &corrections[corrections.len() - 1];
        let indices: Vec<String> = session
            .attribute(correction, "data-transitions")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let selector = format!(
            "g.badge.repair.badge-repair_corrected[data-transitions=\"{}\"]",
            indices.join(" ")
        );
        session.click(&selector);
        assert_eq!(
            shown(&session),
            indices,
            "{example}: the correction badge's edges are drawn"
        );
        for index in &indices {
            let edge = session.elements(&format!("g.transition[data-index=\"{index}\"]"));
            assert!(
                session.attribute(&edge[0], "class").contains("repair"),
                "{example}: edge {index} is drawn as a repair"
            );
            let to = session.attribute(&edge[0], "data-to");
            assert_eq!(
                session
                    .elements(&format!("g.state.badge-target[data-id=\"{to}\"]"))
                    .len(),
                1,
                "{example}: {to} is in the row"
            );
        }
        session.screenshot(&artifacts.join(format!("{example}-repair.png")));
        session.click(&selector);
        assert!(shown(&session).is_empty(), "{example}: and hidden again");

        // Zoom: the picture grows by the button's step, around the centre.
        let before = session.rect("svg.machine");
        session.click("#zoom-in");
        let after = session.rect("svg.machine");
        let ratio = (after[2] - after[0]) / (before[2] - before[0]);
        assert!((ratio - 1.25).abs() < 0.01, "{example}: zoomed by {ratio}");
        session.click("#zoom-out");
        session.click("#zoom-out");
        let smaller = session.rect("svg.machine");
        assert!(
            smaller[2] - smaller[0] < before[2] - before[0],
            "{example}: zoomed out"
        );

        // Search by step label: the state is found, marked and brought into view.
        let step = session.attribute(chosen, "data-step");
        assert!(!step.is_empty(), "{example}: {state_id} has a step label");
        session.script(
            "var box = document.getElementById('search'); box.value = arguments[0]; box.dispatchEvent(new Event('input'));",
            json!([step]),
        );
        let current = session.elements("g.state.current");
        assert_eq!(current.len(), 1, "{example}: one current match for {step}");
        assert_eq!(
            session.attribute(&current[0], "data-step"),
            step,
            "{example}"
        );
        let found_rect = session.rect("g.state.current");
        assert!(
            inside(found_rect, canvas),
            "{example}: the match is in view"
        );
        session.screenshot(&artifacts.join(format!("{example}-search.png")));
        // And by words: every state whose text holds them.
        session.script(
            "var box = document.getElementById('search'); box.value = 'hand-off'; box.dispatchEvent(new Event('input'));",
            json!([]),
        );
        let found = session.elements("g.state.found");
        let handoffs = session.elements("g.state.kind-escalate");
        assert!(
            found.len() >= handoffs.len() && !found.is_empty(),
            "{example}: words find states"
        );
        let counter = session.get(&format!("/element/{}/text", session.elements("#found")[0]));
        assert_eq!(
            counter.as_str().unwrap_or_default(),
            format!("1 of {}", found.len()),
            "{example}"
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
