//! SH008: `pm2 reload` without `--update-env`.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH008",
    name: "pm2-reload-without-update-env",
    severity: Severity::Warning,
    summary: "`pm2 reload` without `--update-env` keeps the old environment",
    what: "Flags `pm2 reload` (and `pm2 restart`) without `--update-env`.",
    why: "PM2 reuses the environment the app was first started with: a changed variable in the ecosystem file is silently ignored by every reload until someone deletes and re-adds the app.",
    example: "pm2 reload ecosystem.config.js",
    fix: "pm2 reload ecosystem.config.js --update-env",
    references: &["https://pm2.keymetrics.io/docs/usage/environment/"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for l in &ctx.script.lines {
        let c = &l.commands();
        let pm2 = c
            .split_whitespace()
            .any(|w| w == "pm2" || w.ends_with("/pm2") || w == "\"$PM2\"" || w == "$PM2");
        if pm2
            && c.split_whitespace()
                .any(|w| w == "reload" || w == "restart")
            && !c.contains("--update-env")
        {
            let at = if c.contains("reload") {
                "reload"
            } else {
                "restart"
            };
            sink.report(
                l.span_of(at),
                format!(
                    "`pm2 {at}` without `--update-env` keeps the environment of the first start"
                ),
                "add `--update-env`",
            );
        }
    }
}
