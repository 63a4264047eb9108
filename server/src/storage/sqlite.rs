//! SQLite, the embedded default: one file, WAL mode, so one command runs anywhere.

use super::sql::{Backend, Sql, SqlStore};
use super::{LiveSignal, Result};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Executor, Sqlite};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::mpsc::Receiver;

pub type SqliteStore = SqlStore<Sqlite>;

impl Sql for Sqlite {}

impl Backend for Sqlite {
    const LABEL: &'static str = "sqlite";
    /// Write transactions take the write lock first: one that began reading
    /// could otherwise fail with SQLITE_BUSY_SNAPSHOT when another wrote meanwhile.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const SHARED: bool = false;
    const CHANGES_OF_PREVIOUS: Option<&'static str> = Some("SELECT changes() AS changed");

    fn ids_in_json(param: u32) -> String {
        format!("SELECT value FROM json_each(${param})")
    }

    fn texts_in_json(param: u32) -> String {
        format!("SELECT value FROM json_each(${param})")
    }

    /// `INTEGER PRIMARY KEY` takes the largest id plus one by itself.
    fn sync_ids(_table: &str) -> Option<String> {
        None
    }

    /// One process owns the file: nobody else to tell.
    async fn notify<'e>(
        _db: impl Executor<'e, Database = Sqlite>,
        _payloads: Vec<String>,
    ) -> Result<()> {
        Ok(())
    }

    async fn listen(_pool: &SqlitePool) -> Result<Option<Receiver<LiveSignal>>> {
        Ok(None)
    }
}

impl SqliteStore {
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
        Ok(SqlStore::new(pool))
    }
}
