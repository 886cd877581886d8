//! The driver: compile the retail policy once, play every task of every
//! split through it with the chosen customer, score each run as τ-bench does
//! ([`crate::tasks::Task::score`]), and aggregate pass^k per split.

use crate::backend::Backend;
use crate::customer::llm::LlmCustomer;
use crate::customer::scripted::{Rng, Scripted};
use crate::customer::{Customer, Script};
use crate::db::Db;
use crate::tasks::Task;
use keel_runtime::{Conversation, Date, Machine};
use std::collections::BTreeMap;
use std::path::Path;

/// Who plays the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The scripted customer, canonical answers (every run alike).
    Structured,
    /// The scripted customer, seeded paraphrases (runs differ in wording).
    Natural,
    /// A local model given only the instruction (runs differ by seed).
    Llm,
}

impl Mode {
    /// The mode's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Structured => "structured",
            Mode::Natural => "natural",
            Mode::Llm => "llm",
        }
    }
}

/// How the LLM customer is reached and sampled.
#[derive(Clone, Debug)]
pub struct LlmSettings {
    /// The client.
    pub client: keel_llm::Client,
    /// The sampling temperature (τ-bench leaves its provider's default, 1.0
    /// for OpenAI's models).
    pub temperature: f64,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Who plays the customer.
    pub mode: Mode,
    /// Runs per task (the k of pass^k goes up to this).
    pub runs: u64,
    /// Only these splits (`train`, `dev`, `test`), or all when empty.
    pub splits: Vec<String>,
    /// Only these tasks (`split/index`), or all when empty.
    pub tasks: Vec<String>,
    /// At most this many tasks per split (all when `None`).
    pub limit: Option<usize>,
}

/// One run of one task.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// `None` when it passed, else why not.
    pub failure: Option<String>,
    /// Whether the simulated customer misbehaved (left before the task was
    /// done, or said a fact that is in neither the instruction nor anything
    /// the bot said), and how — judged from the transcript.
    pub misbehaved: Option<String>,
    /// The conversation, `bot:` and `customer:` lines.
    pub transcript: String,
}

/// One task's runs.
#[derive(Clone, Debug)]
pub struct TaskResult {
    /// `split/index`.
    pub name: String,
    /// The split.
    pub split: String,
    /// The kinds of gold writes (for the report).
    pub writes: Vec<String>,
    /// Each run.
    pub runs: Vec<Run>,
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
    tasks: Vec<Task>,
    scripts: BTreeMap<String, Script>,
}

/// The policy's folder and entry file, compiled as `keel check` would.
pub fn compile(example: &Path) -> Result<Machine, String> {
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
    Machine::new(compilation.artifact()).map_err(|error| format!("the machine: {error:?}"))
}

impl Bench {
    /// Compiles the policy and loads the data from `data`.
    pub fn load(data: &Path) -> Result<Bench, String> {
        let machine = compile(&crate::example_dir())?;
        let fresh = Db::load(data)?;
        let tasks = crate::tasks::load(data)?;
        let path = crate::scripts_path();
        let scripts = crate::customer::scripts(
            &std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?,
        )?;
        Ok(Bench {
            machine,
            fresh,
            tasks,
            scripts,
        })
    }

    /// Every task.
    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The task `split/index`.
    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.iter().find(|task| task.name() == name)
    }

    /// The scripted customer's script for a task: its instruction parsed
    /// (template tasks), or its hand-written entry.
    pub fn script(&self, task: &Task) -> Result<Script, String> {
        match crate::customer::template::parse(&task.instruction) {
            Ok(script) => Ok(script),
            Err(template_error) => self.scripts.get(&task.name()).cloned().ok_or_else(|| {
                format!(
                    "no script: not a template ({template_error}) and not in data/customers.toml"
                )
            }),
        }
    }

    /// The tasks `options` select, in order.
    pub fn selected(&self, options: &Options) -> Vec<&Task> {
        let mut out = Vec::new();
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        for task in &self.tasks {
            if !options.splits.is_empty() && !options.splits.contains(&task.split) {
                continue;
            }
            if !options.tasks.is_empty() && !options.tasks.contains(&task.name()) {
                continue;
            }
            let count = taken.entry(task.split.clone()).or_default();
            if options.limit.is_some_and(|limit| *count >= limit) {
                continue;
            }
            *count += 1;
            out.push(task);
        }
        out
    }

    /// Runs the selected tasks.
    pub fn run(&self, options: &Options, llm: Option<&LlmSettings>) -> Report {
        let mut report = Report::default();
        for task in self.selected(options) {
            let runs = (0..options.runs.max(1))
                .map(|seed| self.run_task(task, options.mode, seed, llm))
                .collect();
            report.tasks.push(TaskResult {
                name: task.name(),
                split: task.split.clone(),
                writes: task.gold_writes().into_iter().map(str::to_string).collect(),
                runs,
            });
        }
        report
    }

    /// One conversation of one task.
    pub fn run_task(&self, task: &Task, mode: Mode, seed: u64, llm: Option<&LlmSettings>) -> Run {
        let mut customer: Box<dyn Customer> = match mode {
            Mode::Structured | Mode::Natural => match self.script(task) {
                Ok(script) => {
                    let rng = (mode == Mode::Natural)
                        .then(|| Rng::new(seed * 1_000_003 + task.index as u64));
                    Box::new(Scripted::new(script, rng))
                }
                Err(error) => {
                    return Run {
                        failure: Some(error),
                        ..Run::default()
                    };
                }
            },
            Mode::Llm => {
                let Some(settings) = llm else {
                    return Run {
                        failure: Some("no LLM configured".to_string()),
                        ..Run::default()
                    };
                };
                let sampling = keel_llm::Sampling {
                    temperature: settings.temperature,
                    seed,
                };
                match LlmCustomer::new(settings.client.clone(), &task.instruction, sampling) {
                    Ok(customer) => Box::new(customer),
                    Err(error) => {
                        return Run {
                            failure: Some(error),
                            ..Run::default()
                        };
                    }
                }
            }
        };
        self.converse(task, customer.as_mut(), mode)
    }

    fn converse(&self, task: &Task, customer: &mut dyn Customer, mode: Mode) -> Run {
        let Some(today) = Date::from_ymd(2024, 5, 15) else {
            return Run {
                failure: Some("no date".to_string()),
                ..Run::default()
            };
        };
        let mut backend = Backend::new(self.fresh.clone());
        let mut transcript = String::new();
        let mut conversation = Conversation::new(&self.machine, today);
        let mut first = conversation.start_blocking(&mut backend);
        let mut said: Vec<String> = Vec::new();
        let mut customer_said: Vec<String> = Vec::new();
        let mut left = false;
        for _ in 0..64 {
            let messages: Vec<String> = conversation
                .messages_since(first)
                .map(str::to_string)
                .collect();
            said.extend(messages.iter().cloned());
            let text = messages.join("\n");
            if !text.is_empty() {
                transcript.push_str(&format!("bot: {}\n", text.replace('\n', "\n     ")));
            }
            if !conversation.waits_for_user() {
                break;
            }
            let Some(reply) = customer.reply(&text) else {
                left = true;
                if let Some(parting) = customer.parting() {
                    transcript.push_str(&format!("customer (leaving): {parting:?}\n"));
                }
                break;
            };
            transcript.push_str(&format!("customer: {reply}\n"));
            customer_said.push(reply.clone());
            first = conversation.reply_blocking(&reply, &mut backend);
        }
        let outcome = conversation
            .session()
            .outcome()
            .unwrap_or("unfinished")
            .to_string();
        transcript.push_str(&format!("[outcome: {outcome}]\n"));
        let expected = task.expected(&self.fresh);
        let failure = task
            .score(&expected, &backend.db, &said)
            .err()
            .map(|why| format!("outcome `{outcome}`; {why}"));
        let misbehaved = match customer.broken() {
            Some(error) => {
                transcript.push_str(&format!("[the customer model did not answer: {error}]\n"));
                Some(format!("the customer model did not answer ({error})"))
            }
            None if mode == Mode::Llm => {
                judge(task, &said, &customer_said, left && failure.is_some())
            }
            None => None,
        };
        Run {
            failure,
            misbehaved,
            transcript,
        }
    }
}

/// Whether the customer misbehaved, from the transcript: left while the
/// task was not done and the bot still waited, or said an email, order id,
/// payment method id or zip code found neither in the instruction nor in
/// anything the bot said before.
pub fn judge(task: &Task, bot: &[String], customer: &[String], left_early: bool) -> Option<String> {
    let known = format!("{}\n{}", task.instruction, bot.join("\n")).to_lowercase();
    for line in customer {
        for fact in facts(line) {
            if !known.contains(&fact.to_lowercase()) {
                return Some(format!("invented `{fact}`"));
            }
        }
    }
    left_early.then(|| "left before the task was done".to_string())
}

/// The checkable facts of a line: emails, order ids (`#W…`), payment
/// method ids and five-digit numbers (zip codes).
fn facts(line: &str) -> Vec<String> {
    line.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '\''))
        .map(|word| word.trim_end_matches(['.', '!', '?', ':']))
        .filter(|word| {
            let digits = word.chars().filter(char::is_ascii_digit).count();
            (word.contains('@') && word.contains('.'))
                || (word.starts_with("#W") && digits >= 5)
                || (word.contains('_') && digits >= 5)
                || (word.len() == 5 && digits == 5)
        })
        .map(str::to_string)
        .collect()
}

/// pass^k as τ-bench computes it: per task C(c, k) / C(n, k) with c passes
/// out of n runs, averaged over tasks.
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
        let c = task.runs.iter().filter(|run| run.failure.is_none()).count();
        sum += choose(c, k) / choose(n, k);
    }
    Some(sum / tasks.len() as f64)
}

/// The tasks of each category: a task counts under every kind of write its
/// gold actions make (`cancel_pending_order`, `transfer_to_human_agents`, …),
/// so a task that cancels one order and returns another counts under both;
/// a task whose gold actions write nothing counts under `no write`.
fn categories<'a>(tasks: &[&'a TaskResult]) -> BTreeMap<String, Vec<&'a TaskResult>> {
    let mut out: BTreeMap<String, Vec<&'a TaskResult>> = BTreeMap::new();
    for task in tasks {
        let kinds: std::collections::BTreeSet<&str> =
            task.writes.iter().map(String::as_str).collect();
        if kinds.is_empty() {
            out.entry("no write".to_string()).or_default().push(task);
        }
        for kind in kinds {
            out.entry(format!("with {kind}")).or_default().push(task);
        }
    }
    out
}

impl Report {
    /// Tasks that failed at least once, with the first reason.
    pub fn failures(&self) -> Vec<(&TaskResult, &str)> {
        self.tasks
            .iter()
            .filter_map(|task| {
                task.runs
                    .iter()
                    .find_map(|run| run.failure.as_deref())
                    .map(|reason| (task, reason))
            })
            .collect()
    }

    /// The report as text: pass^1…pass^k per split, the runs the customer
    /// spoiled, then each failing task.
    pub fn to_text(&self, title: &str) -> String {
        let mut out = format!("{title}\n");
        let mut splits: BTreeMap<&str, Vec<&TaskResult>> = BTreeMap::new();
        for task in &self.tasks {
            splits.entry(task.split.as_str()).or_default().push(task);
        }
        for (split, tasks) in &splits {
            let k = tasks.iter().map(|task| task.runs.len()).min().unwrap_or(0);
            let figures: Vec<String> = (1..=k)
                .filter_map(|k| {
                    pass_hat_k(tasks, k).map(|p| format!("pass^{k} {:.1} %", p * 100.0))
                })
                .collect();
            let runs: usize = tasks.iter().map(|task| task.runs.len()).sum();
            let failed: usize = tasks
                .iter()
                .flat_map(|task| &task.runs)
                .filter(|run| run.failure.is_some())
                .count();
            let spoiled: usize = tasks
                .iter()
                .flat_map(|task| &task.runs)
                .filter(|run| run.failure.is_some() && run.misbehaved.is_some())
                .count();
            out.push_str(&format!(
                "  {split:<6} {:>3} tasks  {}\n         {runs} runs, {failed} failed, {spoiled} of them with the customer misbehaving\n",
                tasks.len(),
                figures.join("  ")
            ));
            for (category, members) in categories(tasks) {
                let figure = pass_hat_k(&members, 1)
                    .map_or_else(String::new, |p| format!("pass^1 {:.1} %", p * 100.0));
                out.push_str(&format!(
                    "         {category:<34} {:>3} tasks  {figure}\n",
                    members.len()
                ));
            }
        }
        for (task, reason) in self.failures() {
            let failed = task.runs.iter().filter(|run| run.failure.is_some()).count();
            out.push_str(&format!(
                "  FAIL {} [{}] {failed}/{} runs: {reason}\n",
                task.name,
                task.writes.join(" "),
                task.runs.len()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_emails_ids_and_zip_codes() {
        assert_eq!(
            facts("It's maya@example.com, order #W1234567, zip 80218, paypal_123456."),
            ["maya@example.com", "#W1234567", "80218", "paypal_123456"]
        );
        assert!(facts("I want to return it").is_empty());
    }

    #[test]
    fn pass_hat_k_is_taus() {
        let task = |passes: usize, runs: usize| TaskResult {
            name: String::new(),
            split: String::new(),
            writes: Vec::new(),
            runs: (0..runs)
                .map(|run| Run {
                    failure: (run >= passes).then(|| "x".to_string()),
                    ..Run::default()
                })
                .collect(),
        };
        let (a, b) = (task(4, 4), task(2, 4));
        let tasks = [&a, &b];
        // (1 + 2/4) / 2 and (1 + 1/6) / 2.
        assert_eq!(pass_hat_k(&tasks, 1), Some(0.75));
        assert!((pass_hat_k(&tasks, 2).unwrap_or(0.0) - 7.0 / 12.0).abs() < 1e-12);
        assert_eq!(pass_hat_k(&tasks, 5), None);
    }
}
