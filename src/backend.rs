//! The CLI's side of platform backends: `--backend FILE` for `keel
//! chat|run|test|serve` (read the file, take the credentials it names from
//! the environment), the hand-off ticket a finished conversation leaves,
//! and `keel doubles`, which starts the loopback doubles and writes the
//! backend file pointing at them.

use clap::Args;
use keel_adapters::{Backend, BackendFile, Context, Created, Ticket};
use keel_runtime::script::{Run, Script};
use keel_runtime::{Conversation, Date, Effect, Machine};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A backend from `--backend FILE`, credentials from the environment.
pub(crate) fn load(path: &Path) -> Result<Backend, String> {
    let file = BackendFile::read(path)?;
    Backend::new(file, |name| std::env::var(name).ok())
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// What tools a conversation runs against, for a header line.
pub(crate) fn describe(backend: Option<&Path>) -> String {
    backend.map_or_else(
        || "demo store".to_string(),
        |path| format!("backend {}", path.display()),
    )
}

/// Why an example is skipped: the platforms its tools need that the
/// backend lacks (`None`: it has them all).
pub(crate) fn skipped(backend: &Backend, machine: &Machine) -> Option<String> {
    let (platforms, unadapted): (Vec<String>, Vec<String>) = missing_platforms(backend, machine)
        .into_iter()
        .partition(|missing| !missing.starts_with('@'));
    let mut reasons = Vec::new();
    if !platforms.is_empty() {
        reasons.push(format!(
            "the backend file has no [platforms.{}]",
            platforms.join("], [platforms.")
        ));
    }
    if !unadapted.is_empty() {
        reasons.push(format!(
            "{} {} no adapter",
            unadapted.join(", "),
            if unadapted.len() == 1 { "has" } else { "have" }
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// Runs a script through the backend, the doubles reset first.
pub(crate) fn through<'m>(
    backend: &Backend,
    runtime: &tokio::runtime::Runtime,
    machine: &'m Machine,
    script: &Script,
    today: Date,
    label: &str,
) -> Result<Run<'m>, String> {
    runtime
        .block_on(backend.reset_doubles())
        .map_err(|error| format!("cannot reset the doubles: {error}"))?;
    let executor = keel_adapters::Executor::blocking(backend, runtime, label);
    keel_runtime::script::run_with(machine, script, today, |_| executor)
        .map_err(|error| error.to_string())
}

/// `keel run --backend`: the script through the backend file's platforms;
/// a hand-off's ticket is reported on standard error.
pub(crate) fn run_script<'m>(
    path: &Path,
    machine: &'m Machine,
    script: &Script,
    today: Date,
    script_path: &Path,
) -> Result<Run<'m>, String> {
    let backend = load(path)?;
    let runtime = runtime()?;
    let label = format!("run-{}", script_path.display());
    let run = through(&backend, &runtime, machine, script, today, &label)?;
    if let Some(ticket) = hand_off(&backend, &runtime, &run.conversation, &label) {
        let ticket = ticket?;
        eprintln!("ticket {} #{}", ticket.helpdesk, ticket.id);
    }
    Ok(run)
}

/// The platforms a machine's tools need that the backend lacks, and its
/// tools with no adapter (`@name`).
fn missing_platforms(backend: &Backend, machine: &Machine) -> Vec<String> {
    let mut missing: Vec<String> = machine
        .artifact()
        .tools
        .iter()
        .map(|(name, tool)| {
            tool.adapter
                .as_deref()
                .and_then(|adapter| adapter.split_once('.'))
                .map_or_else(|| format!("@{name}"), |(platform, _)| platform.to_string())
        })
        .filter(|platform| !backend.has(platform))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// Sends the hand-off a conversation ended in, if it ended in one, to the
/// policy's helpdesk; the key is derived from the conversation's label.
pub(crate) fn hand_off(
    backend: &Backend,
    runtime: &tokio::runtime::Runtime,
    conversation: &Conversation<'_>,
    label: &str,
) -> Option<Result<Created, String>> {
    let machine = conversation.machine();
    let handoff = conversation
        .entries()
        .iter()
        .flat_map(|entry| entry.output.effects.iter())
        .find_map(|effect| match effect {
            Effect::HandOff(handoff) => Some(handoff),
            _ => None,
        })?;
    let adapters = machine
        .artifact()
        .tools
        .values()
        .filter_map(|tool| tool.adapter.as_deref());
    let Some(helpdesk) = keel_adapters::helpdesk_for(backend, machine.name(), adapters) else {
        return Some(Err(
            "the conversation was handed off, but the backend file names no helpdesk ([handoff] helpdesk)"
                .to_string(),
        ));
    };
    let transcript = keel_adapters::transcript(conversation);
    let ticket = Ticket {
        policy: machine.name(),
        reason: &handoff.reason,
        queue: &handoff.queue,
        context: &handoff.context,
        transcript: &transcript,
        call: Context {
            key: keel_adapters::idempotency_key(label, u32::MAX),
            resend: false,
            email: keel_adapters::customer_email(&handoff.context),
            today: conversation.session().today(),
        },
    };
    Some(runtime.block_on(backend.hand_off(helpdesk, &ticket)))
}

/// A runtime for the backend's calls (one for the whole command, so
/// connections stay with the runtime that made them).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the async runtime: {error}"))
}

/// Options of `keel doubles`.
#[derive(Args)]
pub(crate) struct DoublesArgs {
    /// Address to listen on; each platform gets a port of its own (port 0:
    /// free ports; otherwise consecutive ports from this one).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// The platforms (comma-separated): shopify, bigcommerce (with
    /// aftership), magento, gorgias, kustomer, zendesk.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "shopify,bigcommerce,magento,gorgias,kustomer,zendesk"
    )]
    platforms: Vec<String>,
    /// Serve HTTPS, with a certificate from an authority made for this run
    /// (its PEM is written beside the backend file).
    #[arg(long)]
    tls: bool,
    /// Where to write `backend.toml`, `credentials.env` (and `ca.pem`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The date the demo store's relative dates resolve against.
    #[arg(long, default_value = crate::runtime_commands::DEMO_TODAY)]
    today: String,
}

/// Runs `keel doubles` until interrupted.
pub(crate) fn doubles(args: DoublesArgs) -> Result<ExitCode, String> {
    let address: std::net::SocketAddr = args
        .listen
        .parse()
        .map_err(|_| format!("`{}` is not an address such as 127.0.0.1:0", args.listen))?;
    let today = keel_runtime::Date::parse_iso(&args.today)
        .ok_or_else(|| format!("`{}` is not a date (YYYY-MM-DD)", args.today))?;
    let out = args.out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("keel-doubles-{}", std::process::id()))
    });
    std::fs::create_dir_all(&out)
        .map_err(|error| format!("cannot create {}: {error}", out.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the async runtime: {error}"))?;
    let options = keel_adapters::doubles::Options {
        platforms: args.platforms,
        host: address.ip(),
        port: address.port(),
        today,
        tls: args.tls,
    };
    let running = runtime.block_on(keel_adapters::doubles::start(&options))?;
    let ca_file = match &running.ca_pem {
        Some(pem) => {
            let path = out.join("ca.pem");
            std::fs::write(&path, pem)
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let backend = running.backend_file(ca_file.as_deref());
    let backend_path = out.join("backend.toml");
    std::fs::write(&backend_path, &backend)
        .map_err(|error| format!("cannot write {}: {error}", backend_path.display()))?;
    // The made-up credentials go to a file of their own, never to the output.
    let credentials: String = running
        .credentials()
        .into_iter()
        .map(|(name, value)| format!("export {name}={value}\n"))
        .collect();
    let credentials_path = out.join("credentials.env");
    write_private(&credentials_path, &credentials)?;
    println!(
        "# keel doubles: {}",
        running
            .bases
            .iter()
            .map(|(platform, base)| format!("{platform} {base}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("# backend file: {}", backend_path.display());
    println!(
        "# credentials:  {} (`. {}` before keel … --backend {})",
        credentials_path.display(),
        credentials_path.display(),
        backend_path.display()
    );
    print!("{backend}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    Ok(ExitCode::SUCCESS)
}

fn write_private(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|error| format!("cannot restrict {}: {error}", path.display()))?;
    }
    Ok(())
}
