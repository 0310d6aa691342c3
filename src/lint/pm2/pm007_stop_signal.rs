//! PM007: PM2 stops with SIGINT but the app handles only SIGTERM.

use super::{Ctx, app_name};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "PM007",
    name: "stop-signal-mismatch",
    severity: Severity::Warning,
    summary: "PM2 sends SIGINT; the app drains only on SIGTERM",
    what: "When the app's stop signals are known (the description's `shutdown.signals`, or a `// svcgen: signals=SIGTERM` comment) and do not include SIGINT, flags apps unless the daemon is told otherwise (`PM2_KILL_SIGNAL`).",
    why: "PM2 stops and reloads workers with SIGINT by default; an app that only handles SIGTERM dies at once on SIGINT, dropping in-flight requests on every reload.",
    example: "// svcgen: signals=SIGTERM\nmodule.exports = { apps: [{ name: 'api', kill_timeout: 15000 }] };",
    fix: "Handle SIGINT too, or start PM2 with `PM2_KILL_SIGNAL=SIGTERM` in its environment (svcgen's unit does).",
    references: &["https://pm2.keymetrics.io/docs/usage/signals-clean-restart/"],
    description_key: Some("shutdown.signals"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(signals) = &ctx.signals else { return };
    if signals.iter().any(|s| s == "SIGINT") {
        return;
    }
    for app in ctx.apps() {
        let told = app
            .get("env")
            .and_then(|e| e.get("PM2_KILL_SIGNAL"))
            .and_then(|v| v.as_str())
            == Some("SIGTERM");
        if !told {
            sink.report(
                app.span,
                format!(
                    "{} handles only {} but PM2 stops it with SIGINT",
                    app_name(app),
                    signals.join(", ")
                ),
                "handle SIGINT as well, or run PM2 with PM2_KILL_SIGNAL=SIGTERM",
            );
        }
    }
}
