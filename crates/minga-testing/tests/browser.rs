//! The browser loads a page from a local server, types into it and reads it back.

use minga_testing::browser::Browser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PAGE: &str = r#"<!doctype html>
<html><head><title>form</title></head><body>
<form id="greet" method="get" action="/submitted">
  <input id="name" name="name" value="placeholder">
  <button id="preview" type="button"
    onclick="document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value">Preview</button>
</form>
<p id="out"></p>
</body></html>"#;

/// Serves `PAGE` for every request on a free port; returns its base URL.
async fn serve_page() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding the test server");
    let addr = listener.local_addr().expect("test server address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                // Read until the end of the request head; the body (if any) is irrelevant.
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{PAGE}",
                    PAGE.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn fills_a_form_and_reads_text_back() {
    let base = serve_page().await;
    let browser = Browser::start().await;

    browser.goto(&format!("{base}/")).await;
    assert!(browser.exists("#greet").await);
    assert!(!browser.exists("#missing").await);
    assert!(browser.source().await.contains("id=\"name\""));

    browser.fill("#name", "Ada Lovelace").await;
    browser.click("#preview").await;
    assert_eq!(browser.text("#out").await, "Hello, Ada Lovelace");

    let png = browser.screenshot_png().await;
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");

    browser.submit_form("#name").await;
    browser.wait_for("#greet").await;
    let url = browser.current_url().await;
    assert!(url.contains("/submitted?name=Ada+Lovelace"), "unexpected URL after submit: {url}");

    browser.quit().await;
}

#[tokio::test]
async fn missing_elements_name_the_selector() {
    let base = serve_page().await;
    let browser = Browser::start().await;
    browser.goto(&base).await;
    // Run the failing lookup in its own task so the panic can be inspected
    // while `browser` itself stays usable and gets dropped normally.
    let outcome = {
        let browser = &browser;
        std::panic::AssertUnwindSafe(async move { browser.text("#nope").await })
    };
    let result = futures_catch(outcome).await;
    let message = result.expect_err("text() of a missing element must panic");
    assert!(message.contains("#nope"), "panic message lacks the selector: {message}");
    assert!(message.contains(&base), "panic message lacks the URL: {message}");
}

/// Catches a panic from a future without extra crates.
async fn futures_catch<F: std::future::Future<Output = String>>(
    fut: std::panic::AssertUnwindSafe<F>,
) -> Result<String, String> {
    let mut fut = std::pin::pin!(fut.0);
    std::future::poll_fn(|cx| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => std::task::Poll::Ready(Err(payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default())),
        }
    })
    .await
}
