//! SH002: devDependencies dropped before the build.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH002",
    name: "dev-dependencies-dropped-before-build",
    severity: Severity::Error,
    summary: "devDependencies are left out before the build needs them",
    what: "Flags `npm ci --production`, `npm install --production`, `--omit=dev`, `--only=prod` and `export NODE_ENV=production` when a build (`npm run build`, `yarn build`, `tsc`…) comes after them.",
    why: "The build tools (TypeScript, bundlers) are devDependencies: without them `npm run build` fails with `tsc: not found` — or, worse, a stale `dist/` from the previous release is deployed.",
    example: "npm ci --production\nnpm run build",
    fix: "npm ci --include=dev\nnpm run build\nnpm prune --omit=dev",
    references: &["https://docs.npmjs.com/cli/v10/commands/npm-ci#omit"],
    description_key: Some("deploy.install"),
};

fn drops_dev(code: &str) -> Option<&'static str> {
    let installs = code.contains("npm ci")
        || code.contains("npm install")
        || code.contains("npm i ")
        || code.contains("yarn install");
    if installs {
        for f in [
            "--production",
            "--omit=dev",
            "--only=prod",
            "--only=production",
        ] {
            if code
                .split_whitespace()
                .any(|w| w == f || w.starts_with(&format!("{f}=")))
            {
                return Some(f);
            }
        }
    }
    let t = code.trim();
    if t.starts_with("export NODE_ENV=production")
        || t.starts_with("export NODE_ENV=\"production\"")
        || t.starts_with("export NODE_ENV='production'")
    {
        return Some("NODE_ENV=production");
    }
    None
}

fn builds(code: &str) -> bool {
    [
        "npm run build",
        "yarn build",
        "yarn run build",
        "pnpm build",
        "pnpm run build",
        "npx tsc",
        "tsc ",
    ]
    .iter()
    .any(|b| code.contains(b))
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let lines = &ctx.script.lines;
    for (i, l) in lines.iter().enumerate() {
        if let Some(flag) = drops_dev(&l.commands())
            && lines[i..].iter().any(|later| builds(&later.commands()))
        {
            sink.report(
                l.span_of(flag),
                format!("`{flag}` drops devDependencies, and the build after it needs them"),
                "install with `--include=dev`, build, then `npm prune --omit=dev`",
            );
        }
    }
}
