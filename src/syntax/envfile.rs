//! Env files as systemd reads them (`EnvironmentFile=`, systemd.exec(5)): the
//! state machine of systemd's own parser, which differs from dotenv's. A line is
//! `KEY=VALUE`; `#` or `;` at the start of a line (after blanks) is a comment,
//! and a backslash ending a comment line continues the comment. An unquoted
//! value keeps its inner blanks and everything after a `#`; a backslash escapes
//! the next character and, at the end of a line, joins the next line. A single-
//! or double-quoted part runs to its closing quote, across lines; inside double
//! quotes a backslash escapes only `"`, `\`, `` ` ``, `$` and a newline. Text
//! right after a closing quote is part of the value. A key is taken as written,
//! blanks inside included (`export NAME` is a key systemd then drops as invalid);
//! a line without `=` is ignored. What is read is every assignment with where it
//! was written, and what the author may not have meant.

use super::{FileId, Span};

/// One assignment, as systemd reads it.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The key as systemd takes it (trailing blanks removed).
    pub key: String,
    pub key_span: Span,
    /// The value systemd passes to the process.
    pub value: String,
    /// From the first character after `=` to the end of the value as written.
    pub value_span: Span,
    /// The 0-based line the assignment starts on.
    pub line: usize,
    /// How its value was read, where that may surprise.
    pub surprises: Vec<Surprise>,
}

/// A way systemd reads a value that a dotenv-minded author may not expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Surprise {
    /// An unquoted ` #…` is kept in the value (dotenv drops it as a comment).
    InlineComment(Span),
    /// A backslash at the end of a line joined the next line into the value.
    Continued(Span),
    /// A quoted part ran across lines (to a closing quote further down).
    QuoteAcrossLines(Span),
    /// A quote was never closed: the value runs to the end of the file.
    Unterminated(Span),
    /// Text right after a closing quote was appended to the value.
    AfterQuote(Span),
}

/// A key systemd keeps: a letter or `_`, then letters, digits and `_`.
pub fn valid_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    PreKey,
    Key,
    PreValue,
    Value,
    ValueEscape,
    SingleQuote,
    DoubleQuote,
    DoubleQuoteEscape,
    Comment,
    CommentEscape,
}

fn blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn newline(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

/// Every assignment of `text`, in order (a later one of the same key wins).
pub fn parse(text: &str, file: FileId) -> Vec<Assignment> {
    read(text, file).0
}

/// The assignments of `text`, and the lines systemd ignores whole because they
/// have no `=` (each from its first character to its end).
pub fn read(text: &str, file: FileId) -> (Vec<Assignment>, Vec<Span>) {
    let span = |start: usize, end: usize| Span { file, start, end };
    let mut out = Vec::new();
    let mut ignored = Vec::new();
    let mut state = State::PreKey;
    let mut key = String::new();
    let mut key_start = 0;
    let mut key_end = 0;
    // The key's length before its trailing blanks.
    let mut key_trimmed = 0;
    let mut value = String::new();
    // The value's length before its trailing unquoted blanks.
    let mut value_trimmed: Option<usize> = None;
    let mut value_start = 0;
    let mut line = 0;
    let mut key_line = 0;
    let mut quote_start = 0;
    let mut quote_line = 0;
    let mut closed_quote: Option<usize> = None;
    let mut surprises: Vec<Surprise> = Vec::new();

    // Ends the assignment in progress, its value written up to `$end`; `$trim`
    // drops trailing unquoted blanks.
    macro_rules! finish {
        ($end:expr, $trim:expr) => {{
            key.truncate(key_trimmed);
            if let Some(n) = $trim {
                value.truncate(n);
            }
            out.push(Assignment {
                key: std::mem::take(&mut key),
                key_span: span(key_start, key_end),
                value: std::mem::take(&mut value),
                value_span: span(value_start, $end),
                line: key_line,
                surprises: std::mem::take(&mut surprises),
            });
        }};
    }

    for (i, c) in text.char_indices() {
        let next = i + c.len_utf8();
        match state {
            State::PreKey => {
                if c == '#' || c == ';' {
                    state = State::Comment;
                } else if !blank(c) {
                    state = State::Key;
                    key.clear();
                    key.push(c);
                    key_start = i;
                    key_end = next;
                    key_trimmed = key.len();
                    key_line = line;
                }
            }
            State::Key => {
                if newline(c) {
                    // A line without `=`: ignored.
                    state = State::PreKey;
                    ignored.push(span(key_start, key_end));
                } else if c == '=' {
                    state = State::PreValue;
                    value.clear();
                    value_trimmed = None;
                    value_start = next;
                    closed_quote = None;
                    surprises.clear();
                } else {
                    key.push(c);
                    if !blank(c) {
                        key_trimmed = key.len();
                        key_end = next;
                    }
                }
            }
            State::PreValue => {
                if newline(c) {
                    state = State::PreKey;
                    finish!(i, value_trimmed);
                } else if c == '\'' || c == '"' {
                    state = if c == '\'' {
                        State::SingleQuote
                    } else {
                        State::DoubleQuote
                    };
                    quote_start = i;
                    quote_line = line;
                    value_trimmed = None;
                } else if c == '\\' {
                    state = State::ValueEscape;
                    value_trimmed = None;
                } else if !blank(c) {
                    state = State::Value;
                    if let Some(q) = closed_quote.take() {
                        surprises.push(Surprise::AfterQuote(span(q, next)));
                    }
                    value.push(c);
                    value_trimmed = None;
                }
            }
            State::Value => {
                if newline(c) {
                    state = State::PreKey;
                    if let Some(Surprise::InlineComment(s)) = surprises.last_mut()
                        && s.end == s.start
                    {
                        s.end = i;
                    }
                    finish!(i, value_trimmed);
                } else if c == '\\' {
                    state = State::ValueEscape;
                    value_trimmed = None;
                } else {
                    if c == '#'
                        && value_trimmed.is_some()
                        && !surprises
                            .iter()
                            .any(|s| matches!(s, Surprise::InlineComment(_)))
                    {
                        surprises.push(Surprise::InlineComment(span(i, i)));
                    }
                    if blank(c) {
                        value_trimmed.get_or_insert(value.len());
                    } else {
                        value_trimmed = None;
                    }
                    value.push(c);
                }
            }
            State::ValueEscape => {
                state = State::Value;
                if newline(c) {
                    line += 1;
                    surprises.push(Surprise::Continued(span(i - 1, next)));
                } else {
                    value.push(c);
                }
                continue;
            }
            State::SingleQuote => {
                if c == '\'' {
                    state = State::PreValue;
                    closed_quote = Some(next);
                    if quote_line != line {
                        surprises.push(Surprise::QuoteAcrossLines(span(quote_start, next)));
                    }
                } else {
                    value.push(c);
                }
            }
            State::DoubleQuote => {
                if c == '"' {
                    state = State::PreValue;
                    closed_quote = Some(next);
                    if quote_line != line {
                        surprises.push(Surprise::QuoteAcrossLines(span(quote_start, next)));
                    }
                } else if c == '\\' {
                    state = State::DoubleQuoteEscape;
                } else {
                    value.push(c);
                }
            }
            State::DoubleQuoteEscape => {
                state = State::DoubleQuote;
                if matches!(c, '"' | '\\' | '`' | '$') {
                    value.push(c);
                } else if c == '\n' {
                    // A continued line inside the quotes: the newline is dropped.
                } else {
                    value.push('\\');
                    value.push(c);
                }
            }
            State::Comment => {
                if c == '\\' {
                    state = State::CommentEscape;
                } else if newline(c) {
                    state = State::PreKey;
                }
            }
            State::CommentEscape => {
                state = State::Comment;
            }
        }
        if c == '\n' {
            line += 1;
        }
    }
    // At the end of the file an assignment in progress is kept as it stands.
    match state {
        State::PreValue | State::Value | State::ValueEscape => {
            if let Some(Surprise::InlineComment(s)) = surprises.last_mut()
                && s.end == s.start
            {
                s.end = text.len();
            }
            finish!(text.len(), value_trimmed);
        }
        State::SingleQuote | State::DoubleQuote | State::DoubleQuoteEscape => {
            surprises.push(Surprise::Unterminated(span(quote_start, quote_start + 1)));
            finish!(text.len(), None::<usize>);
        }
        State::Key => ignored.push(span(key_start, key_end)),
        _ => {}
    }
    (out, ignored)
}

/// `text` with every value's characters replaced by `*` (newlines kept, byte
/// offsets unchanged): what a report may show of an env file.
pub fn masked(text: &str, assignments: &[Assignment]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for a in assignments {
        for b in &mut bytes[a.value_span.start..a.value_span.end.min(text.len())] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    String::from_utf8(bytes).expect("ASCII replaced whole UTF-8 sequences' bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, String)> {
        parse(text, FileId(0))
            .into_iter()
            .map(|a| (a.key, a.value))
            .collect()
    }

    #[test]
    fn systemd_reads_these_lines_so() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            read("A=1\n# c\n; c\n  B = two words  \nC=\"q\\\"x\"\nD='s $x'\n"),
            pairs(&[("A", "1"), ("B", "two words"), ("C", "q\"x"), ("D", "s $x")])
        );
        assert_eq!(
            read("A=x # not a comment\n"),
            pairs(&[("A", "x # not a comment")])
        );
        assert_eq!(read("A=one\\\ntwo\n"), pairs(&[("A", "onetwo")]));
        assert_eq!(read("A=\"ab\"cd\n"), pairs(&[("A", "abcd")]));
        assert_eq!(read("export A=1\n"), pairs(&[("export A", "1")]));
        assert_eq!(read("A=\"x\ny\"\n"), pairs(&[("A", "x\ny")]));
        assert_eq!(read("NOEQUALS\nA=1"), pairs(&[("A", "1")]));
        assert_eq!(read("# a \\\nB=1\nC=2\n"), pairs(&[("C", "2")]));
        assert_eq!(read("A=\"open\nB=1\n"), pairs(&[("A", "open\nB=1\n")]));
    }

    #[test]
    fn masking_keeps_offsets_and_hides_values() {
        let text = "KEY=sécret\nB=\"x\"\n";
        let a = parse(text, FileId(0));
        let m = masked(text, &a);
        assert_eq!(m.len(), text.len());
        assert!(!m.contains("cret") && !m.contains('x'));
        assert!(m.starts_with("KEY=*") && m.contains("\nB=*"));
    }
}
