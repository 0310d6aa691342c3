//! Deploy scripts as a lint format: svcgen's SH rules, then shellcheck's findings
//! joined into the same report.

use std::path::Path;

use super::shellcheck;
use super::{Check, Ctx, RULES};
use crate::lint::format::{Format, Input, Linting, Match, Names, Run};
use crate::lint::rule::Rule;
use crate::lint::tool;
use crate::lint::{Severity, engine, suppress};
use crate::syntax::Span;
use crate::syntax::shell::{self, Script};

pub static SHELLCHECK_FAILED: Rule = Rule {
    code: "SH000",
    name: "shellcheck-failed",
    severity: Severity::Error,
    summary: "shellcheck ran on a deploy script and failed",
    what: "shellcheck crashed, was killed, ran longer than 60 s, printed no JSON report, or the shellcheck given with `--shellcheck PATH` is not there. The script's shellcheck findings are unknown, so svcgen exits 2. (shellcheck that is simply not installed is a note; `--no-shellcheck` turns it off.)",
    why: "A check that was asked for and did not run must never look clean.",
    example: "svcgen lint deploy.sh --shellcheck /usr/local/bin/shellcheck-broken",
    fix: "Run shellcheck on the script by hand to see why it fails, or pass `--no-shellcheck`.",
    references: &[],
    description_key: None,
};

pub static FORMAT: Shell = Shell;

pub struct Shell;

impl Format for Shell {
    fn names(&self) -> &'static Names {
        &Names {
            name: "shell",
            aliases: &["bash", "sh"],
            family: "SH",
            fence: "bash",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, text: &str) -> Option<Match> {
        if name.ends_with(".sh") || name.ends_with(".bash") {
            return Some(Match::Name);
        }
        let first_line = text.lines().next().unwrap_or("");
        (first_line.starts_with("#!")
            && (first_line.contains("bash") || first_line.ends_with("/sh")))
        .then_some(Match::Interpreter)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        name == "deploy.sh"
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
}

struct Pass;

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let script = lint_script(run, &input);
        if input.rendered.is_none() {
            run.bundle.script.get_or_insert(script);
        }
    }
}

fn lint_script(run: &mut Run<'_>, input: &Input<'_>) -> Script {
    let (id, opts) = (input.id, run.opts);
    let text = &*input.text;
    let script = shell::parse(text, id);
    let name = input
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let ctx = Ctx {
        script: &script,
        name,
    };
    let mut findings = engine::run_rules(opts, RULES, |check: Check, sink| check(&ctx, sink));
    // svcgen's own deploy script is shellcheck-clean (its test suite proves it);
    // shellcheck runs on it only when the templates are the user's.
    let rendered_by_us = input.rendered.is_some() && opts.templates.is_none();
    let report = &mut run.report;
    if opts.shellcheck && opts.selection.family_enabled("SC") && !rendered_by_us {
        let tool = tool::Joined {
            name: "shellcheck",
            given: opts.shellcheck_path.as_deref(),
            failed: &SHELLCHECK_FAILED,
            without: "deploy scripts were checked by svcgen's SH rules only",
        };
        tool::join(report, &mut findings, id, tool, |sources, program| {
            shellcheck::run(sources, id, program)
        });
    }
    // `# svcgen: ignore CODE -- reason` on the line(s) above a command.
    let mut suppressions = Vec::new();
    for (i, l) in script.lines.iter().enumerate() {
        let Some(c) = &l.comment else { continue };
        if !l.code.trim().is_empty() {
            continue;
        }
        let lead = text[l.start..].len() - text[l.start..].trim_start().len();
        let at = Span {
            file: id,
            start: l.start + lead,
            end: l.start + lead + c.len() + 1,
        };
        let covers = script.lines[i + 1..]
            .iter()
            .find(|n| !n.code.trim().is_empty())
            .map_or(at, |n| Span {
                file: id,
                start: n.start,
                end: n.start + n.code.len().max(1),
            });
        if let Some(s) = suppress::parse_comment(c, at, covers) {
            suppressions.push(s);
        }
    }
    engine::finish(
        report,
        FORMAT.rules(),
        findings,
        &mut suppressions,
        input.rendered.map(|s| &**s),
        opts,
    );
    script
}
