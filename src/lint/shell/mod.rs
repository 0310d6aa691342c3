//! Deploy-script rules (what shellcheck does not cover) and shellcheck itself.

pub mod format;
pub mod sh001_strict_mode;
pub mod sh002_dev_dependencies;
pub mod sh003_health_check;
pub mod sh004_no_rollback;
pub mod sh005_migration_note;
pub mod sh006_previous_revision;
pub mod sh007_rm_empty_var;
pub mod sh008_pm2_update_env;
pub mod shellcheck;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use crate::syntax::shell::Script;

pub struct Ctx<'a> {
    pub script: &'a Script,
    /// The script's file name (`rollback.sh`), or the rendered file's name.
    pub name: &'a str,
}

/// Whether a line moves the checkout back to an earlier revision: `git reset
/// --hard` or `git checkout` to `HEAD~…`, `HEAD^`, `ORIG_HEAD`, `@{…}` or a
/// `$PREV…` variable, `git revert`, `pm2 deploy … revert`.
pub fn moves_back(l: &crate::syntax::shell::Line) -> bool {
    let c = l.commands();
    let code = &l.code;
    let back = |after: &str| {
        c.contains(after)
            && code.split(after).nth(1).is_some_and(|r| {
                let target = r.split_whitespace().next().unwrap_or("").trim_matches('"');
                ["HEAD~", "HEAD^", "ORIG_HEAD", "@{"]
                    .iter()
                    .any(|t| target.contains(t))
                    || (target.starts_with('$') && target.to_ascii_uppercase().contains("PREV"))
            })
    };
    back("git reset --hard")
        || back("git checkout")
        || c.contains("git revert")
        || (c.contains("pm2 deploy") && c.contains(" revert"))
}

/// True when a command line runs curl (as a command, not as a word in a list).
pub fn is_curl(code: &str) -> bool {
    let words: Vec<&str> = code.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        let bare = w.rsplit(['(', '|', ';', '&', '`', '=']).next().unwrap_or(w);
        if bare != "curl" {
            return false;
        }
        // `$(curl`, `x=$(curl`, `|curl`…: glued to an operator.
        if bare.len() < w.len() {
            return true;
        }
        match i.checked_sub(1).map(|p| words[p]) {
            None => true,
            Some(prev) => {
                matches!(
                    prev,
                    "if" | "then"
                        | "do"
                        | "until"
                        | "while"
                        | "!"
                        | "time"
                        | "command"
                        | "exec"
                        | "else"
                        | "&&"
                        | "||"
                        | "|"
                        | ";"
                ) || prev.ends_with(['|', ';', '&', '('])
            }
        }
    })
}

/// True when the words of `code` include a short option cluster containing `flag`
/// (`-fsS` has `f`) or the long option.
pub fn has_flag(code: &str, short: char, long: &str) -> bool {
    code.split_whitespace().any(|w| {
        w == long
            || w.starts_with(&format!("{long}="))
            || (w.starts_with('-')
                && !w.starts_with("--")
                && w[1..].chars().all(|c| c.is_ascii_alphabetic())
                && w[1..].contains(short))
    })
}

/// The check type of deploy-script rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The deploy-script rules, in code order (the engine's own findings first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SHELLCHECK_FAILED),
    Entry::Checked(&sh001_strict_mode::RULE, sh001_strict_mode::check),
    Entry::Checked(&sh002_dev_dependencies::RULE, sh002_dev_dependencies::check),
    Entry::Checked(&sh003_health_check::RULE, sh003_health_check::check),
    Entry::Checked(&sh004_no_rollback::RULE, sh004_no_rollback::check),
    Entry::Checked(&sh005_migration_note::RULE, sh005_migration_note::check),
    Entry::Checked(
        &sh006_previous_revision::RULE,
        sh006_previous_revision::check,
    ),
    Entry::Checked(&sh007_rm_empty_var::RULE, sh007_rm_empty_var::check),
    Entry::Checked(&sh008_pm2_update_env::RULE, sh008_pm2_update_env::check),
];
