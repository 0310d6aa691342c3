//! KS012: several replicas and no PodDisruptionBudget.

use super::{Ctx, selects};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS012",
    name: "no-disruption-budget",
    severity: Severity::Warning,
    summary: "a Deployment or StatefulSet with two or more replicas (or an autoscaler) and no PodDisruptionBudget selecting it",
    what: "For each Deployment and StatefulSet with `replicas` ≥ 2, or scaled by a HorizontalPodAutoscaler in the same files, looks for a PodDisruptionBudget in its namespace whose `selector.matchLabels` all match the pod template's labels (kube-score pod-disruption-budget, kube-linter no-pdb-for-deployment... ).",
    why: "A node drain (an upgrade, an autoscaler) may evict every replica at once: the service is down although it runs several pods.",
    example: "kind: Deployment\nspec:\n  replicas: 3",
    fix: "kind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: api}}",
    references: &["kube-score: deployment-has-poddisruptionbudget"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for doc in ctx
        .docs
        .iter()
        .filter(|d| matches!(d.kind(), "Deployment" | "StatefulSet"))
    {
        let scaled = ctx.docs.iter().any(|h| {
            h.kind() == "HorizontalPodAutoscaler"
                && h.namespace() == doc.namespace()
                && h.value["spec"]["scaleTargetRef"]["name"].as_str() == Some(doc.name())
        });
        let replicas = doc.value["spec"]["replicas"].as_u64().unwrap_or(1);
        if replicas < 2 && !scaled {
            continue;
        }
        let labels = &doc.value["spec"]["template"]["metadata"]["labels"];
        let covered = ctx.docs.iter().any(|p| {
            p.kind() == "PodDisruptionBudget"
                && p.namespace() == doc.namespace()
                && p.value["spec"]["selector"]["matchLabels"]
                    .as_object()
                    .is_some_and(|m| !m.is_empty() && selects(m, labels))
        });
        if !covered {
            sink.report(
                ctx.span(doc, "/kind"),
                format!(
                    "{}/{} runs several replicas and no PodDisruptionBudget selects them",
                    doc.kind(),
                    doc.name()
                ),
                "add a PodDisruptionBudget with `maxUnavailable: 1` and the pod template's labels",
            );
        }
    }
}
