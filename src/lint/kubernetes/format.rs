//! Kubernetes manifests as a lint format: YAML streams whose documents have
//! `apiVersion` and `kind` (`*.k8s.yaml` in directories).

use std::path::Path;

use super::{Check, Ctx, Doc, RULES};
use crate::description::yaml;
use crate::lint::format::{Format, Input, Linting, Match, Run, marker};
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
    check: None,
};

pub static FORMAT: Kubernetes = Kubernetes;

pub struct Kubernetes;

/// A top-level `apiVersion:` and `kind:`: a manifest, not a description.
fn looks_like_manifest(text: &str) -> bool {
    let top = |key: &str| text.starts_with(key) || text.contains(&format!("\n{key}"));
    top("apiVersion:") && top("kind:")
}

impl Format for Kubernetes {
    fn name(&self) -> &'static str {
        "kubernetes"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["k8s", "manifest"]
    }
    fn family(&self) -> &'static str {
        "KS"
    }
    fn fence(&self) -> &'static str {
        "yaml"
    }
    fn rules(&self) -> &'static [&'static Rule] {
        RULES
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
}

struct Pass;

/// The documents of a stream: (start offset, lines before it, text).
fn split(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let (mut start, mut line, mut start_line) = (0, 0, 0);
    let mut off = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end() == "---" || l.starts_with("--- ") {
            out.push((start, start_line, &text[start..off]));
            start = off + l.len();
            start_line = line + 1;
        }
        off += l.len();
        line += 1;
    }
    out.push((start, start_line, &text[start..]));
    out.into_iter()
        .filter(|(_, _, t)| {
            t.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect()
}

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let mut docs = Vec::new();
        // One budget for the whole stream, not one per document.
        let mut left = yaml::FILE_NODE_BUDGET;
        for (offset, lines, text) in split(&input.text) {
            match yaml::parse_within(text, &mut left) {
                Ok((value, mut positions)) if value.get("kind").is_some_and(|k| k.is_string()) => {
                    positions.shift(offset, lines);
                    docs.push(Doc { value, positions });
                }
                Ok(_) => {
                    run.report.errors.push(engine::finding(
                        &SYNTAX,
                        Span {
                            file: input.id,
                            start: offset,
                            end: offset + 1,
                        },
                        "a document without `kind`: not a Kubernetes object".into(),
                        None,
                    ));
                    return;
                }
                Err(e) => {
                    let at = e.pos.map_or(offset, |p| p.offset + offset);
                    run.report.errors.push(engine::finding(
                        &SYNTAX,
                        Span {
                            file: input.id,
                            start: at,
                            end: at + 1,
                        },
                        format!("manifest syntax error: {}", e.message),
                        None,
                    ));
                    return;
                }
            }
        }
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
            RULES,
            findings,
            &mut suppressions,
            input.rendered.map(|s| &**s),
            run.opts,
        );
    }
}
