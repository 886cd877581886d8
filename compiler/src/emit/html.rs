//! The self-contained HTML review page: the graph (keel's own SVG layout)
//! beside the policy text, findings anchored to lines and states, bounds, and
//! an optional coverage overlay. One file, no network: it works from `file://`.

use super::svg::{escape, state_lines, svg};
use crate::machine::Machine;
use crate::source::SourceMap;
use crate::{Compilation, Severity};
use askama::Template;
use std::collections::BTreeMap;

/// What the page shows besides the compilation itself.
#[derive(Clone, Debug, Default)]
pub struct ReviewOptions {
    /// Facts to show in the header, such as the verifier's bounds.
    pub bounds: Vec<String>,
    /// Indices (in [`Machine::transitions`] order) of transitions no test
    /// exercised; `None` when no coverage was given.
    pub uncovered: Option<Vec<usize>>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    title: String,
    name: String,
    hash_prefix: String,
    state_count: usize,
    transition_count: usize,
    errors: usize,
    warnings: usize,
    bounds: Vec<String>,
    llm_states: usize,
    coverage: Option<String>,
    svg: String,
    findings: Vec<Finding>,
    answers: Vec<AnswerView>,
    files: Vec<FileView>,
    uncovered_json: String,
}

/// An entry of the policy's `Answers` section, as the page lists it.
struct AnswerView {
    topics: String,
    text: String,
    line_key: String,
}

struct Finding {
    severity: &'static str,
    code: String,
    message: String,
    hint: String,
    place: String,
    line_key: String,
}

struct FileView {
    name: String,
    lines: Vec<LineView>,
}

struct LineView {
    key: String,
    number: usize,
    text: String,
    states: String,
    finding: bool,
    /// What each condition written on the line answers ("answers the
    /// question in 4.b"), joined; empty for a line with no condition.
    anchors: String,
}

/// Renders the review page of a compilation.
pub fn review_page(compilation: &Compilation, options: &ReviewOptions) -> String {
    let machine = &compilation.machine;
    let sources = &compilation.sources;
    let artifact = compilation.artifact();
    let lines_to_states = lines_to_states(machine, sources);
    let mut finding_lines = std::collections::BTreeSet::new();
    let findings: Vec<Finding> = compilation
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let (place, line_key) = match diagnostic.span {
                Some(span) => {
                    let location = sources.location(span);
                    let key = format!("{}:{}", span.source.index(), location.line);
                    finding_lines.insert(key.clone());
                    (
                        format!("{}:{}", sources.name(span.source), location.line),
                        key,
                    )
                }
                None => (String::new(), String::new()),
            };
            Finding {
                severity: diagnostic.severity.as_str(),
                code: format!("{}", diagnostic.code),
                message: diagnostic.message.clone(),
                hint: diagnostic.hint.clone().unwrap_or_default(),
                place,
                line_key,
            }
        })
        .collect();
    let anchors = anchor_notes(machine, sources);
    let files: Vec<FileView> = sources
        .iter()
        .filter(|(_, source)| !source.name.ends_with(".toml"))
        .map(|(id, source)| FileView {
            name: source.name.clone(),
            lines: source
                .text
                .lines()
                .enumerate()
                .map(|(index, text)| {
                    let key = format!("{}:{}", id.index(), index + 1);
                    LineView {
                        states: lines_to_states
                            .get(&key)
                            .map(|states| states.join(" "))
                            .unwrap_or_default(),
                        finding: finding_lines.contains(&key),
                        anchors: anchors
                            .get(&key)
                            .map(|notes| notes.join("; "))
                            .unwrap_or_default(),
                        key,
                        number: index + 1,
                        text: text.to_string(),
                    }
                })
                .collect(),
        })
        .collect();
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .count();
    let coverage = options.uncovered.as_ref().map(|uncovered| {
        // The policy's own transitions; conversation repairs are not
        // part of a coverage (see `paths::policy_transitions`).
        let total = crate::machine::paths::policy_transitions(machine).len();
        let covered = total.saturating_sub(uncovered.len());
        format!("{covered} of {total} transitions exercised")
    });
    let uncovered_json = serde_json::to_string(&options.uncovered.clone().unwrap_or_default())
        .unwrap_or_else(|_| "[]".into());
    let title = machine
        .policies
        .first()
        .map(|policy| {
            if policy.title.is_empty() {
                policy.name.clone()
            } else {
                policy.title.clone()
            }
        })
        .unwrap_or_default();
    let page = ReviewPage {
        title,
        name: machine.name().to_string(),
        hash_prefix: artifact.hash.chars().take(12).collect(),
        state_count: machine.state_count(),
        transition_count: machine.transition_count(),
        errors,
        warnings: compilation.diagnostics.len() - errors,
        bounds: {
            // The verifier's static bounds, then whatever the caller adds.
            let shown = |bound: Option<u64>, what: &str| match bound {
                Some(bound) => format!("at most {bound} {what}"),
                None => format!("{what}: unbounded"),
            };
            let mut bounds = vec![
                shown(compilation.bounds.user_turns, "customer turns"),
                shown(
                    compilation.bounds.bot_actions,
                    "bot actions between two customer turns",
                ),
            ];
            bounds.extend(options.bounds.iter().cloned());
            bounds
        },
        llm_states: artifact
            .states
            .iter()
            .filter(|state| state.extracted_by == "llm")
            .count(),
        coverage,
        svg: svg(machine, sources),
        findings,
        answers: machine
            .policies
            .iter()
            .flat_map(|policy| &policy.answers)
            .map(|answer| AnswerView {
                topics: answer.names.join(" / "),
                text: answer.text.clone(),
                line_key: format!(
                    "{}:{}",
                    answer.span.source.index(),
                    sources.location(answer.span).line
                ),
            })
            .collect(),
        files,
        uncovered_json,
    };
    page.render().unwrap_or_else(|error| {
        format!(
            "<!DOCTYPE html><p>the review page could not be rendered: {}</p>",
            escape(&error.to_string())
        )
    })
}

/// `source:line` → what each condition written on that line was attached
/// to, in words: `"If they say no" answers the question in 4.b (takes no)`.
fn anchor_notes(machine: &Machine, sources: &SourceMap) -> BTreeMap<String, Vec<String>> {
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for anchor in machine.policies.iter().flat_map(|policy| &policy.anchors) {
        let key = format!(
            "{}:{}",
            anchor.span.source.index(),
            sources.location(anchor.span).line
        );
        let what = match anchor.anchor_kind.as_str() {
            "question" => "answers the question in",
            "pick" => "answers the pick in",
            "check" => "answers the check in",
            "match" => "is a case of the status in",
            "lookup" => "is about the lookup in",
            "call" => "is about the call in",
            "retry" => "is about the retry in",
            _ => "is about",
        };
        let note = format!(
            "\"{}\" {what} {} (takes {})",
            anchor.condition, anchor.anchor_step, anchor.outcome
        );
        let line = notes.entry(key).or_default();
        if !line.contains(&note) {
            line.push(note);
        }
    }
    notes
}

/// `source:line` → the SVG element ids of the states behind it.
fn lines_to_states(machine: &Machine, sources: &SourceMap) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for index in 0..machine.state_count() {
        for key in state_lines(machine, sources, index) {
            map.entry(key).or_default().push(format!("state-{index}"));
        }
    }
    map
}
