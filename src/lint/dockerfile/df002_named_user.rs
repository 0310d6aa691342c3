//! DF002: the image's user is a name, not a number.

use super::{Ctx, last};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF002",
    name: "named-user",
    severity: Severity::Warning,
    summary: "`USER` names a user instead of a numeric UID",
    what: "Flags a final-stage `USER` given by name (`USER node`, `USER app:app`) rather than by number.",
    why: "Kubernetes can enforce `runAsNonRoot` only for a numeric user: with a name the kubelet cannot tell that it is not root and refuses the pod (\"image has non-numeric user … cannot verify user is non-root\"). A named user also depends on the base image's `/etc/passwd`.",
    example: "USER node",
    fix: "USER 10001:10001",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(user) = ctx.file.final_stage().and_then(|s| last(s, "USER")) else {
        return;
    };
    let who = user.args.split(':').next().unwrap_or("").trim();
    let numeric = !who.is_empty() && who.bytes().all(|b| b.is_ascii_digit());
    if !numeric && who != "root" && !who.contains('$') {
        sink.report(
            user.span,
            format!(
                "`USER {}` is a name: runAsNonRoot cannot verify it",
                user.args
            ),
            "use the user's number: `USER 10001:10001`",
        );
    }
}
