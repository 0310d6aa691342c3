//! DF004: the container starts the app through npm.

use super::{Ctx, last, program};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF004",
    name: "npm-start",
    severity: Severity::Error,
    summary: "`CMD`/`ENTRYPOINT` starts the app with `npm start` or `npm run`",
    what: "Flags a final-stage `CMD` or `ENTRYPOINT` that runs `npm start`, `npm run …`, `yarn start` or `pnpm start`.",
    why: "npm runs the script in a child shell and does not pass SIGTERM on reliably: the app does not drain, the runtime waits out the grace period and kills it mid-request. npm also adds start-up time and memory, and writes to a cache in a read-only root filesystem.",
    example: "CMD [\"npm\", \"start\"]",
    fix: "CMD [\"node\", \"dist/server.js\"]",
    references: &["https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#cmd"],
    description_key: None,
};

const MANAGERS: &[&str] = &["npm", "yarn", "pnpm"];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(stage) = ctx.file.final_stage() else {
        return;
    };
    for ins in [last(stage, "ENTRYPOINT"), last(stage, "CMD")]
        .into_iter()
        .flatten()
    {
        let words = ins.words();
        let hit = words.windows(2).find(|w| {
            MANAGERS.contains(&program(&w[0]))
                && (w[1] == "start" || w[1] == "run" || w[1] == "run-script")
        });
        if let Some(w) = hit {
            sink.report(
                ins.span,
                format!("`{} {}` starts the app: the package manager stands between the runtime's SIGTERM and node", program(&w[0]), w[1]),
                "run node directly: `CMD [\"node\", \"dist/server.js\"]`",
            );
        }
    }
}
