//! SD006: `TimeoutStopSec=` shorter than the app's drain.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::parse_timespan;

pub static RULE: Rule = Rule {
    code: "SD006",
    name: "stop-timeout-below-drain",
    severity: Severity::Error,
    summary: "systemd kills the service before it has drained",
    what: "When the app's drain time is known (from the description, or a `# svcgen: drain=10s` comment in the unit), flags a `TimeoutStopSec=` (default 90 s) that is not longer than it.",
    why: "After `TimeoutStopSec` systemd sends SIGKILL: in-flight requests are cut off mid-response on every deploy or restart.",
    example: "# svcgen: drain=30s\n[Service]\nTimeoutStopSec=10s",
    fix: "`TimeoutStopSec=` above the drain, with a margin (and above PM2's `kill_timeout` under PM2).",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.service.html#TimeoutStopSec=",
    ],
    description_key: Some("shutdown.drain"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(drain) = ctx.drain_ms else { return };
    let entry = ctx.unit.get("Service", "TimeoutStopSec");
    let stop = entry
        .and_then(|e| parse_timespan(&e.value))
        .unwrap_or(90_000);
    if stop <= drain {
        let at = entry
            .map(|e| e.value_span)
            .or_else(|| ctx.unit.section("Service").map(|s| s.span))
            .unwrap_or_default();
        sink.report(
            at,
            format!("TimeoutStopSec is {}s but the app drains for up to {}s: systemd kills it mid-drain", stop / 1000, drain.div_ceil(1000)),
            "set `TimeoutStopSec=` above the drain plus a margin",
        );
    }
}
