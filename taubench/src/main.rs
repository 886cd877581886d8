//! `cargo run -p keel-taubench -- [--mode structured|natural] [--seeds K]
//! [--split train,dev,test] [--limit N]`: runs the τ-bench retail
//! cancellation tasks through the compiled policy and prints pass^k.

use clap::Parser;
use keel_taubench::bench::{Bench, Mode, Options};
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
