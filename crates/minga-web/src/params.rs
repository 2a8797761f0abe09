//! Typed requests, read the way Discourse reads them: a body that is
//! form-encoded, multipart or JSON, with Rails-style nesting (`user[name]`),
//! merged over the query string's parameters on every method (so
//! `PUT /admin/site_settings/title?title=X` works), into one struct.
//!
//! Values are read leniently, as Rails reads them: a boolean may be JSON
//! `true`/`false` or the strings `"true"`/`"false"` (`"1"`, `"0"`, `"on"`,
//! `"off"` too); a number may be a JSON number or a numeric string; a
//! list may be one value; an `Option` field sent blank is absent. Text
//! fields must be text. A value that does not fit answers 400 naming the
//! field.

use crate::error::AppError;
use crate::input::Input;
use axum::extract::{FromRequest, Request};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The request's parameters as `T`.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Params<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().map(str::to_string);
        let input = Input::from_request(req, state).await?.with_query(query.as_deref())?;
        read(input.0).map(Params)
    }
}

/// Reads parameters already gathered into one object.
pub fn read<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, AppError> {
    serde_path_to_error::deserialize(Lenient(Value::Object(map))).map_err(|e| {
        let field = e.path().to_string();
        let why = e.inner().to_string();
        if field == "." || field.is_empty() {
            AppError::BadRequest(minga_core::text!("error-params", detail = why))
        } else {
            AppError::BadRequest(minga_core::text!("error-field-invalid", field = field, detail = why))
        }
    })
}

/// A JSON value read with Rails's leniency.
struct Lenient(Value);

fn flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "on" | "yes" => Some(true),
        "false" | "f" | "0" | "off" | "no" => Some(false),
        _ => None,
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// An integer from a number or a numeric string.
fn integer(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

macro_rules! integers {
    ($($method:ident => $visit:ident as $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match integer(&self.0).and_then(|n| <$t>::try_from(n).ok()) {
                Some(n) => visitor.$visit(n),
                None => Err(de::Error::invalid_type(unexpected(&self.0), &"a whole number")),
            }
        }
    )*};
}

impl<'de> Deserializer<'de> for Lenient {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(map) => visitor.visit_map(Fields { iter: map.into_iter(), value: None }),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.0 {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::String(s) => match flag(s) {
                Some(b) => visitor.visit_bool(b),
                None => Err(de::Error::invalid_value(unexpected(&self.0), &"true or false")),
            },
            Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => visitor.visit_bool(n.as_i64() == Some(1)),
            other => Err(de::Error::invalid_type(unexpected(other), &"true or false")),
        }
    }

    integers!(
        deserialize_i8 => visit_i8 as i8,
        deserialize_i16 => visit_i16 as i16,
        deserialize_i32 => visit_i32 as i32,
        deserialize_i64 => visit_i64 as i64,
        deserialize_u8 => visit_u8 as u8,
        deserialize_u16 => visit_u16 as u16,
        deserialize_u32 => visit_u32 as u32,
        deserialize_u64 => visit_u64 as u64,
    );

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.0 {
            Value::Number(n) => visitor.visit_f64(n.as_f64().unwrap_or_default()),
            Value::String(s) => match s.trim().parse() {
                Ok(f) => visitor.visit_f64(f),
                Err(_) => Err(de::Error::invalid_value(unexpected(&self.0), &"a number")),
            },
            other => Err(de::Error::invalid_type(unexpected(other), &"a number")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.0 {
            Value::Null => visitor.visit_none(),
            Value::String(s) if s.trim().is_empty() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Null => visitor.visit_seq(Items(Vec::new().into_iter())),
            // One value where a list is expected: a list of one.
            one => visitor.visit_seq(Items(vec![one].into_iter())),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields { iter: map.into_iter(), value: None }),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Self::Error> {
        self.0.next().map(|v| seed.deserialize(Lenient(v))).transpose()
    }
}

struct Fields {
    iter: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        seed.deserialize(Lenient(self.value.take().unwrap_or(Value::Null)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Group {
        name: String,
        #[serde(default)]
        public_admission: bool,
        visibility_level: Option<i64>,
        #[serde(default)]
        usernames: Vec<String>,
        owner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        notify: bool,
    }

    fn parse<T: DeserializeOwned>(json: &str) -> Result<T, AppError> {
        read(serde_json::from_str::<Value>(json).unwrap().as_object().unwrap().clone())
    }

    #[test]
    fn booleans_and_numbers_as_rails_reads_them() {
        let g: Group = parse(r#"{"name": "telar", "public_admission": "true", "visibility_level": "2", "usernames": "neto"}"#).unwrap();
        assert_eq!(g, Group { name: "telar".into(), public_admission: true, visibility_level: Some(2), usernames: vec!["neto".into()], owner: None });
        let g: Group = parse(r#"{"name": "telar", "public_admission": true, "visibility_level": 3, "owner": {"notify": "0"}}"#).unwrap();
        assert!(g.public_admission);
        assert_eq!(g.visibility_level, Some(3));
        assert_eq!(g.owner, Some(Inner { notify: false }));
        let g: Group = parse(r#"{"name": "telar", "visibility_level": ""}"#).unwrap();
        assert_eq!(g.visibility_level, None, "blank is absent");
    }

    #[test]
    fn wrong_values_name_their_field() {
        let e = parse::<Group>(r#"{"name": "telar", "public_admission": "maybe"}"#).unwrap_err();
        assert!(e.to_string().contains("public_admission"), "{e}");
        let e = parse::<Group>(r#"{"name": "telar", "visibility_level": "high"}"#).unwrap_err();
        assert!(e.to_string().contains("visibility_level"), "{e}");
        let e = parse::<Group>(r#"{"name": 5}"#).unwrap_err();
        assert!(e.to_string().contains("name"), "text must be text: {e}");
        let e = parse::<Group>(r#"{"public_admission": true}"#).unwrap_err();
        assert!(e.to_string().contains("name"), "a missing field is named: {e}");
    }
}
