//! Kubernetes manifests as a lint format: YAML streams whose documents have
//! `apiVersion` and `kind` (`*.k8s.yaml` in directories).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::Value;

use super::{Check, Ctx, Doc, RULES};
use crate::description::yaml::{self, PositionIndex};
use crate::lint::format::{Format, Input, Linting, Match, Names, Prepared, Run, marker};
use crate::lint::rule::Rule;
use crate::lint::{Severity, engine, suppress};
use crate::syntax::Span;

pub static SYNTAX: Rule = Rule {
    code: "KS000",
    name: "manifest-syntax-error",
    severity: Severity::Error,
    summary: "the manifest cannot be parsed",
    what: "A document of the stream is not valid YAML, or is not a mapping with `apiVersion` and `kind`. The file is not linted and svcgen exits 2.",
    why: "A file that cannot be parsed cannot be checked; it must never look clean.",
    example: "apiVersion: v1\nkind: Service\nmetadata: {name: api\n",
    fix: "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n",
    references: &[],
    description_key: None,
};

pub static FORMAT: Kubernetes = Kubernetes;

pub struct Kubernetes;

/// A top-level `apiVersion:` and `kind:`: a manifest, not a description.
fn looks_like_manifest(text: &str) -> bool {
    let top = |key: &str| text.starts_with(key) || text.contains(&format!("\n{key}"));
    top("apiVersion:") && top("kind:")
}

impl Format for Kubernetes {
    fn names(&self) -> &'static Names {
        &Names {
            name: "kubernetes",
            aliases: &["k8s", "manifest"],
            family: "KS",
            fence: "yaml",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, text: &str) -> Option<Match> {
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        (yaml && looks_like_manifest(text)).then_some(Match::Name)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        name.ends_with(".k8s.yaml") || name.ends_with(".k8s.yml")
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
    fn prepare(&self, text: &str) -> Option<Prepared> {
        Some(Box::new(read(text)))
    }
}

/// The documents of a stream: (start offset, text).
fn split(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut off = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end() == "---" || l.starts_with("--- ") {
            out.push((start, &text[start..off]));
            start = off + l.len();
        }
        off += l.len();
    }
    out.push((start, &text[start..]));
    out.into_iter()
        .filter(|(_, t)| {
            t.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect()
}

/// A document parsed once: its value, places relative to its own text, and the
/// values it holds (what it spends of its file's budget).
#[derive(Clone)]
struct Parsed {
    value: Arc<Value>,
    positions: PositionIndex,
    nodes: usize,
}

/// How many parsed documents are kept: a description's environments render
/// the same Deployment, Service, … again and again, each differing in a few
/// documents; past this many, the memo starts again (memory stays bounded).
const MEMO_DOCUMENTS: usize = 512;

/// Documents parsed so far, by their text (shared by the threads that prepare
/// rendered streams).
static MEMO: LazyLock<Mutex<HashMap<Box<str>, Parsed>>> = LazyLock::new(Default::default);

/// The document's parse, from the memo when the same text was parsed before
/// and the file's budget still holds it (else parsed, so an exhausted budget
/// reports as it always does).
fn parse(text: &str, left: &mut usize) -> Result<Parsed, yaml::YamlSyntaxError> {
    let memo = || MEMO.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = memo().get(text).cloned()
        && p.nodes <= *left
    {
        *left -= p.nodes;
        return Ok(p);
    }
    let before = *left;
    let (value, positions) = yaml::parse_within(text, left)?;
    let parsed = Parsed {
        value: Arc::new(value),
        positions,
        nodes: before - *left,
    };
    let mut memo = memo();
    if memo.len() >= MEMO_DOCUMENTS {
        memo.clear();
    }
    memo.insert(text.into(), parsed.clone());
    Ok(parsed)
}

/// Why a stream is not read: where (a byte offset) and what.
type Unread = (usize, String);

/// The objects of a stream, or why it is not one.
fn read(text: &str) -> Result<Vec<Doc>, Unread> {
    let mut docs = Vec::new();
    // One budget for the whole stream, not one per document.
    let mut left = yaml::FILE_NODE_BUDGET;
    for (offset, text) in split(text) {
        match parse(text, &mut left) {
            Ok(p) if p.value.get("kind").is_some_and(|k| k.is_string()) => {
                docs.push(Doc {
                    value: p.value,
                    positions: p.positions,
                    offset,
                });
            }
            Ok(_) => {
                return Err((
                    offset,
                    "a document without `kind`: not a Kubernetes object".into(),
                ));
            }
            Err(e) => {
                return Err((
                    e.pos.map_or(offset, |p| p.offset + offset),
                    format!("manifest syntax error: {}", e.message),
                ));
            }
        }
    }
    Ok(docs)
}

struct Pass;

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let read = match input
            .prepared
            .map(|p| p.downcast::<Result<Vec<Doc>, Unread>>())
        {
            Some(Ok(prepared)) => *prepared,
            _ => read(&input.text),
        };
        let docs = match read {
            Ok(docs) => docs,
            Err((at, message)) => {
                run.report.errors.push(engine::finding(
                    &SYNTAX,
                    Span {
                        file: input.id,
                        start: at,
                        end: at + 1,
                    },
                    message,
                    None,
                ));
                return;
            }
        };
        let drain_ms = match input.rendered {
            Some(spec) => Some(spec.service.shutdown.drain.millis()),
            None => marker(&input.text, "drain")
                .and_then(|v| crate::syntax::systemd::parse_timespan(&v)),
        };
        let ctx = Ctx {
            file: input.id,
            docs: &docs,
            drain_ms,
        };
        let findings = engine::run_rules(run.opts, RULES, |check: Check, sink| check(&ctx, sink));
        // `# svcgen: ignore KS006 -- reason` on the line above a key.
        let mut suppressions = Vec::new();
        let text = &*input.text;
        let mut off = 0;
        let lines: Vec<(usize, &str)> = text
            .split_inclusive('\n')
            .map(|l| {
                let s = off;
                off += l.len();
                (s, l)
            })
            .collect();
        for (i, (start, line)) in lines.iter().enumerate() {
            let t = line.trim_start();
            let Some(c) = t.strip_prefix('#') else {
                continue;
            };
            let lead = line.len() - t.len();
            let at = Span {
                file: input.id,
                start: start + lead,
                end: start + line.trim_end().len(),
            };
            // What the comment covers: the next line and everything indented under it.
            let Some((n_start, n_line)) = lines[i + 1..].iter().find(|(_, l)| !l.trim().is_empty())
            else {
                continue;
            };
            let indent = n_line.len() - n_line.trim_start().len();
            let end = lines
                .iter()
                .skip_while(|(s, _)| s <= n_start)
                .find(|(_, l)| !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent)
                .map_or(text.len(), |(s, _)| *s);
            suppressions.extend(suppress::parse_comment(
                c,
                at,
                Span {
                    file: input.id,
                    start: *n_start,
                    end,
                },
            ));
        }
        engine::finish(
            &mut run.report,
            FORMAT.rules(),
            findings,
            &mut suppressions,
            input.rendered.map(|s| &**s),
            run.opts,
        );
    }
}
