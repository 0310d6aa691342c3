//! SD004: a network service without `User=`, or with `User=root`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::systemd::parse_bool;

pub static RULE: Rule = Rule {
    code: "SD004",
    name: "runs-as-root",
    severity: Severity::Error,
    summary: "the service runs as root (no `User=`, or `User=root`)",
    what: "Flags a network service (one that runs Node.js, or is ordered after a network target) with no `User=` (and no `DynamicUser=yes`) or with `User=root`/`User=0`.",
    why: "A compromised Node app running as root owns the machine. Behind nginx the app binds a port above 1024 and needs no privilege at all.",
    example: "[Unit]\nAfter=network-online.target\n[Service]\nExecStart=/usr/bin/node /srv/app/server.js",
    fix: "[Service]\nUser=app\nGroup=app",
    references: &["https://www.freedesktop.org/software/systemd/man/systemd.exec.html#User="],
    description_key: Some("user"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if !ctx.network_service()
        || ctx
            .unit
            .value("Service", "DynamicUser")
            .and_then(parse_bool)
            == Some(true)
    {
        return;
    }
    match ctx.unit.get("Service", "User") {
        Some(u) if matches!(u.value.as_str(), "root" | "0") => {
            sink.report(
                u.value_span,
                "the service runs as root",
                "run it as a dedicated unprivileged user",
            );
        }
        Some(_) => {}
        None => {
            let at = ctx
                .unit
                .section("Service")
                .map_or_else(Default::default, |s| s.span);
            sink.report(
                at,
                "no `User=`: the service runs as root",
                "add `User=` (and `Group=`) with a dedicated unprivileged user",
            );
        }
    }
}
