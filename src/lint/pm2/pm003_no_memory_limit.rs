//! PM003: no `max_memory_restart`.

use super::{Ctx, app_name};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "PM003",
    name: "no-memory-limit",
    severity: Severity::Warning,
    summary: "no `max_memory_restart`",
    what: "Flags an app without `max_memory_restart`.",
    why: "A leaking worker grows until the kernel's OOM killer picks a victim — possibly PM2 itself or the database next to it. PM2 checks memory every 30 s and restarts (gracefully in cluster mode) a worker above the limit.",
    example: "{ name: 'api', script: 'dist/server.js' }",
    fix: "{ name: 'api', script: 'dist/server.js', max_memory_restart: '750M' }",
    references: &["https://pm2.keymetrics.io/docs/usage/memory-limit/"],
    description_key: Some("host.supervisor.memory_limit"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for app in ctx.apps() {
        if app.get("max_memory_restart").is_none() {
            sink.report(
                app.span,
                format!("{} has no `max_memory_restart`", app_name(app)),
                "set `max_memory_restart` (such as '750M') below the machine's memory per worker",
            );
        }
    }
}
