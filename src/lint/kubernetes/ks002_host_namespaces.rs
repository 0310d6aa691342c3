//! KS002: the pod shares the node's namespaces.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS002",
    name: "host-namespaces",
    severity: Severity::Error,
    summary: "the pod uses the node's network, PID or IPC namespace",
    what: "Flags `hostNetwork`, `hostPID` or `hostIPC` set to true (Pod Security Standard *baseline*, Host Namespaces).",
    why: "The pod sees and reaches the node's processes, shared memory or every interface and port, bypassing NetworkPolicies.",
    example: "spec:\n  hostNetwork: true",
    fix: "spec:\n  hostNetwork: false",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for field in ["hostNetwork", "hostPID", "hostIPC"] {
            if pod.spec[field] == serde_json::Value::Bool(true) {
                sink.report(
                    ctx.span(pod.doc, &format!("{}/{field}", pod.at)),
                    format!("{}/{} sets `{field}: true`", pod.doc.kind(), pod.doc.name()),
                    format!("remove `{field}`; a Service or a sidecar gives what the pod needs"),
                );
            }
        }
    }
}
