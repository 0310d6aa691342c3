//! SH001: no `set -Eeuo pipefail` (or equivalent).

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH001",
    name: "no-strict-mode",
    severity: Severity::Error,
    summary: "the script does not stop on errors (`set -Eeuo pipefail` missing)",
    what: "Checks that the script turns on `errexit` (`-e`), `nounset` (`-u`) and `pipefail`, with `set -Eeuo pipefail` or equivalent `set` lines, and names the missing ones with what each costs this script: `-e` always, `-u` where the script expands variables, `pipefail` where it has a pipe. shellcheck does not check this.",
    why: "Without `-e` a failed `npm ci` or build is ignored and the broken release is reloaded; without `pipefail` a failure on the left of a pipe is lost; without `-u` a misspelled variable expands to nothing (`rm -rf \"$APP_DIR/\"…`).",
    example: "#!/usr/bin/env bash\nnpm ci\nnpm run build\npm2 reload app",
    fix: "#!/usr/bin/env bash\nset -Eeuo pipefail",
    references: &["https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html"],
    description_key: None,
};

pub(super) fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let (mut e, mut u, mut pipefail) = (false, false, false);
    for l in &ctx.script.lines {
        let code = l.code.trim();
        let Some(rest) = code.strip_prefix("set ") else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if w.starts_with('-') && !w.starts_with("--") {
                e |= w.contains('e');
                u |= w.contains('u');
                if w.ends_with('o') && words.get(i + 1) == Some(&"pipefail") {
                    pipefail = true;
                }
            }
            if *w == "errexit" {
                e = true;
            }
            if *w == "nounset" {
                u = true;
            }
            if *w == "pipefail" && i > 0 && words[i - 1].ends_with('o') {
                pipefail = true;
            }
        }
    }
    // Each missing option with what it costs, where the script gives it a
    // chance to: -u only matters where variables are expanded, pipefail only
    // where there is a pipe.
    let expands = ctx.script.lines.iter().any(|l| {
        let c = l.commands();
        c.match_indices('$').any(|(i, _)| {
            c[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| n == '{' || n == '_' || n.is_ascii_alphabetic())
        }) || l.code.contains("\"$")
    });
    let pipes = ctx.script.lines.iter().any(|l| {
        let c = l.commands();
        c.match_indices('|').any(|(i, _)| {
            c.as_bytes().get(i + 1) != Some(&b'|') && (i == 0 || c.as_bytes()[i - 1] != b'|')
        })
    });
    let mut missing = Vec::new();
    let mut costs = Vec::new();
    if !e {
        missing.push("-e");
        costs.push("a failed step does not stop the deploy");
    }
    if !u && expands {
        missing.push("-u");
        costs.push("a misspelt or unset variable expands to nothing");
    }
    if !pipefail && pipes {
        missing.push("-o pipefail");
        costs.push("a failure on the left of a pipe is lost");
    }
    if !missing.is_empty() {
        let first = ctx.script.lines.iter().find(|l| !l.code.trim().is_empty());
        let at = first.map(|l| l.span_of(l.code.trim())).unwrap_or_default();
        sink.report(
            at,
            format!(
                "the script does not set {}: {}",
                missing.join(", "),
                costs.join("; ")
            ),
            "add `set -Eeuo pipefail` at the top",
        );
    }
}
