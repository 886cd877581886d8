//! The tool catalog: tools with their argument and result types, record
//! types with enum domains, and effects. Read from TOML (DESIGN §3).

mod compose;

pub use compose::{Composition, Part, namespace_of};

use crate::adapters;
use crate::diagnostic::{Diagnostic, codes};
use crate::source::{SourceId, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// What a tool does to the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// Reads only; safe to retry.
    Read,
    /// Changes something that can be changed back (a discount, a note).
    Write,
    /// Cannot be undone (cancel, refund): needs the customer's explicit yes.
    Destructive,
}

impl Effect {
    /// `read`, `write` or `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Read => "read",
            Effect::Write => "write",
            Effect::Destructive => "destructive",
        }
    }
}

/// A value type in the catalog's small type language.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    /// Free text (`string`, `str`, `text`).
    String,
    /// An email address.
    Email,
    /// A whole number.
    Int,
    /// Any number.
    Number,
    /// An amount of money.
    Money,
    /// True or false.
    Bool,
    /// A calendar date.
    Date,
    /// A carrier's raw status or exception code (`in_transit`,
    /// `Exception_004`): never shown to a customer as is — a message
    /// shows `$path.phrase`, its plain words from the catalog's
    /// `[carrier]` vocabulary.
    CarrierCode,
    /// One of a closed set of values.
    Enum(Vec<String>),
    /// A record type declared under `[types.Name]`.
    Record(String),
    /// `[T]`: a list.
    List(Box<Type>),
    /// `T?`: may be absent.
    Optional(Box<Type>),
}

impl Type {
    /// The type without its `?`.
    pub fn required(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner.required(),
            other => other,
        }
    }

    /// True for `T?`.
    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_))
    }

    /// The enum domain, if this is an enum (optional or not).
    pub fn domain(&self) -> Option<&[String]> {
        match self.required() {
            Type::Enum(values) => Some(values),
            _ => None,
        }
    }

    /// Whether a value of type `self` can be passed where `expected` is wanted.
    pub fn fits(&self, expected: &Type) -> bool {
        let (have, want) = (self.required(), expected.required());
        match (have, want) {
            (Type::Email, Type::String) | (Type::Int, Type::Number) => true,
            // A number the customer typed may go where a whole number is wanted:
            // the runtime checks it is whole.
            (Type::Number, Type::Int) => true,
            (Type::Enum(_), Type::String) => true,
            (Type::String, Type::Enum(_)) => true,
            // A raw code may go to a tool or be compared with a literal;
            // only a message may not show it (K0316).
            (Type::CarrierCode, Type::String) | (Type::String, Type::CarrierCode) => true,
            (Type::List(left), Type::List(right)) => left.fits(right),
            (left, right) => left == right,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Email => f.write_str("email"),
            Type::Int => f.write_str("int"),
            Type::Number => f.write_str("number"),
            Type::Money => f.write_str("money"),
            Type::Bool => f.write_str("bool"),
            Type::Date => f.write_str("date"),
            Type::CarrierCode => f.write_str("carrier_code"),
            Type::Enum(values) => write!(f, "enum({})", values.join(" | ")),
            Type::Record(name) => f.write_str(name),
            Type::List(inner) => write!(f, "[{inner}]"),
            Type::Optional(inner) => write!(f, "{inner}?"),
        }
    }
}

/// A tool the policy may call.
#[derive(Clone, Debug, PartialEq)]
pub struct Tool {
    /// The name used after `@`.
    pub name: String,
    /// What it does, for reviewers and for the LLM boundary.
    pub description: String,
    /// Arguments by name.
    pub args: BTreeMap<String, Type>,
    /// The result type; `T?` adds a not-found edge.
    pub returns: Type,
    /// Read, write or destructive.
    pub effect: Effect,
    /// Success establishes who the customer is.
    pub verifies_identity: bool,
    /// Reads the customer's data: needs a verified identity first.
    pub customer_data: bool,
    /// Arguments that carry new values the customer gives (a new address),
    /// not records the call acts on: `K0315` does not require them to come
    /// from the verified customer's records. The yes to a read-back that
    /// shows them (`K0312`) is still required.
    pub new_values: Vec<String>,
    /// Which implementation serves it at run time.
    pub adapter: Option<String>,
    /// Where the tool is declared.
    pub span: Span,
}

/// A record type: named fields with their types.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordType {
    /// The type's name.
    pub name: String,
    /// Fields by name.
    pub fields: BTreeMap<String, Type>,
    /// Where it is declared.
    pub span: Span,
}

/// All tools and types available to a compilation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    /// Tools by name.
    pub tools: BTreeMap<String, Tool>,
    /// Record types by name.
    pub types: BTreeMap<String, RecordType>,
    /// External events by kind (`carrier_scan_gap`), each with the record
    /// type `$event` holds in a policy it triggers.
    pub events: BTreeMap<String, EventType>,
    /// Plain words for carrier statuses and codes.
    pub carrier: crate::vocabulary::Vocabulary,
}

/// An external event a policy may be triggered by (`[events]`).
#[derive(Clone, Debug, PartialEq)]
pub struct EventType {
    /// The event's kind.
    pub kind: String,
    /// The record type of its data.
    pub record: String,
    /// Where it is declared.
    pub span: Span,
}

impl Catalog {
    /// The type of `$var.field.field…` given the variable's type.
    /// A field of a list is that field of each item: `$items.price` is a
    /// `[money]` when `$items` is a list of records with a `price`.
    pub fn field_type(&self, base: &Type, fields: &[String]) -> Option<Type> {
        let mut current = base.clone();
        for field in fields {
            if current.required() == &Type::CarrierCode && field == crate::vocabulary::PHRASE {
                // `$tracking.status.phrase`: the code in plain words.
                current = Type::String;
                continue;
            }
            current = match current.required().clone() {
                Type::Record(name) => self.types.get(&name)?.fields.get(field)?.clone(),
                Type::List(item) => Type::List(Box::new(
                    self.field_type(&item, std::slice::from_ref(field))?,
                )),
                _ => return None,
            };
        }
        Some(current)
    }

    /// Reads one TOML catalog and merges it into `self`. A tool or type
    /// declared twice with different definitions is an error (a
    /// compilation keeps the types of different catalogs apart instead:
    /// see [`Composition`]).
    pub fn load(&mut self, source: SourceId, text: &str, diagnostics: &mut Vec<Diagnostic>) {
        let declared = Catalog::read(source, text, diagnostics);
        self.merge(declared, diagnostics);
    }

    /// Reads one TOML catalog on its own: what it declares.
    pub fn read(source: SourceId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Catalog {
        let span_at = |range: std::ops::Range<usize>| Span::new(source, range.start, range.end);
        let raw: RawCatalog = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                let span = error.span().map_or(Span::new(source, 0, 0), span_at);
                diagnostics.push(
                    Diagnostic::error(
                        codes::BAD_CATALOG,
                        format!("the catalog is not valid: {}", error.message()),
                    )
                    .at(span)
                    .hint("see DESIGN §3 for the catalog format"),
                );
                return Catalog::default();
            }
        };
        let mut declared = Catalog::default();
        for (name, raw_type) in raw.types {
            let span = span_at(raw_type.span());
            let mut fields = BTreeMap::new();
            for (field, raw_field) in raw_type.into_inner() {
                let field_span = span_at(raw_field.span());
                match raw_field.into_inner().read() {
                    Ok(field_type) => {
                        fields.insert(field, field_type);
                    }
                    Err(message) => diagnostics.push(bad_catalog(message, field_span)),
                }
            }
            declared
                .types
                .insert(name.clone(), RecordType { name, fields, span });
        }
        for (kind, record) in raw.events {
            let span = span_at(record.span());
            declared.events.insert(
                kind.clone(),
                EventType {
                    kind,
                    record: record.into_inner(),
                    span,
                },
            );
        }
        if let Some(carrier) = raw.carrier {
            let span = span_at(carrier.span());
            declared.carrier =
                crate::vocabulary::Vocabulary::read(carrier.into_inner(), span, diagnostics);
        }
        for (name, raw_tool) in raw.tools {
            let span = span_at(raw_tool.span());
            let raw_tool = raw_tool.into_inner();
            let mut args = BTreeMap::new();
            for (arg, written) in raw_tool.args {
                let arg_span = span_at(written.span());
                match written.into_inner().read() {
                    Ok(arg_type) => {
                        args.insert(arg, arg_type);
                    }
                    Err(message) => diagnostics.push(bad_catalog(message, arg_span)),
                }
            }
            let returns = match &raw_tool.returns {
                Some(written) => parse_type(written.get_ref()).unwrap_or_else(|message| {
                    diagnostics.push(bad_catalog(message, span_at(written.span())));
                    Type::String
                }),
                None => Type::Bool,
            };
            let effect_span = raw_tool
                .effect
                .as_ref()
                .map(|effect| span_at(effect.span()));
            let effect = match raw_tool
                .effect
                .as_ref()
                .map(|effect| effect.get_ref().as_str())
            {
                None | Some("read") => Effect::Read,
                Some("write") => Effect::Write,
                Some("destructive") => Effect::Destructive,
                Some(other) => {
                    let effect_span = raw_tool
                        .effect
                        .as_ref()
                        .map_or(span, |effect| span_at(effect.span()));
                    diagnostics.push(
                        bad_catalog(format!("unknown effect `{other}`"), effect_span)
                            .hint("write effect = \"read\", \"write\" or \"destructive\""),
                    );
                    Effect::Destructive
                }
            };
            let adapter_span = raw_tool
                .adapter
                .as_ref()
                .map(|adapter| span_at(adapter.span()));
            for value in &raw_tool.new_values {
                if !args.contains_key(value.get_ref()) {
                    diagnostics.push(
                        bad_catalog(
                            format!(
                                "`new_values` names `{}`, which is no argument of the tool",
                                value.get_ref()
                            ),
                            span_at(value.span()),
                        )
                        .hint("list only the tool's own arguments"),
                    );
                }
            }
            let tool = Tool {
                name,
                description: raw_tool.description.unwrap_or_default(),
                new_values: raw_tool
                    .new_values
                    .into_iter()
                    .map(toml::Spanned::into_inner)
                    .collect(),
                args,
                returns,
                effect,
                verifies_identity: raw_tool.verifies_identity,
                customer_data: raw_tool.customer_data,
                adapter: raw_tool.adapter.map(toml::Spanned::into_inner),
                span,
            };
            if let Some(adapter_span) = adapter_span {
                check_adapter(&tool, adapter_span, effect_span, diagnostics);
            }
            declared.tools.insert(tool.name.clone(), tool);
        }
        declared
    }

    /// Reports record types that are named but declared in no loaded
    /// catalog. Call once, after every catalog is loaded.
    pub fn check_record_names(&self, diagnostics: &mut Vec<Diagnostic>) {
        check_record_names(self, diagnostics);
    }

    fn merge(&mut self, other: Catalog, diagnostics: &mut Vec<Diagnostic>) {
        for (kind, event) in other.events {
            match self.events.get(&kind) {
                Some(existing) if existing.record != event.record => diagnostics.push(
                    bad_catalog(
                        format!("event `{kind}` is declared twice, differently"),
                        event.span,
                    )
                    .note(Some(existing.span), "the other declaration")
                    .hint(format!(
                        "an event kind names one kind of event for every policy compiled together: give `{kind}` the same record in both catalogs, or rename it in one"
                    )),
                ),
                Some(_) => {}
                None => {
                    self.events.insert(kind, event);
                }
            }
        }
        self.carrier.merge(other.carrier, diagnostics);
        for (name, tool) in other.tools {
            match self.tools.get(&name) {
                Some(existing) if !same_tool(existing, &tool) => diagnostics.push(
                    bad_catalog(
                        format!("tool `{name}` is declared twice, differently"),
                        tool.span,
                    )
                    .note(Some(existing.span), "the other declaration")
                    .hint(format!(
                        "`@{name}` means one tool in every policy compiled together: declare it the same way in both catalogs, or rename it in one (its arguments, result, effect and marks are compared; a result type the two catalogs declare differently makes the tools differ too)"
                    )),
                ),
                Some(_) => {}
                None => {
                    self.tools.insert(name, tool);
                }
            }
        }
        for (name, record) in other.types {
            match self.types.get(&name) {
                Some(existing) if existing.fields != record.fields => diagnostics.push(
                    bad_catalog(
                        format!("type `{name}` is declared twice, differently"),
                        record.span,
                    )
                    .note(Some(existing.span), "the other declaration"),
                ),
                Some(_) => {}
                None => {
                    self.types.insert(name, record);
                }
            }
        }
    }
}

/// The catalog cannot weaken an effect: a tool's `adapter` must be an
/// operation keel knows ([`crate::adapters::OPERATIONS`]), and its declared
/// effect at least the operation's own.
fn check_adapter(
    tool: &Tool,
    adapter_span: Span,
    effect_span: Option<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(adapter) = tool.adapter.as_deref() else {
        return;
    };
    let Some(operation) = adapters::lookup(adapter) else {
        let platform = adapter
            .split_once('.')
            .map_or(adapter, |(platform, _)| platform);
        let known: Vec<&str> = adapters::on_platform(platform)
            .map(|operation| operation.name)
            .collect();
        let names: Vec<String> = known.iter().map(|name| name.to_string()).collect();
        let hint = if let Some(close) = crate::spelling::closest(adapter, &names) {
            format!("did you mean `{close}`?")
        } else if known.is_empty() {
            let mut platforms: Vec<&str> = adapters::OPERATIONS
                .iter()
                .filter_map(|operation| {
                    operation.name.split_once('.').map(|(platform, _)| platform)
                })
                .collect();
            platforms.dedup();
            format!(
                "keel has no operations on `{platform}` (it has {}): add rows to compiler/src/adapters.rs with an adapter that implements them, or remove `adapter` to serve the tool over the generic HTTP tool server with its declared effect",
                platforms.join(", ")
            )
        } else {
            format!(
                "keel's operations on `{platform}` are {}; or remove `adapter` to serve the tool over the generic HTTP tool server",
                known.join(", ")
            )
        };
        diagnostics.push(
            Diagnostic::error(
                adapters::UNKNOWN_ADAPTER,
                format!(
                    "tool `{}` names the adapter `{adapter}`, which keel does not know",
                    tool.name
                ),
            )
            .at(adapter_span)
            .hint(hint),
        );
        return;
    };
    if tool.effect >= operation.effect {
        return;
    }
    let declared = match effect_span {
        Some(_) => format!("declared `{}`", tool.effect.as_str()),
        None => "declared `read` (no `effect` is read)".to_string(),
    };
    let code = if tool.effect == Effect::Read {
        adapters::READ_TOOL_WRITING_ADAPTER
    } else {
        adapters::WEAKENED_EFFECT
    };
    diagnostics.push(
        Diagnostic::error(
            code,
            format!(
                "tool `{}` is {declared}, but its adapter `{adapter}` is {} ({})",
                tool.name,
                operation.effect.as_str(),
                operation.what
            ),
        )
        .at(effect_span.unwrap_or(tool.span))
        .note(Some(adapter_span), "the adapter")
        .hint(format!(
            "write effect = \"{}\": {}",
            operation.effect.as_str(),
            match operation.effect {
                Effect::Destructive => "the verifier then requires the customer's explicit yes to a read-back before every call, and each call carries an idempotency key",
                _ => "each call then carries an idempotency key, so a retried call runs once",
            }
        )),
    );
}

fn same_tool(left: &Tool, right: &Tool) -> bool {
    left.args == right.args
        && left.returns == right.returns
        && left.effect == right.effect
        && left.verifies_identity == right.verifies_identity
        && left.customer_data == right.customer_data
        && left.new_values == right.new_values
}

fn bad_catalog(message: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::error(codes::BAD_CATALOG, message).at(span)
}

/// Every record type named in a field, argument or result must be declared.
fn check_record_names(declared: &Catalog, diagnostics: &mut Vec<Diagnostic>) {
    let exists = |name: &str| declared.types.contains_key(name);
    let mut check = |ty: &Type, span: Span| {
        let mut stack = vec![ty];
        while let Some(ty) = stack.pop() {
            match ty {
                Type::Record(name) if !exists(name) => diagnostics.push(
                    bad_catalog(format!("type `{name}` is not declared"), span)
                        .hint(format!("add a [types.{name}] table")),
                ),
                Type::List(inner) | Type::Optional(inner) => stack.push(inner),
                _ => {}
            }
        }
    };
    for record in declared.types.values() {
        for field in record.fields.values() {
            check(field, record.span);
        }
    }
    for tool in declared.tools.values() {
        for arg in tool.args.values() {
            check(arg, tool.span);
        }
        check(&tool.returns, tool.span);
    }
    for event in declared.events.values() {
        check(&Type::Record(event.record.clone()), event.span);
    }
}

/// How deep `[…]` and `?` may nest in a written type: deeper than anyone
/// writes, and shallow enough that the recursive helpers on [`Type`] (and
/// its drop) never run out of stack, whatever the catalog says.
pub const MAX_TYPE_DEPTH: usize = 8;

/// Parses `string`, `email`, `Order?`, `[Order]`, `date?` and friends.
pub fn parse_type(written: &str) -> Result<Type, String> {
    // The wrappers, outermost first, peeled off without recursion.
    let mut wrappers = Vec::new();
    let mut written = written.trim();
    loop {
        if let Some(inner) = written.strip_suffix('?') {
            wrappers.push(true);
            written = inner.trim();
        } else if let Some(inner) = written
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            wrappers.push(false);
            written = inner.trim();
        } else {
            break;
        }
        if wrappers.len() > MAX_TYPE_DEPTH {
            return Err(format!(
                "a type may nest `[…]` and `?` at most {MAX_TYPE_DEPTH} deep"
            ));
        }
    }
    let mut parsed = parse_named_type(written)?;
    for optional in wrappers.into_iter().rev() {
        parsed = if optional {
            Type::Optional(Box::new(parsed))
        } else {
            Type::List(Box::new(parsed))
        };
    }
    Ok(parsed)
}

/// A type without `[…]` or `?`.
fn parse_named_type(written: &str) -> Result<Type, String> {
    Ok(match written {
        "string" | "str" | "text" => Type::String,
        "email" => Type::Email,
        "int" | "integer" => Type::Int,
        "number" | "float" | "decimal" => Type::Number,
        "money" => Type::Money,
        "bool" | "boolean" => Type::Bool,
        "date" => Type::Date,
        "carrier_code" => Type::CarrierCode,
        name if name.chars().next().is_some_and(char::is_uppercase)
            && name.chars().all(|c| c.is_alphanumeric() || c == '_') =>
        {
            Type::Record(name.to_string())
        }
        other => {
            return Err(format!(
                "unknown type `{other}` (known: string, email, int, number, money, bool, date, carrier_code, a declared Record, [T], T?)"
            ));
        }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    tools: BTreeMap<String, toml::Spanned<RawTool>>,
    #[serde(default)]
    types: BTreeMap<String, toml::Spanned<BTreeMap<String, toml::Spanned<RawField>>>>,
    /// `[events]`: event kind → the record type of its data.
    #[serde(default)]
    events: BTreeMap<String, toml::Spanned<String>>,
    /// `[carrier]`: plain words for carrier statuses and codes.
    #[serde(default)]
    carrier: Option<toml::Spanned<crate::vocabulary::RawVocabulary>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTool {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    args: BTreeMap<String, toml::Spanned<RawField>>,
    #[serde(default)]
    returns: Option<toml::Spanned<String>>,
    #[serde(default)]
    effect: Option<toml::Spanned<String>>,
    #[serde(default)]
    verifies_identity: bool,
    #[serde(default)]
    customer_data: bool,
    #[serde(default)]
    new_values: Vec<toml::Spanned<String>>,
    #[serde(default)]
    adapter: Option<toml::Spanned<String>>,
}

/// A record field's or a tool argument's type as written: a type name
/// (`"string"`, `"[Order]"`, `"date?"`) or an enum's values
/// (`{ enum = ["Europe", "USA & Canada"] }`, `optional = true` for `T?`).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawField {
    Type(String),
    Enum {
        #[serde(rename = "enum")]
        values: Vec<String>,
        #[serde(default)]
        optional: bool,
    },
}

impl RawField {
    fn read(self) -> Result<Type, String> {
        match self {
            RawField::Type(written) => parse_type(&written),
            RawField::Enum { values, optional } => {
                let enumeration = Type::Enum(values);
                Ok(if optional {
                    Type::Optional(Box::new(enumeration))
                } else {
                    enumeration
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tools_types_and_effects() {
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        catalog.load(
            SourceId::default(),
            r#"
[tools.cancel_order]
args = { order_id = "string" }
returns = "Order"
effect = "destructive"

[types.Order]
id = "string"
status = { enum = ["pending", "canceled"] }
tracking_number = "string?"
"#,
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let tool = &catalog.tools["cancel_order"];
        assert_eq!(tool.effect, Effect::Destructive);
        assert_eq!(tool.returns, Type::Record("Order".into()));
        let status = catalog.field_type(&tool.returns, &["status".into()]);
        assert_eq!(
            status.and_then(|ty| ty.domain().map(<[String]>::len)),
            Some(2)
        );
    }

    #[test]
    fn a_tool_argument_may_be_an_enum() {
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        catalog.load(
            SourceId::default(),
            r#"
[tools.add_roaming_pass]
args = { line_id = "string", zone = { enum = ["Europe", "USA & Canada"] } }
effect = "write"
"#,
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let zone = &catalog.tools["add_roaming_pass"].args["zone"];
        assert_eq!(
            zone,
            &Type::Enum(vec!["Europe".into(), "USA & Canada".into()])
        );
    }

    #[test]
    fn types_nest_a_bounded_depth() {
        assert_eq!(
            parse_type("[Order?]?"),
            Ok(Type::Optional(Box::new(Type::List(Box::new(
                Type::Optional(Box::new(Type::Record("Order".into())))
            )))))
        );
        assert_eq!(
            parse_type(" [ string ] "),
            Ok(Type::List(Box::new(Type::String)))
        );
        let deep = format!("{}string{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_type(&deep).is_err());
        assert!(parse_type(&format!("string{}", "?".repeat(100_000))).is_err());
    }

    #[test]
    fn bad_types_and_syntax_are_diagnostics_with_spans() {
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        catalog.load(
            SourceId::default(),
            "[tools.x]\nargs = { a = \"strng\" }\nreturns = \"Missing\"\n",
            &mut diagnostics,
        );
        catalog.check_record_names(&mut diagnostics);
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        catalog.load(SourceId::default(), "[tools.x\n", &mut diagnostics);
        assert_eq!(diagnostics.len(), 3);
        assert!(
            diagnostics
                .iter()
                .all(|diagnostic| diagnostic.span.is_some())
        );
    }
}
