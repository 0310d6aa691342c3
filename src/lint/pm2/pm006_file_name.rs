//! PM006: a configuration file name PM2 does not recognise.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "PM006",
    name: "unrecognised-file-name",
    severity: Severity::Error,
    summary: "PM2 does not read this file as a configuration (`ecosystem.js`)",
    what: "Flags an ecosystem file whose name PM2 does not treat as a configuration: it must end in `.config.js`, `.config.cjs`, `.config.mjs`, `.json`, `.json5`, `.yml` or `.yaml`.",
    why: "`pm2 start ecosystem.js` starts the file itself as an application instead of reading the apps in it.",
    example: "pm2 start ecosystem.js",
    fix: "Rename it `ecosystem.config.js`.",
    references: &["https://pm2.keymetrics.io/docs/usage/application-declaration/"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let n = ctx.file_name.to_ascii_lowercase();
    let ok = [
        ".config.js",
        ".config.cjs",
        ".config.mjs",
        ".json",
        ".json5",
        ".yml",
        ".yaml",
    ]
    .iter()
    .any(|s| n.ends_with(s));
    if !ok {
        let at = crate::syntax::Span {
            file: ctx.root.span.file,
            start: 0,
            end: 0,
        };
        sink.report(
            at,
            format!(
                "PM2 runs `{}` as a script instead of reading it as a configuration",
                ctx.file_name
            ),
            "rename it to end in `.config.js`",
        );
    }
}
