//! The files a lint run reads: found below directories, read from disk or standard
//! input, and recognised as a format. A file that cannot be read, or whose format
//! cannot be told, is an error (exit 2), never "no findings".

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::Severity;
use super::format::{Format, Match};
use super::rule::Rule;

pub static UNREADABLE: Rule = Rule {
    code: "IN001",
    name: "file-unreadable",
    severity: Severity::Error,
    summary: "a file given to the linter cannot be read",
    what: "The file does not exist, is not readable, is a directory that cannot be listed, or standard input was empty (a failed `nginx -T` before a pipe prints nothing). Nothing in it is linted and svcgen exits 2.",
    why: "An input that was not read must never look clean.",
    example: "svcgen lint /etc/nginx/sites-enabled/missing.conf",
    fix: "Pass a path that exists and is readable; check the command before the pipe.",
    references: &[],
    description_key: None,
};

pub static UNKNOWN_TYPE: Rule = Rule {
    code: "IN002",
    name: "unknown-file-type",
    severity: Severity::Error,
    summary: "the linter cannot tell what kind of file this is",
    what: "No format recognised the file by its name or its content. It is not linted and svcgen exits 2.",
    why: "A file that was not linted must never look clean.",
    example: "svcgen lint site.txt",
    fix: "Name it as its format expects (`*.conf` nginx, `*.service` systemd, `ecosystem.config.js` PM2, `*.sh` deploy script, `*.yaml` description), or pass `--type`.",
    references: &[],
    description_key: None,
};

/// The input rules.
pub static RULES: &[&Rule] = &[&UNREADABLE, &UNKNOWN_TYPE];

/// Reads one input (`-` is standard input), decoding as the parsers expect.
pub fn read(path: &Path) -> std::io::Result<String> {
    if path.as_os_str() != "-" {
        return crate::syntax::read_file(path);
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // A failed `nginx -T` in a pipe prints nothing: never "no findings".
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "standard input is empty (did the command before the pipe fail?)",
        ));
    }
    Ok(crate::syntax::decode(bytes))
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The format of a file: the one that recognises it by name, else by content; of
/// equals, the first registered.
pub fn detect(formats: &[&dyn Format], path: &Path, text: &str) -> Option<usize> {
    let name = lower_name(path);
    let mut best: Option<(Match, usize)> = None;
    for (i, f) in formats.iter().enumerate() {
        if let Some(m) = f.recognise(&name, text)
            && best.is_none_or(|(b, _)| m > b)
        {
            best = Some((m, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Collects the lintable files below `dir` (those some format walks). Links are
/// followed, but every directory and file is visited once (by device and inode),
/// so a link loop ends and a linked file is not linted twice.
pub fn walk(
    formats: &[&dyn Format],
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut HashSet<(u64, u64)>,
) {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(dir) else {
        return;
    };
    if !seen.insert((meta.dev(), meta.ino())) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Reading it reports why it cannot be listed.
        out.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if p.is_dir() {
            walk(formats, &p, out, seen);
        } else if formats.iter().any(|f| f.walks(&p, &name)) {
            // A file that cannot be read is pushed, and reading it reports why.
            let first_time = std::fs::metadata(&p)
                .map(|m| seen.insert((m.dev(), m.ino())))
                .unwrap_or(true);
            if first_time {
                out.push(p);
            }
        }
    }
}
