//! `&Machine` → diagnostics: the semantic checks of DESIGN §5.
//!
//! Verification only reads the machine; it never changes it.

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::machine::Machine;

/// Runs every check and returns all diagnostics at once.
pub fn verify(machine: &Machine, catalog: &Catalog) -> Vec<Diagnostic> {
    let _ = (machine, catalog);
    Vec::new()
}
