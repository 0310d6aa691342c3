//! DF001: the image runs as root.

use super::{Ctx, last};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF001",
    name: "image-runs-as-root",
    severity: Severity::Error,
    summary: "the final stage runs its process as root",
    what: "Finds the `USER` in force at the end of the final stage: none (the official `node` images and Debian start as root), or `root`, `0`, `root:…`, `0:…`.",
    why: "A compromised Node.js process that is root in the container can write the image's files, install tools and use every capability the runtime grants; Kubernetes' `runAsNonRoot` refuses to start it.",
    example: "FROM node:22-bookworm-slim\nCOPY --chown=node . /app\nCMD [\"node\", \"/app/server.js\"]",
    fix: "FROM node:22-bookworm-slim\nCOPY . /app\nUSER 10001:10001\nCMD [\"node\", \"/app/server.js\"]",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "hadolint: DL3002",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(stage) = ctx.file.final_stage() else {
        return;
    };
    match last(stage, "USER") {
        None => sink.report(
            stage.from.span,
            "the final stage sets no `USER`: the process runs as root",
            "add `USER 10001:10001` (a numeric user that owns nothing in the image) before `CMD`",
        ),
        Some(user) => {
            let who = user.args.split(':').next().unwrap_or("").trim();
            if who == "root" || who == "0" {
                sink.report(
                    user.span,
                    format!("`USER {}` runs the process as root", user.args),
                    "use a numeric non-root user: `USER 10001:10001`",
                );
            }
        }
    }
}
