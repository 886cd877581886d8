//! Catalogs compose: policies written against different catalogs compile
//! together and may reference each other (`#Name`), even when their
//! catalogs declare a record type of the same name differently (a Shopify
//! `Order` and a Magento `Order`).
//!
//! Each catalog is a *part* with a namespace (its file's stem, or its
//! folder's name for a `catalog.toml`). A type name that the parts declare
//! differently — its fields differ, or a type they reach differs — is
//! *split*: in the merged catalog each part's declaration is kept apart
//! under its qualified name (`shopify_returns.Order`), and every tool,
//! field and event of that part names it so. A type the parts declare
//! identically stays one shared type under its plain name.
//!
//! A policy reads its own catalogs' names plainly: it is extracted against
//! a *view* in which the split types of the catalogs its front matter names
//! keep their plain names (`$order` is still the result of its
//! `@get_order`), and after extraction the types in its statements are
//! qualified again ([`Composition::qualify`]), so the machine, the
//! verifier and the artifact see one catalog without ambiguity.
//!
//! What stays an error (`K0109`, with both declarations): one policy whose
//! own catalogs declare a type differently (which `Order` would `$order`
//! be?), a tool declared differently by two catalogs (a `@name` means one
//! tool in a machine), and an event declared differently.

use super::{Catalog, EventType, RecordType, Tool, Type, bad_catalog};
use crate::diagnostic::Diagnostic;
use crate::ir;
use std::collections::{BTreeMap, BTreeSet};

/// One catalog as declared, before it is merged with the others.
#[derive(Clone, Debug)]
pub struct Part {
    /// The name its split types are qualified with.
    pub namespace: String,
    /// What it declares.
    pub catalog: Catalog,
}

/// The merged catalog of a compilation, and how its parts' split types
/// were kept apart.
#[derive(Clone, Debug, Default)]
pub struct Composition {
    /// Every part merged, split types under their qualified names.
    pub merged: Catalog,
    parts: Vec<Part>,
    /// Type names the parts declare differently.
    split: BTreeSet<String>,
}

/// The namespace a catalog's source name gives: the file's stem, or for a
/// file named `catalog.toml` its folder's name; lowercase letters, digits
/// and `_` only.
pub fn namespace_of(source_name: &str) -> String {
    let path = std::path::Path::new(source_name);
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default();
    let chosen = if stem == "catalog" {
        path.parent()
            .and_then(|parent| parent.file_name())
            .and_then(|name| name.to_str())
            .unwrap_or(stem)
    } else {
        stem
    };
    let cleaned: String = chosen
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "catalog".to_string()
    } else {
        cleaned
    }
}

/// `ns.Name`.
fn qualified(namespace: &str, name: &str) -> String {
    format!("{namespace}.{name}")
}

/// `ty` with each record name `rename` maps replaced.
fn rename_type(ty: &Type, rename: &dyn Fn(&str) -> Option<String>) -> Type {
    match ty {
        Type::Record(name) => Type::Record(rename(name).unwrap_or_else(|| name.clone())),
        // Types nest at most `MAX_TYPE_DEPTH` deep, so this recursion is bounded.
        Type::List(inner) => Type::List(Box::new(rename_type(inner, rename))),
        Type::Optional(inner) => Type::Optional(Box::new(rename_type(inner, rename))),
        other => other.clone(),
    }
}

/// The catalog with every record name `rename` maps replaced: type keys,
/// fields, tool arguments and results, event records.
fn rename_catalog(catalog: &Catalog, rename: &dyn Fn(&str) -> Option<String>) -> Catalog {
    let types = catalog
        .types
        .values()
        .map(|record| {
            let name = rename(&record.name).unwrap_or_else(|| record.name.clone());
            let renamed = RecordType {
                name: name.clone(),
                fields: record
                    .fields
                    .iter()
                    .map(|(field, ty)| (field.clone(), rename_type(ty, rename)))
                    .collect(),
                span: record.span,
            };
            (name, renamed)
        })
        .collect();
    let tools = catalog
        .tools
        .iter()
        .map(|(name, tool)| {
            let renamed = Tool {
                args: tool
                    .args
                    .iter()
                    .map(|(arg, ty)| (arg.clone(), rename_type(ty, rename)))
                    .collect(),
                returns: rename_type(&tool.returns, rename),
                ..tool.clone()
            };
            (name.clone(), renamed)
        })
        .collect();
    let events = catalog
        .events
        .iter()
        .map(|(kind, event)| {
            let renamed = EventType {
                record: rename(&event.record).unwrap_or_else(|| event.record.clone()),
                ..event.clone()
            };
            (kind.clone(), renamed)
        })
        .collect();
    Catalog {
        tools,
        types,
        events,
        carrier: catalog.carrier.clone(),
    }
}

/// The type names that `parts` declare differently: their fields differ,
/// or a type their fields reach is itself split. Found by a fixpoint, at
/// most one round per type name.
fn split_names(parts: &[&Part]) -> BTreeSet<String> {
    let mut declared_by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, part) in parts.iter().enumerate() {
        for name in part.catalog.types.keys() {
            declared_by.entry(name.as_str()).or_default().push(index);
        }
    }
    let mut split: BTreeSet<String> = BTreeSet::new();
    loop {
        let mut changed = false;
        for (name, declaring) in &declared_by {
            if declaring.len() < 2 || split.contains(*name) {
                continue;
            }
            let definitions: Vec<BTreeMap<&String, Type>> = declaring
                .iter()
                .filter_map(|&index| {
                    let part = parts.get(index)?;
                    let record = part.catalog.types.get(*name)?;
                    let rename = |record: &str| {
                        split
                            .contains(record)
                            .then(|| qualified(&part.namespace, record))
                    };
                    Some(
                        record
                            .fields
                            .iter()
                            .map(|(field, ty)| (field, rename_type(ty, &rename)))
                            .collect(),
                    )
                })
                .collect();
            if definitions.windows(2).any(|pair| pair[0] != pair[1]) {
                split.insert(name.to_string());
                changed = true;
            }
        }
        if !changed {
            return split;
        }
    }
}

impl Composition {
    /// Merges the parts (namespaces made unique in order), keeping split
    /// types apart. Tools and events declared differently are `K0109`.
    pub fn new(mut parts: Vec<Part>, diagnostics: &mut Vec<Diagnostic>) -> Composition {
        let mut taken = BTreeSet::new();
        for part in &mut parts {
            let base = part.namespace.clone();
            let mut copy = 1;
            while !taken.insert(part.namespace.clone()) {
                copy += 1;
                part.namespace = format!("{base}_{copy}");
            }
        }
        let split = split_names(&parts.iter().collect::<Vec<_>>());
        let mut merged = Catalog::default();
        for part in &parts {
            let renamed = rename_catalog(&part.catalog, &|name| {
                (split.contains(name) && part.catalog.types.contains_key(name))
                    .then(|| qualified(&part.namespace, name))
            });
            merged.merge(renamed, diagnostics);
        }
        Composition {
            merged,
            parts,
            split,
        }
    }

    /// The split type names and the namespaces they are kept under
    /// (`Order` → `[magento, shopify]`), for reports.
    pub fn split_types(&self) -> BTreeMap<String, Vec<String>> {
        self.split
            .iter()
            .map(|name| {
                let namespaces = self
                    .parts
                    .iter()
                    .filter(|part| part.catalog.types.contains_key(name))
                    .map(|part| part.namespace.clone())
                    .collect();
                (name.clone(), namespaces)
            })
            .collect()
    }

    /// The split types `own` parts declare, by plain name → qualified name.
    /// When two of them declare one differently, that is `K0109` (pushed
    /// once per pair) and the first one is taken.
    fn own_names(
        &self,
        own: &[usize],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> BTreeMap<String, String> {
        let own_parts: Vec<&Part> = own
            .iter()
            .filter_map(|&index| self.parts.get(index))
            .collect();
        let disagreeing = split_names(&own_parts);
        let mut names = BTreeMap::new();
        for name in &self.split {
            let declaring: Vec<&Part> = own_parts
                .iter()
                .copied()
                .filter(|part| part.catalog.types.contains_key(name))
                .collect();
            let Some(first) = declaring.first() else {
                continue;
            };
            if disagreeing.contains(name) {
                if let (Some(one), Some(other)) = (
                    first.catalog.types.get(name),
                    declaring
                        .iter()
                        .skip(1)
                        .find_map(|part| part.catalog.types.get(name)),
                ) {
                    diagnostics.push(
                        bad_catalog(
                            format!("type `{name}` is declared differently by two catalogs of the same policy"),
                            other.span,
                        )
                        .note(Some(one.span), "the other declaration")
                        .hint(format!(
                            "a policy's own catalogs must agree on `{name}` (which one would its `${}` be?): rename it in one of them; catalogs of different policies may differ, their types are kept apart",
                            name.to_lowercase()
                        )),
                    );
                }
            }
            names.insert(name.clone(), qualified(&first.namespace, name));
        }
        names
    }

    /// The catalog a policy whose own catalogs are the parts `own` is read
    /// against: the merged catalog, with those parts' split types under
    /// their plain names. `None` when nothing is split (the merged catalog
    /// is the view) or the policy names no catalog of its own.
    pub fn view(&self, own: &[usize], diagnostics: &mut Vec<Diagnostic>) -> Option<Catalog> {
        if self.split.is_empty() || own.is_empty() {
            return None;
        }
        let names = self.own_names(own, diagnostics);
        let plain: BTreeMap<&str, &str> = names
            .iter()
            .map(|(plain, full)| (full.as_str(), plain.as_str()))
            .collect();
        Some(rename_catalog(&self.merged, &|name| {
            plain.get(name).map(|plain| plain.to_string())
        }))
    }

    /// Qualifies the split types a policy read against [`Composition::view`]`(own)`
    /// names in its statements (each call's result, the trigger's record).
    pub fn qualify(&self, own: &[usize], policy: &mut ir::Policy) {
        if self.split.is_empty() || own.is_empty() {
            return;
        }
        let names = self.own_names(own, &mut Vec::new());
        let rename = |name: &str| names.get(name).cloned();
        if let Some(trigger) = &mut policy.trigger {
            if let Some(full) = rename(&trigger.record) {
                trigger.record = full;
            }
        }
        let mut stack: Vec<&mut ir::Block> = vec![&mut policy.body];
        while let Some(block) = stack.pop() {
            for stmt in &mut block.0 {
                match &mut stmt.kind {
                    ir::StmtKind::Ask(ask) => {
                        stack.extend(ask.yes.as_mut());
                        stack.extend(ask.no.as_mut());
                        stack.extend(ask.options.iter_mut());
                        stack.extend(ask.accepted.as_mut());
                        stack.extend(ask.not_found.as_mut());
                    }
                    ir::StmtKind::Call(call) => {
                        if let Some((_, ty)) = &mut call.bind {
                            *ty = rename_type(ty, &rename);
                        }
                        stack.extend(call.not_found.as_mut());
                        stack.extend(call.error.as_mut());
                    }
                    ir::StmtKind::Match(matching) => {
                        stack.extend(matching.cases.iter_mut().map(|case| &mut case.body));
                        stack.extend(matching.otherwise.as_mut());
                    }
                    ir::StmtKind::Check(check) => {
                        stack.extend(check.yes.as_mut());
                        stack.extend(check.no.as_mut());
                    }
                    ir::StmtKind::Retry(retry) => stack.extend(retry.exhausted.as_mut()),
                    ir::StmtKind::Say(_)
                    | ir::StmtKind::Escalate(_)
                    | ir::StmtKind::End(_)
                    | ir::StmtKind::Goto(_)
                    | ir::StmtKind::Enter(_)
                    | ir::StmtKind::Section(_)
                    | ir::StmtKind::Continue(_)
                    | ir::StmtKind::Set { .. }
                    | ir::StmtKind::Wait(_)
                    | ir::StmtKind::Repeat { .. } => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn part(namespace: &str, text: &str) -> Part {
        let mut diagnostics = Vec::new();
        let catalog = Catalog::read(SourceId::default(), text, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        Part {
            namespace: namespace.to_string(),
            catalog,
        }
    }

    #[test]
    fn namespaces_come_from_the_file_or_its_folder() {
        assert_eq!(
            namespace_of("examples/shopify_wismo/catalog.toml"),
            "shopify_wismo"
        );
        assert_eq!(namespace_of("carrier.toml"), "carrier");
        assert_eq!(namespace_of("a/Magento-Store.toml"), "magento_store");
        assert_eq!(namespace_of("catalog.toml"), "catalog");
    }

    #[test]
    fn a_type_reaching_a_split_type_is_split_too() {
        let item = |price: &str| {
            format!(
                "[types.Order]\nid = \"string\"\nitems = \"[Item]\"\n[types.Item]\nprice = \"{price}\"\n[types.Customer]\nid = \"string\"\n"
            )
        };
        let parts = vec![part("a", &item("money")), part("b", &item("number"))];
        let mut diagnostics = Vec::new();
        let composition = Composition::new(parts, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let names: Vec<&String> = composition.merged.types.keys().collect();
        assert_eq!(
            names,
            ["Customer", "a.Item", "a.Order", "b.Item", "b.Order"]
        );
        assert_eq!(
            composition.merged.types["b.Order"].fields["items"],
            Type::List(Box::new(Type::Record("b.Item".into())))
        );
        let view = composition.view(&[1], &mut diagnostics).expect("a view");
        assert_eq!(
            view.types["Order"].fields["items"],
            Type::List(Box::new(Type::Record("Item".into())))
        );
        assert!(view.types.contains_key("a.Order"));
    }
}
