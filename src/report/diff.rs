//! `svcgen diff` as text: unified diffs of rendered files against the disk,
//! coloured on a terminal.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::drift::{FileDrift, Status};

/// One line counting the files by status: `2 differ, 1 missing, 0 no longer
/// rendered, 5 unchanged`.
pub fn summary(files: &[FileDrift]) -> String {
    let count = |s: Status| files.iter().filter(|f| f.status == s).count();
    format!(
        "{} differ, {} missing, {} no longer rendered, {} unchanged",
        count(Status::Modified),
        count(Status::Added),
        count(Status::Stale),
        count(Status::Unchanged)
    )
}

/// Writes every file's unified diff (and a line for each file on disk that is no
/// longer rendered).
pub fn write(files: &[FileDrift], colour: bool, w: &mut impl Write) -> std::io::Result<()> {
    let header = Style::new().bold();
    let added = AnsiColor::Green.on_default();
    let removed = AnsiColor::Red.on_default();
    let hunk = AnsiColor::Cyan.on_default();
    for f in files {
        if f.status == Status::Stale {
            writeln!(
                w,
                "{}: on disk but no longer rendered from this description (remove it)",
                f.path.display()
            )?;
        }
        for line in f.unified().lines() {
            let style = if !colour {
                Style::new()
            } else if line.starts_with("+++") || line.starts_with("---") {
                header
            } else if line.starts_with('+') {
                added
            } else if line.starts_with('-') {
                removed
            } else if line.starts_with("@@") {
                hunk
            } else {
                Style::new()
            };
            writeln!(w, "{style}{line}{style:#}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_the_unified_diff_and_colour_marks_each_kind_of_line() {
        let f = FileDrift {
            path: "x.conf".into(),
            status: Status::Modified,
            added: 1,
            removed: 1,
            old: "a\nb\n".into(),
            new: "a\nc\n".into(),
        };
        let mut plain = Vec::new();
        write(std::slice::from_ref(&f), false, &mut plain).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), f.unified());
        let mut coloured = Vec::new();
        write(&[f], true, &mut coloured).unwrap();
        let c = String::from_utf8(coloured).unwrap();
        assert!(c.contains("\x1b[31m-b\x1b[0m\n"), "{c:?}");
        assert!(c.contains("\x1b[32m+c\x1b[0m\n"), "{c:?}");
        assert!(c.contains("\x1b[1m---"), "{c:?}");
    }
}
