//! A forum read in Spanish holds no English word from the English
//! catalogue: every page a visitor, a member and an admin see, the forms
//! sent back with their errors, and the API's errors.
//!
//! The words looked for are those of the English catalogue that the
//! Spanish one never uses ("reply", "topics", "sign"), so names both
//! languages share ("API", "Markdown", "JSON") are not counted. The
//! forum's own content is written in Spanish; the names of languages in
//! the language switch carry their own `lang` and are skipped.

mod support;

use axum::http::{Method, StatusCode};
use minga_store::Backend;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::{Auth, Send, TestApp};

both_backends!(a_forum_in_spanish_shows_no_english_word);

const SPANISH: (&str, &str) = ("accept-language", "es-AR,es;q=0.9");

/// The words of a language's catalogue: the text of every message and
/// variant, without its variables, in lower case.
fn catalogue_words(tag: &str) -> BTreeSet<String> {
    use fluent_syntax::ast::{Entry, Expression, Pattern, PatternElement};
    fn pattern(p: &Pattern<&str>, out: &mut String) {
        for element in &p.elements {
            match element {
                PatternElement::TextElement { value } => {
                    out.push(' ');
                    out.push_str(value);
                }
                PatternElement::Placeable { expression: Expression::Select { variants, .. } } => {
                    for v in variants {
                        pattern(&v.value, out);
                    }
                }
                PatternElement::Placeable { .. } => out.push(' '),
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(tag);
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let resource = fluent_syntax::parser::parse(source.as_str()).expect("parses");
        for entry in &resource.body {
            if let Entry::Message(m) = entry
                && let Some(p) = &m.value
            {
                pattern(p, &mut text);
            }
        }
    }
    words(&text)
}

fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 2).map(str::to_lowercase).collect()
}

/// What a reader meets on a page: its text, and the words in attributes
/// that are read out or shown (labels, titles, placeholders, buttons).
/// Scripts and styles are not read; an element in another language says
/// so with `lang` and is left out.
fn readable(html: &str) -> String {
    let mut html = html.to_string();
    for tag in ["script", "style"] {
        while let Some(start) = html.find(&format!("<{tag}")) {
            let end = html[start..].find(&format!("</{tag}>")).map_or(html.len(), |e| start + e + tag.len() + 3);
            html.replace_range(start..end, " ");
        }
    }
    // Elements marked as English (the language switch, the language
    // select), in the body: the page's own `lang` is on `<html>`.
    let body = html.find("<body").unwrap_or(0);
    while let Some(at) = html[body..].find(" lang=\"en\"").map(|i| body + i) {
        let start = html[..at].rfind('<').unwrap();
        let name: String = html[start + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let end = html[at..].find(&format!("</{name}>")).map_or(html.len(), |e| at + e + name.len() + 3);
        html.replace_range(start..end, " ");
    }
    let mut out = String::new();
    for attribute in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
        for piece in html.split(attribute).skip(1) {
            out.push_str(piece.split('"').next().unwrap());
            out.push(' ');
        }
    }
    for button in html.split("type=\"submit\"").skip(1) {
        if let Some(value) = button.split('>').next().and_then(|b| b.split("value=\"").nth(1)) {
            out.push_str(value.split('"').next().unwrap());
            out.push(' ');
        }
    }
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
}

struct Check {
    english: BTreeSet<String>,
    found: Vec<String>,
    pages: usize,
}

impl Check {
    fn new() -> Check {
        let spanish = catalogue_words("es");
        let english: BTreeSet<String> = catalogue_words("en").difference(&spanish).cloned().collect();
        assert!(english.len() > 300 && english.contains("reply") && !english.contains("json"), "{} words", english.len());
        Check { english, found: Vec::new(), pages: 0 }
    }

    fn english_in(&self, text: &str) -> Vec<String> {
        words(text).intersection(&self.english).cloned().collect()
    }

    fn page(&mut self, what: &str, r: &support::Response) {
        let html = r.text();
        assert!(html.contains("<html lang=\"es\""), "{what} is not in Spanish: {html}");
        let text = readable(&html);
        let english = self.english_in(&text);
        if !english.is_empty() {
            self.found.push(format!("{what}: {english:?}"));
        }
        self.pages += 1;
    }

    fn json(&mut self, what: &str, v: &Value) {
        let errors: Vec<&str> = v["errors"].as_array().unwrap_or_else(|| panic!("{what}: {v}")).iter().filter_map(Value::as_str).collect();
        assert!(!errors.is_empty(), "{what}: {v}");
        let english = self.english_in(&errors.join(" "));
        if !english.is_empty() {
            self.found.push(format!("{what}: {english:?} in {errors:?}"));
        }
        self.pages += 1;
    }
}

async fn a_forum_in_spanish_shows_no_english_word(b: Backend) {
    let app = TestApp::new(b).await;
    let es = [SPANISH];
    let mut check = Check::new();

    // The detector finds English where there is English.
    let (admin, category) = {
        let neto = app.user("neto", true).await;
        let key = app.key_for(&neto).await;
        let r = app.post_json("/categories.json", &key, json!({"name": "Intercooperación", "color": "0088CC", "description": "Redes entre cooperativas de todo el mundo."})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        (key, r.json()["category"]["id"].as_i64().unwrap())
    };
    let english = readable(&app.get("/latest", &Auth::Anon).await.text());
    assert!(check.english_in(&english).len() > 5, "the English page is caught: {:?}", check.english_in(&english));

    // A forum written in Spanish.
    let lucia = app.user("lucia", false).await;
    let sol = app.user("sol", false).await;
    let lucia_key = app.key_for(&lucia).await;
    let (topic, first) = app.topic(&admin, category, "Llamada entre Londres y Buenos Aires", "¡Qué buena idea! Avisen si se suman.").await;
    let reply = app.reply(&lucia_key, topic, "Yo me sumo, cuenten conmigo.").await["id"].as_i64().unwrap();
    let r = app.post_json("/post_actions.json", &lucia_key, json!({"id": first, "post_action_type_id": 7, "message": "revisar el enlace"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json("/admin/groups.json", &admin, json!({"group": {"name": "tecnicas", "full_name": "Cooperativas técnicas", "usernames": "lucia", "public_admission": true}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Lucía hears of a mention and of a reply to her, in her list.
    app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": "Gracias, @lucia, te esperamos.", "reply_to_post_number": 2})).await;
    app.settle().await;
    for (action, body) in [
        (
            "suspend",
            json!({"suspend_until": "2121-02-22", "reason": "pruebas"}),
        ),
        (
            "silence",
            json!({"silenced_till": "2121-02-22", "reason": "pruebas"}),
        ),
    ] {
        let r = app
            .call(
                Method::PUT,
                &format!("/admin/users/{}/{action}.json", sol.id.0),
                &admin,
                Send::Json(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let neto = app.session("neto").await;
    let member = app.session("lucia").await;
    let slug = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await["slug"].as_str().unwrap().to_string();

    // What a visitor sees.
    for path in [
        "/".to_string(),
        "/latest".into(),
        "/top".into(),
        "/categories".into(),
        format!("/c/intercooperacion/{category}"),
        format!("/t/{slug}/{topic}"),
        "/login".into(),
        "/signup".into(),
        "/u/lucia".into(),
        "/groups".into(),
        "/g/tecnicas".into(),
        "/about".into(),
        "/t/no-existe/999999".into(),
    ] {
        let r = app.get_with(&path, &Auth::Anon, &es).await;
        check.page(&format!("visitor {path}"), &r);
    }
    // What a member sees.
    for path in [
        "/latest".to_string(),
        "/new-topic".into(),
        format!("/t/{slug}/{topic}"),
        format!("/posts/{reply}/edit"),
        "/u/lucia/preferences".into(),
        "/u/lucia/preferences/apps".into(),
        "/u/lucia/notifications".into(),
        "/new".into(),
        "/unread".into(),
        "/g/tecnicas".into(),
        "/review".into(),
    ] {
        let r = app.get_with(&path, &member, &es).await;
        check.page(&format!("member {path}"), &r);
    }
    // What the admin sees.
    for path in [
        "/latest".to_string(),
        "/admin/users".into(),
        format!("/admin/users/{}", sol.id.0),
        format!("/admin/users/{}", lucia.id.0),
        "/admin/site_settings".into(),
        "/admin/categories".into(),
        format!("/admin/categories/{category}"),
        "/admin/logs/staff_action_logs".into(),
        "/review".into(),
        "/u/neto/preferences".into(),
    ] {
        let r = app.get_with(&path, &neto, &es).await;
        check.page(&format!("admin {path}"), &r);
    }

    // Forms sent back with their errors.
    let visitor = app.visitor().await;
    let forms: [(&str, &Auth, &str, &str); 7] = [
        ("sign-up", &visitor, "/signup", "email=no-es-correo&username=a&password=corta"),
        ("log-in", &visitor, "/login", "login=lucia&password=equivocada"),
        ("new topic", &member, "/new-topic", "title=corto&raw=&category=999"),
        ("reply", &member, &format!("/t/{topic}/reply"), "raw=+"),
        ("preferences", &member, "/u/lucia/preferences", "website=ftp%3A%2F%2Fx&timezone=Marte%2FOlimpo&locale=fr"),
        ("category", &neto, "/admin/categories", "name=&slug=MAL&color=rojo"),
        ("settings", &neto, "/admin/site_settings", "default_locale=fr&max_user_api_reqs_per_minute=-1"),
    ];
    for (what, auth, path, body) in forms {
        let r = app.call_with(Method::POST, path, auth, Send::Form(body), &es).await;
        assert!(r.status.is_client_error(), "{what}: {} {}", r.status, r.text());
        check.page(&format!("{what} form"), &r);
    }
    // A suspended person trying to log in.
    let r = app.call_with(Method::POST, "/login", &visitor, Send::Form("login=sol&password=correct+horse+battery"), &es).await;
    assert!(r.text().contains("suspendida"), "{}", r.text());
    check.page("suspended log-in", &r);

    // The API's errors.
    let json_calls: [(&str, Method, &str, &Auth, Value); 6] = [
        ("missing topic", Method::GET, "/t/999999.json", &Auth::Anon, Value::Null),
        ("not logged in", Method::POST, "/posts.json", &visitor, json!({"raw": "hola"})),
        ("short title", Method::POST, "/posts.json", &lucia_key, json!({"title": "corto", "raw": "", "category": category})),
        ("bad group", Method::POST, "/admin/groups.json", &admin, json!({"group": {"name": "x y", "visibility_level": 9}})),
        ("own flag", Method::POST, "/post_actions.json", &lucia_key, json!({"id": reply, "post_action_type_id": 8})),
        ("staff only", Method::GET, "/admin/users.json", &lucia_key, Value::Null),
    ];
    for (what, method, path, auth, body) in json_calls {
        let send = if body.is_null() { Send::Nothing } else { Send::Json(body) };
        let r = app.call_with(method, path, auth, send, &es).await;
        assert!(r.status.is_client_error(), "{what}: {} {}", r.status, r.text());
        check.json(what, &r.json());
    }

    // A person's own setting decides, with no browser header at all.
    let r = app.call(Method::PUT, "/u/lucia.json", &lucia_key, Send::Json(json!({"locale": "es"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json("/posts.json", &lucia_key, json!({"title": "corto", "raw": "", "category": category})).await;
    let errors = r.assert_error(422, "invalid_parameters");
    assert!(errors["errors"][0].as_str().unwrap().starts_with("El título necesita al menos 15 caracteres"), "{errors}");
    assert_eq!(errors["field_errors"][1]["message"], "El mensaje no puede quedar vacío.", "{errors}");
    // And English readers still get English.
    let r = app.call(Method::GET, "/t/999999.json", &Auth::Anon, Send::Nothing).await;
    assert_eq!(r.assert_error(404, "not_found")["errors"][0], "The requested URL or resource could not be found.");

    assert!(check.pages >= 45, "{} pages and answers read", check.pages);
    assert!(check.found.is_empty(), "English in Spanish pages:\n{}", check.found.join("\n"));
}
