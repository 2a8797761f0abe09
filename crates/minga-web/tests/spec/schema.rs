//! A small checker for the part of JSON Schema that Discourse's OpenAPI
//! document uses: `type` (one or a list, `null` included), `properties`,
//! `required`, `additionalProperties`, `items`, `enum`, `minItems`,
//! `maxItems`, `uniqueItems`, `minimum`, `maximum`, and for safety `$ref`
//! (local), `anyOf`, `oneOf`, `allOf` and `nullable`. Descriptions,
//! examples, defaults and `format` are annotations (as in OpenAPI 3.1).
//! Any other keyword is reported as unsupported rather than skipped, so a
//! newer spec cannot make the check quietly weaker.

use serde_json::Value;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A required property is absent (the path names it).
    Missing,
    /// A property the schema closes its object against.
    Unexpected,
    WrongType { expected: String, found: &'static str },
    NotAllowed(String),
    Unsupported(String),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where, as `user.groups[3].name`; empty for the document itself.
    pub path: String,
    pub kind: Kind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() { "the response" } else { &self.path };
        match &self.kind {
            Kind::Missing => write!(f, "{at}: missing"),
            Kind::Unexpected => write!(f, "{at}: not in the schema"),
            Kind::WrongType { expected, found } => write!(f, "{at}: {found}, expected {expected}"),
            Kind::NotAllowed(why) => write!(f, "{at}: {why}"),
            Kind::Unsupported(k) => write!(f, "{at}: the checker does not support `{k}`"),
        }
    }
}

const ANNOTATIONS: &[&str] = &["description", "example", "examples", "default", "deprecated", "title", "format"];

/// Every way `value` breaks `schema`; `root` resolves `$ref`s.
pub fn validate(root: &Value, schema: &Value, value: &Value) -> Vec<Problem> {
    let mut out = validate_at(root, schema, value, "");
    out.sort();
    out.dedup();
    out
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<Problem>) {
    let problem = |kind| Problem { path: path.to_string(), kind };
    let schema = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => return out.push(problem(Kind::NotAllowed("nothing is allowed here".into()))),
        Value::Object(s) => s,
        _ => return out.push(problem(Kind::Unsupported("a schema that is not an object".into()))),
    };
    if schema.get("nullable") == Some(&Value::Bool(true)) && value.is_null() {
        return;
    }
    // The type first: when it is wrong, the other keywords only repeat it.
    if let Some(arg) = schema.get("type") {
        let allowed: Vec<&str> = match arg {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let found = type_of(value);
        if !allowed.iter().any(|t| *t == found || (*t == "number" && found == "integer")) {
            return out.push(problem(Kind::WrongType { expected: allowed.join(" or "), found }));
        }
    }
    for (keyword, arg) in schema {
        match keyword.as_str() {
            "properties" | "additionalProperties" | "required" => {
                let Some(object) = value.as_object() else { continue };
                let properties = schema.get("properties").and_then(Value::as_object);
                if keyword == "properties" {
                    for (name, sub) in properties.into_iter().flatten() {
                        if let Some(v) = object.get(name) {
                            check(root, sub, v, &join(path, name), out);
                        }
                    }
                } else if keyword == "required" {
                    for name in arg.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        if !object.contains_key(name) {
                            out.push(Problem { path: join(path, name), kind: Kind::Missing });
                        }
                    }
                } else {
                    let declared = |name: &String| properties.is_some_and(|p| p.contains_key(name));
                    for (name, v) in object.iter().filter(|(name, _)| !declared(name)) {
                        match arg {
                            Value::Bool(false) => out.push(Problem { path: join(path, name), kind: Kind::Unexpected }),
                            other => check(root, other, v, &join(path, name), out),
                        }
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    check(root, arg, item, &format!("{path}[{i}]"), out);
                }
            }
            "enum" if !arg.as_array().is_some_and(|a| a.contains(value)) => out.push(problem(Kind::NotAllowed(format!("{value} is not one of {arg}")))),
            "minItems" | "maxItems" => {
                let (Some(items), Some(n)) = (value.as_array(), arg.as_u64()) else { continue };
                let len = items.len() as u64;
                if (keyword == "minItems" && len < n) || (keyword == "maxItems" && len > n) {
                    out.push(problem(Kind::NotAllowed(format!("{len} items, {keyword} is {n}"))));
                }
            }
            "uniqueItems" if arg == &Value::Bool(true) => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                if items.iter().enumerate().any(|(i, a)| items[..i].contains(a)) {
                    out.push(problem(Kind::NotAllowed("items repeat".into())));
                }
            }
            "minimum" | "maximum" => {
                let (Some(v), Some(limit)) = (value.as_f64(), arg.as_f64()) else { continue };
                if (keyword == "minimum" && v < limit) || (keyword == "maximum" && v > limit) {
                    out.push(problem(Kind::NotAllowed(format!("{v} is beyond the {keyword} {limit}"))));
                }
            }
            "$ref" => match arg.as_str().and_then(|r| r.strip_prefix('#')).and_then(|p| root.pointer(p)) {
                Some(target) => check(root, target, value, path, out),
                None => out.push(problem(Kind::Unsupported(format!("$ref {arg}")))),
            },
            "anyOf" | "oneOf" | "allOf" => {
                let branches = arg.as_array().map(Vec::as_slice).unwrap_or_default();
                let failing: Vec<Vec<Problem>> = branches.iter().map(|b| validate_at(root, b, value, path)).collect();
                let passing = failing.iter().filter(|p| p.is_empty()).count();
                match keyword.as_str() {
                    "allOf" => out.extend(failing.into_iter().flatten()),
                    "anyOf" if passing == 0 => out.push(problem(Kind::NotAllowed("matches none of anyOf".into()))),
                    "oneOf" if passing != 1 => out.push(problem(Kind::NotAllowed(format!("matches {passing} of oneOf, not one")))),
                    _ => {}
                }
            }
            "type" | "nullable" | "enum" | "uniqueItems" => {}
            k if ANNOTATIONS.contains(&k) => {}
            k => out.push(problem(Kind::Unsupported(k.to_string()))),
        }
    }
}

fn validate_at(root: &Value, schema: &Value, value: &Value, path: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    check(root, schema, value, path, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(schema: Value, value: Value) -> Vec<String> {
        validate(&json!({}), &schema, &value).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn types_one_or_several_with_null() {
        assert!(problems(json!({"type": "integer"}), json!(3)).is_empty());
        assert!(problems(json!({"type": "number"}), json!(3)).is_empty(), "an integer is a number");
        assert!(problems(json!({"type": "integer"}), json!(3.0)).is_empty(), "3.0 is an integer");
        assert_eq!(problems(json!({"type": "integer"}), json!(3.5)), ["the response: number, expected integer"]);
        assert!(problems(json!({"type": ["string", "null"]}), json!(null)).is_empty());
        assert_eq!(problems(json!({"type": ["string", "null"]}), json!(false)), ["the response: boolean, expected string or null"]);
        assert!(problems(json!({"type": "string", "nullable": true}), json!(null)).is_empty());
    }

    #[test]
    fn objects_name_the_path_of_each_problem() {
        let schema = json!({"type": "object", "additionalProperties": false, "required": ["user"], "properties": {
            "user": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer"},
                "groups": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}, "additionalProperties": {"type": "integer"}}}
            }}
        }});
        let got = problems(schema, json!({"user": {"id": "7", "groups": [{"name": "a"}, {"size": 3, "x": "y"}]}, "extra": 1}));
        assert_eq!(got, [
            "extra: not in the schema",
            "user.groups[1].name: missing",
            "user.groups[1].x: string, expected integer",
            "user.id: string, expected integer",
            "user.name: missing",
        ]);
    }

    #[test]
    fn a_wrong_type_is_reported_once() {
        let schema = json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}});
        assert_eq!(problems(schema, json!([])), ["the response: array, expected object"]);
    }

    #[test]
    fn enums_counts_and_ranges() {
        assert!(problems(json!({"enum": ["a", "b"]}), json!("b")).is_empty());
        assert_eq!(problems(json!({"enum": ["a", "b"]}), json!("c")), [r#"the response: "c" is not one of ["a","b"]"#]);
        assert_eq!(problems(json!({"type": "array", "minItems": 1}), json!([])), ["the response: 0 items, minItems is 1"]);
        assert_eq!(problems(json!({"uniqueItems": true}), json!([1, 2, 1])), ["the response: items repeat"]);
        assert_eq!(problems(json!({"maximum": 200}), json!(201)), ["the response: 201 is beyond the maximum 200"]);
        assert!(problems(json!({"items": {}}), json!([1, "x", null])).is_empty(), "an empty schema takes anything");
    }

    #[test]
    fn refs_and_alternatives() {
        let root = json!({"components": {"schemas": {"Id": {"type": "integer"}}}});
        let schema = json!({"properties": {"id": {"$ref": "#/components/schemas/Id"}}});
        assert_eq!(validate(&root, &schema, &json!({"id": "x"}))[0].to_string(), "id: string, expected integer");
        assert!(problems(json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}), json!(1)).is_empty());
        assert_eq!(problems(json!({"anyOf": [{"type": "string"}]}), json!(1)), ["the response: matches none of anyOf"]);
        assert_eq!(problems(json!({"oneOf": [{"type": "number"}, {"type": "integer"}]}), json!(1)), ["the response: matches 2 of oneOf, not one"]);
    }

    #[test]
    fn unknown_keywords_are_reported_not_skipped() {
        assert_eq!(problems(json!({"pattern": "^x$", "description": "d", "format": "date-time"}), json!("y")), ["the response: the checker does not support `pattern`"]);
    }
}
