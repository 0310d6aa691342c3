//! The description being built: values by key path, each with the comment that
//! says where it came from when it was inferred, written out as YAML in the
//! order `svcgen init` uses. Keys whose value is the schema's default are left
//! out, so the description says only what differs from svcgen's defaults.

use serde_json::Value;
#[cfg(test)]
use serde_json::json;

/// One value of the description, with an optional comment above its key.
#[derive(Debug, Clone)]
struct Entry {
    key: String,
    value: Node,
    comment: Option<String>,
}

#[derive(Debug, Clone)]
enum Node {
    Scalar(Value),
    Map(Vec<Entry>),
    /// A list of mappings (routes), each its own map.
    Maps(Vec<Vec<Entry>>),
}

/// Key order per mapping, as the model declares its fields (and `init` writes
/// the top level). A key not listed keeps the order it was set in, after these.
const ORDER: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "name",
            "description",
            "user",
            "group",
            "app_dir",
            "entry",
            "node",
            "environment",
            "env_file",
            "env_required",
            "host",
            "shutdown",
            "health",
            "site",
            "routes",
            "logs",
            "deploy",
        ],
    ),
    (
        "site",
        &[
            "domains",
            "nginx_version",
            "listen",
            "tls",
            "headers",
            "client_max_body_size",
            "redirect_http",
            "acme_root",
            "mounts",
            "mounted_on",
            "canonical_redirect",
            "compression",
            "real_ip",
            "balance",
            "error_pages",
        ],
    ),
    (
        "site.tls",
        &[
            "profile",
            "certificate",
            "key",
            "hsts",
            "ocsp_stapling",
            "trusted_certificate",
            "resolver",
            "post_quantum",
        ],
    ),
    (
        "site.headers",
        &[
            "content_security_policy",
            "frame_options",
            "nosniff",
            "referrer_policy",
            "permissions_policy",
            "extra",
        ],
    ),
    ("host", &["supervisor", "hardening", "install"]),
    (
        "host.supervisor",
        &[
            "kind",
            "instances",
            "port",
            "bind",
            "memory_limit",
            "listen_timeout",
            "pm2_runtime",
            "pm2_cli",
            "pm2_home",
        ],
    ),
    (
        "deploy",
        &[
            "repo",
            "branch",
            "install",
            "build",
            "prune",
            "migrate",
            "keep_releases",
            "nginx_test",
            "nginx_reload",
            "nginx_pid_file",
            "health_retries",
            "health_interval",
            "timeouts",
            "watch",
        ],
    ),
    (
        "routes",
        &[
            "path",
            "kind",
            "connect_timeout",
            "read_timeout",
            "send_timeout",
            "dir",
            "cache",
            "immutable",
            "precompressed",
            "fallback",
            "allow",
            "basic_auth",
            "rate_limit",
            "methods",
        ],
    ),
];

/// The description under construction.
#[derive(Debug, Default, Clone)]
pub struct Draft {
    root: Vec<Entry>,
}

fn find<'a>(map: &'a mut [Entry], key: &str) -> Option<&'a mut Entry> {
    map.iter_mut().find(|e| e.key == key)
}

impl Draft {
    /// Sets `path` (`site.tls.certificate`) to `value`, replacing what was there.
    pub fn set(&mut self, path: &str, value: Value) {
        self.put(path, Node::Scalar(value), None);
    }

    /// Sets `path` with a comment saying how the value was read.
    pub fn set_noted(&mut self, path: &str, value: Value, comment: impl Into<String>) {
        self.put(path, Node::Scalar(value), Some(comment.into()));
    }

    /// Adds a comment to the key at `path` (appended to one it has).
    pub fn note(&mut self, path: &str, comment: impl Into<String>) {
        let comment = comment.into();
        if let Some(e) = self.entry(path) {
            e.comment = Some(match e.comment.take() {
                Some(c) => format!("{c}\n{comment}"),
                None => comment,
            });
        }
    }

    /// Adds a comment to the key at `path`, or to the nearest key above it
    /// that is written (a default left out takes its comment to its section),
    /// or to `name`.
    pub fn note_nearest(&mut self, path: &str, comment: &str) {
        let mut p = path.to_string();
        loop {
            if self.entry(&p).is_some() {
                self.note(&p, comment.to_string());
                return;
            }
            match p.rsplit_once('.') {
                Some((parent, _)) => p = parent.to_string(),
                None => break,
            }
        }
        self.note("name", comment.to_string());
    }

    /// The scalar at `path`, if set.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut map = &self.root;
        let parts: Vec<&str> = path.split('.').collect();
        for (i, p) in parts.iter().enumerate() {
            let e = map.iter().find(|e| e.key == *p)?;
            match &e.value {
                Node::Scalar(v) if i + 1 == parts.len() => return Some(v),
                Node::Map(m) => map = m,
                _ => return None,
            }
        }
        None
    }

    pub fn has(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Appends a route (its keys as `(key, value)`), with a comment above it.
    pub fn push_route(&mut self, keys: Vec<(String, Value)>, comment: Option<String>) {
        let map: Vec<Entry> = keys
            .into_iter()
            .map(|(key, v)| Entry {
                key,
                value: Node::Scalar(v),
                comment: None,
            })
            .collect();
        let mut map = map;
        if let (Some(c), Some(first)) = (comment, map.first_mut()) {
            first.comment = Some(c);
        }
        match self.root.iter_mut().find(|e| e.key == "routes") {
            Some(Entry {
                value: Node::Maps(list),
                ..
            }) => list.push(map),
            _ => self.root.push(Entry {
                key: "routes".into(),
                value: Node::Maps(vec![map]),
                comment: None,
            }),
        }
    }

    pub fn route_count(&self) -> usize {
        self.root
            .iter()
            .find_map(|e| match (&e.key[..], &e.value) {
                ("routes", Node::Maps(l)) => Some(l.len()),
                _ => None,
            })
            .unwrap_or(0)
    }

    fn entry(&mut self, path: &str) -> Option<&mut Entry> {
        let parts: Vec<&str> = path.split('.').collect();
        let mut map = &mut self.root;
        for (i, p) in parts.iter().enumerate() {
            let e = find(map, p)?;
            if i + 1 == parts.len() {
                return Some(e);
            }
            match &mut e.value {
                Node::Map(m) => map = m,
                _ => return None,
            }
        }
        None
    }

    fn put(&mut self, path: &str, value: Node, comment: Option<String>) {
        let parts: Vec<&str> = path.split('.').collect();
        let mut map = &mut self.root;
        for p in &parts[..parts.len() - 1] {
            if find(map, p).is_none() {
                map.push(Entry {
                    key: (*p).to_string(),
                    value: Node::Map(Vec::new()),
                    comment: None,
                });
            }
            let e = find(map, p).expect("just inserted");
            if !matches!(e.value, Node::Map(_)) {
                e.value = Node::Map(Vec::new());
            }
            let Node::Map(m) = &mut e.value else {
                unreachable!()
            };
            map = m;
        }
        let last = parts[parts.len() - 1];
        match find(map, last) {
            Some(e) => {
                e.value = value;
                if comment.is_some() {
                    e.comment = comment;
                }
            }
            None => map.push(Entry {
                key: last.to_string(),
                value,
                comment,
            }),
        }
    }

    /// Every scalar's path (`site.tls.key`, `routes[2].cache`), in order.
    pub fn leaf_paths(&self) -> Vec<String> {
        fn walk(map: &[Entry], prefix: &str, out: &mut Vec<String>) {
            for e in map {
                let p = if prefix.is_empty() {
                    e.key.clone()
                } else {
                    format!("{prefix}.{}", e.key)
                };
                match &e.value {
                    Node::Scalar(_) => out.push(p),
                    Node::Map(m) => walk(m, &p, out),
                    Node::Maps(list) => {
                        for (i, item) in list.iter().enumerate() {
                            walk(item, &format!("{p}[{i}]"), out);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, "", &mut out);
        out
    }

    /// A copy without the value at `path` (and mappings it leaves empty).
    pub fn without(&self, path: &str) -> Draft {
        fn remove(map: &mut Vec<Entry>, parts: &[&str]) {
            let Some((head, rest)) = parts.split_first() else {
                return;
            };
            let head = *head;
            let (key, index) = match head.split_once('[') {
                Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
                None => (head, None),
            };
            if rest.is_empty() && index.is_none() {
                map.retain(|e| e.key != key);
                return;
            }
            if let Some(e) = map.iter_mut().find(|e| e.key == key) {
                match (&mut e.value, index) {
                    (Node::Map(m), None) => remove(m, rest),
                    (Node::Maps(list), Some(i)) if rest.is_empty() && i < list.len() => {
                        list.remove(i);
                    }
                    (Node::Maps(_), Some(_)) if rest.is_empty() => {}
                    (Node::Maps(list), Some(i)) => {
                        if let Some(item) = list.get_mut(i) {
                            remove(item, rest);
                        }
                    }
                    _ => {}
                }
            }
            map.retain(|e| {
                !matches!(&e.value, Node::Map(m) if m.is_empty())
                    && !matches!(&e.value, Node::Maps(l) if l.is_empty())
            });
        }
        let mut d = self.clone();
        let parts: Vec<&str> = path.split('.').collect();
        remove(&mut d.root, &parts);
        d
    }

    /// A copy without `path`'s value; `key/N` removes element N of a list
    /// value (and the key when none is left).
    pub fn without_element(&self, path: &str) -> Draft {
        let Some((key, index)) = path.rsplit_once('/') else {
            return self.without(path);
        };
        let Ok(i) = index.parse::<usize>() else {
            return self.without(path);
        };
        match self.get(key).and_then(Value::as_array) {
            Some(list) if list.len() > 1 && i < list.len() => {
                let mut list = list.clone();
                list.remove(i);
                let mut d = self.clone();
                d.set(key, Value::Array(list));
                d
            }
            _ => self.without(key),
        }
    }

    /// Removes every key whose value is the schema's default (a comment on it
    /// goes with it), and mappings left empty.
    pub fn prune_defaults(&mut self) {
        let schema = crate::description::schema();
        prune(&mut self.root, schema, schema);
        for e in &mut self.root {
            if let Node::Maps(list) = &mut e.value
                && e.key == "routes"
            {
                let item = property(schema, schema, "routes")
                    .and_then(|r| r.get("items"))
                    .map(|i| resolve(schema, i));
                if let Some(item) = item {
                    for route in list.iter_mut() {
                        prune(route, schema, item);
                    }
                }
            }
        }
    }

    /// The description as YAML: the schema comment, a header, then the keys.
    pub fn to_yaml(&self, header: &[String]) -> String {
        let mut out = String::from("# yaml-language-server: $schema=./svcgen.schema.json\n");
        for h in header {
            comment_lines(&mut out, "", h);
        }
        let mut root = self.root.clone();
        sort(&mut root, "");
        write_map(&mut out, &root, "", 0);
        out
    }
}

fn sort(map: &mut [Entry], path: &str) {
    let order = ORDER
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[][..], |(_, o)| *o);
    map.sort_by_key(|e| order.iter().position(|k| *k == e.key).unwrap_or(usize::MAX));
    for e in map.iter_mut() {
        let sub = if path.is_empty() {
            e.key.clone()
        } else {
            format!("{path}.{}", e.key)
        };
        match &mut e.value {
            Node::Map(m) => sort(m, &sub),
            Node::Maps(list) => list.iter_mut().for_each(|m| sort(m, &sub)),
            Node::Scalar(_) => {}
        }
    }
}

fn comment_lines(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            out.push_str(indent);
            out.push_str("#\n");
        } else {
            out.push_str(&format!("{indent}# {line}\n"));
        }
    }
}

fn write_map(out: &mut String, map: &[Entry], indent: &str, depth: usize) {
    for (i, e) in map.iter().enumerate() {
        // The first key of a list item follows its `- `.
        let pad = if depth == usize::MAX && i == 0 {
            String::new()
        } else {
            indent.to_string()
        };
        if let Some(c) = &e.comment {
            if depth == usize::MAX && i == 0 {
                // Above the `- ` line: written by the caller.
            } else {
                comment_lines(out, indent, c);
            }
        }
        match &e.value {
            Node::Scalar(v) => out.push_str(&format!("{pad}{}: {}\n", e.key, scalar(v))),
            Node::Map(m) => {
                out.push_str(&format!("{pad}{}:\n", e.key));
                write_map(out, m, &format!("{indent}  "), 1);
            }
            Node::Maps(list) => {
                out.push_str(&format!("{pad}{}:\n", e.key));
                for item in list {
                    if let Some(c) = item.first().and_then(|f| f.comment.as_ref()) {
                        comment_lines(out, &format!("{indent}  "), c);
                    }
                    out.push_str(&format!("{indent}  - "));
                    write_map(out, item, &format!("{indent}    "), usize::MAX);
                }
            }
        }
    }
}

/// A YAML scalar: plain when it reads back as the same string, else JSON's
/// double-quoted form (which YAML reads as is); lists and maps in flow style.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            if plain_ok(s) {
                s.clone()
            } else {
                serde_json::to_string(s).expect("a string serialises")
            }
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(scalar).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", scalar(&Value::String(k.clone())), scalar(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    !reserved
        && s.parse::<f64>().is_err()
        && (first.is_ascii_alphanumeric() || first == '/' || first == '.' || first == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " /._-@+=:~()".contains(c))
        && !s.contains(": ")
        && !s.ends_with([':', ' '])
        && !s.starts_with("0x")
}

/// The schema node at a `$ref`, or the node itself.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or("");
            match root
                .get("definitions")
                .or_else(|| root.get("$defs"))
                .and_then(|d| d.get(name))
            {
                Some(n) => node = n,
                None => return node,
            }
        } else if let Some(all) = node.get("allOf").and_then(Value::as_array)
            && let [one] = all.as_slice()
        {
            node = one;
        } else if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
            match any
                .iter()
                .find(|a| a.get("type") != Some(&Value::from("null")))
            {
                Some(n) if n.get("$ref").is_some() => node = n,
                _ => return node,
            }
        } else {
            return node;
        }
    }
    node
}

fn property<'a>(root: &'a Value, node: &'a Value, key: &str) -> Option<&'a Value> {
    resolve(root, node).get("properties")?.get(key)
}

fn prune(map: &mut Vec<Entry>, root: &Value, schema: &Value) {
    map.retain_mut(|e| {
        let Some(prop) = property(root, schema, &e.key) else {
            return true;
        };
        match &mut e.value {
            Node::Scalar(v) => match prop.get("default") {
                Some(d) => !same(v, d),
                // No default: an optional value, absent unless set.
                None => !v.is_null(),
            },
            Node::Map(m) => {
                let sub = resolve(root, prop);
                prune(m, root, sub);
                !m.is_empty()
            }
            Node::Maps(_) => true,
        }
    });
}

/// Values equal as the description means them (`10s` and `10000ms` are one).
fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            use crate::description::units::{Duration, Size};
            matches!((Duration::parse(x), Duration::parse(y)), (Ok(p), Ok(q)) if p == q)
                || matches!((Size::parse(x), Size::parse(y)), (Ok(p), Ok(q)) if p == q)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_are_written() {
        let mut d = Draft::default();
        d.set("site.tls.hsts.max_age", json!("365d"));
        d.set("site.tls.hsts.include_subdomains", json!(false));
        d.set("site.tls.key", json!("/k"));
        let y = d.to_yaml(&[]);
        assert!(
            y.contains("    hsts:\n      max_age: 365d\n      include_subdomains: false\n"),
            "{y}"
        );
    }
}
