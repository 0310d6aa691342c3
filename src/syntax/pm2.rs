//! PM2 ecosystem files, read without executing them: the object literal of
//! `module.exports = { … }` / `export default { … }` (`*.config.js|cjs|mjs`), or a
//! JSON/JSON5 file. Objects, arrays, strings (also template literals without
//! `${}`), numbers, booleans, null, comments and trailing commas are read; any other
//! expression (`process.env.PORT`, a function call, a spread) is kept as a
//! `Dynamic` value with its span, so rules skip it and the linter can say what it
//! could not read. Never panics.

use super::{FileId, Span};

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Node>),
    Object(Vec<(String, Span, Node)>),
    /// An expression svcgen does not evaluate, as written.
    Dynamic(String),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, _, v)| v),
            _ => None,
        }
    }
    pub fn key_span(&self, key: &str) -> Option<Span> {
        match &self.value {
            Value::Object(entries) => entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, s, _)| *s),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(n) => Some(*n),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    pub fn is_dynamic(&self) -> bool {
        matches!(self.value, Value::Dynamic(_))
    }
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

struct P<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    file: FileId,
    depth: usize,
}

impl P<'_> {
    fn span(&self, start: usize) -> Span {
        Span {
            file: self.file,
            start,
            end: self.pos.max(start),
        }
    }
    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            message: message.into(),
            span: Span {
                file: self.file,
                start: self.pos,
                end: (self.pos + 1).min(self.s.len()),
            },
        })
    }
    fn skip(&mut self) {
        self.pos = self.pos.min(self.s.len());
        loop {
            while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.s[self.pos..].starts_with(b"//") {
                while self.pos < self.s.len() && self.s[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if self.s[self.pos..].starts_with(b"/*") {
                match self.text[self.pos + 2..].find("*/") {
                    Some(i) => self.pos += i + 4,
                    None => self.pos = self.s.len(),
                }
            } else {
                return;
            }
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn string(&mut self, quote: u8) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("unterminated string");
            };
            if c == quote {
                self.pos += 1;
                return Ok(out);
            }
            if quote == b'`' && self.s[self.pos..].starts_with(b"${") {
                return self.err("template literal with `${…}`");
            }
            if c == b'\\' {
                let next = self.text.get(self.pos + 1..).and_then(|t| t.chars().next());
                let Some(n) = next else {
                    self.pos = self.s.len();
                    continue;
                };
                self.pos += 1 + n.len_utf8();
                match n {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    '0' if !self.peek().is_some_and(|d| d.is_ascii_digit()) => out.push('\0'),
                    // A line continuation: the escaped line terminator is nothing.
                    '\n' | '\u{2028}' | '\u{2029}' => {}
                    '\r' => {
                        if self.peek() == Some(b'\n') {
                            self.pos += 1;
                        }
                    }
                    'x' => {
                        let c = self.hex(2)?;
                        out.push(c);
                    }
                    'u' => {
                        let c = self.unicode_escape()?;
                        out.push(c);
                    }
                    '1'..='9' | '0' => return self.err("octal escapes are not allowed in modules"),
                    other => out.push(other),
                }
                continue;
            }
            let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            self.pos += ch.len_utf8();
        }
    }

    /// `n` hex digits at the cursor, as one character.
    fn hex(&mut self, n: usize) -> Result<char, ParseError> {
        let digits = self.text.get(self.pos..self.pos + n).unwrap_or("");
        let c = (digits.len() == n && digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(digits, 16).ok())
            .flatten()
            .and_then(char::from_u32);
        match c {
            Some(c) => {
                self.pos += n;
                Ok(c)
            }
            None => self.err("invalid escape: `\\x` or `\\u` needs hex digits of a character"),
        }
    }

    /// After `\u`: `XXXX`, a surrogate pair `XXXX\uXXXX`, or `{X…}`.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        if self.peek() == Some(b'{') {
            let end = self.text[self.pos..].find('}').map(|e| self.pos + e);
            let code = end
                .and_then(|e| u32::from_str_radix(&self.text[self.pos + 1..e], 16).ok())
                .and_then(char::from_u32);
            return match (code, end) {
                (Some(c), Some(e)) => {
                    self.pos = e + 1;
                    Ok(c)
                }
                _ => self.err("invalid `\\u{…}` escape"),
            };
        }
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or("");
        let Ok(high) = u32::from_str_radix(digits, 16) else {
            return self.err("invalid escape: `\\u` needs four hex digits");
        };
        if digits.len() != 4 {
            return self.err("invalid escape: `\\u` needs four hex digits");
        }
        self.pos += 4;
        if (0xd800..0xdc00).contains(&high) && self.s[self.pos..].starts_with(b"\\u") {
            let low = self
                .text
                .get(self.pos + 2..self.pos + 6)
                .and_then(|d| u32::from_str_radix(d, 16).ok());
            if let Some(low) = low.filter(|l| (0xdc00..0xe000).contains(l)) {
                self.pos += 6;
                let c = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
                return char::from_u32(c).map_or_else(|| self.err("invalid surrogate pair"), Ok);
            }
        }
        match char::from_u32(high) {
            Some(c) => Ok(c),
            None => self
                .err("a lone surrogate (`\\uD800`–`\\uDFFF`) is not a character svcgen can read"),
        }
    }

    /// Skips an expression svcgen does not evaluate, up to the next `,` `}` `]` at
    /// its own nesting level.
    fn dynamic(&mut self, start: usize) -> Node {
        let mut depth = 0i32;
        while let Some(c) = self.peek() {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 => break,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => break,
                b'\'' | b'"' | b'`' => {
                    let _ = self.string(c);
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        let text = self.text[start..self.pos].trim().to_string();
        Node {
            value: Value::Dynamic(text),
            span: Span {
                file: self.file,
                start,
                end: self.pos,
            },
        }
    }

    fn value(&mut self) -> Result<Node, ParseError> {
        self.depth += 1;
        if self.depth > 128 {
            return self.err("nested too deeply");
        }
        self.skip();
        let start = self.pos;
        let node = match self.peek() {
            None => return self.err("unexpected end of file"),
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip();
                    match self.peek() {
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        None => return self.err("unterminated object: missing `}`"),
                        _ => {}
                    }
                    let key_start = self.pos;
                    if self.s[self.pos..].starts_with(b"...") {
                        let d = self.dynamic(key_start);
                        entries.push(("...".to_string(), d.span, d));
                    } else {
                        let key = match self.peek() {
                            Some(q @ (b'"' | b'\'')) => self.string(q)?,
                            Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' => {
                                while self.peek().is_some_and(|c| {
                                    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
                                }) {
                                    self.pos += 1;
                                }
                                self.text[key_start..self.pos].to_string()
                            }
                            _ => return self.err("expected a property name"),
                        };
                        let key_span = self.span(key_start);
                        self.skip();
                        if self.peek() != Some(b':') {
                            // A method or shorthand property: not a literal.
                            let d = self.dynamic(key_start);
                            entries.push((key, key_span, d));
                        } else {
                            self.pos += 1;
                            let v = self.value()?;
                            entries.push((key, key_span, v));
                        }
                    }
                    self.skip();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {}
                        _ => return self.err("expected `,` or `}`"),
                    }
                }
                Node {
                    value: Value::Object(entries),
                    span: self.span(start),
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip();
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        None => return self.err("unterminated array: missing `]`"),
                        _ => {}
                    }
                    items.push(self.value()?);
                    self.skip();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {}
                        _ => return self.err("expected `,` or `]`"),
                    }
                }
                Node {
                    value: Value::Array(items),
                    span: self.span(start),
                }
            }
            Some(q @ (b'"' | b'\'' | b'`')) => match self.string(q) {
                Ok(s) => Node {
                    value: Value::Str(s),
                    span: self.span(start),
                },
                Err(_) if q == b'`' => {
                    self.pos = start;
                    self.dynamic(start)
                }
                Err(e) => return Err(e),
            },
            Some(c) if c == b'-' || c.is_ascii_digit() || c == b'.' => {
                while self.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_')
                }) {
                    self.pos += 1;
                }
                let t = self.text[start..self.pos].replace('_', "");
                match t.parse::<f64>() {
                    Ok(n) => Node {
                        value: Value::Number(n),
                        span: self.span(start),
                    },
                    Err(_) => {
                        self.pos = start;
                        self.dynamic(start)
                    }
                }
            }
            Some(_) => {
                let word_end = self.s[self.pos..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$'))
                    .map_or(self.s.len(), |p| self.pos + p);
                let word = &self.text[self.pos..word_end];
                let after = self.s.get(word_end).copied();
                let simple = !matches!(after, Some(b'.' | b'(' | b'[' | b'?' | b'|' | b'&' | b'+'));
                match word {
                    "true" | "false" | "null" if simple => {
                        self.pos = word_end;
                        let v = match word {
                            "true" => Value::Bool(true),
                            "false" => Value::Bool(false),
                            _ => Value::Null,
                        };
                        Node {
                            value: v,
                            span: self.span(start),
                        }
                    }
                    _ => self.dynamic(start),
                }
            }
        };
        self.depth -= 1;
        Ok(node)
    }
}

/// The first `module.exports` or `export default` in code: not in a comment, a
/// string or a template literal, and not part of a longer name.
fn find_export(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => {
                for m in ["module.exports", "export default"] {
                    if b[i..].starts_with(m.as_bytes())
                        && (i == 0 || !ident(b[i - 1]) && b[i - 1] != b'.')
                        && !b.get(i + m.len()).is_some_and(|&c| ident(c))
                    {
                        return Some((i, m.len()));
                    }
                }
                i += 1;
            }
        }
    }
    None
}

/// Parses an ecosystem file: `.json`/`.json5` as a literal, JavaScript by its
/// exported object literal.
pub fn parse(text: &str, file: FileId, is_json: bool) -> Result<Node, ParseError> {
    let mut p = P {
        s: text.as_bytes(),
        text,
        pos: 0,
        file,
        depth: 0,
    };
    if !is_json {
        let found = find_export(text);
        let Some((at, len)) = found else {
            return Err(ParseError {
                message: "no `module.exports = { … }` or `export default { … }`: svcgen reads the exported object literal".into(),
                span: Span { file, start: 0, end: 0 },
            });
        };
        p.pos = at + len;
        p.skip();
        if p.peek() == Some(b'=') {
            p.pos += 1;
        }
        p.skip();
        if p.peek() != Some(b'{') {
            let start = p.pos;
            let d = p.dynamic(start);
            return Err(ParseError {
                message: format!(
                    "the export is `{}`, not an object literal: svcgen reads `module.exports = {{ apps: [ … ] }}` as written, without running it",
                    match &d.value {
                        Value::Dynamic(t) => t.as_str(),
                        _ => "",
                    }
                ),
                span: d.span,
            });
        }
    }
    p.value()
}

/// Parses a YAML ecosystem file (`ecosystem.config.yml`), keeping each value's span.
pub fn parse_yaml(text: &str, file: FileId) -> Result<Node, ParseError> {
    use crate::description::yaml;
    let (value, positions) = yaml::parse(text).map_err(|e| ParseError {
        message: format!("invalid YAML: {}", e.message),
        span: e.pos.map_or(
            Span {
                file,
                start: 0,
                end: 0,
            },
            |p| Span {
                file,
                start: p.offset,
                end: p.offset + p.len,
            },
        ),
    })?;
    fn convert(
        v: &serde_json::Value,
        pointer: &str,
        positions: &yaml::PositionIndex,
        file: FileId,
    ) -> Node {
        let place = positions.nearest(pointer);
        let span = Span {
            file,
            start: place.value.offset,
            end: place.value.offset + place.value.len,
        };
        let value = match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| convert(item, &format!("{pointer}/{i}"), positions, file))
                    .collect(),
            ),
            serde_json::Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, item)| {
                        let child = format!("{pointer}/{}", yaml::escape_pointer_segment(k));
                        let key = positions
                            .get(&child)
                            .and_then(|p| p.key)
                            .unwrap_or_default();
                        let key_span = Span {
                            file,
                            start: key.offset,
                            end: key.offset + key.len,
                        };
                        (k.clone(), key_span, convert(item, &child, positions, file))
                    })
                    .collect(),
            ),
        };
        Node { value, span }
    }
    Ok(convert(&value, "", &positions, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_literals_comments_trailing_commas_and_marks_dynamic_values() {
        let t = "// comment\n'use strict';\nmodule.exports = {\n  apps: [{\n    name: 'api', /* inline */ instances: 4,\n    \"kill_timeout\": 15_000,\n    env: { PORT: process.env.PORT || 3000, DEBUG: false, },\n    script: `dist/server.js`,\n  },],\n};\n";
        let root = parse(t, FileId(0), false).unwrap();
        let app = match &root.get("apps").unwrap().value {
            Value::Array(a) => &a[0],
            _ => panic!(),
        };
        assert_eq!(app.get("name").unwrap().as_str(), Some("api"));
        assert_eq!(app.get("kill_timeout").unwrap().as_f64(), Some(15000.0));
        assert!(app.get("env").unwrap().get("PORT").unwrap().is_dynamic());
        assert_eq!(app.get("script").unwrap().as_str(), Some("dist/server.js"));
        let span = app.key_span("instances").unwrap();
        assert_eq!(&t[span.start..span.end], "instances");
    }

    #[test]
    fn string_escapes_read_as_javascript_reads_them() {
        let t = r#"module.exports = { apps: [{ name: "a\u2028b\x41\u{1F600}\uD83D\uDE00\
c\'\v" }] };"#;
        let root = parse(t, FileId(0), false).unwrap();
        let Value::Array(apps) = &root.get("apps").unwrap().value else {
            panic!()
        };
        assert_eq!(
            apps[0].get("name").unwrap().as_str(),
            Some("a\u{2028}bA\u{1F600}\u{1F600}c'\u{b}")
        );
        for bad in [r#"'\uD800'"#, r#"'\x4'"#, r#"'\u12'"#, r#"'\07'"#] {
            let t = format!("module.exports = {{ apps: [{{ name: {bad} }}] }};");
            assert!(parse(&t, FileId(0), false).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        assert!(
            parse(
                "const c = require('./x');\nmodule.exports = c;\n",
                FileId(0),
                false
            )
            .is_err()
        );
        assert!(parse("module.exports = { apps: [ { name: 'a' ", FileId(0), false).is_err());
        assert!(parse("{\"apps\": [1, 2,]}", FileId(0), true).is_ok());
        assert!(parse("", FileId(0), true).is_err());
    }
}
