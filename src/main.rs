//! `keel`: the command-line program.
//!
//! Argument parsing, file reading and printing live here; everything else is
//! in the `keel-compiler` and `keel-runtime` libraries. Each group of
//! commands has its own module: [`compiler_commands`] (check, compile,
//! graph, listing) and [`runtime_commands`] (running conversations).

// A binary: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod backend;
mod compiler_commands;
mod coverage;
mod llm;
mod paths_command;
mod render;
mod runtime_commands;
mod serve_command;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc: a conversation turn allocates and frees a few dozen small
/// values (messages, arguments, log entries); mimalloc does that in about
/// a third of the instructions glibc's allocator takes (the runtime's
/// `turns` bench, which uses it too).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Compile customer-support policies into verified state machines, and run them.
#[derive(Parser)]
#[command(name = "keel", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Compiler(compiler_commands::CompilerCommand),
    #[command(flatten)]
    Runtime(runtime_commands::RuntimeCommand),
    /// Serve policies over HTTP, every session stored durably.
    Serve(serve_command::ServeArgs),
    /// Start loopback doubles of the platforms (Shopify, BigCommerce,
    /// Magento, Gorgias, Kustomer, Zendesk) and print a backend file for them.
    Doubles(backend::DoublesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compiler(command) => compiler_commands::run(command),
        Command::Runtime(command) => runtime_commands::run(command),
        Command::Serve(args) => serve_command::run(args),
        Command::Doubles(args) => backend::doubles(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// Loads policies and what their front matter names from the filesystem,
/// with the compiler's one loader.
fn load(paths: &[std::path::PathBuf]) -> Result<keel_compiler::Inputs, String> {
    keel_compiler::load(paths, |path| std::fs::read_to_string(path))
        .map_err(|error| error.to_string())
}
