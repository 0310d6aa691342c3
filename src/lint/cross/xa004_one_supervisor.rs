//! XA004: two supervisors restart the app.

use super::{Ctx, apps};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::exec_words;

pub static RULE: Rule = Rule {
    code: "XA004",
    name: "one-supervisor",
    severity: Severity::Error,
    summary: "two supervisors restart the app",
    what: "With files given together, flags a unit that runs node directly while an ecosystem file also runs the app, and a unit that starts a daemonized PM2 (`pm2 start`, `pm2 resurrect`, `Type=forking`) instead of `pm2-runtime` in the foreground.",
    why: "Two supervisors fight: both restart the app after a crash (port conflicts, double workers), and systemd cannot see or stop what a forked PM2 daemon runs.",
    example: "[Service]\nType=forking\nExecStart=/usr/bin/pm2 resurrect",
    fix: "[Service]\nType=exec\nExecStart=/usr/bin/pm2-runtime start /srv/app/ecosystem.config.js",
    references: &["https://pm2.keymetrics.io/docs/usage/docker-pm2-nodejs/"],
    description_key: Some("host.supervisor.kind"),
};

pub(super) fn check_supervisors(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(unit) = ctx.unit else { return };
    let Some(exec) = unit.get("Service", "ExecStart") else {
        return;
    };
    let words = exec_words(&exec.value);
    let program = words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w).to_string())
        .unwrap_or_default();
    let daemon_pm2 = program == "pm2"
        && words
            .iter()
            .any(|w| w == "start" || w == "resurrect" || w == "reload");
    if daemon_pm2
        || (program.starts_with("pm2") && unit.value("Service", "Type") == Some("forking"))
    {
        sink.report(
            exec.value_span,
            "the unit starts a daemonized PM2: systemd supervises the daemon, not the app",
            "run `pm2-runtime start ecosystem.config.js` in the foreground with Type=exec",
        );
    } else if matches!(program.as_str(), "node" | "nodejs")
        && ctx.ecosystem.is_some_and(|e| !apps(e).is_empty())
    {
        sink.report(
            exec.value_span,
            "the unit runs node directly while the ecosystem file also runs the app under PM2",
            "choose one supervisor: systemd (no ecosystem file) or pm2-runtime in the unit",
        );
    }
}
