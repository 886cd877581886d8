//! Benchmark of keel's runtime on the Shopify WISMO example, against a
//! hand-written Rust `match` state machine for the same flow (the floor).
//!
//! Prints user turns per second, per-turn latency p50/p99, instructions per
//! user turn (by running itself under `valgrind --tool=callgrind`, which
//! counts instructions repeatably on noisy machines), and memory per parked
//! session (10,000 sessions waiting at an ask, by resident-set growth), with
//! keel's ratio to the floor for each. Run with
//! `cargo bench -p keel-runtime --bench turns`.

// A bench: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use keel_compiler::compile;
use keel_runtime::{
    BlockingTools, Conversation, Date, DemoStore, Event, Machine, Output, Session, ToolOutcome,
    Value, advance,
};
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

/// The allocator keel's binaries use (`src/main.rs`), so the bench counts
/// what they run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The scripted conversations: every status of the catalog.
const SCRIPTS: &[&[&str]] = &[
    &["maya@example.com", "the shoes"],
    &["sam@example.com", "#1051"],
    &["hi, it's sam@example.com", "the second one"],
    &["sam@example.com", "1045"],
    &["maya@example.com", "the sweater"],
    &["lee@example.com", "the rain jacket"],
    &["maya@example.com", "the third one", "yes, it arrived"],
    &["lee@example.com", "the last one"],
];

fn today() -> Date {
    Date::from_ymd(2026, 3, 10).unwrap_or(Date(0))
}

fn machine() -> Machine {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs = keel_compiler::load(&["examples/shopify_wismo/policy.md"], |path| {
        std::fs::read_to_string(root.join(path))
    })
    .unwrap_or_else(|error| panic!("{error}"));
    let compilation = compile(&inputs.policies, &inputs.catalogs);
    assert!(
        !compilation.has_errors(),
        "the Shopify example does not compile"
    );
    Machine::new(compilation.artifact()).unwrap_or_else(|error| panic!("{error}"))
}

fn user_turns() -> usize {
    SCRIPTS.iter().map(|script| script.len()).sum()
}

/// One pass over the scripts with keel; returns the number of user turns.
fn keel_pass(
    machine: &Machine,
    store: &mut DemoStore,
    mut latencies: Option<&mut Vec<u64>>,
) -> usize {
    let mut turns = 0;
    for script in SCRIPTS {
        let mut conversation = Conversation::new(machine, today());
        conversation.start_blocking(store);
        for reply in *script {
            let started = latencies.as_ref().map(|_| Instant::now());
            conversation.reply_blocking(reply, store);
            if let (Some(latencies), Some(started)) = (latencies.as_deref_mut(), started) {
                latencies.push(started.elapsed().as_nanos() as u64);
            }
            turns += 1;
        }
        assert!(
            conversation.session().is_finished(),
            "{script:?} did not finish"
        );
        black_box(&conversation);
    }
    turns
}

mod floor {
    //! The same WISMO flow written by hand: a `match` over an enum of
    //! states, plain structs, `format!` for messages.

    use super::*;

    pub(super) struct Order {
        pub(super) id: String,
        pub(super) status: String,
        pub(super) created_at: Date,
        pub(super) items: String,
        pub(super) total: String,
        pub(super) shipment_date: Option<Date>,
        pub(super) tracking_number: Option<String>,
        pub(super) estimated_delivery_date: Option<Date>,
        pub(super) owner: String,
    }

    pub(super) struct Store {
        pub(super) customers: Vec<String>,
        pub(super) orders: Vec<Order>,
    }

    #[derive(Clone, Copy, PartialEq)]
    pub(super) enum State {
        AskEmail { retried: bool, unclear: u8 },
        AskOrder { unclear: u8 },
        AskDelivered { unclear: u8 },
        Done,
    }

    pub(super) struct Bot {
        pub(super) state: State,
        pub(super) email: String,
        pub(super) orders: Vec<usize>,
        pub(super) order: usize,
        pub(super) today: Date,
    }

    fn long(date: Date) -> String {
        let (year, month, day) = date.ymd();
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!("{day} {} {year}", MONTHS[(month - 1) as usize])
    }

    impl Bot {
        pub(super) fn new(today: Date) -> (Bot, String) {
            (
                Bot {
                    state: State::AskEmail {
                        retried: false,
                        unclear: 0,
                    },
                    email: String::new(),
                    orders: Vec::new(),
                    order: 0,
                    today,
                },
                "Could you share your email address?".to_string(),
            )
        }

        pub(super) fn turn(&mut self, store: &Store, text: &str) -> Vec<String> {
            let lower = text.to_lowercase();
            if lower.contains("agent") || lower.contains("human") {
                self.state = State::Done;
                return vec![];
            }
            match self.state {
                State::AskEmail { retried, unclear } => {
                    let Some(email) = lower.split_whitespace().find(|word| word.contains('@'))
                    else {
                        self.state = if unclear >= 2 {
                            State::Done
                        } else {
                            State::AskEmail {
                                retried,
                                unclear: unclear + 1,
                            }
                        };
                        return vec!["Sorry, I couldn't find an email address in that. Could you share your email address?".to_string()];
                    };
                    let email = email
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_string();
                    if !store.customers.contains(&email) {
                        if retried {
                            self.state = State::Done;
                            return vec![];
                        }
                        self.state = State::AskEmail {
                            retried: true,
                            unclear: 0,
                        };
                        return vec!["I couldn't find anything for that email address. Could you check it and share it again?".to_string()];
                    }
                    self.orders = (0..store.orders.len())
                        .filter(|&index| store.orders[index].owner == email)
                        .collect();
                    self.email = email;
                    if self.orders.is_empty() {
                        self.state = State::Done;
                        return vec![];
                    }
                    let mut message = String::from("Here are your recent orders:\n");
                    for (position, &index) in self.orders.iter().enumerate() {
                        let order = &store.orders[index];
                        message.push_str(&format!(
                            "{}. Order #{}, placed {}: {}, {} ({})\n",
                            position + 1,
                            order.id,
                            long(order.created_at),
                            order.items,
                            order.total,
                            order.status
                        ));
                    }
                    message.push_str("Which order would you like to inquire about?");
                    self.state = State::AskOrder { unclear: 0 };
                    vec![message]
                }
                State::AskOrder { unclear } => {
                    let words: Vec<&str> = lower
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect();
                    let ordinals = ["first", "second", "third", "fourth", "fifth"];
                    let chosen = self
                        .orders
                        .iter()
                        .copied()
                        .find(|&index| words.contains(&store.orders[index].id.as_str()))
                        .or_else(|| {
                            words
                                .iter()
                                .find_map(|word| ordinals.iter().position(|o| o == word))
                                .and_then(|p| self.orders.get(p).copied())
                        })
                        .or_else(|| {
                            if words.contains(&"last") {
                                self.orders.last().copied()
                            } else {
                                None
                            }
                        })
                        .or_else(|| {
                            let matching: Vec<usize> = self
                                .orders
                                .iter()
                                .copied()
                                .filter(|&index| {
                                    let items = store.orders[index].items.to_lowercase();
                                    words.iter().any(|word| {
                                        word.len() > 3 && items.contains(word.trim_end_matches('s'))
                                    })
                                })
                                .collect();
                            if matching.len() == 1 {
                                Some(matching[0])
                            } else {
                                None
                            }
                        });
                    let Some(index) = chosen else {
                        self.state = if unclear >= 2 {
                            State::Done
                        } else {
                            State::AskOrder {
                                unclear: unclear + 1,
                            }
                        };
                        return vec!["Sorry, I couldn't tell which one you mean.".to_string()];
                    };
                    self.order = index;
                    let order = &store.orders[index];
                    self.state = State::Done;
                    let message = match order.status.as_str() {
                        "Approved" => format!("Your order #{} was approved and is waiting to be processed.", order.id),
                        "Processing" => format!("Your order #{} was processed and is waiting to be shipped.", order.id),
                        "Pending Shipment" => format!("Your order #{} is pending shipment. The shipment date is {}.", order.id, order.shipment_date.map_or_else(|| "not available yet".to_string(), long)),
                        "Shipped" => format!("Your order #{} was shipped and is waiting to be in transit. The tracking number is {}.", order.id, order.tracking_number.as_deref().unwrap_or("not available yet")),
                        "In transit" => match order.estimated_delivery_date {
                            Some(date) if self.today <= date => format!("Your order #{} is in transit. The expected delivery date is {}.", order.id, long(date)),
                            _ => "The route is delayed and your request will be transferred to an agent for investigation.".to_string(),
                        },
                        "Delivered" => {
                            self.state = State::AskDelivered { unclear: 0 };
                            return vec![
                                format!("Your order #{} was delivered.", order.id),
                                format!("Can you confirm that your order #{} was delivered?", order.id),
                            ];
                        }
                        _ => format!("Your order #{} was already canceled.", order.id),
                    };
                    vec![message]
                }
                State::AskDelivered { unclear } => {
                    let first = lower
                        .split(|c: char| !c.is_alphanumeric())
                        .next()
                        .unwrap_or("");
                    match first {
                        "yes" | "yep" | "yeah" | "sure" => self.state = State::Done,
                        "no" | "nope" => self.state = State::Done,
                        _ => {
                            self.state = if unclear >= 2 {
                                State::Done
                            } else {
                                State::AskDelivered {
                                    unclear: unclear + 1,
                                }
                            };
                            return vec![
                                "Sorry, I didn't catch that. Could you answer yes or no?"
                                    .to_string(),
                            ];
                        }
                    }
                    vec![]
                }
                State::Done => vec![],
            }
        }
    }

    /// Builds the floor's store from the same demo data.
    pub(super) fn store(today: Date) -> Store {
        let json: serde_json::Value =
            serde_json::from_str(keel_runtime::DEMO_STORE_JSON).unwrap_or_default();
        let date = |value: &serde_json::Value| -> Option<Date> {
            let text = value.as_str()?;
            let offset: i32 = text
                .strip_prefix("today")?
                .trim_start_matches('+')
                .parse()
                .unwrap_or(0);
            Some(today.plus_days(offset))
        };
        let text = |value: &serde_json::Value| value.as_str().map(str::to_string);
        let customers = json["customers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| text(&c["email"]))
            .collect();
        let mut orders: Vec<Order> = json["orders"]["shopify"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|order| Order {
                id: text(&order["id"]).unwrap_or_default(),
                status: text(&order["status"]).unwrap_or_default(),
                created_at: date(&order["created_at"]).unwrap_or(today),
                items: text(&order["items"]).unwrap_or_default(),
                total: format!("${}", order["total"]["amount"].as_str().unwrap_or("0")),
                shipment_date: date(&order["shipment_date"]),
                tracking_number: text(&order["tracking_number"]),
                estimated_delivery_date: date(&order["estimated_delivery_date"]),
                owner: text(&order["customer"]).unwrap_or_default(),
            })
            .collect();
        orders.sort_by_key(|order| std::cmp::Reverse(order.created_at));
        Store { customers, orders }
    }
}

fn floor_pass(store: &floor::Store, mut latencies: Option<&mut Vec<u64>>) -> usize {
    let mut turns = 0;
    for script in SCRIPTS {
        let (mut bot, greeting) = floor::Bot::new(today());
        black_box(greeting);
        for reply in *script {
            let started = latencies.as_ref().map(|_| Instant::now());
            black_box(bot.turn(store, reply));
            if let (Some(latencies), Some(started)) = (latencies.as_deref_mut(), started) {
                latencies.push(started.elapsed().as_nanos() as u64);
            }
            turns += 1;
        }
        assert!(
            bot.state == floor::State::Done,
            "the floor did not finish {script:?}"
        );
    }
    turns
}

fn percentile(sorted: &[u64], fraction: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

struct Speed {
    turns_per_second: f64,
    p50: u64,
    p99: u64,
}

fn measure(mut pass: impl FnMut(Option<&mut Vec<u64>>) -> usize) -> Speed {
    for _ in 0..200 {
        pass(None);
    }
    let rounds = 20_000;
    let started = Instant::now();
    let mut turns = 0;
    for _ in 0..rounds {
        turns += pass(None);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = Vec::with_capacity(rounds * user_turns());
    for _ in 0..rounds / 4 {
        pass(Some(&mut latencies));
    }
    latencies.sort_unstable();
    Speed {
        turns_per_second: turns as f64 / elapsed,
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
    }
}

/// Instructions for `rounds` passes, counted by callgrind on this binary.
fn callgrind(which: &str, rounds: usize) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["--count", which, &rounds.to_string()])
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr.lines().find_map(|line| {
        let (_, count) = line.split_once("Collected :")?;
        count.trim().replace(',', "").parse().ok()
    })
}

fn instructions_per_turn(which: &str) -> Option<f64> {
    let base = callgrind(which, 0)?;
    let rounds = 100;
    let loaded = callgrind(which, rounds)?;
    Some(loaded.saturating_sub(base) as f64 / (rounds * user_turns()) as f64)
}

fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|text| {
            text.split_whitespace()
                .nth(1)
                .and_then(|pages| pages.parse::<usize>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

/// Sessions parked at the first ask, and at the order choice holding
/// their own copy of the orders (no sharing with the store).
fn parked(machine: &Machine) -> (f64, f64, usize) {
    const COUNT: usize = 10_000;
    let before = resident_bytes();
    let mut sessions = Vec::with_capacity(COUNT);
    let vector_bytes = COUNT * std::mem::size_of::<Session>();
    let mut output = Output::default();
    for _ in 0..COUNT {
        let mut session = Session::new(machine, today());
        advance(machine, &mut session, &Event::Start, &mut output);
        output.clear();
        sessions.push(session);
    }
    let at_email =
        (resident_bytes().saturating_sub(before)).max(vector_bytes) as f64 / COUNT as f64;
    black_box(&sessions);
    drop(sessions);
    let mut store = DemoStore::embedded(today());
    let before = resident_bytes();
    let mut sessions = Vec::with_capacity(COUNT);
    for index in 0..COUNT {
        let mut session = Session::new(machine, today());
        advance(machine, &mut session, &Event::Start, &mut output);
        output.clear();
        let email = ["maya@example.com", "sam@example.com", "lee@example.com"][index % 3];
        advance(
            machine,
            &mut session,
            &Event::User(email.to_string()),
            &mut output,
        );
        while let Some(call) = output.effects.iter().find_map(|effect| match effect {
            keel_runtime::Effect::CallTool(call) => Some(call.clone()),
            _ => None,
        }) {
            output.clear();
            // A copy the session owns, as if it had come over the network.
            let outcome = match store.perform(&call) {
                ToolOutcome::Ok(value) => ToolOutcome::Ok(Value::from_json(&value.to_json())),
                other => other,
            };
            advance(
                machine,
                &mut session,
                &Event::ToolResult(keel_runtime::ToolResult {
                    call: call.id,
                    outcome,
                }),
                &mut output,
            );
        }
        output.clear();
        sessions.push(session);
    }
    let at_order = resident_bytes().saturating_sub(before) as f64 / COUNT as f64;
    black_box(&sessions);
    (at_email, at_order, std::mem::size_of::<Session>())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let machine = machine();
    if let Some(position) = args.iter().position(|arg| arg == "--count") {
        // Under callgrind: do the setup, then `rounds` passes, nothing else.
        let which = args.get(position + 1).cloned().unwrap_or_default();
        let rounds: usize = args
            .get(position + 2)
            .and_then(|text| text.parse().ok())
            .unwrap_or(0);
        let mut store = DemoStore::embedded(today());
        let floor_store = floor::store(today());
        for _ in 0..rounds {
            if which == "keel" {
                keel_pass(&machine, &mut store, None);
            } else {
                floor_pass(&floor_store, None);
            }
        }
        return;
    }
    println!(
        "keel runtime benchmark · Shopify WISMO · {} scripted conversations, {} user turns a pass",
        SCRIPTS.len(),
        user_turns()
    );
    let mut store = DemoStore::embedded(today());
    let keel = measure(|latencies| keel_pass(&machine, &mut store, latencies));
    let floor_store = floor::store(today());
    let hand = measure(|latencies| floor_pass(&floor_store, latencies));
    println!();
    println!("                          keel          floor (hand-written match)   keel / floor");
    println!(
        "user turns per second   {:>10.0}     {:>10.0}                     {:>6.2}× slower",
        keel.turns_per_second,
        hand.turns_per_second,
        hand.turns_per_second / keel.turns_per_second
    );
    println!(
        "latency p50 (ns)        {:>10}     {:>10}                     {:>6.2}×",
        keel.p50,
        hand.p50,
        keel.p50 as f64 / hand.p50.max(1) as f64
    );
    println!(
        "latency p99 (ns)        {:>10}     {:>10}                     {:>6.2}×",
        keel.p99,
        hand.p99,
        keel.p99 as f64 / hand.p99.max(1) as f64
    );
    match (
        instructions_per_turn("keel"),
        instructions_per_turn("floor"),
    ) {
        (Some(keel), Some(floor)) => println!(
            "instructions per turn   {keel:>10.0}     {floor:>10.0}                     {:>6.2}×   (target ≤ 10,000)",
            keel / floor
        ),
        _ => println!("instructions per turn   (valgrind not found: apt-get install valgrind)"),
    }
    let (at_email, at_order, inline) = parked(&machine);
    let floor_inline = std::mem::size_of::<floor::Bot>();
    println!(
        "bytes per parked session {:>9.0}     {:>10}                     {:>6.2}×   (10,000 at the email ask; target ≤ 1,024)",
        at_email,
        floor_inline,
        at_email / floor_inline as f64
    );
    println!(
        "  at the order choice, owning a copy of 2–3 orders: {at_order:.0} bytes; Session struct itself: {inline} bytes"
    );
}
