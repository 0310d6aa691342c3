//! nginx configuration: a tokenizer and parser that keep the file and byte span of
//! every directive and argument, and resolve `include` as nginx does: relative to
//! the conf prefix, glob(3) patterns, or from the sections of `nginx -T` output.
//!
//! Never panics on any input; a syntax error is a `ParseError` with a span.

use std::path::{Path, PathBuf};

use super::{FileId, SourceSet, Span};

mod tree;

pub use tree::{Arg, Args, Block, Directive, MAX_DEPTH, ParseError, Tree, parse_text};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Option<String>, bool),
    Semi,
    Open,
    Close,
    Comment,
}

/// What a byte is to the lexer: white space, a byte that ends or needs a look in a
/// bare word (`;`, `{`, `}`, `\\`, `$`), or plain.
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const SPECIAL: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_whitespace() {
            t[b] = SPACE;
        } else if matches!(c, b';' | b'{' | b'}' | b'\\' | b'$') {
            t[b] = SPECIAL;
        }
        b += 1;
    }
    t
};

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
        while s
            .get(self.pos)
            .is_some_and(|&b| BYTE_CLASS[b as usize] == SPACE)
        {
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
                self.pos = memchr::memchr(b'\n', &s[self.pos..]).map_or(s.len(), |i| self.pos + i);
                Ok(Some((Tok::Comment, self.span(start, self.pos))))
            }
            b'"' | b'\'' => {
                let quote = c;
                self.pos += 1;
                let body_start = self.pos;
                // Fast path: no escapes, the value is a slice of the text.
                self.pos =
                    memchr::memchr2(quote, b'\\', &s[self.pos..]).map_or(s.len(), |i| self.pos + i);
                if self.pos < s.len() && s[self.pos] == quote {
                    self.pos += 1;
                    self.after_quote()?;
                    return Ok(Some((Tok::Word(None, true), self.span(start, self.pos))));
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
                self.after_quote()?;
                Ok(Some((
                    Tok::Word(Some(value), true),
                    self.span(start, self.pos),
                )))
            }
            _ => {
                let mut escaped = false;
                while self.pos < s.len() {
                    // The plain bytes of a word in one table lookup each.
                    while s
                        .get(self.pos)
                        .is_some_and(|&b| BYTE_CLASS[b as usize] == PLAIN)
                    {
                        self.pos += 1;
                    }
                    let Some(&b) = s.get(self.pos) else { break };
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
                let value = escaped.then(|| {
                    let mut v = Vec::with_capacity(raw.len());
                    let mut i = 0;
                    while i < raw.len() {
                        // As nginx reads a word: `\"`, `\'`, `\\` lose the
                        // backslash, `\t`, `\r`, `\n` are control characters,
                        // any other keeps it (`~ \.php$` is a regex escape).
                        if raw[i] == b'\\' && i + 1 < raw.len() {
                            match raw[i + 1] {
                                b'"' | b'\'' | b'\\' => v.push(raw[i + 1]),
                                b'n' => v.push(b'\n'),
                                b't' => v.push(b'\t'),
                                b'r' => v.push(b'\r'),
                                n => v.extend_from_slice(&[b'\\', n]),
                            }
                            i += 2;
                        } else {
                            v.push(raw[i]);
                            i += 1;
                        }
                    }
                    String::from_utf8_lossy(&v).into_owned()
                });
                Ok(Some((Tok::Word(value, false), self.span(start, self.pos))))
            }
        }
    }

    /// nginx wants white space, `;`, `{` or `}` right after a closing quote:
    /// `"a"b` is an error ("unexpected "b""), not one token.
    fn after_quote(&self) -> Result<(), ParseError> {
        match self.src.get(self.pos) {
            None => Ok(()),
            // `)` too: it closes an `if (…)` condition, as in nginx's tokenizer.
            Some(b) if b.is_ascii_whitespace() || matches!(b, b';' | b'{' | b'}' | b')') => Ok(()),
            Some(_) => {
                let c = self
                    .text
                    .get(self.pos..)
                    .and_then(|t| t.chars().next())
                    .unwrap_or('?');
                Err(self.err(
                    format!("unexpected `{c}` right after a quoted string (nginx wants a space, `;` or `{{`)"),
                    self.pos,
                    self.pos + c.len_utf8(),
                ))
            }
        }
    }

    /// After `*_by_lua_block {`: the raw body up to the matching `}`.
    fn raw_block(&mut self, open: usize) -> Result<(usize, usize), ParseError> {
        let s = self.src;
        let body_start = self.pos;
        let mut depth = 1usize;
        while self.pos < s.len() {
            match s[self.pos] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        let body_end = self.pos;
                        self.pos += 1;
                        return Ok((body_start, body_end));
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

/// How many files one configuration may include, all together.
pub const MAX_INCLUDED_FILES: usize = 10_000;

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

/// The name of the synthetic block around a fragment's top level.
pub const FRAGMENT: &str = "fragment";

/// An include that names no file, and the comments on its directive's lines.
#[derive(Debug, Clone)]
pub struct MissingInclude {
    pub error: ParseError,
    pub comments: Vec<String>,
    /// The include's path as written.
    pub pattern: String,
    /// Why it was not read.
    pub why: Unread,
}

/// Why an include was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unread {
    /// No file at the path (or not in the `nginx -T` output).
    NotFound,
    /// An absolute path outside the tree being linted, and no `--root` given:
    /// the machine's own file is not the server's.
    OutsideTree,
}

/// A parsed configuration with includes spliced in.
#[derive(Debug, Clone)]
pub struct Config {
    pub level: Level,
    pub tree: Tree,
    /// Includes that name no file: nginx refuses to start, but what was read is
    /// still worth checking. Each carries the comments on its directive's lines,
    /// where a tool may say why the file is absent (the reader knows no marker).
    pub missing: Vec<MissingInclude>,
    /// What nginx would refuse and the linter could not read: a syntax error in an
    /// included file, an unreadable file, an include loop, a directive in a
    /// context where it is not allowed. Any of these makes the run an error.
    pub broken: Vec<ParseError>,
}

impl Config {
    /// The top level (a conf.d file's or a fragment's is its synthetic block).
    pub fn directives(&self) -> Block<'_> {
        self.tree.top()
    }

    /// Every directive, depth first (a block before its children): straight from
    /// the arena when that is the tree's order, else by walking the tree.
    pub fn each_directive<'a>(&'a self, mut f: impl FnMut(Directive<'a>)) {
        fn walk<'a>(ds: Block<'a>, f: &mut impl FnMut(Directive<'a>)) {
            for d in ds {
                f(d);
                walk(d.children(), f);
            }
        }
        match self.tree.depth_first() {
            Some(all) => all.for_each(f),
            None => walk(self.directives(), &mut f),
        }
    }
}

/// Where include files come from.
pub enum IncludeSource<'a> {
    /// The file system; relative include paths are relative to `prefix`, the
    /// directory of the main configuration file (nginx's conf prefix); absolute
    /// ones are read as `absolute` says.
    Disk { prefix: PathBuf, absolute: Absolute },
    /// The sections of `nginx -T` output, by absolute path; relative include paths
    /// are relative to `prefix` (the directory of the dump's first file).
    Dump {
        files: &'a [(String, FileId)],
        prefix: PathBuf,
    },
    /// Nowhere: includes are left as they are.
    None,
}

/// Where an absolute include path is read.
#[derive(Debug, Clone)]
pub enum Absolute {
    /// As written, on this machine.
    Host,
    /// Beneath this directory (`--root`: a copy of a server's files).
    Under(PathBuf),
    /// As written, only when beneath this directory (the tree being linted);
    /// elsewhere it is not read ([`Unread::OutsideTree`]).
    Within(PathBuf),
}

/// Splits `nginx -T` output into `(path, text)` sections.
pub fn split_dump(text: &str) -> Option<Vec<(String, String)>> {
    const MARK: &str = "# configuration file ";
    if !text.starts_with(MARK) && !text.contains("\n# configuration file ") {
        return None;
    }
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

/// Loads `nginx -T` output split into its sections: every section read into
/// `sources`, the first (nginx.conf) parsed with the others as its includes.
/// Relative includes are read from `prefix`, by default the first file's
/// directory (nginx's conf prefix). `None` when there is no section.
pub fn load_dump(
    sources: &mut SourceSet,
    sections: &[(String, String)],
    prefix: Option<PathBuf>,
) -> Option<(FileId, Result<Config, ParseError>)> {
    let ids: Vec<(String, FileId)> = sections
        .iter()
        .map(|(p, t)| (p.clone(), sources.add(p.clone(), t.clone())))
        .collect();
    let (main_path, main) = ids.first().cloned()?;
    let prefix = prefix.unwrap_or_else(|| {
        Path::new(&main_path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/etc/nginx"))
    });
    let from = IncludeSource::Dump {
        files: &ids,
        prefix,
    };
    Some((main, load(sources, main, from)))
}

fn detect_level(directives: Block<'_>) -> Level {
    if directives
        .iter()
        .any(|d| matches!(d.name(), "http" | "events" | "stream" | "worker_processes"))
    {
        Level::Main
    } else if directives.iter().any(|d| {
        // A `server` without a block is an upstream member (an included fragment).
        (d.name() == "server" && d.block().is_some())
            || matches!(
                d.name(),
                "upstream" | "map" | "log_format" | "geo" | "split_clients"
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
    let mut tree = Tree::default();
    let top = tree.parse(sources.shared_text(file), file)?;
    let level = detect_level(tree.block(&top));
    let mut walk = Splice {
        includes: &includes,
        missing: Vec::new(),
        broken: Vec::new(),
        stack: vec![sources.name(file).to_string()],
        files: 0,
        depth: 1,
    };
    let top = walk.splice(sources, &mut tree, top);
    let Splice {
        missing,
        mut broken,
        ..
    } = walk;
    // The same broken file included twice is one error.
    broken.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    tree.set_top(&top);
    check_contexts(tree.top(), level, &mut broken);
    if level != Level::Main {
        // A conf.d file lives inside `http {}`: give it that block, so its top-level
        // directives are inherited like the http block's. A fragment (the inside of
        // a server or location) gets a `fragment` block of its own: its top level is
        // the parent level of its locations.
        let name = if level == Level::Http {
            "http"
        } else {
            FRAGMENT
        };
        let wrapper = tree.wrap(name, file, &top);
        tree.set_top(&[wrapper]);
    }
    Ok(Config {
        level,
        tree,
        missing,
        broken,
    })
}

/// Where nginx allows each block directive of its core and common modules.
fn allowed_in(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "http" | "events" | "stream" | "mail" => &["main"],
        "server" => &["http", "stream", "mail"],
        "location" => &["server", "location"],
        "upstream" => &["http", "stream"],
        "if" => &["server", "location"],
        "limit_except" => &["location"],
        "map" | "geo" | "split_clients" => &["http", "stream"],
        "types" => &["http", "server", "location"],
        _ => return None,
    })
}

/// Block directives where nginx's own context rules put them, as `nginx -t` checks:
/// `location` only in `server` or `location`, `server` only in `http`, `stream` or
/// `mail`, and so on; a known block directive without its block is an error too.
fn check_contexts(ds: Block<'_>, level: Level, broken: &mut Vec<ParseError>) {
    let top = match level {
        Level::Main => "main",
        Level::Http => "http",
        // A fragment's parent cannot be seen (a server or a location): not checked.
        Level::Server => "fragment",
    };
    // Iterative, so a deep tree cannot exhaust the stack.
    let mut todo: Vec<(Directive<'_>, &'static str)> = ds.iter().rev().map(|d| (d, top)).collect();
    while let Some((d, ctx)) = todo.pop() {
        let Some(allowed) = allowed_in(d.name()) else {
            continue;
        };
        // `server` without a block is an upstream member, not a virtual server.
        if d.name() == "server" && d.block().is_none() && ctx != "http" {
            continue;
        }
        if ctx != "fragment" && !allowed.contains(&ctx) {
            let place = |c: &str| {
                if c == "main" {
                    "the main context".to_string()
                } else {
                    format!("`{c}`")
                }
            };
            broken.push(ParseError {
                message: format!(
                    "`{}` is not allowed here (in {}); nginx allows it in {}",
                    d.name(),
                    place(ctx),
                    allowed
                        .iter()
                        .map(|a| place(a))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                span: d.name_span(),
            });
            continue;
        }
        let Some(children) = d.block() else {
            if d.raw_block().is_none() {
                broken.push(ParseError {
                    message: format!("`{}` needs a block: `{} … {{ … }}`", d.name(), d.name()),
                    span: d.name_span(),
                });
            }
            continue;
        };
        let inner: &'static str = match d.name() {
            "http" => "http",
            "server" if ctx == "http" || ctx == "fragment" => "server",
            "location" => "location",
            "if" => "if",
            "stream" => "stream",
            "mail" => "mail",
            "events" => "events",
            // Blocks that hold no blocks of these modules (upstream, map, types …),
            // and stream or mail servers: nothing more to check inside.
            _ => continue,
        };
        todo.extend(children.iter().rev().map(|c| (c, inner)));
    }
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// glob(3) as nginx calls it: `*`, `?` and `[…]` never match a leading `.` or a
/// `/`, results sorted; a pattern that matches nothing is not an error.
const GLOB: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: true,
};

fn expand_include(pattern: &Path) -> Result<Vec<PathBuf>, String> {
    let text = pattern.to_string_lossy();
    if !is_glob(&text) {
        return Ok(vec![pattern.to_path_buf()]);
    }
    let paths = glob::glob_with(&text, GLOB).map_err(|e| format!("bad glob: {e}"))?;
    let mut out = Vec::new();
    for p in paths {
        match p {
            Ok(p) => out.push(p),
            Err(e) => return Err(e.to_string()),
        }
    }
    out.sort();
    Ok(out)
}

fn has_include(ds: Block<'_>) -> bool {
    ds.iter()
        .any(|d| d.is("include") || has_include(d.children()))
}

/// The include walk: every included file parsed and spliced in, with a stack of the
/// files being included (a file that includes itself again is a loop).
struct Splice<'s, 'a> {
    includes: &'s IncludeSource<'a>,
    missing: Vec<MissingInclude>,
    broken: Vec<ParseError>,
    stack: Vec<String>,
    files: usize,
    depth: usize,
}

impl Splice<'_, '_> {
    /// The files an include names, read into `sources`.
    fn resolve(&mut self, sources: &mut SourceSet, d: Directive<'_>) -> Vec<FileId> {
        let Some(arg) = d.args().next() else {
            return Vec::new();
        };
        let pattern = arg.value;
        match self.includes {
            IncludeSource::Disk { prefix, absolute } => {
                let path = if Path::new(pattern).is_absolute() {
                    match absolute {
                        Absolute::Host => PathBuf::from(pattern),
                        Absolute::Under(root) => root.join(pattern.trim_start_matches('/')),
                        Absolute::Within(tree) if Path::new(pattern).starts_with(tree) => {
                            PathBuf::from(pattern)
                        }
                        Absolute::Within(_) => {
                            self.missing.push(MissingInclude {
                                error: ParseError {
                                    message: format!(
                                        "include `{pattern}` was not read: it is outside the files linted, and this machine's copy is not the server's"
                                    ),
                                    span: arg.span,
                                },
                                comments: d.comments().map(|(c, _)| c.to_string()).collect(),
                                pattern: pattern.to_string(),
                                why: Unread::OutsideTree,
                            });
                            return Vec::new();
                        }
                    }
                } else if prefix.as_os_str() == "." {
                    PathBuf::from(pattern)
                } else {
                    prefix.join(pattern)
                };
                let expanded = match expand_include(&path) {
                    Ok(e) => e,
                    Err(e) => {
                        self.broken.push(ParseError {
                            message: format!("include `{pattern}`: {e}"),
                            span: arg.span,
                        });
                        return Vec::new();
                    }
                };
                let mut ids = Vec::new();
                for p in expanded {
                    match crate::syntax::read_file(&p) {
                        Ok(text) => ids.push(sources.add(p.display().to_string(), text)),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !is_glob(pattern) => {
                            let e = ParseError {
                                message: format!(
                                    "include `{pattern}` not found (looked for {})",
                                    p.display()
                                ),
                                span: arg.span,
                            };
                            self.missing.push(MissingInclude {
                                error: e,
                                comments: d.comments().map(|(c, _)| c.to_string()).collect(),
                                pattern: pattern.to_string(),
                                why: Unread::NotFound,
                            });
                        }
                        Err(e) => self.broken.push(ParseError {
                            message: format!(
                                "include `{pattern}`: {} cannot be read: {e}",
                                p.display()
                            ),
                            span: arg.span,
                        }),
                    }
                }
                ids
            }
            IncludeSource::Dump { files, prefix } => {
                let full = prefix.join(pattern).to_string_lossy().into_owned();
                let ids: Vec<FileId> = if is_glob(&full) {
                    match glob::Pattern::new(&full) {
                        Ok(p) => files
                            .iter()
                            .filter(|(path, _)| p.matches_with(path, GLOB))
                            .map(|(_, id)| *id)
                            .collect(),
                        Err(e) => {
                            self.broken.push(ParseError {
                                message: format!("include `{pattern}`: bad glob: {e}"),
                                span: arg.span,
                            });
                            return Vec::new();
                        }
                    }
                } else {
                    files
                        .iter()
                        .filter(|(path, _)| *path == full)
                        .map(|(_, id)| *id)
                        .collect()
                };
                if ids.is_empty() && !is_glob(&full) {
                    self.missing.push(MissingInclude {
                        error: ParseError {
                            message: format!(
                                "include `{pattern}` ({full}) is not in the `nginx -T` output"
                            ),
                            span: arg.span,
                        },
                        comments: d.comments().map(|(c, _)| c.to_string()).collect(),
                        pattern: pattern.to_string(),
                        why: Unread::NotFound,
                    });
                }
                ids
            }
            IncludeSource::None => Vec::new(),
        }
    }

    /// `ids` with every include replaced by the directives of the files it names,
    /// in blocks at any depth.
    fn splice(&mut self, sources: &mut SourceSet, tree: &mut Tree, ids: Vec<u32>) -> Vec<u32> {
        if matches!(self.includes, IncludeSource::None) {
            return ids;
        }
        let any = ids.iter().any(|&id| {
            let d = tree.directive(id);
            d.is("include") || has_include(d.children())
        });
        if !any {
            return ids;
        }
        tree.mark_spliced();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(children) = tree.kid_ids(id) {
                self.depth += 1;
                let spliced = self.splice(sources, tree, children.clone());
                if spliced != children {
                    tree.set_kids(id, &spliced);
                }
                self.depth -= 1;
            }
            let d = tree.directive(id);
            let Some(arg_span) = d.args().next().map(|a| a.span) else {
                out.push(id);
                continue;
            };
            if !d.is("include") {
                out.push(id);
                continue;
            }
            if self.depth > MAX_DEPTH {
                self.broken.push(ParseError {
                    message: format!("includes and blocks nested more than {MAX_DEPTH} deep"),
                    span: arg_span,
                });
                continue;
            }
            let unread = self.missing.len();
            let files = self.resolve(sources, d);
            if self.missing.len() > unread {
                // Kept in the tree: the rules see that something here was not read.
                out.push(id);
            }
            for file in files {
                let name = sources.name(file).to_string();
                if let Some(at) = self.stack.iter().position(|n| *n == name) {
                    let mut chain = self.stack[at..].to_vec();
                    chain.push(name);
                    self.broken.push(ParseError {
                        message: format!("include loop: {}", chain.join(" includes ")),
                        span: arg_span,
                    });
                    continue;
                }
                self.files += 1;
                if self.files > MAX_INCLUDED_FILES {
                    self.broken.push(ParseError {
                        message: format!("more than {MAX_INCLUDED_FILES} included files"),
                        span: arg_span,
                    });
                    return out;
                }
                match tree.parse(sources.shared_text(file), file) {
                    Ok(children) => {
                        self.stack.push(name);
                        self.depth += 1;
                        out.extend(self.splice(sources, tree, children));
                        self.depth -= 1;
                        self.stack.pop();
                    }
                    Err(e) => self.broken.push(e),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Tree, ParseError> {
        parse_text(text, FileId(0))
    }

    #[test]
    fn parses_blocks_quotes_comments_and_variables() {
        let t = "# top\nhttp {\n  map $http_upgrade $c { default upgrade; '' close; }\n  server { listen 443 ssl; add_header X-A \"a \\\"b\\\" ${c}\" always; location / { if ($request_method = POST) { return 405; } } }\n}\n";
        let tree = parse(t).unwrap();
        let ds = tree.top();
        assert_eq!(ds.len(), 1);
        let http = ds.get(0).unwrap();
        assert_eq!(http.comments().next().unwrap().0, " top");
        let http = http.children();
        let map = http.get(0).unwrap();
        assert_eq!(map.name(), "map");
        assert_eq!(map.children().get(1).unwrap().name(), "");
        assert_eq!(map.children().get(1).unwrap().arg(0), Some("close"));
        let server = http.get(1).unwrap();
        let h = server.children().get(1).unwrap();
        assert_eq!(h.arg(1), Some("a \"b\" ${c}"));
        assert!(h.args().get(1).unwrap().quoted);
        assert_eq!(h.arg(2), Some("always"));
        let span = h.span();
        assert_eq!(
            &t[span.start..span.end],
            "add_header X-A \"a \\\"b\\\" ${c}\" always;"
        );
        let iff = server.children().get(2).unwrap().children().get(0).unwrap();
        assert_eq!(iff.name(), "if");
        assert_eq!(iff.arg(0), Some("($request_method"));
    }

    #[test]
    fn lua_blocks_stay_raw() {
        let tree = parse("location / { content_by_lua_block { ngx.say(\"}\") -- }\n } }").unwrap();
        let lua = tree.top().get(0).unwrap().children().get(0).unwrap();
        assert!(lua.raw_block().unwrap().contains("ngx.say"));
        assert!(lua.block().is_none());
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
        let p = glob::Pattern::new("/etc/nginx/conf.d/*.conf").unwrap();
        assert!(p.matches_with("/etc/nginx/conf.d/a.conf", GLOB));
        // glob(3): `*` matches no leading dot and no `/`; classes work.
        assert!(!p.matches_with("/etc/nginx/conf.d/.default.conf", GLOB));
        assert!(!p.matches_with("/etc/nginx/conf.d/x/a.conf", GLOB));
        let class = glob::Pattern::new("/e/[a-z]*.conf").unwrap();
        assert!(class.matches_with("/e/site.conf", GLOB));
        assert!(!class.matches_with("/e/9.conf", GLOB));
    }

    #[test]
    fn many_stars_do_not_backtrack_forever() {
        let p = glob::Pattern::new(&format!("/d/{}b", "*a".repeat(15))).unwrap();
        let name = format!("/d/{}", "a".repeat(60));
        let start = std::time::Instant::now();
        assert!(!p.matches_with(&name, GLOB));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_quoted_string_must_end_a_token() {
        let e = parse("add_header X \"a\"b;").unwrap_err();
        assert!(e.message.contains("unexpected `b`"), "{}", e.message);
        assert_eq!((e.span.start, e.span.end), (16, 17));
        assert!(parse("add_header X \"a\";").is_ok());
        assert!(parse("if ($a = \"b\") { return 404; }").is_ok());
    }

    #[test]
    fn nesting_is_limited() {
        let deep = "location / { ".repeat(50_000);
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("nested more than"), "{}", e.message);
    }

    /// The arena is read in place of the tree only when it is the tree: an include
    /// that named nothing leaves its node (and the comment above it) out of the
    /// tree, but not out of the arena.
    #[test]
    fn the_arena_stands_for_the_tree_only_without_includes() {
        fn walk<'a>(b: Block<'a>, out: &mut Vec<u32>) {
            for d in b {
                out.push(d.id());
                walk(d.children(), out);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().to_path_buf();
        for (text, in_place) in [
            (
                "events {}\nhttp { server { listen 80; location / { return 200; } } }\n",
                true,
            ),
            (
                "events {}\n# off\ninclude missing/*.conf;\nhttp { }\n",
                false,
            ),
            (
                "events {}\nhttp { server { include missing.conf; listen 80; } }\n",
                false,
            ),
        ] {
            let mut sources = SourceSet::default();
            let id = sources.add("t.conf".into(), text.into());
            let c = load(
                &mut sources,
                id,
                IncludeSource::Disk {
                    prefix: prefix.clone(),
                    absolute: Absolute::Host,
                },
            )
            .unwrap();
            let mut walked = Vec::new();
            walk(c.directives(), &mut walked);
            match c.tree.depth_first() {
                Some(all) => {
                    assert!(in_place, "{text}");
                    assert_eq!(all.map(|d| d.id()).collect::<Vec<_>>(), walked, "{text}");
                }
                None => {
                    assert!(!in_place, "{text}");
                    // A glob include that matched nothing is spliced out; one that
                    // names a missing file stays, so the rules see what was not read.
                    let kept = walked.iter().any(|&id| c.tree.directive(id).is("include"));
                    assert_eq!(kept, text.contains("missing.conf;"), "{text}");
                    if !kept {
                        assert!(
                            walked.len() < c.tree.len(),
                            "{text}: the include is out of the tree"
                        );
                    }
                }
            }
        }
    }

    fn contexts(text: &str) -> Vec<String> {
        let mut sources = SourceSet::default();
        let id = sources.add("t.conf".into(), text.into());
        let c = load(&mut sources, id, IncludeSource::None).unwrap();
        c.broken.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn blocks_only_where_nginx_allows_them() {
        let e = contexts("http { location / { return 200; } }");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("`location` is not allowed here (in `http`)"),
            "{e:?}"
        );
        let e = contexts("server { listen 80; }\nlocation /x { }\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(contexts("events {}\nhttp { upstream u { server 127.0.0.1:1; } server { location / { if ($a) { return 404; } location /b { } } } }").is_empty());
        assert!(!contexts("http { server { if ($a) { location /b { } } } }").is_empty());
        assert!(!contexts("http { server { location /a; } }").is_empty());
        // A fragment's parent is unknown: its locations are fine.
        assert!(contexts("location / { proxy_pass http://u; }\n").is_empty());
        // An upstream member fragment (what deploy.sh writes) is not a virtual server.
        assert!(contexts("server 127.0.0.1:3000 max_fails=0;\n").is_empty());
    }
}
