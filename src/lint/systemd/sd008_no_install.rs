//! SD008: no `[Install]` / `WantedBy=`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SD008",
    name: "no-install-section",
    severity: Severity::Warning,
    summary: "the service cannot be enabled: no `[Install]` with `WantedBy=`",
    what: "Flags a network service (one that runs Node.js, or is ordered after a network target) without an `[Install]` section that has `WantedBy=` or `RequiredBy=`.",
    why: "`systemctl enable` has nothing to hook the unit into, so the service does not start at boot and the outage is discovered after the next reboot.",
    example: "[Service]\nExecStart=/usr/bin/node /srv/app/server.js",
    fix: "[Install]\nWantedBy=multi-user.target",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/systemd.unit.html#%5BInstall%5D%20Section%20Options",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    // System units are often started by other units on purpose; app servers are not.
    if !ctx.network_service() {
        return;
    }
    let wanted = !ctx.unit.all("Install", "WantedBy").is_empty()
        || !ctx.unit.all("Install", "RequiredBy").is_empty();
    if !wanted {
        let at = ctx
            .unit
            .section("Install")
            .or_else(|| ctx.unit.section("Service"))
            .map(|s| s.span)
            .unwrap_or_default();
        sink.report(
            at,
            "no `WantedBy=` in `[Install]`: the service will not start at boot",
            "add `[Install]` with `WantedBy=multi-user.target`",
        );
    }
}
