//! Loading policies the way the CLI does: front matter `catalog:` and
//! `imports:` relative to the policy file.

use keel_compiler::source::SourceId;
use keel_compiler::{Compilation, Source, compile, syntax};
use std::path::{Path, PathBuf};

/// The workspace root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compiles a policy file with its catalogs and imports. Source names are
/// relative to the workspace root so snapshots do not depend on the checkout.
pub(crate) fn compile_file(policy: &Path) -> Compilation {
    let mut policies = Vec::new();
    let mut catalogs: Vec<Source> = Vec::new();
    let mut queue = vec![policy.to_path_buf()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = queue.pop() {
        // Policies may import each other; each is read once.
        if !seen.insert(relative(&path)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("policy is readable");
        let (document, _) = syntax::parse(SourceId::default(), &text);
        let directory = path.parent().expect("policy has a folder").to_path_buf();
        let catalog_paths: Vec<PathBuf> = match document.front_matter_value("catalog") {
            Some(entry) => entry
                .values()
                .iter()
                .map(|value| directory.join(value))
                .collect(),
            None => vec![directory.join("catalog.toml")],
        };
        for catalog in catalog_paths {
            let name = relative(&catalog);
            if catalogs.iter().all(|known| known.name != name) {
                catalogs.push(Source::new(
                    name,
                    std::fs::read_to_string(&catalog).expect("catalog is readable"),
                ));
            }
        }
        if let Some(entry) = document.front_matter_value("imports") {
            queue.extend(entry.values().iter().map(|value| directory.join(value)));
        }
        policies.push(Source::new(relative(&path), text));
    }
    compile(&policies, &catalogs)
}

/// `…/compiler/../examples/x/../y/policy.md` → `examples/y/policy.md`.
pub(crate) fn relative(path: &Path) -> String {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root()).unwrap_or_else(|_| root());
    canonical
        .strip_prefix(&root)
        .map(|relative| relative.display().to_string())
        .unwrap_or_else(|_| canonical.display().to_string())
}

/// The example policies, sorted.
pub(crate) fn example_policies() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("policy.md")))
        .filter(|path| path.exists())
        .collect();
    found.sort();
    found
}

/// Diagnostics as `severity[code name] line:column message` lines.
pub(crate) fn diagnostic_lines(compilation: &Compilation) -> Vec<String> {
    compilation
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let place = diagnostic.span.map_or(String::from("-"), |span| {
                let location = compilation.sources.location(span);
                format!(
                    "{}:{}:{}",
                    compilation.sources.name(span.source),
                    location.line,
                    location.column
                )
            });
            format!(
                "{}[{}] {place} {}",
                diagnostic.severity, diagnostic.code, diagnostic.message
            )
        })
        .collect()
}
