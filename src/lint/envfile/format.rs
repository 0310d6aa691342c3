//! Env files as a lint format: `.env`, `*.env`, `.env.*` and `*.env.*`
//! (`secrets.env`, `.env.production`, svcgen's `NAME.env.example`), or any file
//! with `--type env-file`. Recognised by name only: a file of `KEY=value` lines
//! says too little to be told from others by its content.

use std::path::Path;

use super::{Check, Ctx, RULES};
use crate::lint::engine;
use crate::lint::format::{Format, Input, Linting, Match, Names, Run};
use crate::lint::rule::Rule;
use crate::syntax::envfile;

pub static FORMAT: EnvFileFormat = EnvFileFormat;

pub struct EnvFileFormat;

fn env_name(name: &str) -> bool {
    name == ".env" || name.ends_with(".env") || name.starts_with(".env.") || name.contains(".env.")
}

impl Format for EnvFileFormat {
    fn names(&self) -> &'static Names {
        &Names {
            name: "env-file",
            aliases: &["env", "dotenv"],
            family: "EV",
            fence: "sh",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, _text: &str) -> Option<Match> {
        env_name(name).then_some(Match::Name)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        env_name(&name.to_ascii_lowercase())
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
}

struct Pass;

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let (assignments, ignored) = envfile::read(&input.text, input.id);
        // What a report shows of the file: its values masked.
        run.report
            .sources
            .replace_text(input.id, envfile::masked(&input.text, &assignments));
        let ctx = Ctx {
            assignments: &assignments,
            ignored: &ignored,
        };
        let findings = engine::run_rules(run.opts, RULES, |check: Check, sink| check(&ctx, sink));
        engine::finish(
            &mut run.report,
            FORMAT.rules(),
            findings,
            &mut [],
            input.rendered.map(|s| &**s),
            run.opts,
        );
        // The cross-file rules read a hand-written env file, never the example a
        // description renders (its values are empty on purpose).
        if run.bundle.env.is_none() && input.rendered.is_none() {
            run.bundle.env = Some(crate::lint::cross::EnvFile {
                file: input.id,
                assignments,
            });
        }
    }
}
