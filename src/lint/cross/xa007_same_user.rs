//! XA007: the files disagree on the user the app runs as.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    code: "XA007",
    name: "same-user",
    severity: Severity::Error,
    summary: "the files disagree on the user the app runs as",
    what: "With files given together, compares the unit's `User=` with the user the deploy script runs or reloads as (`SERVICE_USER=`, `sudo -u USER`, `runuser -u USER`) and, with a description, with its `user`.",
    why: "A deploy run as another user leaves files the service cannot read or write, and `pm2 reload` as another user talks to another PM2 daemon (its own PM2_HOME): the running app is never reloaded.",
    example: "User=shop\n# deploy.sh\nsudo -u deploy pm2 reload shop",
    fix: "Run the deploy as the service user (`sudo -u shop ./deploy.sh`).",
    references: &[],
    description_key: Some("user"),
};

pub(super) fn check_user(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let mut users: Vec<(String, Span, &'static str)> = Vec::new();
    if let Some(svc) = ctx.service {
        users.push((svc.user.to_string(), Span::default(), "the description"));
    }
    if let Some(unit) = ctx.unit
        && let Some(e) = unit.get("Service", "User")
    {
        users.push((e.value.clone(), e.value_span, "the unit's User="));
    }
    if let Some(script) = ctx.script {
        let found = script.lines.iter().find_map(|l| {
            let c = l.code.trim();
            if let Some(v) = c
                .strip_prefix("readonly SERVICE_USER=")
                .or_else(|| c.strip_prefix("SERVICE_USER="))
            {
                let v = v.split_whitespace().next()?.trim_matches(['"', '\'']);
                return Some((v.to_string(), l.span_of(v)));
            }
            let words: Vec<&str> = c.split_whitespace().collect();
            let i = words.iter().position(|w| *w == "-u")?;
            let cmd = words.get(i.checked_sub(1)?)?;
            if *cmd == "sudo" || *cmd == "runuser" {
                let v = words.get(i + 1)?;
                return (!v.starts_with('$')).then(|| (v.to_string(), l.span_of(v)));
            }
            None
        });
        if let Some((u, span)) = found {
            users.push((u, span, "the deploy script's user"));
        }
    }
    if let Some((first, _, first_what)) = users.first().cloned() {
        for (u, span, what) in users.iter().skip(1) {
            if *u != first {
                sink.report(
                    *span,
                    format!("{what} is `{u}`, but {first_what} says `{first}`"),
                    "run everything as one service user",
                );
            }
        }
    }
}
