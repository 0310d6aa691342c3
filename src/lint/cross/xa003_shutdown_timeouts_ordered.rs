//! XA003: PM2's kill_timeout is not below systemd's TimeoutStopSec.

use super::{Ctx, apps};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::pm2::Node;
use crate::syntax::systemd::parse_timespan;

pub static RULE: Rule = Rule {
    code: "XA003",
    name: "shutdown-timeouts-ordered",
    severity: Severity::Error,
    summary: "PM2's kill_timeout is not below systemd's TimeoutStopSec",
    what: "With files given together, checks that the PM2 `kill_timeout` is shorter than the unit's `TimeoutStopSec` (default 90 s), so the app drains < PM2 kills < systemd kills.",
    why: "If systemd's stop timeout ends first, systemd SIGKILLs pm2-runtime and every worker while PM2 is still waiting for them to drain.",
    example: "TimeoutStopSec=10s\n// ecosystem: kill_timeout: 30000",
    fix: "TimeoutStopSec=40s\n// ecosystem: kill_timeout: 30000",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.service.html#TimeoutStopSec=",
    ],
    description_key: Some("shutdown"),
};

pub(super) fn check_timeouts(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (Some(unit), Some(eco)) = (ctx.unit, ctx.ecosystem) else {
        return;
    };
    let entry = unit.get("Service", "TimeoutStopSec");
    let stop = entry
        .and_then(|e| parse_timespan(&e.value))
        .unwrap_or(90_000);
    for app in apps(eco) {
        if let Some(k) = app.get("kill_timeout").and_then(Node::as_f64)
            && k >= stop as f64
        {
            let at = entry.map_or(app.span, |e| e.value_span);
            sink.report(at, format!("TimeoutStopSec ({} ms) is not above PM2's kill_timeout ({k} ms): systemd kills PM2 mid-drain", stop), "set TimeoutStopSec above kill_timeout plus a margin");
        }
    }
}
