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

/// How long a process trusts its copy of a policy's latest version (µs):
/// a deployment through another process reaches new sessions here within
/// this time; one through this process, at once.
const LATEST_FOR: i64 = 1_000_000;

/// Machines by hash, loaded from the store on first use, and each policy's
/// latest version.
#[derive(Debug, Default)]
pub struct Machines {
    by_hash: RwLock<BTreeMap<String, Arc<Machine>>>,
    latest: RwLock<BTreeMap<String, (PolicyVersion, i64)>>,
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
    pub async fn deploy(
        &self,
        store: &dyn Store,
        policies: &[Source],
        catalogs: &[Source],
        now: i64,
    ) -> Result<PolicyVersion, ApiError> {
        if policies.is_empty() {
            return Err(ApiError::bad_request(
                "no_policy",
                "give at least one policy source",
            ));
        }
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
