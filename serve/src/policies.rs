//! Deployed policies: sources compiled into machines, recorded in the
//! store as numbered versions, and kept in memory by content hash (the
//! hash a session is pinned to).

use crate::error::ApiError;
use crate::store::{NewPolicy, PolicyVersion, Store};
use axum::http::StatusCode;
use keel_compiler::Source;
use keel_runtime::Machine;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a process trusts its copy of a policy's latest version (µs):
/// a deployment through another process reaches new sessions here within
/// this time; one through this process, at once.
const LATEST_FOR: i64 = 1_000_000;

/// Machines by hash, loaded from the store on first use, and each policy's
/// latest version.
#[derive(Debug)]
pub struct Machines {
    by_hash: RwLock<BTreeMap<String, Arc<Machine>>>,
    latest: RwLock<BTreeMap<String, (PolicyVersion, i64)>>,
    /// One compile at a time (a deploy's compile is CPU-bound).
    compiling: Arc<Semaphore>,
}

impl Default for Machines {
    fn default() -> Machines {
        Machines {
            by_hash: RwLock::default(),
            latest: RwLock::default(),
            compiling: Arc::new(Semaphore::new(1)),
        }
    }
}

/// Compiles policy sources into the artifact's JSON and a runnable machine,
/// or the refusal that names every error (runs on the blocking pool).
fn compile(policies: &[Source], catalogs: &[Source]) -> Result<(String, Machine), ApiError> {
    let compilation = keel_compiler::compile(policies, catalogs);
    if compilation.has_errors() {
        let problems: Vec<String> = compilation
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| format!("{}: {}", diagnostic.code.name, diagnostic.message))
            .collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "policy_does_not_compile",
            problems.join("; "),
        ));
    }
    let artifact = compilation.artifact();
    let json = serde_json::to_string(&artifact)
        .map_err(|error| ApiError::internal(format!("cannot write the artifact: {error}")))?;
    let machine = Machine::new(artifact).map_err(|error| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "policy_cannot_run",
            error.to_string(),
        )
    })?;
    Ok((json, machine))
}

impl Machines {
    /// The latest version of `name` as of `now` (µs).
    pub async fn latest(
        &self,
        store: &dyn Store,
        name: &str,
        now: i64,
    ) -> Result<Option<PolicyVersion>, ApiError> {
        let known = self
            .latest
            .read()
            .ok()
            .and_then(|latest| latest.get(name).cloned());
        if let Some((version, fetched)) = known {
            if now.saturating_sub(fetched) < LATEST_FOR {
                return Ok(Some(version));
            }
        }
        let version = store.latest(name).await?;
        if let (Some(version), Ok(mut latest)) = (&version, self.latest.write()) {
            latest.insert(name.to_string(), (version.clone(), now));
        }
        Ok(version)
    }

    /// The machine with `hash`.
    pub async fn get(&self, store: &dyn Store, hash: &str) -> Result<Arc<Machine>, ApiError> {
        if let Some(machine) = self
            .by_hash
            .read()
            .ok()
            .and_then(|machines| machines.get(hash).cloned())
        {
            return Ok(machine);
        }
        let artifact = store
            .artifact(hash)
            .await?
            .ok_or_else(|| ApiError::internal(format!("machine {hash} is not in the store")))?;
        let machine = Machine::from_json(&artifact)
            .map_err(|error| ApiError::internal(format!("machine {hash}: {error}")))?;
        Ok(self.insert(machine))
    }

    fn insert(&self, machine: Machine) -> Arc<Machine> {
        let machine = Arc::new(machine);
        if let Ok(mut machines) = self.by_hash.write() {
            machines
                .entry(machine.hash().to_string())
                .or_insert_with(|| Arc::clone(&machine));
        }
        machine
    }

    /// Compiles `policies` (the first is the entry) against `catalogs` and
    /// records the result as the policy's next version. A policy that does
    /// not compile is refused with its diagnostics.
    ///
    /// The compile runs on tokio's blocking pool, one at a time, within
    /// `budget` (waiting for the previous one included), so a large deploy
    /// never stalls the requests the workers are serving. A compile that
    /// outlives its budget is refused (422 `compile_timeout`: nothing is
    /// deployed) and finishes on its own thread, keeping the one compile
    /// slot until then; a deploy that cannot get the slot within its budget
    /// is refused with 503 `deploy_busy`.
    pub async fn deploy(
        &self,
        store: &dyn Store,
        policies: Vec<Source>,
        catalogs: Vec<Source>,
        now: i64,
        budget: Duration,
    ) -> Result<PolicyVersion, ApiError> {
        if policies.is_empty() {
            return Err(ApiError::bad_request(
                "no_policy",
                "give at least one policy source",
            ));
        }
        let started = tokio::time::Instant::now();
        let permit = tokio::time::timeout(budget, Arc::clone(&self.compiling).acquire_owned())
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "deploy_busy",
                    format!(
                        "another deploy is still compiling after {} ms; retry later",
                        budget.as_millis()
                    ),
                )
            })?
            .map_err(|_| ApiError::internal("the compile slot is closed"))?;
        let compiling = tokio::task::spawn_blocking(move || {
            let compiled = compile(&policies, &catalogs);
            drop(permit);
            compiled
        });
        let remaining = budget.saturating_sub(started.elapsed());
        let (json, machine) = match tokio::time::timeout(remaining, compiling).await {
            Ok(Ok(compiled)) => compiled?,
            Ok(Err(error)) => {
                return Err(ApiError::internal(format!("the compile failed: {error}")));
            }
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "compile_timeout",
                    format!(
                        "compiling this deploy took longer than {} ms, so nothing was deployed; split the policy into smaller ones (referenced with #Name) or raise `keel serve --deploy-timeout-ms`",
                        budget.as_millis()
                    ),
                ));
            }
        };
        let version = store
            .deploy(NewPolicy {
                name: machine.name().to_string(),
                hash: machine.hash().to_string(),
                artifact: json,
                deployed_at: now,
            })
            .await?;
        self.insert(machine);
        if let Ok(mut latest) = self.latest.write() {
            latest.insert(version.name.clone(), (version.clone(), now));
        }
        Ok(version)
    }
}
