//! The shared store: PostgreSQL by URL, for several `keel serve` processes
//! on one database.
//!
//! Each commit is one statement (one round trip, its own transaction) on a
//! pooled connection: the session row moves only from the sequence number
//! the writer saw (`UPDATE … WHERE seq = $expected`) and the events are
//! appended only if it moved, so of two processes appending to one session
//! the second finds nothing to update and gets [`StoreError::Conflict`];
//! PostgreSQL's row lock makes it wait for the first to commit before it
//! looks. A commit never carries an empty list of events.

use super::{
    Commit, EventRow, NewPolicy, PolicyVersion, SESSION_COLUMNS, SessionRow, Store, StoreError,
    StoreFuture, TABLES,
};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// Connections in the pool.
const POOL_SIZE: usize = 16;

/// Makes the event log append-only, at the database.
const TRIGGERS: &[&str] = &[
    "CREATE OR REPLACE FUNCTION keel_events_append_only() RETURNS trigger AS $$
     BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS events_append_only ON events",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
     FOR EACH ROW EXECUTE FUNCTION keel_events_append_only()",
];

/// An arbitrary constant: the advisory lock that serialises schema setup
/// between processes starting together.
const SCHEMA_LOCK: i64 = 0x6b65_656c;

/// PostgreSQL behind the [`Store`] trait.
pub struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PostgresStore")
    }
}

fn database(error: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("postgres: {error}"))
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`)
    /// and creates the tables if needed.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| StoreError::Database(format!("bad PostgreSQL URL: {error}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(database)?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(database)?;
        let transaction = client.transaction().await.map_err(database)?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(database)?;
        for statement in TABLES.iter().chain(TRIGGERS) {
            transaction
                .batch_execute(statement)
                .await
                .map_err(database)?;
        }
        for statement in super::MIGRATIONS {
            // `IF NOT EXISTS`: the column may be there already.
            let statement = statement.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS");
            transaction
                .batch_execute(&statement)
                .await
                .map_err(database)?;
        }
        transaction.commit().await.map_err(database)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(database)
    }
}

fn policy_version(row: &tokio_postgres::Row) -> PolicyVersion {
    PolicyVersion {
        name: row.get(0),
        version: row.get(1),
        hash: row.get(2),
        deployed_at: row.get(3),
    }
}

fn session_row(row: &tokio_postgres::Row) -> SessionRow {
    SessionRow {
        id: row.get(0),
        policy: row.get(1),
        version: row.get(2),
        hash: row.get(3),
        channel: row.get(4),
        customer: row.get(5),
        token_hash: row.get(6),
        today: row.get(7),
        created_at: row.get(8),
        updated_at: row.get(9),
        seq: row.get(10),
        phase: row.get(11),
        node: row.get(12),
        outcome: row.get(13),
        origin: row.get(14),
        wake_at: row.get(15),
    }
}

const LATEST: &str = "SELECT name, version, hash, deployed_at FROM policies WHERE name = $1 ORDER BY version DESC LIMIT 1";

impl Store for PostgresStore {
    fn deploy(&self, policy: NewPolicy) -> StoreFuture<'_, PolicyVersion> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let transaction = client.transaction().await.map_err(database)?;
            // One deployer per name at a time, across processes.
            transaction
                .execute(
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    &[&policy.name],
                )
                .await
                .map_err(database)?;
            let current = transaction
                .query_opt(LATEST, &[&policy.name])
                .await
                .map_err(database)?
                .map(|row| policy_version(&row));
            if let Some(current) = &current {
                if current.hash == policy.hash {
                    return Ok(current.clone());
                }
            }
            let version = current.map_or(1, |current| current.version + 1);
            transaction
                .execute(
                    "INSERT INTO policies (name, version, hash, artifact, deployed_at) VALUES ($1, $2, $3, $4, $5)",
                    &[&policy.name, &version, &policy.hash, &policy.artifact, &policy.deployed_at],
                )
                .await
                .map_err(database)?;
            transaction.commit().await.map_err(database)?;
            Ok(PolicyVersion {
                name: policy.name,
                version,
                hash: policy.hash,
                deployed_at: policy.deployed_at,
            })
        })
    }

    fn policies(&self) -> StoreFuture<'_, Vec<PolicyVersion>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT name, version, hash, deployed_at FROM policies ORDER BY name, version",
                    &[],
                )
                .await
                .map_err(database)?;
            Ok(rows.iter().map(policy_version).collect())
        })
    }

    fn latest(&self, name: &str) -> StoreFuture<'_, Option<PolicyVersion>> {
        let name = name.to_string();
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client.prepare_cached(LATEST).await.map_err(database)?;
            let row = client
                .query_opt(&statement, &[&name])
                .await
                .map_err(database)?;
            Ok(row.map(|row| policy_version(&row)))
        })
    }

    fn artifact(&self, hash: &str) -> StoreFuture<'_, Option<String>> {
        let hash = hash.to_string();
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT artifact FROM policies WHERE hash = $1 LIMIT 1",
                    &[&hash],
                )
                .await
                .map_err(database)?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn commit(&self, commit: Commit) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut client = self.client().await?;
            // A commit without side rows is one statement, one round trip;
            // side rows go in one transaction with the events.
            if commit.side.is_empty() {
                return match append(&client, &commit).await? {
                    0 => Err(StoreError::Conflict),
                    _ => Ok(()),
                };
            }
            let transaction = client.transaction().await.map_err(database)?;
            if append(&transaction, &commit).await? == 0 {
                return Err(StoreError::Conflict);
            }
            for side in &commit.side {
                let (ints, texts) = columns(&side.params);
                let bound = bind(&side.params, &ints, &texts);
                let statement = transaction
                    .prepare_cached(side.statement)
                    .await
                    .map_err(database)?;
                transaction
                    .execute(&statement, &bound)
                    .await
                    .map_err(database)?;
            }
            transaction.commit().await.map_err(database)
        })
    }

    fn session(&self, id: &str) -> StoreFuture<'_, Option<SessionRow>> {
        let id = id.to_string();
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(&format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"
                ))
                .await
                .map_err(database)?;
            let row = client
                .query_opt(&statement, &[&id])
                .await
                .map_err(database)?;
            Ok(row.map(|row| session_row(&row)))
        })
    }

    fn events(&self, id: &str) -> StoreFuture<'_, Vec<EventRow>> {
        let id = id.to_string();
        Box::pin(async move {
            let client = self.client().await?;
            let statement = client
                .prepare_cached(
                    "SELECT seq, at, line FROM events WHERE session_id = $1 ORDER BY seq",
                )
                .await
                .map_err(database)?;
            let rows = client.query(&statement, &[&id]).await.map_err(database)?;
            Ok(rows
                .iter()
                .map(|row| EventRow {
                    seq: row.get(0),
                    at: row.get(1),
                    line: row.get(2),
                })
                .collect())
        })
    }

    fn sql(
        &self,
        statement: &'static str,
        params: Vec<super::SqlValue>,
    ) -> StoreFuture<'_, Vec<Vec<super::SqlValue>>> {
        Box::pin(async move {
            use super::SqlValue;
            use tokio_postgres::types::Type;
            let client = self.client().await?;
            let prepared = client.prepare_cached(statement).await.map_err(database)?;
            let (ints, texts) = columns(&params);
            let bound = bind(&params, &ints, &texts);
            let rows = client.query(&prepared, &bound).await.map_err(database)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut values = Vec::with_capacity(row.len());
                for (index, column) in row.columns().iter().enumerate() {
                    let value = match *column.type_() {
                        Type::INT8 => row
                            .try_get::<_, Option<i64>>(index)
                            .map_err(database)?
                            .map_or(SqlValue::Null, SqlValue::Int),
                        Type::INT4 => row
                            .try_get::<_, Option<i32>>(index)
                            .map_err(database)?
                            .map_or(SqlValue::Null, |int| SqlValue::Int(i64::from(int))),
                        _ => row
                            .try_get::<_, Option<String>>(index)
                            .map_err(database)?
                            .map_or(SqlValue::Null, SqlValue::Text),
                    };
                    values.push(value);
                }
                out.push(values);
            }
            Ok(out)
        })
    }

    fn waiting_for_tools(&self, before: i64) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id FROM sessions WHERE phase = 'waiting_for_tool' AND updated_at < $1 ORDER BY id",
                    &[&before],
                )
                .await
                .map_err(database)?;
            Ok(rows.iter().map(|row| row.get(0)).collect())
        })
    }
}

/// The commit's row moved (or created) and its events appended; how many
/// events went in (0: another writer moved the session first).
async fn append(
    client: &impl deadpool_postgres::GenericClient,
    commit: &Commit,
) -> Result<u64, StoreError> {
    let row = &commit.session;
    let seqs: Vec<i64> = commit.events.iter().map(|event| event.seq).collect();
    let ats: Vec<i64> = commit.events.iter().map(|event| event.at).collect();
    let lines: Vec<&str> = commit
        .events
        .iter()
        .map(|event| event.line.as_str())
        .collect();
    // One statement, one round trip: the row moves (or is created)
    // and the events are appended only if it did.
    let inserted = match commit.expected_seq {
        None => {
            let statement = client
                .prepare_cached(&format!(
                    "WITH moved AS (
                        INSERT INTO sessions ({SESSION_COLUMNS})
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                        ON CONFLICT (id) DO NOTHING RETURNING id)
                     INSERT INTO events (session_id, seq, at, line)
                     SELECT moved.id, e.seq, e.at, e.line
                     FROM moved, unnest($17::BIGINT[], $18::BIGINT[], $19::TEXT[]) AS e(seq, at, line)"
                ))
                .await
                .map_err(database)?;
            client
                .execute(
                    &statement,
                    &[
                        &row.id,
                        &row.policy,
                        &row.version,
                        &row.hash,
                        &row.channel,
                        &row.customer,
                        &row.token_hash,
                        &row.today,
                        &row.created_at,
                        &row.updated_at,
                        &row.seq,
                        &row.phase,
                        &row.node,
                        &row.outcome,
                        &row.origin,
                        &row.wake_at,
                        &seqs,
                        &ats,
                        &lines,
                    ],
                )
                .await
                .map_err(database)?
        }
        Some(expected) => {
            let statement = client
                .prepare_cached(
                    "WITH moved AS (
                        UPDATE sessions SET updated_at = $2, seq = $3, phase = $4, node = $5, outcome = $6, wake_at = $11
                        WHERE id = $1 AND seq = $7 RETURNING id)
                     INSERT INTO events (session_id, seq, at, line)
                     SELECT moved.id, e.seq, e.at, e.line
                     FROM moved, unnest($8::BIGINT[], $9::BIGINT[], $10::TEXT[]) AS e(seq, at, line)",
                )
                .await
                .map_err(database)?;
            client
                .execute(
                    &statement,
                    &[
                        &row.id,
                        &row.updated_at,
                        &row.seq,
                        &row.phase,
                        &row.node,
                        &row.outcome,
                        &expected,
                        &seqs,
                        &ats,
                        &lines,
                        &row.wake_at,
                    ],
                )
                .await
                .map_err(database)?
        }
    };
    Ok(inserted)
}

/// The side values split by type, so each can be bound by reference.
fn columns(params: &[super::SqlValue]) -> (Vec<Option<i64>>, Vec<Option<String>>) {
    (
        params.iter().map(super::SqlValue::int).collect(),
        params
            .iter()
            .map(|value| value.text().map(str::to_string))
            .collect(),
    )
}

/// The parameters of a side statement, bound to `columns`' vectors.
fn bind<'a>(
    params: &[super::SqlValue],
    ints: &'a [Option<i64>],
    texts: &'a [Option<String>],
) -> Vec<&'a (dyn tokio_postgres::types::ToSql + Sync)> {
    params
        .iter()
        .enumerate()
        .map(
            |(index, value)| -> &'a (dyn tokio_postgres::types::ToSql + Sync) {
                match value {
                    super::SqlValue::Int(_) => &ints[index],
                    super::SqlValue::Text(_) | super::SqlValue::Null => &texts[index],
                }
            },
        )
        .collect()
}
