//! `keel`: the command-line program.
//!
//! Argument parsing, file loading and printing live here; everything else is
//! in the `keel-compiler` (and, later, `keel-runtime`) libraries.

mod load;
mod render;

use clap::{Parser, Subcommand, ValueEnum};
use keel_compiler::{Compilation, compile, emit};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile customer-support policies into verified state machines, and run them.
#[derive(Parser)]
#[command(name = "keel", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report every problem in the policies; exit 1 on any error.
    Check {
        /// Policy files; each is checked as an entry point, with its imports.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
        format: DiagnosticFormat,
        /// Treat warnings as errors.
        #[arg(long, value_name = "LEVEL")]
        deny: Option<DenyLevel>,
    },
    /// Compile a policy (and what it references) to the machine JSON.
    Compile {
        /// The entry policy, then any others it references.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// Where to write the JSON (standard output if absent).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Draw the compiled machine.
    Graph {
        /// The entry policy, then any others it references.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Where to write it (standard output if absent).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print the machine as a readable listing of states and transitions.
    Listing {
        /// The entry policy, then any others it references.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagnosticFormat {
    Human,
    Short,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DenyLevel {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check { policies, format, deny } => {
            let mut compilations = Vec::new();
            for policy in &policies {
                let inputs = load::inputs(std::slice::from_ref(policy))?;
                compilations.push(compile(&inputs.policies, &inputs.catalogs));
            }
            let deny_warnings = matches!(deny, Some(DenyLevel::Warnings));
            let failed = compilations.iter().any(|compilation| fails(compilation, deny_warnings));
            match format {
                DiagnosticFormat::Json => println!("{}", render::json(&compilations)),
                DiagnosticFormat::Human | DiagnosticFormat::Short => {
                    for compilation in &compilations {
                        if matches!(format, DiagnosticFormat::Human) {
                            render::human(compilation);
                        } else {
                            render::short(compilation);
                        }
                        eprintln!("{}", render::summary(compilation));
                    }
                }
            }
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::Compile { policies, output } => {
            let compilation = compile_files(&policies)?;
            let json = emit::artifact::to_json(&compilation.artifact());
            write_output(output.as_ref(), &json)?;
            Ok(exit_for(&compilation))
        }
        Command::Graph { policies, format, output } => {
            let compilation = compile_files(&policies)?;
            let text = match format {
                GraphFormat::Dot => emit::dot(&compilation.machine),
                GraphFormat::Mermaid => emit::mermaid(&compilation.machine),
            };
            write_output(output.as_ref(), &text)?;
            Ok(exit_for(&compilation))
        }
        Command::Listing { policies } => {
            let compilation = compile_files(&policies)?;
            print!("{}", compilation.machine.dump());
            Ok(exit_for(&compilation))
        }
    }
}

/// Compiles, printing diagnostics to standard error.
fn compile_files(policies: &[PathBuf]) -> Result<Compilation, String> {
    let inputs = load::inputs(policies)?;
    let compilation = compile(&inputs.policies, &inputs.catalogs);
    render::human(&compilation);
    Ok(compilation)
}

fn fails(compilation: &Compilation, deny_warnings: bool) -> bool {
    compilation.has_errors() || (deny_warnings && !compilation.diagnostics.is_empty())
}

fn exit_for(compilation: &Compilation) -> ExitCode {
    if compilation.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn write_output(output: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
