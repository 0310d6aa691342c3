//! Writing rendered files: atomically, only when their content changed, with the
//! right mode.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Writes `content` to `path` unless it already holds exactly that: a temporary file
/// in the same directory is written, flushed and synced, given `mode`, then renamed
/// over the target, so a reader sees the old file or the new one, never a part.
///
/// A symlink at `path` is followed: the file it points to is replaced (atomically,
/// in its own directory) and the link stays, as `sites-enabled/` links expect.
pub fn write_atomic(path: &Path, content: &[u8], mode: u32) -> io::Result<WriteOutcome> {
    write_atomic_with(path, content, mode, |_| Ok(()))
}

/// Follows symlinks (at most 16) to the path that is really written.
fn resolve_links(path: &Path) -> io::Result<std::path::PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..16 {
        match fs::symlink_metadata(&p) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// `write_atomic`, with `before_rename` called once the temporary file is complete
/// (tests use it to fail at the worst moment).
pub(crate) fn write_atomic_with(
    path: &Path,
    content: &[u8],
    mode: u32,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<WriteOutcome> {
    let resolved = resolve_links(path)?;
    let path = resolved.as_path();
    let existing = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Some(meta),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} exists and is not a regular file", path.display()),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing
        && meta.permissions().mode() & 0o7777 == mode
        && fs::read(path).is_ok_and(|old| old == content)
    {
        return Ok(WriteOutcome::Unchanged);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{file_name}.svcgen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(content)?;
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.sync_all()?;
        before_rename(&tmp)?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(if existing.is_some() {
        WriteOutcome::Updated
    } else {
        WriteOutcome::Created
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site.conf");
        fs::write(&target, "old\n").unwrap();
        let err = write_atomic_with(&target, b"new\n", 0o644, |tmp| {
            // The new content is complete on disk, the target still untouched.
            assert_eq!(fs::read(tmp).unwrap(), b"new\n");
            assert_eq!(fs::read(&target).unwrap(), b"old\n");
            Err(io::Error::other("power cut"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "power cut");
        assert_eq!(fs::read(&target).unwrap(), b"old\n");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");
    }

    #[test]
    fn unchanged_files_keep_their_mtime_and_modes_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("deploy.sh");
        assert_eq!(
            write_atomic(&target, b"x\n", 0o755).unwrap(),
            WriteOutcome::Created
        );
        let before = fs::metadata(&target).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            write_atomic(&target, b"x\n", 0o755).unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), before);
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
            0o755
        );
        assert_eq!(
            write_atomic(&target, b"y\n", 0o644).unwrap(),
            WriteOutcome::Updated
        );
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
            0o644
        );
    }

    #[test]
    fn symlinks_are_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("available")).unwrap();
        fs::create_dir(dir.path().join("enabled")).unwrap();
        let real = dir.path().join("available/app.conf");
        fs::write(&real, "old\n").unwrap();
        let link = dir.path().join("enabled/app.conf");
        std::os::unix::fs::symlink("../available/app.conf", &link).unwrap();
        write_atomic(&link, b"new\n", 0o644).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new\n");
    }
}
