//! nginx configuration: a tokenizer and parser that keep the file and byte span of
//! every directive and argument, and resolve `include` (with globs) relative to the
//! main file, or from the sections of `nginx -T` output.
//!
//! Never panics on any input; a syntax error is a `ParseError` with a span.

use std::path::{Path, PathBuf};

use super::{FileId, SourceSet, Span};

/// One argument of a directive, unquoted, with its span.
#[derive(Debug, Clone)]
pub struct Arg {
    pub value: String,
    pub span: Span,
    pub quoted: bool,
}

/// One directive: `name args… ;` or `name args… { block }`.
#[derive(Debug, Clone)]
pub struct Directive {
    pub name: String,
    pub args: Vec<Arg>,
    /// `Some` for block directives (`server { … }`); `*_by_lua_block` bodies are kept
    /// raw in `raw_block` instead.
    pub block: Option<Vec<Directive>>,
    pub raw_block: Option<String>,
    /// From the start of the name to the `;` or the closing `}`.
    pub span: Span,
    pub name_span: Span,
    /// Comment lines directly above the directive (without `#`), for markers and
    /// suppressions.
    pub comments: Vec<(String, Span)>,
}

impl Directive {
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|a| a.value.as_str())
    }
    pub fn children(&self) -> &[Directive] {
        self.block.as_deref().unwrap_or(&[])
    }
}

/// A syntax error (or an unreadable include) at a span.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String, bool),
    Semi,
    Open,
    Close,
    Comment(String),
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    file: FileId,
}

impl<'a> Lexer<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            file: self.file,
            start,
            end,
        }
    }

    fn err(&self, message: impl Into<String>, start: usize, end: usize) -> ParseError {
        ParseError {
            message: message.into(),
            span: self.span(start, end.max(start)),
        }
    }

    fn next(&mut self) -> Result<Option<(Tok, Span)>, ParseError> {
        let s = self.src;
        while self.pos < s.len() && s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        if self.pos >= s.len() {
            return Ok(None);
        }
        let start = self.pos;
        let c = s[self.pos];
        match c {
            b';' => {
                self.pos += 1;
                Ok(Some((Tok::Semi, self.span(start, self.pos))))
            }
            b'{' => {
                self.pos += 1;
                Ok(Some((Tok::Open, self.span(start, self.pos))))
            }
            b'}' => {
                self.pos += 1;
                Ok(Some((Tok::Close, self.span(start, self.pos))))
            }
            b'#' => {
                while self.pos < s.len() && s[self.pos] != b'\n' {
                    self.pos += 1;
                }
                let text = self.text.get(start + 1..self.pos).unwrap_or("").to_string();
                Ok(Some((Tok::Comment(text), self.span(start, self.pos))))
            }
            b'"' | b'\'' => {
                let quote = c;
                self.pos += 1;
                let body_start = self.pos;
                // Fast path: no escapes, the value is a slice of the text.
                while self.pos < s.len() && s[self.pos] != quote && s[self.pos] != b'\\' {
                    self.pos += 1;
                }
                if self.pos < s.len() && s[self.pos] == quote {
                    let value = self
                        .text
                        .get(body_start..self.pos)
                        .unwrap_or("")
                        .to_string();
                    self.pos += 1;
                    return Ok(Some((Tok::Word(value, true), self.span(start, self.pos))));
                }
                let mut value = s[body_start..self.pos].to_vec();
                loop {
                    if self.pos >= s.len() {
                        return Err(self.err("unterminated quoted string", start, self.pos));
                    }
                    let b = s[self.pos];
                    if b == b'\\' && self.pos + 1 < s.len() {
                        let n = s[self.pos + 1];
                        match n {
                            b'"' | b'\'' | b'\\' => value.push(n),
                            b'n' => value.push(b'\n'),
                            b't' => value.push(b'\t'),
                            b'r' => value.push(b'\r'),
                            _ => {
                                value.push(b'\\');
                                value.push(n);
                            }
                        }
                        self.pos += 2;
                        continue;
                    }
                    self.pos += 1;
                    if b == quote {
                        break;
                    }
                    value.push(b);
                }
                let value = String::from_utf8_lossy(&value).into_owned();
                Ok(Some((Tok::Word(value, true), self.span(start, self.pos))))
            }
            _ => {
                let mut escaped = false;
                while self.pos < s.len() {
                    let b = s[self.pos];
                    if b.is_ascii_whitespace() || b == b';' || b == b'{' || b == b'}' {
                        break;
                    }
                    if b == b'\\' && self.pos + 1 < s.len() {
                        escaped = true;
                        self.pos += 2;
                        continue;
                    }
                    // `${name}` keeps its braces inside the word.
                    if b == b'$' && self.pos + 1 < s.len() && s[self.pos + 1] == b'{' {
                        match s[self.pos..].iter().position(|&x| x == b'}') {
                            Some(p) => {
                                self.pos += p + 1;
                                continue;
                            }
                            None => {
                                return Err(self.err(
                                    "unterminated `${` variable",
                                    self.pos,
                                    s.len(),
                                ));
                            }
                        }
                    }
                    self.pos += 1;
                }
                let raw = &s[start..self.pos.min(s.len())];
                let value = if escaped {
                    let mut v = Vec::with_capacity(raw.len());
                    let mut i = 0;
                    while i < raw.len() {
                        if raw[i] == b'\\' && i + 1 < raw.len() {
                            v.push(raw[i + 1]);
                            i += 2;
                        } else {
                            v.push(raw[i]);
                            i += 1;
                        }
                    }
                    String::from_utf8_lossy(&v).into_owned()
                } else {
                    String::from_utf8_lossy(raw).into_owned()
                };
                Ok(Some((Tok::Word(value, false), self.span(start, self.pos))))
            }
        }
    }

    /// After `*_by_lua_block {`: the raw body up to the matching `}`.
    fn raw_block(&mut self, open: usize) -> Result<(String, usize), ParseError> {
        let s = self.src;
        let body_start = self.pos;
        let mut depth = 1usize;
        while self.pos < s.len() {
            match s[self.pos] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        let body = self
                            .text
                            .get(body_start..self.pos)
                            .unwrap_or("")
                            .to_string();
                        self.pos += 1;
                        return Ok((body, self.pos));
                    }
                }
                q @ (b'"' | b'\'') => {
                    self.pos += 1;
                    while self.pos < s.len() && s[self.pos] != q {
                        if s[self.pos] == b'\\' {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    }
                }
                b'-' if s.get(self.pos + 1) == Some(&b'-') => {
                    while self.pos < s.len() && s[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.err("unterminated Lua block: no matching `}`", open, s.len()))
    }
}

/// Parses one file's text into directives (includes are not resolved here).
pub fn parse_text(text: &str, file: FileId) -> Result<Vec<Directive>, ParseError> {
    let mut lx = Lexer {
        src: text.as_bytes(),
        text,
        pos: 0,
        file,
    };
    // A stack of open blocks: (directive being built, children so far).
    let mut stack: Vec<(Option<Directive>, Vec<Directive>)> = vec![(None, Vec::new())];
    let mut pending: Option<Directive> = None;
    let mut comments: Vec<(String, Span)> = Vec::new();
    while let Some((tok, span)) = lx.next()? {
        match tok {
            Tok::Comment(text) => {
                if pending.is_none() {
                    comments.push((text, span));
                }
            }
            Tok::Word(value, quoted) => match &mut pending {
                None => {
                    pending = Some(Directive {
                        name: value,
                        args: Vec::new(),
                        block: None,
                        raw_block: None,
                        span,
                        name_span: span,
                        comments: std::mem::take(&mut comments),
                    });
                }
                Some(d) => d.args.push(Arg {
                    value,
                    span,
                    quoted,
                }),
            },
            Tok::Semi => {
                let Some(mut d) = pending.take() else {
                    return Err(lx.err("unexpected `;`", span.start, span.end));
                };
                d.span.end = span.end;
                stack.last_mut().expect("root block").1.push(d);
            }
            Tok::Open => {
                let Some(mut d) = pending.take() else {
                    return Err(lx.err(
                        "unexpected `{` without a directive name",
                        span.start,
                        span.end,
                    ));
                };
                if d.name.ends_with("_by_lua_block") {
                    let (body, end) = lx.raw_block(span.start)?;
                    d.raw_block = Some(body);
                    d.span.end = end;
                    stack.last_mut().expect("root block").1.push(d);
                } else {
                    stack.push((Some(d), Vec::new()));
                }
            }
            Tok::Close => {
                if let Some(d) = &pending {
                    return Err(lx.err(
                        format!("directive `{}` has no terminating `;`", d.name),
                        d.span.start,
                        span.start,
                    ));
                }
                if stack.len() == 1 {
                    return Err(lx.err("unexpected `}`", span.start, span.end));
                }
                let (d, children) = stack.pop().expect("checked above");
                let mut d = d.expect("only the root has no directive");
                d.block = Some(children);
                d.span.end = span.end;
                comments.clear();
                stack.last_mut().expect("root block").1.push(d);
            }
        }
    }
    if let Some(d) = pending {
        return Err(lx.err(
            format!("directive `{}` has no terminating `;`", d.name),
            d.span.start,
            text.len(),
        ));
    }
    if stack.len() > 1 {
        let (d, _) = stack.pop().expect("checked above");
        let d = d.expect("only the root has no directive");
        return Err(lx.err(
            format!("block `{}` is never closed: missing `}}`", d.name),
            d.name_span.start,
            d.name_span.end,
        ));
    }
    Ok(stack.pop().map(|(_, c)| c).unwrap_or_default())
}

/// What a parsed nginx file is, by its top level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A whole `nginx.conf` (main context: `http {}` inside).
    Main,
    /// A `conf.d`/`sites-available` file that lives inside `http {}`; its directives
    /// are wrapped in one synthetic `http` block.
    Http,
    /// A bare fragment that lives inside a `server {}`.
    Server,
}

/// A parsed configuration with includes spliced in.
#[derive(Debug, Clone)]
pub struct Config {
    pub level: Level,
    pub directives: Vec<Directive>,
    /// Includes that could not be read, or files that did not parse, as errors.
    pub errors: Vec<ParseError>,
}

/// Where include files come from.
pub enum IncludeSource<'a> {
    /// The file system, relative paths against this directory.
    Disk(PathBuf),
    /// The sections of `nginx -T` output, by absolute path.
    Dump(&'a [(String, FileId)]),
    /// Nowhere: includes are left as they are.
    None,
}

/// Splits `nginx -T` output into `(path, text)` sections.
pub fn split_dump(text: &str) -> Option<Vec<(String, String)>> {
    const MARK: &str = "# configuration file ";
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(MARK) {
            let path = rest.trim_end().trim_end_matches(':').to_string();
            out.push((path, String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

fn detect_level(directives: &[Directive]) -> Level {
    let names: Vec<&str> = directives.iter().map(|d| d.name.as_str()).collect();
    if names
        .iter()
        .any(|n| matches!(*n, "http" | "events" | "stream" | "worker_processes"))
    {
        Level::Main
    } else if names.iter().any(|n| {
        matches!(
            *n,
            "server" | "upstream" | "map" | "log_format" | "geo" | "split_clients"
        )
    }) {
        Level::Http
    } else {
        Level::Server
    }
}

/// Parses a file and everything it includes. `sources` receives every file read.
pub fn load(
    sources: &mut SourceSet,
    file: FileId,
    includes: IncludeSource<'_>,
) -> Result<Config, ParseError> {
    let text = sources.text(file).to_string();
    let directives = parse_text(&text, file)?;
    let level = detect_level(&directives);
    let mut errors = Vec::new();
    let mut depth = 0;
    let mut directives = splice(sources, directives, &includes, &mut errors, &mut depth);
    if level == Level::Http {
        // A conf.d file lives inside `http {}`: give it that block, so its top-level
        // directives are inherited like the http block's.
        let whole = Span {
            file,
            start: 0,
            end: text.len(),
        };
        directives = vec![Directive {
            name: "http".into(),
            args: Vec::new(),
            block: Some(directives),
            raw_block: None,
            span: whole,
            name_span: Span {
                file,
                start: 0,
                end: 0,
            },
            comments: Vec::new(),
        }];
    }
    Ok(Config {
        level,
        directives,
        errors,
    })
}

fn glob_match(pattern: &str, name: &str) -> bool {
    fn rec(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => rec(&p[1..], n) || (!n.is_empty() && rec(p, &n[1..])),
            (Some(b'?'), Some(_)) => rec(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => rec(&p[1..], &n[1..]),
            _ => false,
        }
    }
    rec(pattern.as_bytes(), name.as_bytes())
}

fn expand_include(pattern: &Path) -> Vec<PathBuf> {
    let name = pattern
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !name.contains(['*', '?']) {
        return vec![pattern.to_path_buf()];
    }
    let dir = pattern.parent().unwrap_or(Path::new("."));
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| glob_match(&name, &e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn has_include(ds: &[Directive]) -> bool {
    ds.iter()
        .any(|d| d.name == "include" || has_include(d.children()))
}

fn splice(
    sources: &mut SourceSet,
    directives: Vec<Directive>,
    includes: &IncludeSource<'_>,
    errors: &mut Vec<ParseError>,
    depth: &mut usize,
) -> Vec<Directive> {
    if matches!(includes, IncludeSource::None) || !has_include(&directives) {
        return directives;
    }
    let mut out = Vec::with_capacity(directives.len());
    for mut d in directives {
        if let Some(children) = d.block.take() {
            d.block = Some(splice(sources, children, includes, errors, depth));
        }
        if d.name != "include" || matches!(includes, IncludeSource::None) {
            out.push(d);
            continue;
        }
        let Some(pattern) = d.args.first().map(|a| a.value.clone()) else {
            out.push(d);
            continue;
        };
        if *depth > 16 {
            errors.push(ParseError {
                message: format!(
                    "include `{pattern}`: includes nested more than 16 deep (a loop?)"
                ),
                span: d.span,
            });
            continue;
        }
        let files: Vec<FileId> = match includes {
            IncludeSource::Disk(base) => {
                let p = Path::new(&pattern);
                let p = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    base.join(p)
                };
                let mut ids = Vec::new();
                let expanded = expand_include(&p);
                for path in &expanded {
                    match std::fs::read_to_string(path) {
                        Ok(text) => ids.push(sources.add(path.display().to_string(), text)),
                        Err(e) => errors.push(ParseError {
                            message: format!("include `{}` cannot be read: {e}", path.display()),
                            span: d.args[0].span,
                        }),
                    }
                }
                if expanded.is_empty() && !pattern.contains(['*', '?']) {
                    errors.push(ParseError {
                        message: format!("include `{pattern}` not found"),
                        span: d.args[0].span,
                    });
                }
                ids
            }
            IncludeSource::Dump(files) => {
                let ids: Vec<FileId> = files
                    .iter()
                    .filter(|(path, _)| {
                        glob_match(&pattern, path)
                            || path.ends_with(&format!("/{}", pattern.trim_start_matches("./")))
                    })
                    .map(|(_, id)| *id)
                    .collect();
                if ids.is_empty() && !pattern.contains(['*', '?']) {
                    errors.push(ParseError {
                        message: format!("include `{pattern}` is not in the `nginx -T` output"),
                        span: d.args[0].span,
                    });
                }
                ids
            }
            IncludeSource::None => unreachable!("handled above"),
        };
        for id in files {
            let text = sources.text(id).to_string();
            match parse_text(&text, id) {
                Ok(children) => {
                    *depth += 1;
                    out.extend(splice(sources, children, includes, errors, depth));
                    *depth -= 1;
                }
                Err(e) => errors.push(e),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Directive>, ParseError> {
        parse_text(text, FileId(0))
    }

    #[test]
    fn parses_blocks_quotes_comments_and_variables() {
        let t = "# top\nhttp {\n  map $http_upgrade $c { default upgrade; '' close; }\n  server { listen 443 ssl; add_header X-A \"a \\\"b\\\" ${c}\" always; location / { if ($request_method = POST) { return 405; } } }\n}\n";
        let ds = parse(t).unwrap();
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].comments[0].0, " top");
        let http = ds[0].children();
        assert_eq!(http[0].name, "map");
        assert_eq!(http[0].children()[1].name, "");
        let server = &http[1];
        let h = &server.children()[1];
        assert_eq!(h.arg(1), Some("a \"b\" ${c}"));
        assert!(h.args[1].quoted);
        assert_eq!(
            &t[h.span.start..h.span.end],
            "add_header X-A \"a \\\"b\\\" ${c}\" always;"
        );
        let iff = &server.children()[2].children()[0];
        assert_eq!(iff.name, "if");
        assert_eq!(iff.arg(0), Some("($request_method"));
    }

    #[test]
    fn lua_blocks_stay_raw() {
        let ds = parse("location / { content_by_lua_block { ngx.say(\"}\") -- }\n } }").unwrap();
        let lua = &ds[0].children()[0];
        assert!(lua.raw_block.as_ref().unwrap().contains("ngx.say"));
    }

    #[test]
    fn syntax_errors_have_spans() {
        let e = parse("server { listen 80 }").unwrap_err();
        assert!(e.message.contains("no terminating `;`"), "{}", e.message);
        let e = parse("server { listen 80;").unwrap_err();
        assert!(e.message.contains("never closed"));
        assert_eq!((e.span.start, e.span.end), (0, 6));
        assert!(parse("}").is_err());
        assert!(parse("a \"b").is_err());
        assert!(parse("listen 80").is_err());
    }

    #[test]
    fn dump_sections_split() {
        let t = "nginx: the configuration file ok\n# configuration file /etc/nginx/nginx.conf:\nhttp { include /etc/nginx/conf.d/*.conf; }\n\n# configuration file /etc/nginx/conf.d/a.conf:\nserver { listen 80; }\n";
        let s = split_dump(t).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].0, "/etc/nginx/conf.d/a.conf");
        assert!(glob_match(
            "/etc/nginx/conf.d/*.conf",
            "/etc/nginx/conf.d/a.conf"
        ));
    }
}
