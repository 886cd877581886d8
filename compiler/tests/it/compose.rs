//! Catalogs compose (`tests/data/compose/`): policies written against
//! different catalogs compile together and reference each other; a type
//! two catalogs declare differently is kept apart per catalog, one they
//! declare identically is shared. Each folder lists its entry policies in
//! `entries.txt`; `ok_` folders compile without an error, `err_` folders
//! show what stays an error. Diagnostics (with places, notes and hints),
//! the merged record types and each call's result type are a snapshot.

use crate::support::root;
use keel_compiler::machine::StateKind;
use keel_compiler::{compile, load};

#[test]
fn each_composition_gives_its_diagnostics_and_types() {
    let folder = root().join("compiler/tests/data/compose");
    let mut cases: Vec<_> = std::fs::read_dir(&folder)
        .expect("tests/data/compose")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let name = case
            .file_name()
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_default();
        let base = format!("compiler/tests/data/compose/{name}");
        let entries: Vec<String> = std::fs::read_to_string(case.join("entries.txt"))
            .expect("entries.txt")
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| format!("{base}/{}", line.trim()))
            .collect();
        let inputs = load(&entries, |path| std::fs::read_to_string(root().join(path)))
            .unwrap_or_else(|error| panic!("{error}"));
        let compilation = compile(&inputs.policies, &inputs.catalogs);
        let mut report = String::new();
        for diagnostic in &compilation.diagnostics {
            let place = diagnostic.span.map_or("-".to_string(), |span| {
                let location = compilation.sources.location(span);
                let file = compilation.sources.name(span.source);
                format!(
                    "{}:{}:{}",
                    file.strip_prefix(&format!("{base}/")).unwrap_or(file),
                    location.line,
                    location.column
                )
            });
            report.push_str(&format!(
                "{}[{}] {place}: {}\n",
                diagnostic.severity, diagnostic.code, diagnostic.message
            ));
            for (span, note) in &diagnostic.notes {
                let at = span.map_or(String::new(), |span| {
                    let location = compilation.sources.location(span);
                    let file = compilation.sources.name(span.source);
                    format!(
                        " ({}:{})",
                        file.strip_prefix(&format!("{base}/")).unwrap_or(file),
                        location.line
                    )
                });
                report.push_str(&format!("  note{at}: {note}\n"));
            }
            if let Some(hint) = &diagnostic.hint {
                report.push_str(&format!("  hint: {hint}\n"));
            }
        }
        report.push_str("types:\n");
        for (type_name, record) in &compilation.catalog.types {
            let fields: Vec<&str> = record.fields.keys().map(String::as_str).collect();
            report.push_str(&format!("  {type_name}: {}\n", fields.join(", ")));
        }
        report.push_str("calls:\n");
        for (_, state) in compilation.machine.states() {
            if let StateKind::Call {
                tool,
                bind: Some((var, ty)),
                ..
            } = &state.kind
            {
                report.push_str(&format!("  {}: @{tool} → ${var}: {ty}\n", state.policy));
            }
        }
        let errors = compilation.has_errors();
        assert_eq!(
            errors,
            name.starts_with("err_"),
            "{name}: ok_ folders compile without an error, err_ folders with one\n{report}"
        );
        insta::assert_snapshot!(format!("compose_{name}"), report);
    }
}
