//! The τ-bench retail tasks of every split (`tasks_{train,dev,test}.json`)
//! and how a conversation is scored, as τ-bench's `Env.calculate_reward`
//! does: the final database must equal a fresh database after the task's
//! gold actions (every action except `transfer_to_human_agents`, τ-bench's
//! terminating tool), and every required output must appear in one of the
//! bot's messages (lower case, commas removed).
//!
//! The gold actions are read here, by the scorer, and nowhere else: the
//! simulated customer gets only the instruction.

use crate::db::Db;
use serde_json::{Map, Value as Json};
use std::path::Path;

/// The splits, in the order reports list them.
pub const SPLITS: &[&str] = &["train", "dev", "test"];

/// One τ-bench task.
#[derive(Clone, Debug)]
pub struct Task {
    /// `train`, `dev` or `test`.
    pub split: String,
    /// Its index in the split's file.
    pub index: usize,
    /// The account the task is about (never shown to the customer).
    pub user_id: String,
    /// What the customer is told to do: the only thing the customer reads.
    pub instruction: String,
    /// The gold actions (scorer only).
    actions: Vec<(String, Map<String, Json>)>,
    /// Texts the bot must say.
    pub outputs: Vec<String>,
}

impl Task {
    /// `split/index`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.split, self.index)
    }

    /// The names of the gold writes (for reports: which kinds of request a
    /// task needs), in order; reads left out.
    pub fn gold_writes(&self) -> Vec<&str> {
        self.actions
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| {
                !matches!(
                    *name,
                    "find_user_id_by_email"
                        | "find_user_id_by_name_zip"
                        | "get_user_details"
                        | "get_order_details"
                        | "get_product_details"
                        | "list_all_product_types"
                        | "calculate"
                        | "think"
                )
            })
            .collect()
    }

    /// The database the conversation must leave behind: `fresh` after the
    /// gold actions, replayed through the same tools.
    pub fn expected(&self, fresh: &Db) -> Db {
        let mut db = fresh.clone();
        for (name, args) in &self.actions {
            if name != "transfer_to_human_agents" {
                db.invoke(name, args);
            }
        }
        db
    }

    /// Why the conversation fails the task, if it does: the first table
    /// record that differs from the expected database, or a required output
    /// the bot never said.
    pub fn score(&self, expected: &Db, actual: &Db, said: &[String]) -> Result<(), String> {
        if let Some(difference) = first_difference(expected, actual) {
            return Err(format!("DB differs: {difference}"));
        }
        let text = said.join("\n").to_lowercase().replace(',', "");
        for output in &self.outputs {
            let output = output.to_lowercase();
            if !text.contains(&output) {
                return Err(format!("required output \"{output}\" never said"));
            }
        }
        Ok(())
    }
}

/// Loads every task of the splits.
pub fn load(data: &Path) -> Result<Vec<Task>, String> {
    let mut tasks = Vec::new();
    for split in SPLITS {
        let path = data.join(format!("tau-bench/retail/tasks_{split}.json"));
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let parsed: Json =
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        let Some(list) = parsed.as_array() else {
            return Err(format!("{}: not a list of tasks", path.display()));
        };
        for (index, task) in list.iter().enumerate() {
            let text = |name: &str| task[name].as_str().unwrap_or_default().to_string();
            let actions = task["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|action| {
                    (
                        action["name"].as_str().unwrap_or_default().to_string(),
                        action["kwargs"].as_object().cloned().unwrap_or_default(),
                    )
                })
                .collect();
            tasks.push(Task {
                split: split.to_string(),
                index,
                user_id: text("user_id"),
                instruction: text("instruction"),
                actions,
                outputs: task["outputs"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|output| output.as_str().map(str::to_string))
                    .collect(),
            });
        }
    }
    Ok(tasks)
}

/// Equal as data, numbers by value to the cent (τ-bench hashes `str()` of
/// its floats; both sides here went through the same arithmetic).
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

/// The first record that differs, described.
pub fn first_difference(expected: &Db, actual: &Db) -> Option<String> {
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
                    let fields: Vec<&str> = value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(field, x)| !other.get(field.as_str()).is_some_and(|y| same(x, y)))
                        .map(|(field, _)| field.as_str())
                        .collect();
                    return Some(format!(
                        "{table} {key}: {} (expected status {}, got {})",
                        if fields.is_empty() {
                            "extra fields".to_string()
                        } else {
                            fields.join(", ")
                        },
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
