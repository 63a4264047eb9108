//! PostgreSQL, for deployments that outgrow one machine.

use super::{Result, sql_store};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Row locks and unique keys settle concurrent writers.
    const BEGIN_WRITE: &'static str = "BEGIN";
    const BACKEND: &'static str = "postgres";
    /// `$2` is a JSON array of cell ids.
    const UPCOMING_MEETINGS_SQL: &'static str = "SELECT * FROM meetings WHERE status <> 'closed' AND starts_at >= $1
         AND cell_id IN (SELECT value::bigint FROM json_array_elements_text($2::json)) ORDER BY starts_at, id LIMIT $3";

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
        Ok(PgStore { pool })
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

/// The channel instances announce stored events on. Payloads stay tiny
/// ("meeting:seq"); each instance reads the events themselves from the database.
const CHANNEL: &str = "chibo_live";

impl PgStore {
    /// Sent inside the appending transaction, so it is delivered only if the events commit.
    /// One notification per meeting, all in one statement.
    async fn announce(
        tx: &mut sqlx::PgConnection,
        appended: &[(shared::MeetingId, u64)],
    ) -> Result<()> {
        if appended.is_empty() {
            return Ok(());
        }
        let payloads: Vec<String> = appended
            .iter()
            .map(|(meeting, seq)| format!("{}:{seq}", meeting.0))
            .collect();
        sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p")
            .bind(CHANNEL)
            .bind(payloads)
            .execute(tx)
            .await?;
        Ok(())
    }

    async fn signals(&self) -> Result<Option<tokio::sync::mpsc::Receiver<super::LiveSignal>>> {
        use super::LiveSignal;
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        tokio::spawn(async move {
            loop {
                let signal = match listener.try_recv().await {
                    Ok(Some(n)) => {
                        let parsed = n.payload().split_once(':').and_then(|(m, s)| {
                            Some(LiveSignal::Appended {
                                meeting: shared::MeetingId(m.parse().ok()?),
                                seq: s.parse().ok()?,
                            })
                        });
                        match parsed {
                            Some(s) => s,
                            None => continue,
                        }
                    }
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

sql_store!(PgStore, sqlx::Postgres, sqlx::postgres::PgRow);
