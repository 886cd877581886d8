//! Reads policy files, the catalogs their front matter names, and the
//! policies they import.

use keel_compiler::Source;
use keel_compiler::source::SourceId;
use keel_compiler::syntax;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Everything to hand the compiler.
pub(crate) struct Inputs {
    pub(crate) policies: Vec<Source>,
    pub(crate) catalogs: Vec<Source>,
}

/// Loads the given policies (the first is the entry), then follows each
/// policy's `imports:`; catalogs come from `catalog:` (a path or a list,
/// relative to the policy) or `catalog.toml` beside the policy.
pub(crate) fn inputs(paths: &[PathBuf]) -> Result<Inputs, String> {
    let mut policies = Vec::new();
    let mut catalogs = Vec::new();
    let mut seen_policies = BTreeSet::new();
    let mut seen_catalogs = BTreeSet::new();
    let mut queue: Vec<PathBuf> = paths.to_vec();
    let mut index = 0;
    while index < queue.len() {
        let path = queue[index].clone();
        index += 1;
        let key = canonical(&path);
        if !seen_policies.insert(key) {
            continue;
        }
        let text = read(&path)?;
        let (document, _) = syntax::parse(SourceId::default(), &text);
        let directory = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let catalog_paths: Vec<PathBuf> = match document.front_matter_value("catalog") {
            Some(entry) => entry
                .values()
                .iter()
                .map(|value| directory.join(value))
                .collect(),
            None => {
                let beside = directory.join("catalog.toml");
                if beside.exists() {
                    vec![beside]
                } else {
                    Vec::new()
                }
            }
        };
        for catalog in catalog_paths {
            if seen_catalogs.insert(canonical(&catalog)) {
                catalogs.push(Source::new(display(&catalog), read(&catalog)?));
            }
        }
        if let Some(entry) = document.front_matter_value("imports") {
            for import in entry.values() {
                queue.push(directory.join(import));
            }
        }
        policies.push(Source::new(display(&path), text));
    }
    Ok(Inputs { policies, catalogs })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A path as shown to people: `a/b/../c` becomes `a/c`.
fn display(path: &Path) -> String {
    let mut parts: Vec<std::path::Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir
                if parts
                    .last()
                    .is_some_and(|last| matches!(last, std::path::Component::Normal(_))) =>
            {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other),
        }
    }
    parts.iter().collect::<PathBuf>().display().to_string()
}
