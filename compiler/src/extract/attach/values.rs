//! Attaching values: `If "Shipped"` to a match on the one enum field in
//! scope whose domain holds it (or to the options of a question that offers
//! them), and the words after the values as a check inside the case.

use super::super::arena::{BlockId, Building, Outcome};
use super::super::lexicon::{self, Class};
use super::super::predicate::{PredicateRead, predicate};
use super::super::scope::{self, Scope};
use super::super::tokens::{self, Tok, Token};
use super::super::{Builder, ItemContext, origin};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Path, Slot};
use crate::source::Span;

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn attach_values(
        &mut self,
        subject: Option<Vec<String>>,
        values: Vec<(String, Span)>,
        hint_words: Vec<String>,
        still: bool,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        let texts: Vec<String> = values.iter().map(|(text, _)| text.clone()).collect();
        // Literals naming options of the nearest question that offers them
        // pick those options: what follows runs in each.
        if subject.is_none() {
            let option = self.arena.recent(current, |kind| match kind {
                Building::Ask {
                    slot: Slot::Options(options),
                    ..
                } => texts.iter().all(|text| {
                    options
                        .iter()
                        .any(|option| option.eq_ignore_ascii_case(text))
                }),
                _ => false,
            });
            if let Some(ask) = option {
                let picked: Vec<(String, BlockId)> = match &self.arena[ask].kind {
                    Building::Ask {
                        slot: Slot::Options(options),
                        options: bodies,
                        ..
                    } => texts
                        .iter()
                        .filter_map(|text| {
                            let index = options
                                .iter()
                                .position(|option| option.eq_ignore_ascii_case(text))?;
                            Some((options[index].clone(), *bodies.get(index)?))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let why = "the nearest question offering it".to_string();
                return picked
                    .into_iter()
                    .map(|(label, block)| {
                        self.anchored(
                            ask,
                            format!("option \"{label}\""),
                            why.clone(),
                            block,
                            span,
                            context,
                        )
                    })
                    .collect();
            }
        }
        let scope = self.scope_at(current);
        let mut why = String::from("the field written");
        let (subject, domain) = match subject {
            Some(path) => {
                let Some(ty) = scope.path_type(&path) else {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::UNKNOWN_VARIABLE,
                            format!("`${}` is not bound here", path.join(".")),
                        )
                        .at(span)
                        .hint("bind it first, e.g. with `Use @tool … as $name`"),
                    );
                    return Vec::new();
                };
                let domain = ty.domain().map(<[String]>::to_vec);
                (Path(path), domain)
            }
            None => {
                let mut candidates = scope.enum_fields_with(&texts);
                if candidates.len() > 1 {
                    let named: Vec<(Path, Vec<String>)> = candidates
                        .iter()
                        .filter(|(path, _)| {
                            path.0.last().is_some_and(|field| {
                                hint_words.iter().any(|word| field.contains(word.as_str()))
                            })
                        })
                        .cloned()
                        .collect();
                    if named.len() == 1 {
                        candidates = named;
                        why = "the enum field in scope whose values include it and whose name the words use".to_string();
                    }
                }
                match candidates.len() {
                    1 => {
                        if why == "the field written" {
                            why =
                                "the only enum field in scope whose values include it".to_string();
                        }
                        let (path, domain) = candidates.remove(0);
                        (path, Some(domain))
                    }
                    0 => {
                        self.unknown_subject(&texts, &values, &scope, span);
                        return Vec::new();
                    }
                    _ => {
                        let names: Vec<String> = candidates
                            .iter()
                            .map(|(path, _)| path.to_string())
                            .collect();
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::AMBIGUOUS_SUBJECT,
                                format!(
                                    "\"{}\" could be about {}",
                                    texts.join("\", \""),
                                    names.join(" or ")
                                ),
                            )
                            .at(span)
                            .hint(format!("say which: `If {} is \"{}\"`", names[0], texts[0])),
                        );
                        let (path, domain) = candidates.remove(0);
                        (path, Some(domain))
                    }
                }
            }
        };
        // Spell values as the domain does; report values outside it.
        let mut spelled = Vec::new();
        for (text, value_span) in &values {
            match &domain {
                Some(domain) => match domain
                    .iter()
                    .find(|allowed| allowed.eq_ignore_ascii_case(text.trim()))
                {
                    Some(allowed) => spelled.push(allowed.clone()),
                    None => {
                        let suggestion = crate::spelling::closest(text, domain).cloned();
                        let mut diagnostic = Diagnostic::error(
                            codes::LITERAL_NOT_IN_DOMAIN,
                            format!(
                                "\"{text}\" is not a value of {subject} ({})",
                                domain.join(", ")
                            ),
                        )
                        .at(*value_span);
                        if let Some(suggestion) = suggestion {
                            diagnostic = diagnostic.hint(format!("did you mean \"{suggestion}\"?"));
                        }
                        self.diagnostics.push(diagnostic);
                    }
                },
                None => spelled.push(text.clone()),
            }
        }
        if spelled.is_empty() {
            return Vec::new();
        }
        // Join the match these values continue, if it is the last step of its block.
        let existing = self.arena.recent(
            current,
            |kind| matches!(kind, Building::Match { subject: known, .. } if *known == subject),
        );
        let existing = existing.filter(|&id| {
            let block = &self.arena[self.arena[id].block];
            block.stmts.last() == Some(&id)
        });
        let target = match existing {
            Some(id) => id,
            None => self.push(
                current,
                Building::Match {
                    subject,
                    domain,
                    cases: Vec::new(),
                    otherwise: None,
                },
                origin(context, span),
            ),
        };
        let case_span = values
            .iter()
            .map(|(_, value_span)| *value_span)
            .reduce(Span::join)
            .unwrap_or(span);
        let outcome = format!("\"{}\"", spelled.join("\" or \""));
        if let Building::Match { cases, .. } = &self.arena[target].kind {
            if let Some((_, _, block)) = cases.iter().find(|(known, _, _)| *known == spelled) {
                let block = *block;
                // `Still "Invalid"`: the retry that case set up, used up.
                if still {
                    let retry = self.arena[block]
                        .stmts
                        .iter()
                        .copied()
                        .find(|&id| matches!(self.arena[id].kind, Building::Retry { .. }));
                    if let Some(retry) = retry {
                        let why = format!(
                            "`still` {outcome}: the retry that case set up in {}",
                            self.arena[retry].origin.step
                        );
                        return vec![self.outcome_of(
                            retry,
                            Outcome::Exhausted,
                            why,
                            span,
                            context,
                        )];
                    }
                }
                return vec![self.anchored(target, outcome, why, block, span, context)];
            }
        }
        let block = self.arena.new_block(target);
        if let Building::Match { cases, .. } = &mut self.arena[target].kind {
            cases.push((spelled, case_span, block));
        }
        vec![self.anchored(target, outcome, why, block, span, context)]
    }

    /// `If "delivered" more than 30 days ago`: the words after the values
    /// that are not about the subject become a check inside the case. Words
    /// no rule reads are reported, never dropped.
    pub(super) fn qualify_case(
        &mut self,
        case: BlockId,
        tokens: &[Token],
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        // The subject's words, and the words of its values (`Shipped or
        // partially shipped:` written without quotes), are what the case
        // already reads.
        let subject_words: Vec<String> =
            match self.arena[case].parent.map(|id| &self.arena[id].kind) {
                Some(Building::Match {
                    subject, domain, ..
                }) => subject
                    .0
                    .iter()
                    .chain(domain.iter().flatten())
                    .flat_map(|part| {
                        part.to_lowercase()
                            .split(|c: char| c == '_' || c.is_whitespace())
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect(),
                _ => Vec::new(),
            };
        let leftover: Vec<Token> = tokens
            .iter()
            .filter(|token| match &token.kind {
                Tok::Word { lower, .. } => {
                    !lexicon::is(lower, Class::CaseFiller)
                        && !subject_words
                            .iter()
                            .any(|part| scope::singular(part) == scope::singular(lower))
                }
                Tok::Number(_) => true,
                _ => false,
            })
            .cloned()
            .collect();
        if leftover.is_empty() {
            return Some(case);
        }
        let scope = self.scope_at(case);
        match predicate(tokens, &scope) {
            PredicateRead::Expr(condition) => {
                let check = self.push(
                    case,
                    Building::Check {
                        condition,
                        wording: tokens::written(&leftover),
                        yes: None,
                        no: None,
                    },
                    origin(context, span),
                );
                Some(self.arena.outcome_block(check, Outcome::Yes))
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNRECOGNISED_SENTENCE,
                        format!("part of this condition is not understood: \"{}\"", tokens::written(&leftover)),
                    )
                    .at(span)
                    .hint("split it: `If \"delivered\", check if …` — or compare a field: `If $order.delivered_at …`"),
                );
                None
            }
        }
    }

    pub(super) fn unknown_subject(
        &mut self,
        texts: &[String],
        values: &[(String, Span)],
        scope: &Scope<'_>,
        span: Span,
    ) {
        let fields = scope.all_enum_fields();
        let mut best: Option<(usize, String, Path)> = None;
        for (path, domain) in &fields {
            for text in texts {
                for allowed in domain {
                    let distance = crate::spelling::edit_distance(text, allowed);
                    if best.as_ref().is_none_or(|(known, _, _)| distance < *known) {
                        best = Some((distance, allowed.clone(), path.clone()));
                    }
                }
            }
        }
        let span = values.first().map_or(span, |(_, value_span)| *value_span);
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_SUBJECT,
            format!(
                "no enum field in scope has the value \"{}\"",
                texts.join("\", \"")
            ),
        )
        .at(span);
        diagnostic = match best {
            Some((distance, allowed, path)) if distance <= 3 => {
                diagnostic.hint(format!("did you mean \"{allowed}\" ({path})?"))
            }
            _ if fields.is_empty() => diagnostic
                .hint("look the record up first (`Use @tool …`) so its fields are in scope"),
            _ => diagnostic.hint("compare a field explicitly: `If $order.status is \"…\"`"),
        };
        self.diagnostics.push(diagnostic);
    }
}
