//! The one interface every query goes through, whichever the backend.
//!
//! Store operations are plain synchronous functions over `&mut dyn Db`
//! (reads) or `&mut Tx` (writes). They run on a small pool of threads
//! that own the connections (`sqlite.rs`, `postgres.rs`), so an
//! operation of several queries is one hop from the async world, not one
//! per query. SQL is written once with `$n` placeholders; parameters are
//! typed (`Param`), and rows arrive as structs (`FromRow`) read by
//! position, never by a column name string.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::{Backend, Change, Result, StoreError};
use minga_core::{CategoryId, PostId, TopicId, UserId};

/// A connection, as store operations see it.
pub(crate) trait Db {
    fn backend(&self) -> Backend;
    /// Runs a statement; returns how many rows it changed.
    fn exec(&mut self, sql: &str, params: &[&dyn Param]) -> Result<u64>;
    /// Runs a query and hands each row to `each`.
    fn each(&mut self, sql: &str, params: &[&dyn Param], each: &mut dyn FnMut(&Row<'_>) -> Result<()>) -> Result<()>;
    /// Runs several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<()>;
}

impl dyn Db + '_ {
    pub fn all<T: FromRow>(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, &mut |r| {
            out.push(T::from_row(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    pub fn opt<T: FromRow>(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Option<T>> {
        let mut out = None;
        self.each(sql, params, &mut |r| {
            if out.is_none() {
                out = Some(T::from_row(r)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    pub fn one<T: FromRow>(&mut self, sql: &str, params: &[&dyn Param]) -> Result<T> {
        self.opt(sql, params)?.ok_or_else(|| StoreError::Database(format!("no row from: {sql}")))
    }
}

/// A write transaction: the connection, and what the write changed (the
/// change feed hears of it once the transaction commits).
pub(crate) struct Tx<'a> {
    pub db: &'a mut dyn Db,
    pub changes: &'a mut Vec<Change>,
}

impl Tx<'_> {
    /// Announces that this write changed `c`.
    pub fn changed(&mut self, c: Change) {
        if !self.changes.contains(&c) {
            self.changes.push(c);
        }
    }

    pub fn opt<T: FromRow>(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Option<T>> {
        self.db.opt(sql, params)
    }

    pub fn one<T: FromRow>(&mut self, sql: &str, params: &[&dyn Param]) -> Result<T> {
        self.db.one(sql, params)
    }

    pub fn exec(&mut self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        self.db.exec(sql, params)
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }
}

/// A row of either backend, read by position.
pub(crate) enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a ::postgres::Row),
}

impl Row<'_> {
    pub fn get<T: Column>(&self, i: usize) -> Result<T> {
        match self {
            Row::Sqlite(r) => {
                let v = r.get_ref(i).map_err(|e| StoreError::Database(e.to_string()))?;
                T::from_sqlite(v).map_err(|e| StoreError::Database(format!("column {i}: {e}")))
            }
            Row::Postgres(r) => T::from_postgres(r, i),
        }
    }
}

/// A value a column holds.
pub(crate) trait Column: Sized {
    fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> std::result::Result<Self, String>;
    fn from_postgres(r: &::postgres::Row, i: usize) -> Result<Self>;
}

fn pg_get<'a, T: ::postgres::types::FromSql<'a>>(r: &'a ::postgres::Row, i: usize) -> Result<T> {
    r.try_get(i).map_err(|e| StoreError::Database(format!("column {i}: {e}")))
}

impl Column for i64 {
    fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> std::result::Result<Self, String> {
        v.as_i64().map_err(|e| e.to_string())
    }
    fn from_postgres(r: &::postgres::Row, i: usize) -> Result<Self> {
        // Literals such as `SELECT 1` are 32-bit integers on PostgreSQL.
        match r.columns().get(i).map(|c| c.type_()) {
            Some(&::postgres::types::Type::INT4) => pg_get::<i32>(r, i).map(i64::from),
            Some(&::postgres::types::Type::INT2) => pg_get::<i16>(r, i).map(i64::from),
            _ => pg_get(r, i),
        }
    }
}

impl Column for bool {
    fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> std::result::Result<Self, String> {
        v.as_i64().map(|n| n != 0).map_err(|e| e.to_string())
    }
    fn from_postgres(r: &::postgres::Row, i: usize) -> Result<Self> {
        pg_get(r, i)
    }
}

impl Column for String {
    fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> std::result::Result<Self, String> {
        v.as_str().map(str::to_string).map_err(|e| e.to_string())
    }
    fn from_postgres(r: &::postgres::Row, i: usize) -> Result<Self> {
        pg_get(r, i)
    }
}

impl<T: Column> Column for Option<T> {
    fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> std::result::Result<Self, String> {
        match v {
            rusqlite::types::ValueRef::Null => Ok(None),
            v => T::from_sqlite(v).map(Some),
        }
    }
    fn from_postgres(r: &::postgres::Row, i: usize) -> Result<Self> {
        let null = r.try_get::<_, Option<PgAny>>(i).map_err(|e| StoreError::Database(e.to_string()))?.is_none();
        if null { Ok(None) } else { T::from_postgres(r, i).map(Some) }
    }
}

/// Accepts any PostgreSQL value, to tell NULL from the rest.
struct PgAny;

impl<'a> ::postgres::types::FromSql<'a> for PgAny {
    fn from_sql(_: &::postgres::types::Type, _: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgAny)
    }
    fn accepts(_: &::postgres::types::Type) -> bool {
        true
    }
}

macro_rules! id_columns {
    ($($t:ident),*) => {$(
        impl Column for $t {
            fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> std::result::Result<Self, String> {
                i64::from_sqlite(v).map($t)
            }
            fn from_postgres(r: &::postgres::Row, i: usize) -> Result<Self> {
                i64::from_postgres(r, i).map($t)
            }
        }
    )*};
}
id_columns!(UserId, TopicId, PostId, CategoryId);

/// A whole row as a value.
pub(crate) trait FromRow: Sized {
    fn from_row(r: &Row<'_>) -> Result<Self>;
}

impl<T: Column> FromRow for T {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        r.get(0)
    }
}

macro_rules! tuple_rows {
    ($(($($t:ident $i:tt),*)),*) => {$(
        impl<$($t: Column),*> FromRow for ($($t,)*) {
            fn from_row(r: &Row<'_>) -> Result<Self> {
                Ok(($(r.get::<$t>($i)?,)*))
            }
        }
    )*};
}
tuple_rows!(
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
);

/// Declares a struct read from a row, field by field in the order of its
/// columns, and the column list to select it with (`COLUMNS`, or
/// `columns("u")` for `u.id, u.name, …`).
macro_rules! row_struct {
    ($ty:ident { $first:ident $(, $rest:ident)* $(,)? }) => {
        impl $ty {
            #[allow(dead_code)]
            pub(crate) const COLUMNS: &'static str = concat!(stringify!($first) $(, ", ", stringify!($rest))*);

            /// The columns, each prefixed with a table alias.
            #[allow(dead_code)]
            pub(crate) fn columns(alias: &str) -> String {
                let names: &[&str] = &[stringify!($first) $(, stringify!($rest))*];
                names.iter().map(|n| format!("{alias}.{n}")).collect::<Vec<_>>().join(", ")
            }
        }

        impl $crate::db::FromRow for $ty {
            fn from_row(r: &$crate::db::Row<'_>) -> $crate::Result<Self> {
                #[allow(unused_assignments)]
                {
                    let mut i = 0;
                    Ok($ty {
                        $first: { let v = r.get(i)?; i += 1; v },
                        $($rest: { let v = r.get(i)?; i += 1; v },)*
                    })
                }
            }
        }
    };
}
pub(crate) use row_struct;

/// A value bound to a `$n` placeholder: something both drivers can send,
/// with the PostgreSQL type it is sent as (so the server never has to
/// guess it from the query).
pub(crate) trait Param: rusqlite::ToSql + ::postgres::types::ToSql + Sync {
    fn pg_type(&self) -> ::postgres::types::Type;
}

macro_rules! params_of {
    ($($t:ty => $pg:ident),* $(,)?) => {$(
        impl Param for $t {
            fn pg_type(&self) -> ::postgres::types::Type { ::postgres::types::Type::$pg }
        }
        impl Param for Option<$t> {
            fn pg_type(&self) -> ::postgres::types::Type { ::postgres::types::Type::$pg }
        }
    )*};
}
params_of!(i64 => INT8, bool => BOOL, String => TEXT, &str => TEXT);

/// `$start, $start+1, …` placeholders for an `IN (…)` list.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A constraint the database refused a write for.
#[derive(Clone, Debug)]
pub enum Violation {
    /// A unique value; the text names the constraint or column.
    Unique(String),
    ForeignKey,
}

/// Turns a refused constraint into the error the caller names: each
/// `(needle, field)` pair maps a unique constraint whose name or columns
/// contain `needle` to `Conflict(field)`.
pub(crate) fn conflict(unique: &'static [(&'static str, &'static str)]) -> impl Fn(StoreError) -> StoreError {
    move |e| match e {
        StoreError::Violation(Violation::Unique(what)) => {
            let field = unique.iter().find(|(needle, _)| what.contains(needle)).map(|(_, f)| *f).unwrap_or("value");
            StoreError::Conflict(field)
        }
        StoreError::Violation(Violation::ForeignKey) => StoreError::Missing(crate::Thing::Reference),
        other => other,
    }
}
