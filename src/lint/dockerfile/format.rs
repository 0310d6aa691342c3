//! Dockerfiles as a lint format: `Dockerfile`, `Containerfile`, `*.Dockerfile`,
//! `Dockerfile.*`.

use std::path::Path;

use super::{Check, Ctx, RULES, syntax};
use crate::lint::format::{Format, Input, Linting, Match, Names, Run};
use crate::lint::rule::Rule;
use crate::lint::tool;
use crate::lint::{Severity, engine, suppress};

pub static SYNTAX: Rule = Rule {
    code: "DF000",
    name: "dockerfile-syntax-error",
    severity: Severity::Error,
    summary: "the Dockerfile cannot be parsed",
    what: "An unknown instruction, an instruction before the first `FROM` other than `ARG`, a `FROM` without an image, a continuation or heredoc that is not closed, or no `FROM` at all. The file is not linted and svcgen exits 2.",
    why: "A file that cannot be parsed cannot be checked; it must never look clean.",
    example: "FROM node:22-slim\nRUNN npm ci",
    fix: "FROM node:22-slim\nRUN npm ci",
    references: &["https://docs.docker.com/reference/dockerfile/"],
    description_key: None,
};

pub static HADOLINT_FAILED: Rule = Rule {
    code: "DF008",
    name: "hadolint-failed",
    severity: Severity::Error,
    summary: "hadolint ran on a Dockerfile and failed",
    what: "hadolint crashed, ran longer than 60 s, printed no JSON report, could not parse the file (its DL1000: a BuildKit heredoc, for one — none of its checks ran), or the hadolint given with `--hadolint PATH` is not there. The file's hadolint findings are unknown, so svcgen exits 2. (hadolint that is simply not installed is a note; `--no-hadolint` turns it off.)",
    why: "A check that was asked for and did not run must never look clean.",
    example: "svcgen lint Dockerfile --hadolint /usr/local/bin/hadolint-broken",
    fix: "Run hadolint on the file by hand to see why it fails, or pass `--no-hadolint`.",
    references: &["https://github.com/hadolint/hadolint"],
    description_key: None,
};

pub static FORMAT: Dockerfile = Dockerfile;

pub struct Dockerfile;

fn named(name: &str) -> bool {
    name == "dockerfile"
        || name == "containerfile"
        || name.ends_with(".dockerfile")
        || name.starts_with("dockerfile.")
}

impl Format for Dockerfile {
    fn names(&self) -> &'static Names {
        &Names {
            name: "dockerfile",
            aliases: &["containerfile"],
            family: "DF",
            fence: "dockerfile",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, _text: &str) -> Option<Match> {
        named(name).then_some(Match::Name)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        named(&name.to_ascii_lowercase())
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
}

struct Pass;

/// The build context of a Dockerfile in `dir` (see the caller).
fn build_context(dir: &Path) -> &Path {
    let here = |d: &Path| -> bool {
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        d.join("package.json").is_file()
    };
    let found = dir.ancestors().take(4).find(|a| here(a)).unwrap_or(dir);
    if found.as_os_str().is_empty() {
        Path::new(".")
    } else {
        found
    }
}

/// hadolint's findings joined in: on hand-written Dockerfiles and those of
/// user templates (svcgen's own is hadolint-clean: its tests prove it).
fn hadolint(run: &mut Run<'_>, input: &Input<'_>, findings: &mut Vec<crate::lint::Finding>) {
    let opts = run.opts;
    let rendered_by_us = input.rendered.is_some() && opts.templates.is_none();
    if !opts.hadolint || rendered_by_us || !opts.selection.family_enabled("DL") {
        return;
    }
    let tool = tool::Joined {
        name: "hadolint",
        given: opts.hadolint_path.as_deref(),
        failed: &HADOLINT_FAILED,
        without: "Dockerfiles were checked by svcgen's DF rules only",
    };
    tool::join(
        &mut run.report,
        findings,
        input.id,
        tool,
        |sources, program| super::hadolint::run(sources, input.id, program),
    );
}

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let file = match syntax::parse(&input.text, input.id) {
            Ok(f) => f,
            Err(e) => {
                run.report.errors.push(engine::finding(
                    &SYNTAX,
                    e.span,
                    format!("Dockerfile syntax error: {}", e.message),
                    None,
                ));
                return;
            }
        };
        // A hand-written Dockerfile on disk: its build context is its directory,
        // or — for one kept in a subdirectory (`.docker/Dockerfile`, built with
        // `-f .docker/Dockerfile .`) — the nearest directory above it (three
        // levels at most) that holds the project's package.json.
        let context = (input.rendered.is_none() && input.path != std::path::Path::new("-"))
            .then(|| input.path.parent())
            .flatten()
            .map(build_context);
        let ctx = Ctx {
            file: &file,
            context,
        };
        let mut findings =
            engine::run_rules(run.opts, RULES, |check: Check, sink| check(&ctx, sink));
        hadolint(run, &input, &mut findings);
        // `# svcgen: ignore DF001 -- reason` on the line(s) above an instruction.
        let mut suppressions = Vec::new();
        let every = file.global_args.iter().chain(
            file.stages
                .iter()
                .flat_map(|s| std::iter::once(&s.from).chain(&s.instructions)),
        );
        for ins in every {
            for (text, at) in &ins.comments {
                suppressions.extend(suppress::parse_comment(text, *at, ins.span));
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
    }
}
