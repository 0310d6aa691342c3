//! A file format the linter reads, as a plug-in of the driver: how its files are
//! recognised (by name, then content) and picked up in directories, and how one is
//! linted (parsed, its rules run with the context they need, its suppressions
//! read). Adding a format is its folder plus one line in `registry::FORMATS`.

use std::path::Path;
use std::sync::Arc;

use super::cross::Bundle;
use super::rule::Rule;
use super::{Finding, Options, Report};
use crate::description::LoadedSpec;
use crate::syntax::FileId;

/// How a format recognised a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// By what it contains (`server {`): the weakest.
    Content,
    /// By its `#!` interpreter line: weaker than a name only.
    Interpreter,
    /// By its name (`*.service`, `ecosystem.config.js`).
    Name,
}

/// One file format.
/// What names a format: `--type` takes its name and aliases, its rule codes
/// start with its family (`NG`), its rules' examples are fenced in its language.
pub struct Names {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub family: &'static str,
    pub fence: &'static str,
}

pub trait Format: Sync {
    /// Its names.
    fn names(&self) -> &'static Names;
    /// Its name, as `--type` takes it.
    fn name(&self) -> &'static str {
        self.names().name
    }
    /// Other names `--type` takes for it.
    fn aliases(&self) -> &'static [&'static str] {
        self.names().aliases
    }
    /// The prefix of its rule codes (`NG`).
    fn family(&self) -> &'static str {
        self.names().family
    }
    /// The Markdown fence language of its rules' examples.
    fn fence(&self) -> &'static str {
        self.names().fence
    }
    /// Its rules, in code order (engine findings included).
    fn rules(&self) -> &'static [&'static Rule];
    /// Whether a file is of this format: `name` is the lower-cased file name.
    fn recognise(&self, name: &str, text: &str) -> Option<Match>;
    /// Whether a directory walk lints this file (by its path and file name as
    /// spelled; stricter than `recognise`: `*.conf` in a unit's drop-in folder
    /// belongs to the unit).
    fn walks(&self, path: &Path, name: &str) -> bool;
    /// A new linting pass of this format for one run.
    fn start(&self) -> Box<dyn Linting>;
    /// What can be read from a rendered file before its turn, on any thread (its
    /// parse): handed back to the pass with the file. None: the pass reads the
    /// text itself.
    fn prepare(&self, _text: &str) -> Option<Prepared> {
        None
    }
}

/// A format's reading of a file made ahead of its turn (see `Format::prepare`).
pub type Prepared = Box<dyn std::any::Any + Send>;

/// One run's linting of one format: files come in one by one; `finish` runs after
/// the last (a format whose files include each other lints them there).
pub trait Linting {
    fn lint(&mut self, run: &mut Run<'_>, input: Input<'_>);
    fn finish(self: Box<Self>, _run: &mut Run<'_>) {}
}

/// One file to lint.
pub struct Input<'a> {
    pub id: FileId,
    /// Its path on disk, or the rendered file's name.
    pub path: &'a Path,
    pub text: Arc<String>,
    /// The description it was rendered from, if it was.
    pub rendered: Option<&'a Arc<LoadedSpec>>,
    /// What its format prepared from it, if anything.
    pub prepared: Option<Prepared>,
}

/// A file rendered from a description, to be linted as its format right after the
/// description.
pub struct Derived {
    /// The name of the format that lints it.
    pub format: &'static str,
    pub file_name: String,
    pub content: String,
    pub spec: Arc<LoadedSpec>,
    pub prepared: Option<Prepared>,
}

/// A source of derived files: each, or a finding that stops it (a render that
/// failed).
pub type DerivedFiles = Box<dyn Iterator<Item = Result<Derived, Finding>>>;

/// What a lint run shares among formats.
pub struct Run<'a> {
    pub report: Report,
    pub opts: &'a Options,
    /// The first file of each kind, for the cross-file rules.
    pub bundle: Bundle,
    /// Files the current input produces (a description's rendered files), taken
    /// one by one after it.
    pub derived: Option<DerivedFiles>,
}

/// `svcgen: KEY=value` in a `#`, `;` or `//` comment line: what a hand-written file
/// tells the linter about the app (`# svcgen: drain=10s`).
pub fn marker(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let l = l.trim();
        let c = l
            .strip_prefix("//")
            .or_else(|| l.strip_prefix('#'))
            .or_else(|| l.strip_prefix(';'))?;
        let v = c
            .trim()
            .strip_prefix("svcgen:")?
            .trim()
            .strip_prefix(key)?
            .strip_prefix('=')?;
        Some(v.trim().to_string())
    })
}
