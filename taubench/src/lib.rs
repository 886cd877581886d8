//! τ-bench retail cancellations, end to end through a compiled keel policy
//! (issue 5): [`backend`] serves the τ-bench tools over the DB files with
//! their exact semantics and error strings, [`user`] plays the customer
//! from a task's instruction facts (never its gold actions), and [`bench`]
//! runs every task of `derived/cancel_candidates.json`, scores the final DB
//! against a fresh DB plus the expected writes, and reports pass^k.

pub mod backend;
pub mod bench;
pub mod item_option;
pub mod user;

use std::path::{Path, PathBuf};

/// The shared data folder: `../shared/taubench-data` beside the workspace
/// root, or `$KEEL_TAUBENCH_DATA`.
pub fn data_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("KEEL_TAUBENCH_DATA") {
        return check_dir(PathBuf::from(dir));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    check_dir(workspace.join("../shared/taubench-data"))
}

fn check_dir(dir: PathBuf) -> Result<PathBuf, String> {
    let marker = dir.join("tau-bench/retail/orders.json");
    if marker.is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "the τ-bench data is missing: {} not found (expected `shared/taubench-data` beside the keel checkout, or set KEEL_TAUBENCH_DATA)",
            marker.display()
        ))
    }
}

/// The example policy and catalog, as compiled by the bench.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/taubench_retail_cancel")
}

/// The customer facts read from the free-form tasks' instructions.
pub fn facts_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/instruction_facts.toml")
}
