//! SH001: no `set -Eeuo pipefail` (or equivalent).

use super::Ctx;
use crate::lint::rule::Rule;
use crate::lint::{Severity, Sink};

pub static RULE: Rule = Rule {
    code: "SH001",
    name: "no-strict-mode",
    severity: Severity::Error,
    summary: "the script does not stop on errors (`set -Eeuo pipefail` missing)",
    what: "Checks that the script turns on `errexit` (`-e`), `nounset` (`-u`) and `pipefail`, with `set -Eeuo pipefail` or equivalent `set` lines, and names the missing ones. shellcheck does not check this.",
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
    let mut missing = Vec::new();
    if !e {
        missing.push("-e");
    }
    if !u {
        missing.push("-u");
    }
    if !pipefail {
        missing.push("-o pipefail");
    }
    if !missing.is_empty() {
        let first = ctx.script.lines.iter().find(|l| !l.code.trim().is_empty());
        let at = first.map(|l| l.span_of(l.code.trim())).unwrap_or_default();
        sink.report(
            at,
            format!(
                "the script does not set {}: a failed step does not stop the deploy",
                missing.join(", ")
            ),
            "add `set -Eeuo pipefail` at the top",
        );
    }
}
