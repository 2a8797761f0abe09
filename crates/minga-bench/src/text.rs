//! Believable forum text: people, co-ops, categories, topic titles and
//! post bodies in Discourse-flavoured Markdown (paragraphs, lists, links,
//! @mentions, quotes, emoji, code), all drawn from a seeded `Rng`.

use crate::rng::Rng;

const FIRST: &[&str] = &[
    "amara", "bruno", "carmen", "dmitri", "elena", "farid", "gwen", "hugo", "ines", "jonas", "kemi", "lucia",
    "mateo", "nadia", "oscar", "priya", "quinn", "rosa", "samir", "tamsin", "ugo", "vera", "wanjiru", "xavi",
    "yusuf", "zoe", "idris", "lena", "marta", "pablo", "sofia", "tomas", "aiko", "beatriz", "cyril", "dara",
];
const LAST: &[&str] = &[
    "Okafor", "Silva", "Ruiz", "Ivanov", "Hale", "Kamara", "Moreau", "Novak", "Costa", "Berg", "Adeyemi", "Ferreira",
    "Lopez", "Haddad", "Nakamura", "Quispe", "Mendes", "Kowalski", "Osei", "Varga", "Bianchi", "Lindqvist",
];
const PLACES: &[&str] = &[
    "Bristol, UK", "Buenos Aires, Argentina", "Córdoba, Argentina", "Oakland, USA", "Lisbon, Portugal",
    "Nairobi, Kenya", "Montréal, Canada", "Barcelona, Spain", "Leeds, UK", "Berlin, Germany", "Quito, Ecuador",
];
const COOP_A: &[&str] = &["Hedgerow", "Telar", "Yerba", "Riverbend", "Kettle", "Bramble", "Cardo", "Lichen", "Harbour", "Quinoa", "Mycelium", "Tidal"];
const COOP_B: &[&str] = &["Digital", "Tech", "Software", "Data", "Web", "Systems", "Hosting", "Design"];
const COOP_C: &[&str] = &["Co-operative", "Cooperative", "Cooperativa de Trabajo", "Workers' Co-op", "Collective"];

/// Categories: name, description, colour.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    ("General", "Anything about running a tech co-op that fits nowhere else.", "0088CC"),
    ("Hosting & Infrastructure", "Servers, backups, monitoring and the shared hosting project.", "2E7D6B"),
    ("Governance", "Decision making, sociocracy, general meetings and bylaws.", "8A4F9E"),
    ("Money & Legal", "Pay, pricing, accounts, contracts and legal structures.", "C27C0E"),
    ("Clients & Projects", "Finding work, sharing work and working together on bids.", "3B5BA5"),
    ("Membership & Hiring", "Recruiting, onboarding and becoming a member.", "A23B72"),
    ("Tools", "Software we use and build: chat, wikis, time tracking, CI.", "4F7A28"),
    ("Events", "Gatherings, meet-ups, calls and the annual CoTech day.", "D2553F"),
    ("Federation", "Regional federations and working across borders.", "1F6F8B"),
    ("Off-topic", "Bikes, bread, books and allotments.", "7D5A44"),
];

const TOOLS: &[&str] = &[
    "Nextcloud", "Matrix", "Mattermost", "Loomio", "GitLab", "Forgejo", "Ansible", "Proxmox", "Grafana", "Restic",
    "PostgreSQL", "Kimai", "Odoo", "Zulip", "Jitsi", "BigBlueButton", "Borg", "Caddy", "Debian", "Kubernetes",
];
const THINGS: &[&str] = &[
    "pay ratios", "onboarding", "on-call rotas", "pricing day rates", "member buy-in", "sick leave", "the annual accounts",
    "shared hosting", "client contracts", "backups", "a four-day week", "training budgets", "conflict resolution",
    "the general meeting", "profit sharing", "tender bids", "security audits", "accessibility reviews", "remote work",
];
const NOUNS: &[&str] = &[
    "meeting", "proposal", "budget", "server", "client", "member", "contract", "rota", "invoice", "workshop", "policy",
    "handbook", "migration", "release", "circle", "mandate", "retrospective", "backlog", "quote", "timeline",
];
const VERBS: &[&str] = &[
    "tried", "dropped", "moved to", "wrote up", "voted on", "budgeted for", "argued about", "automated", "shared",
    "documented", "simplified", "paid for", "trialled", "outgrew", "self-hosted", "rebuilt",
];
const ADJ: &[&str] = &[
    "small", "boring", "careful", "slow", "cheap", "messy", "shared", "quarterly", "informal", "written", "open",
    "rotating", "flat", "transparent", "regional", "long",
];
const OPENERS: &[&str] = &[
    "Thanks for starting this.", "Good question.", "We had the same problem last year.", "Quick update from our side.",
    "I'd second that.", "Not sure I agree, but here goes.", "Coming back to this after our general meeting.",
    "Some context first.", "Short version:", "Late to this thread, sorry!",
];
const EMOJI: &[&str] = &[":smile:", ":tada:", ":+1:", ":heart:", ":thinking:", ":rocket:", ":sweat_smile:", ":seedling:", ":coffee:", ":wave:", "🎉", "🙂", "👍"];

pub fn username(i: u64) -> String {
    format!("{}{}", FIRST[(i % FIRST.len() as u64) as usize], i)
}

/// The full name of user `i`, whose first name matches the username.
pub fn full_name(i: u64, rng: &mut Rng) -> String {
    let first = FIRST[(i % FIRST.len() as u64) as usize];
    let mut name = first[..1].to_uppercase();
    name.push_str(&first[1..]);
    format!("{name} {}", rng.pick(LAST))
}

pub fn coop(i: u64) -> String {
    let a = COOP_A[(i % COOP_A.len() as u64) as usize];
    let b = COOP_B[((i / COOP_A.len() as u64) % COOP_B.len() as u64) as usize];
    let c = COOP_C[((i / 7) % COOP_C.len() as u64) as usize];
    format!("{a} {b} {c}")
}

/// A group name for co-op `i`: lower case, unique, at most 20 characters.
pub fn coop_name(i: u64) -> String {
    format!("{}{}", COOP_A[(i % COOP_A.len() as u64) as usize].to_lowercase(), i)
}

pub fn coop_bio(rng: &mut Rng) -> String {
    format!(
        "A worker co-op of {} people. We build {} for {}, and we run our own {}.",
        rng.range(3, 40),
        rng.pick(&["websites", "small web apps", "data pipelines", "mobile apps", "accessible front ends"]),
        rng.pick(&["charities", "housing co-ops", "community energy groups", "public universities", "other co-ops"]),
        rng.pick(&["servers", "mail", "chat", "CI", "backups"]),
    )
}

pub fn place(rng: &mut Rng) -> &'static str {
    rng.pick(PLACES)
}

pub fn bio(rng: &mut Rng, coop: &str) -> String {
    format!(
        "{} at {coop}. I look after {} and {}. Ask me about {}.",
        rng.pick(&["Developer", "Designer", "Ops person", "Worker-member", "Project lead", "Bookkeeper"]),
        rng.pick(THINGS),
        rng.pick(TOOLS),
        rng.pick(THINGS),
    )
}

pub fn title(rng: &mut Rng) -> String {
    let t = match rng.below(7) {
        0 => format!("How do you handle {} in a {} co-op?", rng.pick(THINGS), rng.pick(ADJ)),
        1 => format!("{} or {} for {}?", rng.pick(TOOLS), rng.pick(TOOLS), rng.pick(THINGS)),
        2 => format!("Notes from our {} on {}", rng.pick(NOUNS), rng.pick(THINGS)),
        3 => format!("We {} {}: what we learned", rng.pick(VERBS), rng.pick(TOOLS)),
        4 => format!("Looking for co-ops to share a {} {}", rng.pick(ADJ), rng.pick(NOUNS)),
        5 => format!("Proposal: a {} {} for {}", rng.pick(ADJ), rng.pick(NOUNS), rng.pick(THINGS)),
        _ => format!("Has anyone {} {} recently?", rng.pick(VERBS), rng.pick(TOOLS)),
    };
    let mut chars = t.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => t,
    }
}

fn sentence(rng: &mut Rng, users: u64) -> String {
    let mut s = match rng.below(16) {
        0 => format!("We {} {} at our {} and it took about {} weeks", rng.pick(VERBS), rng.pick(TOOLS), rng.pick(NOUNS), rng.range(2, 9)),
        1 => format!("The {} {} we agreed on covers {}", rng.pick(ADJ), rng.pick(NOUNS), rng.pick(THINGS)),
        2 => format!("Our members found that **{}** matters more than the tooling", rng.pick(THINGS)),
        // People are mentioned now and then, not in every post.
        3 if rng.chance(0.4) => format!("@{} might know more, they {} {} last spring", username(rng.below(users)), rng.pick(VERBS), rng.pick(TOOLS)),
        4 => format!("There is a write-up on [our wiki](https://wiki.example.org/{}) about the {}", rng.pick(NOUNS), rng.pick(NOUNS)),
        5 => format!("Running `{}` on a {} box was _much_ easier than we expected", rng.pick(TOOLS).to_lowercase(), rng.pick(ADJ)),
        6 => format!("I would keep the {} {} and revisit {} at the next general meeting", rng.pick(ADJ), rng.pick(NOUNS), rng.pick(THINGS)),
        7 => format!("It cost us roughly {} hours a month, mostly on {}", rng.range(2, 40), rng.pick(THINGS)),
        8 => format!("Honestly the hard part was never {}, it was agreeing on {}", rng.pick(TOOLS), rng.pick(THINGS)),
        9 => format!("Half of our {} members would rather have a {} {}", rng.range(4, 30), rng.pick(ADJ), rng.pick(NOUNS)),
        10 => format!("See the [{} notes](https://{}.example.org/notes/{}) if you want the details", rng.pick(NOUNS), rng.pick(&["hedgerow", "telar", "yerba", "riverbend"]), rng.range(1, 400)),
        11 => format!("Could we put {} on the agenda for the {} call", rng.pick(THINGS), rng.pick(&["monthly", "federation", "Thursday", "members'"])),
        12 => format!("We ended up with a {} {} and ~~{}~~ a lot less {}", rng.pick(ADJ), rng.pick(NOUNS), rng.pick(&["far", "much"]), rng.pick(&["stress", "email", "arguing", "guesswork"])),
        13 => format!("Our {} still runs on {}, and nobody has complained", rng.pick(NOUNS), rng.pick(TOOLS)),
        14 => format!("Moving from {} to {} took one {} and most of a {}", rng.pick(TOOLS), rng.pick(TOOLS), rng.pick(NOUNS), rng.pick(&["week", "month", "sprint", "weekend"])),
        _ => format!("For {} we pay ourselves the same day rate, which keeps {} simple", rng.pick(THINGS), rng.pick(THINGS)),
    };
    s.push(if rng.chance(0.1) { '!' } else { '.' });
    if rng.chance(0.08) {
        s.push(' ');
        s.push_str(rng.pick(EMOJI));
    }
    s
}

fn paragraph(rng: &mut Rng, users: u64) -> String {
    let n = rng.range(2, 4);
    (0..n).map(|_| sentence(rng, users)).collect::<Vec<_>>().join(" ")
}

/// A post body of roughly 1–2 KB: an opener, then a mix of paragraphs,
/// lists, quotes and the odd code block. Links stay inline: a URL alone
/// on its line would become a onebox, and the server might try to fetch it.
pub fn post(rng: &mut Rng, users: u64) -> String {
    let target = rng.range(1000, 1750) as usize;
    let mut out = String::with_capacity(target + 400);
    out.push_str(rng.pick(OPENERS));
    out.push(' ');
    out.push_str(&paragraph(rng, users));
    let mut after_list = false;
    while out.len() < target {
        out.push_str("\n\n");
        let kind = rng.below(10);
        // Two lists in a row would merge into one; a paragraph goes between.
        let kind = if after_list && kind <= 2 { 9 } else { kind };
        after_list = kind <= 2;
        match kind {
            0 | 1 => {
                for _ in 0..rng.range(2, 4) {
                    out.push_str(&format!("- {} {} for {}\n", rng.pick(VERBS), rng.pick(TOOLS), rng.pick(THINGS)));
                }
                out.pop();
            }
            2 => {
                for i in 1..=rng.range(2, 4) {
                    out.push_str(&format!("{i}. Agree the {} {}\n", rng.pick(ADJ), rng.pick(NOUNS)));
                }
                out.pop();
            }
            3 => out.push_str(&format!("> {}\n> {}", sentence(rng, users), sentence(rng, users))),
            4 if rng.chance(0.3) => {
                out.push_str(&format!("```\n$ {} --check\nok: {} {}\n```", rng.pick(TOOLS).to_lowercase(), rng.range(1, 99), rng.pick(NOUNS)))
            }
            _ => out.push_str(&paragraph(rng, users)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_one_to_two_kilobytes_and_reproducible() {
        for i in 0..200 {
            let p = post(&mut Rng::derive(3, &[i]), 500);
            assert!((1000..2300).contains(&p.len()), "{} bytes: {p}", p.len());
            assert_eq!(p, post(&mut Rng::derive(3, &[i]), 500));
        }
    }

    #[test]
    fn titles_pass_validation() {
        let limits = minga_core::Limits::default();
        for i in 0..200 {
            let t = title(&mut Rng::derive(4, &[i]));
            assert!(minga_core::validate::title(&t, &limits).is_ok(), "{t}");
        }
    }

    #[test]
    fn usernames_are_valid_and_unique() {
        let names: std::collections::HashSet<String> = (0..5000).map(username).collect();
        assert_eq!(names.len(), 5000);
        assert!(minga_core::validate::username(&username(19_999)).is_ok());
    }
}
