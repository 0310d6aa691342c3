//! KS010: liveness and readiness are the same check.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS010",
    name: "identical-probes",
    severity: Severity::Warning,
    summary: "the liveness probe is the readiness probe",
    what: "Flags a container whose `livenessProbe` checks exactly what its `readinessProbe` checks (same handler: `httpGet`, `tcpSocket`, `exec` or `grpc`), whatever the timings (kube-score pod-probes).",
    why: "Readiness fails when a dependency is down or the app is draining; if liveness is the same check, the kubelet restarts every pod at once for a database outage, and a draining pod is killed mid-request.",
    example: "readinessProbe: {httpGet: {path: /health, port: http}}\nlivenessProbe: {httpGet: {path: /health, port: http}}",
    fix: "readinessProbe: {httpGet: {path: /health, port: http}}\nlivenessProbe: {tcpSocket: {port: http}}",
    references: &["kube-score: pod-probes"],
    description_key: None,
};

const HANDLERS: [&str; 4] = ["httpGet", "tcpSocket", "exec", "grpc"];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        for c in pod.containers() {
            let (live, ready) = (&c.value["livenessProbe"], &c.value["readinessProbe"]);
            if live.is_null() || ready.is_null() {
                continue;
            }
            let same = HANDLERS
                .iter()
                .any(|h| !live[*h].is_null() && live[*h] == ready[*h]);
            if same {
                sink.report(
                    ctx.span(pod.doc, &format!("{}/livenessProbe", c.at)),
                    format!(
                        "{}: the liveness probe checks what the readiness probe checks",
                        pod.what(&c)
                    ),
                    "make liveness a cheaper check of the process alone (`tcpSocket` on the port)",
                );
            }
        }
    }
}
