//! KS025: a served container with no readiness probe.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS025",
    name: "no-readiness-probe",
    severity: Severity::Warning,
    summary: "a container that serves traffic has no `readinessProbe`",
    what: "For the containers of a Deployment, StatefulSet, DaemonSet or ReplicaSet that serve — they declare `ports`, or the pod has one container and a Service in the same files selects it — flags one without a `readinessProbe` (kube-score container-probes, Polaris readinessProbeMissing, kube-linter no-readiness-probe). Jobs and containers without ports are passed over.",
    why: "Without a readiness probe a pod is an endpoint as soon as its container starts: during a rollout and after every restart, requests reach a Node.js process that has not opened its port or its database pool yet, and fail.",
    example: "containers:\n- name: api\n  ports: [{name: http, containerPort: 3000}]",
    fix: "  readinessProbe:\n    httpGet: {path: /health, port: http}\n    periodSeconds: 5",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    description_key: Some("health"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods().into_iter().filter(|p| p.is_long_running()) {
        for c in pod.serving_containers(ctx) {
            if c.value.get("readinessProbe").is_none() {
                sink.report(
                    ctx.span(pod.doc, &c.at),
                    format!("{} has no readiness probe", pod.what(&c)),
                    "add a `readinessProbe` (an httpGet of the app's health path)",
                );
            }
        }
    }
}
