//! KS021: a container whose root filesystem is writable.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS021",
    name: "writable-root-filesystem",
    severity: Severity::Warning,
    summary: "a container's root filesystem is writable (`readOnlyRootFilesystem` is not true)",
    what: "Flags a container whose `securityContext.readOnlyRootFilesystem` is absent or false (kube-score's container-security-context-readonlyrootfilesystem, kube-linter's no-read-only-root-fs). A Windows pod is passed over: the API refuses the field there.",
    why: "A process that can write its image's files can replace its own code or drop a tool beside it; a Node.js app writes only to the volumes it is given (an `emptyDir` at /tmp).",
    example: "securityContext:\n  allowPrivilegeEscalation: false",
    fix: "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n# and an emptyDir volume mounted where the app writes (/tmp)",
    references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods().into_iter().filter(|p| !p.is_windows()) {
        for c in pod.containers() {
            if c.at.contains("/ephemeralContainers/") {
                continue;
            }
            let v = c.value.pointer("/securityContext/readOnlyRootFilesystem");
            if v != Some(&serde_json::Value::Bool(true)) {
                let at = match v {
                    Some(_) => format!("{}/securityContext/readOnlyRootFilesystem", c.at),
                    None => c.at.clone(),
                };
                sink.report(
                    ctx.span(pod.doc, &at),
                    format!("{} can write its root filesystem", pod.what(&c)),
                    "set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the app writes",
                );
            }
        }
    }
}
