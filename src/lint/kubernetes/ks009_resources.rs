//! KS009: no memory limit or no requests.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS009",
    name: "resources",
    severity: Severity::Warning,
    summary: "a container without a memory limit, or without CPU and memory requests",
    what: "Flags a (non-ephemeral) container with no `resources.limits.memory`, or no `resources.requests.cpu` and `resources.requests.memory` (kube-score container-resources, kube-linter unset-memory-requirements / unset-cpu-requirements). A CPU limit is not required: a CFS quota throttles Node's event loop.",
    why: "Without requests the scheduler packs pods onto nodes that cannot hold them; without a memory limit a leak takes the node's memory from every other pod before the OOM killer picks one.",
    example: "containers:\n  - name: api\n    image: registry.example.com/api:1.4.2",
    fix: "    resources:\n      requests: {cpu: 100m, memory: 512Mi}\n      limits: {memory: 512Mi}",
    references: &[
        "kube-score: container-resources",
        "kube-linter: unset-memory-requirements",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod
            .containers()
            .iter()
            .filter(|c| !c.at.contains("/ephemeralContainers/"))
        {
            let r = &c.value["resources"];
            let mut missing = Vec::new();
            if r["limits"]["memory"].is_null() {
                missing.push("limits.memory");
            }
            if r["requests"]["memory"].is_null() {
                missing.push("requests.memory");
            }
            if r["requests"]["cpu"].is_null() {
                missing.push("requests.cpu");
            }
            if !missing.is_empty() {
                let at = if r.is_null() {
                    c.at.clone()
                } else {
                    format!("{}/resources", c.at)
                };
                sink.report(
                    ctx.span(pod.doc, &at),
                    format!(
                        "{} has no resources.{}",
                        pod.what(c),
                        missing.join(", resources.")
                    ),
                    "set memory request = limit and a CPU request",
                );
            }
        }
    }
}
