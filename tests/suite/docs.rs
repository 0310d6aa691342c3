//! The guide in docs/ (an mdBook): its generated reference — a page per rule and
//! their index from the rule registry, every description key from the schema,
//! the command line from `--help`, the table of contents — is what svcgen says
//! today (`SVCGEN_UPDATE_DOCS=1` regenerates it); the real `mdbook` builds it; and
//! every link between its pages (and from the README) reaches a file and a heading.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use svcgen::lint::registry;

use crate::common::*;

/// A rule's page: its `svcgen explain` text, headings one level up.
fn rule_page(rule: &svcgen::lint::rule::Rule) -> String {
    let text = registry::markdown(rule);
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let line = match line.strip_prefix('#') {
            Some(rest) if !fenced && rest.starts_with('#') => rest,
            _ => line,
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn rules_index() -> String {
    let mut t = String::from(
        "# Rules\n\nEvery rule `svcgen lint` applies, by code (`svcgen rules` lists them; a rule's\nname works wherever its code does).\n\n| code | name | severity | finds |\n| --- | --- | --- | --- |\n",
    );
    for r in registry::all() {
        t.push_str(&format!(
            "| [{code}](rules/{code}.md) | `{}` | {} | {} |\n",
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|"),
            code = r.code,
        ));
    }
    t
}

fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// What a schema node accepts, in words.
fn accepts(root: &Value, node: &Value) -> String {
    let node = resolve(root, node);
    if let Some(kind) = node.get("x-kind").and_then(Value::as_str)
        && let Some(k) = svcgen::description::kinds::Kind::named(kind)
    {
        return k.accepts.to_string();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = node.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = branches
                .iter()
                .map(|b| resolve(root, b))
                .filter(|b| b.get("type") != Some(&Value::from("null")))
                .map(|b| match b.get("const") {
                    Some(c) => format!("`{}`", c.as_str().map_or(c.to_string(), str::to_string)),
                    None => accepts(root, b),
                })
                .collect();
            return parts.join(" or ");
        }
    }
    match node.get("type") {
        Some(Value::String(t)) if t == "array" => match node.get("items") {
            Some(items) => format!("a list of: {}", accepts(root, items)),
            None => "a list".into(),
        },
        Some(Value::String(t)) if t == "object" => "a mapping".into(),
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".into(),
    }
}

/// A node with its `$ref` (or single-`allOf` reference) followed.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        return resolve(root, root.pointer(r.trim_start_matches('#')).unwrap());
    }
    if let Some([only]) = node
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return resolve(root, only);
    }
    node
}

fn key_rows(root: &Value, node: &Value, path: &str, rows: &mut Vec<String>) {
    let target = resolve(root, node);
    let Some(props) = target.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, prop) in props {
        let key = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let resolved = resolve(root, prop);
        let description = prop
            .get("description")
            .or_else(|| resolved.get("description"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let default = prop
            .get("default")
            .map(|d| format!("`{}`", d.to_string().replace('|', "\\|")))
            .unwrap_or_default();
        let section = resolved.get("properties").is_some();
        let accepted = if section {
            "a section".to_string()
        } else {
            accepts(root, prop)
        };
        rows.push(format!(
            "| `{key}` | {} | {default} | {} |",
            one_line(&accepted),
            one_line(description)
        ));
        if section {
            key_rows(root, prop, &key, rows);
        }
        // A list of sections (routes): its items' keys.
        if let Some(items) = resolved.get("items")
            && resolve(root, items).get("properties").is_some()
        {
            key_rows(root, items, &format!("{key}[]"), rows);
        }
    }
}

fn description_keys() -> String {
    let root = svcgen::description::schema();
    let mut rows = Vec::new();
    key_rows(root, root, "", &mut rows);
    format!(
        "# Description keys\n\nEvery key of a service description, from its JSON Schema (`svcgen schema`):\nwhat it accepts, its default, what it means.\n\n| key | accepts | default | meaning |\n| --- | --- | --- | --- |\n{}\n",
        rows.join("\n")
    )
}

fn cli_reference() -> String {
    let mut out = String::from("# Command line\n\nEach command's `--help`.\n");
    for cmd in [
        None,
        Some("render"),
        Some("diff"),
        Some("lint"),
        Some("explain"),
        Some("rules"),
        Some("init"),
        Some("schema"),
        Some("completions"),
        Some("man"),
    ] {
        let args: Vec<&str> = cmd.into_iter().chain(["--help"]).collect();
        let help = svcgen(&args);
        assert!(help.status.success(), "{args:?}");
        out.push_str(&format!(
            "\n## svcgen{}\n\n```text\n{}```\n",
            cmd.map(|c| format!(" {c}")).unwrap_or_default(),
            text(&help.stdout)
        ));
    }
    out
}

fn summary() -> String {
    let mut s = String::from(
        "# Summary\n\n[svcgen](introduction.md)\n\n- [Getting started and CI](getting-started.md)\n- [The example, file by file](example.md)\n- [The description](description.md)\n- [Deploying](deploying.md)\n- [Adopting svcgen on an existing server](import.md)\n- [Several services on one host](several-services.md)\n- [Several servers](fleet.md)\n- [The edge](edge.md)\n- [Certificates](certificates.md)\n- [Moving to Kubernetes](kubernetes.md)\n- [svcgen lint](lint.md)\n  - [Rules](rules.md)\n",
    );
    for r in registry::all() {
        s.push_str(&format!(
            "    - [{} {}](rules/{}.md)\n",
            r.code, r.name, r.code
        ));
    }
    s.push_str("- [Errors](errors.md)\n\n# Reference\n\n- [Description keys](reference/description.md)\n- [Command line](reference/cli.md)\n\n# Contributing\n\n- [Architecture](architecture.md)\n- [Tests](tests.md)\n");
    s
}

/// Every generated page, by its path under docs/src.
fn generated() -> BTreeMap<PathBuf, String> {
    let mut pages = BTreeMap::new();
    for r in registry::all() {
        pages.insert(PathBuf::from(format!("rules/{}.md", r.code)), rule_page(r));
    }
    pages.insert("rules.md".into(), rules_index());
    pages.insert("reference/description.md".into(), description_keys());
    pages.insert("reference/cli.md".into(), cli_reference());
    pages.insert("SUMMARY.md".into(), summary());
    pages
}

#[test]
fn the_generated_reference_is_current() {
    let src = root().join("docs/src");
    let pages = generated();
    let update = std::env::var_os("SVCGEN_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for (rel, text) in &pages {
        let path = src.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        } else {
            stale.push(rel.display().to_string());
        }
    }
    // A rule page of a rule that is gone.
    for e in std::fs::read_dir(src.join("rules")).unwrap() {
        let rel = Path::new("rules").join(e.unwrap().file_name());
        if !pages.contains_key(&rel) {
            if update {
                std::fs::remove_file(src.join(&rel)).unwrap();
            } else {
                stale.push(format!("{} (no such rule)", rel.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs {stale:?}: run `SVCGEN_UPDATE_DOCS=1 cargo test --test suite docs::`"
    );
}

/// GitHub's and mdBook's heading ids: lower case, spaces to `-`, other
/// punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn headings(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            out.push(slug(line.trim_start_matches('#')));
        }
    }
    out
}

/// `](target)` links of a Markdown text, code blocks and spans left out.
fn links(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans hold no links.
        let plain: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = plain.as_str();
        while let Some(i) = rest.find("](") {
            let tail = &rest[i + 2..];
            let Some(end) = tail.find(')') else { break };
            out.push(tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    out
}

#[test]
fn the_guide_builds_and_its_links_resolve() {
    let mdbook = require("mdbook");
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(Command::new(mdbook)
        .args(["build", "docs", "--dest-dir"])
        .arg(out_dir.path())
        .current_dir(root()));
    assert!(out.status.success(), "mdbook build:\n{}", said(&out));
    assert!(out_dir.path().join("rules/NG012.html").is_file());
    // Every rule's address that lint output links (text footer, JSON `docs`, SARIF
    // `helpUri`) is a page of the built site.
    let site = svcgen::report::DOCS_SITE;
    assert!(
        site.starts_with("https://") && site.ends_with('/'),
        "{site}"
    );
    for rule in svcgen::lint::registry::all() {
        let url = svcgen::report::rule_url(rule.code);
        let page = url
            .strip_prefix(site)
            .expect("a rule's page is on the docs site");
        assert!(
            out_dir.path().join(page).is_file(),
            "{url} links a page the docs build does not make"
        );
    }

    let mut pages: Vec<PathBuf> = vec![root().join("README.md")];
    let mut dirs = vec![root().join("docs/src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                pages.push(p);
            }
        }
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = read(page);
        for link in links(&text) {
            // A link to the docs site is a link to a page of the built book.
            if let Some(in_site) = link.strip_prefix(site) {
                let file = in_site.split('#').next().unwrap();
                let file = if file.is_empty() || file.ends_with('/') {
                    format!("{file}index.html")
                } else {
                    file.to_string()
                };
                checked += 1;
                if !out_dir.path().join(&file).is_file() {
                    broken.push(format!(
                        "{}: {link} (no page {file} in the built site)",
                        page.display()
                    ));
                }
                continue;
            }
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            let (file, anchor) = match link.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            checked += 1;
            if !target.exists() {
                broken.push(format!("{}: {link} (no file)", page.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && !headings(&read(&target)).iter().any(|h| h == anchor)
            {
                broken.push(format!("{}: {link} (no such heading)", page.display()));
            }
        }
    }
    assert!(checked > 150, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
