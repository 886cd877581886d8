//! The language reference, generated from the rule tables and the lexicon.
//!
//! `docs/policy-language.md` is [`language_reference`]'s output; a test
//! fails when the two drift apart. Each rule's examples are compiled as
//! step 6 of the reference policy ([`compile_example`]) and shown with the
//! states they compile to, so the reference is never out of date with what
//! keel does.

use super::lexicon::classes;
use super::rules::{
    ACTION_RULES, CONDITION_RULES, Example, ITEM_RULES, REFERENCE_CATALOG, REFERENCE_OTHER_POLICY,
    REFERENCE_POLICY,
};
use crate::ir::{Block, StmtKind};
use crate::machine::describe;
use crate::{Source, compile};
use std::fmt::Write;

/// Where the reference lives in the repository.
pub const REFERENCE_PATH: &str = "docs/policy-language.md";

/// Compiles `sentence` as step 6 of the reference policy and renders what
/// step 6 became: one line per state (the labels of the edges into it, then
/// what it does), the sections and notes it made, and the front end's
/// diagnostics.
pub fn compile_example(sentence: &str) -> String {
    // A paragraph (text starting on a new line) opens the policy; a
    // Markdown heading must start its line: it replaces `6. ` too.
    let text = if let Some(paragraph) = sentence.strip_prefix('\n') {
        let without_step = REFERENCE_POLICY.replace("6. SENTENCE\n", "");
        match without_step.match_indices("---\n").nth(1) {
            Some((end, _)) => format!(
                "{}\n{paragraph}\n{}",
                &without_step[..end + 4],
                &without_step[end + 4..]
            ),
            None => without_step,
        }
    } else if sentence.starts_with('#') {
        REFERENCE_POLICY.replace("6. SENTENCE", sentence)
    } else {
        REFERENCE_POLICY.replace("SENTENCE", sentence)
    };
    let policy = Source::new("reference.policy.md", text);
    let other = Source::new("reference_returns.policy.md", REFERENCE_OTHER_POLICY);
    let catalog = Source::new("reference.toml", REFERENCE_CATALOG);
    let compilation = compile(&[policy, other], &[catalog]);
    let mut lines = Vec::new();
    // Everything but the first five steps: step 6, or what an example that
    // is not a numbered step (a heading, a paragraph) became.
    let in_step =
        |step: &str| !["1", "2", "3", "4", "5"].contains(&step.split('.').next().unwrap_or(step));
    if let Some(policy) = compilation.policies.first() {
        sections(&policy.body, &in_step, &mut lines);
        for (origin, text) in &policy.notes {
            if in_step(&origin.step) {
                lines.push(format!("note {text:?}"));
            }
        }
    }
    let machine = &compilation.machine;
    let transitions = machine.transitions();
    for (id, state) in machine.states() {
        if !state
            .origin
            .as_ref()
            .is_some_and(|origin| in_step(&origin.step) && state.policy == machine.name())
        {
            continue;
        }
        let mut incoming: Vec<String> = transitions
            .iter()
            .filter(|(_, from, transition, to)| {
                *to == id
                    && !crate::machine::is_repair_transition(
                        machine.state(*from),
                        &transition.label,
                    )
            })
            .map(|(_, _, transition, _)| transition.label.text())
            .collect();
        incoming.dedup();
        lines.push(format!(
            "[{}] {}",
            incoming.join(" | "),
            describe(&state.kind)
        ));
    }
    for diagnostic in &compilation.diagnostics {
        if diagnostic.code.id.starts_with("K01") {
            lines.push(format!("{}: {}", diagnostic.code, diagnostic.message));
        }
    }
    lines.join("\n")
}

/// The sections step 6 made, as `section "Title"` lines.
fn sections(block: &Block, in_step: &dyn Fn(&str) -> bool, lines: &mut Vec<String>) {
    for stmt in &block.0 {
        if let StmtKind::Section(title) = &stmt.kind {
            if in_step(&stmt.origin.step) {
                lines.push(format!("section {title:?}"));
            }
        }
    }
}

#[cfg(test)]
/// Every example of every rule, with the rule's name, in table order.
pub(crate) fn examples() -> Vec<(&'static str, &'static Example)> {
    let mut all = Vec::new();
    for rule in ITEM_RULES {
        all.extend(rule.examples.iter().map(|example| (rule.name, example)));
    }
    for rule in CONDITION_RULES {
        all.extend(rule.examples.iter().map(|example| (rule.name, example)));
    }
    for rule in ACTION_RULES {
        all.extend(rule.examples.iter().map(|example| (rule.name, example)));
    }
    all
}

/// One shape keel reads, for a prompt: `keel compile --llm` shows a model
/// these when it asks it to rewrite a sentence the rules do not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The rule's name.
    pub name: &'static str,
    /// Its shape, as the reference writes it (`Note: <remark>`).
    pub shape: &'static str,
    /// Its first example, if it has one.
    pub example: Option<&'static str>,
}

/// Every rule's shape and first example, in table order (items,
/// conditions, actions).
pub fn shapes() -> Vec<Shape> {
    let mut all = Vec::new();
    for rule in ITEM_RULES {
        all.push((rule.name, rule.shape, rule.examples));
    }
    for rule in CONDITION_RULES {
        all.push((rule.name, rule.shape, rule.examples));
    }
    for rule in ACTION_RULES {
        all.push((rule.name, rule.shape, rule.examples));
    }
    all.into_iter()
        .map(|(name, shape, examples)| Shape {
            name,
            shape,
            example: examples.first().map(|example| example.text),
        })
        .collect()
}

/// The language reference as Markdown.
pub fn language_reference() -> String {
    let mut out = String::new();
    out.push_str(
        "# The policy language\n\n\
         <!-- Generated by `keel_compiler::extract::reference::language_reference` from the rule \
         tables in `compiler/src/extract/rules/` and the lexicon in \
         `compiler/src/extract/lexicon.rs`. Do not edit by hand: a test fails when this file \
         and the tables drift apart (`KEEL_BLESS=1 cargo test -p keel-compiler --test it \
         language_reference` writes it). -->\n\n",
    );
    out.push_str(
        "A policy is an outline: numbered items (`1.`), lettered sub-items (`a.`), bullets, and \
         headings. keel reads each item by the rules below, tried in the order listed; the first \
         rule that reads a piece of text wins, and its name is recorded as the evidence for what \
         it read. A sentence no rule reads is an error (`K0101`) with a hint; keel never guesses.\n\n\
         Each example below is compiled as step 6 of this policy, with `#Returns_policy` beside \
         it, against the catalog that follows (emails, accounts, orders and their tracking):\n\n",
    );
    out.push_str("```markdown\n");
    out.push_str(REFERENCE_POLICY);
    out.push_str("```\n\n");
    out.push_str("```toml\n");
    out.push_str(REFERENCE_CATALOG);
    out.push_str("```\n\n");
    out.push_str(
        "Under each example is what it compiles to: one line per state, `[the labels of the \
         edges into it] what it does`, as `keel listing` shows it.\n\n",
    );
    out.push_str("## Items\n\nWhat a whole item is, before its sentences are read. An item no rule here reads is a step.\n\n");
    for rule in ITEM_RULES {
        rule_section(&mut out, rule.name, rule.shape, rule.about, rule.examples);
    }
    out.push_str(
        "## Conditions\n\nA clause may open with a condition (`If …`, `When …`, `Otherwise`, `In \
         case …`, `Unless …`); its actions then run only on that outcome of the earlier step the \
         condition is about.\n\n",
    );
    for rule in CONDITION_RULES {
        rule_section(&mut out, rule.name, rule.shape, rule.about, rule.examples);
    }
    out.push_str(
        "## Actions\n\nA clause's actions are split into phrases at `and` / `or` / `,` before a \
         verb; each phrase is read by the first rule that recognises it.\n\n",
    );
    for rule in ACTION_RULES {
        rule_section(&mut out, rule.name, rule.shape, rule.about, rule.examples);
    }
    out.push_str(&crate::answers::reference_section());
    out.push_str(
        "## Word classes\n\nThe rules read words by class; a synonym is one word added to a class in \
         `compiler/src/extract/lexicon.rs`.\n\n| class | words |\n|---|---|\n",
    );
    for class in classes() {
        let words: Vec<String> = class
            .words
            .iter()
            .map(|word| {
                if class.stems {
                    format!("`{word}…`")
                } else {
                    format!("`{word}`")
                }
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", class.about, words.join(" "));
    }
    out
}

fn rule_section(out: &mut String, name: &str, shape: &str, about: &str, examples: &[Example]) {
    let _ = writeln!(out, "### `{name}`\n\n`{shape}`\n\n{about}\n");
    for example in examples {
        for line in example.text.lines() {
            let _ = writeln!(out, "> {line}  ");
        }
        out.push('\n');
        let _ = writeln!(out, "```\n{}\n```\n", example.compiles_to);
    }
}
