//! PostgreSQL, for deployments that outgrow one machine.

use super::{Result, sql_store};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
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

sql_store!(PgStore, sqlx::Postgres, sqlx::postgres::PgRow);
