//! SH007: `rm -rf` on a variable that may be empty.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH007",
    name: "rm-rf-unguarded-variable",
    severity: Severity::Error,
    summary: "`rm -rf` on a path built from a variable that may be empty",
    what: "Flags `rm -rf`/`rm -fr` whose path starts with a variable expansion not guarded by `${VAR:?}`.",
    why: "If the variable is empty or unset (a typo, a failed command substitution), `rm -rf \"$APP_DIR/\"*` becomes `rm -rf /*`.",
    example: "rm -rf \"$APP_DIR/node_modules\"",
    fix: "rm -rf -- \"${APP_DIR:?}/node_modules\"",
    references: &["https://www.shellcheck.net/wiki/SC2115"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for l in &ctx.script.lines {
        let c = &l.code;
        let Some(i) = c
            .find("rm -rf")
            .or_else(|| c.find("rm -fr"))
            .or_else(|| c.find("rm -Rf"))
        else {
            continue;
        };
        for w in c[i + 6..].split_whitespace() {
            let w = w.trim_start_matches(['"', '\'']);
            if w == "--" || w.starts_with('-') {
                continue;
            }
            if w.starts_with('$') && !w.starts_with("${")
                || (w.starts_with("${") && !w.contains(":?"))
            {
                sink.report(
                    l.span_of("rm -"),
                    "`rm -rf` on a path that starts with a variable: empty, it deletes from /",
                    "guard it: `\"${VAR:?}/…\"`",
                );
                break;
            }
        }
    }
}
