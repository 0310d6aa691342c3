//! Deploy scripts (bash), read as lines: the code part of each line (a `#` comment
//! outside quotes removed, continuations kept as separate lines) with its span, and
//! the comments. Enough for the deploy-script rules, which look for commands and
//! their flags; shellcheck does the parsing-heavy checks.

use super::{FileId, Span};

#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// The code without its trailing comment (and without a heredoc body's text).
    pub code: String,
    /// The comment text, if any (without `#`).
    pub comment: Option<String>,
    /// Byte offset of the line's start.
    pub start: usize,
    pub file: FileId,
}

impl Line {
    /// The code with the inside of every quoted string blanked out (same
    /// length, so positions hold): what runs as commands, not what is printed
    /// (`echo 'git pull'` runs echo).
    pub fn commands(&self) -> String {
        let mut out = String::with_capacity(self.code.len());
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for c in self.code.chars() {
            let keep = match quote {
                _ if escaped => {
                    escaped = false;
                    quote.is_none()
                }
                Some(q) if c == q => {
                    quote = None;
                    true
                }
                Some('"') if c == '\\' => {
                    escaped = true;
                    false
                }
                Some(_) => false,
                None if c == '\\' => {
                    escaped = true;
                    true
                }
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    true
                }
                None => true,
            };
            if keep {
                out.push(c);
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        out
    }

    /// The span of `needle` where it runs as a command (outside quotes), else
    /// anywhere in the code, else the whole line.
    pub fn command_span_of(&self, needle: &str) -> Span {
        match self.commands().find(needle) {
            Some(i) => Span {
                file: self.file,
                start: self.start + i,
                end: self.start + i + needle.len(),
            },
            None => self.span_of(needle),
        }
    }

    /// The span of `needle` in this line's code (the whole line when absent).
    pub fn span_of(&self, needle: &str) -> Span {
        match self.code.find(needle) {
            Some(i) => Span {
                file: self.file,
                start: self.start + i,
                end: self.start + i + needle.len(),
            },
            None => Span {
                file: self.file,
                start: self.start,
                end: self.start + self.code.len(),
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Script {
    pub lines: Vec<Line>,
}

fn split_comment(line: &str) -> (String, Option<String>) {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match (quote, c) {
            (Some(b'\''), b'\'') => quote = None,
            (Some(b'\''), _) => {}
            (Some(b'"'), b'\\') => i += 1,
            (Some(b'"'), b'"') => quote = None,
            (Some(_), _) => {}
            (None, b'\\') => i += 1,
            (None, b'\'' | b'"') => quote = Some(c),
            (None, b'#') if i == 0 || b[i - 1].is_ascii_whitespace() || b[i - 1] == b';' => {
                return (line[..i].to_string(), Some(line[i + 1..].to_string()));
            }
            _ => {}
        }
        i += 1;
    }
    (line.to_string(), None)
}

pub fn parse(text: &str, file: FileId) -> Script {
    let mut lines = Vec::new();
    let mut offset = 0;
    let mut heredoc: Option<String> = None;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            lines.push(Line {
                number: n + 1,
                code: String::new(),
                comment: None,
                start,
                file,
            });
            continue;
        }
        let (code, comment) = split_comment(line);
        if let Some(i) = code.find("<<") {
            let rest = code[i + 2..].trim_start_matches(['-', '~']).trim();
            let word: String = rest
                .trim_matches(['\'', '"'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() && !code[i..].starts_with("<<<") {
                heredoc = Some(word);
            }
        }
        lines.push(Line {
            number: n + 1,
            code,
            comment,
            start,
            file,
        });
    }
    Script { lines }
}

impl Script {
    /// Lines whose code contains `needle` as a command word sequence.
    pub fn find<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = &'a Line> + 'a {
        self.lines.iter().filter(move |l| l.code.contains(needle))
    }

    /// The first line whose code satisfies `f`.
    pub fn first(&self, f: impl Fn(&Line) -> bool) -> Option<&Line> {
        self.lines.iter().find(|l| f(l))
    }

    /// True when some comment or code mentions all the words (case-insensitive).
    pub fn mentions(&self, words: &[&str]) -> bool {
        self.lines.iter().any(|l| {
            let text =
                format!("{} {}", l.code, l.comment.as_deref().unwrap_or("")).to_ascii_lowercase();
            words.iter().all(|w| text.contains(w))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_quotes_and_heredocs() {
        let s = parse(
            "echo 'a # b' # real comment\ncat <<EOF\nrm -rf $X\nEOF\nx=1#not a comment\n",
            FileId(0),
        );
        assert_eq!(s.lines[0].code.trim(), "echo 'a # b'");
        assert_eq!(s.lines[0].comment.as_deref(), Some(" real comment"));
        assert_eq!(s.lines[2].code, "", "heredoc bodies are not code");
        assert_eq!(s.lines[4].code, "x=1#not a comment");
    }

    #[test]
    fn commands_blank_what_is_quoted() {
        let s = super::parse(
            "echo 'git pull' && git pull\necho \"a \\\"b\\\" git merge\" # c\n",
            crate::syntax::FileId(0),
        );
        let c = s.lines[0].commands();
        assert_eq!(c.len(), s.lines[0].code.len());
        assert_eq!(c.matches("git pull").count(), 1);
        assert_eq!(c.find("git pull"), Some(19));
        assert!(!s.lines[1].commands().contains("git merge"));
    }
}
