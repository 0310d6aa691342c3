//! KS008: capabilities not dropped, or added.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS008",
    name: "capabilities",
    severity: Severity::Error,
    summary: "a container keeps Linux capabilities (no `drop: [ALL]`, or adds any but NET_BIND_SERVICE)",
    what: "Flags a container whose `securityContext.capabilities.drop` does not hold `ALL`, or whose `add` holds anything but `NET_BIND_SERVICE` (Pod Security Standard *restricted*, Capabilities; *baseline* already refuses adding most). A Windows pod (`spec.os.name: windows`) is passed over, as Pod Security Admission does: the field does not exist there.",
    why: "The runtime's default set (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, …) lets a compromised process change file ownership, switch users and forge packets.",
    example: "securityContext:\n  capabilities:\n    add: [NET_ADMIN]",
    fix: "securityContext:\n  capabilities:\n    drop: [ALL]",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods().into_iter().filter(|p| !p.is_windows()) {
        for c in pod.containers() {
            let caps = &c.value["securityContext"]["capabilities"];
            let drops_all = caps["drop"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|x| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case("ALL")))
            });
            if !drops_all {
                let at = if caps["drop"].is_null() {
                    c.at.clone()
                } else {
                    format!("{}/securityContext/capabilities/drop", c.at)
                };
                sink.report(
                    ctx.span(pod.doc, &at),
                    format!("{} keeps the runtime's default capabilities", pod.what(&c)),
                    "set `securityContext.capabilities.drop: [ALL]`",
                );
            }
            if let Some(add) = caps["add"].as_array() {
                for (i, cap) in add.iter().enumerate() {
                    let name = cap.as_str().unwrap_or("?");
                    if !name.eq_ignore_ascii_case("NET_BIND_SERVICE") {
                        sink.report(
                            ctx.span(pod.doc, &format!("{}/securityContext/capabilities/add/{i}", c.at)),
                            format!("{} adds the capability {name}", pod.what(&c)),
                            "remove it; only NET_BIND_SERVICE may be added (and a port above 1024 needs none)",
                        );
                    }
                }
            }
        }
    }
}
