//! DF005: `npm install` where `npm ci` belongs.

use super::{Ctx, commands, program, without_assignments};
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "DF005",
    name: "npm-install-in-build",
    severity: Severity::Warning,
    summary: "`npm install` installs the dependencies instead of `npm ci`",
    what: "Flags a `RUN` that runs `npm install` (or `npm i`) without package names: the install of a project's dependencies. When the Dockerfile is read from disk and its directory (the build context) holds no `package-lock.json` or `npm-shrinkwrap.json`, nothing is flagged: `npm ci` needs one.",
    why: "`npm install` resolves versions anew and may rewrite the lock file, so the image holds dependencies nobody tested; `npm ci` installs exactly the lock file and fails when it does not match `package.json`.",
    example: "COPY package*.json ./\nRUN npm install",
    fix: "COPY package.json package-lock.json ./\nRUN npm ci",
    references: &["https://docs.npmjs.com/cli/commands/npm-ci"],
    description_key: None,
};

/// The lock files `npm ci` installs from.
const LOCKFILES: &[&str] = &["package-lock.json", "npm-shrinkwrap.json"];

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    // A build context with no npm lock file: `npm ci` would fail there, so the
    // advice does not apply (the missing lock file is the project's choice).
    if let Some(dir) = ctx.context
        && !LOCKFILES.iter().any(|l| dir.join(l).is_file())
    {
        return;
    }
    for stage in &ctx.file.stages {
        for ins in stage.instructions.iter().filter(|i| i.is("RUN")) {
            let found = commands(&ins.args).into_iter().any(|c| {
                let c = without_assignments(&c);
                c.len() >= 2
                    && program(c[0]) == "npm"
                    && (c[1] == "install" || c[1] == "i")
                    && c[2..].iter().all(|w| w.starts_with('-'))
            });
            if found {
                sink.report(
                    ins.span,
                    "`npm install` may resolve other versions than the lock file's",
                    "copy package-lock.json and run `npm ci`",
                );
            }
        }
    }
}
