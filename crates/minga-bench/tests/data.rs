//! Generated data is reproducible and consistent, and a run's writes can
//! be undone so that every run reads the same forum.

use minga_bench::generate::{Spec, generate};
use minga_bench::meta;
use rusqlite::Connection;

fn one(conn: &mut Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn same_seed_same_forum_with_consistent_counters() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let spec = Spec { posts: 400, long_topics: vec![50], seed: 7 };
    generate(a.path(), &spec, false).await.unwrap();
    // Generating again replaces the forum and leaves other files alone.
    std::fs::write(a.path().join("notes.txt"), "mine").unwrap();
    let meta_a = generate(a.path(), &spec, false).await.unwrap();
    assert_eq!(std::fs::read_to_string(a.path().join("notes.txt")).unwrap(), "mine");
    generate(b.path(), &spec, false).await.unwrap();
    let (mut ca, mut cb) = (meta::open(a.path()).unwrap(), meta::open(b.path()).unwrap());
    for sql in [
        "SELECT COUNT(*) FROM posts",
        "SELECT SUM(LENGTH(raw)) + SUM(LENGTH(cooked)) FROM posts",
        "SELECT SUM(user_id * post_number) FROM posts",
        "SELECT SUM(LENGTH(title)) FROM topics",
    ] {
        assert_eq!(one(&mut ca, sql), one(&mut cb, sql), "{sql}");
    }
    assert_eq!(one(&mut ca, "SELECT COUNT(*) FROM posts"), 400);
    // Every counter agrees with the posts it counts.
    let wrong = "SELECT COUNT(*) FROM topics t WHERE highest_post_number <> (SELECT MAX(post_number) FROM posts p WHERE p.topic_id = t.id) \
                 OR posts_count <> (SELECT COUNT(*) FROM posts p WHERE p.topic_id = t.id) \
                 OR bumped_at <> (SELECT MAX(created_at) FROM posts p WHERE p.topic_id = t.id) \
                 OR last_post_user_id <> (SELECT user_id FROM posts p WHERE p.topic_id = t.id ORDER BY post_number DESC LIMIT 1)";
    assert_eq!(one(&mut ca, wrong), 0);
    let wrong = "SELECT COUNT(*) FROM categories c WHERE post_count <> (SELECT COUNT(*) FROM posts p JOIN topics t ON t.id = p.topic_id WHERE t.category_id = c.id) \
                 OR topic_count <> (SELECT COUNT(*) FROM topics t WHERE t.category_id = c.id)";
    assert_eq!(one(&mut ca, wrong), 0);
    let long = &meta_a.long_topics[0];
    assert_eq!(long.replies, 50);
    assert_eq!(one(&mut ca, &format!("SELECT posts_count FROM topics WHERE id = {}", long.id)), 51);
    assert!(!meta_a.sample_topics.is_empty() && !meta_a.write_topics.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_undoes_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let meta = generate(dir.path(), &Spec { posts: 300, long_topics: vec![], seed: 3 }, false).await.unwrap();
    let mut conn = meta::open(dir.path()).unwrap();
    let topic = meta.write_topics[0];
    let state = format!(
        "SELECT (SELECT COUNT(*) FROM posts) * 1000000 + (SELECT highest_post_number * 1000 + posts_count FROM topics WHERE id = {topic}) \
         + (SELECT SUM(post_count) FROM categories)"
    );
    let before = one(&mut conn, &state);
    let bumped = format!("SELECT bumped_at FROM topics WHERE id = {topic}");
    let bumped_before = one(&mut conn, &bumped);

    // What a run leaves behind: a reply with its counters, a session, a key.
    for sql in [
        format!(
            "INSERT INTO posts (topic_id, post_number, user_id, raw, cooked, created_at, updated_at) \
             SELECT id, highest_post_number + 1, 3, 'x', '<p>x</p>', 9e15, 9e15 FROM topics WHERE id = {topic}"
        ),
        format!("UPDATE topics SET highest_post_number = highest_post_number + 1, posts_count = posts_count + 1, bumped_at = 9e15 WHERE id = {topic}"),
        format!("UPDATE categories SET post_count = post_count + 1 WHERE id = (SELECT category_id FROM topics WHERE id = {topic})"),
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('h', 2, 0, 1)".into(),
    ] {
        conn.execute_batch(&sql).unwrap();
    }
    assert_ne!(one(&mut conn, &state), before);

    meta::reset(dir.path(), &meta).unwrap();
    assert_eq!(one(&mut conn, &state), before);
    assert_eq!(one(&mut conn, &bumped), bumped_before);
    assert_eq!(one(&mut conn, "SELECT COUNT(*) FROM sessions"), 0);
}
