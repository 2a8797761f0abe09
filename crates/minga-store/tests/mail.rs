//! The outbox and the links sent by mail, on SQLite and on PostgreSQL:
//! a message is claimed by one sender at a time, taken again only once its
//! claim ran out, retried with its wait and never lost; links work once,
//! run out, and do what they are for; notifications queue one mail per
//! post for the people who chose mail.

use minga_core::time::now_ms;
use minga_core::CategoryId;
use minga_store::*;
use std::sync::Arc;

mod support;
use support::store;

both_backends!(
    a_message_is_claimed_by_one_sender_until_its_claim_runs_out,
    outcomes_are_recorded_and_failed_mail_can_go_again,
    two_senders_never_take_the_same_message,
    links_work_once_and_run_out,
    a_reset_link_sets_the_password_and_ends_sessions,
    a_new_address_is_taken_only_once_confirmed,
    notifications_queue_one_mail_per_post_for_those_who_chose_mail,
);

async fn user(store: &Store, name: &str) -> User {
    let new = NewUser { username: name.into(), email: format!("{name}@example.org"), password_hash: "hash".into(), approved: true, ..Default::default() };
    store.create_user(&new).await.expect("create user")
}

fn mail(n: usize) -> NewMail {
    NewMail { kind: "test".into(), to: format!("p{n}@example.org"), raw: format!("Subject: {n}\r\n\r\nbody {n}\r\n"), message_id: format!("<m{n}@test>"), ..Default::default() }
}

fn token(hash: &str, purpose: TokenPurpose, email: &str, expires_at: i64) -> NewToken {
    NewToken { token_hash: hash.into(), purpose, email: email.into(), expires_at }
}

async fn a_message_is_claimed_by_one_sender_until_its_claim_runs_out(b: Backend) {
    let (store, _dir) = store(b).await;
    for n in 0..3 {
        store.queue_mail(&mail(n)).await.unwrap();
    }
    // Not yet due: left alone.
    store.queue_mail(&NewMail { due_at: now_ms() + 60_000, ..mail(9) }).await.unwrap();
    let first = store.claim_mail(2, 60_000).await.unwrap();
    assert_eq!(first.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(), ["p0@example.org", "p1@example.org"]);
    assert!(first.iter().all(|m| m.state == MailState::Sending && m.attempts == 1 && m.raw.as_deref().is_some_and(|r| r.starts_with("Subject"))));
    let second = store.claim_mail(10, 60_000).await.unwrap();
    assert_eq!(second.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(), ["p2@example.org"], "claimed mail is not taken twice");
    assert!(store.claim_mail(10, 60_000).await.unwrap().is_empty());
    // A sender that stopped: once the claim is older than the lease, the
    // message is taken again, as a new attempt.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let again = store.claim_mail(10, 1).await.unwrap();
    assert_eq!(again.len(), 3);
    assert!(again.iter().all(|m| m.attempts == 2));
    // A process that is the only sender gives back at once the claims made
    // before it began, and keeps its own.
    assert_eq!(store.release_mail_claims(now_ms() - 60_000).await.unwrap(), 0);
    assert_eq!(store.release_mail_claims(now_ms() + 1).await.unwrap(), 3);
    assert_eq!(store.claim_mail(10, 60_000).await.unwrap().len(), 3);
    let summary = store.outbox_summary().await.unwrap();
    assert_eq!((summary.waiting, summary.sending), (1, 3));
    // A message id is unique: the same message cannot be queued twice.
    assert!(matches!(store.queue_mail(&mail(0)).await, Err(StoreError::Conflict("message_id"))));
}

async fn outcomes_are_recorded_and_failed_mail_can_go_again(b: Backend) {
    let (store, _dir) = store(b).await;
    for n in 0..4 {
        store.queue_mail(&mail(n)).await.unwrap();
    }
    let claimed = store.claim_mail(10, 60_000).await.unwrap();
    let later = now_ms() + 30_000;
    store
        .finish_mail(vec![
            (claimed[0].id, Outcome::Sent),
            (claimed[1].id, Outcome::Retry { at: later, error: "451 try again".into() }),
            (claimed[2].id, Outcome::Failed("550 no such mailbox".into())),
            (claimed[3].id, Outcome::Skipped("read meanwhile".into())),
        ])
        .await
        .unwrap();
    let s = store.outbox_summary().await.unwrap();
    assert_eq!((s.waiting, s.sending, s.sent, s.failed, s.skipped), (1, 0, 1, 1, 1));
    let sent = store.mail_to("p0@example.org").await.unwrap();
    assert!(sent[0].sent_at.is_some() && sent[0].state == MailState::Sent);
    let waiting = store.mail_to("p1@example.org").await.unwrap();
    assert_eq!((waiting[0].due_at, waiting[0].last_error.as_str()), (later, "451 try again"));
    assert!(store.claim_mail(10, 60_000).await.unwrap().is_empty(), "the retry waits its turn");
    let failed = store.outbox(MailState::Failed, 10).await.unwrap();
    assert_eq!(failed[0].last_error, "550 no such mailbox");
    // After the relay is fixed: failed and waiting mail is due now.
    assert_eq!(store.retry_mail_now().await.unwrap(), 2);
    let again = store.claim_mail(10, 60_000).await.unwrap();
    assert_eq!(again.iter().map(|m| m.to.as_str()).collect::<Vec<_>>(), ["p1@example.org", "p2@example.org"]);
    assert_eq!(again[1].attempts, 1, "a failed message starts its attempts again");
    // Sent and skipped mail is forgotten in time; the rest stays.
    assert_eq!(store.prune_outbox(now_ms() + 1).await.unwrap(), 2);
}

async fn two_senders_never_take_the_same_message(b: Backend) {
    let (store, _dir) = store(b).await;
    for n in 0..200 {
        store.queue_mail(&mail(n)).await.unwrap();
    }
    let mut senders = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        senders.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_mail(7, 60_000).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.iter().map(|m| m.id));
                store.finish_mail(batch.iter().map(|m| (m.id, Outcome::Sent)).collect()).await.unwrap();
            }
        }));
    }
    let mut all = Vec::new();
    for s in senders {
        all.extend(s.await.unwrap());
    }
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!((n, all.len()), (200, 200), "each message sent by exactly one sender");
    assert_eq!(store.outbox_summary().await.unwrap().sent, 200);
}

async fn links_work_once_and_run_out(b: Backend) {
    let (store, _dir) = store(b).await;
    let new = NewUser { username: "ana".into(), email: "ana@example.org".into(), password_hash: "h".into(), approved: true, ..Default::default() };
    let signup = NewMail { kind: "signup".into(), to: "ana@example.org".into(), raw: "Subject: hi\r\n\r\nx\r\n".into(), message_id: "<s1@test>".into(), ..Default::default() };
    let ana = store.create_user_to_confirm(&new, &token("h1", TokenPurpose::Signup, "ana@example.org", now_ms() + 60_000), &signup).await.unwrap();
    assert!(!ana.active, "an account waits for its address");
    let queued = store.mail_to("ana@example.org").await.unwrap();
    assert_eq!((queued.len(), queued[0].user_id, queued[0].kind.as_str()), (1, Some(ana.id), "signup"), "the mail is queued with the account");
    // A link for another purpose does not confirm the account.
    assert!(store.email_token("h1", TokenPurpose::Reset).await.unwrap().is_none());
    assert!(matches!(store.reset_password("h1", "x").await, Err(StoreError::Refused(Refusal::UnknownToken))));
    assert_eq!(store.email_token("h1", TokenPurpose::Signup).await.unwrap().map(|t| t.user_id), Some(ana.id));
    let confirmed = store.confirm_signup("h1").await.unwrap();
    assert!(confirmed.active);
    assert!(matches!(store.confirm_signup("h1").await, Err(StoreError::Refused(Refusal::UnknownToken))), "used once");
    assert!(matches!(store.confirm_signup("nothing").await, Err(StoreError::Refused(Refusal::UnknownToken))));
    // A link that ran out says so, and does nothing.
    let bea = store
        .create_user_to_confirm(
            &NewUser { username: "bea".into(), email: "bea@example.org".into(), ..new.clone() },
            &token("h2", TokenPurpose::Signup, "bea@example.org", now_ms() - 1),
            &NewMail { to: "bea@example.org".into(), message_id: "<s2@test>".into(), ..signup.clone() },
        )
        .await
        .unwrap();
    assert!(matches!(store.confirm_signup("h2").await, Err(StoreError::Refused(Refusal::ExpiredToken))));
    assert!(!store.user_by_id(bea.id).await.unwrap().unwrap().active);
    // A taken username is refused with nothing stored: no account, no mail.
    let again = store.create_user_to_confirm(&NewUser { email: "other@example.org".into(), ..new.clone() }, &token("h3", TokenPurpose::Signup, "other@example.org", now_ms() + 60_000), &NewMail { to: "other@example.org".into(), message_id: "<s3@test>".into(), ..signup.clone() }).await;
    assert!(matches!(again, Err(StoreError::Conflict("username"))), "{again:?}");
    assert!(store.mail_to("other@example.org").await.unwrap().is_empty());
    assert!(store.email_token("h3", TokenPurpose::Signup).await.unwrap().is_none());
}

async fn a_reset_link_sets_the_password_and_ends_sessions(b: Backend) {
    let (store, _dir) = store(b).await;
    let ana = user(&store, "ana").await;
    store.create_session(ana.id, "session-hash", now_ms() + 60_000, "test", "127.0.0.1").await.unwrap();
    let m = NewMail { kind: "reset".into(), to: ana.email.clone(), raw: "Subject: r\r\n\r\nx\r\n".into(), message_id: "<r1@test>".into(), ..Default::default() };
    store.send_token(ana.id, &token("r1", TokenPurpose::Reset, &ana.email, now_ms() + 60_000), &m).await.unwrap();
    store.send_token(ana.id, &token("r2", TokenPurpose::Reset, &ana.email, now_ms() + 60_000), &NewMail { message_id: "<r2@test>".into(), ..m.clone() }).await.unwrap();
    let done = store.reset_password("r2", "new-hash").await.unwrap();
    assert_eq!(done.id, ana.id);
    let (_, hash) = store.user_for_login("ana").await.unwrap().unwrap();
    assert_eq!(hash, "new-hash");
    assert!(store.session_user("session-hash").await.unwrap().is_none(), "every session ended");
    // Using one link spends the others sent for the same purpose.
    assert!(matches!(store.reset_password("r1", "other").await, Err(StoreError::Refused(Refusal::UnknownToken))));
    // A link sent to an address the account no longer has does nothing.
    store.send_token(ana.id, &token("r3", TokenPurpose::Reset, &ana.email, now_ms() + 60_000), &NewMail { message_id: "<r3@test>".into(), ..m.clone() }).await.unwrap();
    store.set_email(ana.id, "ana@new.example.org").await.unwrap();
    assert!(matches!(store.reset_password("r3", "other").await, Err(StoreError::Refused(Refusal::UnknownToken))));
}

async fn a_new_address_is_taken_only_once_confirmed(b: Backend) {
    let (store, _dir) = store(b).await;
    let ana = user(&store, "ana").await;
    let bea = user(&store, "bea").await;
    let m = NewMail { kind: "email".into(), to: "ana@new.example.org".into(), raw: "Subject: e\r\n\r\nx\r\n".into(), message_id: "<e1@test>".into(), ..Default::default() };
    store.send_token(ana.id, &token("e1", TokenPurpose::Email, "ana@new.example.org", now_ms() + 60_000), &m).await.unwrap();
    assert_eq!(store.user_by_id(ana.id).await.unwrap().unwrap().email, "ana@example.org", "unchanged until confirmed");
    let changed = store.confirm_email_change("e1").await.unwrap();
    assert_eq!(changed.email, "ana@new.example.org");
    assert!(store.user_for_login("ana@new.example.org").await.unwrap().is_some());
    // An address another account took meanwhile is refused, and nothing changes.
    store.send_token(ana.id, &token("e2", TokenPurpose::Email, "bea@example.org", now_ms() + 60_000), &NewMail { message_id: "<e2@test>".into(), ..m }).await.unwrap();
    assert!(matches!(store.confirm_email_change("e2").await, Err(StoreError::Conflict("email"))));
    assert_eq!(store.user_by_id(ana.id).await.unwrap().unwrap().email, "ana@new.example.org");
    assert_eq!(store.user_by_id(bea.id).await.unwrap().unwrap().email, "bea@example.org");
}

async fn notifications_queue_one_mail_per_post_for_those_who_chose_mail(b: Backend) {
    let (store, _dir) = store(b).await;
    store.set_site_setting("email_time_window_mins", "0").await.unwrap();
    let author = user(&store, "author").await;
    let always = user(&store, "always").await;
    let never = user(&store, "never").await;
    let away = user(&store, "away").await;
    store.set_email_level(always.id, 0).await.unwrap();
    store.set_email_level(never.id, 2).await.unwrap();
    let category = store
        .create_category(&CategoryForm { name: "Gen".into(), slug: "gen".into(), color: "0088CC".into(), text_color: "FFFFFF".into(), ..Default::default() })
        .await
        .unwrap();
    let (topic, _) = store
        .create_topic(&NewTopic {
            title: "A topic for mail".into(),
            slug: "a-topic-for-mail".into(),
            category_id: CategoryId(category.id.0),
            user_id: author.id,
            raw: "first".into(),
            cooked: "<p>first</p>".into(),
            excerpt: "first".into(),
            created_at: now_ms(),
            alerts: Alerts::default(),
        })
        .await
        .unwrap();
    let everyone = |who: &[&User]| Alerts { mentions: who.iter().map(|u| u.username.to_lowercase()).collect(), ..Alerts::default() };
    let reply = |alerts: Alerts| {
        let store = store.clone();
        let topic = topic.id;
        let author = author.id;
        async move {
            store
                .create_reply(&NewReply { topic_id: topic, user_id: author, raw: "hi".into(), cooked: "<p>hi</p>".into(), reply_to_post_number: None, created_at: now_ms(), alerts })
                .await
                .unwrap()
        }
    };
    let post = reply(everyone(&[&always, &never, &away])).await;
    let can_see: Arc<CanSee> = Arc::new(|_, _| true);
    store.deliver_notifications(64, can_see.clone()).await.unwrap();
    let to = |u: &User| u.email.clone();
    for (who, expected) in [(&always, 1), (&never, 0), (&away, 1), (&author, 0)] {
        let queued = store.mail_to(&to(who)).await.unwrap();
        assert_eq!(queued.len(), expected, "{}", who.username);
        if let Some(m) = queued.first() {
            assert_eq!((m.kind.as_str(), m.post_id, m.reason, m.raw.as_deref()), ("notification", Some(post.id), Some(1), None));
            assert!(m.due_at <= now_ms());
        }
    }
    // An edit that mentions them again is not a second mail about the post.
    store.deliver_notifications(64, can_see.clone()).await.unwrap();
    assert_eq!(store.mail_to(&to(&always)).await.unwrap().len(), 1);
    // The window: mail waits as long as the site says.
    store.set_site_setting("email_time_window_mins", "10").await.unwrap();
    reply(everyone(&[&always])).await;
    store.deliver_notifications(64, can_see).await.unwrap();
    let queued = store.mail_to(&to(&always)).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert!(queued[1].due_at >= now_ms() + 9 * 60_000, "due in ten minutes");
}
