//! The values synthesis chooses: cells (a stub's payload or a typed answer),
//! places inside them, and the pins that keep a value a branch relied on.

use super::World;
use super::types::{self, Ty};
use crate::machine::Path;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// A step inside a value: a record field or a list position.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Seg {
    Field(String),
    Index(usize),
}

/// Where a variable's value comes from.
#[derive(Clone, Debug)]
pub(super) enum Binding {
    /// Inside a value synthesis chooses.
    Cell(usize, Vec<Seg>),
    /// A value the path fixes (a yes/no answer, a chosen option).
    Fixed(Json),
}

/// A value synthesis chooses.
#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub(super) value: Json,
    ty: Ty,
    /// Places whose value a branch along the path relies on.
    pub(super) pinned: BTreeSet<Vec<Seg>>,
}

impl Cell {
    pub(super) fn new(value: Json, ty: Ty) -> Cell {
        Cell {
            value,
            ty,
            pinned: BTreeSet::new(),
        }
    }
}

/// Where a path's value lives.
#[derive(Clone, Debug)]
pub(super) enum Place {
    Cell(usize, Vec<Seg>),
    Fixed(Json),
}

impl World<'_> {
    pub(super) fn place(&self, path: &Path) -> Option<Place> {
        let fields = path
            .fields
            .iter()
            .map(|field| Seg::Field(field.to_string()));
        match self.bindings.get(&path.var)? {
            Binding::Cell(cell, segs) => {
                let mut segs = segs.clone();
                segs.extend(fields);
                Some(Place::Cell(*cell, segs))
            }
            Binding::Fixed(value) => {
                let mut inner = value;
                for field in path.fields.iter() {
                    inner = inner.get(field.as_ref())?;
                }
                Some(Place::Fixed(inner.clone()))
            }
        }
    }

    pub(super) fn get(&self, cell: usize, segs: &[Seg]) -> Option<&Json> {
        let mut value = &self.cells.get(cell)?.value;
        for seg in segs {
            value = match seg {
                Seg::Field(field) => value.get(field)?,
                Seg::Index(index) => value.get(index)?,
            };
        }
        Some(value)
    }

    pub(super) fn is_pinned(&self, cell: usize, segs: &[Seg]) -> bool {
        self.cells.get(cell).is_some_and(|cell| {
            cell.pinned
                .iter()
                .any(|pinned| pinned.starts_with(segs) || segs.starts_with(pinned))
        })
    }

    /// Makes `place` satisfy `ok`, setting it to `make` if it does not yet
    /// and nothing relies on its current value.
    pub(super) fn require(
        &mut self,
        place: &Place,
        ok: impl Fn(&Json) -> bool,
        make: Json,
    ) -> Option<()> {
        match place {
            Place::Fixed(value) => ok(value).then_some(()),
            Place::Cell(cell, segs) => {
                let current = self.get(*cell, segs).cloned().unwrap_or(Json::Null);
                if !ok(&current) {
                    if self.is_pinned(*cell, segs) || !ok(&make) {
                        return None;
                    }
                    self.set(&(*cell, segs.clone()), make)?;
                }
                self.cells.get_mut(*cell)?.pinned.insert(segs.clone());
                Some(())
            }
        }
    }

    pub(super) fn set(&mut self, (cell, segs): &(usize, Vec<Seg>), value: Json) -> Option<()> {
        let mut slot = &mut self.cells.get_mut(*cell)?.value;
        for seg in segs {
            slot = match seg {
                Seg::Field(field) => {
                    if !slot.is_object() {
                        return None;
                    }
                    slot.as_object_mut()?
                        .entry(field.clone())
                        .or_insert(Json::Null)
                }
                Seg::Index(index) => slot.get_mut(*index)?,
            };
        }
        *slot = value;
        Some(())
    }

    /// The declared type at a place inside a cell.
    pub(super) fn type_at(&self, place: &Place) -> Option<Ty> {
        let Place::Cell(cell, segs) = place else {
            return None;
        };
        let mut ty = self.cells.get(*cell)?.ty.clone();
        for seg in segs {
            ty = match (seg, ty.required().clone()) {
                (Seg::Index(_), Ty::List(inner)) => *inner,
                (Seg::Field(field), Ty::Record(name)) => {
                    types::field_type(&self.machine.artifact, &name, field)?
                }
                _ => return None,
            };
        }
        Some(ty)
    }
}
