//! KS014: a Service whose selector matches no workload.

use super::{Ctx, selects};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS014",
    name: "service-selects-nothing",
    severity: Severity::Error,
    summary: "a Service's selector matches no pod template in the same files",
    what: "When the files hold workloads, flags a Service (with a selector) in a namespace where no Deployment, StatefulSet, DaemonSet or Pod template carries all of the selector's labels (kube-score service-targets-pod, kube-linter dangling-service).",
    why: "The Service has no endpoints: every request through it fails, and nothing says why until someone reads the labels side by side.",
    example: "selector: {app: api}\n# the Deployment's pods are labelled app.kubernetes.io/name: api",
    fix: "selector: {app.kubernetes.io/name: api}",
    references: &[
        "kube-score: service-targets-pod",
        "kube-linter: dangling-service",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let pods = ctx.pods();
    if pods.is_empty() {
        return;
    }
    for svc in ctx.docs.iter().filter(|d| d.kind() == "Service") {
        let Some(selector) = svc.value["spec"]["selector"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let matched = pods
            .iter()
            .any(|p| p.doc.namespace() == svc.namespace() && selects(selector, p.labels()));
        if !matched {
            sink.report(
                ctx.span(svc, "/spec/selector"),
                format!(
                    "Service/{} selects no pod of the workloads in these files",
                    svc.name()
                ),
                "make the selector the pod template's labels",
            );
        }
    }
}
