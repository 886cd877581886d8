//! The `keel` binary's one integration-test binary: every test here runs the
//! real program (`CARGO_BIN_EXE_keel`) from the workspace root through
//! [`keel`], and checks its output against insta snapshots under
//! `tests/it/snapshots/`.

// A test: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

// Golden tests of the compiler commands: check, compile, graph, diff.
mod cli;
// The runtime commands: chat, run, test, replay, explain.
mod runtime_cli;
// The reviewer's commands: paths, the coverage overlay, explain --plain.
mod review_cli;
// The LLM boundary through the binary, against a loopback stub.
mod llm_cli;
// `keel serve` as a process: killed and restarted, two processes on PostgreSQL.
mod serve;
// The platforms through `keel doubles`: the seed examples, hand-offs, a crash.
mod backend;
// The review page in Debian's Chromium over WebDriver.
mod browser;
// Tidy: module docs on every file, file sizes.
mod tidy;
// Blind batches' scenarios on every text that compiles.
mod blind;
// The blind conversation-repair corpus on the four examples.
mod repair;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root, where `keel` runs.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `keel` binary with these arguments, to run from the workspace root.
/// Add stdin, environment or pipes to the command as a test needs, then
/// `.run()` it (see [`Run`]) or spawn it.
pub(crate) fn keel(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keel"));
    command.args(args).current_dir(root());
    command
}

/// Running a [`keel`] command to its end.
pub(crate) trait Run {
    /// Runs to the end, capturing both output streams.
    fn run(&mut self) -> Output;
}

impl Run for Command {
    fn run(&mut self) -> Output {
        self.output().expect("keel runs")
    }
}

/// Output bytes as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A fresh folder under Cargo's scratch space for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("it").join(name);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("scratch folder");
    folder
}

/// A path as an argument.
pub(crate) fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// The four seed examples' policies.
pub(crate) const SEED_EXAMPLES: [&str; 4] = [
    "shopify_wismo",
    "bigcommerce_order_info",
    "single_order_cancellation",
    "magento_cancel_retention",
];
