//! User API keys in storage, on SQLite and on PostgreSQL: one key per
//! application per person, revocation announced to every node, and
//! requests counted where every node sees them.

use minga_store::*;

mod support;
use support::store;

both_backends!(one_key_per_application_and_revocation_is_announced, requests_are_counted_per_key);

async fn person(store: &Store, name: &str) -> User {
    let new = NewUser { username: name.into(), email: format!("{name}@example.org"), name: String::new(), password_hash: "hash".into(), admin: false, approved: true };
    store.create_user(&new).await.expect("create user")
}

fn key(user: &User, client: &str, hash: &str) -> NewUserApiKey {
    NewUserApiKey {
        user: user.id,
        client_id: client.into(),
        application_name: format!("App {client}"),
        key_hash: hash.into(),
        scopes: "read,write".into(),
        push_url: None,
    }
}

async fn one_key_per_application_and_revocation_is_announced(b: Backend) {
    let (store, _dir) = store(b).await;
    let ana = person(&store, "ana").await;
    let mut feed = store.subscribe();
    let first = store
        .create_user_api_key(&key(&ana, "reader", "h1"))
        .await
        .unwrap();
    let (owner, found) = store
        .user_api_key_owner("h1")
        .await
        .unwrap()
        .expect("the key's owner");
    assert_eq!(
        (
            owner.id,
            found.id,
            found.scopes.as_str(),
            found.client_id.as_str()
        ),
        (ana.id, first, "read,write", "reader")
    );
    assert!(feed.recv().await.unwrap().1.contains(&Change::User(ana.id)));

    // The same application again: the old key is gone.
    let second = store.create_user_api_key(&key(&ana, "reader", "h2")).await.unwrap();
    assert!(store.user_api_key_owner("h1").await.unwrap().is_none());
    store.create_user_api_key(&key(&ana, "writer", "h3")).await.unwrap();
    let listed: Vec<String> = store.user_api_keys(ana.id).await.unwrap().into_iter().map(|k| k.client_id).collect();
    assert_eq!(listed, ["writer", "reader"], "the latest first");

    // Revoking is announced, so every node forgets the key's owner.
    let mut feed = store.subscribe();
    store.set_user_api_key_revoked(second, true).await.unwrap();
    assert!(feed.recv().await.unwrap().1.contains(&Change::User(ana.id)));
    assert!(store.user_api_key_owner("h2").await.unwrap().is_none());
    assert_eq!(store.user_api_keys(ana.id).await.unwrap().len(), 1);
    assert!(store.user_api_key(second).await.unwrap().unwrap().revoked_at.is_some());
    store.set_user_api_key_revoked(second, false).await.unwrap();
    assert!(store.user_api_key_owner("h2").await.unwrap().is_some());
    assert!(matches!(store.set_user_api_key_revoked(999_999, true).await, Err(StoreError::NotFound)));
    // Another person may use the same client id.
    let ben = person(&store, "ben").await;
    store.create_user_api_key(&key(&ben, "reader", "h4")).await.unwrap();
    assert!(store.user_api_key_owner("h2").await.unwrap().is_some());
}

/// Requests are counted per whole minute: a test of the minute's share
/// starts early enough in one to finish in it.
async fn within_one_minute() {
    let into = minga_core::time::now_ms() % 60_000;
    if into > 55_000 {
        tokio::time::sleep(std::time::Duration::from_millis((60_000 - into + 50) as u64)).await;
    }
}

async fn requests_are_counted_per_key(b: Backend) {
    let (store, _dir) = store(b).await;
    let ana = person(&store, "ana").await;
    let id = store.create_user_api_key(&key(&ana, "reader", "h1")).await.unwrap();
    let other = store.create_user_api_key(&key(&ana, "writer", "h2")).await.unwrap();
    within_one_minute().await;
    let limits = RequestLimits { per_minute: 2, per_day: 100 };
    store.count_user_api_request(id, limits).await.unwrap();
    store.count_user_api_request(id, limits).await.unwrap();
    match store.count_user_api_request(id, limits).await {
        Err(StoreError::RateLimited(wait)) => assert!((1..=60).contains(&wait), "{wait}"),
        other => panic!("expected a limit, got {other:?}"),
    }
    store.count_user_api_request(other, limits).await.expect("each key has its own share");
    assert!(store.user_api_key(id).await.unwrap().unwrap().last_used_at.is_some());
    // A refused request is not counted: a higher limit lets exactly one more in.
    let higher = RequestLimits { per_minute: 3, per_day: 100 };
    store.count_user_api_request(id, higher).await.unwrap();
    assert!(store.count_user_api_request(id, higher).await.is_err());
    let daily = RequestLimits { per_minute: 100, per_day: 3 };
    assert!(matches!(store.count_user_api_request(id, daily).await, Err(StoreError::RateLimited(_))), "three today already");
}
