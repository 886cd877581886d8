//! `cargo run -p keel-taubench -- [--mode structured|natural|llm|scripted]
//! [--runs K] [--split train,dev,test] [--task dev/6] [--limit N] [--trace]`:
//! runs τ-bench retail tasks through the compiled policy and prints pass^k.

// A binary: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use keel_taubench::bench::{Bench, LlmSettings, Mode, Options};
use std::process::ExitCode;

/// Run τ-bench retail through keel.
#[derive(Parser)]
struct Args {
    /// `structured`, `natural`, `scripted` (both of those) or `llm`.
    #[arg(long, default_value = "scripted")]
    mode: String,
    /// Runs per task (the k of pass^k goes up to this).
    #[arg(long, alias = "seeds", default_value_t = 8)]
    runs: u64,
    /// Splits, comma separated (train, dev, test); all by default.
    #[arg(long, value_delimiter = ',')]
    split: Vec<String>,
    /// Only these tasks (`dev/6`), comma separated.
    #[arg(long, value_delimiter = ',')]
    task: Vec<String>,
    /// At most this many tasks per split.
    #[arg(long)]
    limit: Option<usize>,
    /// Print every run's conversation.
    #[arg(long)]
    trace: bool,
    /// The LLM customer's sampling temperature.
    #[arg(long, default_value_t = 1.0)]
    temperature: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let modes = match args.mode.as_str() {
        "structured" => vec![Mode::Structured],
        "natural" => vec![Mode::Natural],
        "scripted" => vec![Mode::Structured, Mode::Natural],
        "llm" => vec![Mode::Llm],
        other => {
            eprintln!("unknown mode `{other}` (structured, natural, scripted or llm)");
            return ExitCode::from(2);
        }
    };
    let llm = if modes.contains(&Mode::Llm) {
        let config = match keel_llm::Config::from_env(|name| std::env::var(name).ok()) {
            Ok(Some(config)) => config,
            Ok(None) => {
                eprintln!(
                    "--mode llm needs KEEL_LLM_BASE_URL and KEEL_LLM_MODEL (eval \"$(scripts/local-llm/start.sh)\")"
                );
                return ExitCode::from(2);
            }
            Err(error) => {
                eprintln!("{}", error.message());
                return ExitCode::from(2);
            }
        };
        match keel_llm::Client::new(config) {
            Ok(client) => Some(LlmSettings {
                client,
                temperature: args.temperature,
            }),
            Err(error) => {
                eprintln!("{}", error.message());
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let bench = match keel_taubench::data_dir().and_then(|dir| Bench::load(&dir)) {
        Ok(bench) => bench,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    for mode in modes {
        let options = Options {
            mode,
            runs: args.runs,
            splits: args.split.clone(),
            tasks: args.task.clone(),
            limit: args.limit,
        };
        // With --trace, each task is run and printed as it ends (an LLM
        // customer's run takes minutes).
        let report = if args.trace {
            let mut report = keel_taubench::bench::Report::default();
            for name in bench
                .selected(&options)
                .iter()
                .map(|task| task.name())
                .collect::<Vec<_>>()
            {
                let one = Options {
                    tasks: vec![name],
                    limit: None,
                    ..options.clone()
                };
                let part = bench.run(&one, llm.as_ref());
                print_trace(&part, mode);
                report.tasks.extend(part.tasks);
            }
            report
        } else {
            bench.run(&options, llm.as_ref())
        };
        let title = match (mode, &llm) {
            (Mode::Llm, Some(settings)) => format!(
                "customer: {} at temperature {}, {} runs per task (seeds 0..{})",
                settings.client.config().model,
                settings.temperature,
                args.runs,
                args.runs
            ),
            _ => format!(
                "customer: scripted, {} phrasing, {} runs per task",
                mode.name(),
                args.runs
            ),
        };
        println!("{}", report.to_text(&title));
    }
    ExitCode::SUCCESS
}

/// Every run's conversation of a report, with its verdict.
fn print_trace(report: &keel_taubench::bench::Report, mode: Mode) {
    for task in &report.tasks {
        for (seed, run) in task.runs.iter().enumerate() {
            let verdict = run
                .failure
                .as_ref()
                .map_or_else(|| "pass".to_string(), |why| format!("FAIL: {why}"));
            let judged = run
                .misbehaved
                .as_ref()
                .map(|why| format!(" [customer: {why}]"))
                .unwrap_or_default();
            println!(
                "== {} {} run {seed}: {verdict}{judged}\n{}",
                task.name,
                mode.name(),
                run.transcript
            );
        }
    }
}
