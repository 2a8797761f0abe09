//! Notifications: who is told of a post, how closely each person follows
//! topics and categories, and what they have read.
//!
//! A post's transaction queues a job (`notification_jobs`) naming what the
//! post mentions, quotes and links to. `deliver_notifications` takes queued
//! jobs and, in one transaction, writes each one's notifications and
//! deletes it: a crash before the commit leaves the job queued, a commit
//! leaves nothing to do twice. Who hears of what is decided by
//! `minga_core::notify::choose`, given each candidate's level and whether
//! the category's permissions let them read the post at that moment.

use crate::db::{Db, Tx, row_struct};
use crate::{Backend, Change, Result, Store};
use minga_core::notify::{self, Candidate, Kind, Level};
use minga_core::perm::Actor;
use minga_core::{CategoryId, PostId, TopicId, UserId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What a post names, for notifications: kept with its queued job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alerts {
    /// Lower-cased usernames mentioned.
    pub mentions: Vec<String>,
    /// Lower-cased names of groups mentioned.
    pub group_mentions: Vec<String>,
    /// Lower-cased usernames quoted.
    pub quoted: Vec<String>,
    /// This forum's topics (and posts) linked to.
    pub links: Vec<(i64, Option<i64>)>,
}

/// Whether a person may read a category, as the web layer's catalog says.
pub type CanSee = dyn Fn(&Actor, CategoryId) -> bool + Send + Sync;

/// One notification, with what is shown beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub user_id: UserId,
    pub notification_type: i64,
    pub topic_id: Option<TopicId>,
    pub post_number: Option<i64>,
    pub post_id: Option<i64>,
    /// A group's name, for group mentions.
    pub data: String,
    pub read: bool,
    pub created_at: i64,
    /// How many posts a folded notification (replies, watched posts)
    /// stands for; 1 for the rest.
    pub replies: i64,
    /// Who caused it.
    pub actor_username: Option<String>,
    pub topic_title: Option<String>,
    pub topic_slug: Option<String>,
    pub category_id: Option<CategoryId>,
}

row_struct!(Notification {
    id,
    user_id,
    notification_type,
    topic_id,
    post_number,
    post_id,
    data,
    read,
    created_at,
    replies,
    actor_username,
    topic_title,
    topic_slug,
    category_id,
});

const LIST: &str = "SELECT n.id, n.user_id, n.notification_type, n.topic_id, n.post_number, n.post_id, n.data, n.read, n.created_at, n.replies, \
     a.username, t.title, t.slug, t.category_id \
     FROM notifications n LEFT JOIN users a ON a.id = n.actor_id LEFT JOIN topics t ON t.id = n.topic_id \
     LEFT JOIN posts p ON p.id = n.post_id \
     WHERE n.user_id = $1 AND (n.topic_id IS NULL OR t.deleted_at IS NULL) AND (n.post_id IS NULL OR p.deleted_at IS NULL)";

/// `IN` a JSON array parameter (`$n`) of texts, on either backend. On
/// PostgreSQL the set is made an array once: as a subquery, a planner that
/// expects few rows would read it again for every row it tests.
fn in_texts(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => format!("IN (SELECT value FROM json_each(${n}))"),
        Backend::Postgres => format!("= ANY(ARRAY(SELECT jsonb_array_elements_text(${n}::jsonb)))"),
    }
}

/// `IN` a JSON array parameter of ids.
fn in_ids(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => format!("IN (SELECT value FROM json_each(${n}))"),
        Backend::Postgres => format!("= ANY(ARRAY(SELECT jsonb_array_elements_text(${n}::jsonb)::bigint))"),
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_texts(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| json_str(s)).collect::<Vec<_>>().join(",")
    )
}

fn json_ids(v: impl IntoIterator<Item = i64>) -> String {
    format!(
        "[{}]",
        v.into_iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    )
}

pub(crate) fn encode_links(links: &[(i64, Option<i64>)]) -> String {
    links
        .iter()
        .map(|(t, p)| format!("{t}:{}", p.unwrap_or(1)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_links(s: &str) -> Vec<(i64, i64)> {
    s.split_whitespace()
        .filter_map(|l| l.split_once(':'))
        .filter_map(|(t, p)| Some((t.parse().ok()?, p.parse().ok()?)))
        .collect()
}

/// Queues the notifications of a post just written or edited (`kind` is
/// `new` or `edit`), in the caller's transaction.
pub(crate) fn enqueue(
    tx: &mut Tx<'_>,
    post: PostId,
    kind: &str,
    actor: UserId,
    alerts: &Alerts,
    at: i64,
) -> Result<()> {
    tx.exec(
        "INSERT INTO notification_jobs (post_id, kind, actor_id, mentions, group_mentions, quoted, links, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &post.0,
            &kind,
            &actor.0,
            &alerts.mentions.join(" "),
            &alerts.group_mentions.join(" "),
            &alerts.quoted.join(" "),
            &encode_links(&alerts.links),
            &at,
        ],
    )?;
    Ok(())
}

/// Writes one notification at once (no post to fan out from: an accepted
/// invite, an approved post), and counts it unread.
pub(crate) fn notify_one(
    tx: &mut Tx<'_>,
    user: UserId,
    kind: Kind,
    topic: Option<TopicId>,
    post: Option<(PostId, i64)>,
    actor: Option<UserId>,
    at: i64,
) -> Result<()> {
    let inserted = tx.exec(
        "INSERT INTO notifications (user_id, notification_type, topic_id, post_number, post_id, actor_id, data, read, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, '', FALSE, $7) ON CONFLICT DO NOTHING",
        &[&user.0, &kind.id(), &topic.map(|t| t.0), &post.map(|p| p.1), &post.map(|p| p.0.0), &actor.map(|a| a.0), &at],
    )?;
    if inserted > 0 {
        tx.exec(
            "UPDATE users SET unread_notifications = unread_notifications + 1 WHERE id = $1",
            &[&user.0],
        )?;
        tx.changed(Change::User(user));
    }
    Ok(())
}

/// Counts a person's unread notifications again.
pub(crate) fn recount(tx: &mut Tx<'_>, user: UserId) -> Result<()> {
    tx.exec(
        "UPDATE users SET unread_notifications = (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT read) WHERE id = $1",
        &[&user.0],
    )?;
    tx.changed(Change::User(user));
    Ok(())
}

/// Marks read what a person has read up to `post_number` in a topic.
pub(crate) fn read_up_to(
    tx: &mut Tx<'_>,
    user: UserId,
    topic: TopicId,
    post_number: i64,
) -> Result<()> {
    let marked = tx.exec(
        "UPDATE notifications SET read = TRUE WHERE user_id = $1 AND topic_id = $2 AND post_number <= $3 AND NOT read",
        &[&user.0, &topic.0, &post_number],
    )?;
    if marked > 0 {
        recount(tx, user)?;
    }
    Ok(())
}

struct JobRow {
    id: i64,
    post_id: i64,
    kind: String,
    actor: i64,
    mentions: String,
    group_mentions: String,
    quoted: String,
    links: String,
}

/// A job's post, as the rules need it.
struct Target {
    topic: i64,
    category: i64,
    number: i64,
    author: i64,
    reply_to: Option<i64>,
}

/// What the rules need of a person, kept while one transaction writes a
/// batch of jobs: posts to the same topic ask the same of the same people.
#[derive(Clone, Copy)]
struct Person {
    level: Level,
    can_see: bool,
}

/// A person's folded notification for a topic, as a batch builds it: the
/// earliest post it stands for (what it opens), the latest one's kind and
/// author, and how many posts.
struct Fold {
    post_id: i64,
    post_number: i64,
    kind: Kind,
    actor: i64,
    count: i64,
}

/// One transaction's work.
#[derive(Default)]
struct Batch {
    /// (topic, person)
    people: HashMap<(i64, i64), Person>,
    /// Who watches each topic replied to.
    watchers: HashMap<i64, Arc<Vec<i64>>>,
    /// topic → person → fold, written when the batch ends.
    folds: BTreeMap<i64, BTreeMap<i64, Fold>>,
    changed: Vec<UserId>,
    /// Notifications written (or to be written) so far.
    rows: i64,
    /// How long a notification's mail waits, to be left unsent if its
    /// reader sees the post on the site meanwhile (ms).
    mail_delay: i64,
}

/// Decides who hears of a job's post, writes what does not fold, and adds
/// what does to the batch.
fn deliver_job(db: &mut dyn Db, job: &JobRow, can_see: &CanSee, batch: &mut Batch) -> Result<()> {
    let backend = db.backend();
    let post: Option<(i64, i64, i64, i64, Option<i64>)> = db.opt(
        "SELECT p.topic_id, t.category_id, p.post_number, p.user_id, p.reply_to_post_number FROM posts p JOIN topics t ON t.id = p.topic_id \
         WHERE p.id = $1 AND p.deleted_at IS NULL AND t.deleted_at IS NULL",
        &[&job.post_id],
    )?;
    let Some((topic, category, number, author, reply_to)) = post else {
        return Ok(());
    };
    let target = Target { topic, category, number, author, reply_to };
    let editing = job.kind == "edit";
    if !editing {
        queue_list_mail(db, job.post_id, job.actor, batch.mail_delay)?;
    }
    // (user, kind, group name)
    let mut reasons: Vec<(i64, Kind, String)> = Vec::new();
    let names = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    for (list, kind) in [(&job.mentions, Kind::Mentioned), (&job.quoted, Kind::Quoted)] {
        let names = names(list);
        if names.is_empty() {
            continue;
        }
        let found: Vec<i64> = db.all(&format!("SELECT id FROM users WHERE username_lower {}", in_texts(backend, 1)), &[&json_texts(&names)])?;
        reasons.extend(found.into_iter().map(|u| (u, kind, String::new())));
    }
    let groups = names(&job.group_mentions);
    if !groups.is_empty() {
        let found: Vec<(i64, String)> = db.all(
            &format!(
                "SELECT gu.user_id, g.name FROM group_users gu JOIN groups g ON g.id = gu.group_id \
                 WHERE LOWER(g.name) {} AND NOT g.automatic ORDER BY gu.created_at LIMIT 1000",
                in_texts(backend, 1)
            ),
            &[&json_texts(&groups)],
        )?;
        reasons.extend(found.into_iter().map(|(u, g)| (u, Kind::GroupMentioned, g)));
    }
    if editing {
        if job.actor != target.author {
            reasons.push((target.author, Kind::Edited, String::new()));
        }
    } else {
        if let Some(to) = target.reply_to {
            let who: Option<i64> = db.opt("SELECT user_id FROM posts WHERE topic_id = $1 AND post_number = $2", &[&target.topic, &to])?;
            reasons.extend(who.map(|u| (u, Kind::Replied, String::new())));
        }
        for (t, p) in decode_links(&job.links) {
            if t == target.topic {
                continue;
            }
            let who: Option<i64> = db.opt("SELECT user_id FROM posts WHERE topic_id = $1 AND post_number = $2 AND deleted_at IS NULL", &[&t, &p])?;
            reasons.extend(who.map(|u| (u, Kind::Linked, String::new())));
        }
        if target.number == 1 {
            let watchers: Vec<(i64, i64)> =
                db.all("SELECT user_id, notification_level FROM category_users WHERE category_id = $1 AND notification_level IN (3, 4)", &[&target.category])?;
            reasons.extend(watchers.into_iter().map(|(u, l)| (u, if l == 4 { Kind::WatchingFirstPost } else { Kind::Posted }, String::new())));
        } else {
            // Replies to one topic in a batch have the same watchers.
            let watchers = match batch.watchers.get(&target.topic) {
                Some(w) => w.clone(),
                None => {
                    let w: Arc<Vec<i64>> = Arc::new(db.all(
                        "SELECT user_id FROM topic_users WHERE topic_id = $1 AND notification_level = 3 \
                         UNION SELECT user_id FROM category_users WHERE category_id = $2 AND notification_level = 3",
                        &[&target.topic, &target.category],
                    )?);
                    batch.watchers.insert(target.topic, w.clone());
                    w
                }
            };
            reasons.extend(watchers.iter().map(|u| (*u, Kind::Posted, String::new())));
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    let mut people: Vec<i64> = reasons.iter().map(|r| r.0).collect();
    people.sort_unstable();
    people.dedup();
    let unknown: Vec<i64> = people.iter().copied().filter(|u| !batch.people.contains_key(&(target.topic, *u))).collect();
    if !unknown.is_empty() {
        let list = json_ids(unknown.iter().copied());
        // (id, admin, moderator, trust level, topic level, category level)
        let info: Vec<(i64, bool, bool, i64, Option<i64>, Option<i64>)> = db.all(
            &format!(
                "SELECT u.id, u.admin, u.moderator, u.trust_level, tu.notification_level, cu.notification_level \
                 FROM users u LEFT JOIN topic_users tu ON tu.user_id = u.id AND tu.topic_id = $1 \
                 LEFT JOIN category_users cu ON cu.user_id = u.id AND cu.category_id = $2 \
                 WHERE u.id {}",
                in_ids(backend, 3)
            ),
            &[&target.topic, &target.category, &list],
        )?;
        let memberships: Vec<(i64, i64)> = db.all(&format!("SELECT user_id, group_id FROM group_users WHERE user_id {}", in_ids(backend, 1)), &[&list])?;
        let mut groups_of: HashMap<i64, Vec<i64>> = HashMap::new();
        for (u, g) in memberships {
            groups_of.entry(u).or_default().push(g);
        }
        for (id, admin, moderator, trust_level, topic_level, category_level) in info {
            let actor = Actor { id: UserId(id), admin, moderator, trust_level, silenced: false, groups: groups_of.remove(&id).unwrap_or_default() };
            let level = notify::effective_level(topic_level.and_then(Level::from_id), category_level.and_then(Level::from_id));
            let can_see = can_see(&actor, CategoryId(target.category));
            batch.people.insert((target.topic, id), Person { level, can_see });
        }
    }
    // A new post's job is the first word of it anyone hears; an edit's
    // tells nobody twice of the same post (but always tells of the edit).
    let already: Vec<i64> = if editing {
        db.all(
            &format!("SELECT user_id FROM notifications WHERE post_id = $1 AND notification_type <> 4 AND user_id {}", in_ids(backend, 2)),
            &[&job.post_id, &json_ids(people.iter().copied())],
        )?
    } else {
        Vec::new()
    };
    let candidates: Vec<Candidate> = reasons
        .iter()
        .filter_map(|(u, kind, _)| {
            let person = batch.people.get(&(target.topic, *u))?;
            Some(Candidate {
                user: UserId(*u),
                kind: *kind,
                level: person.level,
                can_see: person.can_see,
                already: *kind != Kind::Edited && already.contains(u),
            })
        })
        .collect();
    // The one who wrote (or edited) the post hears nothing of it.
    let chosen = notify::choose(UserId(job.actor), &candidates);
    queue_mail(db, job.post_id, &chosen, batch.mail_delay)?;
    let (folding, single): (Vec<_>, Vec<_>) = chosen.into_iter().partition(|(_, k)| k.folds());
    let folds = batch.folds.entry(target.topic).or_default();
    for (u, kind) in &folding {
        match folds.get_mut(&u.0) {
            Some(f) => {
                f.kind = *kind;
                f.actor = job.actor;
                f.count += 1;
            }
            None => {
                folds.insert(u.0, Fold { post_id: job.post_id, post_number: target.number, kind: *kind, actor: job.actor, count: 1 });
                batch.rows += 1;
            }
        }
    }
    batch.changed.extend(folding.iter().map(|(u, _)| *u));
    if single.is_empty() {
        return Ok(());
    }
    let rows = format!(
        "[{}]",
        single
            .iter()
            .map(|(u, k)| {
                let group = reasons.iter().find(|r| r.0 == u.0 && r.1 == *k).map(|r| r.2.as_str()).unwrap_or_default();
                format!("[{},{},{}]", u.0, k.id(), json_str(group))
            })
            .collect::<Vec<_>>()
            .join(",")
    );
    let source = match backend {
        Backend::Sqlite => "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each($6)",
        Backend::Postgres => "SELECT (e->>0)::bigint, (e->>1)::bigint, e->>2 FROM jsonb_array_elements($6::jsonb) e",
    };
    let now = minga_core::time::now_ms();
    db.exec(
        &format!(
            "INSERT INTO notifications (user_id, notification_type, data, topic_id, post_number, post_id, actor_id, read, created_at) \
             SELECT s.*, $1, $2, $3, $4, FALSE, $5 FROM ({source}) s WHERE TRUE \
             ON CONFLICT (user_id, post_id, notification_type) DO UPDATE SET read = FALSE, created_at = excluded.created_at, actor_id = excluded.actor_id"
        ),
        &[&target.topic, &target.number, &job.post_id, &job.actor, &now, &rows],
    )?;
    batch.rows += single.len() as i64;
    let (edited, fresh): (Vec<_>, Vec<_>) = single.iter().partition(|(_, k)| *k == Kind::Edited);
    if !fresh.is_empty() {
        db.exec(
            &format!("UPDATE users SET unread_notifications = unread_notifications + 1 WHERE id {}", in_ids(backend, 1)),
            &[&json_ids(fresh.iter().map(|(u, _)| u.0))],
        )?;
    }
    for (u, _) in &edited {
        db.exec("UPDATE users SET unread_notifications = (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT read) WHERE id = $1", &[&u.0])?;
    }
    batch.changed.extend(single.iter().map(|(u, _)| *u));
    Ok(())
}

/// The delay before a notification's mail (`email_time_window_mins`,
/// Discourse's setting; 10 minutes unless an admin chose).
fn mail_delay(db: &mut dyn Db) -> Result<i64> {
    let set: Option<String> = db.opt("SELECT value FROM site_settings WHERE name = 'email_time_window_mins'", &[])?;
    let minutes = set.and_then(|v| v.trim().parse::<i64>().ok()).filter(|m| *m >= 0).unwrap_or(10);
    Ok(minutes * 60_000)
}

/// Queues a mail for each person told of a post in a way that comes by
/// mail, unless they chose no mail. What it says is written when it is
/// sent (for what they may see then, and only if they have not read the
/// post meanwhile, when they asked for mail only while away). A post is
/// mailed to a person at most once.
fn queue_mail(db: &mut dyn Db, post: i64, chosen: &[(UserId, Kind)], delay: i64) -> Result<()> {
    let mailed: Vec<String> = chosen.iter().filter(|(_, k)| k.mailed()).map(|(u, k)| format!("[{},{}]", u.0, k.id())).collect();
    if mailed.is_empty() {
        return Ok(());
    }
    let source = match db.backend() {
        Backend::Sqlite => "SELECT json_extract(value, '$[0]') AS u, json_extract(value, '$[1]') AS k FROM json_each($1)",
        Backend::Postgres => "SELECT (e->>0)::bigint AS u, (e->>1)::bigint AS k FROM jsonb_array_elements($1::jsonb) e",
    };
    let now = minga_core::time::now_ms();
    db.exec(
        &format!(
            "INSERT INTO outbox (kind, user_id, to_address, post_id, reason, message_id, created_at, due_at) \
             SELECT 'notification', u.id, u.email, $2, s.k, 'post/' || CAST($2 AS TEXT) || '/' || CAST(u.id AS TEXT), $3, $4 \
             FROM ({source}) s JOIN users u ON u.id = s.u WHERE u.email_level < 2 AND u.active AND u.email <> '' \
             ON CONFLICT (message_id) DO NOTHING"
        ),
        &[&format!("[{}]", mailed.join(",")), &post, &now, &(now + delay)],
    )?;
    Ok(())
}

/// Queues a post's mail for the people in mailing-list mode (each post by
/// mail, whatever they follow), but its author; reason 0. Whether they may
/// see it is judged when it is written, as for every notification mail.
fn queue_list_mail(db: &mut dyn Db, post: i64, author: i64, delay: i64) -> Result<()> {
    let now = minga_core::time::now_ms();
    db.exec(
        "INSERT INTO outbox (kind, user_id, to_address, post_id, reason, message_id, created_at, due_at) \
         SELECT 'notification', u.id, u.email, $1, 0, 'post/' || CAST($1 AS TEXT) || '/' || CAST(u.id AS TEXT), $2, $3 \
         FROM users u WHERE u.mailing_list_mode AND u.id <> $4 AND u.active AND u.email <> '' \
         ON CONFLICT (message_id) DO NOTHING",
        &[&post, &now, &(now + delay), &author],
    )?;
    Ok(())
}

/// Writes a batch's folded notifications: each person's replies and
/// watched posts in a topic become one notification again, opening at the
/// earliest post they have not been told of and read, and counting every
/// post since.
fn write_folds(db: &mut dyn Db, folds: &BTreeMap<i64, BTreeMap<i64, Fold>>) -> Result<()> {
    let backend = db.backend();
    let now = minga_core::time::now_ms();
    for (topic, people) in folds {
        // Two nodes folding into the same topic's notifications take turns
        // (topics in order, so neither waits on the other's next one).
        if backend == Backend::Postgres {
            db.exec("SELECT pg_advisory_xact_lock(1, $1::int)", &[topic])?;
        }
        let list = json_ids(people.keys().copied());
        // What is still unread from before: (person, post, number, posts).
        let before: Vec<(i64, Option<i64>, Option<i64>, i64)> = db.all(
            &format!(
                "SELECT user_id, post_id, post_number, replies FROM notifications \
                 WHERE topic_id = $1 AND user_id {} AND notification_type IN (2, 9) AND NOT read",
                in_ids(backend, 2)
            ),
            &[topic, &list],
        )?;
        db.exec(
            &format!("DELETE FROM notifications WHERE topic_id = $1 AND user_id {} AND notification_type IN (2, 9)", in_ids(backend, 2)),
            &[topic, &list],
        )?;
        let mut unread_before: HashMap<i64, i64> = HashMap::new();
        let mut rows = Vec::with_capacity(people.len());
        for (user, fold) in people {
            let mut start = (fold.post_id, fold.post_number);
            let mut count = fold.count;
            for (_, post, number, replies) in before.iter().filter(|b| b.0 == *user) {
                if let (Some(p), Some(n)) = (post, number)
                    && *n < start.1
                {
                    start = (*p, *n);
                }
                count += replies;
                *unread_before.entry(*user).or_default() += 1;
            }
            rows.push(format!("[{user},{},{},{},{},{count}]", fold.kind.id(), start.0, start.1, fold.actor));
        }
        let source = match backend {
            Backend::Sqlite => "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), \
                                json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM json_each($3)",
            Backend::Postgres => "SELECT (e->>0)::bigint, (e->>1)::bigint, (e->>2)::bigint, (e->>3)::bigint, (e->>4)::bigint, (e->>5)::bigint \
                                  FROM jsonb_array_elements($3::jsonb) e",
        };
        db.exec(
            &format!(
                "INSERT INTO notifications (user_id, notification_type, post_id, post_number, actor_id, replies, topic_id, data, read, created_at) \
                 SELECT s.*, $1, '', FALSE, $2 FROM ({source}) s WHERE TRUE"
            ),
            &[topic, &now, &format!("[{}]", rows.join(","))],
        )?;
        // One unread notification each now: one more for those who had
        // none, the count again for the few who had several.
        let fresh: Vec<i64> = people.keys().copied().filter(|u| !unread_before.contains_key(u)).collect();
        // After a topic's first batch, everyone usually has one already.
        if !fresh.is_empty() {
            db.exec(&format!("UPDATE users SET unread_notifications = unread_notifications + 1 WHERE id {}", in_ids(backend, 1)), &[&json_ids(fresh)])?;
        }
        for (user, _) in unread_before.iter().filter(|(_, n)| **n > 1) {
            db.exec("UPDATE users SET unread_notifications = (SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT read) WHERE id = $1", &[user])?;
        }
    }
    Ok(())
}

/// A person's level for a topic and how far they have read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TopicUser {
    /// Their own level for the topic, if they chose one (or replying or
    /// starting it chose one for them).
    pub level: Option<Level>,
    /// The level for its category, if they chose one.
    pub category_level: Option<Level>,
    pub last_read_post_number: i64,
    /// The topic's highest post number, to tell whether all was read.
    pub highest_post_number: i64,
}

impl TopicUser {
    pub fn effective(&self) -> Level {
        notify::effective_level(self.level, self.category_level)
    }
}

impl Store {
    /// Writes the notifications of up to `max_jobs` queued posts, each in
    /// the transaction that removes it from the queue; returns how many
    /// jobs were done. `can_see` says who may read a category now.
    pub async fn deliver_notifications(
        &self,
        max_jobs: i64,
        can_see: Arc<CanSee>,
    ) -> Result<usize> {
        self.deliver_notifications_within(max_jobs, i64::MAX, can_see)
            .await
    }

    /// As `deliver_notifications`, stopping early once a transaction has
    /// written `max_rows` notifications: many light posts go together, a
    /// post a thousand people watch goes alone, and the writes queued
    /// behind the transaction do not wait long.
    pub async fn deliver_notifications_within(
        &self,
        max_jobs: i64,
        max_rows: i64,
        can_see: Arc<CanSee>,
    ) -> Result<usize> {
        self.write(move |tx| {
            let lock = match tx.backend() {
                Backend::Postgres => " FOR UPDATE SKIP LOCKED",
                Backend::Sqlite => "",
            };
            let next = format!(
                "SELECT id, post_id, kind, actor_id, mentions, group_mentions, quoted, links FROM notification_jobs WHERE id > $1 ORDER BY id LIMIT 1{lock}"
            );
            let mut done = 0;
            let mut after = 0i64;
            let mut batch = Batch { mail_delay: mail_delay(tx.db)?, ..Batch::default() };
            while (done as i64) < max_jobs && batch.rows < max_rows {
                let job: Option<(i64, i64, String, i64, String, String, String, String)> = tx.db.opt(&next, &[&after])?;
                let Some((id, post_id, kind, actor, mentions, group_mentions, quoted, links)) = job else { break };
                let job = JobRow { id, post_id, kind, actor, mentions, group_mentions, quoted, links };
                deliver_job(tx.db, &job, &*can_see, &mut batch)?;
                tx.exec("DELETE FROM notification_jobs WHERE id = $1", &[&job.id])?;
                after = id;
                done += 1;
            }
            write_folds(tx.db, &batch.folds)?;
            let mut changed = batch.changed;
            changed.sort_unstable_by_key(|u| u.0);
            changed.dedup();
            for u in changed {
                tx.changed(Change::User(u));
            }
            Ok(done)
        })
        .await
    }

    /// Forgets read notifications made before `before` (milliseconds);
    /// unread ones are kept however old. Returns how many went.
    pub async fn prune_notifications(&self, before: i64) -> Result<u64> {
        self.write(move |tx| tx.exec("DELETE FROM notifications WHERE read AND created_at < $1", &[&before])).await
    }

    /// How many posts' notifications are still to be written.
    pub async fn queued_notification_jobs(&self) -> Result<i64> {
        self.read(&[], |db| {
            db.one("SELECT count(*) FROM notification_jobs", &[])
        })
        .await
    }

    /// A person's notifications, newest first, and how many they have.
    pub async fn notifications(
        &self,
        user: UserId,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Notification>, i64)> {
        self.read(&[Change::User(user), Change::Lists], move |db| {
            let list: Vec<Notification> = db.all(
                &format!("{LIST} ORDER BY n.id DESC LIMIT $2 OFFSET $3"),
                &[&user.0, &limit, &offset],
            )?;
            let total: i64 = db.one(
                "SELECT count(*) FROM notifications WHERE user_id = $1",
                &[&user.0],
            )?;
            Ok((list, total))
        })
        .await
    }

    /// One of a person's notifications.
    pub async fn notification(&self, user: UserId, id: i64) -> Result<Option<Notification>> {
        self.read(&[Change::User(user)], move |db| {
            db.opt(&format!("{LIST} AND n.id = $2"), &[&user.0, &id])
        })
        .await
    }

    /// Marks one notification (or, with `None`, all of them) read, and
    /// remembers the newest one the person has seen.
    pub async fn mark_notifications_read(&self, user: UserId, id: Option<i64>) -> Result<()> {
        self.write(move |tx| {
            match id {
                Some(id) => tx.exec("UPDATE notifications SET read = TRUE WHERE user_id = $1 AND id = $2 AND NOT read", &[&user.0, &id])?,
                None => tx.exec("UPDATE notifications SET read = TRUE WHERE user_id = $1 AND NOT read", &[&user.0])?,
            };
            tx.exec(
                "UPDATE users SET seen_notification_id = COALESCE((SELECT max(id) FROM notifications WHERE user_id = $1), 0) WHERE id = $1",
                &[&user.0],
            )?;
            recount(tx, user)
        })
        .await
    }

    /// The newest notification a person has seen the list of.
    pub async fn seen_notification_id(&self, user: UserId) -> Result<i64> {
        self.read(&[Change::User(user)], move |db| {
            Ok(db
                .opt(
                    "SELECT seen_notification_id FROM users WHERE id = $1",
                    &[&user.0],
                )?
                .unwrap_or(0))
        })
        .await
    }

    /// Sets a person's level for a topic.
    pub async fn set_topic_level(&self, user: UserId, topic: TopicId, level: Level) -> Result<()> {
        let now = minga_core::time::now_ms();
        self.write(move |tx| {
            let done = tx.exec(
                "INSERT INTO topic_users (user_id, topic_id, last_read_post_number, first_visited_at, notification_level) \
                 SELECT $1, $2, 0, $3, $4 WHERE EXISTS (SELECT 1 FROM topics WHERE id = $2 AND deleted_at IS NULL) \
                 ON CONFLICT (user_id, topic_id) DO UPDATE SET notification_level = $4",
                &[&user.0, &topic.0, &now, &level.id()],
            )?;
            if done == 0 {
                return Err(crate::StoreError::Missing(crate::Thing::Topic));
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Sets the level a topic takes when the person replies to it
    /// (regular, tracking or watching).
    pub async fn set_reply_level(&self, user: UserId, level: Level) -> Result<()> {
        self.write(move |tx| {
            let done = tx.exec("UPDATE users SET notification_level_when_replying = $2 WHERE id = $1", &[&user.0, &level.id()])?;
            if done == 0 {
                return Err(crate::StoreError::NotFound);
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// Sets a person's level for a category (regular forgets it).
    pub async fn set_category_level(
        &self,
        user: UserId,
        category: CategoryId,
        level: Level,
    ) -> Result<()> {
        self.write(move |tx| {
            if level == Level::Regular {
                tx.exec("DELETE FROM category_users WHERE user_id = $1 AND category_id = $2", &[&user.0, &category.0])?;
            } else {
                let done = tx.exec(
                    "INSERT INTO category_users (user_id, category_id, notification_level) SELECT $1, $2, $3 \
                     WHERE EXISTS (SELECT 1 FROM categories WHERE id = $2) \
                     ON CONFLICT (user_id, category_id) DO UPDATE SET notification_level = $3",
                    &[&user.0, &category.0, &level.id()],
                )?;
                if done == 0 {
                    return Err(crate::StoreError::Missing(crate::Thing::Category));
                }
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// The levels a person chose for categories.
    pub async fn category_levels(&self, user: UserId) -> Result<Vec<(CategoryId, Level)>> {
        let rows: Vec<(i64, i64)> = self
            .read(&[Change::User(user)], move |db| {
                db.all(
                    "SELECT category_id, notification_level FROM category_users WHERE user_id = $1",
                    &[&user.0],
                )
            })
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(c, l)| Some((CategoryId(c), Level::from_id(l)?)))
            .collect())
    }

    /// A person's level for a topic, and how far they read it.
    pub async fn topic_user(&self, user: UserId, topic: TopicId) -> Result<TopicUser> {
        let row: Option<(Option<i64>, Option<i64>, Option<i64>, i64)> = self
            .read(&[Change::User(user), Change::Topic(topic)], move |db| {
                db.opt(
                    "SELECT tu.notification_level, cu.notification_level, tu.last_read_post_number, t.highest_post_number FROM topics t \
                     LEFT JOIN topic_users tu ON tu.topic_id = t.id AND tu.user_id = $1 \
                     LEFT JOIN category_users cu ON cu.category_id = t.category_id AND cu.user_id = $1 WHERE t.id = $2",
                    &[&user.0, &topic.0],
                )
            })
            .await?;
        Ok(row
            .map(|(l, c, r, h)| TopicUser {
                level: l.and_then(Level::from_id),
                category_level: c.and_then(Level::from_id),
                last_read_post_number: r.unwrap_or(0),
                highest_post_number: h,
            })
            .unwrap_or_default())
    }
}

impl Store {
    /// How far a person read each of `topics` and their own level for it
    /// (topic, last post read, level), and the levels they chose for
    /// categories: one trip.
    pub async fn topic_users_for(
        &self,
        user: UserId,
        topics: &[TopicId],
    ) -> Result<(Vec<(TopicId, i64, Option<Level>)>, Vec<(CategoryId, Level)>)> {
        if topics.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let list = json_ids(topics.iter().map(|t| t.0));
        let (rows, categories): (Vec<(i64, i64, Option<i64>)>, Vec<(i64, i64)>) = self
            .read(&[Change::User(user)], move |db| {
                let backend = db.backend();
                let rows = db.all(
                    &format!("SELECT topic_id, last_read_post_number, notification_level FROM topic_users WHERE user_id = $1 AND topic_id {}", in_ids(backend, 2)),
                    &[&user.0, &list],
                )?;
                let categories = db.all("SELECT category_id, notification_level FROM category_users WHERE user_id = $1", &[&user.0])?;
                Ok((rows, categories))
            })
            .await?;
        Ok((
            rows.into_iter()
                .map(|(t, r, l)| (TopicId(t), r, l.and_then(Level::from_id)))
                .collect(),
            categories
                .into_iter()
                .filter_map(|(c, l)| Some((CategoryId(c), Level::from_id(l)?)))
                .collect(),
        ))
    }

    /// Tells a person someone invited them to a topic (once per topic).
    pub async fn invite_to_topic(&self, user: UserId, topic: TopicId, by: UserId) -> Result<()> {
        let now = minga_core::time::now_ms();
        self.write(move |tx| {
            let first: Option<i64> =
                tx.opt("SELECT p.id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE p.topic_id = $1 AND p.post_number = 1 AND t.deleted_at IS NULL", &[&topic.0])?;
            let first = first.ok_or(crate::StoreError::Missing(crate::Thing::Topic))?;
            notify_one(tx, user, Kind::InvitedToTopic, Some(topic), Some((PostId(first), 1)), Some(by), now)
        })
        .await
    }

    /// "Dismiss new": topics started before now are no longer new to them.
    pub async fn reset_new(&self, user: UserId) -> Result<()> {
        let now = minga_core::time::now_ms();
        self.write(move |tx| {
            tx.exec(
                "UPDATE users SET new_since = $2 WHERE id = $1",
                &[&user.0, &now],
            )?;
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }

    /// "Dismiss unread": marks every post of these topics (all they track,
    /// with `None`) read, and their notifications with them.
    pub async fn dismiss_unread(&self, user: UserId, topics: Option<Vec<TopicId>>) -> Result<()> {
        self.write(move |tx| {
            let backend = tx.backend();
            let within = match &topics {
                Some(_) => format!("AND topic_id {}", in_ids(backend, 2)),
                None => "AND $2 = $2".into(),
            };
            let list = json_ids(topics.iter().flatten().map(|t| t.0));
            tx.exec(
                &format!(
                    "UPDATE topic_users SET last_read_post_number = (SELECT t.highest_post_number FROM topics t WHERE t.id = topic_users.topic_id) \
                     WHERE user_id = $1 AND last_read_post_number > 0 {within}"
                ),
                &[&user.0, &list],
            )?;
            let marked = tx.exec(
                &format!(
                    "UPDATE notifications SET read = TRUE WHERE user_id = $1 AND NOT read AND topic_id IN \
                     (SELECT topic_id FROM topic_users WHERE user_id = $1 AND last_read_post_number > 0 {within})"
                ),
                &[&user.0, &list],
            )?;
            if marked > 0 {
                recount(tx, user)?;
            }
            tx.changed(Change::User(user));
            Ok(())
        })
        .await
    }
}
