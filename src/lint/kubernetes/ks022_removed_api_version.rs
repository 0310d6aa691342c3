//! KS022: an object of an API version Kubernetes no longer serves.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS022",
    name: "removed-api-version",
    severity: Severity::Error,
    summary: "an object of an API version Kubernetes no longer serves (`extensions/v1beta1`, `policy/v1beta1`, …)",
    what: "Flags `apiVersion`/`kind` pairs removed from Kubernetes (the deprecated API migration guide): Deployments and Ingresses of `extensions/v1beta1` and `apps/v1beta1|2` (1.16, 1.22), PodDisruptionBudgets and PodSecurityPolicies of `policy/v1beta1` (1.25), HorizontalPodAutoscalers of `autoscaling/v2beta1|2` (1.25, 1.26), CronJobs of `batch/v1beta1` (1.25), Ingresses of `networking.k8s.io/v1beta1` (1.22).",
    why: "The API server refuses the object: `kubectl apply` fails with \"no matches for kind\", and a rollout that ships it never happens.",
    example: "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget",
    fix: "apiVersion: policy/v1\nkind: PodDisruptionBudget",
    references: &["https://kubernetes.io/docs/reference/using-api/deprecation-guide/"],
    description_key: None,
};

/// (apiVersion, kind or "*", removed in, served instead).
const REMOVED: &[(&str, &str, &str, &str)] = &[
    (
        "extensions/v1beta1",
        "*",
        "1.22",
        "apps/v1 or networking.k8s.io/v1",
    ),
    ("apps/v1beta1", "*", "1.16", "apps/v1"),
    ("apps/v1beta2", "*", "1.16", "apps/v1"),
    ("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1"),
    (
        "policy/v1beta1",
        "PodSecurityPolicy",
        "1.25",
        "Pod Security Admission (namespace labels)",
    ),
    (
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        "1.25",
        "autoscaling/v2",
    ),
    (
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        "1.26",
        "autoscaling/v2",
    ),
    ("batch/v1beta1", "CronJob", "1.25", "batch/v1"),
    (
        "networking.k8s.io/v1beta1",
        "Ingress",
        "1.22",
        "networking.k8s.io/v1",
    ),
    (
        "networking.k8s.io/v1beta1",
        "IngressClass",
        "1.22",
        "networking.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        "1.22",
        "rbac.authorization.k8s.io/v1",
    ),
];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for doc in ctx.docs {
        let version = doc.value["apiVersion"].as_str().unwrap_or("");
        let kind = doc.kind();
        if let Some((_, _, removed, instead)) = REMOVED
            .iter()
            .find(|(v, k, _, _)| *v == version && (*k == "*" || *k == kind))
        {
            sink.report(
                ctx.span(doc, "/apiVersion"),
                format!("{kind} of `{version}` is not served since Kubernetes {removed}: the API server refuses it"),
                format!("use {instead}"),
            );
        }
    }
}
