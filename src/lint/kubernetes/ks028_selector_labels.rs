//! KS028: a workload's selector does not take its own pod template.

use super::{Ctx, selects};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS028",
    name: "selector-template-mismatch",
    severity: Severity::Error,
    summary: "a workload's `spec.selector.matchLabels` are not all among its pod template's labels",
    what: "For Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs with a `spec.selector.matchLabels`, checks that each pair is a label of `spec.template.metadata.labels`.",
    why: "The API server refuses the object (`selector does not match template labels`): the apply fails, and in a pipeline that applies several files the others are changed without it.",
    example: "selector:\n  matchLabels: {app: api}\ntemplate:\n  metadata:\n    labels: {app.kubernetes.io/name: api}",
    fix: "selector:\n  matchLabels: {app.kubernetes.io/name: api}",
    references: &["https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for doc in ctx.docs.iter().filter(|d| {
        matches!(
            d.kind(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job"
        )
    }) {
        let Some(sel) = doc.value["spec"]["selector"]["matchLabels"].as_object() else {
            continue;
        };
        let labels = &doc.value["spec"]["template"]["metadata"]["labels"];
        if !selects(sel, labels) {
            let missing: Vec<String> = sel
                .iter()
                .filter(|(k, v)| &labels[k.as_str()] != *v)
                .map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_string)))
                .collect();
            sink.report(
                ctx.span(doc, "/spec/selector/matchLabels"),
                format!(
                    "{}/{}: the selector's {} not among the pod template's labels: the API server refuses it",
                    doc.kind(),
                    doc.name(),
                    match missing.as_slice() {
                        [one] => format!("`{one}` is"),
                        many => format!("`{}` are", many.join("`, `")),
                    }
                ),
                "make the selector's labels a subset of `spec.template.metadata.labels`",
            );
        }
    }
}
