//! SH004: the script reloads the app but cannot roll back.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH004",
    name: "no-rollback",
    severity: Severity::Warning,
    summary: "a deploy that reloads the app with no rollback path",
    what: "Flags a script that reloads or restarts the app (`pm2 reload|restart`, `systemctl restart|reload`) and has no rollback: no `trap … ERR`, no `rollback` function, no reset to a recorded revision. A script that is itself the rollback is passed over: named `rollback`/`revert`/`undo`, or moving the checkout back (`git reset --hard HEAD~1`, to `ORIG_HEAD` or a `$PREV…` revision, `git revert`, `pm2 deploy … revert`). Commands count, not text a line prints.",
    why: "When the new release fails its health check, the only way back is by hand, under pressure, while the site is down.",
    example: "git pull\nnpm ci --include=dev && npm run build\npm2 reload app",
    fix: "Record the previous revision, back up node_modules and the build, and `trap rollback ERR` to restore them and reload.",
    references: &[],
    description_key: Some("deploy"),
};

/// Whether the script is itself a rollback: named so, or it moves the
/// checkout back to an earlier revision.
fn is_rollback(ctx: &Ctx<'_>) -> bool {
    // Named for it (`rollback.sh`, `pm2-revert.sh`; not `deploy-without-rollback.sh`).
    let name = ctx.name.to_ascii_lowercase();
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .iter()
        .any(|w| matches!(*w, "rollback" | "revert" | "undo"))
        && !words.iter().any(|w| matches!(*w, "no" | "not" | "without"))
    {
        return true;
    }
    ctx.script.lines.iter().any(super::moves_back)
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let s = ctx.script;
    let reload = s.first(|l| {
        let c = &l.commands();
        (c.contains("pm2") && (c.contains(" reload") || c.contains(" restart")))
            || (c.contains("systemctl") && (c.contains(" restart") || c.contains(" reload")))
    });
    let Some(reload) = reload else { return };
    if is_rollback(ctx) {
        return;
    }
    // A trap on errors, or a rollback step that is defined or called as a command.
    let can_roll_back = s.lines.iter().any(|l| {
        let c = l.code.trim_start();
        (c.starts_with("trap ") && (c.contains("ERR") || c.contains("EXIT")))
            || c.starts_with("rollback")
            || c.starts_with("function rollback")
            || c.contains("|| rollback")
    });
    if !can_roll_back {
        sink.report(
            reload.span_of(reload.code.trim()),
            "the app is reloaded but nothing rolls back a failed release",
            "trap errors and restore the previous revision, dependencies and build",
        );
    }
}
