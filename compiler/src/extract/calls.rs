//! Tool calls and retries: a `Use @tool` phrase becomes a call with its
//! arguments bound from scope (or named by the author), and asking again
//! after a lookup found nothing becomes a bounded retry of that lookup.

use super::arena::{BlockId, Building, StmtId};
use super::lexicon::{self, Class};
use super::message;
use super::rules;
use super::scope::{self, Scope};
use super::tokens::Token;
use super::{Builder, action};
use crate::catalog::{Effect, Type};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Expr, Origin, Path, Slot};
use crate::source::Span;
use crate::syntax::{ArgValue, ToolArg};
use std::collections::BTreeSet;

impl Builder<'_> {
    pub(super) fn retry(&mut self, call: StmtId, block: BlockId, noun: &[Token], here: Origin) {
        // The value to ask again is the asked-for variable the call used:
        // the one the wording names ("ask for the zip code again"), else
        // the first.
        let said: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let used: Vec<(String, Slot, bool)> = match &self.arena[call].kind {
            Building::Call { args, .. } => args
                .iter()
                .filter_map(|(name, expr)| match expr {
                    Expr::Path(path) => self.asked.get(path.root()).map(|slot| {
                        let root = path.root().to_string();
                        let named = root.split('_').chain(name.split('_')).any(|part| {
                            !matches!(part, "id" | "name")
                                && said
                                    .iter()
                                    .any(|word| scope::singular(word) == scope::singular(part))
                        });
                        (root, slot.clone(), named)
                    }),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let used = used
            .iter()
            .find(|(_, _, named)| *named)
            .or(used.first())
            .map(|(var, slot, _)| (var.clone(), slot.clone()));
        let Some((var, slot)) = used else {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::DANGLING_CONDITION,
                    "there is nothing the customer gave that could be asked for again",
                )
                .at(here.span)
                .hint("ask again only after a lookup that used the customer's answer"),
            );
            return;
        };
        let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let what = scope::content_words(&words)
            .into_iter()
            .filter(|word| {
                !lexicon::is(word, Class::AgainWord)
                    && !lexicon::is(word, Class::Counting)
                    && !word.bytes().all(|byte| byte.is_ascii_digit())
                    // `ask for it once more`, `double-check it`: the value
                    // is named by the variable, not by the pronoun or verb.
                    && !matches!(*word, "it" | "them" | "that" | "this" | "one")
                    && !lexicon::is(word, Class::RecheckVerb)
            })
            .collect::<Vec<_>>()
            .join(" ");
        // `ask them to check it and send it again`: words that are
        // instructions name no value; the variable does.
        let instructed = noun.iter().any(|t| {
            t.is_phrase_verb() && !t.is_a(Class::RecheckVerb) && !t.is_a(Class::AgainWord)
                || t.is_any(&["so", "try", "check"])
        });
        let what = if what.is_empty() || instructed {
            var.replace('_', " ")
        } else {
            what
        };
        let prompt = message::retry_prompt(&format!("that {what}"));
        // "ask again up to 3 times"; once when no number is written.
        let limit = rules::times_limit(noun).unwrap_or(1);
        self.push(
            block,
            Building::Retry {
                var,
                slot,
                prompt,
                limit,
                exhausted: None,
            },
            here,
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn call(
        &mut self,
        tool_name: &str,
        written_args: &[ToolArg],
        tool_span: Span,
        explicit_bind: Option<String>,
        purpose_message: Option<&[Token]>,
        block: BlockId,
        here: Origin,
        scope: &Scope<'_>,
    ) {
        let Some(tool) = self.catalog.tools.get(tool_name).cloned() else {
            let suggestion =
                crate::spelling::closest(tool_name, self.catalog.tools.keys()).cloned();
            let mut diagnostic = Diagnostic::error(
                codes::UNKNOWN_TOOL,
                format!("`@{tool_name}` is not in the catalog"),
            )
            .at(tool_span);
            diagnostic = match suggestion {
                Some(suggestion) => diagnostic.hint(format!("did you mean `@{suggestion}`?")),
                None => diagnostic.hint("declare it under [tools.NAME] in the catalog"),
            };
            self.diagnostics.push(diagnostic);
            return;
        };
        // `Ask for the new date. Then use @tool(date: $new_date)`: the
        // author's name for the answer just asked for wins.
        for written in written_args {
            if let ArgValue::Var(path) = &written.value {
                if let Some(root) = path.first() {
                    if scope.has(root).is_none() {
                        self.rename_last_answer(block, &here.step, root, path.len() == 1);
                    }
                }
            }
        }
        let mut args = Vec::new();
        for written in written_args {
            if !tool.args.contains_key(&written.name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNBOUND_ARGUMENT,
                        format!("`@{tool_name}` has no argument `{}`", written.name),
                    )
                    .at(written.span)
                    .hint(format!(
                        "its arguments are: {}",
                        tool.args.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                );
            }
        }
        for (arg, arg_type) in &tool.args {
            let written = written_args.iter().find(|written| written.name == *arg);
            let expr = match written.map(|written| &written.value) {
                Some(ArgValue::Var(path)) => Some(Expr::Path(Path(path.clone()))),
                Some(ArgValue::Literal(text)) => Some(Expr::Text(text.clone())),
                Some(ArgValue::Number(number)) => Some(Expr::Number(number.clone())),
                Some(ArgValue::Type(written))
                    if matches!(written.as_str(), "true" | "false" | "yes" | "no") =>
                {
                    Some(Expr::Text(
                        if matches!(written.as_str(), "true" | "yes") {
                            "true"
                        } else {
                            "false"
                        }
                        .to_string(),
                    ))
                }
                // `frequency: the interval they picked`: the answer it describes.
                Some(ArgValue::Type(described)) if described.contains(' ') => {
                    self.described_answer(described, arg_type, scope)
                }
                Some(ArgValue::Type(_)) | None => {
                    if arg == "message" && purpose_message.is_some() {
                        purpose_message.map(|words| {
                            Expr::Text(
                                message::statement(words, action::Opening::Plain, scope)
                                    .to_string(),
                            )
                        })
                    } else {
                        bind_argument(arg, arg_type, scope).map(Expr::Path)
                    }
                }
            };
            match expr {
                Some(expr) => args.push((arg.clone(), expr)),
                None => self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNBOUND_ARGUMENT,
                        format!(
                            "nothing in scope can supply `{arg}` ({arg_type}) for `@{tool_name}`"
                        ),
                    )
                    .at(tool_span)
                    .hint(format!(
                        "ask for it first, or pass it: `@{tool_name}({arg}: $var.field)`"
                    )),
                ),
            }
        }
        let bind = match tool.returns.required() {
            Type::Bool if explicit_bind.is_none() => None,
            returns => {
                let name = explicit_bind
                    .or_else(|| self.authors_name(returns, tool_name, scope))
                    .unwrap_or_else(|| default_binding(returns, tool_name));
                Some((name, tool.returns.clone()))
            }
        };
        let optional_result = tool.returns.is_optional() || matches!(tool.returns, Type::List(_));
        if let Some((name, ty)) = &bind {
            self.arena.bind(name, ty.required().clone(), block);
        }
        let _ = tool.effect == Effect::Destructive;
        self.push(
            block,
            Building::Call {
                tool: tool_name.to_string(),
                args,
                bind,
                not_found: None,
                error: None,
                optional_result,
            },
            here,
        );
    }

    /// The answer a description names (`the interval they picked`, `the
    /// reason they gave`): the latest answer in scope to a question that
    /// is not a yes/no, of a type that fits. `None` (an unbound argument)
    /// when the words say nothing of the customer's answer.
    fn described_answer(
        &self,
        described: &str,
        arg_type: &Type,
        scope: &Scope<'_>,
    ) -> Option<Expr> {
        let answered = described.split_whitespace().any(|word| {
            matches!(
                word.to_lowercase().as_str(),
                "picked"
                    | "chose"
                    | "chosen"
                    | "gave"
                    | "given"
                    | "selected"
                    | "typed"
                    | "said"
                    | "entered"
                    | "provided"
                    | "wanted"
                    | "want"
                    | "asked"
                    | "named"
            )
        });
        if !answered {
            return None;
        }
        scope
            .bindings
            .iter()
            .rev()
            .find(|(name, ty)| {
                self.asked
                    .get(name)
                    .is_some_and(|slot| !matches!(slot, Slot::YesNo))
                    && ty.fits(arg_type)
            })
            .map(|(name, _)| Expr::Path(Path::var(name)))
    }

    /// Whether the noun names a value the customer gave that `call` uses.
    pub(super) fn asks_for_argument_of(&self, call: StmtId, noun: &[Token]) -> bool {
        let Building::Call { args, .. } = &self.arena[call].kind else {
            return false;
        };
        let said: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        args.iter().any(|(name, expr)| match expr {
            Expr::Path(path) if self.asked.contains_key(path.root()) => {
                let root = path.root().to_string();
                root.split('_').chain(name.split('_')).any(|part| {
                    part != "id"
                        && said
                            .iter()
                            .any(|word| scope::singular(word) == scope::singular(part))
                })
            }
            _ => false,
        })
    }

    /// Renames the answer of the last value question asked in this step
    /// of `block` (if it has a name keel made up) to the author's name; or
    /// of the question just before, in an earlier step, when no other
    /// question came between and the author's name is a bare `$name`, no
    /// field of it (`7. Ask whether a "morning" or an "afternoon" visit
    /// suits them. 8. Use @get_slots(window: $window)`).
    pub(super) fn rename_last_answer(
        &mut self,
        block: BlockId,
        step: &str,
        name: &str,
        bare: bool,
    ) {
        let is_value = |kind: &Building| {
            matches!(
                kind,
                Building::Ask {
                    slot: Slot::Text
                        | Slot::Name
                        | Slot::PostalCode
                        | Slot::Number
                        | Slot::Date
                        | Slot::Email,
                    ..
                }
            )
        };
        let in_step = self.arena[block]
            .stmts
            .iter()
            .rev()
            .copied()
            .find(|&id| self.arena[id].origin.step == step && is_value(&self.arena[id].kind));
        let just_before = self.arena[block]
            .stmts
            .iter()
            .rev()
            .copied()
            .find(|&id| matches!(self.arena[id].kind, Building::Ask { .. }))
            .filter(|&id| match &self.arena[id].kind {
                Building::Ask { slot, var, .. } => {
                    (matches!(slot, Slot::Options(_)) || is_value(&self.arena[id].kind))
                        && !self.written_roots.contains_key(var)
                }
                _ => false,
            });
        let Some(last_ask) = in_step.or(just_before.filter(|_| bare)) else {
            return;
        };
        let Building::Ask { var, slot, .. } = &mut self.arena[last_ask].kind else {
            return;
        };
        let old = std::mem::replace(var, name.to_string());
        let slot = slot.clone();
        let ty = match slot {
            Slot::Email => Type::Email,
            Slot::Number => Type::Number,
            Slot::Date => Type::Date,
            _ => Type::String,
        };
        self.asked.remove(&old);
        self.asked.insert(name.to_string(), slot);
        self.arena.unbind(&old, block);
        self.arena.bind(name, ty, block);
    }

    /// The call whose not-found block `block` is, if it is one.
    pub(super) fn not_found_call(&self, block: BlockId) -> Option<StmtId> {
        let parent = self.arena[block].parent?;
        match &self.arena[parent].kind {
            Building::Call {
                not_found: Some(found),
                ..
            } if *found == block => Some(parent),
            _ => None,
        }
    }
}

impl Builder<'_> {
    /// `Run @check_duplicate(…)` then `$check.amount`: the name the author
    /// uses for a record result, when the default name is never written
    /// and exactly one unbound `$name` is a word of the record type's or
    /// the tool's name and reads only fields the record has.
    fn authors_name(&self, returns: &Type, tool_name: &str, scope: &Scope<'_>) -> Option<String> {
        let Type::Record(record) = returns.required() else {
            return None;
        };
        let default = default_binding(returns, tool_name);
        self.authors_name_for(&default, record, tool_name, scope)
    }

    /// The name the author writes for a record keel would call `default`
    /// (of type `record`; `also` adds words the name may come from, e.g.
    /// the tool's name): `None` when `default` is written, or when not
    /// exactly one unbound `$name` is a word of it and reads only fields
    /// the record has. A pick of `$gift_cards` the text calls `$card`.
    pub(super) fn authors_name_for(
        &self,
        default: &str,
        record: &str,
        also: &str,
        scope: &Scope<'_>,
    ) -> Option<String> {
        if self.written_roots.contains_key(default) {
            return None;
        }
        let fields = &self.catalog.types.get(record)?.fields;
        let snake_record = snake(record);
        let words: BTreeSet<&str> = snake_record
            .split('_')
            .chain(default.split('_'))
            .chain(also.split('_'))
            .filter(|word| !word.is_empty())
            .collect();
        let mut candidates = self.written_roots.iter().filter(|(root, used)| {
            words.contains(root.as_str())
                && scope.has(root).is_none()
                && !self.catalog.tools.contains_key(root.as_str())
                && used.iter().all(|field| fields.contains_key(field))
        });
        let (first, _) = candidates.next()?;
        candidates.next().is_none().then(|| first.clone())
    }
}

/// The variable a tool's result binds by default: `Order` → `order`,
/// `[Order]` → `orders`, otherwise the tool's name.
pub(super) fn default_binding(returns: &Type, tool: &str) -> String {
    match returns.required() {
        Type::Record(name) => snake(name),
        Type::List(item) => match item.required() {
            Type::Record(name) => format!("{}s", snake(name)),
            _ => format!("{tool}_result"),
        },
        _ => format!("{tool}_result"),
    }
}

pub(super) fn snake(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Supplies a tool argument from scope: a variable of that name, a field of
/// that name on the most recent record, or `x_id` from a record of type X.
pub(super) fn bind_argument(arg: &str, arg_type: &Type, scope: &Scope<'_>) -> Option<Path> {
    if let Some(ty) = scope.has(arg) {
        if ty.fits(arg_type) {
            return Some(Path::var(arg));
        }
    }
    for (name, ty) in scope.bindings.iter().rev() {
        if let Type::Record(record) = ty.required() {
            if let Some(field_type) = scope
                .catalog
                .types
                .get(record)
                .and_then(|r| r.fields.get(arg))
            {
                if field_type.fits(arg_type) {
                    return Some(Path::var(name).field(arg));
                }
            }
        }
    }
    if let Some(record_word) = arg.strip_suffix("_id") {
        if let Some((var, record)) = scope.record_var(record_word) {
            if scope
                .catalog
                .types
                .get(&record)
                .is_some_and(|r| r.fields.contains_key("id"))
            {
                return Some(Path::var(&var).field("id"));
            }
        }
    }
    // A value of the very type wanted (an email for an email).
    if matches!(arg_type.required(), Type::Email) {
        return scope
            .bindings
            .iter()
            .rev()
            .find(|(_, ty)| matches!(ty.required(), Type::Email))
            .map(|(name, _)| Path::var(name));
    }
    None
}
