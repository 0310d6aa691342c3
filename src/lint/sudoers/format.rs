//! sudoers files as a lint format: `/etc/sudoers`, the files of `sudoers.d/`
//! (svcgen's rendered `NAME`, or `NAME.sudoers` in a repository), and any file
//! whose rules grant commands (`USER HOST = (root) …`).

use std::path::Path;

use super::{Check, Ctx, RULES};
use crate::lint::format::{Format, Input, Linting, Match, Names, Run};
use crate::lint::rule::Rule;
use crate::lint::{Severity, engine};
use crate::syntax::sudoers;

pub static SYNTAX: Rule = Rule {
    code: "SU000",
    name: "sudoers-syntax-error",
    severity: Severity::Error,
    summary: "the sudoers file cannot be parsed, or visudo would refuse it",
    what: "A line that is not a rule, an alias, a `Defaults` line or an include, or a command that is not a full path. The file is not linted and svcgen exits 2.",
    why: "sudo refuses to run for every user when one file of its configuration does not parse; and a file that cannot be read cannot be checked.",
    example: "deploy ALL=(root) NOPASSWD: systemctl reload nginx",
    fix: "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl reload nginx.service",
    references: &["https://www.sudo.ws/docs/man/visudo.man/"],
    description_key: None,
};

pub static FORMAT: SudoersFormat = SudoersFormat;

pub struct SudoersFormat;

/// A line that grants commands: `WHO HOSTS = (…)` or a tag after `=`, among the
/// first lines (a sudoers file says what it is early; a large file of another
/// format is not read to its end to find out).
fn grants_commands(text: &str) -> bool {
    text.lines().take(200).any(|l| {
        let l = l.trim();
        !l.starts_with('#')
            && l.split_once('=').is_some_and(|(head, rest)| {
                head.split_whitespace().count() == 2
                    && (rest.trim_start().starts_with('(')
                        || rest.contains("NOPASSWD:")
                        || rest.contains("PASSWD:"))
            })
    })
}

impl Format for SudoersFormat {
    fn names(&self) -> &'static Names {
        &Names {
            name: "sudoers",
            aliases: &[],
            family: "SU",
            fence: "text",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, text: &str) -> Option<Match> {
        if name == "sudoers" || name.ends_with(".sudoers") {
            return Some(Match::Name);
        }
        grants_commands(text).then_some(Match::Content)
    }
    fn walks(&self, path: &Path, name: &str) -> bool {
        name == "sudoers"
            || name.ends_with(".sudoers")
            || path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d == "sudoers.d")
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
}

struct Pass;

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let report = &mut run.report;
        let file = match sudoers::parse(&input.text, input.id) {
            Ok(f) => f,
            Err(e) => {
                report.errors.push(engine::finding(
                    &SYNTAX,
                    e.span,
                    format!("sudoers syntax error: {}", e.message),
                    None,
                ));
                return;
            }
        };
        let ctx = Ctx { file: &file };
        let findings = engine::run_rules(run.opts, RULES, |check: Check, sink| check(&ctx, sink));
        engine::finish(
            &mut run.report,
            FORMAT.rules(),
            findings,
            &mut [],
            input.rendered.map(|s| &**s),
            run.opts,
        );
    }
}
