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
use machine::Machine;

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
    /// Sentences neither the rules nor the lock file understood (only
    /// gathered when a lock is given): what `keel compile --llm` asks about.
    pub unread: Vec<lock::Unread>,
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

/// [`compile`] with a lock file: sentences the rules do not understand are
/// read from its frozen LLM answers (checked again against the catalog and
/// marked as extracted by an LLM); entries no sentence uses are reported
/// as stale, sentences it lacks stay errors and are listed in
/// [`Compilation::unread`]. Still no IO: the caller reads the file.
pub fn compile_locked(
    policies: &[Source],
    catalogs: &[Source],
    lock: Option<&lock::Lock>,
) -> Compilation {
    let mut used = std::collections::BTreeSet::new();
    let mut unread = Vec::new();
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
    let mut views_reported = std::collections::BTreeSet::new();
    let mut extracted: Vec<ir::Policy> = Vec::new();
    // Each policy's normalised name → its index in `extracted` (the first).
    let mut names: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for source in policies {
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
        let (mut policy, lock_use) = extract::extract_locked(
            &document,
            &default_name(&source.name),
            view.as_ref().unwrap_or(&catalog),
            lock,
            &mut diagnostics,
        );
        composition.qualify(&own, &mut policy);
        used.extend(lock_use.used);
        unread.extend(lock_use.unread);
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
    if let Some(lock) = lock {
        for (key, entry) in &lock.entries {
            if !used.contains(key) {
                diagnostics.push(
                    Diagnostic::warning(
                        diagnostic::codes::STALE_LOCK_ENTRY,
                        format!(
                            "the lock file's answer for \"{}\" matches no sentence the rules leave unread",
                            entry.sentence
                        ),
                    )
                    .hint("the sentence was edited, removed or is now read by the rules: `keel compile --llm` rewrites the lock"),
                );
            }
        }
    }
    let machine = machine::build(&extracted, 0, &catalog, &mut diagnostics);
    let verification = verify::verify(&machine, &catalog);
    diagnostics.extend(verification.diagnostics);
    diagnostic::sort_diagnostics(&mut diagnostics);
    Compilation {
        sources,
        catalog,
        policies: extracted,
        machine,
        diagnostics,
        bounds: verification.bounds,
        handoff_context: verification.handoffs.into_iter().collect(),
        unread,
        guarantees: verification.guarantees,
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
