//! KS001: a privileged container.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS001",
    name: "privileged-container",
    severity: Severity::Error,
    summary: "a container runs privileged",
    what: "Flags `securityContext.privileged: true` on any container, init container or ephemeral container (Pod Security Standard *baseline*, Privileged Containers).",
    why: "A privileged container has every capability and every host device: escaping to the node is a mount away.",
    example: "securityContext:\n  privileged: true",
    fix: "securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod.containers() {
            let at = format!("{}/securityContext/privileged", c.at);
            if c.value.pointer("/securityContext/privileged")
                == Some(&serde_json::Value::Bool(true))
            {
                sink.report(
                    ctx.span(pod.doc, &at),
                    format!("{} runs privileged", pod.what(&c)),
                    "remove `privileged: true`; grant the one capability it needs, if any",
                );
            }
        }
    }
}
