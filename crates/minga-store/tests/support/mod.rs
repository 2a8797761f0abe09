//! What every storage test file shares: a fresh store on either backend,
//! and a macro that runs each test on both.

#![allow(dead_code)]

use minga_store::{Backend, Store};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh store on the named backend. The SQLite folder lives as long as
/// the returned guard.
pub async fn store(backend: Backend) -> (Store, Option<Dir>) {
    match backend {
        Backend::Sqlite => {
            let dir = Dir::new();
            let store = Store::connect(&Store::sqlite_url(&dir.0), 8).await.expect("open sqlite");
            (store, Some(dir))
        }
        Backend::Postgres => {
            let url = minga_testing::pg::cluster().create_database();
            (Store::connect(&url, 8).await.expect("open postgres"), None)
        }
    }
}

/// A temporary folder, removed when dropped.
pub struct Dir(PathBuf);

impl Dir {
    pub fn new() -> Dir {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!("minga-store-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        std::fs::create_dir_all(&path).expect("temp dir");
        Dir(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Declares each test once and runs it on both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(minga_store::Backend::Sqlite).await }
        )*}
        mod postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(minga_store::Backend::Postgres).await }
        )*}
    };
}
