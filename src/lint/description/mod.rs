//! Service descriptions as a lint format: a description is loaded and validated
//! (its errors are SV000 at their YAML position), rendered, and every rendered file
//! is linted by the format its descriptor names.

use std::path::Path;
use std::sync::Arc;

use crate::description as spec;
use crate::lint::format::{Format, Input, Linting, Match, Names, Run};
use crate::lint::rule::Rule;
use crate::lint::{Code, Finding, Severity, engine};
use crate::render;
use crate::syntax::Span;

pub static INVALID: Rule = Rule {
    code: "SV000",
    name: "invalid-description",
    severity: Severity::Error,
    summary: "the service description is invalid",
    what: "The description failed its schema or semantic checks (see the message). Nothing is rendered or linted from it and svcgen exits 2.",
    why: "A description that does not load cannot be rendered or checked.",
    example: "supervisor:\n  instanses: 4",
    fix: "supervisor:\n  instances: 4",
    references: &[],
    description_key: None,
};

pub static CLASH: Rule = Rule {
    code: "SV001",
    name: "services-clash",
    severity: Severity::Error,
    summary: "two descriptions linted together clash on one host",
    what: "Descriptions linted together are one host's services (as `svcgen render a.yaml b.yaml` renders them): a domain both serve on the same ports, app ports that overlap (each service takes its slots' ports from `host.supervisor.port`), or one service name twice. Reported at the later description's value.",
    why: "nginx warns \"conflicting server name … ignored\" and answers the domain with one site only — the other app silently gets no traffic; overlapping ports make one release slot fail to start (or, worse, the health check reach the other service); a shared name shares the unit, upstream, logs and deploy lock.",
    example: "# shop.svcgen.yaml\nsite:\n  domains: [example.com]\n# blog.svcgen.yaml\nsite:\n  domains: [example.com]",
    fix: "# blog.svcgen.yaml\nsite:\n  domains: [blog.example.com]",
    references: &[],
    description_key: None,
};

/// The description rules (all of them checks made while loading).
pub static RULES: &[&Rule] = &[&INVALID, &CLASH];

mod rendered;

pub static FORMAT: Description = Description;

pub struct Description;

impl Format for Description {
    fn names(&self) -> &'static Names {
        &Names {
            name: "description",
            aliases: &["yaml"],
            family: "SV",
            fence: "yaml",
        }
    }
    fn rules(&self) -> &'static [&'static Rule] {
        RULES
    }
    fn recognise(&self, name: &str, text: &str) -> Option<Match> {
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            return Some(Match::Name);
        }
        (text.contains("\nsupervisor:") && text.contains("\nsite:")).then_some(Match::Content)
    }
    fn walks(&self, _path: &Path, name: &str) -> bool {
        name.ends_with(".svcgen.yaml") || name.ends_with(".svcgen.yml")
    }
    fn start(&self) -> Box<dyn Linting> {
        Box::new(Pass::default())
    }
}

/// The descriptions of the run, for the checks across them.
#[derive(Default)]
struct Pass {
    loaded: Vec<(crate::syntax::FileId, Arc<spec::LoadedSpec>)>,
}

impl Linting for Pass {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>) {
        let name = run.report.sources.name(input.id).to_string();
        let spec = match spec::load(&name, &input.text) {
            Ok(s) => Arc::new(s),
            Err(errors) => {
                // An error that masks its value (a secret) masks it in the report's
                // copy of the file too.
                let mut shown: Option<Vec<u8>> = None;
                for e in &errors.errors {
                    if e.src.text.len() == input.text.len() && *e.src.text != *input.text {
                        let bytes = shown.get_or_insert_with(|| input.text.as_bytes().to_vec());
                        for (b, m) in bytes.iter_mut().zip(e.src.text.bytes()) {
                            if m == b'*' {
                                *b = b'*';
                            }
                        }
                    }
                }
                if let Some(bytes) = shown
                    && let Ok(text) = String::from_utf8(bytes)
                {
                    run.report.sources.replace_text(input.id, text);
                }
                for e in errors.errors {
                    let start = e.span.offset();
                    run.report.errors.push(Finding {
                        code: Code::Rule(INVALID.code),
                        severity: Severity::Error,
                        message: e.message.clone(),
                        span: Span {
                            file: input.id,
                            start,
                            end: start + e.span.len(),
                        },
                        label: Some(e.label.clone()),
                        help: e.help.clone(),
                        origin: None,
                    });
                }
                return;
            }
        };
        // Its rendered files, then each environment's, taken by the driver as it
        // lints them (rendered a chunk at a time on every core).
        let templates =
            render::environment(run.opts.templates.as_deref()).map_err(|e| e.to_string());
        run.derived = Some(Box::new(rendered::Files::new(
            input.id,
            spec.clone(),
            templates,
        )));
        if run.bundle.service.is_none() {
            run.bundle.service = Some(spec.service.clone());
        }
        self.loaded.push((input.id, spec));
    }

    fn finish(self: Box<Self>, run: &mut Run<'_>) {
        let specs: Vec<&spec::LoadedSpec> = self.loaded.iter().map(|(_, s)| &**s).collect();
        let findings: Vec<Finding> = spec::set::clashes(&specs)
            .into_iter()
            .map(|c| {
                let span = Span {
                    file: self.loaded[c.index].0,
                    start: c.pos.offset,
                    end: c.pos.offset + c.pos.len.max(1),
                };
                engine::finding(&CLASH, span, c.message, None)
            })
            .collect();
        let opts = run.opts;
        engine::finish(&mut run.report, RULES, findings, &mut [], None, opts);
    }
}
