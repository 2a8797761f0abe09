//! PostgreSQL through the `postgres` client: a pool of threads, each with
//! its own connection and its own prepared statements. Parameters are
//! sent with the types their Rust values have, so the server never has to
//! guess one from the query.

use super::{Db, Param, Row, Violation};
use crate::pool::{Queues, run_read};
use crate::{Backend, Result, StoreError};
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;

pub(crate) struct PgConn {
    url: String,
    client: Option<Client>,
    statements: HashMap<String, (Vec<Type>, Statement)>,
}

pub(crate) fn open(url: &str) -> Result<PgConn> {
    let mut conn = later(url);
    conn.ensure()?;
    Ok(conn)
}

/// A connection made when its thread first has work, so a pool only holds
/// as many as it has needed.
pub(crate) fn later(url: &str) -> PgConn {
    PgConn { url: url.to_string(), client: None, statements: HashMap::new() }
}

fn error(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            return StoreError::Violation(Violation::Unique(db.constraint().unwrap_or_default().to_string()));
        }
        if *code == SqlState::FOREIGN_KEY_VIOLATION {
            return StoreError::Violation(Violation::ForeignKey);
        }
        return StoreError::Database(format!("{}: {}", code.code(), db.message()));
    }
    StoreError::Database(e.to_string())
}

impl PgConn {
    /// Connects again if the connection was lost. Only between jobs: a
    /// transaction never continues on a new connection.
    fn ensure(&mut self) -> Result<()> {
        if self.client.as_ref().is_none_or(|c| c.is_closed()) {
            self.statements.clear();
            self.client = None;
            let mut client = Client::connect(&self.url, NoTls).map_err(|e| StoreError::Open(e.to_string()))?;
            // minga's queries are short; compiling one costs more than it
            // saves, and an estimate gone wrong (a table never analysed)
            // would otherwise compile a one-row query on every run.
            client.batch_execute("SET jit = off").map_err(|e| StoreError::Open(e.to_string()))?;
            self.client = Some(client);
        }
        Ok(())
    }

    fn client(&mut self) -> Result<&mut Client> {
        match self.client.as_mut() {
            Some(c) if !c.is_closed() => Ok(c),
            _ => Err(StoreError::Database("the connection to PostgreSQL was lost".into())),
        }
    }

    /// The statement for `sql` with these parameter types, prepared once
    /// per connection.
    fn statement(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Statement> {
        let types: Vec<Type> = params.iter().map(|p| p.pg_type()).collect();
        if let Some((t, s)) = self.statements.get(sql)
            && *t == types
        {
            return Ok(s.clone());
        }
        if self.statements.len() >= 512 {
            self.statements.clear();
        }
        let statement = self.client()?.prepare_typed(sql, &types).map_err(error)?;
        self.statements.insert(sql.to_string(), (types, statement.clone()));
        Ok(statement)
    }
}

fn values<'a>(params: &'a [&'a dyn Param]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| { let v: &(dyn ToSql + Sync) = *p; v }).collect()
}

impl Db for PgConn {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        let statement = self.statement(sql, params)?;
        self.client()?.execute(&statement, &values(params)).map_err(error)
    }

    fn each(&mut self, sql: &str, params: &[&dyn Param], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let statement = self.statement(sql, params)?;
        let rows = self.client()?.query(&statement, &values(params)).map_err(error)?;
        for r in &rows {
            each(&Row::Postgres(r))?;
        }
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client()?.batch_execute(sql).map_err(error)
    }
}

/// Serves reads and writes from the queue until it closes.
pub(crate) fn worker(mut conn: PgConn, jobs: Queues) {
    while let Some(job) = jobs.next() {
        if let Err(e) = conn.ensure() {
            tracing::warn!(error = %e, "cannot reach PostgreSQL");
        }
        run_read(&mut conn, job);
    }
}
