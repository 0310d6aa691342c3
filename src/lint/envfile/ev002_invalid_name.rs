//! EV002: a key systemd drops (`export NAME=…`, a `-` or a blank in the name).

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};
use crate::syntax::envfile::valid_name;

pub static RULE: Rule = Rule {
    code: "EV002",
    name: "invalid-name",
    severity: Severity::Error,
    summary: "systemd drops an assignment whose name is not a variable name (`export NAME=…`), or a line without `=`",
    what: "Flags an assignment whose key is not letters, digits and `_` (not starting with a digit): `export NAME=…`, `MY-NAME=…`, `NAME VALUE=…`; and a line that is neither a comment nor an assignment (no `=`), which systemd skips without a word.",
    why: "systemd's env files have no `export`: it reads `export NAME` as the key, finds it invalid and leaves the variable unset. The same file works with a shell's `source` or a dotenv library, so the app starts in one place and crashes under systemd.",
    example: "export SESSION_SECRET=3f9a…",
    fix: "SESSION_SECRET=3f9a…",
    references: &[
        "https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=",
    ],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for span in ctx.ignored {
        sink.report(
            *span,
            "this line has no `=`: systemd ignores it",
            "write `NAME=value`, or make it a comment (`#`)",
        );
    }
    for a in ctx.assignments {
        if valid_name(&a.key) {
            continue;
        }
        let help = match a.key.strip_prefix("export") {
            Some(rest) if valid_name(rest.trim_start()) && rest.starts_with([' ', '\t']) => {
                format!(
                    "write `{}=…`: systemd's env files have no `export`",
                    rest.trim_start()
                )
            }
            _ => "a name is letters, digits and `_`, not starting with a digit".to_string(),
        };
        sink.report(
            a.key_span,
            format!(
                "`{}` is not a variable name: systemd drops this assignment",
                a.key
            ),
            help,
        );
    }
}
