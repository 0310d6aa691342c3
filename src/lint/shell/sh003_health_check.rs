//! SH003: a health check that can pass on errors or hang.

use super::{Ctx, has_flag, is_curl};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH003",
    name: "weak-health-check",
    severity: Severity::Error,
    summary: "health check with `curl` lacking `-f` or `--max-time`, or retried without bound",
    what: "Flags `curl` calls in a script that reloads an app when they lack `-f`/`--fail` (curl exits 0 on HTTP 500) or `--max-time`/`-m` (a hung app hangs the deploy), and `until curl …`/`while ! curl …` loops with no bound.",
    why: "A health check that passes on a 500, or never returns, turns a failed release into a successful deploy — or a deploy that never ends and never rolls back.",
    example: "pm2 reload app\nuntil curl http://127.0.0.1:3000/health; do sleep 1; done",
    fix: "for i in $(seq 1 15); do\n  curl -fsS --max-time 3 http://127.0.0.1:3000/health && break\n  sleep 2\ndone",
    references: &["https://curl.se/docs/manpage.html#-f"],
    description_key: Some("health"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for l in &ctx.script.lines {
        if !is_curl(&l.code) {
            continue;
        }
        let mut missing = Vec::new();
        if !has_flag(&l.code, 'f', "--fail") && !l.code.contains("--fail-with-body") {
            missing.push("`-f`");
        }
        if !has_flag(&l.code, 'm', "--max-time") {
            missing.push("`--max-time`");
        }
        if !missing.is_empty() {
            sink.report(
                l.span_of("curl"),
                format!(
                    "curl without {}: {}",
                    missing.join(" and "),
                    "it can pass on an HTTP error or hang"
                ),
                "use `curl -fsS --max-time N`",
            );
        }
        let t = l.code.trim_start();
        if t.starts_with("until ") || t.starts_with("while ! ") || t.starts_with("while !") {
            sink.report(
                l.span_of(t.split_whitespace().next().unwrap_or("")),
                "a health check retried without a bound: the deploy can wait forever",
                "retry a fixed number of times, then fail and roll back",
            );
        }
    }
}
