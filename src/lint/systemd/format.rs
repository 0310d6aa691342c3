//! systemd units as a lint format: `*.service` files, with their drop-ins
//! (`NAME.service.d/*.conf`) merged in name order.

use std::path::{Path, PathBuf};

use super::{Check, Ctx, RULES};
use crate::lint::format::{Format, Input, Linting, Match, Names, Run, marker};
use crate::lint::rule::Rule;
use crate::lint::{Severity, UnitExposure, engine, suppress};
use crate::syntax::systemd::{self, Unit};

pub static SYNTAX: Rule = Rule {
    code: "SD000",
    name: "unit-syntax-error",
    severity: Severity::Error,
    summary: "the unit file cannot be parsed",
    what: "A line that is not `Key=value`, a `[Section]` header or a comment, or an assignment before any section. The file is not linted and svcgen exits 2.",
    why: "A file that cannot be parsed cannot be checked; it must never look clean.",
    example: "[Service\nExecStart /usr/bin/node app.js",
    fix: "[Service]\nExecStart=/usr/bin/node app.js",
    references: &[],
    description_key: None,
};

pub static FORMAT: Systemd = Systemd;

pub struct Systemd;

impl Format for Systemd {
    fn names(&self) -> &'static Names {
        &Names {
            name: "systemd",
            aliases: &["unit"],
            family: "SD",
            fence: "ini",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        crate::lint::rule::documented!(RULES)
    }
    fn recognise(&self, name: &str, _text: &str) -> Option<Match> {
        name.ends_with(".service").then_some(Match::Name)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        name.ends_with(".service")
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass)
    }
}

struct Pass;

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let (drain_ms, writes) = match input.rendered {
            Some(spec) => {
                let s = &spec.service;
                let mut writes = vec![
                    s.logs
                        .dir
                        .as_ref()
                        .map_or_else(|| format!("/var/log/{}", s.name), |d| d.to_string()),
                ];
                writes.extend(
                    s.host
                        .hardening
                        .writable_paths
                        .iter()
                        .map(|p| p.to_string()),
                );
                (Some(s.shutdown.drain.millis()), writes)
            }
            // A masked unit (a link to /dev/null) or an empty file: nothing runs.
            None if input.text.trim().is_empty() => return,
            None => (
                marker(&input.text, "drain").and_then(|v| systemd::parse_timespan(&v)),
                Vec::new(),
            ),
        };
        let unit = lint_unit(run, &input, drain_ms, writes);
        if input.rendered.is_none() && run.bundle.unit.is_none() {
            run.bundle.unit = unit;
        }
    }
}

fn lint_unit(
    run: &mut Run<'_>,
    input: &Input<'_>,
    drain_ms: Option<u64>,
    writes: Vec<String>,
) -> Option<Unit> {
    let report = &mut run.report;
    let mut unit = match systemd::parse(&input.text, input.id) {
        Ok(u) => u,
        Err(e) => {
            report.errors.push(engine::finding(
                &SYNTAX,
                e.span,
                format!("unit syntax error: {}", e.message),
                None,
            ));
            return None;
        }
    };
    // Drop-ins: NAME.service.d/*.conf beside a unit on disk, in name order.
    let path = input.path;
    let dropin_dir = path.with_file_name(format!(
        "{}.d",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    if input.rendered.is_none()
        && let Ok(entries) = std::fs::read_dir(&dropin_dir)
    {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "conf"))
            .collect();
        files.sort();
        for f in files {
            let Ok(t) = std::fs::read_to_string(&f) else {
                continue;
            };
            let id = report.sources.add(f.display().to_string(), t.clone());
            match systemd::parse(&t, id) {
                Ok(d) => unit.merge(d),
                Err(e) => {
                    report.errors.push(engine::finding(
                        &SYNTAX,
                        e.span,
                        format!("drop-in syntax error: {}", e.message),
                        None,
                    ));
                    return None;
                }
            }
        }
    }
    let unit_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let exposure = crate::analysis::exposure::assess(&unit, &unit_name);
    let ctx = Ctx {
        unit: &unit,
        drain_ms,
        writes,
        exposure: &exposure,
        exposure_max: run.opts.settings.exposure_max,
    };
    let findings = engine::run_rules(run.opts, RULES, |check: Check, sink| check(&ctx, sink));
    let mut suppressions = Vec::new();
    for s in &unit.sections {
        for e in &s.entries {
            let covers = crate::syntax::Span {
                file: e.key_span.file,
                start: e.key_span.start,
                end: e.value_span.end.max(e.key_span.end),
            };
            for (text, span) in &e.comments {
                if let Some(s) = suppress::parse_comment(text, *span, covers) {
                    suppressions.push(s);
                }
            }
        }
    }
    let report = &mut run.report;
    report.exposures.push(UnitExposure {
        file: report.sources.name(input.id).to_string(),
        score: exposure.score(),
        label: exposure.label,
        failing: exposure.failing,
    });
    engine::finish(
        report,
        FORMAT.rules(),
        findings,
        &mut suppressions,
        input.rendered.map(|s| &**s),
        run.opts,
    );
    Some(unit)
}
