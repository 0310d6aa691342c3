//! KS026: a container behind a Service stops with no preStop pause.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS026",
    name: "no-prestop-pause",
    severity: Severity::Warning,
    summary: "a container behind a Service has no `preStop` hook, so it gets SIGTERM while it still receives requests",
    what: "For the serving containers (as KS025 decides) of a long-running workload that a Service in the same files selects, flags one with no `lifecycle.preStop` handler. Any handler passes (a `sleep`, an `exec`, an `httpGet` to a drain endpoint).",
    why: "Removing a terminating pod from the endpoints and sending it SIGTERM happen at the same time: for a few seconds kube-proxy, the ingress controller and the gateway still send new connections to an app that has begun to close its server, and those requests fail on every rollout. A short preStop pause lets the endpoint removal reach them first.",
    example: "containers:\n- name: api\n  ports: [{name: http, containerPort: 3000}]",
    fix: "  lifecycle:\n    preStop:\n      sleep: {seconds: 5}\n# and terminationGracePeriodSeconds above the pause plus the drain (KS015)",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
        "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/",
    ],
    description_key: Some("shutdown.drain"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods().into_iter().filter(|p| p.is_long_running()) {
        if pod.services(ctx).is_empty() {
            continue;
        }
        for c in pod.serving_containers(ctx) {
            if c.value["lifecycle"].get("preStop").is_none() {
                sink.report(
                    ctx.span(pod.doc, &c.at),
                    format!(
                        "{} has no preStop pause: it gets SIGTERM while the Service still sends it requests",
                        pod.what(&c)
                    ),
                    "add `lifecycle.preStop.sleep.seconds: 5` (and a grace period above pause + drain)",
                );
            }
        }
    }
}
