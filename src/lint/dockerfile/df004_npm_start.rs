//! DF004: the container starts the app through npm.

use super::{Ctx, last, program};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF004",
    name: "npm-start",
    severity: Severity::Error,
    summary: "`CMD`/`ENTRYPOINT` starts the app with `npm start` or `npm run`",
    what: "Flags a final-stage `CMD` or `ENTRYPOINT` that runs `npm start`, `npm run …`, `yarn start`, `pnpm run …`, or `yarn`/`pnpm` followed by a script's name (`pnpm start-docker`) — also as the last command of a shell line (`sh -c \"pnpm db:migrate && pnpm run start-worker\"`: the migration ends, the worker stays).",
    why: "npm runs the script in a child shell and does not pass SIGTERM on reliably: the app does not drain, the runtime waits out the grace period and kills it mid-request. npm also adds start-up time and memory, and writes to a cache in a read-only root filesystem.",
    example: "CMD [\"npm\", \"start\"]",
    fix: "CMD [\"node\", \"dist/server.js\"]",
    references: &["https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#cmd"],
    description_key: None,
};

const MANAGERS: &[&str] = &["npm", "yarn", "pnpm"];

/// yarn's and pnpm's own commands: any other word after them names a
/// `package.json` script (`pnpm start-docker` runs the script `start-docker`).
const BUILTINS: &[&str] = &[
    "add",
    "audit",
    "bin",
    "cache",
    "config",
    "create",
    "dedupe",
    "deploy",
    "dlx",
    "doctor",
    "env",
    "exec",
    "fetch",
    "help",
    "import",
    "info",
    "init",
    "install",
    "i",
    "licenses",
    "link",
    "list",
    "ls",
    "node",
    "outdated",
    "pack",
    "patch",
    "plugin",
    "prune",
    "publish",
    "rebuild",
    "remove",
    "root",
    "set",
    "setup",
    "store",
    "unlink",
    "up",
    "update",
    "upgrade",
    "version",
    "why",
    "workspace",
    "workspaces",
];

/// The package-manager command that starts a script, if `c` is one.
fn starts_script(c: &[String]) -> Option<String> {
    let c: Vec<&str> = c.iter().map(String::as_str).collect();
    let c = super::without_assignments(&c);
    let (manager, rest) = (program(c.first()?), &c[1..]);
    if !MANAGERS.contains(&manager) {
        return None;
    }
    let sub = *rest.iter().find(|w| !w.starts_with('-'))?;
    let runs = matches!(sub, "start" | "run" | "run-script")
        || (manager != "npm" && !BUILTINS.contains(&sub));
    runs.then(|| format!("{manager} {sub}"))
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(stage) = ctx.file.final_stage() else {
        return;
    };
    for ins in [last(stage, "ENTRYPOINT"), last(stage, "CMD")]
        .into_iter()
        .flatten()
    {
        // In a shell line the last command is the one that keeps running (the
        // ones before it, such as a migration, end first).
        if let Some(run) = super::started_commands(ins)
            .last()
            .and_then(|c| starts_script(c))
        {
            sink.report(
                ins.span,
                format!("`{run}` starts the app: the package manager stands between the runtime's SIGTERM and node"),
                "run node directly: `CMD [\"node\", \"dist/server.js\"]`",
            );
        }
    }
}
