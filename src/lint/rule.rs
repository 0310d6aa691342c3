//! What a rule is: a stable code and its documentation; and how a format lists
//! its rules: each with the check that finds it, typed by the format's own
//! `Check` (a function of that format's context), or reported by the engine. A
//! rule listed under the wrong format does not compile. This module knows no
//! format, so rules, formats and the registry do not import each other in a circle.

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
}

/// One line of a format's rule list: a rule and the check that finds it (`C`,
/// the format's `Check`), or a rule whose findings the format or the engine
/// reports itself (a file that cannot be read or parsed, a tool that failed).
pub enum Entry<C: 'static> {
    Checked(&'static Rule, C),
    Reported(&'static Rule),
}

impl<C> Entry<C> {
    pub fn rule(&self) -> &'static Rule {
        match self {
            Entry::Checked(r, _) | Entry::Reported(r) => r,
        }
    }
}

/// The rules of a list, in its order (for documentation and selection).
pub fn rules_of<C>(entries: &'static [Entry<C>]) -> Vec<&'static Rule> {
    entries.iter().map(Entry::rule).collect()
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

/// A format's rules as documentation (`&'static [&'static Rule]`), made once
/// from its typed list.
macro_rules! documented {
    ($list:expr) => {{
        static DOCS: std::sync::OnceLock<Vec<&'static $crate::lint::rule::Rule>> =
            std::sync::OnceLock::new();
        DOCS.get_or_init(|| $crate::lint::rule::rules_of($list))
            .as_slice()
    }};
}
pub(crate) use documented;
