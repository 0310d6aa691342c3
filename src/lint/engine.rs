//! What every format's linting shares: running a format's rules (on one thread or
//! spread over cores), and finishing their findings (suppressions, the selection,
//! severities, the description key a rendered file's finding comes from).

use rayon::prelude::*;

use super::rule::{Entry, Rule};
use super::suppress::{self, Suppression};
use super::{Code, Finding, Options, Origin, Report, Sink};
use crate::description::LoadedSpec;
use crate::syntax::{FileId, Span};

/// A finding the engine reports itself (a file that cannot be read or parsed).
pub fn finding(rule: &Rule, span: Span, message: String, help: Option<String>) -> Finding {
    Finding {
        code: Code::Rule(rule.code),
        severity: rule.severity,
        message,
        span,
        label: None,
        help,
        origin: None,
    }
}

/// The whole of a file, for findings about the file rather than a place in it.
pub fn file_start(file: FileId) -> Span {
    Span {
        file,
        start: 0,
        end: 0,
    }
}

/// Runs every selected checked rule of a format's list (`C`: the format's
/// `Check`), through `run` (which calls it with the format's context).
pub fn run_rules<C: Copy + 'static>(
    opts: &Options,
    rules: &[Entry<C>],
    mut run: impl FnMut(C, &mut Sink<'_>),
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (rule, check) in checked(opts, rules) {
        let mut sink = Sink {
            code: Code::Rule(rule.code),
            severity: rule.severity,
            out: &mut out,
        };
        run(check, &mut sink);
    }
    out
}

/// The selected rules of a list that have a check, with it.
fn checked<'a, C: Copy + 'static>(
    opts: &'a Options,
    rules: &'a [Entry<C>],
) -> impl Iterator<Item = (&'static Rule, C)> + 'a {
    rules.iter().filter_map(|e| match e {
        Entry::Checked(rule, check) if opts.selection.enabled(Code::Rule(rule.code)) => {
            Some((*rule, *check))
        }
        _ => None,
    })
}

/// `run_rules` with the rules spread over every core (each takes the next rule
/// not yet taken: the rules differ in cost); the findings come out in the same
/// order.
pub fn run_rules_parallel<C: Copy + Send + Sync + 'static>(
    opts: &Options,
    rules: &[Entry<C>],
    run: impl Fn(C, &mut Sink<'_>) + Sync,
) -> Vec<Finding> {
    let rules: Vec<(&Rule, C)> = checked(opts, rules).collect();
    let per_rule: Vec<Vec<Finding>> = rules
        .par_iter()
        .with_max_len(1)
        .map(|(rule, check)| {
            let mut out = Vec::new();
            let mut sink = Sink {
                code: Code::Rule(rule.code),
                severity: rule.severity,
                out: &mut out,
            };
            run(*check, &mut sink);
            out
        })
        .collect();
    per_rule.concat()
}

/// Applies suppressions, the selection and severities, names the description key
/// of rendered files (from `rules`, the format's), and adds the findings to the
/// report.
pub fn finish(
    report: &mut Report,
    rules: &[&Rule],
    mut findings: Vec<Finding>,
    suppressions: &mut [Suppression],
    spec: Option<&LoadedSpec>,
    opts: &Options,
) {
    suppress::apply(&mut findings, suppressions);
    for mut f in findings {
        if !opts.selection.enabled(f.code) {
            continue;
        }
        f.severity = opts.selection.severity_of(f.code, f.severity);
        if let Some(spec) = spec {
            f.origin = origin_for(spec, rules, f.code);
        }
        report.findings.push(f);
    }
}

fn origin_for(spec: &LoadedSpec, rules: &[&Rule], code: Code) -> Option<Origin> {
    let key = rules.iter().find(|r| code == r.code)?.description_key?;
    let pointer = format!("/{}", key.replace('.', "/"));
    let place = spec.positions.nearest(&pointer);
    let pos = place.key.unwrap_or(place.value);
    Some(Origin {
        description: spec.file.clone(),
        key: key.to_string(),
        line: pos.line,
        column: pos.column,
    })
}
