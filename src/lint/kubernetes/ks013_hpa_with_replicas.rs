//! KS013: a Deployment that sets replicas while an autoscaler scales it.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS013",
    name: "replicas-with-autoscaler",
    severity: Severity::Warning,
    summary: "`replicas` is set on a workload a HorizontalPodAutoscaler scales",
    what: "Flags `spec.replicas` on a Deployment or StatefulSet that a HorizontalPodAutoscaler in the same files targets (kube-linter hpa-minimum-replicas / the Kubernetes docs' advice).",
    why: "Every `kubectl apply` resets the replica count to the manifest's, undoing the autoscaler: under load the service drops to the fixed count until the autoscaler reacts again.",
    example: "kind: Deployment\nspec:\n  replicas: 2   # and an HPA targets it",
    fix: "kind: Deployment\nspec:\n  # no replicas: the HPA owns the count",
    references: &[
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for h in ctx
        .docs
        .iter()
        .filter(|d| d.kind() == "HorizontalPodAutoscaler")
    {
        let target = &h.value["spec"]["scaleTargetRef"];
        let ns = h.value["metadata"]["namespace"].as_str();
        for w in ctx.docs.iter().filter(|d| {
            Some(d.kind()) == target["kind"].as_str()
                && Some(d.name()) == target["name"].as_str()
                && d.value["metadata"]["namespace"].as_str() == ns
        }) {
            if !w.value["spec"]["replicas"].is_null() {
                sink.report(
                    ctx.span(w, "/spec/replicas"),
                    format!(
                        "{}/{} sets `replicas` and HorizontalPodAutoscaler/{} scales it",
                        w.kind(),
                        w.name(),
                        h.name()
                    ),
                    "remove `spec.replicas`; the autoscaler's `minReplicas` is the floor",
                );
            }
        }
    }
}
