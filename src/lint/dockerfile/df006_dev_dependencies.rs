//! DF006: the final stage keeps devDependencies.

use super::{Ctx, commands, program, without_assignments};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF006",
    name: "dev-dependencies-in-image",
    severity: Severity::Warning,
    summary: "the final stage installs devDependencies and never prunes them",
    what: "In the final stage, flags an `npm ci` / `npm install` that does not leave out dev dependencies (`--omit=dev`, `--production`, `--only=production`, or `NODE_ENV=production` set before it) when no later `npm prune --omit=dev` (or `--production`) removes them.",
    why: "Build tools, test frameworks and their transitive dependencies ship in the running image: more CVEs to patch, a larger image to pull on every scale-up, code an attacker can reach. A multi-stage build installs them in a build stage and copies only the output.",
    example: "FROM node:22-slim\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"node\", \"dist/server.js\"]",
    fix: "FROM node:22-slim AS build\nCOPY . .\nRUN npm ci && npm run build && npm prune --omit=dev\n\nFROM node:22-slim\nCOPY --from=build /app /app",
    references: &["https://docs.npmjs.com/cli/commands/npm-prune"],
    description_key: None,
};

fn omits_dev(words: &[&str]) -> bool {
    words.iter().any(|w| {
        matches!(
            *w,
            "--omit=dev" | "--production" | "--only=production" | "--only=prod" | "--prod"
        )
    }) || words.windows(2).any(|w| w[0] == "--omit" && w[1] == "dev")
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(stage) = ctx.file.final_stage() else {
        return;
    };
    let mut production = false;
    let mut pending = None;
    for ins in &stage.instructions {
        if ins.is("ENV") || ins.is("ARG") {
            let a = ins.args.replace(' ', "=");
            if a.contains("NODE_ENV=production") || a.contains("NODE_ENV=\"production\"") {
                production = true;
            }
        }
        if !ins.is("RUN") {
            continue;
        }
        for full in commands(&ins.args) {
            let inline_production = full.contains(&"NODE_ENV=production");
            let c = without_assignments(&full);
            if c.len() < 2 || program(c[0]) != "npm" {
                continue;
            }
            match c[1] {
                "ci" | "install" | "i"
                    if c[2..].iter().all(|w| w.starts_with('-'))
                        && !production
                        && !inline_production
                        && !omits_dev(c) =>
                {
                    pending = Some(ins);
                }
                "prune" if omits_dev(c) || production || inline_production => pending = None,
                _ => {}
            }
        }
    }
    if let Some(ins) = pending {
        sink.report(
            ins.span,
            "devDependencies are installed in the final stage and never pruned",
            "install them in a build stage and copy only the output, or `npm prune --omit=dev` after the build",
        );
    }
}
