//! keel's compiler: support-policy text in, a deterministic state machine out.
//!
//! # Steps
//!
//! * [`load`]: entry policy paths → [`Inputs`] (the policies and catalogs
//!   their front matter names; the caller's `read` function does the IO);
//! * [`syntax::parse`]: policy text → [`syntax::Document`] (an outline of
//!   items with spans; the pest grammar lives in `grammar/policy.pest`);
//! * [`catalog::Catalog::load`]: TOML → tools, types, enum domains, effects;
//! * [`extract::extract`]: `Document` → [`ir::Policy`] (sentences read by
//!   rules into typed statements, conditions attached to the steps they are
//!   about, bare literals bound to the enum field whose domain holds them);
//! * [`machine::build`]: policies → [`machine::Machine`] (a petgraph graph of
//!   states and labelled transitions, `#Policy` references linked);
//! * [`verify::verify`]: `&Machine` → [`verify::Verification`] (the
//!   semantic checks' diagnostics and the static bounds);
//! * [`emit`]: `Machine` → JSON artifact, DOT, Mermaid.
//!
//! [`compile`] runs them in order and gathers every diagnostic;
//! [`compile_locked`] also reads a [`lock::Lock`] (frozen LLM answers for the
//! sentences the rules do not understand — the compiler never asks an LLM):
//!
//! ```
//! use keel_compiler::{compile, Source};
//! let policy = Source::new("wismo.policy.md", "1. Ask for the user's email address.\n2. Use @lookup to find the account.\n");
//! let catalog = Source::new("catalog.toml", "[tools.lookup]\nargs = { email = \"email\" }\nreturns = \"string\"\n");
//! let compilation = compile(&[policy], &[catalog]);
//! assert!(!compilation.has_errors());
//! assert!(compilation.machine.dump().contains("call @lookup(email: $email)"));
//! ```
//!
//! The compiler does no IO: callers pass [`Source`]s and print diagnostics.

pub mod adapters;
pub mod answers;
pub mod catalog;
mod diagnostic;
mod diff;
pub mod emit;
pub mod extract;
pub mod ir;
mod load;
pub mod lock;
pub mod machine;
mod source;
mod spelling;
pub mod syntax;
pub mod trigger;
pub mod verify;
pub mod vocabulary;

pub use diagnostic::{Code, Diagnostic, Severity, codes};
pub use diff::{Diff, diff, diff_page};
pub use load::{Inputs, LoadError, load};
pub use source::{Location, Source, SourceId, SourceMap, Span};

use catalog::Catalog;
use diagnostic::codes as code_list;
use machine::Machine;
use std::collections::{BTreeMap, BTreeSet};

/// Everything one compilation produced.
#[derive(Debug)]
pub struct Compilation {
    /// The sources, for rendering spans.
    pub sources: SourceMap,
    /// The merged catalog.
    pub catalog: Catalog,
    /// The extracted policies, in the order given.
    pub policies: Vec<ir::Policy>,
    /// The machine of the first (entry) policy, with what it references.
    pub machine: Machine,
    /// Every problem found, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// The verifier's static bounds on user turns and bot actions.
    pub bounds: verify::Bounds,
    /// For each hand-off, the variables bound on every path to it.
    pub handoff_context: std::collections::BTreeMap<machine::StateId, Vec<String>>,
    /// Sentences the rules do not read (an unread-words error lies in
    /// each), with their steps: what `keel compile --llm` asks a model to
    /// rewrite.
    pub unread: Vec<lock::Unread>,
    /// The lock file's rewrites of sentences the rules do not read, each
    /// with whether it was read in the sentence's place (with a lock only).
    pub rewrites: Vec<lock::Rewritten>,
    /// What the verifier proved about each destructive tool.
    pub guarantees: Vec<verify::Guarantee>,
}

impl Compilation {
    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The JSON artifact.
    pub fn artifact(&self) -> emit::artifact::Artifact {
        emit::artifact::artifact(
            &self.machine,
            &self.catalog,
            &self.sources,
            &self.handoff_context,
        )
    }
}

/// Compiles policies against catalogs. The first policy is the entry; the
/// others may be referenced with `#Name`. Never fails: problems are
/// diagnostics, and a machine is built from whatever could be read.
pub fn compile(policies: &[Source], catalogs: &[Source]) -> Compilation {
    compile_locked(policies, catalogs, None)
}

/// [`compile`] with a lock file: each sentence the rules do not read and
/// the lock has a rewrite of is read again with the rewrite in its place
/// (checked again by [`lock::check_rewrite`]; what it became is marked as
/// extracted by an LLM, and listed in [`Compilation::rewrites`]); entries
/// no such sentence uses are reported as stale. The sentences still unread
/// are listed in [`Compilation::unread`]. Still no IO: the caller reads the
/// file.
pub fn compile_locked(
    policies: &[Source],
    catalogs: &[Source],
    lock: Option<&lock::Lock>,
) -> Compilation {
    let plain = compile_pass(policies, catalogs, &BTreeMap::new());
    let Some(lock) = lock else {
        return plain.compilation;
    };
    let mut plan: BTreeMap<usize, Vec<(Span, String)>> = BTreeMap::new();
    let mut rewrites = Vec::new();
    let mut extra = Vec::new();
    let mut used = BTreeSet::new();
    for (index, document) in plain.documents.iter().enumerate() {
        let known = lock::known_variables(document, &plain.compilation.catalog);
        for unread in lock::unread_sentences(document, &plain.compilation.diagnostics) {
            let Some((key, entry)) = lock.get(&unread.sentence) else {
                continue;
            };
            used.insert(key);
            let outcome = lock::check_rewrite(
                &unread.sentence,
                &entry.rewrite,
                &plain.compilation.catalog,
                &known,
            );
            match &outcome {
                Ok(()) => plan
                    .entry(index)
                    .or_default()
                    .push((unread.span, entry.rewrite.clone())),
                Err(why) => extra.push(lock::rejected(&unread, &entry.rewrite, why)),
            }
            rewrites.push(lock::Rewritten {
                span: unread.span,
                step: unread.step.clone(),
                original: unread.sentence.clone(),
                rewrite: entry.rewrite.clone(),
                outcome,
            });
        }
    }
    for (key, entry) in &lock.entries {
        if !used.contains(key) {
            extra.push(
                Diagnostic::warning(
                    diagnostic::codes::STALE_LOCK_ENTRY,
                    format!(
                        "the lock file's rewrite of \"{}\" matches no sentence the rules leave unread",
                        entry.sentence
                    ),
                )
                .hint("the sentence was edited, removed or is now read by the rules: `keel compile --llm` rewrites the lock"),
            );
        }
    }
    let mut compilation = if plan.is_empty() {
        plain.compilation
    } else {
        compile_pass(policies, catalogs, &plan).compilation
    };
    let rewritten: Vec<(Span, &str)> = rewrites
        .iter()
        .filter(|rewrite| rewrite.outcome.is_ok())
        .map(|rewrite| (rewrite.span, rewrite.rewrite.as_str()))
        .collect();
    for diagnostic in &mut compilation.diagnostics {
        let Some(span) = diagnostic.span else {
            continue;
        };
        if let Some((_, rewrite)) = rewritten.iter().find(|(rewritten, _)| {
            rewritten.source == span.source
                && rewritten.start <= span.start
                && span.start < rewritten.end
        }) {
            diagnostic.notes.push((
                None,
                format!("read from the lock file's rewrite of this sentence: \"{rewrite}\""),
            ));
        } else if diagnostic.is_error()
            && (diagnostic.code == code_list::UNRECOGNISED_SENTENCE
                || diagnostic.code == code_list::UNREAD_WORDS)
            && !rewrites.iter().any(|rewrite| {
                rewrite.span.source == span.source
                    && rewrite.span.start <= span.start
                    && span.start < rewrite.span.end
            })
        {
            diagnostic.notes.push((
                None,
                "the lock file has no rewrite of this sentence: `keel compile --llm` asks the configured LLM for one".to_string(),
            ));
        }
    }
    compilation.diagnostics.extend(extra);
    diagnostic::sort_diagnostics(&mut compilation.diagnostics);
    compilation.rewrites = rewrites;
    compilation
}

/// One compilation, with `plan`'s rewrites (by policy index) put in place
/// of their sentences, and the documents as parsed (before the rewrites).
struct Pass {
    compilation: Compilation,
    documents: Vec<syntax::Document>,
}

fn compile_pass(
    policies: &[Source],
    catalogs: &[Source],
    plan: &BTreeMap<usize, Vec<(Span, String)>>,
) -> Pass {
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    // Each catalog is a part; types they declare differently are kept
    // apart, and each policy reads its own catalogs' names plainly.
    let parts = catalogs
        .iter()
        .map(|source| {
            let id = sources.add(source.clone());
            catalog::Part {
                namespace: catalog::namespace_of(&source.name),
                catalog: Catalog::read(id, &source.text, &mut diagnostics),
            }
        })
        .collect();
    let composition = catalog::Composition::new(parts, &mut diagnostics);
    let catalog = composition.merged.clone();
    catalog.check_record_names(&mut diagnostics);
    let mut views_reported = BTreeSet::new();
    let mut extracted: Vec<ir::Policy> = Vec::new();
    let mut documents = Vec::new();
    // Each policy's normalised name → its index in `extracted` (the first).
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (index, source) in policies.iter().enumerate() {
        let id = sources.add(source.clone());
        let (document, mut found) = syntax::parse(id, &source.text);
        diagnostics.append(&mut found);
        let own = load::own_catalogs(&source.name, &document, catalogs);
        // A policy's catalogs that disagree are reported once.
        let mut view_diagnostics = Vec::new();
        let view = composition.view(&own, &mut view_diagnostics);
        if views_reported.insert(own.clone()) {
            diagnostics.append(&mut view_diagnostics);
        }
        let mut read = document.clone();
        let mut rewritten = Vec::new();
        for (span, rewrite) in plan.get(&index).into_iter().flatten() {
            if lock::substitute(&mut read, *span, rewrite) {
                rewritten.push(*span);
            }
        }
        let mut policy = extract::extract(
            &read,
            &default_name(&source.name),
            view.as_ref().unwrap_or(&catalog),
            &mut diagnostics,
        );
        documents.push(document);
        lock::mark_rewritten(&mut policy, &rewritten);
        composition.qualify(&own, &mut policy);
        let normalised = machine::normalise_name(&policy.name);
        if let Some(previous) = names
            .get(&normalised)
            .and_then(|&index| extracted.get(index))
        {
            diagnostics.push(
                Diagnostic::error(
                    diagnostic::codes::DUPLICATE_POLICY,
                    format!("two policies are named `{}`", policy.name),
                )
                .at(policy.span)
                .note(Some(previous.span), "the other one")
                .hint("give each policy its own `policy:` name in the front matter"),
            );
        }
        names.entry(normalised).or_insert(extracted.len());
        extracted.push(policy);
    }
    let machine = machine::build(&extracted, 0, &catalog, &mut diagnostics);
    let verification = verify::verify(&machine, &catalog);
    diagnostics.extend(verification.diagnostics);
    extract::fold_cascades(&mut diagnostics);
    diagnostic::sort_diagnostics(&mut diagnostics);
    let unread = documents
        .iter()
        .flat_map(|document| lock::unread_sentences(document, &diagnostics))
        .collect();
    Pass {
        compilation: Compilation {
            sources,
            catalog,
            policies: extracted,
            machine,
            diagnostics,
            bounds: verification.bounds,
            handoff_context: verification.handoffs.into_iter().collect(),
            unread,
            rewrites: Vec::new(),
            guarantees: verification.guarantees,
        },
        documents,
    }
}

/// The policy name implied by a file name: `shopify_wismo.policy.md` →
/// `shopify_wismo`; for `…/shopify_wismo/policy.md`, the folder's name.
pub fn default_name(file: &str) -> String {
    let path = std::path::Path::new(file);
    let stem = path
        .file_name()
        .and_then(|name| name.to_str())
        .map(|name| name.split('.').next().unwrap_or(name).to_string())
        .unwrap_or_default();
    if stem == "policy" {
        if let Some(folder) = path
            .parent()
            .and_then(|parent| parent.file_name())
            .and_then(|name| name.to_str())
        {
            return folder.to_string();
        }
    }
    if stem.is_empty() {
        "policy".to_string()
    } else {
        stem
    }
}
