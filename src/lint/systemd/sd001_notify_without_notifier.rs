//! SD001: `Type=notify` for a Node service that never sends READY=1.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SD001",
    name: "notify-without-notifier",
    severity: Severity::Error,
    summary: "`Type=notify` for a Node.js service that has no sd_notify",
    what: "Flags `Type=notify` (or `notify-reload`) on a service whose ExecStart runs node, npm or PM2.",
    why: "systemd waits for `READY=1` on the notify socket; Node has no built-in way to send it, so the start hangs until `TimeoutStartSec` (90 s by default) and the service is killed and marked failed.",
    example: "[Service]\nType=notify\nExecStart=/usr/bin/node /srv/app/server.js",
    fix: "`Type=exec` (or `simple`). Keep `notify` only when the app sends READY=1 itself (for example with the `sd-notify` package), and suppress this rule there with a reason.",
    references: &["https://www.freedesktop.org/software/systemd/man/systemd.service.html#Type="],
    description_key: Some("host.supervisor.kind"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if let Some(t) = ctx.unit.get("Service", "Type")
        && matches!(t.value.as_str(), "notify" | "notify-reload")
        && ctx.runs_node()
    {
        sink.report(
            t.value_span,
            "`Type=notify` for a Node.js service: systemd will wait for a READY=1 that never comes",
            "use `Type=exec`",
        );
    }
}
