//! The service description: its model, how it is loaded and how it is checked.
//!
//! Loading is three passes, each reporting every problem it finds at its YAML span:
//! the JSON Schema (generated from the model), typed deserialization, then semantic
//! checks that need the whole description.

pub mod diag;
pub mod kinds;
pub mod model;
pub mod set;
pub mod trust;
pub mod units;
mod validate;
pub use validate::parse_version;
pub mod yaml;

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use rayon::prelude::*;
use schemars::generate::SchemaSettings;
use serde_json::Value;

pub use diag::{SpecError, SpecErrors};
pub use model::Service;
use yaml::PositionIndex;

/// A description that passed every check, with the positions of its values.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub service: Service,
    /// The file name as given by the user (shown in errors and generated headers).
    pub file: String,
    pub positions: PositionIndex,
}

impl LoadedSpec {
    /// One of its environments, as a description of its own (same file).
    pub fn environment(&self, name: &str) -> Option<LoadedSpec> {
        let (_, service) = self
            .service
            .resolved_environments
            .iter()
            .find(|(n, _)| n == name)?;
        // Its values are found where the environment writes them, else in the base.
        let positions = self.positions.view(&format!(
            "/environments/{}",
            yaml::escape_pointer_segment(name)
        ));
        Some(LoadedSpec {
            service: service.clone(),
            file: self.file.clone(),
            positions,
        })
    }

    /// The description's file name, as generated files name it: without its
    /// directory, so the header is the same whatever directory svcgen runs from.
    pub fn file_name(&self) -> &str {
        std::path::Path::new(&self.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.file)
    }
}

/// The JSON Schema of the description (draft-07, for editors' YAML language servers).
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generator = SchemaSettings::draft07().into_generator();
        let schema = generator.into_root_schema_for::<Service>();
        serde_json::to_value(schema).expect("a generated schema serializes")
    })
}

/// The schema as pretty JSON with a trailing newline, as checked in.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(schema()).expect("schema serializes");
    text.push('\n');
    text
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let mut options = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true);
        // A kind's rule, for the values its pattern lets through.
        for kind in kinds::KINDS.iter().copied().filter(|k| k.rule.is_some()) {
            let rule = kind.rule.as_ref().expect("filtered on a rule");
            // The pattern speaks for values it refuses; the rule for the rest.
            options = options.with_format(kind.name, move |value: &str| {
                !kind.matches(value) || (rule.problem)(value).is_none()
            });
        }
        options
            .build(schema())
            .expect("the generated schema compiles")
    })
}

/// Loads and checks a description. `file` names it in errors.
/// serde_path_to_error's `a.b[0].c` as a JSON pointer `/a/b/0/c`.
fn pointer_of(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let mut out = String::new();
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push('/');
            out.push_str(&yaml::escape_pointer_segment(name));
        }
        for idx in rest.split('[') {
            let idx = idx.trim_end_matches(']');
            if !idx.is_empty() {
                out.push('/');
                out.push_str(idx);
            }
        }
    }
    out
}

/// Environment values are text. A YAML reading would change some as written
/// (`yes` → true, `0x1F` → 31, `0755`, `1_000`, `1e3`), so every value there that
/// YAML took for a boolean or a number is kept exactly as the file writes it.
fn environment_as_written(
    value: &mut serde_json::Value,
    positions: &yaml::PositionIndex,
    text: &str,
) {
    let Some(env) = value
        .get_mut("environment")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for (k, v) in env.iter_mut() {
        if !(v.is_boolean() || v.is_number()) {
            continue;
        }
        let pointer = format!("/environment/{}", yaml::escape_pointer_segment(k));
        let written = positions
            .get(&pointer)
            .and_then(|p| text.get(p.value.offset..p.value.offset + p.value.len))
            .map(str::trim)
            .filter(|w| !w.is_empty());
        // An alias (`*r`) stands for the value its anchor writes, as written there.
        let written = match written {
            Some(w) if w.starts_with('*') => {
                let at = positions.get(&pointer).map_or(0, |p| p.value.offset);
                anchored_text(text, &w[1..], at).filter(|a| same_scalar(a, v))
            }
            w => w,
        };
        if let Some(w) = written {
            *v = serde_json::Value::String(w.to_string());
        }
    }
}

/// The scalar text after the last `&name` before `before`: what an alias to it
/// stands for, as the anchor writes it.
fn anchored_text<'t>(text: &'t str, name: &str, before: usize) -> Option<&'t str> {
    let head = text.get(..before)?;
    let mut from = head.len();
    loop {
        let i = head[..from].rfind(&format!("&{name}"))?;
        let rest = &head[i + 1 + name.len()..];
        if rest.starts_with([' ', '\t']) {
            let line = rest.lines().next().unwrap_or("").trim_start();
            let end = line
                .find([',', ']', '}'])
                .or_else(|| line.find(" #"))
                .unwrap_or(line.len());
            let scalar = line[..end].trim();
            return (!scalar.is_empty()).then_some(scalar);
        }
        from = i;
    }
}

/// True when `written`, read as YAML, is the value `v` (so the text is the value's).
fn same_scalar(written: &str, v: &serde_json::Value) -> bool {
    yaml::parse(&format!("v: {written}\n")).is_ok_and(|(parsed, _)| &parsed["v"] == v)
}

/// The keys of the `host` target that descriptions written before it had at the
/// top level.
pub const HOST_KEYS: [&str; 3] = ["supervisor", "hardening", "install"];

/// A description written before the `host` section (`supervisor`, `hardening`,
/// `install` at the top level) loads as if they were under `host:`, each reported
/// where it was written. Both forms at once is an error that says which to keep.
fn lift_host(
    value: &mut serde_json::Value,
    positions: &mut yaml::PositionIndex,
    sink: &mut diag::ErrorSink,
) {
    let Some(top) = value.as_object_mut() else {
        return;
    };
    let legacy: Vec<&str> = HOST_KEYS
        .iter()
        .copied()
        .filter(|k| top.contains_key(*k))
        .collect();
    if legacy.is_empty() {
        return;
    }
    if top.contains_key("host") {
        for k in legacy {
            let pointer = format!("/{k}");
            sink.push(
                positions.get(&pointer).map(|p| p.key.unwrap_or(p.value)),
                &pointer,
                format!("`{k}` belongs to the `host` section, which this description also has"),
                "move it under `host:`",
                Some(format!("indent `{k}:` under `host:` (the top-level form is for descriptions written before `host` existed)")),
            );
        }
        return;
    }
    let mut host = serde_json::Map::new();
    for k in &legacy {
        if let Some(v) = top.remove(*k) {
            host.insert((*k).to_string(), v);
        }
        positions.alias(&format!("/{k}"), &format!("/host/{k}"));
    }
    if let Some(first) = positions.get(&format!("/{}", legacy[0])).copied() {
        positions.insert("/host", first);
    }
    top.insert("host".into(), serde_json::Value::Object(host));
}

pub fn load(file: &str, text: &str) -> Result<LoadedSpec, SpecErrors> {
    let mut sink = diag::ErrorSink::new(file, text);
    let (value, positions) = match yaml::parse(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            sink.push(
                e.pos,
                "",
                format!("invalid YAML: {}", e.message),
                "here",
                Some("fix the YAML syntax; a description is one YAML mapping".into()),
            );
            return Err(sink.into_result().expect_err("an error was pushed"));
        }
    };
    if !value.is_object() {
        sink.push(
            positions.get("").map(|p| p.value),
            "",
            "a service description must be a YAML mapping",
            "not a mapping",
            Some("start with `name: my-service` and the other top-level keys".into()),
        );
        return Err(sink.into_result().expect_err("an error was pushed"));
    }

    let (mut value, mut positions) = (value, positions);
    lift_host(&mut value, &mut positions, &mut sink);
    if !sink.is_empty() {
        return Err(sink.into_result().expect_err("errors were pushed"));
    }
    environment_as_written(&mut value, &positions, text);
    schema_errors(&value, &positions, &mut sink);
    if !sink.is_empty() {
        return Err(sink.into_result().expect_err("errors were pushed"));
    }

    let Some(service) = typed(value.clone(), &positions, &mut sink) else {
        return Err(sink.into_result().expect_err("an error was pushed"));
    };

    validate::check(&service, &positions, &mut sink);
    let mut service = service;
    if sink.is_empty() {
        service.resolved_environments = environments(&value, &positions, text, &mut sink);
    }
    sink.into_result()?;
    Ok(LoadedSpec {
        service,
        file: file.to_string(),
        positions,
    })
}

/// Each environment merged over the description (RFC 7386) and checked like a
/// description, its errors reported where the environment's keys are written.
fn environments(
    value: &Value,
    positions: &PositionIndex,
    text: &str,
    sink: &mut diag::ErrorSink,
) -> Vec<(String, Service)> {
    let Some(envs) = value["environments"].as_object() else {
        return Vec::new();
    };
    // The description without its environments, cloned once (each merge starts
    // from it: N environments cost N merges of one description, not N copies of all).
    let mut without = value.clone();
    if let Some(top) = without.as_object_mut() {
        top.remove("environments");
    }
    // Each environment is checked on its own (on every core), its errors joined
    // in order.
    let envs: Vec<(&String, &Value)> = envs.iter().collect();
    let checked: Vec<(diag::ErrorSink, Option<(String, Service)>)> = envs
        .par_iter()
        .map(|(name, overlay)| {
            let mut sink = sink.fork();
            let service = environment(name, overlay, &without, positions, text, &mut sink);
            (sink, service.map(|s| (name.to_string(), s)))
        })
        .collect();
    let mut out = Vec::new();
    for (errors, service) in checked {
        sink.extend(errors);
        out.extend(service);
    }
    out
}

/// One environment merged over the description without its environments
/// (`sink` is its own: what it finds is said to be about this environment).
fn environment(
    name: &str,
    overlay: &Value,
    without: &Value,
    positions: &PositionIndex,
    text: &str,
    sink: &mut diag::ErrorSink,
) -> Option<Service> {
    let at = format!("/environments/{}", yaml::escape_pointer_segment(name));
    // An environment is the same service, described once at the top.
    let refused = [
        (
            "name",
            format!(
                "environment `{name}` renames the service: every environment is the same service"
            ),
            "renamed",
            "remove `name` here (give each environment its own namespace, domains or ports instead)",
        ),
        (
            "environments",
            format!("environment `{name}` has environments of its own"),
            "nested",
            "describe every environment at the top level",
        ),
    ];
    if let Some((key, message, label, help)) = refused
        .into_iter()
        .find(|(key, ..)| overlay.get(*key).is_some())
    {
        let pointer = format!("{at}/{key}");
        sink.push(
            positions.get(&pointer).map(|p| p.key.unwrap_or(p.value)),
            &pointer,
            message,
            label,
            Some(help.into()),
        );
        return None;
    }
    let mut merged = without.clone();
    json_patch::merge(&mut merged, overlay);
    let env_positions = positions.view(&at);
    environment_as_written(&mut merged, &env_positions, text);
    schema_errors(&merged, &env_positions, sink);
    let service = if sink.is_empty() {
        typed(merged, &env_positions, sink).inspect(|service| {
            validate::check(service, &env_positions, sink);
        })
    } else {
        None
    };
    sink.in_environment(0, name);
    service
}

/// The typed description, or an error at the value the types refuse (what the
/// schema lets through: a size past u64, a port written `03000`), by its path.
fn typed(value: Value, positions: &PositionIndex, sink: &mut diag::ErrorSink) -> Option<Service> {
    match serde_path_to_error::deserialize(value) {
        Ok(s) => Some(s),
        Err(e) => {
            let pointer = pointer_of(&e.path().to_string());
            let pos = positions
                .get(&pointer)
                .map(|p| p.value)
                .or(Some(positions.nearest(&pointer).value));
            sink.push(
                pos,
                &pointer,
                format!("invalid value for `{}`: {}", e.path(), e.inner()),
                "here",
                None,
            );
            None
        }
    }
}

fn schema_errors(value: &Value, positions: &PositionIndex, sink: &mut diag::ErrorSink) {
    // Several keys missing from one mapping are one error (a one-line file is
    // missing most of them, all at its first line).
    let mut missing: Vec<(String, String, Vec<String>)> = Vec::new();
    for error in validator().iter_errors(value) {
        if let ValidationErrorKind::Required { property } = error.kind() {
            let pointer = error.instance_path().to_string();
            let schema_path = error.schema_path().to_string();
            let name = property.as_str().unwrap_or("?").to_string();
            match missing.iter_mut().find(|(p, ..)| *p == pointer) {
                Some((_, _, names)) => names.push(name),
                None => missing.push((pointer, schema_path, vec![name])),
            }
            continue;
        }
        schema_error(&error, positions, sink);
    }
    for (pointer, schema_path, names) in missing {
        let place = positions.nearest(&pointer);
        let at = place.key.unwrap_or(place.value);
        let what = if pointer.is_empty() {
            "the description".to_string()
        } else {
            format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
        };
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let help: Vec<String> = names
            .iter()
            .filter_map(|n| describe_property(&schema_path, n))
            .collect();
        let (message, label) = match quoted.as_slice() {
            [one] => (
                format!("missing key {one} in {what}"),
                format!("{one} is required here"),
            ),
            _ => (
                format!("missing keys {} in {what}", quoted.join(", ")),
                format!("{} are required here", quoted.join(", ")),
            ),
        };
        sink.push(
            Some(at),
            &pointer,
            message,
            label,
            (!help.is_empty()).then(|| help.join("\n")),
        );
    }
}

/// The values a `oneOf`/`anyOf` of constants allows (`pm2`, `systemd`), if that
/// is what the schema node at `schema_path` is.
fn allowed_constants(schema_path: &str) -> Option<Vec<String>> {
    let node = schema_at(schema_path).map(resolve)?;
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))?
        .as_array()?;
    let mut out = Vec::new();
    for b in branches {
        let b = resolve(b);
        if let Some(c) = b.get("const") {
            out.push(c.as_str().map_or_else(|| c.to_string(), str::to_string));
        } else if let Some(values) = b.get("enum").and_then(Value::as_array) {
            out.extend(
                values
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
            );
        } else if b.get("type").and_then(Value::as_str) == Some("null") {
            continue;
        } else {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Keys that were renamed: (old, new, why), offered where the new key is allowed.
const RENAMED: &[(&str, &str, &str)] = &[(
    "ip_allow",
    "network_peers",
    "the addresses the app exchanges packets with, both ways (its databases and the services it calls), not the clients allowed to reach it; loopback is always allowed",
)];

/// One schema error, at its value. An optional value (`X or null`) that is set
/// but wrong is reported by what is wrong inside it, not as a whole.
fn schema_error(
    error: &jsonschema::ValidationError<'_>,
    positions: &PositionIndex,
    sink: &mut diag::ErrorSink,
) {
    {
        let pointer = error.instance_path().to_string();
        // The one branch the value's type fits (an object for `X or null`): what
        // is wrong inside it, at its own places.
        if let ValidationErrorKind::AnyOf { context }
        | ValidationErrorKind::OneOfNotValid { context } = error.kind()
        {
            let type_fits = |errors: &&Vec<jsonschema::ValidationError<'static>>| {
                !errors.iter().any(|e| {
                    matches!(e.kind(), ValidationErrorKind::Type { .. })
                        && e.instance_path().to_string() == pointer
                })
            };
            let fitting: Vec<_> = context.iter().filter(type_fits).collect();
            if let [branch] = fitting.as_slice()
                && !branch.is_empty()
            {
                for e in branch.iter() {
                    schema_error(e, positions, sink);
                }
                return;
            }
        }
        let place = positions.nearest(&pointer);
        let field = dotted(&pointer);
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let known = known_keys(&error.schema_path().to_string());
                for key in unexpected {
                    let child = format!("{pointer}/{}", yaml::escape_pointer_segment(key));
                    let key_pos = positions.get(&child).and_then(|p| p.key);
                    let renamed = RENAMED
                        .iter()
                        .find(|(old, new, _)| old == key && known.iter().any(|k| k == new));
                    let help = match (
                        renamed,
                        crate::suggest::closest(key, known.iter().map(String::as_str)),
                    ) {
                        (Some((_, new, why)), _) => format!("renamed to `{new}`: {why}"),
                        (None, Some(s)) => {
                            format!("did you mean `{s}`? allowed here: {}", known.join(", "))
                        }
                        (None, None) => format!("allowed here: {}", known.join(", ")),
                    };
                    sink.push(
                        key_pos.or(Some(place.value)),
                        &child,
                        format!("unknown key `{key}`"),
                        "not a known key",
                        Some(help),
                    );
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or("?");
                let at = place.key.unwrap_or(place.value);
                let what = if pointer.is_empty() {
                    "the description".to_string()
                } else {
                    format!("`{}`", pointer.trim_start_matches('/').replace('/', "."))
                };
                sink.push(
                    Some(at),
                    &pointer,
                    format!("missing key `{name}` in {what}"),
                    format!("`{name}` is required here"),
                    describe_property(&error.schema_path().to_string(), name),
                );
            }
            ValidationErrorKind::Pattern { .. } => {
                let got = error.instance().as_str().unwrap_or("").to_string();
                let kind = kind_at(&error.schema_path().to_string());
                sink.push(
                    Some(place.value),
                    &pointer,
                    format!("invalid value {} for `{field}`", show(&got)),
                    match kind {
                        Some(kind) => format!("expected {}", kind.accepts),
                        None => "not of the accepted form".to_string(),
                    },
                    kind.and_then(|k| k.why).map(str::to_string),
                );
            }
            ValidationErrorKind::Format { format } => {
                let got = error.instance().as_str().unwrap_or("");
                let rule = kinds::Kind::named(format).and_then(|k| k.rule.as_ref());
                // The validator refused the value: it is reported whatever the
                // kind's own words, never dropped.
                match rule.map(|r| ((r.problem)(got), r)) {
                    Some((Some(problem), rule)) => sink.push(
                        Some(place.value),
                        &pointer,
                        problem,
                        rule.label,
                        Some(rule.help.to_string()),
                    ),
                    _ => sink.push(
                        Some(place.value),
                        &pointer,
                        format!("invalid value {} for `{field}`: {error}", show(got)),
                        "here",
                        describe_at(&error.schema_path().to_string()),
                    ),
                }
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    jsonschema::error::TypeKind::Single(t) => t.to_string(),
                    jsonschema::error::TypeKind::Multiple(ts) => ts
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                sink.push(
                    Some(place.value),
                    &pointer,
                    format!("wrong type for `{field}`: {}", error.instance()),
                    format!("expected {expected}"),
                    describe_at(&error.schema_path().to_string()),
                );
            }
            ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
                let schema_path = error.schema_path().to_string();
                let node = schema_path.rsplit_once('/').map_or("", |(n, _)| n);
                let label = match allowed_constants(node) {
                    Some(values) => format!(
                        "expected one of {}",
                        values
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None => "not one of the allowed forms".to_string(),
                };
                sink.push(
                    Some(place.value),
                    &pointer,
                    format!("invalid value {} for `{field}`", error.instance()),
                    label,
                    describe_at(&schema_path),
                );
            }
            _ => {
                let message = error.to_string();
                sink.push(
                    Some(place.value),
                    &pointer,
                    format!("invalid value for `{field}`: {message}"),
                    "here",
                    describe_at(&error.schema_path().to_string()),
                );
            }
        }
    }
}

/// `/site/domains/0` → `site.domains[0]`, the way a user reads a YAML path.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

/// Shows a value in a message, with control characters made visible.
fn show(value: &str) -> String {
    format!("{value:?}")
}

/// The schema object at a schema path (following `$ref`s into `definitions`).
fn schema_at(schema_path: &str) -> Option<&'static Value> {
    let root = schema();
    let mut node = root;
    for segment in schema_path.trim_start_matches('/').split('/') {
        if segment.is_empty() {
            continue;
        }
        if segment == "$ref" {
            continue;
        }
        node = node.get(segment).or_else(|| {
            let r = node.get("$ref")?.as_str()?;
            root.pointer(r.trim_start_matches('#'))?.get(segment)
        })?;
    }
    Some(node)
}

fn resolve(node: &'static Value) -> &'static Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => schema().pointer(r.trim_start_matches('#')).unwrap_or(node),
        None => node,
    }
}

fn known_keys(schema_path: &str) -> Vec<String> {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    schema_at(parent)
        .map(resolve)
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn describe_property(schema_path: &str, name: &str) -> Option<String> {
    let parent = schema_path.strip_suffix("/required").unwrap_or(schema_path);
    let prop = resolve(
        schema_at(parent)
            .map(resolve)?
            .get("properties")?
            .get(name)?,
    );
    prop.get("description").and_then(Value::as_str).map(|d| {
        let d = d.split_whitespace().collect::<Vec<_>>().join(" ");
        format!("`{name}`: {d}")
    })
}

fn describe_at(schema_path: &str) -> Option<String> {
    let mut path = schema_path;
    while let Some(i) = path.rfind('/') {
        path = &path[..i];
        if let Some(d) = schema_at(path)
            .map(resolve)
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str)
        {
            return Some(d.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    None
}

/// The kind of value a schema error's keyword belongs to: the schema node
/// holding the keyword names it (`x-kind`).
fn kind_at(schema_path: &str) -> Option<&'static kinds::Kind> {
    let node = schema_path
        .rsplit_once('/')
        .map_or(schema_path, |(node, _)| node);
    let name = schema_at(node).map(resolve)?.get("x-kind")?.as_str()?;
    kinds::Kind::named(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An alias in `environment` stands for its anchor's value as the anchor
    /// writes it (`1.10`, not `*v`, nor the number 1.1).
    #[test]
    fn aliases_in_environment_keep_the_anchored_text() {
        let text = "name: hello\ndescription: Hello\nuser: hello\napp_dir: /srv/hello\nentry: index.js\nhost:\n  supervisor: {kind: pm2, memory_limit: 256M}\nsite:\n  domains: [hello.example.com]\n  tls: {certificate: /etc/ssl/h.pem, key: /etc/ssl/h.key}\nenvironment:\n  LEVEL: &v 1.10\n  API_VERSION: *v\n  FLAG: &f true\n  AGAIN: *f\ndeploy:\n  repo: https://git.example.com/h.git\n";
        let spec = load("a.yaml", text).unwrap();
        let env = &spec.service.environment;
        assert_eq!(env["API_VERSION"].as_text(), "1.10");
        assert_eq!(env["LEVEL"].as_text(), "1.10");
        assert_eq!(env["AGAIN"].as_text(), "true");
    }

    /// A stream of alias bombs stops at the file's budget, whichever document
    /// crosses it.
    #[test]
    fn alias_expansion_is_budgeted_per_file() {
        let bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
        // One document (about 11,000 values) fits.
        assert!(yaml::parse(bomb).is_ok());
        // Twenty of them in one file do not.
        let mut left = yaml::FILE_NODE_BUDGET;
        let mut failed = None;
        for i in 0..20 {
            if let Err(e) = yaml::parse_within(bomb, &mut left) {
                failed = Some((i, e.message));
                break;
            }
        }
        let (i, message) = failed.expect("the budget is per file");
        // About 12,300 values a document: the 17th crosses 200,000.
        assert_eq!(i, 16, "stopped at document {i}");
        assert!(
            message.contains("once its aliases are expanded"),
            "{message}"
        );
    }
}
