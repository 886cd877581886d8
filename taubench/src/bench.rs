//! The driver: compile the example policy once, play every task of
//! `derived/cancel_candidates.json` through it, score the final DB and the
//! bot's messages, and aggregate pass^k per split.

use crate::backend::{Backend, Db};
use crate::user::{Annotation, Facts, Rng, User};
use keel_runtime::{Conversation, Date, Machine};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;

/// How the customer phrases things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Canonical answers.
    Structured,
    /// Seeded variations of each answer.
    Natural,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The phrasing.
    pub mode: Mode,
    /// Seeds per task (k).
    pub seeds: u64,
    /// Only these splits (`train`, `dev`, `test`), or all when empty.
    pub splits: Vec<String>,
    /// At most this many tasks per split (all when `None`).
    pub limit: Option<usize>,
}

/// One task's runs.
#[derive(Clone, Debug)]
pub struct TaskResult {
    /// `split/index`.
    pub name: String,
    /// The split.
    pub split: String,
    /// The tier in `cancel_candidates.json`.
    pub tier: String,
    /// Per seed: `None` when it passed, else why not.
    pub runs: Vec<Option<String>>,
}

/// All the results.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Per task.
    pub tasks: Vec<TaskResult>,
}

/// Everything a run needs, loaded once.
pub struct Bench {
    machine: Machine,
    fresh: Db,
    tasks: Vec<Json>,
    annotations: BTreeMap<String, Annotation>,
}

impl Bench {
    /// Compiles the example policy and loads the data from `data`.
    pub fn load(data: &Path) -> Result<Bench, String> {
        let example = crate::example_dir();
        let read = |name: &str| {
            std::fs::read_to_string(example.join(name))
                .map_err(|error| format!("cannot read {}: {error}", example.join(name).display()))
        };
        let compilation = keel_compiler::compile(
            &[keel_compiler::Source::new("policy.md", read("policy.md")?)],
            &[keel_compiler::Source::new(
                "catalog.toml",
                read("catalog.toml")?,
            )],
        );
        let errors: Vec<String> = compilation
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| format!("{}: {}", diagnostic.code, diagnostic.message))
            .collect();
        if !errors.is_empty() {
            return Err(format!("the policy does not compile: {errors:?}"));
        }
        let machine = Machine::new(compilation.artifact())
            .map_err(|error| format!("the machine: {error:?}"))?;
        let fresh = Db::load(data)?;
        let path = data.join("derived/cancel_candidates.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let json: Json =
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        let mut tasks = json["tasks"].as_array().cloned().unwrap_or_default();
        // Template tasks carry no instruction here: take it from the
        // τ-bench task file (the instruction only, never the actions).
        let mut splits: BTreeMap<String, Json> = BTreeMap::new();
        for task in &mut tasks {
            if task["instruction"].is_string() {
                continue;
            }
            let split = task["split"].as_str().unwrap_or_default().to_string();
            if !splits.contains_key(&split) {
                let path = data.join(format!("tau-bench/retail/tasks_{split}.json"));
                let text = std::fs::read_to_string(&path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                let parsed: Json = serde_json::from_str(&text)
                    .map_err(|error| format!("{}: {error}", path.display()))?;
                splits.insert(split.clone(), parsed);
            }
            let index = task["index"].as_u64().unwrap_or(u64::MAX) as usize;
            let instruction = splits
                .get(&split)
                .and_then(|file| file.get(index))
                .and_then(|original| original.get("instruction"))
                .cloned()
                .unwrap_or(Json::Null);
            if let Some(object) = task.as_object_mut() {
                object.insert("instruction".to_string(), instruction);
            }
        }
        let facts_path = crate::facts_path();
        let annotations = crate::user::annotations(
            &std::fs::read_to_string(&facts_path)
                .map_err(|error| format!("cannot read {}: {error}", facts_path.display()))?,
        )?;
        Ok(Bench {
            machine,
            fresh,
            tasks,
            annotations,
        })
    }

    /// Runs the selected tasks.
    pub fn run(&self, options: &Options) -> Report {
        let mut report = Report::default();
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        for task in &self.tasks {
            let split = task["split"].as_str().unwrap_or("?").to_string();
            if !options.splits.is_empty() && !options.splits.contains(&split) {
                continue;
            }
            let count = taken.entry(split.clone()).or_default();
            if options.limit.is_some_and(|limit| *count >= limit) {
                continue;
            }
            *count += 1;
            let index = task["index"].as_u64().unwrap_or(0);
            let runs = (0..options.seeds.max(1))
                .map(|seed| {
                    let rng = match options.mode {
                        Mode::Structured => None,
                        Mode::Natural => Some(Rng::new(seed * 1_000_003 + index)),
                    };
                    self.run_task(task, rng, None).err()
                })
                .collect();
            report.tasks.push(TaskResult {
                name: format!("{split}/{index}"),
                split,
                tier: task["tier"].as_str().unwrap_or("?").to_string(),
                runs,
            });
        }
        report
    }

    /// The task `split/index`, if it is one of the candidates.
    pub fn task(&self, name: &str) -> Option<&Json> {
        self.tasks.iter().find(|task| {
            format!(
                "{}/{}",
                task["split"].as_str().unwrap_or("?"),
                task["index"].as_u64().unwrap_or(u64::MAX)
            ) == name
        })
    }

    /// One conversation of one task; `Err` says why it failed. With
    /// `trace`, the whole conversation is written there.
    pub fn run_task(
        &self,
        task: &Json,
        rng: Option<Rng>,
        trace: Option<&mut String>,
    ) -> Result<(), String> {
        let today = Date::from_ymd(2024, 5, 15).ok_or("a date")?;
        let mut backend = Backend::new(self.fresh.clone());
        let mut user = User::new(Facts::of(task, &self.annotations)?, rng);
        let mut transcript = String::new();
        let tracing = trace.is_some();
        let mut conversation = Conversation::new(&self.machine, today);
        let mut first = conversation.start_blocking(&mut backend);
        let mut said: Vec<String> = Vec::new();
        for _ in 0..64 {
            let messages: Vec<String> = conversation
                .messages_since(first)
                .map(str::to_string)
                .collect();
            said.extend(messages.iter().cloned());
            if !conversation.waits_for_user() {
                break;
            }
            // The customer reads everything the bot said this turn.
            let last = messages.join("\n");
            let Some(reply) = user.reply(&last) else {
                break;
            };
            if tracing {
                transcript.push_str(&format!("bot: {last}\nuser: {reply}\n"));
            }
            first = conversation.reply_blocking(&reply, &mut backend);
        }
        if let Some(trace) = trace {
            if let Some(last) = said.last() {
                transcript.push_str(&format!("bot: {last}\n"));
            }
            trace.push_str(&transcript);
        }
        let outcome = conversation
            .session()
            .outcome()
            .unwrap_or("unfinished")
            .to_string();
        let mut expected = self.fresh.clone();
        apply_delta(&mut expected, &task["expected_delta"]);
        if let Some(difference) = first_difference(&expected, &backend.db) {
            let last = said.last().map_or("", String::as_str);
            return Err(format!(
                "outcome `{outcome}`; DB differs: {difference}; last bot message {last:?}"
            ));
        }
        let text = said.join("\n").to_lowercase().replace(',', "");
        for output in task["outputs"].as_array().into_iter().flatten() {
            let output = output.as_str().unwrap_or_default().to_lowercase();
            if !text.contains(&output) {
                return Err(format!(
                    "outcome `{outcome}`; required output \"{output}\" never said"
                ));
            }
        }
        Ok(())
    }
}

/// The fresh DB plus the task's expected writes.
fn apply_delta(db: &mut Db, delta: &Json) {
    if let Some(orders) = delta["orders"].as_object() {
        for (id, order) in orders {
            db.orders.insert(id.clone(), order.clone());
        }
    }
    for card in delta["gift_card_balances"].as_array().into_iter().flatten() {
        let (Some(user), Some(method)) =
            (card["user_id"].as_str(), card["payment_method_id"].as_str())
        else {
            continue;
        };
        if let Some(entry) = db
            .users
            .get_mut(user)
            .and_then(|user| user.get_mut("payment_methods"))
            .and_then(|methods| methods.get_mut(method))
        {
            entry["balance"] = card["balance_after"].clone();
        }
    }
}

/// Equal as data, numbers by value (to the cent).
fn same(left: &Json, right: &Json) -> bool {
    match (left, right) {
        (Json::Number(a), Json::Number(b)) => {
            let cents = |n: &serde_json::Number| (n.as_f64().unwrap_or(f64::NAN) * 100.0).round();
            cents(a) == cents(b)
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| same(x, y)))
        }
        _ => left == right,
    }
}

fn first_difference(expected: &Db, actual: &Db) -> Option<String> {
    let tables = [
        ("users", &expected.users, &actual.users),
        ("orders", &expected.orders, &actual.orders),
        ("products", &expected.products, &actual.products),
    ];
    for (table, want, got) in tables {
        if want.len() != got.len() {
            return Some(format!("{table}: {} vs {} records", want.len(), got.len()));
        }
        for (key, value) in want {
            match got.get(key) {
                Some(other) if same(value, other) => {}
                Some(other) => {
                    let status = |v: &Json| v["status"].as_str().unwrap_or("-").to_string();
                    return Some(format!(
                        "{table} {key} (expected status {}, got {})",
                        status(value),
                        status(other)
                    ));
                }
                None => return Some(format!("{table} {key} missing")),
            }
        }
    }
    None
}

/// pass^k as τ-bench estimates it: per task C(c, k) / C(n, k) with c
/// passes out of n runs, averaged.
pub fn pass_hat_k(tasks: &[&TaskResult], k: usize) -> Option<f64> {
    if tasks.is_empty() {
        return None;
    }
    let choose = |n: usize, k: usize| -> f64 {
        if k > n {
            return 0.0;
        }
        (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
    };
    let mut sum = 0.0;
    for task in tasks {
        let n = task.runs.len();
        if k > n {
            return None;
        }
        let c = task.runs.iter().filter(|run| run.is_none()).count();
        sum += choose(c, k) / choose(n, k);
    }
    Some(sum / tasks.len() as f64)
}

impl Report {
    /// Tasks that failed at least once, with the first reason.
    pub fn failures(&self) -> Vec<(&TaskResult, &str)> {
        self.tasks
            .iter()
            .filter_map(|task| {
                task.runs
                    .iter()
                    .flatten()
                    .next()
                    .map(|reason| (task, reason.as_str()))
            })
            .collect()
    }

    /// The report as text: pass^1…pass^k per split, then the failures.
    pub fn to_text(&self, title: &str) -> String {
        let mut out = format!("{title}\n");
        let mut splits: BTreeMap<&str, Vec<&TaskResult>> = BTreeMap::new();
        for task in &self.tasks {
            splits.entry(task.split.as_str()).or_default().push(task);
            splits.entry("all").or_default().push(task);
        }
        for (split, tasks) in &splits {
            let k = tasks.iter().map(|task| task.runs.len()).min().unwrap_or(0);
            let figures: Vec<String> = (1..=k)
                .filter_map(|k| {
                    pass_hat_k(tasks, k).map(|p| format!("pass^{k} {:.1} %", p * 100.0))
                })
                .collect();
            out.push_str(&format!(
                "  {split:<6} {:>3} tasks  {}\n",
                tasks.len(),
                figures.join("  ")
            ));
        }
        for (task, reason) in self.failures() {
            let failed = task.runs.iter().filter(|run| run.is_some()).count();
            out.push_str(&format!(
                "  FAIL {} [{}] {failed}/{} runs: {reason}\n",
                task.name,
                task.tier,
                task.runs.len()
            ));
        }
        out
    }
}
