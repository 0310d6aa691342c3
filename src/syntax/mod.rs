//! Parsed artifacts: one module per format, each turning text into a tree whose
//! nodes keep their file and byte span. Rules run on these trees.

use std::sync::{Arc, OnceLock};

pub mod dockerfile;
pub mod envfile;
pub mod nginx;
pub mod pm2;
pub mod shell;
pub mod snippet;
pub mod sudoers;
pub mod systemd;

/// Text from bytes as the tools that read config files take them: bytes, not
/// UTF-8. Valid UTF-8 is kept; every byte of an invalid sequence (Latin-1 or
/// EUC-KR in a comment) becomes one `?`, so byte offsets, and with them every
/// span, stay exactly those of the file.
pub fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len());
            let mut rest = &bytes[..];
            loop {
                match std::str::from_utf8(rest) {
                    Ok(tail) => {
                        out.push_str(tail);
                        break;
                    }
                    Err(err) => {
                        let (valid, after) = rest.split_at(err.valid_up_to());
                        out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                        let bad = err.error_len().unwrap_or(after.len());
                        out.extend(std::iter::repeat_n('?', bad));
                        rest = &after[bad..];
                    }
                }
            }
            out
        }
    }
}

/// The largest file svcgen reads (lint inputs and nginx includes): 64 MiB unless
/// `svcgen lint --max-file-size MIB` says otherwise.
pub static MAX_FILE_BYTES: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(64 << 20);

/// Reads a file as [`decode`] does; a FIFO, device or directory is refused rather
/// than read (reading a FIFO would wait forever), and so is a file over
/// [`MAX_FILE_BYTES`].
pub fn read_file(path: &std::path::Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    let max = MAX_FILE_BYTES.load(std::sync::atomic::Ordering::Relaxed);
    if meta.is_file() && meta.len() > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is {} bytes, over the limit of {} MiB (raise it with --max-file-size)",
                meta.len(),
                max >> 20
            ),
        ));
    }
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            if meta.is_dir() {
                "is a directory"
            } else {
                "not a regular file"
            },
        ));
    }
    std::fs::read(path).map(decode)
}

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

/// Where each line of a text starts: 4 bytes a line (files are under 4 GiB),
/// shared by the reports that cut snippets from it.
#[derive(Debug, Clone)]
pub struct LineIndex(Arc<[u32]>);

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts: Vec<u32> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1))
            .collect();
        Self(starts.into())
    }

    /// How many lines (a final newline starts an empty last one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The byte offset where line `line` (0-based) starts.
    pub fn start(&self, line: usize) -> usize {
        self.0[line] as usize
    }

    /// [`LineIndex::start`], when there is such a line.
    pub fn get(&self, line: usize) -> Option<usize> {
        self.0.get(line).map(|&o| o as usize)
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let o = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.0.binary_search(&o) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// One source text with its name and line starts.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    /// Shared with the parsed trees that point into it: a file is held once.
    pub text: Arc<String>,
    /// Indexed the first time a position in it is asked for (a file without
    /// findings never is).
    lines: OnceLock<LineIndex>,
}

impl Source {
    pub fn new(name: String, text: String) -> Self {
        Self {
            name,
            text: Arc::new(text),
            lines: OnceLock::new(),
        }
    }

    /// Where each line starts (indexed once, on first use).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.lines().line_of(offset);
        let start = self.lines().start(line);
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// Every file read during one lint run.
#[cfg(test)]
mod tests {
    #[test]
    fn decoding_keeps_byte_offsets() {
        let latin1 = b"# caf\xe9\nserver {}\n".to_vec();
        let t = super::decode(latin1.clone());
        assert_eq!(t.len(), latin1.len());
        assert_eq!(t, "# caf?\nserver {}\n");
        let euc_kr = b"# \xc7\xd1\xb1\xdb\nx;".to_vec();
        let t = super::decode(euc_kr.clone());
        assert_eq!(t.len(), euc_kr.len());
        assert!(t.ends_with("\nx;"));
        assert_eq!(super::decode("é".into()), "é");
    }
}

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
    /// The text itself, for a tree that keeps pointing into it.
    pub fn shared_text(&self, id: FileId) -> Arc<String> {
        self.files[id.0].text.clone()
    }
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id.0].name
    }
    /// Every file's id, in the order they were read.
    pub fn ids(&self) -> impl Iterator<Item = FileId> + use<> {
        (0..self.files.len()).map(FileId)
    }
    /// Replaces a file's text with one of the same length (what a report may show
    /// of it: an env file's values masked).
    pub fn replace_text(&mut self, id: FileId, text: String) {
        assert_eq!(text.len(), self.files[id.0].text.len(), "offsets are kept");
        let name = std::mem::take(&mut self.files[id.0].name);
        self.files[id.0] = Source::new(name, text);
    }
}
