//! Writing rendered files: atomically, only when their content changed, with the
//! right mode.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use cap_fs_ext::DirExt;
use cap_std::ambient_authority;
use cap_std::fs::{Dir, MetadataExt as _, PermissionsExt as _};

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
    Unchanged,
}

/// A directory every write stays beneath: each path component is opened one at a
/// time without following links (cap-std), and a link on the way is followed only
/// when root or the user running svcgen owns it and its target stays beneath the
/// directory. A link another user could have planted (the deploy user's, inside
/// APP_DIR) is never followed: root's `render --write` does not write through it.
pub struct Beneath {
    base: PathBuf,
    dir: Dir,
    /// The base is `/`: an absolute link target restarts from it instead of
    /// leaving it.
    is_root: bool,
}

/// The resolved place of a file: its directory, opened, and its name there.
struct Place {
    dir: Dir,
    name: OsString,
    /// A regular file is there now.
    exists: bool,
}

impl Beneath {
    /// Opens (and creates) `base`; the base itself is the operator's choice and
    /// is opened as given.
    pub fn open(base: &Path) -> io::Result<Beneath> {
        fs::create_dir_all(base)?;
        let dir = Dir::open_ambient_dir(base, ambient_authority())?;
        let is_root = fs::canonicalize(base)? == Path::new("/");
        Ok(Beneath {
            base: base.to_path_buf(),
            dir,
            is_root,
        })
    }

    /// Checks that `rel` can be written without following a link out or one
    /// another user owns; creates nothing.
    pub fn check(&self, rel: &Path) -> io::Result<()> {
        self.resolve(rel, false).map(|_| ())
    }

    /// Writes `content` to `rel` unless it already holds exactly that: a
    /// temporary file in the same directory is written, flushed and synced, given
    /// `mode`, then renamed over the target, so a reader sees the old file or the
    /// new one, never a part.
    pub fn write(&self, rel: &Path, content: &[u8], mode: u32) -> io::Result<WriteOutcome> {
        self.write_with(rel, content, mode, |_| Ok(()))
    }

    fn shown(&self, rel: &Path) -> String {
        self.base.join(rel).display().to_string()
    }

    /// Walks `rel` component by component (links resolved by the rule above);
    /// `None` when a directory on the way does not exist and `create` is false.
    fn resolve(&self, rel: &Path, create: bool) -> io::Result<Option<Place>> {
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        let mut stack: Vec<Dir> = vec![self.dir.try_clone()?];
        let mut todo: VecDeque<OsString> = components(rel);
        let mut links = 0;
        let refuse = |why: String| {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{}: {why}: refusing to follow it (remove the link)",
                    self.shown(rel)
                ),
            ))
        };
        while let Some(c) = todo.pop_front() {
            if c == ".." {
                if stack.len() == 1 {
                    return refuse(format!("a link leads out of {}", self.base.display()));
                }
                stack.pop();
                continue;
            }
            let last = todo.is_empty();
            let cur = stack.last().expect("the base is never popped");
            let meta = match cur.symlink_metadata(&c) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if last {
                        return Ok(Some(Place {
                            dir: cur.try_clone()?,
                            name: c,
                            exists: false,
                        }));
                    }
                    if !create {
                        return Ok(None);
                    }
                    match cur.create_dir(&c) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                        Err(e) => return Err(e),
                    }
                    let next = cur.open_dir_nofollow(&c)?;
                    stack.push(next);
                    continue;
                }
                Err(e) => return Err(e),
            };
            if meta.file_type().is_symlink() {
                links += 1;
                if links > 32 {
                    return refuse("too many levels of links".into());
                }
                if meta.uid() != 0 && meta.uid() != me {
                    return refuse(format!(
                        "`{}` is a link owned by uid {}, which could have planted it",
                        c.to_string_lossy(),
                        meta.uid()
                    ));
                }
                let target = cur.read_link_contents(&c)?;
                if target.is_absolute() {
                    if !self.is_root {
                        return refuse(format!(
                            "`{}` is a link to {}, outside {}",
                            c.to_string_lossy(),
                            target.display(),
                            self.base.display()
                        ));
                    }
                    stack.truncate(1);
                }
                for part in components(&target).into_iter().rev() {
                    todo.push_front(part);
                }
                continue;
            }
            if last {
                if !meta.is_file() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("{} exists and is not a regular file", self.shown(rel)),
                    ));
                }
                return Ok(Some(Place {
                    dir: cur.try_clone()?,
                    name: c,
                    exists: true,
                }));
            }
            if !meta.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::NotADirectory,
                    format!(
                        "{}: `{}` is not a directory",
                        self.shown(rel),
                        c.to_string_lossy()
                    ),
                ));
            }
            let next = cur.open_dir_nofollow(&c)?;
            stack.push(next);
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a file name", self.shown(rel)),
        ))
    }

    /// `write`, with `before_rename` called once the temporary file is complete
    /// (tests use it to fail at the worst moment).
    pub(crate) fn write_with(
        &self,
        rel: &Path,
        content: &[u8],
        mode: u32,
        before_rename: impl FnOnce(&Dir) -> io::Result<()>,
    ) -> io::Result<WriteOutcome> {
        let Some(place) = self.resolve(rel, true)? else {
            unreachable!("resolve creates the directories on the way");
        };
        let Place { dir, name, exists } = place;
        let existing = if exists {
            Some(dir.symlink_metadata(&name)?)
        } else {
            None
        };
        if let Some(meta) = &existing
            && meta.permissions().mode() & 0o7777 == mode
            && dir.read(&name).is_ok_and(|old| old == content)
        {
            return Ok(WriteOutcome::Unchanged);
        }
        let file_name = name.to_string_lossy().into_owned();
        remove_stale_temporaries(&dir, &file_name);
        let tmp = format!(".{file_name}.svcgen-{}.tmp", std::process::id());
        let result = (|| {
            let mut opts = cap_std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            let mut f = dir.open_with(&tmp, &opts)?.into_std();
            f.write_all(content)?;
            f.set_permissions(fs::Permissions::from_mode(mode))?;
            // A replaced file keeps its owner and group (a root-run --write must not
            // hand a user's file to root).
            if let Some(meta) = &existing {
                let mine = f.metadata()?;
                if mine.uid() != meta.uid() || mine.gid() != meta.gid() {
                    std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()))?;
                }
            }
            f.sync_all()?;
            before_rename(&dir)?;
            dir.rename(&tmp, &dir, &name)
        })();
        if let Err(e) = result {
            let _ = dir.remove_file(&tmp);
            return Err(e);
        }
        // Make the rename itself durable.
        if let Ok(d) = dir.try_clone() {
            let _ = d.into_std_file().sync_all();
        }
        Ok(if existing.is_some() {
            WriteOutcome::Updated
        } else {
            WriteOutcome::Created
        })
    }
}

/// A path's parts as the walk takes them (`.` and `/` dropped, `..` kept).
fn components(p: &Path) -> VecDeque<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some("..".into()),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => None,
        })
        .collect()
}

/// Writes one file beneath `base` (see [`Beneath`]).
pub fn write_beneath(
    base: &Path,
    rel: &Path,
    content: &[u8],
    mode: u32,
) -> io::Result<WriteOutcome> {
    Beneath::open(base)?.write(rel, content, mode)
}

/// Holds an exclusive lock on a directory (flock on the directory itself, so no
/// lock file is left in it) until dropped: concurrent renders into one directory
/// take turns instead of interleaving their files.
pub struct DirLock(#[allow(dead_code)] fs::File);

impl DirLock {
    pub fn take(dir: &Path) -> io::Result<DirLock> {
        fs::create_dir_all(dir)?;
        let f = fs::File::open(dir)?;
        // flock(2) on the directory's own descriptor (the standard library's).
        f.lock()?;
        Ok(DirLock(f))
    }
}

/// Removes temporary files an earlier svcgen left when it was killed (`kill -9`
/// between creating and renaming): `.NAME.svcgen-PID.tmp` whose PID is gone.
fn remove_stale_temporaries(dir: &Dir, file_name: &str) {
    let prefix = format!(".{file_name}.svcgen-");
    let Ok(entries) = dir.entries() else {
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
            let _ = dir.remove_file(&name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn beneath(d: &Path) -> Beneath {
        Beneath::open(d).unwrap()
    }

    #[test]
    fn links_out_of_the_output_directory_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        let victim = dir.path().join("bashrc");
        fs::write(&victim, "keep me\n").unwrap();
        fs::set_permissions(&victim, fs::Permissions::from_mode(0o600)).unwrap();
        symlink("../bashrc", out.join("deploy.sh")).unwrap();
        let b = beneath(&out);
        let err = b.write(Path::new("deploy.sh"), b"x\n", 0o755).unwrap_err();
        assert!(err.to_string().contains("refusing to follow it"), "{err}");
        assert_eq!(fs::read(&victim).unwrap(), b"keep me\n");
        assert_eq!(
            fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
            0o600
        );
        // An absolute link, and a linked directory on the way, lead out too.
        symlink(&victim, out.join("abs.sh")).unwrap();
        assert!(b.write(Path::new("abs.sh"), b"x\n", 0o755).is_err());
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        symlink("../elsewhere", out.join("svc.k8s")).unwrap();
        let err = b
            .write(Path::new("svc.k8s/deployment.yaml"), b"x\n", 0o644)
            .unwrap_err();
        assert!(err.to_string().contains("leads out"), "{err}");
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
        // check() says the same without writing.
        assert!(b.check(Path::new("svc.k8s/deployment.yaml")).is_err());
        // A link that stays inside is followed.
        fs::write(out.join("real.conf"), "old\n").unwrap();
        symlink("real.conf", out.join("site.conf")).unwrap();
        b.write(Path::new("site.conf"), b"new\n", 0o644).unwrap();
        assert_eq!(fs::read(out.join("real.conf")).unwrap(), b"new\n");
    }

    /// A link the deploy user planted (owned by another uid) is never followed,
    /// even when it stays beneath the root (`/` for `--write`).
    #[test]
    fn a_link_another_user_owns_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("etc/sudoers.d")).unwrap();
        fs::create_dir_all(root.join("srv/api")).unwrap();
        symlink("../../etc/sudoers.d/evil", root.join("srv/api/deploy.sh")).unwrap();
        symlink("../../etc", root.join("srv/api/conf")).unwrap();
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        let other = if me == 0 { 65534 } else { me };
        for link in ["srv/api/deploy.sh", "srv/api/conf"] {
            // lchown changes the link, not its target.
            let r = std::os::unix::fs::lchown(root.join(link), Some(other), Some(other));
            if me != 0 {
                // Only root can give a link away; as a user, a link of one's own
                // is followed (it is the user's own file).
                assert!(r.is_err());
                return;
            }
            r.unwrap();
        }
        let b = beneath(root);
        let err = b
            .write(Path::new("srv/api/deploy.sh"), b"#!/bin/sh\n", 0o755)
            .unwrap_err();
        assert!(err.to_string().contains("owned by uid 65534"), "{err}");
        let err = b
            .write(Path::new("srv/api/conf/sudoers.d/x"), b"x\n", 0o440)
            .unwrap_err();
        assert!(err.to_string().contains("refusing to follow it"), "{err}");
        assert_eq!(fs::read_dir(root.join("etc/sudoers.d")).unwrap().count(), 0);
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".site.conf.svcgen-999999999.tmp");
        fs::write(&stale, "half\n").unwrap();
        beneath(dir.path())
            .write(Path::new("site.conf"), b"x\n", 0o644)
            .unwrap();
        assert!(!stale.exists());
    }

    #[test]
    fn an_interrupted_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site.conf");
        fs::write(&target, "old\n").unwrap();
        let err = beneath(dir.path())
            .write_with(Path::new("site.conf"), b"new\n", 0o644, |d| {
                // The new content is complete on disk, the target still untouched.
                let tmp = format!(".site.conf.svcgen-{}.tmp", std::process::id());
                assert_eq!(d.read(tmp).unwrap(), b"new\n");
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
        let b = beneath(dir.path());
        let rel = Path::new("deploy.sh");
        let target = dir.path().join(rel);
        assert_eq!(b.write(rel, b"x\n", 0o755).unwrap(), WriteOutcome::Created);
        let before = fs::metadata(&target).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(
            b.write(rel, b"x\n", 0o755).unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), before);
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
            0o755
        );
        assert_eq!(b.write(rel, b"y\n", 0o644).unwrap(), WriteOutcome::Updated);
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
            0o644
        );
    }

    #[test]
    fn own_links_inside_are_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("available")).unwrap();
        fs::create_dir(dir.path().join("enabled")).unwrap();
        let real = dir.path().join("available/app.conf");
        fs::write(&real, "old\n").unwrap();
        let link = dir.path().join("enabled/app.conf");
        symlink("../available/app.conf", &link).unwrap();
        beneath(dir.path())
            .write(Path::new("enabled/app.conf"), b"new\n", 0o644)
            .unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new\n");
    }
}
