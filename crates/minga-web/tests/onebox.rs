//! Oneboxes: the fetcher against a real HTTP server on loopback (allowed
//! for these tests only), its refusals, and cards in cooked posts on both
//! backends.

mod support;

use minga_store::Backend;
use minga_web::onebox::fetch::{FetchError, FetchPolicy, fetch_card};
use serde_json::json;
use std::time::Duration;
use support::{Auth, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A tiny HTTP server with a few fixed pages; returns its base URL.
async fn page_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let agent_ok = request.to_ascii_lowercase().contains("user-agent: minga/");
                let html = |body: String| format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let redirect = |to: &str| format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let response = match path.as_str() {
                    "/page" if agent_ok => html(r#"<html><head><title>Fallback</title><meta property="og:site_name" content="CoTech"><meta property="og:title" content="CoTech Gathering 2018: Shared Hosting and Infrastructure"><meta property="og:description" content="Two days in London &amp; a call with Buenos Aires."><meta property="og:image" content="https://example.org/card.png"></head></html>"#.into()),
                    "/page" => "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
                    "/moved" => redirect("/page"),
                    "/to-private" => redirect("http://10.0.0.1/admin"),
                    "/to-metadata" => redirect("http://169.254.169.254/latest/meta-data/"),
                    "/to-ftp" => redirect("ftp://example.org/file"),
                    "/loop" => redirect("/loop"),
                    "/image" => "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4\r\nConnection: close\r\n\r\nPNG!".into(),
                    "/big" => html(format!("<html><head>{}<title>Too far down</title></head></html>", "<!-- padding -->".repeat(80_000))),
                    "/slow" => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        html("<title>late</title>".into())
                    }
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
                };
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    base
}

fn loopback() -> FetchPolicy {
    FetchPolicy { allow_loopback: true, timeout: Duration::from_millis(1500), ..FetchPolicy::default() }
}

#[tokio::test]
async fn reads_opengraph_and_follows_redirects() {
    let base = page_server().await;
    let card = fetch_card(&format!("{base}/moved"), &loopback()).await.unwrap();
    assert!(card.ok);
    assert_eq!(card.url, format!("{base}/moved"), "the card belongs to the URL as posted");
    assert_eq!(card.site_name, "CoTech");
    assert_eq!(card.title, "CoTech Gathering 2018: Shared Hosting and Infrastructure");
    assert_eq!(card.description, "Two days in London & a call with Buenos Aires.");
    assert_eq!(card.image, "https://example.org/card.png");
}

#[tokio::test]
async fn refuses_private_addresses_even_after_redirects() {
    let base = page_server().await;
    // Loopback itself is refused unless a test allows it.
    let strict = FetchPolicy { timeout: Duration::from_millis(1500), ..FetchPolicy::default() };
    assert!(matches!(fetch_card(&format!("{base}/page"), &strict).await, Err(FetchError::Address(_))));
    let localhost = base.replace("127.0.0.1", "localhost");
    assert!(matches!(fetch_card(&format!("{localhost}/page"), &strict).await, Err(FetchError::Address(_))), "refused after name resolution");
    for path in ["/to-private", "/to-metadata"] {
        let r = fetch_card(&format!("{base}{path}"), &loopback()).await;
        assert!(matches!(r, Err(FetchError::Address(_))), "{path}: {r:?}");
    }
    for url in ["http://10.0.0.1/", "http://[::ffff:192.168.0.1]/", "http://[fe80::1]/", "http://0.0.0.0:80/", "http://224.0.0.1/"] {
        assert!(matches!(fetch_card(url, &loopback()).await, Err(FetchError::Address(_))), "{url}");
    }
    assert_eq!(fetch_card(&format!("{base}/to-ftp"), &loopback()).await, Err(FetchError::Scheme));
    assert_eq!(fetch_card("file:///etc/passwd", &loopback()).await, Err(FetchError::Scheme));
    assert_eq!(fetch_card("javascript:alert(1)", &loopback()).await, Err(FetchError::Scheme));
}

#[tokio::test]
async fn stops_at_limits() {
    let base = page_server().await;
    assert_eq!(fetch_card(&format!("{base}/loop"), &loopback()).await, Err(FetchError::Redirects));
    assert_eq!(fetch_card(&format!("{base}/image"), &loopback()).await, Err(FetchError::NotHtml));
    assert_eq!(fetch_card(&format!("{base}/missing"), &loopback()).await, Err(FetchError::Status(404)));
    let big = fetch_card(&format!("{base}/big"), &loopback()).await.unwrap();
    assert!(!big.ok && big.title.is_empty(), "reading stops at 1 MB, before the title");
    let started = std::time::Instant::now();
    assert!(fetch_card(&format!("{base}/slow"), &loopback()).await.is_err());
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

both_backends!(internal_links_become_cards_for_readers, external_links_become_cards_once_fetched);

async fn internal_links_become_cards_for_readers(b: Backend) {
    let app = TestApp::new(b).await;
    let (admin, category) = app.admin_and_category().await;
    let (linked, _) = app.topic(&admin, category, "CoTech Gathering 2018: Shared Hosting and Infrastructure", "Two days of hacking on shared hosting.").await;
    let (gone, gone_first) = app.topic(&admin, category, "A topic about to be deleted", "secret words").await;
    app.call(axum::http::Method::DELETE, &format!("/posts/{gone_first}.json"), &admin, support::Send::Nothing).await;
    let base = &app.state.settings.base_url;
    let raw = format!("See:\n{base}/t/cotech-gathering-2018/{linked}\n\nand {base}/t/x/{linked} inline.\n\n{base}/t/a-topic-about-to-be-deleted/{gone}");
    let (topic, _) = app.topic(&admin, category, "Links to other topics on this forum", &raw).await;
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    let cooked = t["post_stream"]["posts"][0]["cooked"].as_str().unwrap().to_string();
    assert!(cooked.contains("onebox-topic"), "{cooked}");
    assert!(cooked.contains(">CoTech Gathering 2018: Shared Hosting and Infrastructure</a></h3>"), "{cooked}");
    assert!(cooked.contains("Two days of hacking on shared hosting."), "{cooked}");
    assert!(cooked.contains(">General</a>"), "the category is named: {cooked}");
    assert!(!cooked.contains("secret words") && !cooked.contains("about to be deleted</a></h3>"), "{cooked}");
    assert_eq!(cooked.matches("onebox-topic").count(), 1, "inline links stay links: {cooked}");
    // A link to a reply shows that reply's author and words.
    let neto = app.user("neto", false).await;
    let neto = app.key_for(&neto).await;
    app.reply(&neto, linked, "We are here now!! Count Facttic in.").await;
    let r = app.reply(&admin, topic, &format!("{base}/t/x/{linked}/2")).await;
    let cooked = app.get_json(&format!("/posts/{}.json", r["id"]), &Auth::Anon).await["cooked"].as_str().unwrap().to_string();
    assert!(cooked.contains("<p class=\"byline\">neto</p>") && cooked.contains("Count Facttic in."), "{cooked}");
    let page = app.get(&format!("/t/x/{topic}"), &Auth::Anon).await.text();
    assert!(page.contains("onebox-topic") && page.contains("CoTech Gathering 2018: Shared Hosting and Infrastructure"));
}

async fn external_links_become_cards_once_fetched(b: Backend) {
    let mut settings = support::fast_settings();
    settings.fetch = loopback();
    let app = TestApp::with_settings(b, settings).await;
    let (admin, category) = app.admin_and_category().await;
    let server = page_server().await;
    let (topic, post) = app.topic(&admin, category, "A link to the gathering's page", &format!("Details:\n\n{server}/page\n")).await;
    let mut cooked = String::new();
    for _ in 0..100 {
        cooked = app.get_json(&format!("/posts/{post}.json"), &Auth::Anon).await["cooked"].as_str().unwrap().to_string();
        if cooked.contains("onebox-external") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(cooked.contains("onebox-external"), "{cooked}");
    assert!(cooked.contains("CoTech Gathering 2018: Shared Hosting and Infrastructure"), "{cooked}");
    let t = app.get_json(&format!("/t/{topic}.json"), &Auth::Anon).await;
    assert!(t["post_stream"]["posts"][0]["cooked"].as_str().unwrap().contains("onebox-external"));

    // A page that cannot be fetched stays a plain link.
    let r = app.post_json("/posts.json", &admin, json!({"topic_id": topic, "raw": format!("{server}/missing")})).await;
    let id = r.json()["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cooked = app.get_json(&format!("/posts/{id}.json"), &Auth::Anon).await["cooked"].as_str().unwrap().to_string();
    assert!(cooked.contains("onebox-link") && !cooked.contains("onebox-external"), "{cooked}");
}
