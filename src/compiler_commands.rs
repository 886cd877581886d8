//! The compiler's commands: `check`, `compile`, `graph`, `listing`.

use crate::render;
use clap::{Subcommand, ValueEnum};
use keel_compiler::{Compilation, emit};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum CompilerCommand {
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
        /// Ask the configured LLM (`KEEL_LLM_BASE_URL`, `KEEL_LLM_MODEL`)
        /// to rewrite the sentences the rules do not read into keel's
        /// reference phrasing, and freeze the rewrites the compiler accepts
        /// in the lock file beside the policy.
        #[arg(long)]
        llm: bool,
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
        /// A coverage file from `keel test --coverage-out`: transitions
        /// never exercised are drawn distinctly (`--format html`).
        #[arg(long, value_name = "FILE")]
        coverage: Option<PathBuf>,
    },
    /// Print the machine as a readable listing of states and transitions.
    Listing {
        /// The entry policy, then any others it references.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
    },
    /// Semantic diff of two versions of a policy; exit 1 when a change
    /// touches safety (an unconfirmed destructive call, a removed hand-off,
    /// a bypassed identity check).
    Diff {
        /// The old version's policy file.
        old: PathBuf,
        /// The new version's policy file.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Where to write it (standard output if absent).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DiffFormat {
    Text,
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DiagnosticFormat {
    Human,
    Short,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DenyLevel {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
    Html,
}

/// Runs one compiler command.
pub(crate) fn run(command: CompilerCommand) -> Result<ExitCode, String> {
    match command {
        CompilerCommand::Check {
            policies,
            format,
            deny,
        } => {
            // Each policy is checked as the entry in turn, the others given
            // with it there to be referenced (`#Name`); a problem is
            // reported once, with the first policy whose check finds it.
            let mut compilations = Vec::new();
            let mut reported = BTreeSet::new();
            for (index, policy) in policies.iter().enumerate() {
                let mut paths = vec![policy.clone()];
                let mut compilation = crate::llm::compile_paths(&paths)?;
                // Only a policy that references one it cannot find is
                // compiled again with the others (their catalogs may differ).
                let references_another = compilation
                    .diagnostics
                    .iter()
                    .any(|d| d.code == keel_compiler::codes::UNKNOWN_POLICY);
                if references_another && policies.len() > 1 {
                    paths.extend(
                        policies
                            .iter()
                            .enumerate()
                            .filter(|(other, _)| *other != index)
                            .map(|(_, other)| other.clone()),
                    );
                    compilation = crate::llm::compile_paths(&paths)?;
                }
                let others: Vec<PathBuf> = paths[1..]
                    .iter()
                    .filter_map(|other| std::fs::canonicalize(other).ok())
                    .collect();
                compilation.diagnostics.retain(|diagnostic| {
                    // Another policy's own problems are reported in its turn.
                    let elsewhere = diagnostic.span.is_some_and(|span| {
                        std::fs::canonicalize(compilation.sources.name(span.source))
                            .is_ok_and(|source| others.contains(&source))
                    });
                    if elsewhere {
                        return false;
                    }
                    let place = diagnostic.span.map(|span| {
                        let location = compilation.sources.location(span);
                        (
                            compilation.sources.name(span.source).to_string(),
                            location.line,
                            location.column,
                        )
                    });
                    reported.insert((place, diagnostic.code.id, diagnostic.message.clone()))
                });
                compilations.push(compilation);
            }
            let deny_warnings = matches!(deny, Some(DenyLevel::Warnings));
            let failed = compilations
                .iter()
                .any(|compilation| fails(compilation, deny_warnings));
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
                        for line in render::rewrites(compilation) {
                            eprintln!("  {line}");
                        }
                        for guarantee in &compilation.guarantees {
                            eprintln!("  {}", guarantee.describe());
                        }
                    }
                }
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        CompilerCommand::Compile {
            policies,
            output,
            llm,
        } => {
            if llm {
                crate::llm::freeze(&policies)?;
            }
            let compilation = compile_files(&policies)?;
            let json = emit::artifact::to_json(&compilation.artifact());
            write_output(output.as_ref(), &json)?;
            Ok(exit_for(&compilation))
        }
        CompilerCommand::Graph {
            policies,
            format,
            output,
            coverage,
        } => {
            if coverage.is_some() && !matches!(format, GraphFormat::Html) {
                return Err("--coverage is drawn on the review page: add --format html".to_string());
            }
            let compilation = compile_files(&policies)?;
            let uncovered = match &coverage {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                    Some(crate::coverage::uncovered(
                        &text,
                        &path.display().to_string(),
                        &compilation.machine,
                    )?)
                }
                None => None,
            };
            let text = match format {
                GraphFormat::Dot => emit::dot(&compilation.machine),
                GraphFormat::Mermaid => emit::mermaid(&compilation.machine),
                GraphFormat::Svg => emit::svg(&compilation.machine, &compilation.sources),
                GraphFormat::Html => emit::review_page(
                    &compilation,
                    &emit::ReviewOptions {
                        uncovered,
                        ..emit::ReviewOptions::default()
                    },
                ),
            };
            write_output(output.as_ref(), &text)?;
            Ok(exit_for(&compilation))
        }
        CompilerCommand::Listing { policies } => {
            let compilation = compile_files(&policies)?;
            print!("{}", compilation.machine.dump());
            Ok(exit_for(&compilation))
        }
        CompilerCommand::Diff {
            old,
            new,
            format,
            output,
        } => {
            let old = compile_files(std::slice::from_ref(&old))?;
            let new = compile_files(std::slice::from_ref(&new))?;
            let result = keel_compiler::diff(&old, &new);
            let text = match format {
                DiffFormat::Text => result.to_text(),
                DiffFormat::Json => {
                    let mut json =
                        serde_json::to_string_pretty(&result).map_err(|error| error.to_string())?;
                    json.push('\n');
                    json
                }
                DiffFormat::Html => keel_compiler::diff_page(&old, &new, &result),
            };
            write_output(output.as_ref(), &text)?;
            Ok(if result.safety.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// Compiles, printing diagnostics to standard error.
fn compile_files(policies: &[PathBuf]) -> Result<Compilation, String> {
    let compilation = crate::llm::compile_paths(policies)?;
    render::human(&compilation);
    Ok(compilation)
}

fn fails(compilation: &Compilation, deny_warnings: bool) -> bool {
    compilation.has_errors() || (deny_warnings && !compilation.diagnostics.is_empty())
}

fn exit_for(compilation: &Compilation) -> ExitCode {
    if compilation.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn write_output(output: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|error| format!("cannot write {}: {error}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
