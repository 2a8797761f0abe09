//! The same forum on PostgreSQL: a database on a throwaway PostgreSQL 15
//! cluster (minga-testing's, gone when the harness exits), its schema made
//! by minga's own migrations, then every table of the generated SQLite
//! file copied in with `COPY … FROM STDIN`. Each run copies afresh, so
//! every run reads the same forum.

use anyhow::{Context, Result, anyhow, bail};
use postgres::{Client, NoTls};
use rusqlite::types::ValueRef;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// A copied forum.
pub struct Copied {
    pub url: String,
    pub copy_s: f64,
}

/// A new, empty database on the harness's cluster, started on first use.
pub fn database() -> Result<String> {
    // minga-testing reports a cluster that cannot start by panicking, as
    // a test fixture should; here it is an error like any other.
    std::panic::catch_unwind(|| minga_testing::pg::cluster().create_database()).map_err(|panic| {
        let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
        anyhow!("could not start PostgreSQL 15: {}", message.unwrap_or_default())
    })
}

/// Copies the forum in `dir` into a new database and returns its URL.
pub fn copy(runtime: &tokio::runtime::Runtime, dir: &Path) -> Result<Copied> {
    let started = Instant::now();
    let url = database()?;
    // minga's migrations make the schema, exactly as `minga serve` would.
    runtime.block_on(async {
        let store = minga_store::Store::connect(&url, 1).await?;
        store.close().await;
        anyhow::Ok(())
    })?;
    // The postgres crate runs a runtime of its own, so this is called
    // outside ours (never from inside `block_on`).
    let mut pg = Client::connect(&url, NoTls).context("connecting to PostgreSQL")?;
    let sqlite = crate::meta::open(dir)?;
    let tables: Vec<String> = sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut types: HashMap<(String, String), String> = HashMap::new();
    let mut identities = Vec::new();
    for row in pg.query(
        "SELECT table_name::text, column_name::text, data_type::text, is_identity::text FROM information_schema.columns WHERE table_schema = 'public'",
        &[],
    )? {
        let (table, column, kind, identity): (String, String, String, String) = (row.get(0), row.get(1), row.get(2), row.get(3));
        if identity == "YES" {
            identities.push((table.clone(), column.clone()));
        }
        types.insert((table, column), kind);
    }

    let mut tx = pg.transaction()?;
    // The rows arrive in any order; constraints hold in the source.
    tx.batch_execute("SET session_replication_role = replica")?;
    // CASCADE: tables a newer schema added, which the cached forum does not
    // hold, are emptied with the ones they refer to.
    tx.batch_execute(&format!("TRUNCATE {} CASCADE", tables.iter().map(|t| quote(t)).collect::<Vec<_>>().join(", ")))?;
    for table in &tables {
        let columns: Vec<String> =
            sqlite.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let kinds: Vec<&str> = columns
            .iter()
            .map(|c| types.get(&(table.clone(), c.clone())).map(String::as_str).ok_or_else(|| anyhow!("PostgreSQL has no column {table}.{c}")))
            .collect::<Result<_>>()?;
        let list = columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
        let mut out = std::io::BufWriter::with_capacity(1 << 20, tx.copy_in(&format!("COPY {} ({list}) FROM STDIN", quote(table)))?);
        let mut stmt = sqlite.prepare(&format!("SELECT {list} FROM {}", quote(table)))?;
        let mut rows = stmt.query([])?;
        let mut line = Vec::new();
        while let Some(row) = rows.next()? {
            line.clear();
            for (i, kind) in kinds.iter().enumerate() {
                if i > 0 {
                    line.push(b'\t');
                }
                field(&mut line, row.get_ref(i)?, kind).with_context(|| format!("{table}.{}", columns[i]))?;
            }
            line.push(b'\n');
            out.write_all(&line)?;
        }
        out.into_inner().map_err(|e| anyhow!("copying {table}: {}", e.error()))?.finish().with_context(|| format!("copying {table}"))?;
    }
    // Identities continue after the copied ids (an empty table keeps its start).
    for (table, column) in identities.iter().filter(|(t, _)| tables.contains(t)) {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), MAX({c})) FROM {t} HAVING MAX({c}) IS NOT NULL",
            c = quote(column),
            t = quote(table)
        ))?;
    }
    tx.commit()?;
    pg.batch_execute("ANALYZE")?;
    Ok(Copied { url, copy_s: started.elapsed().as_secs_f64() })
}

/// Drops a copied forum's database (its server keeps running).
pub fn drop(url: &str) -> Result<()> {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, name) = base.rsplit_once('/').context("a database URL names its database")?;
    let admin = format!("{server}/postgres{}", query.map(|q| format!("?{q}")).unwrap_or_default());
    let mut pg = Client::connect(&admin, NoTls).context("connecting to PostgreSQL")?;
    pg.batch_execute(&format!("DROP DATABASE {}", quote(name)))?;
    Ok(())
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One value in COPY's text format: `\N` for null, backslash escapes in
/// text, SQLite's 0/1 as PostgreSQL's f/t where the column is boolean.
fn field(out: &mut Vec<u8>, value: ValueRef<'_>, kind: &str) -> Result<()> {
    match value {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) if kind == "boolean" => out.push(if i != 0 { b't' } else { b'f' }),
        ValueRef::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) if kind == "bigint" || kind == "integer" => {
            if f.fract() != 0.0 {
                bail!("{f} in an integer column");
            }
            out.extend_from_slice((f as i64).to_string().as_bytes());
        }
        ValueRef::Real(f) => out.extend_from_slice(f.to_string().as_bytes()),
        ValueRef::Text(t) => {
            std::str::from_utf8(t).context("text that is not UTF-8")?;
            escape(out, t);
        }
        ValueRef::Blob(b) if kind == "bytea" => {
            out.extend_from_slice(b"\\\\x");
            for byte in b {
                out.extend_from_slice(format!("{byte:02x}").as_bytes());
            }
        }
        ValueRef::Blob(_) => bail!("a blob in a {kind} column"),
    }
    Ok(())
}

fn escape(out: &mut Vec<u8>, text: &[u8]) {
    for &b in text {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: ValueRef<'_>, kind: &str) -> String {
        let mut out = Vec::new();
        field(&mut out, value, kind).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn copy_text_format() {
        assert_eq!(one(ValueRef::Null, "text"), "\\N");
        assert_eq!(one(ValueRef::Integer(1), "boolean"), "t");
        assert_eq!(one(ValueRef::Integer(0), "boolean"), "f");
        assert_eq!(one(ValueRef::Integer(-42), "bigint"), "-42");
        assert_eq!(one(ValueRef::Real(9e15), "bigint"), "9000000000000000");
        assert_eq!(one(ValueRef::Text(b"a\\b\tc\nd\re \\N"), "text"), "a\\\\b\\tc\\nd\\re \\\\N");
        assert_eq!(one(ValueRef::Blob(&[0, 255]), "bytea"), "\\\\x00ff");
        let mut out = Vec::new();
        assert!(field(&mut out, ValueRef::Real(1.5), "bigint").is_err());
    }
}
