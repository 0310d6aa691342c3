//! What a rule is: a stable code, documentation, and the check it runs. The check
//! is typed by the format whose parsed files it reads (each format's `Check`); this
//! module knows no format, so rules, formats and the registry do not import each
//! other in a circle.

use std::any::Any;

use serde::Serialize;

use super::Severity;

/// One rule and its documentation.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
    /// The description key whose rendering this rule checks.
    pub description_key: Option<&'static str>,
    /// The check, as its format's `Check` function type (`Some(&(check as
    /// super::Check))`); `None` for findings the engine reports itself (a file that
    /// cannot be read or parsed, a suppression that silenced nothing).
    pub check: Option<&'static (dyn Any + Send + Sync)>,
}

impl Rule {
    /// The check when it reads the files of the format whose check type is `C`.
    pub fn check_as<C: Copy + 'static>(&self) -> Option<C> {
        self.check.and_then(|c| c.downcast_ref::<C>()).copied()
    }
}

/// Documentation as data, for `explain --format json` and SARIF.
#[derive(Serialize)]
pub struct RuleDoc {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
    pub references: &'static [&'static str],
}

impl Rule {
    pub fn doc(&self) -> RuleDoc {
        RuleDoc {
            code: self.code,
            name: self.name,
            severity: self.severity,
            summary: self.summary,
            what: self.what,
            why: self.why,
            example: self.example,
            fix: self.fix,
            references: self.references,
        }
    }

    /// The documentation as Markdown (for `svcgen explain` and the README), the
    /// example fenced as `fence` (the language of the rule's format).
    pub fn markdown(&self, fence: &str) -> String {
        let mut s = format!(
            "## {} `{}` ({})\n\n{}\n\n### What it does\n{}\n\n### Why is this bad?\n{}\n\n### Example\n```{}\n{}\n```\n\n### Use instead\n{}\n",
            self.code,
            self.name,
            self.severity,
            self.summary,
            self.what.trim(),
            self.why.trim(),
            fence,
            self.example.trim(),
            self.fix.trim()
        );
        if !self.references.is_empty() {
            s.push_str("\n### References\n");
            for r in self.references {
                s.push_str(&format!("- {r}\n"));
            }
        }
        s
    }
}
