//! PM2 ecosystem files as a lint format: `ecosystem.config.js` (CommonJS or ESM
//! object literals, read without running them), JSON, JSON5 and YAML.

use std::path::Path;

use super::{Check, Ctx, RULES};
use crate::lint::format::{Format, Input, Linting, Match, Names, Run, marker};
use crate::lint::rule::Rule;
use crate::lint::{Severity, engine, suppress};
use crate::syntax::Span;
use crate::syntax::pm2::{self, Node};

pub static SYNTAX: Rule = Rule {
    code: "PM000",
    name: "ecosystem-unreadable",
    severity: Severity::Error,
    summary: "the ecosystem file cannot be read without running it",
    what: "svcgen reads `module.exports = { … }` / `export default { … }` object literals and JSON files without executing them. A syntax error, or an export that is not an object literal (a variable, a function call), is reported here and svcgen exits 2. Single values that are expressions (`process.env.PORT || 3000`) are skipped by the rules, not reported.",
    why: "A file that cannot be read cannot be checked; it must never look clean.",
    example: "const config = buildConfig();\nmodule.exports = config;",
    fix: "module.exports = {\n  apps: [{ name: 'api', script: 'dist/server.js', kill_timeout: 15000 }],\n};",
    references: &[],
    description_key: None,
};

pub static FORMAT: Pm2 = Pm2;

pub struct Pm2;

const JS: [&str; 3] = [".js", ".cjs", ".mjs"];
const DATA: [&str; 4] = [".json", ".json5", ".yml", ".yaml"];

impl Format for Pm2 {
    fn names(&self) -> &'static Names {
        &Names {
            name: "pm2",
            aliases: &["ecosystem"],
            family: "PM",
            fence: "js",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, text: &str) -> Option<Match> {
        let js = JS.iter().any(|e| name.ends_with(e));
        let by_name = (js && (name.contains("ecosystem") || name.contains(".config.")))
            || (name.contains("ecosystem") && DATA.iter().any(|e| name.ends_with(e)));
        // A script that exports an object with `apps` is an ecosystem file whatever
        // its name.
        let by_content = js
            && text.contains("apps")
            && (text.contains("module.exports") || text.contains("export default"));
        (by_name || by_content).then_some(Match::Name)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        name.starts_with("ecosystem") && JS.iter().chain(DATA.iter()).any(|e| name.ends_with(e))
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
}

struct Pass;

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let file_name = input
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (drain_ms, signals) = match input.rendered {
            // The rendered unit sets PM2_KILL_SIGNAL from the description's signals.
            Some(spec) => (Some(spec.service.shutdown.drain.millis()), None),
            None => (
                marker(&input.text, "drain")
                    .and_then(|v| crate::syntax::systemd::parse_timespan(&v)),
                marker(&input.text, "signals")
                    .map(|v| v.split(',').map(|s| s.trim().to_string()).collect()),
            ),
        };
        let root = lint_ecosystem(run, &input, &file_name, drain_ms, signals);
        if input.rendered.is_none() && run.bundle.ecosystem.is_none() {
            run.bundle.ecosystem = root;
        }
    }
}

fn lint_ecosystem(
    run: &mut Run<'_>,
    input: &Input<'_>,
    file_name: &str,
    drain_ms: Option<u64>,
    signals: Option<Vec<String>>,
) -> Option<Node> {
    let text = &*input.text;
    let lower = file_name.to_ascii_lowercase();
    let is_json = lower.ends_with(".json") || lower.ends_with(".json5");
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    let parsed = if is_yaml {
        pm2::parse_yaml(text, input.id)
    } else {
        pm2::parse(text, input.id, is_json)
    };
    let root = match parsed {
        Ok(r) => r,
        Err(e) => {
            run.report.errors.push(engine::finding(
                &SYNTAX,
                e.span,
                format!("cannot read the ecosystem file: {}", e.message),
                None,
            ));
            return None;
        }
    };
    let ctx = Ctx {
        root: &root,
        file_name,
        drain_ms,
        signals,
    };
    let findings = engine::run_rules(run.opts, RULES, |check: Check, sink| check(&ctx, sink));
    let mut suppressions = Vec::new();
    // `// svcgen: ignore CODE -- reason` on the line above a property.
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |off, l| {
            let start = *off;
            *off += l.len();
            Some((start, l))
        })
        .collect();
    for (i, (start, line)) in lines.iter().enumerate() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix("//") {
            let lead = line.len() - line.trim_start().len();
            let at = Span {
                file: input.id,
                start: start + lead,
                end: start + line.trim_end().len(),
            };
            let covers = lines.get(i + 1).map_or(at, |(s, l)| Span {
                file: input.id,
                start: *s,
                end: s + l.len(),
            });
            if let Some(s) = suppress::parse_comment(c, at, covers) {
                suppressions.push(s);
            }
        }
    }
    engine::finish(
        &mut run.report,
        FORMAT.rules(),
        findings,
        &mut suppressions,
        input.rendered.map(|s| &**s),
        run.opts,
    );
    Some(root)
}
