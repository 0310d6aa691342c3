//! XA002: the deploy script checks health on a port the app does not listen on.

use super::{Ctx, app_ports};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "XA002",
    name: "health-url-matches-app",
    severity: Severity::Error,
    summary: "the deploy script checks health on a port the app does not listen on",
    what: "With files given together, checks that every `http://127.0.0.1:PORT/…` the deploy script calls with curl is one of the app's ports — and, when a description is given with the files, that the path is its `health.path`.",
    why: "A health check against the wrong port fails every deploy (and rolls back good releases), or passes against another service.",
    example: "curl -fsS --max-time 3 http://127.0.0.1:8080/health   # the app listens on 3000",
    fix: "curl -fsS --max-time 3 http://127.0.0.1:3000/health",
    references: &[],
    description_key: Some("health"),
};

pub(super) fn check_health(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(script), Some((ports, _, how))) = (ctx.script, app_ports(ctx)) else {
        return;
    };
    for l in &script.lines {
        if !l.code.contains("curl") {
            continue;
        }
        for w in l.code.split_whitespace() {
            let w = w.trim_matches(['"', '\'']);
            let Some(rest) = w
                .strip_prefix("http://127.0.0.1:")
                .or_else(|| w.strip_prefix("http://localhost:"))
            else {
                continue;
            };
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(p) = port.parse::<u16>()
                && !ports.contains(&p)
            {
                sink.report(
                    l.span_of(&port),
                    format!(
                        "the health check calls port {p}, but the app listens on {ports:?} ({how})"
                    ),
                    "check the port the app listens on",
                );
            }
            // With a description, the health path is known too.
            if let Some(svc) = ctx.service {
                let path = rest[port.len()..].split(['?', '#']).next().unwrap_or("");
                if !path.is_empty() && !path.contains('$') && path != svc.health.path {
                    sink.report(
                        l.span_of(path),
                        format!("the health check calls `{path}`, but the description's health path is `{}`", svc.health.path),
                        "call the health path the app serves",
                    );
                }
            }
        }
    }
}
