//! KS007: no seccomp profile.

use super::{Ctx, PSS};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "KS007",
    name: "seccomp-profile",
    severity: Severity::Error,
    summary: "no `RuntimeDefault` (or `Localhost`) seccomp profile",
    what: "For every container, reads `seccompProfile.type` in force (the container's, else the pod's); flags it absent or `Unconfined` (Pod Security Standard *restricted*, Seccomp). A Windows pod (`spec.os.name: windows`) is passed over, as Pod Security Admission does: the field does not exist there.",
    why: "Without a profile every system call is open: the kernel attack surface a container escape uses.",
    example: "securityContext:\n  runAsNonRoot: true",
    fix: "securityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault",
    references: &[PSS],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for pod in ctx.pods().into_iter().filter(|p| !p.is_windows()) {
        for c in pod.containers() {
            match pod.security(&c, "seccompProfile") {
                Some((_, v))
                    if matches!(v["type"].as_str(), Some("RuntimeDefault" | "Localhost")) => {}
                Some((at, v)) => sink.report(
                    ctx.span(pod.doc, &format!("{at}/type")),
                    format!(
                        "{} runs with seccomp `{}`",
                        pod.what(&c),
                        v["type"].as_str().unwrap_or("?")
                    ),
                    "use `seccompProfile: {type: RuntimeDefault}`",
                ),
                None => sink.report(
                    ctx.span(pod.doc, &c.at),
                    format!("{} has no seccomp profile", pod.what(&c)),
                    "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod",
                ),
            }
        }
    }
}
