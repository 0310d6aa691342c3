//! KS030: an autoscaler whose target is not in the files.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS030",
    name: "autoscaler-target-missing",
    severity: Severity::Error,
    summary: "a HorizontalPodAutoscaler's `scaleTargetRef` names no workload of the same files",
    what: "When the files hold workloads in the autoscaler's namespace, checks that one of them has the `scaleTargetRef`'s kind and name (an autoscaler alone in its file is passed over: its target may be elsewhere).",
    why: "The autoscaler scales nothing (its status says `FailedGetScale`) while everyone reads the file as if the service scaled under load.",
    example: "scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api-server}\n# the Deployment is named api",
    fix: "scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}",
    references: &["https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let pods = ctx.pods();
    for hpa in ctx
        .docs
        .iter()
        .filter(|d| d.kind() == "HorizontalPodAutoscaler")
    {
        let ns = hpa.namespace();
        if !pods.iter().any(|p| p.doc.namespace() == ns) {
            continue;
        }
        let target = &hpa.value["spec"]["scaleTargetRef"];
        let (Some(kind), Some(name)) = (target["kind"].as_str(), target["name"].as_str()) else {
            continue;
        };
        let found = ctx
            .docs
            .iter()
            .any(|d| d.kind() == kind && d.name() == name && d.namespace() == ns);
        if !found {
            sink.report(
                ctx.span(hpa, "/spec/scaleTargetRef/name"),
                format!(
                    "HorizontalPodAutoscaler/{}: its target {kind}/{name} is not in these files",
                    hpa.name()
                ),
                "name the workload it scales (kind and name as in its manifest)",
            );
        }
    }
}
