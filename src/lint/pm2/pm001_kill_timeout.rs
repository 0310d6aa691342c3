//! PM001: `kill_timeout` unset (1.6 s) or not above the app's drain.

use super::{Ctx, app_name, millis};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "PM001",
    name: "kill-timeout",
    severity: Severity::Error,
    summary: "PM2 SIGKILLs the app before it has drained",
    what: "Flags an app without `kill_timeout` (PM2's default is 1600 ms), or with one not above the app's drain time when that is known (from the description, or a `// svcgen: drain=10s` comment in the file).",
    why: "After `kill_timeout` PM2 sends SIGKILL: every `pm2 reload` or restart cuts off in-flight requests, and graceful-shutdown code never finishes.",
    example: "module.exports = { apps: [{ name: 'api', script: 'dist/server.js' }] };",
    fix: "module.exports = { apps: [{ name: 'api', script: 'dist/server.js', kill_timeout: 15000 }] };",
    references: &["https://pm2.keymetrics.io/docs/usage/signals-clean-restart/"],
    description_key: Some("shutdown.drain"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for app in ctx.apps() {
        match app.get("kill_timeout") {
            None => sink.report(
                app.span,
                format!(
                    "{} has no `kill_timeout`: PM2 kills it 1.6 s after the stop signal",
                    app_name(app)
                ),
                "set `kill_timeout` (ms) above the time the app takes to drain",
            ),
            Some(k) if k.is_dynamic() => {}
            Some(k) => {
                if let (Some(kill), Some(drain)) = (millis(k), ctx.drain_ms)
                    && kill <= drain as f64
                {
                    sink.report(
                        k.span,
                        format!(
                            "`kill_timeout: {kill}` is not above the {drain} ms the app drains for"
                        ),
                        "add a margin: kill_timeout = drain + a few seconds",
                    );
                }
            }
        }
    }
}
