//! PM005: `wait_ready` without a listen timeout.

use super::{Ctx, app_name};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "PM005",
    name: "wait-ready-without-listen-timeout",
    severity: Severity::Warning,
    summary: "`wait_ready: true` without `listen_timeout`",
    what: "Flags an app with `wait_ready: true` and no `listen_timeout`.",
    why: "PM2 then waits only its default 3 s for `process.send('ready')`; an app that connects to its database first is declared online (or restarted) before it is ready, and a reload routes traffic to it too early.",
    example: "{ name: 'api', wait_ready: true }",
    fix: "{ name: 'api', wait_ready: true, listen_timeout: 10000 }",
    references: &["https://pm2.keymetrics.io/docs/usage/signals-clean-restart/#graceful-start"],
    description_key: Some("host.supervisor.listen_timeout"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for app in ctx.apps() {
        let waits = matches!(
            app.get("wait_ready").map(|n| &n.value),
            Some(crate::syntax::pm2::Value::Bool(true))
        );
        if waits && app.get("listen_timeout").is_none() {
            let at = app.get("wait_ready").map_or(app.span, |n| n.span);
            sink.report(
                at,
                format!(
                    "{} waits for `ready` with PM2's default 3 s listen timeout",
                    app_name(app)
                ),
                "set `listen_timeout` to how long the app takes to become ready, in ms",
            );
        }
    }
}
