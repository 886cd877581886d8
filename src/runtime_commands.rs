//! The runtime's commands: `chat`, `run`, `test`, `paths`, `replay` and
//! `explain`. They load and compile policies, then hand everything else to
//! the libraries (`paths`: the compiler plans the paths, the runtime
//! synthesises and checks each conversation); this module
//! only parses arguments, reads and writes files, and prints.

use crate::coverage;
use clap::Subcommand;
use keel_compiler::Compilation;
use keel_runtime::script::{Coverage, Script};
use keel_runtime::{Conversation, Date, DemoStore, Effect, Event, Machine, log};
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The date conversations run on unless `--today` says otherwise, so that
/// demos, scripts and golden files give the same answers every day.
pub(crate) const DEMO_TODAY: &str = "2026-03-10";

/// How long the shell waits for a tool.
const TOOL_TIMEOUT: Duration = Duration::from_secs(10);

/// Commands that run compiled machines.
#[derive(Subcommand)]
pub(crate) enum RuntimeCommand {
    /// Talk to a policy on the terminal, against the embedded demo store.
    Chat {
        /// The policy (then any it references).
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// Show each state taken and the policy line behind it.
        #[arg(long)]
        trace: bool,
        /// The date the conversation runs on (YYYY-MM-DD).
        #[arg(long, default_value = DEMO_TODAY)]
        today: String,
        /// Write the session's event log here (JSON lines).
        #[arg(long)]
        log: Option<PathBuf>,
        /// When the rules cannot read a reply to a yes/no or options
        /// question, ask the configured LLM (`KEEL_LLM_BASE_URL`,
        /// `KEEL_LLM_MODEL`) once to map it onto the question's choices.
        #[arg(long)]
        llm: bool,
        /// Let the configured LLM reword each message; a fact guard sends
        /// the template instead when a fact is lost or added (off by default).
        #[arg(long)]
        phrase: bool,
        /// Call the platforms this backend file names instead of the demo store.
        #[arg(long, value_name = "FILE")]
        backend: Option<PathBuf>,
    },
    /// Run a scripted conversation and print its transcript as JSON.
    Run {
        /// The policy (then any it references).
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// The script (TOML: `user = [...]`, optional `[[stub]]`s and `today`).
        #[arg(long)]
        script: PathBuf,
        /// The date, unless the script sets one.
        #[arg(long, default_value = DEMO_TODAY)]
        today: String,
        /// Write the session's event log here (JSON lines).
        #[arg(long)]
        log: Option<PathBuf>,
        /// Call the platforms this backend file names instead of the demo store.
        #[arg(long, value_name = "FILE")]
        backend: Option<PathBuf>,
    },
    /// Run golden conversations (`conversations/*.toml` beside each policy)
    /// and report node and edge coverage.
    Test {
        /// An example folder, or a folder of them.
        dir: PathBuf,
        /// Fail when an example's edge coverage is below this percentage.
        #[arg(long, default_value_t = 100.0)]
        min_coverage: f64,
        /// Write the actual results into the files' `[expect]` tables.
        #[arg(long)]
        bless: bool,
        /// Read the conversations from this folder instead of the
        /// example's `conversations/` (for example a `keel paths` set).
        #[arg(long, value_name = "DIR")]
        conversations: Option<PathBuf>,
        /// Write the covered and uncovered transitions as JSON here (for
        /// `keel graph --format html --coverage`).
        #[arg(long, value_name = "FILE")]
        coverage_out: Option<PathBuf>,
        /// Through this backend file's platforms (doubles reset before each
        /// conversation; examples whose platforms it lacks are skipped).
        #[arg(long, value_name = "FILE")]
        backend: Option<PathBuf>,
    },
    /// Enumerate the machine's paths within its static bounds and write
    /// them as test conversations (`keel test --conversations DIR` runs them).
    Paths {
        /// The policy (then any it references).
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// Where to write the conversations (default: `paths/` beside the policy).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Every path, not just a set that takes every transition.
        #[arg(long)]
        all: bool,
        /// The most paths enumerated; with `--all`, more is an error.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        /// The date the conversations run on (YYYY-MM-DD).
        #[arg(long, default_value = DEMO_TODAY)]
        today: String,
    },
    /// Re-execute a session log and fail on any difference.
    Replay {
        /// The log (JSON lines).
        log: PathBuf,
        /// The policy files, if not the machine the log embeds (a served
        /// log's) or the policy files it names.
        #[arg(long = "policy")]
        policies: Vec<PathBuf>,
    },
    /// Show the path a session took, with the policy lines behind each
    /// decision; with `--plain`, the compiled policy as numbered plain language.
    Explain {
        /// The log (JSON lines); with `--plain`, the policy (then any it references).
        #[arg(required = true, value_name = "LOG | POLICY")]
        files: Vec<PathBuf>,
        /// The policy files, if not the ones the log names.
        #[arg(long = "policy", conflicts_with = "plain")]
        policies: Vec<PathBuf>,
        /// Print the compiled machine as numbered plain language.
        #[arg(long)]
        plain: bool,
    },
}

/// Runs one runtime command.
pub(crate) fn run(command: RuntimeCommand) -> Result<ExitCode, String> {
    match command {
        RuntimeCommand::Chat {
            policies,
            trace,
            today,
            log,
            llm,
            phrase,
            backend,
        } => {
            let interpreter = if llm {
                Some(crate::llm::interpreter()?)
            } else {
                None
            };
            let phraser = if phrase {
                Some(crate::llm::phraser()?)
            } else {
                None
            };
            chat(
                &policies,
                trace,
                &parse_date(&today)?,
                log.as_deref(),
                (interpreter, phraser),
                backend.as_deref(),
            )
        }
        RuntimeCommand::Run {
            policies,
            script,
            today,
            log,
            backend,
        } => run_script(
            &policies,
            &script,
            parse_date(&today)?,
            log.as_deref(),
            backend.as_deref(),
        ),
        RuntimeCommand::Test {
            dir,
            min_coverage,
            bless,
            conversations,
            coverage_out,
            backend,
        } => test(
            &dir,
            min_coverage,
            bless,
            conversations.as_deref(),
            coverage_out.as_deref(),
            backend.as_deref(),
        ),
        RuntimeCommand::Paths {
            policies,
            output,
            all,
            limit,
            today,
        } => crate::paths_command::write_paths(&policies, output.as_deref(), all, limit, &today),
        RuntimeCommand::Replay { log, policies } => replay(&log, &policies, false),
        RuntimeCommand::Explain {
            files,
            policies,
            plain,
        } => {
            if plain {
                explain_plain(&files)
            } else {
                match files.as_slice() {
                    [log] => replay(log, &policies, true),
                    _ => Err(
                        "explain takes one session log (or `--plain POLICY…` for the policy in plain language)"
                            .to_string(),
                    ),
                }
            }
        }
    }
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse_iso(text).ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

/// Compiles the policies; errors stop here with the diagnostics.
pub(crate) fn machine(policies: &[PathBuf]) -> Result<Machine, String> {
    compiled(policies).map(|(_, machine)| machine)
}

/// Compiles the policies and indexes the machine for the runtime; errors
/// stop here with the diagnostics.
pub(crate) fn compiled(policies: &[PathBuf]) -> Result<(Compilation, Machine), String> {
    let compilation = crate::llm::compile_paths(policies)?;
    if compilation.has_errors() {
        crate::render::short(&compilation);
        return Err(format!(
            "{} does not compile; `keel check` shows why",
            policies
                .first()
                .map_or_else(String::new, |path| path.display().to_string())
        ));
    }
    let machine = Machine::new(compilation.artifact())
        .map_err(|error| format!("the compiled machine cannot run: {error}"))?;
    Ok((compilation, machine))
}

fn policy_names(policies: &[PathBuf]) -> Vec<String> {
    policies
        .iter()
        .map(|path| path.display().to_string())
        .collect()
}

fn write_log(
    path: Option<&Path>,
    conversation: &Conversation<'_>,
    policies: &[PathBuf],
) -> Result<(), String> {
    if let Some(path) = path {
        std::fs::write(path, log::write(conversation, &policy_names(policies)))
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    Ok(())
}

fn chat(
    policies: &[PathBuf],
    trace: bool,
    today: &Date,
    log_path: Option<&Path>,
    (mut interpreter, mut phraser): (
        Option<keel_llm::intent::LlmInterpreter>,
        Option<keel_llm::phrasing::LlmPhraser>,
    ),
    backend_path: Option<&Path>,
) -> Result<ExitCode, String> {
    let machine = machine(policies)?;
    let backend = backend_path.map(crate::backend::load).transpose()?;
    let runtime = crate::backend::runtime()?;
    let title = machine
        .artifact()
        .policies
        .first()
        .map_or_else(|| machine.name().to_string(), |policy| policy.title.clone());
    let tools_name = crate::backend::describe(backend_path);
    println!(
        "keel chat · {title} · {tools_name} · today is {}",
        today.iso()
    );
    println!(
        "(demo customers: maya@example.com, sam@example.com, lee@example.com, noor@example.com; Ctrl-D to leave)\n"
    );
    let mut store = DemoStore::embedded(*today);
    let label = format!("chat-{}-{}", std::process::id(), today.iso());
    let mut executor = backend
        .as_ref()
        .map(|backend| keel_adapters::Executor::new(backend, &label));
    let mut conversation = Conversation::new(&machine, *today).with_timers_at_once();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut event = Event::Start;
    loop {
        let first = runtime.block_on(async {
            let first = match executor.as_mut() {
                Some(executor) => conversation.turn(event, executor, TOOL_TIMEOUT).await,
                None => conversation.turn(event, &mut store, TOOL_TIMEOUT).await,
            };
            if let Some(phraser) = phraser.as_mut() {
                conversation.phrase_since(first, phraser).await;
            }
            first
        });
        show_turn(&conversation, first, trace);
        // An ended conversation may be taken up again ("start over", "what
        // about my other order?"); a message it ignores closes the chat.
        let ended = conversation.session().phase() == keel_runtime::Phase::Ended;
        if !conversation.waits_for_user() && !ended {
            break;
        }
        if ended
            && conversation
                .entries()
                .last()
                .is_some_and(|entry| entry.output.ignored.is_some())
        {
            println!("(the conversation has ended)");
            break;
        }
        print!("you> ");
        let _ = std::io::stdout().flush();
        match lines.next() {
            Some(Ok(line)) => {
                if !std::io::stdin().is_terminal() {
                    // Piped input: show what was read, as a person would see it.
                    println!("{line}");
                }
                event = match interpreter.as_mut() {
                    Some(interpreter) => {
                        runtime.block_on(conversation.read_reply(&line, interpreter))
                    }
                    None => Event::User(line),
                };
            }
            _ => {
                println!();
                break;
            }
        }
    }
    match backend
        .as_ref()
        .and_then(|backend| crate::backend::hand_off(backend, &runtime, &conversation, &label))
    {
        Some(Ok(created)) => println!("[ticket {} #{}]", created.helpdesk, created.id),
        Some(Err(error)) => println!("[the hand-off ticket failed: {error}]"),
        None => {}
    }
    write_log(log_path, &conversation, policies)?;
    Ok(ExitCode::SUCCESS)
}

fn show_turn(conversation: &Conversation<'_>, first: usize, trace: bool) {
    let machine = conversation.machine();
    // As sent: a message reworded by `--phrase` replaces its template.
    let mut sent = conversation.messages_since(first);
    for entry in &conversation.entries()[first..] {
        if trace {
            for taken in &entry.output.taken {
                let Some(edge) = machine.edge(taken.edge) else {
                    continue;
                };
                let source = machine
                    .edge_ends(taken.edge)
                    .and_then(|(from, _)| machine.state_source(from))
                    .map_or_else(
                        || "(added by keel)".to_string(),
                        |source| {
                            format!(
                                "[{}:{} step {}] “{}”",
                                source.file,
                                source.line,
                                source.step,
                                source.text.trim()
                            )
                        },
                    );
                let why = log::describe(&taken.evidence);
                let why = if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                };
                println!(
                    "  · {} —{}→ {}{why}\n      {source}",
                    edge.from, edge.label, edge.to
                );
            }
        }
        for effect in &entry.output.effects {
            match effect {
                Effect::Send(text) => {
                    let text = sent.next().unwrap_or(text);
                    println!("keel> {}\n", text.replace('\n', "\n      "));
                }
                Effect::CallTool(call) if trace => println!("  → {}", log::call_summary(call)),
                Effect::HandOff(handoff) => println!(
                    "[handed off to the {} queue{}: {}]",
                    handoff.queue,
                    if handoff.ticket { " as a ticket" } else { "" },
                    handoff.reason
                ),
                Effect::End(outcome) => println!("[conversation ended: {outcome}]"),
                Effect::CallTool(_) | Effect::Schedule(_) => {}
            }
        }
    }
}

fn read_script(path: &Path) -> Result<Script, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Script::from_toml(&text).map_err(|error| format!("{}: {error}", path.display()))
}

fn run_script(
    policies: &[PathBuf],
    script_path: &Path,
    today: Date,
    log_path: Option<&Path>,
    backend_path: Option<&Path>,
) -> Result<ExitCode, String> {
    let machine = machine(policies)?;
    let script = read_script(script_path)?;
    let run = match backend_path {
        None => keel_runtime::script::run(&machine, &script, today).map_err(|e| e.to_string()),
        Some(path) => crate::backend::run_script(path, &machine, &script, today, script_path),
    }
    .map_err(|error| format!("{}: {error}", script_path.display()))?;
    let json = serde_json::to_string_pretty(&run.transcript).map_err(|error| error.to_string())?;
    println!("{json}");
    write_log(log_path, &run.conversation, policies)?;
    Ok(ExitCode::SUCCESS)
}

fn example_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join("policy.md").exists() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("policy.md").exists())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!(
            "{} holds no policy.md, nor folders with one",
            dir.display()
        ));
    }
    Ok(dirs)
}

fn test(
    dir: &Path,
    min_coverage: f64,
    bless: bool,
    conversations: Option<&Path>,
    coverage_out: Option<&Path>,
    backend_path: Option<&Path>,
) -> Result<ExitCode, String> {
    let today = parse_date(DEMO_TODAY)?;
    let backend = backend_path.map(crate::backend::load).transpose()?;
    let runtime = crate::backend::runtime()?;
    if bless && backend.is_some() {
        return Err("--bless records the demo store's answers, not --backend's".to_string());
    }
    let mut failed = false;
    let mut summary = Vec::new();
    let mut coverage_entries = Vec::new();
    let examples = example_dirs(dir)?;
    if conversations.is_some() && examples.len() != 1 {
        return Err(format!(
            "--conversations needs one example folder, and {} holds {}",
            dir.display(),
            examples.len()
        ));
    }
    if let Some(folder) = conversations {
        if !folder.is_dir() {
            return Err(format!("{} is not a folder", folder.display()));
        }
    }
    for example in examples {
        let policy = example.join("policy.md");
        let (compilation, machine) = compiled(std::slice::from_ref(&policy))?;
        if let Some(skipped) = backend
            .as_ref()
            .and_then(|backend| crate::backend::skipped(backend, &machine))
        {
            println!("{} skipped: {skipped}", example.display());
            continue;
        }
        let folder = conversations.map_or_else(|| example.join("conversations"), Path::to_path_buf);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| entry.path())
                    .filter(|path| {
                        path.extension()
                            .is_some_and(|extension| extension == "toml")
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        println!("{} ({} conversations)", example.display(), files.len());
        let mut coverage = Coverage::default();
        let mut taken_edges: BTreeSet<usize> = BTreeSet::new();
        for file in &files {
            let mut script = read_script(file)?;
            let name = file
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().to_string());
            let label = format!("test-{}-{name}", machine.name());
            let outcome = match &backend {
                None => {
                    keel_runtime::script::run(&machine, &script, today).map_err(|e| e.to_string())
                }
                Some(backend) => {
                    crate::backend::through(backend, &runtime, &machine, &script, today, &label)
                }
            };
            let run = match outcome {
                Ok(run) => run,
                Err(error) => {
                    println!("  FAIL {name}: {error}");
                    failed = true;
                    continue;
                }
            };
            coverage.add(&run.conversation);
            taken_edges.extend(
                run.conversation
                    .entries()
                    .iter()
                    .flat_map(|entry| entry.output.taken.iter().map(|taken| taken.edge.0 as usize)),
            );
            // Through a backend, a documented difference replaces the expectation.
            let expect = match (&backend, &script.backend) {
                (Some(_), Some(difference)) => Some(&difference.expect),
                _ => script.expect.as_ref(),
            };
            let mut problems = match (expect, bless) {
                (_, true) => {
                    let old_text = std::fs::read_to_string(file).unwrap_or_default();
                    if let Some(text) = script.blessed(&old_text, &run.transcript) {
                        std::fs::write(file, text)
                            .map_err(|error| format!("cannot write {}: {error}", file.display()))?;
                    }
                    Vec::new()
                }
                (Some(expect), false) => run.transcript.differences(expect),
                (None, false) => {
                    vec!["no [expect] table (run `keel test --bless` to record one)".to_string()]
                }
            };
            let log_text = log::write(&run.conversation, &[policy.display().to_string()]);
            match log::replay(&machine, &log_text) {
                Ok(replayed)
                    if log::write(&replayed, &[policy.display().to_string()]) == log_text => {}
                Ok(_) => problems.push("replay is not byte-identical".to_string()),
                Err(error) => problems.push(format!("replay: {error}")),
            }
            let ticket = match backend.as_ref().and_then(|backend| {
                crate::backend::hand_off(backend, &runtime, &run.conversation, &label)
            }) {
                Some(Ok(created)) => format!(" (ticket {} #{})", created.helpdesk, created.id),
                Some(Err(error)) => {
                    problems.push(format!("hand-off ticket: {error}"));
                    String::new()
                }
                None => String::new(),
            };
            if problems.is_empty() {
                println!("  ok   {name}{ticket}");
            } else {
                failed = true;
                println!("  FAIL {name}");
                for problem in problems {
                    println!("       {problem}");
                }
            }
        }
        let (states, state_total) = coverage.states(&machine);
        let (edges, edge_total) = coverage.edges(&machine);
        let percent = |part: usize, whole: usize| {
            if whole == 0 {
                100.0
            } else {
                part as f64 * 100.0 / whole as f64
            }
        };
        let edge_percent = percent(edges, edge_total);
        let (repairs, repair_total) = coverage.repairs(&machine);
        println!(
            "  coverage: states {states}/{state_total} ({:.1} %), transitions {edges}/{edge_total} ({edge_percent:.1} %); repair transitions {repairs}/{repair_total}",
            percent(states, state_total)
        );
        for missing in coverage.missing_states(&machine) {
            println!("    state never visited: {missing}");
        }
        for missing in coverage.missing_edges(&machine) {
            println!("    transition never taken: {missing}");
        }
        if edge_percent + 1e-9 < min_coverage {
            println!("  FAIL transition coverage {edge_percent:.1} % is below {min_coverage} %");
            failed = true;
        }
        summary.push(format!(
            "{}: {edges}/{edge_total} transitions",
            machine.name()
        ));
        coverage_entries.push(coverage::entry(
            &policy.display().to_string(),
            machine.name(),
            machine.hash(),
            &coverage::transitions(&compilation.machine),
            &taken_edges,
        ));
    }
    if let Some(path) = coverage_out {
        std::fs::write(path, coverage::document(coverage_entries))
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    println!("\n{}", if failed { "FAILED" } else { "ok" });
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn replay(log_path: &Path, policies: &[PathBuf], explain: bool) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(log_path)
        .map_err(|error| format!("cannot read {}: {error}", log_path.display()))?;
    let at = |error: keel_runtime::Error| format!("{}: {error}", log_path.display());
    let header = log::header(&text).map_err(at)?;
    // The policies given win; then the machine the log embeds (a served
    // log's); then the policy files the log names (keel chat's).
    let named: Vec<PathBuf> = header.policy.iter().map(PathBuf::from).collect();
    let machine = if !policies.is_empty() {
        machine(policies)?
    } else if let Some(embedded) = log::embedded_machine(&header).map_err(at)? {
        embedded
    } else if !named.is_empty() {
        machine(&named)?
    } else {
        let log = log_path.display();
        return Err(format!("{log} has no policy or machine; pass --policy"));
    };
    match log::replay(&machine, &text) {
        Ok(conversation) => {
            if explain {
                print!("{}", log::explain(&conversation));
            } else {
                println!(
                    "replayed {} events of {}: identical",
                    conversation.entries().len(),
                    log_path.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{}: {error}", log_path.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn explain_plain(policies: &[PathBuf]) -> Result<ExitCode, String> {
    let compilation = crate::llm::compile_paths(policies)?;
    print!("{}", crate::render::plain_with_refusals(&compilation));
    Ok(ExitCode::from(u8::from(compilation.has_errors())))
}
