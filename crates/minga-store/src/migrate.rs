//! A small migration runner: each backend has its own DDL files, applied in
//! order and recorded in `schema_migrations`.

use crate::{Backend, Result, Store};

struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        sqlite: include_str!("../migrations/sqlite/0002_oneboxes.sql"),
        postgres: include_str!("../migrations/postgres/0002_oneboxes.sql"),
    },
    Migration {
        version: 3,
        sqlite: include_str!("../migrations/sqlite/0003_access.sql"),
        postgres: include_str!("../migrations/postgres/0003_access.sql"),
    },
    Migration {
        version: 4,
        sqlite: include_str!("../migrations/sqlite/0004_reading.sql"),
        postgres: include_str!("../migrations/postgres/0004_reading.sql"),
    },
];

pub(crate) async fn run(store: &Store) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .execute(store.pool())
    .await?;
    for m in MIGRATIONS {
        let mut w = store.begin_write().await?;
        // Claiming the version first makes a concurrent starter (a second
        // node on the same PostgreSQL) wait here, then skip.
        let claimed = sqlx::query(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING",
        )
        .bind(m.version)
        .bind(minga_core::time::now_ms())
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            continue;
        }
        let ddl = match store.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(ddl).execute(&mut *w.tx).await?;
        w.commit().await?;
        tracing::info!(version = m.version, "applied migration");
    }
    Ok(())
}
