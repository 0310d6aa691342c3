//! SH006: `git pull`/`reset --hard` without recording the previous revision.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH006",
    name: "previous-revision-not-recorded",
    severity: Severity::Warning,
    summary: "the checkout moves without recording where it was",
    what: "Flags `git pull`, `git reset --hard`, `git merge` and `git checkout` of a branch when no earlier line records the current revision (`git rev-parse HEAD`).",
    why: "To roll back you need the revision that was serving; after the pull it is only in the reflog, if anyone thinks to look.",
    example: "cd /srv/app\ngit pull",
    fix: "PREV_REV=$(git rev-parse HEAD)\ngit fetch origin main\ngit merge --ff-only FETCH_HEAD",
    references: &[],
    description_key: Some("deploy.repo"),
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let lines = &ctx.script.lines;
    for (i, l) in lines.iter().enumerate() {
        let c = &l.code;
        // `git reset --hard "$PREV_REV"` is the rollback itself, not a move forward.
        let reset_forward = c.contains("git reset --hard")
            && !c.split("--hard").nth(1).is_some_and(|r| r.contains('$'));
        let moves = c.contains("git pull")
            || reset_forward
            || c.contains("git merge")
            || (c.contains("git checkout") && !c.contains("--"));
        if moves && !lines[..i].iter().any(|p| p.code.contains("rev-parse")) {
            let word = ["git pull", "git reset --hard", "git merge", "git checkout"]
                .into_iter()
                .find(|w| c.contains(w))
                .unwrap_or("git");
            sink.report(
                l.span_of(word),
                format!("`{word}` moves the checkout, but the previous revision was not recorded"),
                "record `PREV_REV=$(git rev-parse HEAD)` first",
            );
            return;
        }
    }
}
