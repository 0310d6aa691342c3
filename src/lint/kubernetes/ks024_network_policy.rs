//! KS024: a workload of a namespace these files define that no NetworkPolicy
//! selects.

use super::{Ctx, selects};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS024",
    name: "no-network-policy",
    severity: Severity::Warning,
    summary: "a workload no NetworkPolicy selects, in a namespace the same files define or give policies",
    what: "For each workload, looks for a NetworkPolicy in its namespace whose `podSelector` takes the pod template's labels (an empty selector takes every pod). It reports only where the files speak for the namespace: they hold its Namespace document, or at least one NetworkPolicy in it — a manifest of a workload alone may have its policies elsewhere (kube-score pod-networkpolicy, kube-linter's NetworkPolicy checks).",
    why: "A pod no policy selects takes connections from every pod of the cluster and reaches every address: one compromised pod anywhere reaches the app's port, and the app reaches the cloud's metadata service.",
    example: "kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels: {app: api-v1}   # the pods are app: api",
    fix: "kind: NetworkPolicy\nspec:\n  podSelector:\n    matchLabels: {app: api}\n  policyTypes: [Ingress, Egress]",
    references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    // A pod on the host's network is outside every NetworkPolicy.
    let pods: Vec<_> = ctx
        .pods()
        .into_iter()
        .filter(|p| p.is_long_running() && p.spec["hostNetwork"] != true)
        .collect();
    let policies: Vec<_> = ctx
        .docs
        .iter()
        .filter(|d| d.kind() == "NetworkPolicy")
        .collect();
    let selector = |d: &super::Doc| {
        d.value["spec"]["podSelector"]["matchLabels"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    };
    for pod in &pods {
        let ns = pod.doc.namespace();
        let defined = ctx
            .docs
            .iter()
            .any(|d| d.kind() == "Namespace" && !ns.is_empty() && d.name() == ns);
        let in_ns: Vec<_> = policies.iter().filter(|p| p.namespace() == ns).collect();
        if !defined && in_ns.is_empty() {
            continue;
        }
        // A selector with expressions is not read: such a policy is taken to
        // select (never a finding built on a guess).
        let covered = in_ns.iter().any(|p| {
            p.value["spec"]["podSelector"]["matchExpressions"].is_array()
                || selects(&selector(p), pod.labels())
        });
        if !covered {
            sink.report(
                ctx.span(pod.doc, "/kind"),
                format!(
                    "{}/{}: no NetworkPolicy in namespace `{}` selects its pods",
                    pod.doc.kind(),
                    pod.doc.name(),
                    if ns.is_empty() { "(unset)" } else { ns }
                ),
                "add a NetworkPolicy whose podSelector takes the pod template's labels, with `policyTypes: [Ingress, Egress]`",
            );
        }
    }
}
