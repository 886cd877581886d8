//! The one loader: from entry policy paths to the [`Source`]s a compilation
//! needs, following each policy's front matter (`catalog:` and `imports:`).
//!
//! Like typst's `World`, the loader decides *which* files are needed and the
//! caller decides *how* a file is read: [`load`] takes a `read` function, so
//! the compiler itself still does no IO. The CLI passes
//! `std::fs::read_to_string`; tests pass a function that reads below the
//! workspace root, so source names stay relative to it; a caller could as
//! well read from memory.
//!
//! Paths are joined and normalised lexically (`a/b/../c` is `a/c`), and
//! that normal form names the [`Source`] and decides whether a file was
//! already loaded.

use crate::Source;
use crate::syntax;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// Everything to hand [`crate::compile`]: the policies (the entry first, then
/// the ones given after it, then their imports, breadth first) and the
/// catalogs they name, each once.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Policy sources in load order; the first is the entry.
    pub policies: Vec<Source>,
    /// Catalog sources in the order the policies name them.
    pub catalogs: Vec<Source>,
}

/// A file the loader needed and could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file, normalised.
    pub path: PathBuf,
    /// What the reader said.
    pub reason: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "cannot read {}: {}",
            self.path.display(),
            self.reason
        )
    }
}

impl std::error::Error for LoadError {}

/// Loads the entry policies (the first is the entry point), then follows
/// each policy's `imports:` (paths relative to the policy). Catalogs come
/// from `catalog:` (a path or a list, relative to the policy) or, when the
/// front matter names none, `catalog.toml` beside the policy if `read` finds
/// it (a [`std::io::ErrorKind::NotFound`] there is not an error).
///
/// ```
/// use keel_compiler::load;
/// use std::path::Path;
/// let files = |path: &Path| match path.to_str() {
///     Some("a/policy.md") => Ok("---\nimports: [../b/policy.md]\n---\n1. Ask for the email.\n".to_string()),
///     Some("b/policy.md") => Ok("1. Say hello.\n".to_string()),
///     Some("a/catalog.toml") => Ok(String::new()),
///     _ => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
/// };
/// let inputs = load(&["a/policy.md"], files).unwrap();
/// let names: Vec<&str> = inputs.policies.iter().map(|source| source.name.as_str()).collect();
/// assert_eq!(names, ["a/policy.md", "b/policy.md"]);
/// assert_eq!(inputs.catalogs[0].name, "a/catalog.toml");
/// ```
pub fn load<P: AsRef<Path>>(
    entries: &[P],
    mut read: impl FnMut(&Path) -> std::io::Result<String>,
) -> Result<Inputs, LoadError> {
    let mut inputs = Inputs::default();
    let mut seen_policies = BTreeSet::new();
    let mut seen_catalogs = BTreeSet::new();
    let mut queue: Vec<PathBuf> = entries
        .iter()
        .map(|path| normalise(path.as_ref()))
        .collect();
    let mut next = 0;
    while let Some(path) = queue.get(next).cloned() {
        next += 1;
        if !seen_policies.insert(path.clone()) {
            continue;
        }
        let text = read_required(&mut read, &path)?;
        let (document, _) = syntax::parse(crate::source::SourceId::default(), &text);
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let (catalogs, named) = catalog_paths(&path, &document);
        for catalog in catalogs {
            if named {
                if seen_catalogs.insert(catalog.clone()) {
                    let text = read_required(&mut read, &catalog)?;
                    inputs.catalogs.push(Source::new(name(&catalog), text));
                }
            } else if !seen_catalogs.contains(&catalog) {
                match read(&catalog) {
                    Ok(text) => {
                        seen_catalogs.insert(catalog.clone());
                        inputs.catalogs.push(Source::new(name(&catalog), text));
                    }
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(failed(&catalog, &error)),
                }
            }
        }
        if let Some(entry) = document.front_matter_value("imports") {
            queue.extend(
                entry
                    .values()
                    .iter()
                    .map(|import| normalise(&folder.join(import))),
            );
        }
        inputs.policies.push(Source::new(name(&path), text));
    }
    Ok(inputs)
}

/// The catalogs a policy at `path` names, normalised: its front matter's
/// `catalog:` (a path or a list, relative to the policy; `true`: each is
/// required), or else `catalog.toml` beside it (`false`: used if it exists).
pub(crate) fn catalog_paths(path: &Path, document: &syntax::Document) -> (Vec<PathBuf>, bool) {
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    match document.front_matter_value("catalog") {
        Some(entry) => (
            entry
                .values()
                .iter()
                .map(|value| normalise(&folder.join(value)))
                .collect(),
            true,
        ),
        None => (vec![normalise(&folder.join("catalog.toml"))], false),
    }
}

/// Which of `catalogs` (by their source names) the policy named `policy`
/// uses: the indices of those its front matter names, or of the
/// `catalog.toml` beside it.
pub(crate) fn own_catalogs(
    policy: &str,
    document: &syntax::Document,
    catalogs: &[Source],
) -> Vec<usize> {
    let (paths, _) = catalog_paths(&normalise(Path::new(policy)), document);
    paths
        .iter()
        .filter_map(|path| {
            catalogs
                .iter()
                .position(|catalog| normalise(Path::new(&catalog.name)) == *path)
        })
        .collect()
}

fn read_required(
    read: &mut impl FnMut(&Path) -> std::io::Result<String>,
    path: &Path,
) -> Result<String, LoadError> {
    read(path).map_err(|error| failed(path, &error))
}

fn failed(path: &Path, error: &std::io::Error) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        reason: error.to_string(),
    }
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

/// A path in normal form, without touching the filesystem: `./` parts
/// dropped, `x/..` folded (a leading `..` is kept).
pub(crate) fn normalise(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::ParentDir
                if parts
                    .last()
                    .is_some_and(|last| matches!(last, Component::Normal(_))) =>
            {
                parts.pop();
            }
            Component::CurDir => {}
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn files(entries: &[(&str, &str)]) -> impl FnMut(&Path) -> std::io::Result<String> {
        let map: BTreeMap<String, String> = entries
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect();
        move |path: &Path| {
            map.get(&path.display().to_string())
                .cloned()
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        }
    }

    fn names(sources: &[Source]) -> Vec<&str> {
        sources.iter().map(|source| source.name.as_str()).collect()
    }

    #[test]
    fn imports_are_followed_breadth_first_and_read_once() {
        let read = files(&[
            (
                "x/a/policy.md",
                "---\nimports: [../b/policy.md, ./../c/policy.md]\n---\n1. Hi.\n",
            ),
            (
                "x/b/policy.md",
                "---\nimports: [../c/policy.md]\n---\n1. Hi.\n",
            ),
            (
                "x/c/policy.md",
                "---\nimports: [../a/policy.md]\n---\n1. Hi.\n",
            ),
            ("x/c/catalog.toml", "# c\n"),
        ]);
        let inputs = load(&["x/./a/policy.md"], read).expect("loads");
        assert_eq!(
            names(&inputs.policies),
            ["x/a/policy.md", "x/b/policy.md", "x/c/policy.md"]
        );
        assert_eq!(names(&inputs.catalogs), ["x/c/catalog.toml"]);
    }

    #[test]
    fn named_catalogs_are_required_and_shared_ones_loaded_once() {
        let read = files(&[
            (
                "a.md",
                "---\ncatalog: [shared.toml, own.toml]\nimports: [b.md]\n---\n",
            ),
            ("b.md", "---\ncatalog: shared.toml\n---\n"),
            ("shared.toml", ""),
            ("own.toml", ""),
        ]);
        let inputs = load(&["a.md"], read).expect("loads");
        assert_eq!(names(&inputs.catalogs), ["shared.toml", "own.toml"]);

        let read = files(&[("a.md", "---\ncatalog: gone.toml\n---\n")]);
        let error = load(&["a.md"], read).expect_err("the catalog is missing");
        assert_eq!(error.path, PathBuf::from("gone.toml"));
        assert!(error.to_string().starts_with("cannot read gone.toml: "));
    }

    #[test]
    fn a_missing_policy_names_its_path() {
        let error = load(&["examples/nope/policy.md"], files(&[])).expect_err("missing");
        assert!(
            error
                .to_string()
                .starts_with("cannot read examples/nope/policy.md: "),
            "{error}"
        );
    }

    #[test]
    fn other_read_errors_beside_a_policy_are_errors() {
        let read = |path: &Path| {
            if path == Path::new("p.md") {
                Ok(String::new())
            } else {
                Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
            }
        };
        let error = load(&["p.md"], read).expect_err("unreadable catalog");
        assert_eq!(error.path, PathBuf::from("catalog.toml"));
    }

    #[test]
    fn normal_form() {
        assert_eq!(normalise(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalise(Path::new("../a/../b")), PathBuf::from("../b"));
        assert_eq!(normalise(Path::new("/r/a/..")), PathBuf::from("/r"));
    }
}
