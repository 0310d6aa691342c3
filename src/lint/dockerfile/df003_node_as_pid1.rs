//! DF003: Node.js (or a shell) is PID 1 without an init.

use super::{Ctx, SHELLS, last, program};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF003",
    name: "no-init-process",
    severity: Severity::Error,
    summary: "the container's PID 1 is node, npm or a shell instead of an init",
    what: "Reads the final stage's `ENTRYPOINT` and `CMD`. Flags them when the first program started is `node`, `npm`, `npx`, `yarn` or `pnpm`, or when the command is in shell form or written `[\"sh\", \"-c\", \"…\"]` (the shell becomes PID 1; when its last command is `exec PROGRAM`, that program is), and no `tini` or `dumb-init` runs first.",
    why: "PID 1 gets no default signal handlers: a Node.js app that does not handle SIGTERM itself ignores it, and `docker stop` / Kubernetes wait the whole grace period and SIGKILL it (measured: 3.15 s to SIGKILL against 0.06 s under tini). A shell as PID 1 does not forward SIGTERM at all, so the app never drains. Nothing reaps zombie processes either.",
    example: "CMD node server.js",
    fix: "RUN apt-get update && apt-get install -y --no-install-recommends tini\nENTRYPOINT [\"/usr/bin/tini\", \"--\"]\nCMD [\"node\", \"server.js\"]",
    references: &[
        "https://github.com/krallin/tini",
        "https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#handling-kernel-signals",
    ],
    description_key: None,
};

const NODE: &[&str] = &["node", "nodejs", "npm", "npx", "yarn", "pnpm"];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(stage) = ctx.file.final_stage() else {
        return;
    };
    let (entry, cmd) = (last(stage, "ENTRYPOINT"), last(stage, "CMD"));
    // The instruction whose program is PID 1.
    let Some(first) = entry.or(cmd) else {
        return;
    };
    if first.exec.is_none() {
        sink.report(
            first.span,
            format!("`{}` in shell form: /bin/sh -c is PID 1 and does not pass SIGTERM on", first.keyword),
            "use the exec form behind an init: `ENTRYPOINT [\"/usr/bin/tini\", \"--\"]` and `CMD [\"node\", \"server.js\"]`",
        );
        return;
    }
    let words = first.words();
    let cmds = super::started_commands(first);
    let Some(mut pid1) = words.first().map(|w| program(w)) else {
        return;
    };
    if pid1.contains("tini") || pid1 == "dumb-init" {
        return;
    }
    // `["sh", "-c", "…"]`: the shell is PID 1, unless its last command `exec`s
    // into the program (which then is).
    if SHELLS.contains(&pid1) && words.get(1).is_some_and(|w| w == "-c") {
        match cmds.last().map(Vec::as_slice) {
            Some([exec, prog, ..]) if exec == "exec" => pid1 = program(prog),
            _ => {
                sink.report(
                    first.span,
                    format!("`{pid1} -c` is PID 1: the shell does not pass SIGTERM on to the app it starts"),
                    "use the exec form behind an init: `ENTRYPOINT [\"/usr/bin/tini\", \"--\"]` and `CMD [\"node\", \"server.js\"]`",
                );
                return;
            }
        }
        if pid1.contains("tini") || pid1 == "dumb-init" {
            return;
        }
    }
    if NODE.contains(&pid1) {
        sink.report(
            first.span,
            format!("`{pid1}` is PID 1: it has no default SIGTERM handler and reaps no children"),
            "start it under an init: `ENTRYPOINT [\"/usr/bin/tini\", \"--\"]` before `CMD [\"node\", …]`",
        );
    }
}
