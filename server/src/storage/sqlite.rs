//! SQLite, the embedded default: one file, WAL mode, so one command runs anywhere.

use super::{Result, sql_store};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Write transactions take the write lock first: one that began reading
    /// could otherwise fail with SQLITE_BUSY_SNAPSHOT when another wrote meanwhile.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const BACKEND: &'static str = "sqlite";
    /// `$2` is a JSON array of cell ids.
    const UPCOMING_MEETINGS_SQL: &'static str =
        "SELECT * FROM meetings WHERE status <> 'closed' AND starts_at >= $1
         AND cell_id IN (SELECT value FROM json_each($2)) ORDER BY starts_at, id LIMIT $3";

    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Every commit reaches the disk before it is acknowledged (a power
            // cut loses nothing acknowledged); live events are group-committed,
            // so this costs one fsync per batch, not per command.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

impl SqliteStore {
    /// One process owns the file: nobody else to tell.
    async fn announce(
        _tx: &mut sqlx::SqliteConnection,
        _appended: &[(shared::MeetingId, u64)],
    ) -> Result<()> {
        Ok(())
    }

    async fn signals(&self) -> Result<Option<tokio::sync::mpsc::Receiver<super::LiveSignal>>> {
        Ok(None)
    }
}

sql_store!(SqliteStore, sqlx::Sqlite, sqlx::sqlite::SqliteRow);
