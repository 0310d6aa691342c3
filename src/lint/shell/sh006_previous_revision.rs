//! SH006: `git pull`/`reset --hard` without recording the previous revision.

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH006",
    name: "previous-revision-not-recorded",
    severity: Severity::Warning,
    summary: "the checkout moves without recording where it was",
    what: "Flags `git pull`, `git reset --hard`, `git merge` and `git checkout` of a branch when no earlier line records the current revision (`git rev-parse HEAD`). Only commands count, not text a line prints (`echo 'git pull'`); a `git checkout` of files (`git checkout package-lock.json`, `git checkout -- .`) restores them and moves nothing.",
    why: "To roll back you need the revision that was serving; after the pull it is only in the reflog, if anyone thinks to look.",
    example: "cd /srv/app\ngit pull",
    fix: "PREV_REV=$(git rev-parse HEAD)\ngit fetch origin main\ngit merge --ff-only FETCH_HEAD",
    references: &[],
    description_key: Some("deploy.repo"),
};

/// Whether a `git checkout` restores files rather than moving the checkout:
/// every argument after it is a path (`git checkout package-lock.json`,
/// `git checkout .`), or it has `--` before its paths.
fn restores_files(code: &str) -> bool {
    let Some(rest) = code.split("git checkout").nth(1) else {
        return false;
    };
    let args: Vec<&str> = rest
        .split(['&', '|', ';'])
        .next()
        .unwrap_or("")
        .split_whitespace()
        .filter(|a| !a.starts_with('-') || *a == "--")
        .collect();
    if args.contains(&"--") {
        return true;
    }
    const FILES: &[&str] = &[
        ".json", ".js", ".cjs", ".mjs", ".ts", ".lock", ".yaml", ".yml", ".md", ".env", ".conf",
    ];
    !args.is_empty()
        && args
            .iter()
            .all(|a| *a == "." || FILES.iter().any(|e| a.ends_with(e)))
}

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let lines = &ctx.script.lines;
    for (i, l) in lines.iter().enumerate() {
        // What runs, not what is printed: `echo 'run git pull'` moves nothing.
        let c = &l.commands();
        // `git reset --hard "$PREV_REV"` is the rollback itself, not a move forward.
        let reset_forward = c.contains("git reset --hard")
            && !l
                .code
                .split("--hard")
                .nth(1)
                .is_some_and(|r| r.contains('$'));
        // Moving back (the rollback itself) needs no record of where it was.
        if super::moves_back(l) {
            continue;
        }
        let moves = c.contains("git pull")
            || reset_forward
            || c.contains("git merge")
            || (c.contains("git checkout") && !restores_files(&l.code));
        if moves && !lines[..i].iter().any(|p| p.code.contains("rev-parse")) {
            let word = ["git pull", "git reset --hard", "git merge", "git checkout"]
                .into_iter()
                .find(|w| c.contains(w))
                .unwrap_or("git");
            sink.report(
                l.command_span_of(word),
                format!("`{word}` moves the checkout, but the previous revision was not recorded"),
                "record `PREV_REV=$(git rev-parse HEAD)` first",
            );
            return;
        }
    }
}
