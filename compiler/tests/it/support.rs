//! Loading policies with the CLI's loader (front matter `catalog:` and
//! `imports:` relative to the policy file), and the example list.

use keel_compiler::{Compilation, compile};
use std::path::{Path, PathBuf};

/// The workspace root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compiles a policy file with its catalogs and imports, loaded by
/// [`keel_compiler::load`] as the CLI does. Source names are relative to the
/// workspace root so snapshots do not depend on the checkout.
pub(crate) fn compile_file(policy: &Path) -> Compilation {
    let inputs = keel_compiler::load(&[relative(policy)], |path| {
        std::fs::read_to_string(root().join(path))
    })
    .unwrap_or_else(|error| panic!("{error}"));
    compile(&inputs.policies, &inputs.catalogs)
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
