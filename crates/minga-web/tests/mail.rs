//! Mail, end to end in-process, on both backends: the forum's own router
//! and store, its outbox worker, and a real SMTP receiver on loopback
//! (Debian's aiosmtpd). Each kind of mail arrives with its headers; the
//! links in it do what they are for, once; bad input is refused with
//! nothing changed; without a relay mail waits, and the admin page says so.

mod support;

use axum::http::{Method, StatusCode};
use mail_parser::{Message, MessageParser};
use minga_store::{Backend, MailState};
use minga_testing::smtp::{Options, Receiver};
use serde_json::json;
use std::time::Duration;
use support::{Auth, Send, TestApp};

both_backends!(
    signing_up_waits_for_the_address_in_the_mail,
    staff_choose_whether_accounts_they_make_are_active,
    a_password_is_reset_by_mail_and_no_one_learns_who_has_an_account,
    a_new_address_is_taken_once_it_answers,
    notification_mail_carries_the_post_and_threads_by_topic,
    mail_only_when_away_is_not_sent_for_what_was_read_or_can_no_longer_be_seen,
    without_a_relay_mail_waits_and_the_admin_page_says_so,
    the_relay_deferring_or_refusing_mail,
    an_answer_to_notification_mail_becomes_a_reply,
    mail_that_may_not_become_a_post_is_refused_or_dropped,
    an_invite_to_an_address_is_mailed_with_its_link,
    a_summary_goes_to_people_away_with_what_they_may_see_and_did_not_read,
    a_category_address_takes_a_thread_of_five_mails_as_one_topic,
    a_list_archive_is_imported_threaded_with_its_authors,
);

const BASE: &str = "http://forum.test";
const WAIT: Duration = Duration::from_secs(10);

fn settings(relay: Option<&Receiver>) -> minga_web::Settings {
    let mut s = support::fast_settings();
    s.base_url = BASE.into();
    s.title = "Coop Forum".into();
    s.mail = minga_web::mail::MailSettings { smtp_url: relay.map(|r| format!("{}?tls=none", r.url())).unwrap_or_default(), from: "forum@forum.test".into(), reply_address: "reply+{key}@forum.test".into() };
    s
}

/// A forum with a new forum's settings (addresses are confirmed by mail),
/// and notification mail sent without waiting.
async fn forum(b: Backend, relay: Option<&Receiver>) -> TestApp {
    let app = TestApp::as_installed(b, settings(relay)).await;
    app.state.store.set_site_setting("email_time_window_mins", "0").await.unwrap();
    app
}

/// Sends what is due now, as the worker would (the node's own worker may
/// send some of it first: what arrives is what the tests count).
async fn send(app: &TestApp) -> usize {
    app.state.send_due_mail().await.expect("send mail")
}

/// The messages to an address once none is being sent.
async fn settled(app: &TestApp, to: &str) -> Vec<minga_store::Mail> {
    for _ in 0..500 {
        let all = app.state.store.mail_to(to).await.unwrap();
        if all.iter().all(|m| m.state != MailState::Sending) {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("mail to {to} still being sent");
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).expect("a message")
}

fn raw_header(raw: &[u8], name: &str) -> String {
    let text = String::from_utf8_lossy(raw);
    let prefix = format!("{name}: ");
    text.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_default().to_string()
}

/// The link in a mail that starts with `path`.
fn link(m: &Message<'_>, path: &str) -> String {
    let text = m.body_text(0).expect("a plain part");
    let start = format!("{BASE}{path}");
    let at = text.find(&start).unwrap_or_else(|| panic!("no {start} in {text}"));
    text[at + BASE.len()..].split_whitespace().next().unwrap().to_string()
}

async fn signup_form(app: &TestApp, name: &str) -> (Auth, support::Response) {
    let visitor = app.visitor().await;
    let body = format!("username={name}&email={name}%40example.org&password=correct+horse+battery");
    let r = app.call(Method::POST, "/signup", &visitor, Send::Form(&body)).await;
    (visitor, r)
}

async fn log_in(app: &TestApp, login: &str, password: &str) -> serde_json::Value {
    let visitor = app.visitor().await;
    let r = app.call(Method::POST, "/session.json", &visitor, Send::Json(json!({"login": login, "password": password}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn signing_up_waits_for_the_address_in_the_mail(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (visitor, r) = signup_form(&app, "ana").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("ana@example.org") && r.cookie("_t").is_none(), "a page saying where the mail went, and no session");
    let ana = app.state.store.user_by_username("ana").await.unwrap().unwrap();
    assert!(!ana.active && ana.approved);
    assert_eq!(log_in(&app, "ana", "correct horse battery").await["reason"], "not_activated");

    send(&app).await;
    let got = relay.wait_for(1, WAIT);
    assert_eq!(got[0].rcpt_tos, ["ana@example.org"]);
    assert_eq!(got[0].mail_from, "forum@forum.test");
    let m = parse(&got[0].raw);
    assert_eq!(m.subject(), Some("Confirm your new account on Coop Forum"));
    assert!(raw_header(&got[0].raw, "Message-ID").ends_with("@forum.test>"), "{}", raw_header(&got[0].raw, "Message-ID"));
    assert_eq!(raw_header(&got[0].raw, "Auto-Submitted"), "auto-generated");
    assert!(raw_header(&got[0].raw, "Content-Type").starts_with("multipart/alternative"));
    assert!(m.body_html(0).unwrap().contains("/u/activate-account/"));
    let path = link(&m, "/u/activate-account/");

    // The link shows a button; a scanner following it activates nothing.
    let page = app.get(&path, &Auth::Anon).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&format!("action=\"{path}\"")));
    assert!(!app.state.store.user_by_username("ana").await.unwrap().unwrap().active);
    let r = app.call(Method::POST, &path, &visitor, Send::Form("")).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/".to_string()), "{}", r.text());
    assert!(r.cookie("_t").is_some(), "logged in");
    assert!(app.state.store.user_by_username("ana").await.unwrap().unwrap().active);
    assert!(log_in(&app, "ana", "correct horse battery").await["user"].is_object());
    // Once only.
    app.call(Method::POST, &path, &visitor, Send::Form("")).await;
    app.call(Method::PUT, &format!("{path}.json"), &visitor, Send::Nothing).await.assert_error(403, "invalid_access");
    app.call(Method::PUT, "/u/activate-account/not-a-token.json", &visitor, Send::Nothing).await.assert_error(403, "invalid_access");

    // Asking again for an account that is active sends nothing; for one
    // that waits, a new link that works.
    let r = app.call(Method::POST, "/u/action/send_activation_email.json", &visitor, Send::Json(json!({"username": "ana"}))).await;
    assert_eq!(r.json(), json!({"success": "OK"}));
    signup_form(&app, "bea").await;
    let r = app.call(Method::POST, "/u/action/send_activation_email.json", &visitor, Send::Json(json!({"username": "bea"}))).await;
    assert_eq!(r.json(), json!({"success": "OK"}));
    send(&app).await;
    let got = relay.wait_for(3, WAIT);
    assert!(got[1..].iter().all(|g| g.rcpt_tos == ["bea@example.org"]), "nothing more for ana");
    let newest = link(&parse(&got[2].raw), "/u/activate-account/");
    let r = app.call(Method::PUT, &format!("{newest}.json"), &visitor, Send::Nothing).await;
    assert_eq!(r.json()["active"], true, "{}", r.text());
    // The first link was spent by the second's use.
    let first = link(&parse(&got[1].raw), "/u/activate-account/");
    app.call(Method::PUT, &format!("{first}.json"), &visitor, Send::Nothing).await.assert_error(403, "invalid_access");
    // A bad sign-up stores nothing and sends nothing.
    let r = app.call(Method::POST, "/signup", &visitor, Send::Form("username=ana&email=other%40example.org&password=correct+horse+battery")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.state.store.mail_to("other@example.org").await.unwrap().is_empty());
}

async fn staff_choose_whether_accounts_they_make_are_active(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let admin = app.user("admin", true).await;
    let key = app.key_for(&admin).await;
    let made = |name: &str, active: Option<bool>| {
        let mut body = json!({"username": name, "email": format!("{name}@example.org"), "password": "correct horse battery", "approved": true});
        if let Some(a) = active {
            body["active"] = json!(a);
        }
        body
    };
    let r = app.post_json("/users.json", &key, made("cleo", Some(true))).await;
    assert_eq!((r.json()["active"].clone(), r.json()["success"].clone()), (json!(true), json!(true)), "{}", r.text());
    let r = app.post_json("/users.json", &key, made("dora", None)).await;
    assert_eq!(r.json()["active"], false, "as on Discourse: a mail confirms it");
    send(&app).await;
    assert_eq!(relay.wait_for(1, WAIT)[0].rcpt_tos, ["dora@example.org"]);
    // With the setting off, sign-ups are active at once and nothing is sent.
    app.state.store.set_site_setting("must_confirm_email", "false").await.unwrap();
    let (_, r) = signup_form(&app, "eva").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(app.state.store.user_by_username("eva").await.unwrap().unwrap().active);
    assert!(app.state.store.mail_to("eva@example.org").await.unwrap().is_empty());
}

async fn a_password_is_reset_by_mail_and_no_one_learns_who_has_an_account(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    app.user("ana", false).await;
    let old = app.session("ana").await;
    let visitor = app.visitor().await;
    let ask = |login: &'static str| {
        let visitor = visitor.clone();
        let app = &app;
        async move { app.call(Method::POST, "/session/forgot_password.json", &visitor, Send::Json(json!({"login": login}))).await }
    };
    let (known, unknown) = (ask("ana@example.org").await, ask("nobody@example.org").await);
    assert_eq!((known.status, known.text()), (unknown.status, unknown.text()), "the same answer either way");
    assert_eq!(known.json(), json!({"success": "OK"}));
    ask("").await.assert_error(422, "invalid_parameters");
    // The page's form says the same whatever was typed.
    let page = app.call(Method::POST, "/session/forgot_password", &visitor, Send::Form("login=nobody")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("If an account matches"));

    send(&app).await;
    let got = relay.wait_for(1, WAIT);
    assert_eq!(got[0].rcpt_tos, ["ana@example.org"]);
    let m = parse(&got[0].raw);
    assert_eq!(m.subject(), Some("Choose a new password for Coop Forum"));
    assert!(m.body_text(0).unwrap().contains("within the next 2 hours"));
    let path = link(&m, "/u/password-reset/");
    let form = app.get(&path, &Auth::Anon).await;
    assert!(form.status == StatusCode::OK && form.text().contains("type=\"password\""));
    // Too short: refused beside the field, and the link still works.
    let r = app.call(Method::POST, &path, &visitor, Send::Form("password=short")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("aria-describedby=\"password-error\""));
    app.call(Method::PUT, &format!("{path}.json"), &visitor, Send::Json(json!({"password": "short"}))).await.assert_error(422, "invalid_parameters");
    let r = app.call(Method::PUT, &format!("{path}.json"), &visitor, Send::Json(json!({"password": "a brand new secret"}))).await;
    assert_eq!(r.json()["success"], true, "{}", r.text());
    assert!(log_in(&app, "ana", "a brand new secret").await["user"].is_object());
    assert!(log_in(&app, "ana", "correct horse battery").await["error"].is_string());
    let r = app.get("/session/current.json", &old).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the session from before the reset ended");
    app.call(Method::PUT, &format!("{path}.json"), &visitor, Send::Json(json!({"password": "yet another secret"}))).await.assert_error(403, "invalid_access");
    assert_eq!(app.get(&path, &Auth::Anon).await.status, StatusCode::FORBIDDEN);
}

async fn a_new_address_is_taken_once_it_answers(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    app.user("ana", false).await;
    app.user("bea", false).await;
    let ana = app.session("ana").await;
    let r = app.call(Method::POST, "/u/ana/preferences/email", &ana, Send::Form("email=ana%40new.example.org&current_password=correct+horse+battery")).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/u/ana/preferences?saved=email-sent".to_string()));
    assert_eq!(app.state.store.user_by_username("ana").await.unwrap().unwrap().email, "ana@example.org");
    // Another account's address is refused at once, with nothing sent.
    let r = app.call(Method::POST, "/u/ana/preferences/email", &ana, Send::Form("email=bea%40example.org&current_password=correct+horse+battery")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    send(&app).await;
    let got = relay.wait_for(1, WAIT);
    assert_eq!(got[0].rcpt_tos, ["ana@new.example.org"]);
    let path = link(&parse(&got[0].raw), "/u/confirm-new-email/");
    assert!(app.get(&path, &Auth::Anon).await.text().contains("ana@new.example.org"));
    let r = app.call(Method::PUT, &format!("{path}.json"), &ana, Send::Nothing).await;
    assert_eq!(r.json()["success"], true, "{}", r.text());
    assert_eq!(app.state.store.user_by_username("ana").await.unwrap().unwrap().email, "ana@new.example.org");
}

async fn notification_mail_carries_the_post_and_threads_by_topic(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (admin, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let bea = app.user("bea", false).await;
    let ana_key = app.key_for(&ana).await;
    let bea_key = app.key_for(&bea).await;
    // Ana wants every notification by mail.
    let r = app.call(Method::PUT, "/u/ana.json", &ana_key, Send::Json(json!({"email_level": "always"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.call(Method::PUT, "/u/ana.json", &ana_key, Send::Json(json!({"email_level": 7}))).await.assert_error(422, "invalid_parameters");
    let (topic, _) = app.topic(&ana_key, category, "Planning the gathering in Rosario", "Who is coming?").await;
    let reply = app.reply(&bea_key, topic, "I am, and **bringing** the projector.").await;
    app.settle().await;
    send(&app).await;
    let got = relay.wait_for(1, WAIT);
    assert_eq!(got[0].rcpt_tos, ["ana@example.org"]);
    let raw = &got[0].raw;
    let m = parse(raw);
    assert_eq!(m.subject(), Some("[Coop Forum] Planning the gathering in Rosario"));
    let ana_id = ana.id.0;
    let reply_id = reply["id"].as_i64().unwrap();
    assert_eq!(raw_header(raw, "Message-ID"), format!("<topic/{topic}/{reply_id}.{ana_id}@forum.test>"));
    assert_eq!(raw_header(raw, "In-Reply-To"), format!("<topic/{topic}.{ana_id}@forum.test>"));
    assert_eq!(raw_header(raw, "References"), format!("<topic/{topic}.{ana_id}@forum.test>"));
    assert_eq!(raw_header(raw, "List-Id"), "<general.forum.test>");
    assert_eq!(raw_header(raw, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    assert_eq!(raw_header(raw, "Auto-Submitted"), "auto-generated");
    let text = m.body_text(0).unwrap();
    assert!(text.contains("I am, and **bringing** the projector."), "the post itself: {text}");
    let html = m.body_html(0).unwrap();
    assert!(html.contains("<strong>bringing</strong>"), "{html}");
    assert!(html.contains(&format!("{BASE}/t/planning-the-gathering-in-rosario/{topic}")), "{html}");

    // An answer to that reply threads under it.
    let r = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "@ana the room has a screen too", "reply_to_post_number": 2})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.settle().await;
    send(&app).await;
    // Bea hears of the answer to her post too (by mail only when away).
    let got = relay.wait_for(3, WAIT);
    let to_ana: Vec<_> = got.iter().filter(|m| m.rcpt_tos == ["ana@example.org"]).collect();
    assert_eq!(to_ana.len(), 2);
    let second = &to_ana[1].raw;
    assert_eq!(raw_header(second, "In-Reply-To"), format!("<topic/{topic}/{reply_id}.{ana_id}@forum.test>"));
    assert!(parse(second).body_text(0).unwrap().contains("mentioned you"));

    // One click in the mail client, with no cookie: no more mail.
    let unsubscribe = raw_header(second, "List-Unsubscribe");
    let path = unsubscribe.trim_start_matches('<').trim_end_matches('>').trim_start_matches(BASE).to_string();
    assert!(path.starts_with("/email/unsubscribe/"), "{path}");
    let r = app.call(Method::POST, &path, &Auth::Anon, Send::Raw("application/x-www-form-urlencoded", b"List-Unsubscribe=One-Click".to_vec())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.state.store.user_by_username("ana").await.unwrap().unwrap().email_level, 2);
    app.reply(&bea_key, topic, "One more thing for the agenda.").await;
    app.settle().await;
    send(&app).await;
    assert_eq!(app.state.store.mail_to("ana@example.org").await.unwrap().len(), 2, "nothing queued after unsubscribing");
    assert_eq!(app.call(Method::POST, "/email/unsubscribe/wrong-key", &Auth::Anon, Send::Nothing).await.status, StatusCode::NOT_FOUND);
}

async fn mail_only_when_away_is_not_sent_for_what_was_read_or_can_no_longer_be_seen(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (admin, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let cleo = app.user("cleo", false).await;
    let ana_key = app.key_for(&ana).await;
    let cleo_key = app.key_for(&cleo).await;
    assert_eq!(ana.email_level, 1, "only when away, Discourse's default");
    let (topic, _) = app.topic(&ana_key, category, "A topic Ana reads at once", "Anyone?").await;
    let (other, _) = app.topic(&cleo_key, category, "A topic that becomes private", "Hello @ana, see this").await;
    app.state.store.set_site_setting("email_time_window_mins", "10").await.unwrap();
    app.reply(&admin, topic, "Here I am.").await;
    app.settle().await;
    send(&app).await;
    let queued = app.state.store.mail_to("ana@example.org").await.unwrap();
    assert_eq!(queued.len(), 2, "the mention in a first post, and a reply in her topic");
    assert!(queued[1].state == MailState::Waiting && queued[1].due_at > minga_core::time::now_ms() + 9 * 60_000, "waits ten minutes: {queued:?}");
    // Ana reads the reply on the site meanwhile.
    let r = app.post_json("/topics/timings.json", &ana_key, json!({"topic_id": topic, "topic_time": 5000, "timings": {"1": 5000, "2": 5000}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // The category becomes staff-only before the mention's mail is due.
    app.reply(&cleo_key, other, "@ana one more").await;
    app.settle().await;
    let r = app.call(Method::PUT, &format!("/categories/{category}"), &admin, Send::Json(json!({"name": "General", "color": "0088CC", "permissions": {"staff": 1}}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.state.store.retry_mail_now().await.unwrap();
    send(&app).await;
    let outbox = settled(&app, "ana@example.org").await;
    assert!(outbox.iter().all(|m| m.state == MailState::Skipped || m.state == MailState::Sent), "{outbox:?}");
    let delivered = relay.messages();
    for d in &delivered {
        let text = String::from_utf8_lossy(&d.raw);
        assert!(!text.contains("one more") && !text.contains("Here I am"), "nothing read or private was mailed: {text}");
    }
    assert!(outbox.iter().filter(|m| m.state == MailState::Skipped).count() >= 2, "{outbox:?}");
}

async fn without_a_relay_mail_waits_and_the_admin_page_says_so(b: Backend) {
    let app = forum(b, None).await;
    let admin = app.user("admin", true).await;
    let key = app.key_for(&admin).await;
    let r = app.post_json("/admin/email/test.json", &key, json!({"email_address": "someone@example.org"})).await;
    assert_eq!((r.status, r.json()["relay_configured"].clone()), (StatusCode::OK, json!(false)), "{}", r.text());
    app.post_json("/admin/email/test.json", &key, json!({"email_address": "not an address"})).await.assert_error(422, "invalid_parameters");
    assert_eq!(send(&app).await, 0);
    let view = app.get_json("/admin/email.json", &key).await;
    assert_eq!((view["relay_configured"].clone(), view["waiting"].clone()), (json!(false), json!(1)), "{view}");
    let session = app.session("admin").await;
    let page = app.get("/admin/email", &session).await;
    assert!(page.text().contains("No mail relay is configured"), "{}", page.text());
    // Only admins see it.
    let member = app.user("member", false).await;
    let member_key = app.key_for(&member).await;
    app.get("/admin/email.json", &member_key).await.assert_error(403, "invalid_access");
}

async fn the_relay_deferring_or_refusing_mail(b: Backend) {
    let relay = Receiver::start_with(Options { fail_first: 1, reject_rcpt: Some("bounce".into()), ..Default::default() });
    let app = forum(b, Some(&relay)).await;
    let admin = app.user("admin", true).await;
    let key = app.key_for(&admin).await;
    app.post_json("/admin/email/test.json", &key, json!({"email_address": "someone@example.org"})).await;
    send(&app).await;
    let waiting = settled(&app, "someone@example.org").await;
    assert_eq!((waiting[0].state, waiting[0].attempts), (MailState::Waiting, 1));
    assert!(waiting[0].last_error.contains("451") && waiting[0].due_at > minga_core::time::now_ms() + 20_000, "{waiting:?}");
    app.post_json("/admin/email/test.json", &key, json!({"email_address": "bounce@example.org"})).await;
    send(&app).await;
    let r = app.post_json("/admin/email/retry.json", &key, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    send(&app).await;
    let got = relay.wait_for(1, WAIT);
    assert_eq!((got.len(), got[0].rcpt_tos.clone()), (1, vec!["someone@example.org".to_string()]));
    settled(&app, "someone@example.org").await;
    settled(&app, "bounce@example.org").await;
    let view = app.get_json("/admin/email.json", &key).await;
    assert_eq!((view["sent"].clone(), view["failed"].clone()), (json!(1), json!(1)), "{view}");
    assert!(view["failed_messages"][0]["error"].as_str().unwrap().contains("550"), "{view}");
    let page = app.get("/admin/email", &app.session("admin").await).await;
    assert!(page.text().contains("bounce@example.org"));
}

/// Ana gets a notification mail for Bea's reply and answers it: what a
/// mail client sends back (the quoted mail under the answer).
async fn answered(app: &TestApp, relay: &Receiver) -> (i64, String, Vec<u8>) {
    let (_, category) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let bea = app.user("bea", false).await;
    let ana_key = app.key_for(&ana).await;
    let bea_key = app.key_for(&bea).await;
    let (topic, _) = app.topic(&ana_key, category, "Agenda for the international call", "What do we cover?").await;
    app.reply(&bea_key, topic, "Hosting prices, and the gathering in Rosario.").await;
    app.settle().await;
    send(app).await;
    let got = relay.wait_for(1, WAIT);
    let raw = got[0].raw.clone();
    let reply_to = raw_header(&raw, "Reply-To");
    assert!(reply_to.starts_with("reply+") && reply_to.ends_with("@forum.test"), "{reply_to}");
    (topic, reply_to, raw)
}

fn answer(from: &str, to: &str, in_reply_to: &str, id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Ana <{from}>\r\nTo: {to}\r\nSubject: Re: [Coop Forum] Agenda\r\nMessage-ID: <{id}@mail.example.org>\r\n\
         In-Reply-To: {in_reply_to}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

async fn an_answer_to_notification_mail_becomes_a_reply(b: Backend) {
    use minga_web::mail::incoming::{Received, receive};
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (topic, reply_to, raw) = answered(&app, &relay).await;
    let message_id = raw_header(&raw, "Message-ID");
    let text = "Let us add the budget too.\r\n\r\nOn Tue, 27 Nov 2018 at 10:02, Coop Forum <forum@forum.test> wrote:\r\n> Hosting prices, and the gathering in Rosario.\r\n";
    let mail = answer("ana@example.org", &reply_to, &message_id, "a1", text);
    let posted = receive(&app.state, &mail, Some("ana@example.org"), &[]).await.expect("taken");
    let Received::Posted { post_id, url } = posted else { panic!("{posted:?}") };
    assert!(url.starts_with(&format!("{BASE}/t/agenda-for-the-international-call/{topic}")), "{url}");
    let post = app.state.store.post(minga_core::PostId(post_id)).await.unwrap().unwrap();
    assert_eq!(post.raw, "Let us add the budget too.", "the quoted mail is trimmed");
    assert_eq!(post.reply_to_post_number, Some(2), "it answers the post the mail was about");
    let author = app.state.store.user_by_id(post.user_id).await.unwrap().unwrap();
    assert_eq!(author.username, "ana");
    // The same message delivered twice is posted once.
    assert_eq!(receive(&app.state, &mail, Some("ana@example.org"), &[]).await, Ok(Received::Ignored("already received")));
    // HTML-only mail becomes Markdown.
    let html = format!(
        "From: ana@example.org\r\nTo: {reply_to}\r\nSubject: Re: x\r\nMessage-ID: <a2@mail.example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n<div><p>We can host it at <b>Facttic</b>.</p><div class=\"gmail_quote\">On Tue wrote: old</div></div>"
    );
    let Ok(Received::Posted { post_id, .. }) = receive(&app.state, html.as_bytes(), None, &[]).await else { panic!("html mail") };
    assert_eq!(app.state.store.post(minga_core::PostId(post_id)).await.unwrap().unwrap().raw, "We can host it at **Facttic**.");
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert_eq!(t["posts_count"], 4, "{t}");
}

async fn mail_that_may_not_become_a_post_is_refused_or_dropped(b: Backend) {
    use minga_web::mail::incoming::{Received, receive};
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (topic, reply_to, raw) = answered(&app, &relay).await;
    let message_id = raw_header(&raw, "Message-ID");
    let before = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await["posts_count"].as_i64().unwrap();
    let refused = |r: Result<Received, minga_web::mail::incoming::Refused>| r.expect_err("refused");
    // Auto-replies, bounces and bulk mail are taken and dropped: no post, no bounce back.
    let auto = format!(
        "From: ana@example.org\r\nTo: {reply_to}\r\nSubject: Out of office\r\nMessage-ID: <ooo@x>\r\nAuto-Submitted: auto-replied\r\n\r\nI am away until Monday.\r\n"
    );
    assert_eq!(receive(&app.state, auto.as_bytes(), None, &[]).await, Ok(Received::Ignored("auto-submitted")));
    let bulk = auto.replace("Auto-Submitted: auto-replied", "Precedence: bulk").replace("<ooo@x>", "<bulk@x>");
    assert_eq!(receive(&app.state, bulk.as_bytes(), None, &[]).await, Ok(Received::Ignored("bulk")));
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example.org\r\nTo: {reply_to}\r\nSubject: Undelivered\r\nMessage-ID: <dsn@x>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n"
    );
    assert_eq!(receive(&app.state, dsn.as_bytes(), Some(""), &[]).await, Ok(Received::Ignored("delivery report")));
    // An address minga never made; another sender than the one it was sent to.
    let unknown = answer("ana@example.org", "reply+0000@forum.test", &message_id, "u1", "Hello");
    assert_eq!(refused(receive(&app.state, &unknown, None, &[]).await).code, 550);
    let forged = answer("mallory@example.org", &reply_to, &message_id, "f1", "Posting as Ana");
    let r = refused(receive(&app.state, &forged, None, &[]).await);
    assert!(r.code == 550 && r.text.contains("another address"), "{r}");
    // Nothing but the quoted mail; not mail at all; too large.
    let empty = answer("ana@example.org", &reply_to, &message_id, "e1", "> Hosting prices\r\n");
    assert_eq!(refused(receive(&app.state, &empty, None, &[]).await).code, 554);
    assert_eq!(refused(receive(&app.state, b"\x00\x01 not mail", None, &[]).await).code, 554);
    let big = answer("ana@example.org", &reply_to, &message_id, "b1", &"x".repeat(25 * 1024 * 1024));
    let r = refused(receive(&app.state, &big, None, &[]).await);
    assert!(r.code == 552 && r.text.contains("too large"), "{r}");
    // A topic Ana can no longer see: its reply address stops working.
    let admin = app.state.store.user_by_username("admin").await.unwrap().unwrap();
    let admin_key = app.key_for(&admin).await;
    let category = app.get_json(&format!("/t/{topic}.json"), &admin_key).await["category_id"].as_i64().unwrap();
    let r = app.call(Method::PUT, &format!("/categories/{category}"), &admin_key, Send::Json(json!({"name": "General", "color": "0088CC", "permissions": {"staff": 1}}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let late = answer("ana@example.org", &reply_to, &message_id, "l1", "Can I still answer?");
    let r = refused(receive(&app.state, &late, None, &[]).await);
    assert_eq!(r.code, 554, "{r}");
    assert_eq!(app.get_json(&format!("/t/{topic}.json"), &admin_key).await["posts_count"].as_i64().unwrap(), before, "nothing was posted");
    let seen = app.state.store.incoming_mail(20).await.unwrap();
    assert!(seen.iter().filter(|i| i.outcome == "ignored").count() == 3 && seen.iter().filter(|i| i.outcome == "refused").count() >= 4, "{seen:?}");
}

async fn an_invite_to_an_address_is_mailed_with_its_link(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let admin = app.user("admin", true).await;
    let key = app.key_for(&admin).await;
    let r = app.post_json("/invites.json", &key, json!({"email": "friend@example.org", "custom_message": "Join us for the gathering!"})).await;
    assert_eq!((r.status, r.json()["emailed"].clone()), (StatusCode::OK, json!(true)), "{}", r.text());
    let link = r.json()["link"].as_str().unwrap().to_string();
    // Not mailed when the inviter says so, nor when there is no address.
    let r = app.post_json("/invites.json", &key, json!({"email": "quiet@example.org", "skip_email": "true"})).await;
    assert_eq!(r.json()["emailed"], false, "{}", r.text());
    let r = app.post_json("/invites.json", &key, json!({"max_redemptions_allowed": 5})).await;
    assert_eq!(r.json()["emailed"], false, "{}", r.text());
    // A bad address is refused, with no invite and no mail.
    app.post_json("/invites.json", &key, json!({"email": "not an address"})).await.assert_error(422, "invalid_parameters");
    send(&app).await;
    let got = relay.wait_for(1, WAIT);
    assert_eq!(got[0].rcpt_tos, ["friend@example.org"]);
    let m = parse(&got[0].raw);
    assert_eq!(m.subject(), Some("admin invited you to Coop Forum"));
    let text = m.body_text(0).unwrap();
    assert!(text.contains("Join us for the gathering!") && text.contains(&link), "{text}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(relay.messages().len(), 1, "one mail");
    // The invited person signs up through the link: active at once (the
    // link reached their address).
    let visitor = app.visitor().await;
    let path = link.trim_start_matches(BASE).to_string();
    let r = app.call(Method::POST, &path, &visitor, Send::Form("username=friend&email=friend%40example.org&password=correct+horse+battery")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(app.state.store.user_by_username("friend").await.unwrap().unwrap().active);
}

async fn a_summary_goes_to_people_away_with_what_they_may_see_and_did_not_read(b: Backend) {
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (admin, general) = app.admin_and_category().await;
    let ana = app.user("ana", false).await;
    let cleo = app.user("cleo", false).await;
    let ana_key = app.key_for(&ana).await;
    let cleo_key = app.key_for(&cleo).await;
    assert_eq!(ana.digest_after_minutes, 10_080, "weekly unless chosen");
    // Cleo wants none; bad choices are refused.
    let r = app.call(Method::PUT, "/u/cleo.json", &cleo_key, Send::Json(json!({"digest_after_minutes": 0}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    app.call(Method::PUT, "/u/cleo.json", &cleo_key, Send::Json(json!({"digest_after_minutes": 5}))).await.assert_error(422, "invalid_parameters");
    let private = app.post_json("/categories.json", &admin, json!({"name": "Staff room", "color": "AA0000", "permissions": {"staff": 1}})).await.json()["category"]["id"].as_i64().unwrap();
    let (open_topic, _) = app.topic(&admin, general, "Shared hosting prices for 2019", "Here is the list.").await;
    app.reply(&admin, open_topic, "And the Leeds machines.").await;
    let (muted, _) = app.topic(&admin, general, "A topic Ana muted long ago", "Noise.").await;
    app.topic(&admin, private, "Salaries, staff only", "Not for members.").await;
    let r = app.post_json(&format!("/t/{muted}/notifications.json"), &ana_key, json!({"notification_level": 0})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Nothing is due while people are around.
    assert_eq!(app.state.queue_digests(minga_core::time::now_ms()).await.unwrap(), 0);
    // A week and a day later, nobody having visited.
    let later = minga_core::time::now_ms() + 8 * 86_400_000;
    let queued = app.state.queue_digests(later).await.unwrap();
    assert!(queued >= 1, "{queued}");
    assert_eq!(app.state.queue_digests(later).await.unwrap(), 0, "each summary once");
    assert!(app.state.store.mail_to("cleo@example.org").await.unwrap().is_empty(), "Cleo asked for none");
    send(&app).await;
    relay.wait_for(queued, WAIT);
    let got = relay.messages();
    let to_ana = got.iter().find(|m| m.rcpt_tos == ["ana@example.org"]).expect("a summary for Ana");
    let m = parse(&to_ana.raw);
    assert_eq!(m.subject(), Some("[Coop Forum] What is new"));
    let text = m.body_text(0).unwrap();
    assert!(text.contains("Shared hosting prices for 2019 (General): 2 new posts"), "{text}");
    assert!(text.contains(&format!("{BASE}/t/shared-hosting-prices-for-2019/{open_topic}")), "{text}");
    assert!(!text.contains("Salaries") && !text.contains("muted"), "nothing private, nothing muted: {text}");
    assert!(m.body_html(0).unwrap().contains("<li"), "a list of links");
    let unsubscribe = raw_header(&to_ana.raw, "List-Unsubscribe");
    assert!(unsubscribe.contains("?digest=1"), "{unsubscribe}");
    let path = unsubscribe.trim_start_matches('<').trim_end_matches('>').trim_start_matches(BASE).to_string();
    let r = app.call(Method::POST, &path, &Auth::Anon, Send::Raw("application/x-www-form-urlencoded", b"List-Unsubscribe=One-Click".to_vec())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let ana = app.state.store.user_by_username("ana").await.unwrap().unwrap();
    assert_eq!((ana.digest_after_minutes, ana.email_level), (0, 1), "summaries stop; notification mail stays as chosen");
}

fn list_message(from: &str, id: &str, subject: &str, in_reply_to: Option<&str>, references: &[&str], body: &str) -> Vec<u8> {
    let mut headers = format!("From: {from}\r\nTo: general@lists.forum.test\r\nSubject: {subject}\r\nMessage-ID: <{id}@mail.example.org>\r\n");
    if let Some(r) = in_reply_to {
        headers.push_str(&format!("In-Reply-To: <{r}@mail.example.org>\r\n"));
    }
    if !references.is_empty() {
        let refs: Vec<String> = references.iter().map(|r| format!("<{r}@mail.example.org>")).collect();
        headers.push_str(&format!("References: {}\r\n", refs.join(" ")));
    }
    format!("{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").into_bytes()
}

async fn a_category_address_takes_a_thread_of_five_mails_as_one_topic(b: Backend) {
    use minga_web::mail::incoming::{Received, receive};
    let relay = Receiver::start();
    let app = forum(b, Some(&relay)).await;
    let (admin, general) = app.admin_and_category().await;
    app.user("ana", false).await;
    app.user("bea", false).await;
    let cleo = app.user("cleo", false).await;
    let cleo_key = app.key_for(&cleo).await;
    let r = app.call(Method::PUT, &format!("/categories/{general}"), &admin, Send::Json(json!({"name": "General", "color": "0088CC", "email_in": "General@Lists.Forum.Test"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // One address, one category; a bad one is refused; nothing half-saved.
    let other = app.post_json("/categories.json", &admin, json!({"name": "Other things", "color": "AA0000"})).await.json()["category"]["id"].as_i64().unwrap();
    app.call(Method::PUT, &format!("/categories/{other}"), &admin, Send::Json(json!({"name": "Renamed", "color": "AA0000", "email_in": "general@lists.forum.test"}))).await.assert_error(422, "invalid_parameters");
    app.call(Method::PUT, &format!("/categories/{other}"), &admin, Send::Json(json!({"name": "Renamed", "email_in": "nope"}))).await.assert_error(422, "invalid_parameters");
    assert_eq!(app.state.store.category(minga_core::CategoryId(other)).await.unwrap().unwrap().name, "Other things");
    // Cleo reads the forum as a mailing list.
    let r = app.call(Method::PUT, "/u/cleo.json", &cleo_key, Send::Json(json!({"mailing_list_mode": true}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let thread = [
        list_message("Ana <ana@example.org>", "m1", "[tech-coop] Shared hosting for the network", None, &[], "Who hosts what? Let us pool our servers."),
        list_message("bea@example.org", "m2", "Re: [tech-coop] Shared hosting for the network", Some("m1"), &["m1"], "We run two machines in Leeds.\r\n\r\nOn Mon, Ana wrote:\r\n> Who hosts what?"),
        list_message("ana@example.org", "m3", "Re: [tech-coop] Shared hosting for the network", Some("m2"), &["m1", "m2"], "Great, I will write up the list."),
        list_message("bea@example.org", "m4", "RE: Re: Shared hosting for the network", Some("m3"), &[], "Add our backup box too."),
        list_message("ana@example.org", "m5", "Re: Shared hosting for the network", None, &["m1"], "Done: the list is in the first post."),
    ];
    let mut topics = Vec::new();
    for message in &thread {
        let r = receive(&app.state, message, None, &[]).await;
        let Ok(Received::Posted { post_id, .. }) = r else { panic!("{r:?}") };
        topics.push(app.state.store.post(minga_core::PostId(post_id)).await.unwrap().unwrap().topic_id);
    }
    assert!(topics.iter().all(|t| *t == topics[0]), "one topic: {topics:?}");
    let t = app.get_json(&format!("/t/{}.json", topics[0].0), &admin).await;
    assert_eq!((t["title"].as_str(), t["posts_count"].as_i64(), t["category_id"].as_i64()), (Some("Shared hosting for the network"), Some(5), Some(general)), "{t}");
    let second = app.state.store.posts_by_number(topics[0], 2, 2).await.unwrap();
    assert_eq!(second[0].raw, "We run two machines in Leeds.", "quoted history trimmed");
    // A stranger's mail is refused with a reason to bounce.
    let stranger = list_message("someone@elsewhere.example", "s1", "Hello list", None, &[], "Can I join?");
    let r = receive(&app.state, &stranger, None, &[]).await.expect_err("refused");
    assert!(r.code == 550 && r.text.contains("only members"), "{r}");
    // Cleo, in mailing-list mode, got each post by mail, and answers one.
    app.settle().await;
    send(&app).await;
    let got = relay.wait_for(5, WAIT);
    let to_cleo: Vec<_> = got.iter().filter(|m| m.rcpt_tos == ["cleo@example.org"]).collect();
    assert_eq!(to_cleo.len(), 5, "every post by mail");
    let reply_to = raw_header(&to_cleo[0].raw, "Reply-To");
    let answer = answer("cleo@example.org", &reply_to, &raw_header(&to_cleo[0].raw, "Message-ID"), "c1", "Count our co-op in.");
    let Ok(Received::Posted { .. }) = receive(&app.state, &answer, None, &[]).await else { panic!("cleo's answer") };
    assert_eq!(app.get_json(&format!("/t/{}.json", topics[0].0), &admin).await["posts_count"], 6);
}

fn mbox_entry(from: &str, id: &str, date: &str, subject: &str, in_reply_to: Option<&str>, body: &str) -> String {
    let reply = in_reply_to.map(|r| format!("In-Reply-To: <{r}@lists.example.org>\nReferences: <{r}@lists.example.org>\n")).unwrap_or_default();
    // Lines of the body that start with "From " are quoted in an mbox.
    let body = body.lines().map(|l| if l.starts_with("From ") { format!(">{l}") } else { l.to_string() }).collect::<Vec<_>>().join("\n");
    format!("From list@lists.example.org Thu Nov 29 10:00:00 2018\nFrom: {from}\nTo: tech-coop@lists.example.org\nSubject: {subject}\nMessage-ID: <{id}@lists.example.org>\nDate: {date}\n{reply}Content-Type: text/plain; charset=utf-8\n\n{body}\n\n")
}

async fn a_list_archive_is_imported_threaded_with_its_authors(b: Backend) {
    use minga_web::mail::import::import_mbox;
    let app = forum(b, None).await;
    let (admin, general) = app.admin_and_category().await;
    app.user("neto", false).await;
    let mbox = [
        mbox_entry("Neto <neto@example.org>", "a1", "Tue, 27 Nov 2018 10:02:00 +0000", "[tech-coop] International call during the gathering", None, "I will schedule the call for 7pm on 29th.\nSo that is 4pm for you I believe."),
        mbox_entry("Sol Verniers <sol@facttic.example>", "a2", "Tue, 27 Nov 2018 12:30:00 -0300", "Re: [tech-coop] International call during the gathering", Some("a1"), "Sorry for my english: 4pm works.\n\nOn Tue, Neto wrote:\n> I will schedule the call"),
        mbox_entry("Neto <neto@example.org>", "a3", "Wed, 28 Nov 2018 09:00:00 +0000", "Re: [tech-coop] International call during the gathering", Some("a2"), "Great.\nFrom now on the agenda is in the pad."),
        mbox_entry("maria@coop.example", "a4", "Wed, 28 Nov 2018 11:00:00 +0000", "Re: International call during the gathering", Some("a3"), "¡Qué buena idea! Avisen si se suman."),
        mbox_entry("Sol Verniers <sol@facttic.example>", "a5", "Thu, 29 Nov 2018 08:00:00 -0300", "Re: [tech-coop] International call during the gathering", Some("a4"), "See you there."),
        mbox_entry("maria@coop.example", "b1", "Fri, 30 Nov 2018 10:00:00 +0000", "[tech-coop] Hosting prices for 2019", None, "Here is our price list."),
    ]
    .concat();
    let done = import_mbox(&app.state, minga_core::CategoryId(general), mbox.as_bytes()).await.unwrap();
    assert_eq!((done.messages, done.topics, done.matched, done.made, done.skipped), (6, 2, 1, 2, 0), "{done:?}");
    let list = app.get_json(&format!("/c/{general}.json"), &admin).await;
    let call = list["topic_list"]["topics"].as_array().unwrap().iter().find(|t| t["title"] == "International call during the gathering").expect("the thread").clone();
    assert_eq!(call["posts_count"], 5, "{call}");
    let topic = app.get_json(&format!("/t/{}.json", call["id"]), &admin).await;
    let posts = topic["post_stream"]["posts"].as_array().unwrap();
    let authors: Vec<&str> = posts.iter().map(|p| p["username"].as_str().unwrap()).collect();
    assert_eq!(authors, ["neto", "sol_verniers", "neto", "maria", "sol_verniers"]);
    assert_eq!(posts[0]["created_at"], "2018-11-27T10:02:00.000Z", "the original date");
    let second = app.state.store.posts_by_number(minga_core::TopicId(call["id"].as_i64().unwrap()), 2, 3).await.unwrap();
    assert_eq!(second[0].raw, "Sorry for my english: 4pm works.", "quoted history trimmed");
    assert_eq!(second[1].raw, "Great.\nFrom now on the agenda is in the pad.", "mbox quoting undone");
    // Authors without an account get one, inactive until they claim it.
    let sol = app.state.store.user_by_username("sol_verniers").await.unwrap().unwrap();
    assert!(!sol.active && sol.email == "sol@facttic.example" && sol.name == "Sol Verniers");
    // Importing again adds nothing.
    let again = import_mbox(&app.state, minga_core::CategoryId(general), mbox.as_bytes()).await.unwrap();
    assert_eq!((again.messages, again.skipped), (0, 6));
    // Later mail to the category's address threads onto the archive.
    app.call(Method::PUT, &format!("/categories/{general}"), &admin, Send::Json(json!({"name": "General", "color": "0088CC", "email_in": "general@lists.forum.test"}))).await;
    let later = "From: neto@example.org\r\nTo: general@lists.forum.test\r\nSubject: Re: International call\r\nMessage-ID: <a6@lists.example.org>\r\nIn-Reply-To: <a5@lists.example.org>\r\n\r\nThe recording is up.\r\n";
    let r = minga_web::mail::incoming::receive(&app.state, later.as_bytes(), None, &[]).await;
    assert!(matches!(r, Ok(minga_web::mail::incoming::Received::Posted { .. })), "{r:?}");
    assert_eq!(app.get_json(&format!("/t/{}.json", call["id"]), &admin).await["posts_count"], 6);
}
