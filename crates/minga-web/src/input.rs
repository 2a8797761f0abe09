//! Request bodies as Discourse accepts them: form-encoded, multipart or
//! JSON, all read into one JSON object. Form keys such as `post[raw]` and
//! `post_ids[]` become nested objects and arrays. (Cross-site request
//! forgery is stopped before any handler runs: see `csrf`.)

use crate::error::AppError;
use minga_core::text;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use serde_json::{Map, Value};

/// Bodies larger than this are refused before parsing.
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct Input(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Input {
    type Rejection = AppError;

    async fn from_request(mut req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The CSRF guard may have read a form body already.
        if let Some(Parsed(map)) = req.extensions_mut().remove::<Parsed>() {
            return Ok(Input(map));
        }
        let content_type = content_type(req.headers());
        let map = if content_type.starts_with("multipart/form-data") {
            let multipart = Multipart::from_request(req, state)
                .await
                .map_err(|e| AppError::BadRequest(text!("error-malformed-multipart", detail = e.to_string())))?;
            parse_multipart(multipart).await?
        } else {
            let body = Bytes::from_request(req, state)
                .await
                .map_err(|_| AppError::BadRequest(text!("error-body-unreadable")))?;
            parse_bytes(&content_type, &body)?
        };
        Ok(Input(map))
    }
}

/// A body already read and parsed, handed on to the `Input` extractor.
#[derive(Clone, Debug)]
pub(crate) struct Parsed(pub Map<String, Value>);

pub(crate) fn content_type(headers: &axum::http::HeaderMap) -> String {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase()
}

/// A JSON or form-encoded body as one object.
pub(crate) fn parse_bytes(content_type: &str, body: &[u8]) -> Result<Map<String, Value>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Map::new())
    } else if content_type.starts_with("application/json") || content_type.ends_with("+json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(AppError::BadRequest(text!("error-json-not-object"))),
            Err(e) => Err(AppError::BadRequest(text!("error-malformed-json", detail = e.to_string()))),
        }
    } else {
        Ok(nest(parse_urlencoded(body)?))
    }
}

pub(crate) async fn parse_multipart(mut multipart: Multipart) -> Result<Map<String, Value>, AppError> {
    let mut pairs = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| AppError::BadRequest(text!("error-malformed-multipart", detail = e.to_string())))? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|e| AppError::BadRequest(text!("error-malformed-multipart", detail = e.to_string())))?;
        let value = String::from_utf8(bytes.to_vec()).map_err(|_| AppError::BadRequest(text!("error-field-not-utf8", field = name.as_str())))?;
        pairs.push((name, value));
    }
    Ok(nest(pairs))
}

/// `a=1&b=%C3%A9`, refusing bytes that are not UTF-8 instead of guessing.
fn parse_urlencoded(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let mut pairs = Vec::new();
    for part in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match part.iter().position(|b| *b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        };
        let key = decode(k).ok_or_else(|| AppError::BadRequest(text!("error-form-name-not-utf8")))?;
        let value = decode(v).ok_or_else(|| AppError::BadRequest(text!("error-field-not-utf8", field = key.as_str())))?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn decode(bytes: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Turns `post[raw]=x` into `{"post": {"raw": "x"}}` and `ids[]=1&ids[]=2`
/// into `{"ids": ["1", "2"]}`.
fn nest(pairs: Vec<(String, String)>) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in pairs {
        if let Some(base) = key.strip_suffix("[]") {
            let entry = map.entry(base.to_string()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(Value::String(value));
            }
        } else if let Some((outer, rest)) = key.split_once('[')
            && let Some(inner) = rest.strip_suffix(']')
            && !inner.contains('[')
        {
            let entry = map.entry(outer.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(obj) = entry {
                obj.insert(inner.to_string(), Value::String(value));
            }
        } else {
            map.insert(key, Value::String(value));
        }
    }
    map
}

impl Input {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// A string field; `outer.inner` looks inside a nested object.
    pub fn str(&self, key: &str) -> Option<&str> {
        let value = match key.split_once('.') {
            Some((outer, inner)) => self.0.get(outer)?.get(inner)?,
            None => self.0.get(key)?,
        };
        value.as_str()
    }

    /// A string field, empty when absent. Numbers are refused here: a text
    /// field sent as a number is a client bug worth a clear error.
    pub fn text(&self, key: &str) -> Result<String, AppError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(AppError::BadRequest(text!("error-field-text", field = key))),
        }
    }

    /// An integer field given as a JSON number or a numeric string.
    pub fn int(&self, key: &str) -> Result<Option<i64>, AppError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| bad_int(key)),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad_int(key)),
            Some(_) => Err(bad_int(key)),
        }
    }

    /// Integers from an array field (`post_ids[]`) or one value.
    pub fn ints(&self, key: &str) -> Result<Vec<i64>, AppError> {
        let items: Vec<&Value> = match self.0.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
        };
        items
            .into_iter()
            .map(|v| match v {
                Value::Number(n) => n.as_i64().ok_or_else(|| bad_int(key)),
                Value::String(s) => s.trim().parse().map_err(|_| bad_int(key)),
                _ => Err(bad_int(key)),
            })
            .collect()
    }

    /// Merges query-string parameters under body ones, as Rails does.
    pub fn with_query(mut self, query: Option<&str>) -> Result<Self, AppError> {
        if let Some(q) = query {
            for (k, v) in nest(parse_urlencoded(q.as_bytes())?) {
                self.0.entry(k).or_insert(v);
            }
        }
        Ok(self)
    }
}

fn bad_int(key: &str) -> AppError {
    AppError::BadRequest(text!("error-field-integer", field = key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keys_nest() {
        let pairs = parse_urlencoded(b"post%5Braw%5D=hi+there&ids[]=1&ids[]=2&title=caf%C3%A9").unwrap();
        let map = Input(nest(pairs));
        assert_eq!(map.str("post.raw"), Some("hi there"));
        assert_eq!(map.ints("ids").unwrap(), vec![1, 2]);
        assert_eq!(map.str("title"), Some("café"));
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(parse_urlencoded(b"title=%FF%FE").is_err());
        assert_eq!(parse_urlencoded(b"title=%F").unwrap()[0].1, "%F", "a cut-off escape stays as typed");
    }

    #[test]
    fn ints_accept_numbers_and_strings() {
        let map = Input(serde_json::from_str::<Value>(r#"{"a": 3, "b": "4", "c": "x", "d": ""}"#).unwrap().as_object().unwrap().clone());
        assert_eq!(map.int("a").unwrap(), Some(3));
        assert_eq!(map.int("b").unwrap(), Some(4));
        assert!(map.int("c").is_err());
        assert_eq!(map.int("d").unwrap(), None);
        assert_eq!(map.int("missing").unwrap(), None);
    }
}

/// Query-string parameters, with malformed ones answered as a clear 400.
pub struct Query<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| AppError::BadRequest(text!("error-malformed-query", detail = e.body_text())))
    }
}
