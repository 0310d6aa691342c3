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
    write_atomic_with(path, content, mode, None, |_| Ok(()))
}

/// As [`write_atomic`], refusing a path whose links lead out of `confine`.
pub fn write_atomic_within(
    path: &Path,
    content: &[u8],
    mode: u32,
    confine: &Path,
) -> io::Result<WriteOutcome> {
    write_atomic_with(path, content, mode, Some(confine), |_| Ok(()))
}

/// Checks that `path`, its links followed, stays inside `root` (an error naming
/// the link otherwise). Called for every file before any is written.
pub fn confined(path: &Path, root: &Path) -> io::Result<()> {
    let resolved = resolve_links(path)?;
    if resolved == path {
        return Ok(());
    }
    // The link's target, with its directory made absolute, must lie in root.
    let root = fs::canonicalize(root)?;
    let parent = resolved.parent().unwrap_or(Path::new("."));
    if fs::canonicalize(parent).is_ok_and(|p| p.starts_with(&root)) {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{} is a link to {}, outside {}: refusing to follow it (remove the link)",
            path.display(),
            resolved.display(),
            root.display()
        ),
    ))
}

/// Holds an exclusive lock on a directory (flock on the directory itself, so no
/// lock file is left in it) until dropped: concurrent renders into one directory
/// take turns instead of interleaving their files.
pub struct DirLock(#[allow(dead_code)] fs::File);

impl DirLock {
    pub fn take(dir: &Path) -> io::Result<DirLock> {
        use std::os::fd::AsRawFd;
        fs::create_dir_all(dir)?;
        let f = fs::File::open(dir)?;
        // SAFETY: flock on a file descriptor this struct owns.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(DirLock(f))
    }
}

/// Removes temporary files an earlier svcgen left when it was killed (`kill -9`
/// between creating and renaming): `.NAME.svcgen-PID.tmp` whose PID is gone.
fn remove_stale_temporaries(dir: &Path, file_name: &str) {
    let prefix = format!(".{file_name}.svcgen-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = fs::remove_file(e.path());
        }
    }
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
    confine: Option<&Path>,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<WriteOutcome> {
    let resolved = resolve_links(path)?;
    if let Some(root) = confine {
        confined(path, root)?;
    }
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
    remove_stale_temporaries(dir, &file_name);
    let tmp = dir.join(format!(".{file_name}.svcgen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(content)?;
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        // A replaced file keeps its owner and group (a root-run --write must not
        // hand a user's file to root).
        if let Some(meta) = &existing {
            use std::os::unix::fs::MetadataExt;
            let mine = f.metadata()?;
            if mine.uid() != meta.uid() || mine.gid() != meta.gid() {
                std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()))?;
            }
        }
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
    fn links_out_of_the_output_directory_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        let victim = dir.path().join("bashrc");
        fs::write(&victim, "keep me\n").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("../bashrc", out.join("deploy.sh")).unwrap();
        let err = write_atomic_within(&out.join("deploy.sh"), b"x\n", 0o755, &out).unwrap_err();
        assert!(err.to_string().contains("outside"), "{err}");
        assert_eq!(fs::read(&victim).unwrap(), b"keep me\n");
        assert_eq!(
            fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // A link that stays inside is followed.
        fs::write(out.join("real.conf"), "old\n").unwrap();
        std::os::unix::fs::symlink("real.conf", out.join("site.conf")).unwrap();
        write_atomic_within(&out.join("site.conf"), b"new\n", 0o644, &out).unwrap();
        assert_eq!(fs::read(out.join("real.conf")).unwrap(), b"new\n");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".site.conf.svcgen-999999999.tmp");
        fs::write(&stale, "half\n").unwrap();
        write_atomic(&dir.path().join("site.conf"), b"x\n", 0o644).unwrap();
        assert!(!stale.exists());
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site.conf");
        fs::write(&target, "old\n").unwrap();
        let err = write_atomic_with(&target, b"new\n", 0o644, None, |tmp| {
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
