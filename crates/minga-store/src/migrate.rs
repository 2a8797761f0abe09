//! A small migration runner: each backend has its own DDL files, applied in
//! order and recorded in `schema_migrations`.

use crate::db::Db;
use crate::{Backend, Result};

struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migrations {
    ($($version:literal => $name:literal),* $(,)?) => {
        &[$(Migration {
            version: $version,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }),*]
    };
}

const MIGRATIONS: &[Migration] = migrations![
    1 => "0001_foundation",
    2 => "0002_oneboxes",
    3 => "0003_access",
    4 => "0004_reading",
    5 => "0005_serving",
    6 => "0006_people",
    7 => "0007_topics",
    8 => "0008_groups",
    9 => "0009_user_api_keys",
    10 => "0010_categories",
    11 => "0011_locale",
    12 => "0012_theme",
    13 => "0013_notifications",
    14 => "0014_collapse",
    15 => "0015_mail",
    16 => "0016_replies_by_mail",
    17 => "0017_digests",
    18 => "0018_mailing_lists",
];

pub(crate) fn run(db: &mut dyn Db) -> Result<()> {
    db.batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")?;
    let begin = match db.backend() {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    for m in MIGRATIONS {
        db.batch(begin)?;
        // Claiming the version first makes a concurrent starter (a second
        // node on the same PostgreSQL) wait here, then skip.
        let claimed = db.exec(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
            &[&m.version, &minga_core::time::now_ms()],
        );
        let ddl = match db.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let applied = match claimed {
            Ok(0) => Ok(false),
            Ok(_) => db.batch(ddl).map(|()| true),
            Err(e) => Err(e),
        };
        match applied {
            Ok(applied) => {
                db.batch("COMMIT")?;
                if applied {
                    tracing::info!(version = m.version, "applied migration");
                }
            }
            Err(e) => {
                let _ = db.batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}
