//! The arena statements live in while they are built.
//!
//! Later sentences reach back into earlier steps ("16. If no, …" answers the
//! check made in step 15), so statements are not built as a tree: each is a
//! [`Node`] in the arena, named by a [`StmtId`], and compound statements
//! point at the [`BlockId`]s that run for each of their outcomes. Once every
//! item is read, [`Arena::finish_block`] turns the arena into the IR tree.

use super::scope::Scope;
use crate::catalog::{Catalog, Type};
use crate::ir::{
    Ask, Block, Call, Check, Expr, Match, MatchCase, Message, Origin, Path, Retry, Slot, Stmt,
    StmtKind,
};
use crate::source::Span;
use std::ops::{Index, IndexMut};

/// A statement in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct StmtId(usize);

/// A block (a sequence of statements) in the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct BlockId(usize);

/// The policy's top-level block.
pub(crate) const ROOT: BlockId = BlockId(0);

/// A block: its statements in order, and the statement it is an outcome of.
pub(crate) struct BlockData {
    pub(crate) stmts: Vec<StmtId>,
    pub(crate) parent: Option<StmtId>,
}

/// A statement under construction, its origin and the block it is in.
pub(crate) struct Node {
    pub(crate) kind: Building,
    pub(crate) origin: Origin,
    pub(crate) block: BlockId,
}

/// A statement under construction: compound statements point at blocks.
pub(crate) enum Building {
    Ask {
        slot: Slot,
        var: String,
        prompt: Message,
        yes: Option<BlockId>,
        no: Option<BlockId>,
        options: Vec<BlockId>,
        accepted: Option<BlockId>,
        not_found: Option<BlockId>,
        /// An offer may be declined; a choice among fixed answers may not.
        declinable: bool,
    },
    Call {
        tool: String,
        args: Vec<(String, Expr)>,
        bind: Option<(String, Type)>,
        not_found: Option<BlockId>,
        error: Option<BlockId>,
        optional_result: bool,
    },
    Match {
        subject: Path,
        domain: Option<Vec<String>>,
        cases: Vec<(Vec<String>, Span, BlockId)>,
        otherwise: Option<BlockId>,
    },
    Check {
        condition: Expr,
        wording: String,
        yes: Option<BlockId>,
        no: Option<BlockId>,
    },
    Retry {
        var: String,
        slot: Slot,
        prompt: Message,
        limit: u32,
        exhausted: Option<BlockId>,
    },
    Simple(StmtKind),
}

/// An ask with no outcome blocks yet.
pub(crate) fn ask_building(slot: Slot, var: String, prompt: Message) -> Building {
    Building::Ask {
        slot,
        var,
        prompt,
        yes: None,
        no: None,
        options: Vec::new(),
        accepted: None,
        not_found: None,
        declinable: true,
    }
}

/// Which outcome of a compound statement a block runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Yes,
    No,
    NotFound,
    Error,
    Otherwise,
    Exhausted,
}

/// Statements, blocks, and the variables bound in each block.
pub(crate) struct Arena {
    stmts: Vec<Node>,
    blocks: Vec<BlockData>,
    /// Variables bound in each block (indexed by block), newest binding of
    /// a name only, each with a global sequence number for recency.
    bindings: Vec<Vec<(u64, String, Type)>>,
    /// The next binding's sequence number.
    binding_sequence: u64,
    /// Compound statements (asks, calls, matches, checks, retries) in
    /// creation order: the only statements conditions attach to.
    decision_points: Vec<StmtId>,
}

impl Index<StmtId> for Arena {
    type Output = Node;
    fn index(&self, id: StmtId) -> &Node {
        &self.stmts[id.0]
    }
}

impl IndexMut<StmtId> for Arena {
    fn index_mut(&mut self, id: StmtId) -> &mut Node {
        &mut self.stmts[id.0]
    }
}

impl Index<BlockId> for Arena {
    type Output = BlockData;
    fn index(&self, id: BlockId) -> &BlockData {
        &self.blocks[id.0]
    }
}

impl IndexMut<BlockId> for Arena {
    fn index_mut(&mut self, id: BlockId) -> &mut BlockData {
        &mut self.blocks[id.0]
    }
}

impl Arena {
    /// An arena holding the empty root block.
    pub(crate) fn new() -> Self {
        Arena {
            stmts: Vec::new(),
            blocks: vec![BlockData {
                stmts: Vec::new(),
                parent: None,
            }],
            bindings: vec![Vec::new()],
            binding_sequence: 0,
            decision_points: Vec::new(),
        }
    }

    /// Every statement, in creation order.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.stmts.iter()
    }

    /// Appends a statement to `block`.
    pub(crate) fn push(&mut self, block: BlockId, kind: Building, origin: Origin) -> StmtId {
        let id = StmtId(self.stmts.len());
        if !matches!(kind, Building::Simple(_)) {
            self.decision_points.push(id);
        }
        self.stmts.push(Node {
            kind,
            origin,
            block,
        });
        self[block].stmts.push(id);
        id
    }

    /// A new, empty block that is an outcome of `parent`.
    pub(crate) fn new_block(&mut self, parent: StmtId) -> BlockId {
        self.blocks.push(BlockData {
            stmts: Vec::new(),
            parent: Some(parent),
        });
        self.bindings.push(Vec::new());
        BlockId(self.blocks.len() - 1)
    }

    /// Binds `name` in `block` (replacing an earlier binding of it there).
    pub(crate) fn bind(&mut self, name: &str, ty: Type, block: BlockId) {
        let in_block = &mut self.bindings[block.0];
        in_block.retain(|(_, bound, _)| bound != name);
        in_block.push((self.binding_sequence, name.to_string(), ty));
        self.binding_sequence += 1;
    }

    /// Removes the binding of `name` made in `block`.
    pub(crate) fn unbind(&mut self, name: &str, block: BlockId) {
        self.bindings[block.0].retain(|(_, bound, _)| bound != name);
    }

    /// The chain of blocks from `block` out to the root.
    pub(crate) fn lineage(&self, block: BlockId) -> Vec<BlockId> {
        let mut chain = vec![block];
        let mut current = block;
        while let Some(parent) = self[current].parent {
            current = self[parent].block;
            chain.push(current);
        }
        chain
    }

    /// Whether something in `target` can be seen from `current`: it is on the
    /// way out from `current`, or nested inside it. Walks up at most the
    /// nesting depth and allocates nothing: it runs for every decision
    /// point a condition looks back over.
    fn visible(&self, target: BlockId, current: BlockId) -> bool {
        self.encloses(target, current) || self.encloses(current, target)
    }

    /// Whether `inner` is `outer` or nested in it.
    fn encloses(&self, outer: BlockId, inner: BlockId) -> bool {
        let mut block = inner;
        loop {
            if block == outer {
                return true;
            }
            match self[block].parent {
                Some(parent) => block = self[parent].block,
                None => return false,
            }
        }
    }

    /// The most recently created decision point visible from `current` that matches.
    pub(crate) fn recent(
        &self,
        current: BlockId,
        matches: impl Fn(&Building) -> bool,
    ) -> Option<StmtId> {
        self.decision_points
            .iter()
            .rev()
            .copied()
            .find(|&id| matches(&self[id].kind) && self.visible(self[id].block, current))
    }

    /// Every decision point visible from `current` that matches, most
    /// recent first, as they are asked for: a caller that looks back only
    /// so far stops there instead of walking the whole policy.
    pub(crate) fn all_recent(
        &self,
        current: BlockId,
        matches: impl Fn(&Building) -> bool,
    ) -> impl Iterator<Item = StmtId> {
        self.decision_points
            .iter()
            .rev()
            .copied()
            .filter(move |&id| matches(&self[id].kind) && self.visible(self[id].block, current))
    }

    /// The variables visible in `block`, oldest first.
    pub(crate) fn scope_at<'c>(&self, block: BlockId, catalog: &'c Catalog) -> Scope<'c> {
        let mut visible: Vec<&(u64, String, Type)> = self
            .lineage(block)
            .into_iter()
            .flat_map(|bound_in| self.bindings[bound_in.0].iter())
            .collect();
        visible.sort_by_key(|(sequence, _, _)| *sequence);
        Scope {
            bindings: visible
                .into_iter()
                .map(|(_, name, ty)| (name.clone(), ty.clone()))
                .collect(),
            catalog,
        }
    }

    /// Every match, in the order written.
    pub(crate) fn matches(&self) -> Vec<StmtId> {
        self.decision_points
            .iter()
            .copied()
            .filter(|&id| matches!(self[id].kind, Building::Match { .. }))
            .collect()
    }

    /// The block for `outcome` of statement `id`, made on first use.
    pub(crate) fn outcome_block(&mut self, id: StmtId, outcome: Outcome) -> BlockId {
        let existing = match (&self[id].kind, outcome) {
            (
                Building::Ask {
                    slot: Slot::Options(_),
                    accepted,
                    ..
                },
                Outcome::Yes,
            ) => *accepted,
            (Building::Ask { yes, .. } | Building::Check { yes, .. }, Outcome::Yes) => *yes,
            (Building::Ask { no, .. } | Building::Check { no, .. }, Outcome::No) => *no,
            (
                Building::Ask { not_found, .. } | Building::Call { not_found, .. },
                Outcome::NotFound,
            ) => *not_found,
            (Building::Call { error, .. }, Outcome::Error) => *error,
            (Building::Match { otherwise, .. }, Outcome::Otherwise) => *otherwise,
            (Building::Retry { exhausted, .. }, Outcome::Exhausted) => *exhausted,
            _ => None,
        };
        if let Some(block) = existing {
            return block;
        }
        let block = self.new_block(id);
        match (&mut self[id].kind, outcome) {
            (
                Building::Ask {
                    slot: Slot::Options(_),
                    accepted,
                    ..
                },
                Outcome::Yes,
            ) => *accepted = Some(block),
            (Building::Ask { yes, .. } | Building::Check { yes, .. }, Outcome::Yes) => {
                *yes = Some(block)
            }
            (Building::Ask { no, .. } | Building::Check { no, .. }, Outcome::No) => {
                *no = Some(block)
            }
            (
                Building::Ask { not_found, .. } | Building::Call { not_found, .. },
                Outcome::NotFound,
            ) => *not_found = Some(block),
            (Building::Call { error, .. }, Outcome::Error) => *error = Some(block),
            (Building::Match { otherwise, .. }, Outcome::Otherwise) => *otherwise = Some(block),
            (Building::Retry { exhausted, .. }, Outcome::Exhausted) => *exhausted = Some(block),
            _ => {}
        }
        block
    }

    // ----- finishing -----------------------------------------------------------------------

    /// The IR block for `block`; the arena's statements are taken out.
    pub(crate) fn finish_block(&mut self, block: BlockId) -> Block {
        let ids = self[block].stmts.clone();
        Block(ids.into_iter().map(|id| self.finish_stmt(id)).collect())
    }

    fn finish_optional(&mut self, block: Option<BlockId>) -> Option<Block> {
        block.map(|block| self.finish_block(block))
    }

    fn finish_stmt(&mut self, id: StmtId) -> Stmt {
        let origin = self[id].origin.clone();
        let kind = std::mem::replace(
            &mut self[id].kind,
            Building::Simple(StmtKind::Continue(None)),
        );
        let kind = match kind {
            Building::Ask {
                slot,
                var,
                prompt,
                yes,
                no,
                options,
                accepted,
                not_found,
                declinable,
            } => StmtKind::Ask(Ask {
                slot,
                var,
                prompt,
                yes: self.finish_optional(yes),
                no: self.finish_optional(no),
                options: options
                    .into_iter()
                    .map(|block| self.finish_block(block))
                    .collect(),
                accepted: self.finish_optional(accepted),
                not_found: self.finish_optional(not_found),
                declinable,
            }),
            Building::Call {
                tool,
                args,
                bind,
                not_found,
                error,
                ..
            } => StmtKind::Call(Call {
                tool,
                args,
                bind,
                not_found: self.finish_optional(not_found),
                error: self.finish_optional(error),
            }),
            Building::Match {
                subject,
                domain,
                cases,
                otherwise,
            } => StmtKind::Match(Match {
                subject,
                domain,
                cases: cases
                    .into_iter()
                    .map(|(values, span, block)| MatchCase {
                        values,
                        span,
                        body: self.finish_block(block),
                    })
                    .collect(),
                otherwise: self.finish_optional(otherwise),
            }),
            Building::Check {
                condition,
                wording,
                yes,
                no,
            } => StmtKind::Check(Check {
                condition,
                wording,
                yes: self.finish_optional(yes),
                no: self.finish_optional(no),
            }),
            Building::Retry {
                var,
                slot,
                prompt,
                limit,
                exhausted,
            } => StmtKind::Retry(Retry {
                var,
                slot,
                prompt,
                limit,
                exhausted: self.finish_optional(exhausted),
            }),
            Building::Simple(kind) => kind,
        };
        Stmt { kind, origin }
    }
}
