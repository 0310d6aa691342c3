//! KS006: the container may run as root.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS006",
    name: "run-as-root",
    severity: Severity::Error,
    summary: "the container may run as root (`runAsNonRoot` not true, or `runAsUser: 0`)",
    what: "For every container, reads `runAsNonRoot` and `runAsUser` in force (the container's, else the pod's). Flags `runAsNonRoot` that is not true, and a `runAsUser` of 0 (Pod Security Standard *restricted*, Running as Non-root and Running as Non-root user).",
    why: "A process that is root in the container owns its files and is one kernel bug from root on the node; `runAsNonRoot: true` makes the kubelet refuse an image that would start as root.",
    example: "securityContext:\n  runAsUser: 0",
    fix: "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod.containers() {
            match pod.security(&c, "runAsNonRoot") {
                Some((_, serde_json::Value::Bool(true))) => {}
                Some((at, _)) => sink.report(
                    ctx.span(pod.doc, &at),
                    format!(
                        "{} may run as root (`runAsNonRoot` is not true)",
                        pod.what(&c)
                    ),
                    "set `runAsNonRoot: true` and a numeric `runAsUser` (10001)",
                ),
                None => sink.report(
                    ctx.span(pod.doc, &c.at),
                    format!("{} may run as root (no `runAsNonRoot`)", pod.what(&c)),
                    "set `securityContext.runAsNonRoot: true` on the pod or the container",
                ),
            }
            if let Some((at, v)) = pod.security(&c, "runAsUser")
                && v.as_i64() == Some(0)
            {
                sink.report(
                    ctx.span(pod.doc, &at),
                    format!("{} runs as root (`runAsUser: 0`)", pod.what(&c)),
                    "use a numeric user of 10000 or more",
                );
            }
        }
    }
}
