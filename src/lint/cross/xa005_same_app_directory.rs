//! XA005: the files disagree on where the app lives.

use super::{Ctx, apps};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    code: "XA005",
    name: "same-app-directory",
    severity: Severity::Error,
    summary: "the files disagree on where the app lives",
    what: "With files given together, compares the application directory each file names: the unit's `WorkingDirectory=`, the ecosystem file's `cwd`, and the directory the deploy script `cd`s into (or its `APP_DIR=`). A release directory of the deploy root (`ROOT/current`, or a blue/green slot `ROOT/blue`, `ROOT/green`) counts as that root: a supervisor runs the release while the script works in the root.",
    why: "The deploy script then updates a checkout that is not the one running, or PM2 starts the app from another directory: the deploy reports success and nothing changes — or the wrong code runs.",
    example: "WorkingDirectory=/srv/shop\n// ecosystem: cwd: '/home/deploy/shop'",
    fix: "Use one application directory in all of them (svcgen renders them from one `app_dir`).",
    references: &[],
    description_key: Some("app_dir"),
};

/// The deploy root a directory belongs to: a release directory of it (`current`,
/// as Capistrano and svcgen link it, or svcgen's slots `blue` and `green`) is the
/// same app as the root the deploy script works in.
fn deploy_root(dir: &str) -> &str {
    match dir.rsplit_once('/') {
        Some((root, "current" | "blue" | "green")) if !root.is_empty() => root,
        _ => dir,
    }
}

pub(super) fn check_app_dir(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let mut dirs: Vec<(String, Span, &'static str)> = Vec::new();
    if let Some(unit) = ctx.unit
        && let Some(e) = unit.get("Service", "WorkingDirectory")
    {
        dirs.push((
            e.value
                .trim_start_matches('-')
                .trim_end_matches('/')
                .to_string(),
            e.value_span,
            "the unit's WorkingDirectory",
        ));
    }
    if let Some(eco) = ctx.ecosystem {
        for app in apps(eco) {
            if let Some(c) = app.get("cwd")
                && let Some(v) = c.as_str()
            {
                dirs.push((
                    v.trim_end_matches('/').to_string(),
                    c.span,
                    "the ecosystem file's cwd",
                ));
            }
        }
    }
    if let Some(script) = ctx.script {
        let found = script.lines.iter().find_map(|l| {
            let c = l.code.trim();
            let v = c
                .strip_prefix("cd ")
                .or_else(|| c.strip_prefix("readonly APP_DIR="))
                .or_else(|| c.strip_prefix("APP_DIR="))?;
            let v = v.split_whitespace().next()?.trim_matches(['"', '\'']);
            v.starts_with('/')
                .then(|| (v.trim_end_matches('/').to_string(), l.span_of(v)))
        });
        if let Some((d, span)) = found {
            dirs.push((d, span, "the deploy script's directory"));
        }
    }
    if let Some((first, _, first_what)) = dirs.first().cloned() {
        for (d, span, what) in dirs.iter().skip(1) {
            if deploy_root(d) != deploy_root(&first) {
                sink.report(
                    *span,
                    format!("{what} is `{d}`, but {first_what} is `{first}`"),
                    "use the same application directory everywhere",
                );
            }
        }
    }
}
