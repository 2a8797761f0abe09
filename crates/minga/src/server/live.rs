//! Live streams (`GET /live`) served straight on their connection.
//!
//! A stream lasts as long as a page stays open, and a forum may have ten
//! thousand of them. Through hyper, each would keep its connection's
//! buffers (8 KB for reading requests, 8 KB for writing headers) all its
//! life. Here the request head is read into a buffer dropped at once, the
//! router answers it as it answers any request (the same middleware, the
//! same handler), and the events are written as they come. The connection
//! closes when the stream ends: the response has no length, so its end is
//! the connection's, as HTTP/1.1 allows.

use super::HEADER_TIMEOUT;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Method, Request, Version, header};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request head larger than this is refused (431).
const MAX_HEAD: usize = 16 * 1024;

/// Headers a request may have, at most.
const MAX_HEADERS: usize = 64;

/// A non-stream answer (an error) is read whole, up to this.
const MAX_BODY: usize = 64 * 1024;

pub async fn serve(mut stream: TcpStream, app: Router, peer: SocketAddr) {
    // The head and the router's work are boxed: the memory they need is
    // given back before the stream's long wait.
    let request = match Box::pin(tokio::time::timeout(HEADER_TIMEOUT, read_head(&mut stream, peer))).await {
        Ok(Ok(request)) => request,
        Ok(Err(Refused(status))) => {
            let reason = status.canonical_reason().unwrap_or("");
            let head = format!("HTTP/1.1 {} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", status.as_u16());
            let _ = stream.write_all(head.as_bytes()).await;
            return;
        }
        Err(_) => return,
    };
    let response = match Box::pin(tower::ServiceExt::oneshot(app, request)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let (parts, mut body) = response.into_parts();
    let streaming = parts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    let mut head = Vec::with_capacity(512);
    head.extend_from_slice(format!("HTTP/1.1 {} {}\r\n", parts.status.as_u16(), parts.status.canonical_reason().unwrap_or("")).as_bytes());
    for (name, value) in &parts.headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    drop(parts);
    if !streaming {
        // An error (the topic is private, the request is malformed):
        // answered whole, with its length.
        let whole = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => Default::default(),
        };
        head.extend_from_slice(format!("content-length: {}\r\nconnection: close\r\n\r\n", whole.len()).as_bytes());
        head.extend_from_slice(&whole);
        let _ = stream.write_all(&head).await;
        return;
    }
    head.extend_from_slice(b"connection: close\r\n\r\n");
    if stream.write_all(&head).await.is_err() {
        return;
    }
    drop(head);
    loop {
        let mut probe = [0u8; 1];
        tokio::select! {
            frame = body.frame() => match frame {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data()
                        && stream.write_all(&data).await.is_err()
                    {
                        return;
                    }
                }
                _ => return,
            },
            // The page went away (or sent something it should not).
            read = stream.read(&mut probe) => match read {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
        }
    }
}

struct Refused(axum::http::StatusCode);

/// Reads one request head (a `GET`: any body is not read) and makes it the
/// request the router takes.
async fn read_head(stream: &mut TcpStream, peer: SocketAddr) -> Result<Request<Body>, Refused> {
    use axum::http::StatusCode;
    let mut buf = Vec::with_capacity(1024);
    loop {
        if buf.len() >= MAX_HEAD {
            return Err(Refused(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE));
        }
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await.map_err(|_| Refused(StatusCode::BAD_REQUEST))?;
        if n == 0 {
            return Err(Refused(StatusCode::BAD_REQUEST));
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Partial) => continue,
            Ok(httparse::Status::Complete(_)) => {}
            Err(httparse::Error::TooManyHeaders) => return Err(Refused(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)),
            Err(_) => return Err(Refused(StatusCode::BAD_REQUEST)),
        }
        let path = parsed.path.unwrap_or("/");
        let mut request = Request::builder().method(Method::GET).uri(path).version(Version::HTTP_11);
        for h in parsed.headers.iter() {
            let name = HeaderName::from_bytes(h.name.as_bytes()).map_err(|_| Refused(StatusCode::BAD_REQUEST))?;
            let value = HeaderValue::from_bytes(h.value).map_err(|_| Refused(StatusCode::BAD_REQUEST))?;
            request = request.header(name, value);
        }
        let mut request = request.body(Body::empty()).map_err(|_| Refused(StatusCode::BAD_REQUEST))?;
        request.extensions_mut().insert(ConnectInfo(peer));
        return Ok(request);
    }
}
