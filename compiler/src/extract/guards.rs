//! Guard clauses: `If the role is "member", tell them to ask an admin and
//! end.` names the values that stop the conversation; every other value
//! goes on with what follows, as it does in English.
//!
//! A match whose every case ends (an ending, a hand-off, another policy,
//! or a question or check each of whose answers ends), with no `otherwise`
//! and statements after it in its block, gets an `otherwise` that goes on.
//! A match with a case that goes on, or says something and stops, keeps
//! its unnamed values unhandled: the verifier lists them (`K0304`), since
//! the author may have forgotten one.

use super::arena::{BlockId, Building, Outcome, StmtId};
use super::{Builder, PendingAnchor};
use crate::ir::{Slot, StmtKind};

impl Builder<'_> {
    /// Gives every guard match an `otherwise` that goes on, recorded as
    /// its anchor with the reason.
    pub(super) fn guard_matches(&mut self) {
        for id in self.arena.matches() {
            let Building::Match {
                domain: Some(domain),
                cases,
                otherwise: None,
                ..
            } = &self.arena[id].kind
            else {
                continue;
            };
            let named: Vec<&String> = cases.iter().flat_map(|(values, _, _)| values).collect();
            let unnamed = domain.iter().any(|value| !named.contains(&value));
            let guards = !cases.is_empty() && cases.iter().all(|(_, _, block)| self.ends(*block));
            let block = self.arena[id].block;
            let followed = self.arena[block]
                .stmts
                .iter()
                .position(|&stmt| stmt == id)
                .is_some_and(|at| at + 1 < self.arena[block].stmts.len());
            if !(unnamed && guards && followed) {
                continue;
            }
            let origin = self.arena[id].origin.clone();
            let otherwise = self.arena.outcome_block(id, Outcome::Otherwise);
            self.arena.push(
                otherwise,
                Building::Simple(StmtKind::Continue(None)),
                origin.clone(),
            );
            self.anchored.insert(id);
            self.anchors.push(PendingAnchor {
                condition: "(any other value)".to_string(),
                span: origin.span,
                step: origin.step,
                target: id,
                outcome: "else".to_string(),
                why: "every case written ends the conversation, so the values none names go on with what follows".to_string(),
            });
        }
    }

    /// Whether every path through `block` ends this policy's conversation.
    fn ends(&self, block: BlockId) -> bool {
        let Some(&last) = self.arena[block].stmts.last() else {
            return false;
        };
        self.stmt_ends(last)
    }

    fn stmt_ends(&self, id: StmtId) -> bool {
        match &self.arena[id].kind {
            Building::Simple(kind) => matches!(
                kind,
                StmtKind::End(_) | StmtKind::Escalate(_) | StmtKind::Goto(_)
            ),
            Building::Ask {
                slot: Slot::YesNo,
                yes: Some(yes),
                no: Some(no),
                ..
            }
            | Building::Check {
                yes: Some(yes),
                no: Some(no),
                ..
            } => self.ends(*yes) && self.ends(*no),
            Building::Match {
                cases,
                otherwise: Some(otherwise),
                ..
            } => cases.iter().all(|(_, _, block)| self.ends(*block)) && self.ends(*otherwise),
            _ => false,
        }
    }
}
