//! Measures keel's LLM boundary against a real model and prints the
//! figures for README.md:
//!
//! * slot filling on `runtime/tests/data/slot_corpus.jsonl` (201 labelled
//!   replies) and on `llm/tests/data/intent_beyond_rules.jsonl` (40 yes/no
//!   and options replies worded beyond the rules): the rules alone, then
//!   rules + the model where the rules find a yes/no or options reply
//!   unclear, with the latency of each fill;
//! * canonicalisation on `llm/tests/data/extraction.jsonl` (the sentences
//!   of it the rules do not read): how many of the model's rewrites the
//!   compiler accepts.
//!
//! Needs `KEEL_LLM_BASE_URL` and `KEEL_LLM_MODEL` (for instance from
//! `scripts/local-llm/start.sh`):
//! `cargo run -p keel-llm --example figures`.

// A example: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use keel_compiler::lock::Lock;
use keel_compiler::{Source, compile};
use keel_llm::intent::LlmInterpreter;
use keel_llm::{Client, Config};
use keel_runtime::slots::{Answer, Question, understand};
use keel_runtime::{Date, IntentQuestion, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const OPTIONS: [&str; 3] = ["Discount Offer", "Shipping Upgrade", "Future Discount"];
const PROMPT: &str = "Can you confirm that your order #1031 was delivered?";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|error| {
        eprintln!("cannot read {path}: {error}");
        std::process::exit(2)
    })
}

fn order(id: &str, date: &str, items: &str, status: &str) -> Value {
    Value::record(vec![
        (Arc::from("id"), Value::text(id)),
        (
            Arc::from("created_at"),
            Value::Date(Date::parse_iso(date).unwrap_or(Date(0))),
        ),
        (Arc::from("items"), Value::text(items)),
        (Arc::from("status"), Value::text(status)),
    ])
}

/// The corpus test's rendering of an answer (`runtime/tests/it/corpus.rs`).
fn shown(slot: &str, answer: &Answer, items: &[Value]) -> String {
    let plain = match answer {
        Answer::Human => return "human".to_string(),
        Answer::Unclear => return "unclear".to_string(),
        Answer::Repair(intent) => return intent.name().to_string(),
        Answer::Value(Value::Text(text)) => text.to_string(),
        Answer::Value(Value::Number(number)) => format!("number:{number}"),
        Answer::Value(Value::Date(date)) => format!("date:{}", date.iso()),
        Answer::Value(other) => format!("{other:?}"),
        Answer::Yes => "yes".to_string(),
        Answer::No => "no".to_string(),
        Answer::Option(index) => format!("option:{}", OPTIONS.get(*index).unwrap_or(&"?")),
        Answer::Decline => "decline".to_string(),
        Answer::Item(index) => format!(
            "item:{}",
            items
                .get(*index)
                .and_then(|item| item.field("id"))
                .and_then(Value::as_text)
                .unwrap_or("?")
        ),
        Answer::Items(indexes) => format!("items:{indexes:?}"),
        Answer::NoneOfThem => "none".to_string(),
    };
    if matches!(slot, "email" | "text") {
        format!("{slot}:{plain}")
    } else {
        plain
    }
}

fn percent(right: usize, total: usize) -> String {
    format!(
        "{right}/{total} = {:.1} %",
        100.0 * right as f64 / total.max(1) as f64
    )
}

fn latency_line(latencies: &mut [Duration]) -> String {
    if latencies.is_empty() {
        return "no calls".to_string();
    }
    latencies.sort();
    let total: Duration = latencies.iter().sum();
    let mean = total / latencies.len() as u32;
    let median = latencies[latencies.len() / 2];
    let max = latencies[latencies.len() - 1];
    format!(
        "{} calls, mean {:.2} s, median {:.2} s, max {:.2} s",
        latencies.len(),
        mean.as_secs_f64(),
        median.as_secs_f64(),
        max.as_secs_f64()
    )
}

fn slots(interpreter: &mut LlmInterpreter, corpus: &str) {
    let today = Date::from_ymd(2026, 3, 10).unwrap_or(Date(0));
    let items = vec![
        order("1042", "2026-03-04", "Trail running shoes", "Shipped"),
        order("1039", "2026-03-01", "Merino wool sweater", "In transit"),
        order("1031", "2026-02-18", "Ceramic mug set", "Delivered"),
    ];
    let mut per_slot: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut latencies = Vec::new();
    let mut changes = Vec::new();
    for line in read(corpus).lines() {
        let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let slot = row["slot"].as_str().unwrap_or_default();
        let reply = row["reply"].as_str().unwrap_or_default();
        let expected = row["expect"].as_str().unwrap_or_default();
        let question = match slot {
            "email" => Question::Email,
            "yes_no" => Question::YesNo { prompt: PROMPT },
            "options" => Question::Options(&OPTIONS),
            "item" => Question::Item(&items),
            "number" => Question::Number,
            "date" => Question::Date,
            _ => Question::Text,
        };
        let rules = understand(question, reply, today);
        let by_rules = shown(slot, &rules.answer, &items);
        let mut with_model = by_rules.clone();
        let closed: Option<Vec<String>> = match slot {
            "yes_no" => Some(vec!["yes".to_string(), "no".to_string()]),
            "options" => Some(OPTIONS.iter().map(|option| option.to_string()).collect()),
            _ => None,
        };
        if let (Answer::Unclear, Some(options)) = (&rules.answer, closed) {
            let prompt = if slot == "yes_no" {
                PROMPT.to_string()
            } else {
                format!(
                    "I can offer you one of these:\n1. {}\n2. {}\n3. {}\nWhich would you like? If none of them suits you, just say no.",
                    OPTIONS[0], OPTIONS[1], OPTIONS[2]
                )
            };
            let question = IntentQuestion {
                state: "figures".to_string(),
                prompt,
                reply: reply.to_string(),
                options,
            };
            let started = Instant::now();
            let interpretation = keel_runtime::block_on(interpreter.ask(&question))
                .unwrap_or_else(|_| std::process::exit(2));
            latencies.push(started.elapsed());
            with_model = match interpretation.chosen.as_str() {
                "unclear" => "unclear".to_string(),
                "yes" | "no" => interpretation.chosen.clone(),
                option => format!("option:{option}"),
            };
            if let Some(error) = &interpretation.error {
                with_model = "unclear".to_string();
                changes.push(format!("  error on {reply:?}: {error}"));
            }
            changes.push(format!(
                "  {slot} {reply:?}: rules unclear → model {with_model} (expected {expected})"
            ));
        }
        let counts = per_slot.entry(slot.to_string()).or_default();
        counts[0] += 1;
        counts[1] += usize::from(by_rules == expected);
        counts[2] += usize::from(with_model == expected);
    }
    let total: usize = per_slot.values().map(|counts| counts[0]).sum();
    let rules: usize = per_slot.values().map(|counts| counts[1]).sum();
    let model: usize = per_slot.values().map(|counts| counts[2]).sum();
    println!();
    println!("## Slot filling ({total} labelled replies, {corpus})");
    println!("rules alone:        {}", percent(rules, total));
    println!("rules + the model:  {}", percent(model, total));
    for (slot, counts) in &per_slot {
        println!(
            "  {slot:8} rules {}   rules + model {}",
            percent(counts[1], counts[0]),
            percent(counts[2], counts[0])
        );
    }
    println!("latency per LLM fill: {}", latency_line(&mut latencies));
    println!("replies the model was asked about:");
    for change in &changes {
        println!("{change}");
    }
}

fn extraction(client: &Client) {
    let catalogs = [
        "examples/single_order_cancellation/catalog.toml",
        "examples/magento_cancel_retention/catalog.toml",
    ]
    .map(|path| Source::new(path, read(path)));
    let mut total = 0;
    let mut accepted = 0;
    let mut covered = Vec::new();
    let mut latencies = Vec::new();
    let mut lines = Vec::new();
    for line in read("llm/tests/data/extraction.jsonl").lines() {
        let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let sentence = row["sentence"].as_str().unwrap_or_default();
        // Only sentences the rules leave unread count.
        let policies = [Source::new("figures.md", format!("1. {sentence}\n"))];
        let probe = compile(&policies, &catalogs);
        let Some(unread) = probe.unread.first() else {
            covered.push(sentence.to_string());
            continue;
        };
        total += 1;
        let started = Instant::now();
        let answer = keel_runtime::block_on(keel_llm::extraction::rewrite(
            client,
            unread,
            &probe.catalog,
        ))
        .unwrap_or_else(|_| std::process::exit(2));
        latencies.push(started.elapsed());
        let verdict = match &answer {
            Ok(rewrite) => match keel_compiler::lock::accept(
                &policies,
                &catalogs,
                &Lock::new("figures"),
                unread,
                rewrite,
            ) {
                Ok(()) => {
                    accepted += 1;
                    format!("accepted: {rewrite:?}")
                }
                Err(why) => format!("rejected ({why}): {rewrite:?}"),
            },
            Err(error) => format!("error: {error}"),
        };
        lines.push(format!("  {sentence:?}: {verdict}"));
    }
    println!();
    println!(
        "## Canonicalisation ({total} sentences the rules do not read, llm/tests/data/extraction.jsonl)"
    );
    println!(
        "rewrites accepted by the compiler: {}",
        percent(accepted, total)
    );
    println!("latency per sentence: {}", latency_line(&mut latencies));
    if !covered.is_empty() {
        println!("read by the rules, left out: {covered:?}");
    }
    for line in &lines {
        println!("{line}");
    }
}

fn main() {
    let config = match Config::from_env(|name| std::env::var(name).ok()) {
        Ok(Some(config)) => config,
        Ok(None) => {
            eprintln!(
                "figures: set KEEL_LLM_BASE_URL and KEEL_LLM_MODEL (scripts/local-llm/start.sh prints them)"
            );
            std::process::exit(2)
        }
        Err(error) => {
            eprintln!("figures: {error}");
            std::process::exit(2)
        }
    };
    println!("model: {} at {}", config.model, config.base_url);
    let client = match Client::new(config) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("figures: {error}");
            std::process::exit(2)
        }
    };
    let mut interpreter = LlmInterpreter::new(client.clone());
    slots(&mut interpreter, "runtime/tests/data/slot_corpus.jsonl");
    slots(&mut interpreter, "llm/tests/data/intent_beyond_rules.jsonl");
    extraction(&client);
}
