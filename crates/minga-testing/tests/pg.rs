//! The shared cluster hands out separate, usable databases.

use std::process::Command;

fn select_one(url: &str) -> String {
    let output = Command::new("psql")
        .args(["-X", "-tA", "-d", url, "-c", "select 1"])
        .output()
        .expect("running psql");
    assert!(
        output.status.success(),
        "psql -d {url} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn creates_separate_databases_that_accept_connections() {
    let cluster = minga_testing::pg::cluster();
    let first = cluster.create_database();
    let second = cluster.create_database();
    assert_ne!(first, second);
    for url in [&first, &second] {
        assert!(url.starts_with("postgres://"), "unexpected URL {url}");
        assert_eq!(select_one(url), "1");
    }
}

#[test]
fn the_cluster_is_shared_within_the_process() {
    // Runs in parallel with the other test: both must get the same cluster.
    let a = minga_testing::pg::cluster();
    let b = minga_testing::pg::cluster();
    assert!(std::ptr::eq(a, b));
    assert_ne!(a.port(), 0);
    let url = a.create_database();
    assert_eq!(select_one(&url), "1");
}
