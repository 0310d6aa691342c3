//! systemd unit files: sections, assignments in order (an empty assignment resets a
//! list), `\` line continuation, `#`/`;` comments, drop-ins merged in order. Values
//! are kept as written (specifiers and executable prefixes included), each with
//! its span. Never panics; a line that is not a section, an assignment or a
//! comment is a `ParseError`.

use super::{FileId, Span};

/// One `Key=Value` line (continuations joined).
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub key_span: Span,
    pub value_span: Span,
    /// Comment lines directly above (without the marker), for suppressions.
    pub comments: Vec<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub span: Span,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Default)]
pub struct Unit {
    /// Sections in file order; drop-ins add sections after the unit's own.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

impl Unit {
    /// Every assignment of `key` in `section`, in order, after the last empty
    /// assignment (which resets a list).
    pub fn all(&self, section: &str, key: &str) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = Vec::new();
        for s in self.sections.iter().filter(|s| s.name == section) {
            for e in s.entries.iter().filter(|e| e.key == key) {
                if e.value.is_empty() {
                    out.clear();
                } else {
                    out.push(e);
                }
            }
        }
        out
    }

    /// The effective (last) assignment of a single-valued key, unless reset.
    pub fn get(&self, section: &str, key: &str) -> Option<&Entry> {
        self.sections
            .iter()
            .filter(|s| s.name == section)
            .flat_map(|s| s.entries.iter())
            .rfind(|e| e.key == key)
            .filter(|e| !e.value.is_empty())
    }

    pub fn value(&self, section: &str, key: &str) -> Option<&str> {
        self.get(section, key).map(|e| e.value.as_str())
    }

    pub fn has_section(&self, name: &str) -> bool {
        self.sections.iter().any(|s| s.name == name)
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Appends a drop-in's sections (drop-ins are applied in file-name order).
    pub fn merge(&mut self, dropin: Unit) {
        self.sections.extend(dropin.sections);
    }
}

/// systemd's boolean words.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

/// A systemd time span (`90`, `1min 30s`, `500ms`, `infinity`) in milliseconds.
pub fn parse_timespan(v: &str) -> Option<u64> {
    let v = v.trim();
    if v == "infinity" {
        return Some(u64::MAX);
    }
    let mut total: u64 = 0;
    let mut rest = v;
    let mut any = false;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if digits == 0 {
            return None;
        }
        let number: f64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms = match unit {
            "" | "s" | "sec" | "second" | "seconds" => 1000.0,
            "ms" | "msec" => 1.0,
            "us" | "usec" | "µs" => 0.001,
            "m" | "min" | "minute" | "minutes" => 60_000.0,
            "h" | "hr" | "hour" | "hours" => 3_600_000.0,
            "d" | "day" | "days" => 86_400_000.0,
            "w" | "week" | "weeks" => 604_800_000.0,
            _ => return None,
        };
        total = total.saturating_add((number * ms) as u64);
        any = true;
    }
    any.then_some(total)
}

/// What systemd trims around keys and values: ASCII white space only (`WHITESPACE`
/// in its sources), never U+2028 or other Unicode spaces.
const WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// Parses one unit file's text.
pub fn parse(text: &str, file: FileId) -> Result<Unit, ParseError> {
    let mut unit = Unit::default();
    let mut comments: Vec<(String, Span)> = Vec::new();
    let mut offset = 0usize;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let start = offset;
        offset += raw.len();
        i += 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_matches(WS);
        let lead = line.len() - line.trim_start_matches(WS).len();
        if trimmed.is_empty() {
            comments.clear();
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            let span = Span {
                file,
                start: start + lead,
                end: start + line.len(),
            };
            comments.push((trimmed[1..].to_string(), span));
            continue;
        }
        if trimmed.starts_with('[') {
            if !trimmed.ends_with(']') || trimmed.len() < 3 {
                return Err(ParseError {
                    message: format!("invalid section header `{trimmed}`"),
                    span: Span {
                        file,
                        start: start + lead,
                        end: start + line.len(),
                    },
                });
            }
            unit.sections.push(Section {
                name: trimmed[1..trimmed.len() - 1].to_string(),
                span: Span {
                    file,
                    start: start + lead,
                    end: start + line.len(),
                },
                entries: Vec::new(),
            });
            comments.clear();
            continue;
        }
        let Some(eq) = line.find('=') else {
            return Err(ParseError {
                message: format!("`{trimmed}` is not `Key=value`, a `[Section]` or a comment"),
                span: Span {
                    file,
                    start: start + lead,
                    end: start + line.len(),
                },
            });
        };
        let key = line[..eq].trim_matches(WS);
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            return Err(ParseError {
                message: format!("`{key}` is not a valid key name"),
                span: Span {
                    file,
                    start: start + lead,
                    end: start + eq,
                },
            });
        }
        let key_span = Span {
            file,
            start: start + lead,
            end: start + lead + key.len(),
        };
        let value_lead = line[eq + 1..].len() - line[eq + 1..].trim_start_matches(WS).len();
        let value_start = start + eq + 1 + value_lead;
        let mut value = line[eq + 1..].trim_matches(WS).to_string();
        let mut value_end = start + line.len();
        // `\` at the end of a line continues the value on the next line; comment
        // lines inside a continuation are skipped.
        while value.ends_with('\\') {
            value.pop();
            let mut joined = false;
            while i < lines.len() {
                let next_raw = lines[i];
                let next_start = offset;
                offset += next_raw.len();
                i += 1;
                let next = next_raw.trim_end_matches(['\n', '\r']);
                let t = next.trim_matches(WS);
                if t.starts_with('#') || t.starts_with(';') {
                    continue;
                }
                value.push(' ');
                value.push_str(t);
                value_end = next_start + next.len();
                joined = true;
                break;
            }
            if !joined {
                break;
            }
        }
        let Some(section) = unit.sections.last_mut() else {
            return Err(ParseError {
                message: format!("`{key}=` before any `[Section]`"),
                span: key_span,
            });
        };
        section.entries.push(Entry {
            key: key.to_string(),
            value: value.trim_matches(WS).to_string(),
            key_span,
            value_span: Span {
                file,
                start: value_start.min(value_end),
                end: value_end,
            },
            comments: std::mem::take(&mut comments),
        });
    }
    Ok(unit)
}

/// The command of an `Exec*=` value without its prefixes (`-@:+!`): the program
/// and its arguments, split as systemd splits them (see [`words`]).
pub fn exec_words(value: &str) -> Vec<String> {
    words(value.trim_start_matches(['-', '@', ':', '+', '!', '|']))
}

/// Words as systemd's `extract_first_word()` reads them with unquoting and C
/// escapes (`Exec*=`, `Environment=`, path lists): white space separates words
/// outside quotes, `"…"` and `'…'` quote, and a backslash escape (`\"`, `\\`,
/// `\n`, `\t`, `\xNN`, `\NNN` octal, `\uNNNN` …) stands for its character inside
/// quotes and out. An unknown escape is kept as written.
pub fn words(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut it = value.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                in_word = true;
                match it.next() {
                    None => cur.push('\\'),
                    Some(e) => unescape(e, &mut it, &mut cur),
                }
            }
            '"' | '\'' if quote.is_none() => {
                quote = Some(c);
                in_word = true;
            }
            c if Some(c) == quote => quote = None,
            c if quote.is_none() && c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// One C escape after its backslash, as systemd's `cunescape_one()` reads it.
fn unescape(e: char, it: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        's' => Some(' '),
        '\\' | '"' | '\'' => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        out.push(c);
        return;
    }
    let (digits, radix) = match e {
        'x' => (2, 16),
        'u' => (4, 16),
        'U' => (8, 16),
        '0'..='7' => (2, 8),
        _ => (0, 0),
    };
    if radix != 0 {
        let mut s = String::new();
        if radix == 8 {
            s.push(e);
        }
        for _ in 0..digits {
            match it.peek() {
                Some(d) if d.is_digit(radix) => {
                    s.push(*d);
                    it.next();
                }
                _ => break,
            }
        }
        let want = if radix == 8 { 3 } else { digits };
        if s.len() == want
            && let Some(c) = u32::from_str_radix(&s, radix).ok().and_then(char::from_u32)
        {
            out.push(c);
            return;
        }
        out.push('\\');
        if radix != 8 {
            out.push(e);
        }
        out.push_str(&s);
        return;
    }
    out.push('\\');
    out.push(e);
}

/// The directories a unit can write under `ProtectSystem=strict`: `ReadWritePaths=`
/// and the directories systemd creates for `StateDirectory=`, `LogsDirectory=`,
/// `CacheDirectory=` and `RuntimeDirectory=`.
pub fn writable_dirs(unit: &Unit) -> Vec<String> {
    let mut writable: Vec<String> = Vec::new();
    for e in unit.all("Service", "ReadWritePaths") {
        writable.extend(exec_words(&e.value).into_iter().map(|w| {
            w.trim_start_matches(['-', '+'])
                .trim_end_matches('/')
                .to_string()
        }));
    }
    for (key, root) in [
        ("StateDirectory", "/var/lib"),
        ("LogsDirectory", "/var/log"),
        ("CacheDirectory", "/var/cache"),
        ("RuntimeDirectory", "/run"),
    ] {
        for e in unit.all("Service", key) {
            writable.extend(
                exec_words(&e.value)
                    .into_iter()
                    .map(|w| format!("{root}/{}", w.split(':').next().unwrap_or(""))),
            );
        }
    }
    writable
}

/// True when `path` is `dir` or below it.
pub fn within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir || path.starts_with(&format!("{dir}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_continuations_resets_and_comments() {
        let t = "[Unit]\nDescription=App\n\n[Service]\n# run it\nExecStart=/usr/bin/node \\\n  # a comment\n  /srv/app.js\nReadWritePaths=/a\nReadWritePaths=\nReadWritePaths=/b\n; legacy\nUser=app\n";
        let u = parse(t, FileId(0)).unwrap();
        assert_eq!(
            u.value("Service", "ExecStart"),
            Some("/usr/bin/node  /srv/app.js")
        );
        let e = u.get("Service", "ExecStart").unwrap();
        assert_eq!(e.comments[0].0, " run it");
        assert_eq!(&t[e.key_span.start..e.key_span.end], "ExecStart");
        let rw: Vec<&str> = u
            .all("Service", "ReadWritePaths")
            .iter()
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(rw, ["/b"]);
        assert_eq!(u.value("Service", "User"), Some("app"));
        assert_eq!(
            exec_words("-/usr/bin/node --a \"b c\""),
            ["/usr/bin/node", "--a", "b c"]
        );
    }

    #[test]
    fn errors_have_spans() {
        assert!(parse("Key=1\n", FileId(0)).is_err());
        assert!(parse("[Service\n", FileId(0)).is_err());
        let e = parse("[Service]\nnot an assignment\n", FileId(0)).unwrap_err();
        assert_eq!((e.span.start, e.span.end), (10, 27));
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("90"), Some(90_000));
        assert_eq!(parse_timespan("1min 30s"), Some(90_000));
        assert_eq!(parse_timespan("500ms"), Some(500));
        assert_eq!(parse_timespan("2h"), Some(7_200_000));
        assert_eq!(parse_timespan("soon"), None);
    }
}
