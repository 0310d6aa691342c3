//! KS027: a Namespace that enforces no Pod Security level.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS027",
    name: "namespace-without-pod-security",
    severity: Severity::Warning,
    summary: "a Namespace with no `pod-security.kubernetes.io/enforce` label, or one set to `privileged`",
    what: "Flags a Namespace document whose labels do not set `pod-security.kubernetes.io/enforce` to `baseline` or `restricted` (the admission controller's default is `privileged`: nothing is enforced). A Namespace labelled `privileged` is passed over when a pod of the same files in it needs host access (privileged, host namespaces or a hostPath volume), as a node agent does.",
    why: "The pod templates in the files may be hardened, but the namespace accepts any pod: a later edit, a debugging `kubectl run` or a compromised deploy credential can start a privileged pod there, and nothing refuses it.",
    example: "kind: Namespace\nmetadata:\n  name: shop",
    fix: "kind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: latest",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
        super::PSS,
    ],
    description_key: None,
};

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";

/// Whether a pod needs what only `privileged` allows.
fn needs_host(spec: &serde_json::Value) -> bool {
    ["hostNetwork", "hostPID", "hostIPC"]
        .iter()
        .any(|k| spec[*k] == true)
        || spec["volumes"]
            .as_array()
            .is_some_and(|v| v.iter().any(|v| v.get("hostPath").is_some()))
        || ["containers", "initContainers"].iter().any(|l| {
            spec[*l].as_array().is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["securityContext"]["privileged"] == true)
            })
        })
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for ns in ctx.docs.iter().filter(|d| d.kind() == "Namespace") {
        let key = crate::description::yaml::escape_pointer_segment(ENFORCE);
        match ns.value["metadata"]["labels"][ENFORCE].as_str() {
            Some("baseline" | "restricted") => {}
            Some(level) => {
                let host = ctx
                    .pods()
                    .iter()
                    .any(|p| p.doc.namespace() == ns.name() && needs_host(p.spec));
                if !host {
                    sink.report(
                        ctx.span(ns, &format!("/metadata/labels/{key}")),
                        format!(
                            "Namespace/{} enforces Pod Security level `{level}`: any pod is admitted",
                            ns.name()
                        ),
                        "set it to `restricted` (or `baseline` where a pod needs more)",
                    );
                }
            }
            None => sink.report(
                ctx.span(ns, "/metadata/name"),
                format!(
                    "Namespace/{} sets no Pod Security enforce level: unless the cluster's admission defaults enforce one, any pod is admitted",
                    ns.name()
                ),
                format!("label it `{ENFORCE}: restricted`"),
            ),
        }
    }
}
