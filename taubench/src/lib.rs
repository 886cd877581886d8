//! τ-bench retail, end to end through a compiled keel policy: [`db`]
//! reproduces the τ-bench retail tools over its DB files, [`backend`] is
//! keel's view of them, [`customer`] plays the customer from a task's
//! instruction only (scripted, or a local model), [`tasks`] loads every task
//! of every split and scores a conversation as τ-bench does, and [`bench`]
//! runs them and reports pass^k.

pub mod backend;
pub mod bench;
pub mod customer;
pub mod db;
pub mod tasks;

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

/// The retail policy and its catalog (`taubench/policy/`), as compiled by the bench.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policy")
}

/// The scripts of the free-form tasks' customers, read from their
/// instructions.
pub fn scripts_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/customers.toml")
}
