//! The parsed form of nginx files: one flat arena per configuration. A directive is a
//! 40-byte record of offsets into its file's text, arguments are 12-byte ranges, and
//! children are ranges of a shared id list; names and values are slices of the text
//! (only a value with escapes, or a synthetic block's name, is stored apart). The
//! tree of a 4 MB configuration therefore takes about as much memory as its text,
//! and an included file's directives are shared, not copied, wherever it is spliced.
//!
//! Rules read it through `Directive<'a>` and `Block<'a>`: small `Copy` handles.

use std::fmt;
use std::sync::Arc;

use super::super::{FileId, Span};

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Simple,
    Block,
    /// A `*_by_lua_block`: `kids` points at its body's byte range (two entries).
    Raw,
}

/// 20 bytes. The file is found from `Tree::files`, the argument count from the next
/// node's first argument, a name that is not the text of its token (quoted,
/// escaped or synthetic) from `Tree::names`.
#[derive(Debug, Clone)]
struct Node {
    start: u32,
    end: u32,
    /// The first argument; the arguments of node `i` end where node `i + 1`'s begin.
    args: u32,
    /// Where its children are listed in `Tree::kids`: the count, then the ids.
    kids: u32,
    /// The name token's length (16 bits), the kind (2 bits), `NAMED` (the name is
    /// in `names`), the name's [`tag`] (8 bits from bit 20).
    meta: u32,
}

const NAMED: u32 = 1 << 18;
const TAG_SHIFT: u32 = 20;

/// Eight bits of a name (first, middle and last byte), kept in the node so that
/// `Directive::is` rejects almost every other name without reading the text.
#[inline]
fn tag(name: &[u8]) -> u32 {
    match name {
        [] => 0,
        [first, .., last] | [first @ last] => {
            (u32::from(*first)
                ^ u32::from(*last).rotate_left(3)
                ^ u32::from(name[name.len() / 2]).rotate_left(5))
                & 0xff
        }
    }
}

impl Node {
    #[inline]
    fn name_len(&self) -> u32 {
        self.meta & 0xffff
    }
    #[inline]
    fn kind(&self) -> Kind {
        match (self.meta >> 16) & 3 {
            1 => Kind::Block,
            2 => Kind::Raw,
            _ => Kind::Simple,
        }
    }
    fn set_kind(&mut self, k: Kind) {
        let bits = match k {
            Kind::Simple => 0,
            Kind::Block => 1,
            Kind::Raw => 2,
        };
        self.meta = (self.meta & !(3 << 16)) | (bits << 16);
    }
}

/// 8 bytes: where the argument is, its length, whether it is quoted and whether its
/// value is not its text (it had escapes: the value is in `Tree::values`).
#[derive(Debug, Clone)]
struct ArgNode {
    start: u32,
    /// The length (30 bits), `QUOTED`, `ESCAPED`.
    len: u32,
}

const QUOTED: u32 = 1 << 31;
const ESCAPED: u32 = 1 << 30;
const LEN: u32 = ESCAPED - 1;

/// Directives of one or more files.
#[derive(Clone, Default)]
pub struct Tree {
    /// Indexed by `FileId` less `texts_from`: the texts the nodes point into. A
    /// tree holds the few files of one configuration, whose ids are close
    /// together; indexing from the first keeps a tree's size its own, not the
    /// number of files the run has read before it.
    texts: Vec<Option<Arc<String>>>,
    texts_from: usize,
    nodes: Vec<Node>,
    args: Vec<ArgNode>,
    kids: Vec<u32>,
    /// `(first node, file)`: the nodes of one parse (or one synthetic block) are
    /// contiguous and belong to one file.
    files: Vec<(u32, u32)>,
    /// `(node, name)` for the `NAMED` nodes, in node order.
    names: Vec<(u32, Box<str>)>,
    /// `(argument, value)` for the `ESCAPED` arguments, in argument order.
    values: Vec<(u32, Box<str>)>,
    /// `(node, start, end)`: comment lines directly above a directive, in node order.
    comments: Vec<(u32, u32, u32)>,
    /// The top level: a list in `kids`.
    top: u32,
    /// An `include` was met: lists were rewritten, and an include that named nothing
    /// left its node out of the tree (the arena holds more than the tree).
    spliced: bool,
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.top().iter()).finish()
    }
}

/// A syntax error (or an unreadable include) at a span.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// One argument of a directive, unquoted, with its span.
#[derive(Debug, Clone, Copy)]
pub struct Arg<'a> {
    pub value: &'a str,
    pub span: Span,
    pub quoted: bool,
}

/// One directive: `name args… ;` or `name args… { block }`.
#[derive(Clone, Copy)]
pub struct Directive<'a> {
    tree: &'a Tree,
    id: u32,
}

/// The directives of a block (or of a file's top level), in order.
#[derive(Clone, Copy)]
pub struct Block<'a> {
    tree: &'a Tree,
    ids: &'a [u32],
}

/// The arguments of a directive.
#[derive(Clone)]
pub struct Args<'a> {
    directive: Directive<'a>,
    /// Indices into the tree's arguments.
    range: std::ops::Range<usize>,
}

impl Tree {
    /// How many directives the tree holds (synthetic blocks included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn top(&self) -> Block<'_> {
        Block {
            tree: self,
            ids: self.range(self.top),
        }
    }

    /// The list that starts at `at` in `kids` (its length, then its items).
    #[inline]
    fn range(&self, at: u32) -> &[u32] {
        let at = at as usize;
        match self.kids.get(at) {
            Some(&n) => self.kids.get(at + 1..at + 1 + n as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    #[inline]
    fn text(&self, file: u32) -> &str {
        (file as usize)
            .checked_sub(self.texts_from)
            .and_then(|i| self.texts.get(i))
            .and_then(|t| t.as_deref())
            .map_or("", String::as_str)
    }

    #[inline]
    fn slice(&self, file: u32, start: u32, end: u32) -> &str {
        self.text(file)
            .get(start as usize..end as usize)
            .unwrap_or("")
    }

    fn push_list(&mut self, ids: &[u32]) -> u32 {
        let at = self.kids.len() as u32;
        self.kids.push(ids.len() as u32);
        self.kids.extend_from_slice(ids);
        at
    }

    #[inline]
    fn file_of(&self, id: u32) -> u32 {
        if let [(_, only)] = self.files.as_slice() {
            return *only;
        }
        let i = self.files.partition_point(|&(first, _)| first <= id);
        self.files[i.saturating_sub(1)].1
    }

    #[inline]
    fn arg_range(&self, id: u32) -> std::ops::Range<usize> {
        let from = self.nodes[id as usize].args as usize;
        let to = self
            .nodes
            .get(id as usize + 1)
            .map_or(self.args.len(), |n| n.args as usize);
        from..to
    }

    /// A block around `ids` named `name`, spanning the whole of `file` (the synthetic
    /// `http` block around a conf.d file, the `fragment` block around a snippet).
    pub(super) fn wrap(&mut self, name: &str, file: FileId, ids: &[u32]) -> u32 {
        let kids = self.push_list(ids);
        let len = self.text(file.0 as u32).len() as u32;
        let id = self.nodes.len() as u32;
        self.files.push((id, file.0 as u32));
        self.names.push((id, name.into()));
        let mut node = Node {
            start: 0,
            end: len,
            args: self.args.len() as u32,
            kids,
            meta: NAMED | (tag(name.as_bytes()) << TAG_SHIFT),
        };
        node.set_kind(Kind::Block);
        self.nodes.push(node);
        id
    }

    /// `ids` as a block, to read before they are placed in the tree.
    pub(super) fn block<'t>(&'t self, ids: &'t [u32]) -> Block<'t> {
        Block { tree: self, ids }
    }

    pub(super) fn set_top(&mut self, ids: &[u32]) {
        self.top = self.push_list(ids);
    }

    /// The files that have at least one directive in this tree.
    pub fn files_with_directives(&self) -> impl Iterator<Item = FileId> + '_ {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, &(first, file))| {
                let next = self
                    .files
                    .get(i + 1)
                    .map_or(self.nodes.len() as u32, |f| f.0);
                (next > first).then_some(FileId(file as usize))
            })
    }

    /// Every directive in depth-first order straight from the arena, when that is
    /// the arena's order: one file parsed, no include met and nothing wrapped around
    /// it (each directive is pushed when its name is read, before its children).
    pub fn depth_first(&self) -> Option<impl Iterator<Item = Directive<'_>>> {
        (self.files.len() == 1 && !self.spliced)
            .then(|| (0..self.nodes.len() as u32).map(|id| self.directive(id)))
    }

    /// Records that an `include` was met (see [`Tree::depth_first`]).
    pub(super) fn mark_spliced(&mut self) {
        self.spliced = true;
    }

    /// A comment's text (after `#`) and span.
    fn comment(&self, file: u32, start: u32, end: u32) -> (&str, Span) {
        let span = Span {
            file: FileId(file as usize),
            start: start as usize,
            end: end as usize,
        };
        (self.slice(file, start + 1, end), span)
    }

    /// Every comment with the directive it belongs to, in the arena's order (see
    /// [`Tree::depth_first`] for when that is the tree's order).
    pub fn all_comments(&self) -> impl Iterator<Item = (Directive<'_>, &str, Span)> + '_ {
        self.comments.iter().map(move |&(id, s, e)| {
            let (text, span) = self.comment(self.file_of(id), s, e);
            (self.directive(id), text, span)
        })
    }

    pub fn directive(&self, id: u32) -> Directive<'_> {
        Directive { tree: self, id }
    }

    /// The children of block `id`, when it is one.
    pub(super) fn kid_ids(&self, id: u32) -> Option<Vec<u32>> {
        let n = &self.nodes[id as usize];
        (n.kind() == Kind::Block).then(|| self.range(n.kids).to_vec())
    }

    pub(super) fn set_kids(&mut self, id: u32, ids: &[u32]) {
        let at = self.push_list(ids);
        self.nodes[id as usize].kids = at;
    }

    /// Parses `text` (file `file`) into this tree; returns its top-level ids. On an
    /// error the tree is left as it was.
    pub fn parse(&mut self, text: Arc<String>, file: FileId) -> Result<Vec<u32>, ParseError> {
        let marks = (
            self.nodes.len(),
            self.args.len(),
            self.kids.len(),
            self.names.len(),
            self.values.len(),
            self.comments.len(),
            self.files.len(),
        );
        if self.texts.is_empty() {
            self.texts_from = file.0;
        } else if file.0 < self.texts_from {
            let before = self.texts_from - file.0;
            self.texts.splice(0..0, std::iter::repeat_n(None, before));
            self.texts_from = file.0;
        }
        let i = file.0 - self.texts_from;
        if self.texts.len() <= i {
            self.texts.resize(i + 1, None);
        }
        self.texts[i] = Some(text.clone());
        let r = parse_into(self, &text, file);
        if r.is_err() {
            self.nodes.truncate(marks.0);
            self.args.truncate(marks.1);
            self.kids.truncate(marks.2);
            self.names.truncate(marks.3);
            self.values.truncate(marks.4);
            self.comments.truncate(marks.5);
            self.files.truncate(marks.6);
        }
        r
    }
}

impl<'a> Directive<'a> {
    #[inline]
    fn node(self) -> &'a Node {
        &self.tree.nodes[self.id as usize]
    }

    /// The directive's identity within its configuration.
    #[inline]
    pub fn id(self) -> u32 {
        self.id
    }

    #[inline]
    pub fn name(self) -> &'a str {
        let n = self.node();
        if n.meta & NAMED == 0 {
            self.tree
                .slice(self.tree.file_of(self.id), n.start, n.start + n.name_len())
        } else {
            let names = &self.tree.names;
            let i = names.partition_point(|(id, _)| *id < self.id);
            names.get(i).map_or("", |(_, s)| s)
        }
    }

    /// `self.name() == name`, without cutting the name from the text unless its
    /// length matches (the test the rules make most).
    #[inline(always)]
    pub fn is(self, name: &str) -> bool {
        let meta = self.node().meta;
        if meta & NAMED != 0 {
            return self.name() == name;
        }
        // Length, then the tag: most other names fail one of the two.
        if meta & 0xffff != name.len() as u32 || (meta >> TAG_SHIFT) & 0xff != tag(name.as_bytes())
        {
            return false;
        }
        // Bytes: no character-boundary checks on the way.
        let start = self.node().start as usize;
        let text = self.tree.text(self.tree.file_of(self.id)).as_bytes();
        text.get(start..start + name.len()) == Some(name.as_bytes())
    }

    #[inline]
    pub fn args(self) -> Args<'a> {
        Args {
            directive: self,
            range: self.tree.arg_range(self.id),
        }
    }

    #[inline]
    pub fn arg(self, i: usize) -> Option<&'a str> {
        self.args().get(i).map(|a| a.value)
    }

    /// The block's directives; empty for a simple directive.
    #[inline]
    pub fn children(self) -> Block<'a> {
        self.block().unwrap_or(Block {
            tree: self.tree,
            ids: &[],
        })
    }

    /// `Some` for block directives (`server { … }`); `*_by_lua_block` bodies are kept
    /// raw in `raw_block` instead.
    #[inline]
    pub fn block(self) -> Option<Block<'a>> {
        let n = self.node();
        (n.kind() == Kind::Block).then(|| Block {
            tree: self.tree,
            ids: self.tree.range(n.kids),
        })
    }

    pub fn raw_block(self) -> Option<&'a str> {
        let n = self.node();
        (n.kind() == Kind::Raw).then(|| {
            let body = self.tree.range(n.kids);
            let (from, to) = (body.first().copied(), body.get(1).copied());
            self.tree.slice(
                self.tree.file_of(self.id),
                from.unwrap_or(0),
                to.unwrap_or(0),
            )
        })
    }

    #[inline]
    fn file(self) -> FileId {
        FileId(self.tree.file_of(self.id) as usize)
    }

    /// From the start of the name to the `;` or the closing `}`.
    #[inline]
    pub fn span(self) -> Span {
        let n = self.node();
        Span {
            file: self.file(),
            start: n.start as usize,
            end: n.end as usize,
        }
    }

    #[inline]
    pub fn name_span(self) -> Span {
        let n = self.node();
        Span {
            file: self.file(),
            start: n.start as usize,
            end: (n.start + n.name_len()) as usize,
        }
    }

    /// Comment lines directly above the directive (without `#`), for markers and
    /// suppressions.
    pub fn comments(self) -> impl Iterator<Item = (&'a str, Span)> + 'a {
        let c = &self.tree.comments;
        let from = c.partition_point(|x| x.0 < self.id);
        let to = from + c[from..].partition_point(|x| x.0 == self.id);
        let (tree, file) = (self.tree, self.tree.file_of(self.id));
        c[from..to]
            .iter()
            .map(move |&(_, s, e)| tree.comment(file, s, e))
    }
}

impl PartialEq for Directive<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree) && self.id == other.id
    }
}

impl fmt::Debug for Directive<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Directive");
        s.field("name", &self.name());
        s.field("args", &self.args().map(|a| a.value).collect::<Vec<_>>());
        if let Some(b) = self.block() {
            s.field("block", &b.iter().collect::<Vec<_>>());
        }
        s.finish()
    }
}

impl<'a> Block<'a> {
    pub fn iter(
        self,
    ) -> impl DoubleEndedIterator<Item = Directive<'a>> + ExactSizeIterator + Clone + 'a {
        let tree = self.tree;
        self.ids.iter().map(move |&id| Directive { tree, id })
    }
    pub fn len(self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(self) -> bool {
        self.ids.is_empty()
    }
    pub fn get(self, i: usize) -> Option<Directive<'a>> {
        self.ids.get(i).map(|&id| Directive {
            tree: self.tree,
            id,
        })
    }
    pub fn first(self) -> Option<Directive<'a>> {
        self.get(0)
    }
    pub fn last(self) -> Option<Directive<'a>> {
        self.ids.len().checked_sub(1).and_then(|i| self.get(i))
    }
}

impl<'a> IntoIterator for Block<'a> {
    type Item = Directive<'a>;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = Directive<'a>> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<'a> Args<'a> {
    #[inline]
    fn make(&self, index: usize) -> Arg<'a> {
        let tree = self.directive.tree;
        let a = &tree.args[index];
        let file = tree.file_of(self.directive.id);
        let quoted = a.len & QUOTED != 0;
        let end = a.start + (a.len & LEN);
        let value = if a.len & ESCAPED != 0 {
            let v = &tree.values;
            let i = v.partition_point(|(at, _)| (*at as usize) < index);
            v.get(i).map_or("", |(_, s)| s)
        } else if quoted {
            tree.slice(file, a.start + 1, end.saturating_sub(1).max(a.start + 1))
        } else {
            tree.slice(file, a.start, end)
        };
        Arg {
            value,
            span: Span {
                file: FileId(file as usize),
                start: a.start as usize,
                end: end as usize,
            },
            quoted,
        }
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<Arg<'a>> {
        (i < self.range.len()).then(|| self.make(self.range.start + i))
    }
}

impl<'a> Iterator for Args<'a> {
    type Item = Arg<'a>;
    #[inline]
    fn next(&mut self) -> Option<Arg<'a>> {
        let i = self.range.next()?;
        Some(self.make(i))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for Args<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.range.next_back()?;
        Some(self.make(i))
    }
}

impl ExactSizeIterator for Args<'_> {}

/// How deep blocks may nest. Real configurations stay under ten; the limit keeps
/// every walker of the tree far from the end of its stack.
pub const MAX_DEPTH: usize = 100;

/// Parses one file's text into a tree of its own (includes are not resolved here).
pub fn parse_text(text: &str, file: FileId) -> Result<Tree, ParseError> {
    let mut tree = Tree::default();
    let top = tree.parse(Arc::new(text.to_string()), file)?;
    tree.set_top(&top);
    Ok(tree)
}

fn parse_into(tree: &mut Tree, text: &str, file: FileId) -> Result<Vec<u32>, ParseError> {
    use super::{Lexer, Tok};
    if text.len() >= NONE as usize {
        return Err(ParseError {
            message: "files of 4 GiB or more cannot be read".into(),
            span: Span {
                file,
                start: 0,
                end: 0,
            },
        });
    }
    // About one directive per 40 bytes and two arguments each, in real files.
    tree.nodes.reserve(text.len() / 40);
    tree.args.reserve(text.len() / 20);
    // Every directive is some block's child, and every block also keeps its count.
    tree.kids.reserve(text.len() / 32);
    tree.files.push((tree.nodes.len() as u32, file.0 as u32));
    let mut lx = Lexer {
        src: text.as_bytes(),
        text,
        pos: 0,
        file,
    };
    // The children of every open block, on one stack; `frames` holds where each open
    // block's children start and the block's node.
    let mut kids: Vec<u32> = Vec::new();
    let mut frames: Vec<(usize, u32)> = Vec::new();
    let mut pending: Option<u32> = None;
    let mut comments: Vec<(u32, u32)> = Vec::new();
    let name_of = |tree: &Tree, id: u32| tree.directive(id).name().to_string();
    while let Some((tok, span)) = lx.next()? {
        let (s, e) = (span.start as u32, span.end as u32);
        match tok {
            Tok::Comment => {
                if pending.is_none() {
                    comments.push((s, e));
                }
            }
            Tok::Word(value, quoted) => {
                if e - s > LEN {
                    return Err(lx.err("a token longer than 1 GiB", span.start, span.start));
                }
                match pending {
                    None => {
                        let id = tree.nodes.len() as u32;
                        // A name that is not its token's text (quoted, escaped, or
                        // longer than 64 KiB) is kept apart.
                        let name = match value {
                            Some(v) => Some(v),
                            None if quoted => Some(
                                text.get(span.start + 1..span.end - 1)
                                    .unwrap_or("")
                                    .to_string(),
                            ),
                            None if e - s > 0xffff => Some(text[span.start..span.end].to_string()),
                            None => None,
                        };
                        let meta = match name {
                            Some(n) => {
                                let t = tag(n.as_bytes());
                                tree.names.push((id, n.into()));
                                NAMED | (e - s).min(0xffff) | (t << TAG_SHIFT)
                            }
                            None => {
                                (e - s)
                                    | (tag(&text.as_bytes()[s as usize..e as usize]) << TAG_SHIFT)
                            }
                        };
                        tree.nodes.push(Node {
                            start: s,
                            end: e,
                            args: tree.args.len() as u32,
                            kids: NONE,
                            meta,
                        });
                        tree.comments
                            .extend(comments.drain(..).map(|(cs, ce)| (id, cs, ce)));
                        pending = Some(id);
                    }
                    Some(_) => {
                        let mut len = (e - s) | if quoted { QUOTED } else { 0 };
                        if let Some(v) = value {
                            tree.values.push((tree.args.len() as u32, v.into()));
                            len |= ESCAPED;
                        }
                        tree.args.push(ArgNode { start: s, len });
                    }
                }
            }
            Tok::Semi => {
                let Some(id) = pending.take() else {
                    return Err(lx.err("unexpected `;`", span.start, span.end));
                };
                tree.nodes[id as usize].end = e;
                kids.push(id);
            }
            Tok::Open => {
                let Some(id) = pending.take() else {
                    return Err(lx.err(
                        "unexpected `{` without a directive name",
                        span.start,
                        span.end,
                    ));
                };
                if tree.directive(id).name().ends_with("_by_lua_block") {
                    let (body_start, body_end) = lx.raw_block(span.start)?;
                    let at = tree.push_list(&[body_start as u32, body_end as u32]);
                    let n = &mut tree.nodes[id as usize];
                    n.set_kind(Kind::Raw);
                    n.kids = at;
                    n.end = lx.pos as u32;
                    kids.push(id);
                } else if frames.len() >= MAX_DEPTH {
                    let n = &tree.nodes[id as usize];
                    return Err(lx.err(
                        format!("blocks nested more than {MAX_DEPTH} deep"),
                        n.start as usize,
                        span.end,
                    ));
                } else {
                    tree.nodes[id as usize].set_kind(Kind::Block);
                    frames.push((kids.len(), id));
                }
            }
            Tok::Close => {
                if let Some(id) = pending {
                    let n = &tree.nodes[id as usize];
                    return Err(lx.err(
                        format!("directive `{}` has no terminating `;`", name_of(tree, id)),
                        n.start as usize,
                        span.start,
                    ));
                }
                let Some((mark, id)) = frames.pop() else {
                    return Err(lx.err("unexpected `}`", span.start, span.end));
                };
                let at = tree.push_list(&kids[mark..]);
                kids.truncate(mark);
                let node = &mut tree.nodes[id as usize];
                node.kids = at;
                node.end = e;
                comments.clear();
                kids.push(id);
            }
        }
    }
    if let Some(id) = pending {
        let n = &tree.nodes[id as usize];
        return Err(lx.err(
            format!("directive `{}` has no terminating `;`", name_of(tree, id)),
            n.start as usize,
            text.len(),
        ));
    }
    if let Some(&(_, id)) = frames.last() {
        let n = &tree.nodes[id as usize];
        return Err(lx.err(
            format!(
                "block `{}` is never closed: missing `}}`",
                name_of(tree, id)
            ),
            n.start as usize,
            (n.start + n.name_len()) as usize,
        ));
    }
    Ok(kids)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arena's per-directive and per-argument costs, which the memory bound of a
    /// large configuration rests on.
    #[test]
    fn records_stay_small() {
        assert_eq!(std::mem::size_of::<Node>(), 20);
        assert_eq!(std::mem::size_of::<ArgNode>(), 8);
    }

    #[test]
    fn simple_directives_have_no_children_and_blocks_keep_theirs() {
        let tree = parse_text("a 1;\nb { c; d { e; } }\nf;", FileId(0)).unwrap();
        let top: Vec<&str> = tree.top().iter().map(|d| d.name()).collect();
        assert_eq!(top, ["a", "b", "f"]);
        let a = tree.top().first().unwrap();
        assert!(a.block().is_none() && a.children().is_empty());
        let b = tree.top().get(1).unwrap();
        let kids: Vec<&str> = b.children().iter().map(|d| d.name()).collect();
        assert_eq!(kids, ["c", "d"]);
        let d = b.children().get(1).unwrap();
        assert_eq!(d.children().first().unwrap().name(), "e");
        assert!(tree.top().last().unwrap().block().is_none());
    }

    /// The arena's own order is the depth-first order of the tree it holds.
    #[test]
    fn arena_order_is_depth_first() {
        let text = "a;\nb { c { d; e { f; } } g; }\nh { i; }\nj_by_lua_block { x }\nk;";
        let tree = parse_text(text, FileId(0)).unwrap();
        fn rec<'a>(b: Block<'a>, out: &mut Vec<&'a str>) {
            for d in b {
                out.push(d.name());
                rec(d.children(), out);
            }
        }
        let mut walked = Vec::new();
        rec(tree.top(), &mut walked);
        let arena: Vec<&str> = tree.depth_first().unwrap().map(|d| d.name()).collect();
        assert_eq!(arena, walked);
        assert_eq!(walked.len(), 11);
    }
}
