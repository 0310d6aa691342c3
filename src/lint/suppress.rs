//! Inline suppressions: `# svcgen: ignore NG004 -- reason` on the line(s) directly
//! above a directive or block silences those codes inside it. The reason is
//! required; a suppression that silenced nothing is itself reported.

use super::rule::Rule;
use super::{Finding, Severity};
use crate::syntax::Span;

pub static UNUSED: Rule = Rule {
    code: "SV900",
    name: "unused-suppression",
    severity: Severity::Warning,
    summary: "a `svcgen: ignore` comment that silenced nothing",
    what: "Reports an inline suppression whose codes matched no finding in the directive or block below it.",
    why: "Stale suppressions hide the next real problem and mislead readers about what is being tolerated.",
    example: "# svcgen: ignore NG007 -- legacy monitoring reads the version\nserver_tokens off;",
    fix: "Remove the comment, or move it above the directive it was meant for.",
    references: &[],
    description_key: None,
};

pub static NO_REASON: Rule = Rule {
    code: "SV901",
    name: "suppression-without-reason",
    severity: Severity::Error,
    summary: "a `svcgen: ignore` comment without `-- reason`",
    what: "Reports an inline suppression that does not say why (`-- reason` after the codes). Such a suppression silences nothing.",
    why: "A tolerated hardening gap must say why, so the next reader can judge whether it still holds.",
    example: "# svcgen: ignore NG004\nserver { … }",
    fix: "# svcgen: ignore NG004 -- the API answers JSON only; headers are set by the gateway",
    references: &[],
    description_key: None,
};

/// The suppression rules.
pub static RULES: &[&Rule] = &[&UNUSED, &NO_REASON];

/// One parsed suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// The comment itself.
    pub at: Span,
    /// What it covers (the directive or block below).
    pub covers: Span,
    pub used: bool,
}

/// Parses a comment's text (without its comment marker), if it is a suppression.
pub fn parse_comment(text: &str, at: Span, covers: Span) -> Option<Suppression> {
    let rest = text
        .trim()
        .strip_prefix("svcgen:")?
        .trim_start()
        .strip_prefix("ignore")?;
    let (codes, reason) = match rest.split_once("--") {
        Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let codes: Vec<String> = codes
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    Some(Suppression {
        codes,
        reason,
        at,
        covers,
        used: false,
    })
}

/// Drops findings covered by a suppression, then reports unused and reasonless ones.
pub fn apply(findings: &mut Vec<Finding>, suppressions: &mut [Suppression]) {
    findings.retain(|f| {
        for s in suppressions.iter_mut() {
            if s.reason.is_none() {
                continue;
            }
            // A finding belongs to the directive, block or property it starts in.
            let inside = f.span.file == s.covers.file
                && f.span.start >= s.covers.start
                && f.span.start < s.covers.end.max(s.covers.start + 1);
            if inside && s.codes.iter().any(|c| f.code.starts_with(c.as_str())) {
                s.used = true;
                return false;
            }
        }
        true
    });
    for s in suppressions.iter() {
        let (rule, message) = if s.reason.is_none() {
            (
                &NO_REASON,
                "suppression without a reason: add `-- why this is acceptable`".to_string(),
            )
        } else if !s.used {
            (
                &UNUSED,
                format!("suppression of {} matched no finding", s.codes.join(", ")),
            )
        } else {
            continue;
        };
        findings.push(Finding {
            code: super::Code::Rule(rule.code),
            severity: rule.severity,
            message,
            span: s.at,
            label: None,
            help: Some(rule.fix.to_string()),
            origin: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_reason() {
        let s = parse_comment(
            " svcgen: ignore NG004, ng007 -- behind the gateway",
            Span::default(),
            Span::default(),
        )
        .unwrap();
        assert_eq!(s.codes, ["NG004", "NG007"]);
        assert_eq!(s.reason.as_deref(), Some("behind the gateway"));
        assert!(
            parse_comment("svcgen: ignore NG004", Span::default(), Span::default())
                .unwrap()
                .reason
                .is_none()
        );
        assert!(parse_comment(" plain comment", Span::default(), Span::default()).is_none());
    }
}
