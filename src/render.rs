//! Diagnostics for people (ariadne) and machines (JSON, DESIGN §8).

use ariadne::{Config, IndexType, Label, Report, ReportKind};
use keel_compiler::{Compilation, Severity};
use std::io::IsTerminal;

/// Prints every diagnostic with its source line, a caret and the hint.
pub(crate) fn human(compilation: &Compilation) {
    // One cache for every report: ariadne indexes each source's lines once,
    // not once per diagnostic (10,000 diagnostics on a 1 MB policy).
    let mut cache = ariadne::sources(
        compilation
            .sources
            .iter()
            .map(|(_, source)| (source.name.clone(), source.text.clone())),
    );
    let color = std::io::stderr().is_terminal();
    for diagnostic in &compilation.diagnostics {
        let kind = match diagnostic.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let Some(span) = diagnostic.span else {
            eprintln!(
                "{}[{}]: {}",
                diagnostic.severity, diagnostic.code, diagnostic.message
            );
            continue;
        };
        let file = compilation.sources.name(span.source).to_string();
        let mut report = Report::build(kind, (file.clone(), span.range()))
            .with_config(
                Config::default()
                    .with_index_type(IndexType::Byte)
                    .with_color(color),
            )
            .with_code(diagnostic.code)
            .with_message(&diagnostic.message)
            .with_label(Label::new((file, span.range())).with_message(&diagnostic.message));
        for (note_span, note) in &diagnostic.notes {
            match note_span {
                Some(note_span) => {
                    let note_file = compilation.sources.name(note_span.source).to_string();
                    report = report
                        .with_label(Label::new((note_file, note_span.range())).with_message(note));
                }
                None => report = report.with_note(note),
            }
        }
        if let Some(hint) = &diagnostic.hint {
            report = report.with_help(hint);
        }
        let _ = report.finish().eprint(&mut cache);
    }
}

/// One line per diagnostic: `file:line:column: severity[code]: message`.
pub(crate) fn short(compilation: &Compilation) {
    for diagnostic in &compilation.diagnostics {
        let (file, line, column) = place(compilation, diagnostic);
        eprintln!(
            "{file}:{line}:{column}: {}[{}]: {}",
            diagnostic.severity, diagnostic.code.id, diagnostic.message
        );
    }
}

/// `keel explain --plain`: the compiled policy in plain language. A policy
/// with errors is read back too — what keel made of it — followed by what
/// it refused, each error with its line: the read-back is what an author
/// needs most exactly when the policy does not compile.
pub(crate) fn plain_with_refusals(compilation: &Compilation) -> String {
    let mut out = keel_compiler::emit::plain(&compilation.machine);
    if compilation.has_errors() {
        out.push_str(
            "\nNOT COMPILED: keel refused these lines, and the steps above are only what it could read (`keel check` shows each with its hint):\n",
        );
        for diagnostic in compilation.diagnostics.iter().filter(|d| d.is_error()) {
            let (file, line, _) = place(compilation, diagnostic);
            out.push_str(&format!(
                "- {file}:{line}: {} [{} {}]\n",
                diagnostic.message, diagnostic.code.id, diagnostic.code.name
            ));
        }
    }
    out
}

/// The summary line after the diagnostics: counts, size, and the
/// verifier's static bounds (`unbounded` when some loop has no counter).
pub(crate) fn summary(compilation: &Compilation) -> String {
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .count();
    let warnings = compilation.diagnostics.len() - errors;
    let bound = |value: Option<u64>| value.map_or("unbounded".to_string(), |n| n.to_string());
    let mut line = format!(
        "{}: {errors} error(s), {warnings} warning(s); {} states, {} transitions; \
         turn bound {}, bot-action bound {}",
        compilation.machine.name(),
        compilation.machine.state_count(),
        compilation.machine.transition_count(),
        bound(compilation.bounds.user_turns),
        bound(compilation.bounds.bot_actions),
    );
    let by_llm = compilation.machine.states_extracted_by_llm();
    if !by_llm.is_empty() {
        line.push_str(&format!(
            "; {} state(s) extracted by an LLM, to review: {}",
            by_llm.len(),
            by_llm.join(", ")
        ));
    }
    line
}

/// The lock file's rewrites beside the sentences they stand for, for
/// `keel check`: what was written, what keel read in its place (or why the
/// rewrite was not read).
pub(crate) fn rewrites(compilation: &Compilation) -> Vec<String> {
    let mut lines = Vec::new();
    for rewrite in &compilation.rewrites {
        let location = compilation.sources.location(rewrite.span);
        lines.push(format!(
            "{}:{}: step {} rewritten by an LLM (lock file){}",
            compilation.sources.name(rewrite.span.source),
            location.line,
            rewrite.step,
            if rewrite.outcome.is_ok() {
                ", to review"
            } else {
                ""
            }
        ));
        lines.push(format!("    written: {}", rewrite.original));
        match &rewrite.outcome {
            Ok(()) => lines.push(format!("    read as: {}", rewrite.rewrite)),
            Err(why) => {
                lines.push(format!("    rewrite: {}", rewrite.rewrite));
                lines.push(format!("    not read: {why}"));
            }
        }
    }
    lines
}

fn place(
    compilation: &Compilation,
    diagnostic: &keel_compiler::Diagnostic,
) -> (String, usize, usize) {
    match diagnostic.span {
        Some(span) => {
            let location = compilation.sources.location(span);
            (
                compilation.sources.name(span.source).to_string(),
                location.line,
                location.column,
            )
        }
        None => (String::new(), 0, 0),
    }
}

/// `{"diagnostics":[{"code","severity","message","file","line","column","hint"}]}`
pub(crate) fn json(compilations: &[Compilation]) -> String {
    let mut entries = Vec::new();
    for compilation in compilations {
        for diagnostic in &compilation.diagnostics {
            let (file, line, column) = place(compilation, diagnostic);
            entries.push(serde_json::json!({
                "code": diagnostic.code.id,
                "name": diagnostic.code.name,
                "severity": diagnostic.severity.as_str(),
                "message": diagnostic.message,
                "file": file,
                "line": line,
                "column": column,
                "hint": diagnostic.hint,
            }));
        }
    }
    let summaries: Vec<serde_json::Value> = compilations
        .iter()
        .map(|compilation| {
            let errors = compilation
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .count();
            let rewrites: Vec<serde_json::Value> = compilation
                .rewrites
                .iter()
                .map(|rewrite| {
                    serde_json::json!({
                        "step": rewrite.step,
                        "written": rewrite.original,
                        "rewrite": rewrite.rewrite,
                        "read": rewrite.outcome.is_ok(),
                        "rejected": rewrite.outcome.as_ref().err(),
                    })
                })
                .collect();
            serde_json::json!({
                "policy": compilation.machine.name(),
                "rewrites": rewrites,
                "errors": errors,
                "warnings": compilation.diagnostics.len() - errors,
                "states": compilation.machine.state_count(),
                "transitions": compilation.machine.transition_count(),
                "bounds": {
                    "user_turns": compilation.bounds.user_turns,
                    "bot_actions": compilation.bounds.bot_actions,
                },
                "guarantees": compilation.guarantees.iter().map(|guarantee| serde_json::json!({
                    "tool": guarantee.tool,
                    "calls": guarantee.calls,
                    "identity_first": guarantee.identity_first,
                    "own_records": guarantee.own_records,
                    "explicit_yes": guarantee.explicit_yes,
                    "unreachable": guarantee.unreachable,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(
        &serde_json::json!({ "diagnostics": entries, "summary": summaries }),
    )
    .unwrap_or_default()
}
