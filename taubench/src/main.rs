//! `cargo run -p keel-taubench -- [--mode structured|natural] [--seeds K]
//! [--split train,dev,test] [--limit N]`: runs the τ-bench retail
//! cancellation tasks through the compiled policy and prints pass^k.

// A binary: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use keel_taubench::bench::{Bench, Mode, Options};
use keel_taubench::user::Rng;
use std::process::ExitCode;

/// Run τ-bench retail cancellations through keel.
#[derive(Parser)]
struct Args {
    /// `structured`, `natural` or `both`.
    #[arg(long, default_value = "both")]
    mode: String,
    /// Runs per task (k of pass^k).
    #[arg(long, default_value_t = 8)]
    seeds: u64,
    /// Splits, comma separated (train, dev, test); all by default.
    #[arg(long, value_delimiter = ',')]
    split: Vec<String>,
    /// At most this many tasks per split.
    #[arg(long)]
    limit: Option<usize>,
    /// Print one task's conversation (`split/index`, e.g. `dev/6`) for
    /// each mode and seed, instead of the report.
    #[arg(long)]
    trace: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let modes = match args.mode.as_str() {
        "structured" => vec![Mode::Structured],
        "natural" => vec![Mode::Natural],
        "both" => vec![Mode::Structured, Mode::Natural],
        other => {
            eprintln!("unknown mode `{other}` (structured, natural or both)");
            return ExitCode::from(2);
        }
    };
    let bench = match keel_taubench::data_dir().and_then(|dir| Bench::load(&dir)) {
        Ok(bench) => bench,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if let Some(name) = &args.trace {
        let Some(task) = bench.task(name) else {
            eprintln!("no candidate task `{name}`");
            return ExitCode::from(2);
        };
        for mode in modes {
            for seed in 0..args.seeds.max(1) {
                let rng = (mode == Mode::Natural).then(|| Rng::new(seed * 1_000_003 + index(task)));
                let mut transcript = String::new();
                let verdict = match bench.run_task(task, rng, Some(&mut transcript)) {
                    Ok(()) => "pass".to_string(),
                    Err(reason) => format!("FAIL: {reason}"),
                };
                println!("== {name} {mode:?} seed {seed}: {verdict}\n{transcript}");
            }
        }
        return ExitCode::SUCCESS;
    }
    for mode in modes {
        let report = bench.run(&Options {
            mode,
            seeds: args.seeds,
            splits: args.split.clone(),
            limit: args.limit,
        });
        println!(
            "{}",
            report.to_text(&format!("mode {mode:?}, {} seeds", args.seeds))
        );
    }
    ExitCode::SUCCESS
}

fn index(task: &serde_json::Value) -> u64 {
    task["index"].as_u64().unwrap_or(0)
}
