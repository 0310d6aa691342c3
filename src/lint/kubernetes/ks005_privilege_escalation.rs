//! KS005: privilege escalation not turned off.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS005",
    name: "privilege-escalation",
    severity: Severity::Error,
    summary: "`allowPrivilegeEscalation` is not `false`",
    what: "Flags a container whose `securityContext.allowPrivilegeEscalation` is absent or true (Pod Security Standard *restricted*, Privilege Escalation). A Windows pod (`spec.os.name: windows`) is passed over, as Pod Security Admission does: the field does not exist there.",
    why: "Without it (no_new_privs) a setuid binary in the image, or a file capability, gives the process more than it started with.",
    example: "securityContext:\n  runAsNonRoot: true",
    fix: "securityContext:\n  runAsNonRoot: true\n  allowPrivilegeEscalation: false",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods().into_iter().filter(|p| !p.is_windows()) {
        for c in pod.containers() {
            let v = c.value.pointer("/securityContext/allowPrivilegeEscalation");
            if v != Some(&serde_json::Value::Bool(false)) {
                let at = match v {
                    Some(_) => format!("{}/securityContext/allowPrivilegeEscalation", c.at),
                    None => c.at.clone(),
                };
                sink.report(
                    ctx.span(pod.doc, &at),
                    format!(
                        "{} may gain privileges (`allowPrivilegeEscalation` is not false)",
                        pod.what(&c)
                    ),
                    "set `securityContext.allowPrivilegeEscalation: false`",
                );
            }
        }
    }
}
