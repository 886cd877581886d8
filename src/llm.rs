//! The LLM boundary on the command line: the lock file beside the entry
//! policy (`policy.md` → `policy.lock`), `keel compile --llm` (asks the
//! configured LLM to rewrite the sentences the rules do not read into
//! keel's reference phrasing, and freezes the rewrites the compiler
//! accepts), and the interpreter and phraser that
//! `keel chat --llm` and `keel chat --phrase` use.
//! Without `--llm` nothing here touches the network.

use keel_compiler::lock::Lock;
use keel_compiler::{Compilation, compile_locked};
use keel_llm::intent::LlmInterpreter;
use keel_llm::{Client, Config};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The lock file of an entry policy.
pub(crate) fn lock_path(entry: &Path) -> PathBuf {
    entry.with_extension("lock")
}

/// The lock beside the entry policy, if there is one.
fn read_lock(paths: &[PathBuf]) -> Result<Option<Lock>, String> {
    let Some(entry) = paths.first() else {
        return Ok(None);
    };
    let path = lock_path(entry);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    Lock::parse(&text)
        .map(Some)
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// Loads and compiles, with the lock file when there is one. Offline.
pub(crate) fn compile_paths(paths: &[PathBuf]) -> Result<Compilation, String> {
    let inputs = crate::load(paths)?;
    let lock = read_lock(paths)?;
    Ok(compile_locked(
        &inputs.policies,
        &inputs.catalogs,
        lock.as_ref(),
    ))
}

fn config() -> Result<Config, String> {
    Config::from_env(|name| std::env::var(name).ok())
        .map_err(|error| error.to_string())?
        .ok_or_else(|| {
            format!(
                "--llm needs an LLM: set {} (such as http://127.0.0.1:8089/v1) and {}",
                keel_llm::ENV_BASE_URL,
                keel_llm::ENV_MODEL
            )
        })
}

/// `keel compile --llm`: rewrites the lock file so that it holds a
/// rewrite for each sentence the rules do not read — kept from the old lock
/// when the sentence and model are unchanged and the rewrite is still
/// accepted, else asked now — and nothing else. A rewrite is frozen only if
/// the compiler accepts it ([`keel_compiler::lock::accept`]): the rules read
/// it, it names nothing the sentence and catalog do not, it keeps every
/// condition, and it adds no error. Otherwise the sentence stays an error.
pub(crate) fn freeze(paths: &[PathBuf]) -> Result<(), String> {
    let config = config()?;
    let inputs = crate::load(paths)?;
    let old = read_lock(paths)?.filter(|lock| lock.model == config.model);
    let mut lock = Lock::new(&config.model);
    let unread = compile_locked(&inputs.policies, &inputs.catalogs, None);
    let client = Client::new(config.clone()).map_err(|error| error.to_string())?;
    let mut seen = BTreeSet::new();
    let (mut kept, mut accepted, mut rejected, mut failed) = (0, 0, 0, 0);
    for sentence in &unread.unread {
        if !seen.insert(sentence.sentence.clone()) {
            continue;
        }
        let judge = |lock: &Lock, rewrite: &str| {
            keel_compiler::lock::accept(&inputs.policies, &inputs.catalogs, lock, sentence, rewrite)
        };
        if let Some((_, entry)) = old.as_ref().and_then(|old| old.get(&sentence.sentence)) {
            if judge(&lock, &entry.rewrite).is_ok() {
                lock.insert(&sentence.sentence, &entry.rewrite);
                kept += 1;
                continue;
            }
        }
        let answer = keel_runtime::block_on(keel_llm::extraction::rewrite(
            &client,
            sentence,
            &unread.catalog,
        ))
        .map_err(|error| format!("cannot start the async runtime: {error}"))?;
        match answer {
            Ok(rewrite) => match judge(&lock, &rewrite) {
                Ok(()) => {
                    accepted += 1;
                    eprintln!(
                        "keel: {} “{}”\n      → “{rewrite}”",
                        sentence.step, sentence.sentence
                    );
                    lock.insert(&sentence.sentence, &rewrite);
                }
                Err(why) => {
                    rejected += 1;
                    eprintln!(
                        "keel: {} “{}”: the rewrite is rejected, not frozen: {why}\n      rewrite: “{rewrite}”",
                        sentence.step, sentence.sentence
                    );
                }
            },
            Err(error) => {
                failed += 1;
                eprintln!(
                    "keel: no rewrite of “{}” from {}: {error}",
                    sentence.sentence, config.model
                );
            }
        }
    }
    let path = lock_path(&paths[0]);
    let dropped = old.as_ref().map_or(0, |old| old.entries.len()) - kept;
    if lock.entries.is_empty() && old.is_none() {
        eprintln!(
            "keel: no rewrite frozen ({} sentence(s) the rules do not read, {rejected} rewrite(s) rejected, {failed} unanswered); no lock file written",
            seen.len()
        );
        return Ok(());
    }
    std::fs::write(&path, lock.to_text())
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    eprintln!(
        "keel: {}: {} rewrite(s) frozen ({kept} kept, {accepted} new) of {} sentence(s) the rules do not read; {rejected} rejected, {failed} unanswered, {dropped} stale dropped; review the states marked [LLM: review]",
        path.display(),
        lock.entries.len(),
        seen.len(),
    );
    Ok(())
}

/// The phraser for `keel chat --phrase`.
pub(crate) fn phraser() -> Result<keel_llm::phrasing::LlmPhraser, String> {
    let client = Client::new(config()?).map_err(|error| error.to_string())?;
    Ok(keel_llm::phrasing::LlmPhraser::new(client))
}

/// The interpreter for `keel chat --llm`.
pub(crate) fn interpreter() -> Result<LlmInterpreter, String> {
    let client = Client::new(config()?).map_err(|error| error.to_string())?;
    Ok(LlmInterpreter::new(client))
}
