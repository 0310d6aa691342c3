//! `--format text`: miette diagnostics with the source snippet, a label on the
//! span, the rule code and help; colour only on a terminal (and never with NO_COLOR).

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, SourceSpan};
use rayon::prelude::*;
use thiserror::Error;

use super::{all, docs_pointer, locate};
use crate::lint::{Finding, Report, Severity};
use crate::syntax::snippet::{Indexed, LONG_LINE};

#[derive(Debug, Error)]
#[error("{message}")]
struct Shown {
    message: String,
    code: String,
    severity: miette::Severity,
    src: Indexed,
    span: SourceSpan,
    label: String,
    help: Option<String>,
}

impl Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

/// The report as one string (what [`write`] writes).
pub fn render(report: &Report, colour: bool) -> String {
    layout(report, colour, rayon::current_num_threads()).concat()
}

/// Writes the report to `w`, part by part (a large report is never copied into one
/// string).
pub fn write(report: &Report, colour: bool, w: &mut impl std::io::Write) -> std::io::Result<()> {
    for part in layout(report, colour, rayon::current_num_threads()) {
        w.write_all(part.as_bytes())?;
    }
    w.flush()
}

/// Writes the findings to `findings` and the summary (exposure scores, notes,
/// counts) to `summary`: the findings are the output, the summary is said about it.
pub fn write_split(
    report: &Report,
    colour: bool,
    findings: &mut impl std::io::Write,
    summary: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut parts = layout(report, colour, rayon::current_num_threads());
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        findings.write_all(part.as_bytes())?;
    }
    findings.flush()?;
    summary.write_all(last.as_bytes())?;
    summary.flush()
}

/// The summary alone (exposure scores, notes, counts), as `write` ends; no
/// finding is laid out for it.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.exposures {
        out.push_str(&format!(
            "svcgen: {}: exposure {:.1} {} ({} failing checks)\n",
            e.file,
            e.score,
            e.label,
            e.failing.len()
        ));
    }
    for note in &report.notes {
        out.push_str(&format!("svcgen: note: {note}\n"));
    }
    let count = |s: Severity| all(report).filter(|f| f.severity == s).count();
    let total = report.findings.len() + report.errors.len();
    if total == 0 && !report.notes.is_empty() {
        // A note says what was not checked (an include not read, a tool not
        // installed): the run is clean only in what it read.
        out.push_str(&format!(
            "svcgen: no findings in what was checked; {} note(s) above say what was not\n",
            report.notes.len()
        ));
    } else if total == 0 {
        out.push_str("svcgen: no findings\n");
    } else {
        out.push_str(&format!(
            "svcgen: {} error(s), {} warning(s), {} info\n",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        ));
    }
    out
}

/// The report in order: the findings (in one or several parts), then the summary.
/// A large report is laid out in `threads` contiguous shares of the findings on
/// every core, the shares joined in order: the same bytes as one thread.
fn layout(report: &Report, colour: bool, threads: usize) -> Vec<String> {
    let findings: Vec<&Finding> = all(report).collect();
    let mut parts: Vec<String> = if findings.len() >= PARALLEL_FINDINGS && threads > 1 {
        let share = findings.len().div_ceil(threads);
        findings
            .par_chunks(share)
            .map(|chunk| render_findings(report, chunk, colour))
            .collect()
    } else {
        vec![render_findings(report, &findings, colour)]
    };
    parts.push(summary(report));
    parts
}

/// Findings from this many on are laid out on several threads.
const PARALLEL_FINDINGS: usize = 4_000;

/// The diagnostics of `findings`, in order, each followed by a blank line.
fn render_findings(report: &Report, findings: &[&Finding], colour: bool) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace);
    let mut out = String::with_capacity(findings.len() * 600);
    let mut sources: Vec<Option<Indexed>> = Vec::new();
    let mut cache = Cache::new();
    for &f in findings {
        let l = locate(report, f);
        let idx = f.span.file.0;
        if sources.len() <= idx {
            sources.resize(idx + 1, None);
        }
        let src = sources[idx]
            .get_or_insert_with(|| {
                let s = report.sources.get(f.span.file);
                Indexed {
                    name: l.file.to_string(),
                    text: s.text.clone(),
                    lines: s.lines().clone(),
                }
            })
            .clone();
        let mut help = f.help.clone().unwrap_or_default();
        if let Some(o) = &f.origin {
            help.push_str(&format!(
                "\nrendered from `{}` at {}:{}:{}",
                o.key, o.description, o.line, o.column
            ));
        }
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&docs_pointer(f.code));
        let shown = Shown {
            message: f.message.clone(),
            code: f.code.to_string(),
            severity: match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            src,
            // A span of many kilobytes is marked at its start.
            span: SourceSpan::new(
                f.span.start.into(),
                f.span.end.saturating_sub(f.span.start).min(200),
            ),
            label: f
                .label
                .clone()
                .unwrap_or_else(|| f.severity.as_str().to_string()),
            help: Some(help),
        };
        if colour || !fast_report(&mut out, &mut cache, &shown, f.span.start) {
            let _ = handler.render_report(&mut out, &shown);
        }
        out.push('\n');
    }
    out
}

/// The wrapping miette applies to a diagnostic's message and help. Text that fits
/// on its first line is that line; the rest is wrapped once per distinct text (a
/// large report repeats the same help thousands of times).
fn wrap(cache: &mut Cache, text: &str, first: &'static str, rest: &'static str) -> String {
    let fits = text.is_ascii()
        && !text.contains(['\n', '\t', '\r'])
        && !text.contains("  ")
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && first.chars().count() + text.len() <= WIDTH - 2;
    if fits {
        return format!("{first}{text}");
    }
    cache
        .entry((text.to_string(), first))
        .or_insert_with(|| wrap_uncached(text, first, rest))
        .clone()
}

type Cache = std::collections::HashMap<(String, &'static str), String>;

fn wrap_uncached(text: &str, first: &str, rest: &str) -> String {
    let opts = textwrap::Options::new(WIDTH - 2)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace);
    textwrap::fill(text, opts)
}

/// The terminal width the report is laid out for.
const WIDTH: usize = 100;

/// The report miette's graphical handler writes for one finding, without colour,
/// written directly for the common case: one label on one line of plain ASCII text
/// (tabs allowed). Most of miette's time goes to what this case does not need;
/// `same_as_miette` holds the two byte for byte. Returns false (writing nothing)
/// for anything else, which miette renders.
fn fast_report(out: &mut String, cache: &mut Cache, d: &Shown, start: usize) -> bool {
    use std::fmt::Write;
    let src = &d.src;
    let text = src.text.as_str();
    let len = text.len();
    let starts = &src.lines;
    let end = start + d.span.len();
    if start >= len || end > len || d.label.contains('\n') {
        return false;
    }
    let line_of = |o: usize| starts.line_of(o);
    let l0 = line_of(start);
    if line_of(end.saturating_sub(1).max(start)) != l0 {
        return false;
    }
    // Lines as miette's `get_lines` cuts them: without their `\n`; the empty "line"
    // after a final newline is not one.
    let line_end = |l: usize| starts.get(l + 1).unwrap_or(len);
    let real_lines = if text.ends_with('\n') {
        starts.len() - 1
    } else {
        starts.len()
    };
    let first = l0.saturating_sub(1);
    let last = (l0 + 1).min(real_lines - 1);
    if (first..=last).any(|l| line_end(l) - starts.start(l) > LONG_LINE) {
        return false;
    }
    let body = |l: usize| {
        let t = &text[starts.start(l)..line_end(l)];
        t.strip_suffix('\n').unwrap_or(t)
    };
    let plain = |t: &str| t.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b));
    if !(first..=last).all(|l| plain(body(l))) {
        return false;
    }
    // Columns as miette counts them: a tab runs to the next multiple of 4.
    let visual = |t: &str| {
        t.bytes().fold(0usize, |col, b| {
            if b == b'\t' {
                col + 4 - col % 4
            } else {
                col + 1
            }
        })
    };
    let first_indent = match d.severity {
        miette::Severity::Error => "  × ",
        miette::Severity::Warning => "  ⚠ ",
        miette::Severity::Advice => "  ☞ ",
    };
    let _ = writeln!(out, "{}\n", d.code);
    let _ = writeln!(out, "{}", wrap(cache, &d.message, first_indent, "  │ "));
    let w = (last + 1).to_string().len();
    let _ = writeln!(
        out,
        "{}╭─[{}:{}:{}]",
        " ".repeat(w + 2),
        src.name,
        l0 + 1,
        start - starts.start(l0) + 1
    );
    for l in first..=last {
        let t = body(l);
        let _ = write!(out, " {:>w$} │ ", l + 1);
        let mut col = 0;
        for c in t.chars() {
            if c == '\t' {
                let n = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            } else {
                out.push(c);
                col += 1;
            }
        }
        out.push('\n');
        if l != l0 {
            continue;
        }
        let at = |o: usize| {
            let i = o - starts.start(l);
            if i > t.len() {
                visual(t) + 1
            } else {
                visual(&t[..i])
            }
        };
        let from = at(start);
        let to = if start == end {
            from + 1
        } else {
            at(end).max(from + 1)
        };
        let mid = (from + to) / 2;
        let mark = if start == end { "▲" } else { "┬" };
        let _ = writeln!(
            out,
            " {:w$} · {}{}{}{}",
            "",
            " ".repeat(from),
            "─".repeat(mid - from),
            mark,
            "─".repeat(to - mid - 1)
        );
        let _ = writeln!(out, " {:w$} · {}╰── {}", "", " ".repeat(mid), d.label);
    }
    let _ = writeln!(out, "{}╰────", " ".repeat(w + 2));
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{}", wrap(cache, help, "  help: ", "        "));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every finding the fast path writes is what miette writes.
    fn check(name: &str, text: &str, spans: &[(usize, usize)], fast_expected: bool) {
        let src = Indexed::new(name, text);
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(WIDTH)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace);
        let mut fast_count = 0;
        let mut cache = Cache::new();
        let messages = [
            "a message long enough to be wrapped by the report at its width of one hundred columns, with `code` in it",
            "short",
            "exactly ninety-four characters long, which is the width left after the indent: 1234567890ab",
            "exactly ninety-five characters long, which is one more than fits after the indent: 1234567890",
            "two  spaces and a trailing one ",
            "caf\u{e9} and a very-long-hyphenated-word-that-textwrap-may-split-at-its-hyphens-when-the-line-is-full ok",
        ];
        for (i, &(start, len)) in spans.iter().enumerate() {
            for severity in [miette::Severity::Error, miette::Severity::Warning] {
                let shown = Shown {
                    message: messages[i % messages.len()].into(),
                    code: "NG006".into(),
                    severity,
                    src: src.clone(),
                    span: SourceSpan::new(start.into(), len.min(200)),
                    label: "warning".into(),
                    help: Some("repeat the enclosing level's set here, or move this one up\nsee `svcgen explain NG006`".into()),
                };
                let mut slow = String::new();
                handler.render_report(&mut slow, &shown).unwrap();
                let mut fast = String::new();
                if fast_report(&mut fast, &mut cache, &shown, start) {
                    fast_count += 1;
                    assert_eq!(fast, slow, "{name} at {start}+{len}");
                }
            }
        }
        assert_eq!(
            fast_count > 0,
            fast_expected,
            "{name}: fast path taken {fast_count} times"
        );
    }

    #[test]
    fn same_as_miette() {
        let text =
            "events {}\nhttp {\n\tserver {\n\t\tlisten 80;\n  \t add_header X-A b;\n\n    }\n}\n";
        let mut spans = Vec::new();
        for start in 0..text.len() {
            for len in [0, 1, 3, 7, 20] {
                spans.push((start, len));
            }
        }
        check("t.conf", text, &spans, true);
        // No final newline; line numbers that change width in the window.
        let long: String = (1..=12)
            .map(|i| format!("directive_{i} value;\n"))
            .collect();
        let long = long.trim_end().to_string();
        let spans: Vec<(usize, usize)> = (0..long.len()).map(|s| (s, 5)).collect();
        check("u.conf", &long, &spans, true);
        check("one.conf", "x;", &[(0, 1), (0, 2), (1, 1), (0, 0)], true);
        // A very long line and non-ASCII text are left to miette (still exact).
        let wide = format!("a {};\nb \u{e9}t\u{e9};\n", "x".repeat(3000));
        check("w.conf", &wide, &[(0, 1), (2, 10), (3008, 2)], false);
    }

    /// A report large enough to be laid out on several threads is the same text as
    /// one thread writes.
    #[test]
    fn parallel_layout_is_the_sequential_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.conf");
        std::fs::write(&path, crate::lint::shop_copies(300)).unwrap();
        let report = crate::lint::lint(&[path], &crate::lint::Options::default());
        assert!(all(&report).count() >= PARALLEL_FINDINGS);
        let one = layout(&report, false, 1);
        // Three threads whatever the machine has: the parallel path is the one compared.
        let three = layout(&report, false, 3);
        assert_eq!(one.len(), 2, "one part of findings and the summary");
        assert_eq!(three.len(), 4, "three parts of findings and the summary");
        assert_eq!(three.concat(), one.concat());
        assert!(
            one[1].ends_with("svcgen: 1500 error(s), 3600 warning(s), 0 info\n"),
            "{}",
            one[1]
        );
    }
}
