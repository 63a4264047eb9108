//! PostgreSQL, for deployments that outgrow one machine: several instances
//! share one database and tell each other about live events with NOTIFY.

use super::events::parse_payload;
use super::sql::{Backend, Sql, SqlStore};
use super::{LiveSignal, Result};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Executor, Postgres};
use std::str::FromStr;
use tokio::sync::mpsc::Receiver;

pub type PgStore = SqlStore<Postgres>;

/// The channel instances signal each other on: one per schema, since a
/// notification reaches the whole database and events are numbered per
/// schema (instances of two deployments, or two tests, never hear each other).
/// Hashed, as a channel name is at most 63 bytes and a schema's may be too.
macro_rules! channel {
    () => {
        "'chibo_live_' || md5(current_schema())"
    };
}

impl Sql for Postgres {}

impl Backend for Postgres {
    const LABEL: &'static str = "postgres";
    /// Row locks and unique keys settle concurrent writers.
    const BEGIN_WRITE: &'static str = "BEGIN";
    const SHARED: bool = true;
    const CHANGES_OF_PREVIOUS: Option<&'static str> = None;

    fn ids_in_json(param: u32) -> String {
        format!("SELECT value::bigint FROM json_array_elements_text(${param}::json)")
    }

    fn texts_in_json(param: u32) -> String {
        format!("SELECT value FROM json_array_elements_text(${param}::json)")
    }

    /// An identity column's sequence does not see ids given explicitly.
    fn sync_ids(table: &str) -> Option<String> {
        Some(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
    }

    /// All payloads in one statement, on the channel the listeners follow.
    async fn notify<'e>(
        db: impl Executor<'e, Database = Postgres>,
        payloads: Vec<String>,
    ) -> Result<()> {
        if payloads.is_empty() {
            return Ok(());
        }
        sqlx::query(concat!(
            "SELECT pg_notify(",
            channel!(),
            ", p) FROM unnest($1::text[]) AS p"
        ))
        .bind(payloads)
        .execute(db)
        .await?;
        Ok(())
    }

    async fn listen(pool: &PgPool) -> Result<Option<Receiver<LiveSignal>>> {
        let channel: String = sqlx::query_scalar(concat!("SELECT ", channel!()))
            .fetch_one(pool)
            .await?;
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(&channel).await?;
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        tokio::spawn(async move {
            loop {
                let signal = match listener.try_recv().await {
                    Ok(Some(n)) => match parse_payload(n.payload()) {
                        Some(s) => s,
                        None => continue,
                    },
                    // The connection dropped and came back: what was sent meanwhile is lost.
                    Ok(None) => LiveSignal::Resync,
                    Err(sqlx::Error::PoolClosed) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "live listener lost its connection; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        LiveSignal::Resync
                    }
                };
                if tx.send(signal).await.is_err() {
                    return;
                }
            }
        });
        Ok(Some(rx))
    }
}

impl PgStore {
    /// Connects and migrates. `schema`, when given, is created if missing and
    /// used as the search path: tests get a private schema each.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<PgStore> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                schema.replace('"', "")
            )))
            .execute(&admin)
            .await?;
            admin.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(SqlStore::new(pool))
    }

    /// Drops a schema made by `connect` (tests clean up after themselves).
    pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
        let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            schema.replace('"', "")
        )))
        .execute(&pool)
        .await?;
        pool.close().await;
        Ok(())
    }
}
