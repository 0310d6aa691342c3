//! KS023: a pod gets an API token it does not use.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS023",
    name: "service-account-token-mounted",
    severity: Severity::Warning,
    summary: "a pod that runs as the `default` ServiceAccount mounts its API token",
    what: "Flags a pod template that sets no `automountServiceAccountToken: false` and runs as the namespace's `default` ServiceAccount (no `serviceAccountName`, or `default`), unless a ServiceAccount `default` in the same files turns the automount off. A pod given a ServiceAccount of its own is passed over: such an account exists to call the API (checkov CKV_K8S_38, Polaris automountServiceAccountToken).",
    why: "Every container of the pod can read a token for the Kubernetes API at /var/run/secrets/kubernetes.io/serviceaccount: a web app does not call the API, so the token only serves whoever takes over the process (to list Secrets, where RBAC allows, or to probe the API server).",
    example: "spec:\n  containers:\n  - name: api",
    fix: "spec:\n  automountServiceAccountToken: false\n  containers:\n  - name: api",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods() {
        let account = pod.spec["serviceAccountName"]
            .as_str()
            .or_else(|| pod.spec["serviceAccount"].as_str())
            .unwrap_or("default");
        if account != "default" {
            continue;
        }
        let at = format!("{}/automountServiceAccountToken", pod.at);
        match pod.spec.get("automountServiceAccountToken") {
            Some(serde_json::Value::Bool(false)) => continue,
            Some(_) => {}
            None => {
                let off_for_account = ctx.docs.iter().any(|d| {
                    d.kind() == "ServiceAccount"
                        && d.name() == "default"
                        && d.namespace() == pod.doc.namespace()
                        && d.value["automountServiceAccountToken"] == false
                });
                if off_for_account {
                    continue;
                }
            }
        }
        sink.report(
            ctx.span(pod.doc, &at),
            format!(
                "{}/{} mounts an API token for the `default` ServiceAccount",
                pod.doc.kind(),
                pod.doc.name()
            ),
            "set `automountServiceAccountToken: false` in the pod spec",
        );
    }
}
