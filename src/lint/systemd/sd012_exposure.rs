//! SD012: the unit's exposure score (as `systemd-analyze security` computes it) is
//! above the threshold.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SD012",
    name: "exposure-above-threshold",
    severity: Severity::Warning,
    summary: "the service's exposure score is above the threshold (default 2.0)",
    what: "Computes the overall exposure of the service exactly as `systemd-analyze security --offline=true` of systemd 252 does (0–10; 9.2 for a bare unit, 1.1 for svcgen's units), without needing systemd, and flags it above the threshold: 2.0 by default, `exposure_max` in the lint configuration. The message lists the failing checks with their weights, heaviest first.",
    why: "Each check is a door left open to an attacker who gets code execution in the app: root, all capabilities, the whole file system writable, every system call. A Node service behind nginx needs almost none of it.",
    example: "[Service]\nUser=app\nExecStart=/usr/bin/node /srv/app/server.js",
    fix: "Add the sandbox svcgen renders (see the README's hardening section): NoNewPrivileges, an empty CapabilityBoundingSet, ProtectSystem=strict, ProtectHome, PrivateTmp, PrivateDevices, the Protect* set, RestrictNamespaces, RestrictAddressFamilies, SystemCallFilter=@system-service with SystemCallErrorNumber=EPERM…",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd-analyze.html#systemd-analyze%20security%20%5BUNIT...%5D",
    ],
    description_key: Some("host.hardening"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let e = ctx.exposure;
    if e.score() > ctx.exposure_max {
        let worst: Vec<String> = e
            .failing
            .iter()
            .take(6)
            .map(|c| {
                format!(
                    "{} (weight {}, badness {}/{})",
                    c.id, c.weight, c.badness, c.range
                )
            })
            .collect();
        let at = ctx
            .unit
            .section("Service")
            .map(|s| s.span)
            .unwrap_or_default();
        sink.report(
            at,
            format!(
                "exposure {:.1} {} is above {:.1}; worst: {}",
                e.score(),
                e.label,
                ctx.exposure_max,
                worst.join(", ")
            ),
            format!(
                "{} checks fail; `svcgen lint --format json` lists them all with their weights",
                e.failing.len()
            ),
        );
    }
}
