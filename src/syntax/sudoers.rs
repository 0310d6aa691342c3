//! sudoers(5) files, as far as their rules grant commands: user specifications
//! (`WHO HOSTS = (RUNAS) TAGS: COMMAND, …`), `Cmnd_Alias` definitions (resolved
//! where a rule names them), and the lines this reader passes over whole
//! (`Defaults`, the other aliases, `@include`/`#include` directives). Lines end at
//! a newline unless a backslash continues them; `#` starts a comment unless it
//! is an include directive or a `#UID`.
//!
//! Every command keeps its span, so a finding points at the command itself.

use super::{FileId, Span};

/// One command a rule grants (or denies, with `!`).
#[derive(Debug, Clone)]
pub struct Command {
    /// The program: an absolute path, `ALL`, `sudoedit`, or an alias name.
    pub program: String,
    /// Its arguments as written (escapes kept); `None` when the rule gives none
    /// (sudo then allows any arguments). `Some(vec![])` is `""`: none allowed.
    pub args: Option<Vec<String>>,
    pub negated: bool,
    pub span: Span,
}

/// One user specification's command list, with who it is for.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The users (or `%group`s, `ALL`) the line names.
    pub who: String,
    /// The run-as list, as written between the parentheses (empty: root).
    pub runas: String,
    pub commands: Vec<Command>,
}

/// A parsed sudoers file.
#[derive(Debug, Clone, Default)]
pub struct Sudoers {
    pub grants: Vec<Grant>,
    /// `Cmnd_Alias NAME = …` definitions, by name.
    pub aliases: Vec<(String, Vec<Command>)>,
}

impl Sudoers {
    /// The commands an alias stands for, aliases inside it resolved (a cycle or
    /// an unknown name gives nothing more).
    pub fn expand<'a>(&'a self, c: &'a Command, depth: usize) -> Vec<&'a Command> {
        if depth > 16 || !is_alias_name(&c.program) || c.args.is_some() {
            return vec![c];
        }
        match self.aliases.iter().find(|(n, _)| n == &c.program) {
            Some((_, cmds)) => cmds
                .iter()
                .flat_map(|x| self.expand(x, depth + 1))
                .collect(),
            None => vec![c],
        }
    }
}

/// A sudoers syntax error: what, and where.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// `ALL` is a keyword; an alias name is upper-case letters, digits and `_`.
pub fn is_alias_name(w: &str) -> bool {
    w != "ALL"
        && w.starts_with(|c: char| c.is_ascii_uppercase())
        && w.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Tags that may precede a command (`NOPASSWD:`).
const TAGS: [&str; 14] = [
    "NOPASSWD",
    "PASSWD",
    "NOEXEC",
    "EXEC",
    "SETENV",
    "NOSETENV",
    "LOG_INPUT",
    "NOLOG_INPUT",
    "LOG_OUTPUT",
    "NOLOG_OUTPUT",
    "MAIL",
    "NOMAIL",
    "FOLLOW",
    "NOFOLLOW",
];

/// Options that may precede a command (`CWD=/srv`).
const OPTIONS: [&str; 7] = [
    "CWD",
    "CHROOT",
    "ROLE",
    "TYPE",
    "TIMEOUT",
    "NOTBEFORE",
    "NOTAFTER",
];

/// One logical line: its text with continuations joined (each `\`+newline
/// replaced by two spaces, so offsets stay those of the file).
struct Line {
    start: usize,
    text: String,
}

fn logical_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cur = String::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                cur.push_str("  ");
                i += 2;
            }
            b'\n' => {
                out.push(Line {
                    start,
                    text: std::mem::take(&mut cur),
                });
                i += 1;
                start = i;
            }
            _ => {
                // Copy one whole UTF-8 character.
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                cur.push_str(&text[i..i + len]);
                i += len;
            }
        }
    }
    if !cur.is_empty() {
        out.push(Line { start, text: cur });
    }
    out
}

/// Cuts a comment: `#` outside a word's escape, unless it starts `#include`,
/// `#includedir` or a `#UID` (a digit after it).
fn strip_comment(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("#include") {
        return "";
    }
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'#' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => return &line[..i],
            _ => i += 1,
        }
    }
    line
}

/// Splits at a separator byte outside parentheses and escapes; each part with
/// its byte offset in `s`. A `:` right after a tag (`NOPASSWD:`) is no separator.
fn split_top(s: &str, sep: u8) -> Vec<(usize, &str)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut from, mut i) = (0i32, 0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => {
                i += 2;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            c if c == sep && depth == 0 && !(sep == b':' && after_tag(&s[..i])) => {
                out.push((from, &s[from..i]));
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((from, &s[from.min(s.len())..]));
    out
}

/// True when `before` ends with a tag name (the `:` that follows is the tag's).
fn after_tag(before: &str) -> bool {
    // After the last character that cannot be in a tag name (of whatever width).
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_uppercase() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    TAGS.contains(&&before[word_start..])
}

/// Parses one command with its leading run-as list, tags and options removed.
fn command(
    file: FileId,
    at: usize,
    raw: &str,
    runas: &mut String,
) -> Result<Option<Command>, ParseError> {
    let err = |message: String| ParseError {
        message,
        span: Span {
            file,
            start: at,
            end: at + raw.len(),
        },
    };
    let mut rest = raw;
    let mut offset = at;
    let skip_ws = |rest: &mut &str, offset: &mut usize| {
        let t = rest.trim_start();
        *offset += rest.len() - t.len();
        *rest = t;
    };
    skip_ws(&mut rest, &mut offset);
    if rest.starts_with('(') {
        let Some(close) = rest.find(')') else {
            return Err(err("a run-as list `(` is never closed".into()));
        };
        *runas = rest[1..close].trim().to_string();
        offset += close + 1;
        rest = &rest[close + 1..];
        skip_ws(&mut rest, &mut offset);
    }
    loop {
        let word_end = rest
            .find(|c: char| c == ':' || c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let word = &rest[..word_end];
        let after = &rest[word_end..];
        if TAGS.contains(&word) && after.starts_with(':') {
            offset += word_end + 1;
            rest = &after[1..];
        } else if OPTIONS.contains(&word) && after.starts_with('=') {
            let value_end = after.find(char::is_whitespace).unwrap_or(after.len());
            offset += word_end + value_end;
            rest = &after[value_end..];
        } else {
            break;
        }
        skip_ws(&mut rest, &mut offset);
    }
    let text = rest.trim_end();
    if text.is_empty() {
        return Err(err("a command is missing".into()));
    }
    let (negated, body, body_at) = match text.strip_prefix('!') {
        Some(b) => {
            let t = b.trim_start();
            (true, t, offset + (text.len() - t.len()))
        }
        None => (false, text, offset),
    };
    let mut words = body.split_whitespace();
    let program = words.next().unwrap_or_default().to_string();
    let rest_words: Vec<String> = words.map(str::to_string).collect();
    let args = if rest_words.is_empty() {
        None
    } else if rest_words == ["\"\""] {
        Some(Vec::new())
    } else {
        Some(rest_words)
    };
    let span = Span {
        file,
        start: body_at,
        end: body_at + body.len(),
    };
    let keyword = program == "ALL" || program == "sudoedit" || is_alias_name(&program);
    if !keyword && !program.starts_with('/') {
        return Err(ParseError {
            message: format!(
                "command `{program}` is not a full path (visudo refuses the file, and sudo then refuses every user)"
            ),
            span,
        });
    }
    Ok(Some(Command {
        program,
        args,
        negated,
        span,
    }))
}

/// Parses a command list (`cmd, (root) NOPASSWD: cmd, …`).
fn commands(file: FileId, at: usize, list: &str) -> Result<Vec<Command>, ParseError> {
    let mut runas = String::new();
    let mut out = Vec::new();
    for (off, part) in split_top(list, b',') {
        if let Some(c) = command(file, at + off, part, &mut runas)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// Parses a sudoers file.
pub fn parse(text: &str, file: FileId) -> Result<Sudoers, ParseError> {
    let mut out = Sudoers::default();
    for line in logical_lines(text) {
        let body = strip_comment(&line.text);
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with("@include") {
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let at = line.start + indent;
        let first = trimmed.split_whitespace().next().unwrap_or_default();
        let span = Span {
            file,
            start: at,
            end: at + trimmed.len(),
        };
        if first.starts_with("Defaults") {
            continue;
        }
        if matches!(first, "User_Alias" | "Runas_Alias" | "Host_Alias") {
            continue;
        }
        if first == "Cmnd_Alias" || first == "Cmd_Alias" {
            let rest = &trimmed[first.len()..];
            for (off, def) in split_top(rest, b':') {
                let Some((name, list)) = def.split_once('=') else {
                    return Err(ParseError {
                        message: format!("`{first}` without `NAME = commands`"),
                        span,
                    });
                };
                let list_at = at + first.len() + off + name.len() + 1;
                out.aliases
                    .push((name.trim().to_string(), commands(file, list_at, list)?));
            }
            continue;
        }
        // A user specification: WHO HOSTS = commands [: HOSTS = commands]…
        let Some(eq) = trimmed.find('=') else {
            return Err(ParseError {
                message: "not a rule, an alias, a Defaults line or an include (no `=`)".into(),
                span,
            });
        };
        let head = &trimmed[..eq];
        let mut who_hosts = head.split_whitespace();
        let who = who_hosts.next().unwrap_or_default().to_string();
        if who_hosts.next().is_none() {
            return Err(ParseError {
                message: "a rule names the user and then the hosts before `=`".into(),
                span,
            });
        }
        let rest = &trimmed[eq + 1..];
        let mut grant = Grant {
            who,
            runas: String::new(),
            commands: Vec::new(),
        };
        for (i, (off, part)) in split_top(rest, b':').into_iter().enumerate() {
            // A later `: HOSTS = commands` part; a `:` inside a tag was consumed
            // by split_top only outside words, so tags come back here joined.
            let (list, list_at) = if i == 0 {
                (part, at + eq + 1 + off)
            } else if let Some((_, l)) = part.split_once('=') {
                (l, at + eq + 1 + off + part.len() - l.len())
            } else {
                continue;
            };
            let mut runas = String::new();
            for (coff, c) in split_top(list, b',') {
                if let Some(cmd) = command(file, list_at + coff, c, &mut runas)? {
                    grant.commands.push(cmd);
                }
            }
            grant.runas = runas;
        }
        out.grants.push(grant);
    }
    Ok(out)
}
