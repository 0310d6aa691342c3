//! Parsed artifacts: one module per format, each turning text into a tree whose
//! nodes keep their file and byte span. Rules run on these trees.

pub mod nginx;
pub mod pm2;
pub mod shell;
pub mod systemd;

/// An index into a `SourceSet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FileId(pub usize);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

/// One source text with its name and line starts.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(name: String, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// Every file read during one lint run.
#[derive(Debug, Default, Clone)]
pub struct SourceSet {
    files: Vec<Source>,
}

impl SourceSet {
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.files.push(Source::new(name, text));
        FileId(self.files.len() - 1)
    }
    pub fn get(&self, id: FileId) -> &Source {
        &self.files[id.0]
    }
    pub fn text(&self, id: FileId) -> &str {
        &self.files[id.0].text
    }
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id.0].name
    }
}
