//! KS004: a container binds a port on the node.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS004",
    name: "host-port",
    severity: Severity::Error,
    summary: "a container port is bound on the node (`hostPort`)",
    what: "Flags a non-zero `hostPort` on a container port (Pod Security Standard *baseline*, HostPorts).",
    why: "The pod is reachable on the node's address, around Services and NetworkPolicies, and two replicas cannot share a node.",
    example: "ports:\n  - containerPort: 3000\n    hostPort: 3000",
    fix: "ports:\n  - containerPort: 3000\n# and a Service in front",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod.containers() {
            let Some(ports) = c.value["ports"].as_array() else {
                continue;
            };
            for (i, p) in ports.iter().enumerate() {
                if p["hostPort"].as_u64().is_some_and(|h| h != 0) {
                    sink.report(
                        ctx.span(pod.doc, &format!("{}/ports/{i}/hostPort", c.at)),
                        format!("{} binds port {} on the node", pod.what(&c), p["hostPort"]),
                        "remove `hostPort`; expose the port through a Service",
                    );
                }
            }
        }
    }
}
