//! The runtime's commands (running conversations). None yet: the runtime
//! crate is the next stage to be built.

use clap::Subcommand;
use std::process::ExitCode;

/// Commands that run compiled machines.
#[derive(Subcommand)]
pub(crate) enum RuntimeCommand {}

/// Runs one runtime command.
pub(crate) fn run(command: RuntimeCommand) -> Result<ExitCode, String> {
    match command {}
}
