//! The catalog cannot weaken an effect: each `tests/data/catalog/*.toml`
//! names the diagnostics it expects in its header (`# expect: error[K0122]
//! 10:10`, compared as a full set), and their messages and hints are one
//! snapshot. `err_` files expect at least one diagnostic, `ok_` files none.

use crate::support::root;
use keel_compiler::catalog::Catalog;
use keel_compiler::{Source, SourceMap, adapters};
use std::collections::BTreeSet;

#[test]
fn every_catalog_gets_exactly_the_diagnostics_its_header_expects() {
    let folder = root().join("compiler/tests/data/catalog");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("tests/data/catalog")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    let mut failures = Vec::new();
    let mut report = String::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("readable");
        let expected: BTreeSet<String> = text
            .lines()
            .filter_map(|line| line.strip_prefix("# expect:"))
            .map(|expect| expect.trim().to_string())
            .collect();
        let mut sources = SourceMap::default();
        let id = sources.add(Source::new(name.clone(), text.clone()));
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        catalog.load(id, &text, &mut diagnostics);
        catalog.check_record_names(&mut diagnostics);
        let found: BTreeSet<String> = diagnostics
            .iter()
            .map(|diagnostic| {
                let place = diagnostic.span.map_or("-".to_string(), |span| {
                    let location = sources.location(span);
                    format!("{}:{}", location.line, location.column)
                });
                format!("{}[{}] {place}", diagnostic.severity, diagnostic.code.id)
            })
            .collect();
        if name.starts_with("err_") == expected.is_empty() {
            failures.push(format!(
                "{name}: err_ files expect diagnostics, ok_ files none"
            ));
        }
        if found != expected {
            failures.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
        report.push_str(&format!("{name}\n"));
        for diagnostic in &diagnostics {
            report.push_str(&format!(
                "  {}: {}\n    hint: {}\n",
                diagnostic.code,
                diagnostic.message,
                diagnostic.hint.as_deref().unwrap_or("-")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    insta::assert_snapshot!("catalog_adapter_diagnostics", report);
}

#[test]
fn every_adapter_an_example_names_is_in_the_table() {
    let examples = root().join("examples");
    let mut named = 0;
    let mut folders: Vec<std::path::PathBuf> = std::fs::read_dir(&examples)
        .expect("examples")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    folders.push(root().join("taubench/policy"));
    for folder in folders {
        let Ok(text) = std::fs::read_to_string(folder.join("catalog.toml")) else {
            continue;
        };
        for line in text.lines() {
            if let Some(adapter) = line.strip_prefix("adapter = ") {
                let adapter = adapter.trim().trim_matches('"');
                assert!(
                    adapters::lookup(adapter).is_some(),
                    "{adapter} ({})",
                    folder.display()
                );
                named += 1;
            }
        }
    }
    assert!(named >= 20, "only {named} adapters found");
}
