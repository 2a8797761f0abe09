//! SQLite through rusqlite: reader threads, each with its own connection,
//! and one writer thread that commits whatever writes have queued up
//! together (each in a savepoint of its own, so one that fails rolls
//! back alone). The writer never waits on anything but the disk, and
//! every caller hears back only after the commit that holds its write.

use super::{Db, Param, Row, Violation};
use crate::pool::{Queues, WriteJob, run_read, run_write_batch};
use crate::{Backend, Result, StoreError};
use crossbeam_channel::Receiver;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// How much a commit promises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Every commit reaches the disk before it is acknowledged
    /// (`synchronous = FULL`): nothing acknowledged is lost, even on power
    /// loss. Writes that arrive together share one sync.
    #[default]
    Full,
    /// Commits reach the operating system, which writes them soon
    /// (`synchronous = NORMAL` in WAL mode): a killed process loses
    /// nothing, a power cut or kernel crash may lose the last moments.
    Normal,
}

impl Durability {
    pub fn parse(s: &str) -> Option<Durability> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Some(Durability::Full),
            "normal" => Some(Durability::Normal),
            _ => None,
        }
    }
}

pub(crate) struct SqliteConn {
    conn: Connection,
}

pub(crate) fn open(path: &Path, writer: bool, durability: Durability) -> Result<SqliteConn> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Open(format!("{}: {e}", path.display())))?;
    conn.set_prepared_statement_cache_capacity(256);
    let sync = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    // Each connection keeps a large forum's hot index pages in memory
    // (SQLite's default is 2 MB); the rest comes from the system's file
    // cache. What pages show is kept in minga's own caches, not here.
    conn.execute_batch(&format!(
        "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; \
         PRAGMA foreign_keys = ON; PRAGMA cache_size = {};{}",
        if writer { -16384 } else { -8192 },
        if writer { "" } else { " PRAGMA query_only = ON;" }
    ))
    .map_err(|e| StoreError::Open(format!("{}: {e}", path.display())))?;
    Ok(SqliteConn { conn })
}

/// `$n` placeholders as SQLite's numbered `?n`, so that a parameter used
/// twice, or out of order, binds by its number. Quoted text is left alone.
fn positional(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return sql.into();
    }
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn error(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, message) = &e {
        const UNIQUE: i32 = 2067;
        const PRIMARY_KEY: i32 = 1555;
        const FOREIGN_KEY: i32 = 787;
        match f.extended_code {
            UNIQUE | PRIMARY_KEY => return StoreError::Violation(Violation::Unique(message.clone().unwrap_or_default())),
            FOREIGN_KEY => return StoreError::Violation(Violation::ForeignKey),
            _ => {}
        }
        if f.code == rusqlite::ErrorCode::DatabaseBusy || f.code == rusqlite::ErrorCode::DatabaseLocked {
            return StoreError::Busy;
        }
    }
    StoreError::Database(e.to_string())
}

fn bind(stmt: &mut rusqlite::CachedStatement<'_>, params: &[&dyn Param]) -> Result<()> {
    if stmt.parameter_count() > params.len() {
        return Err(StoreError::Database(format!("{} parameters expected, {} given", stmt.parameter_count(), params.len())));
    }
    for (i, p) in params.iter().enumerate().take(stmt.parameter_count()) {
        let value: &dyn rusqlite::ToSql = *p;
        stmt.raw_bind_parameter(i + 1, value).map_err(error)?;
    }
    Ok(())
}

impl Db for SqliteConn {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        let mut stmt = self.conn.prepare_cached(&positional(sql)).map_err(error)?;
        bind(&mut stmt, params)?;
        let mut rows = stmt.raw_query();
        while rows.next().map_err(error)?.is_some() {}
        drop(rows);
        Ok(self.conn.changes())
    }

    fn each(&mut self, sql: &str, params: &[&dyn Param], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&positional(sql)).map_err(error)?;
        bind(&mut stmt, params)?;
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(error)? {
            each(&Row::Sqlite(row))?;
        }
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(error)
    }
}

/// Serves reads from the queue until it closes.
pub(crate) fn reader(mut conn: SqliteConn, jobs: Queues) {
    while let Some(job) = jobs.next() {
        run_read(&mut conn, job);
    }
}

/// Commits queued writes in batches until the queue closes.
pub(crate) fn writer(mut conn: SqliteConn, jobs: Receiver<WriteJob>, feed: std::sync::Arc<crate::feed::Feed>) {
    const MOST_AT_ONCE: usize = 64;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_AT_ONCE {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_write_batch(&mut conn, "BEGIN IMMEDIATE", batch, &feed);
    }
}

#[cfg(test)]
mod tests {
    use super::positional;

    #[test]
    fn placeholders_become_numbered() {
        assert_eq!(positional("SELECT $1, $2 WHERE a = $1"), "SELECT ?1, ?2 WHERE a = ?1");
        assert_eq!(positional("SELECT '$1' || $10"), "SELECT '$1' || ?10");
        assert_eq!(positional("SELECT 1"), "SELECT 1");
    }
}
