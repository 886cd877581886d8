//! The artifact's derived parts: which message fields are carrier codes
//! shown in plain words (`phrase` parts), and the record types the
//! runtime checks.

use super::{FieldEntry, Part, ToolEntry};
use crate::catalog::{Catalog, Type};
use crate::ir::{Message, MessagePart, Path};
use crate::machine::{Machine, StateKind};
use std::collections::BTreeMap;

pub(super) fn parts(message: &Message, types: &VarTypes<'_>) -> Vec<Part> {
    message
        .parts
        .iter()
        .map(|part| match part {
            MessagePart::Text(text) => Part::Text(text.clone()),
            MessagePart::Field(path) => match types.phrase_of(path) {
                Some(code) => Part::Phrase(code),
                None => Part::Field(path.0.join(".")),
            },
            MessagePart::List(path) => Part::List(path.0.join(".")),
        })
        .collect()
}

/// The types variables are bound with anywhere in the machine (tool
/// results and a triggered policy's `$event`): enough to tell a carrier
/// code's `phrase` from a record's field of that name.
pub(super) struct VarTypes<'a> {
    catalog: &'a Catalog,
    bound: BTreeMap<String, Vec<Type>>,
}

impl VarTypes<'_> {
    pub(super) fn new<'a>(machine: &Machine, catalog: &'a Catalog) -> VarTypes<'a> {
        let mut bound: BTreeMap<String, Vec<Type>> = BTreeMap::new();
        for (_, state) in machine.states() {
            if let StateKind::Call {
                bind: Some((var, ty)),
                ..
            } = &state.kind
            {
                bound.entry(var.clone()).or_default().push(ty.clone());
            }
        }
        for policy in &machine.policies {
            if let Some(trigger) = &policy.trigger {
                bound
                    .entry(crate::trigger::EVENT_VAR.to_string())
                    .or_default()
                    .push(Type::Record(trigger.record.clone()));
            }
        }
        VarTypes { catalog, bound }
    }

    /// `tracking.status` for `$tracking.status.phrase` when that field is
    /// a carrier code.
    fn phrase_of(&self, path: &Path) -> Option<String> {
        let (last, code) = path.0.split_last()?;
        if last != crate::vocabulary::PHRASE || code.is_empty() {
            return None;
        }
        let types = self.bound.get(code.first()?)?;
        types
            .iter()
            .any(|ty| {
                self.catalog
                    .field_type(ty, code.get(1..).unwrap_or(&[]))
                    .is_some_and(|found| found.required() == &Type::CarrierCode)
            })
            .then(|| code.join("."))
    }
}

/// Every record type reachable from the tools' arguments and results.
pub(super) fn record_types(
    tools: &BTreeMap<String, ToolEntry>,
    catalog: &Catalog,
) -> BTreeMap<String, BTreeMap<String, FieldEntry>> {
    fn names(ty: &crate::catalog::Type, out: &mut Vec<String>) {
        match ty {
            crate::catalog::Type::Record(name) => out.push(name.clone()),
            crate::catalog::Type::List(inner) | crate::catalog::Type::Optional(inner) => {
                names(inner, out)
            }
            _ => {}
        }
    }
    let mut pending: Vec<String> = Vec::new();
    for name in tools.keys() {
        if let Some(tool) = catalog.tools.get(name) {
            names(&tool.returns, &mut pending);
            for arg in tool.args.values() {
                names(arg, &mut pending);
            }
        }
    }
    record_types_named(&pending, catalog)
}

/// The record types named, and every record type their fields reach.
pub(super) fn record_types_named(
    names_given: &[String],
    catalog: &Catalog,
) -> BTreeMap<String, BTreeMap<String, FieldEntry>> {
    fn names(ty: &crate::catalog::Type, out: &mut Vec<String>) {
        match ty {
            crate::catalog::Type::Record(name) => out.push(name.clone()),
            crate::catalog::Type::List(inner) | crate::catalog::Type::Optional(inner) => {
                names(inner, out)
            }
            _ => {}
        }
    }
    let mut pending = names_given.to_vec();
    let mut out: BTreeMap<String, BTreeMap<String, FieldEntry>> = BTreeMap::new();
    while let Some(name) = pending.pop() {
        if out.contains_key(&name) {
            continue;
        }
        let Some(record) = catalog.types.get(&name) else {
            continue;
        };
        let mut fields = BTreeMap::new();
        for (field, ty) in &record.fields {
            names(ty, &mut pending);
            let entry = match ty.domain() {
                Some(domain) => FieldEntry {
                    ty: if ty.is_optional() {
                        "enum?".into()
                    } else {
                        "enum".into()
                    },
                    domain: Some(domain.to_vec()),
                },
                None => FieldEntry {
                    ty: ty.to_string(),
                    domain: None,
                },
            };
            fields.insert(field.clone(), entry);
        }
        out.insert(name, fields);
    }
    out
}
