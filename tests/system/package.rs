//! What a release publishes, installed where no Rust toolchain exists:
//! `scripts/dist.sh` builds the archive and the Debian package (cargo-deb) with
//! their checksums, then `dpkg -i` installs the package into the Debian 12 root
//! filesystem the deploy tests boot (on a throw-away overlay: the cached root is
//! left as it was), and there `svcgen --version`, `svcgen render`, `svcgen lint`,
//! `man svcgen` and the bash completion work as a user types them; the archive's
//! binary runs there too.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;
use crate::{Kind, rootfs, share};

/// Builds the release files (the release build is incremental: `scripts/test.sh`
/// makes it before the suite runs); returns the archive and the package.
fn dist() -> (PathBuf, PathBuf) {
    require("cargo-deb");
    let out = run(Command::new(root().join("scripts/dist.sh")).current_dir(root()));
    assert!(
        out.status.success(),
        "scripts/dist.sh failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let printed = text(&out.stdout);
    let find = |suffix: &str| -> PathBuf {
        let line = printed
            .lines()
            .find(|l| l.ends_with(suffix))
            .unwrap_or_else(|| panic!("dist.sh printed no {suffix} file:\n{printed}"));
        let path = root().join(line);
        assert!(
            path.is_file(),
            "dist.sh printed {}, which is not a file",
            path.display()
        );
        path
    };
    let (archive, deb) = (find(".tar.gz"), find(".deb"));
    // The checksums name both files and match them.
    let dir = deb.parent().unwrap();
    let sums = read(&dir.join("SHA256SUMS"));
    assert_eq!(sums.lines().count(), 2, "SHA256SUMS:\n{sums}");
    let check = run(Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(dir));
    assert!(
        check.status.success(),
        "sha256sum --check:\n{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    (archive, deb)
}

#[test]
fn the_debian_package_installs_and_runs_in_debian_12() {
    let _machine = share(Kind::Other);
    let nspawn = require("systemd-nspawn");
    let (archive, deb) = dist();
    let work = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/minimal.yaml"),
        work.path().join("hello.svcgen.yaml"),
    )
    .unwrap();

    // Everything a newcomer would type after installing, in one shell, each
    // command's output marked so the assertions below find it.
    let script = r#"set -e
echo '== dpkg'; dpkg -i /tmp/svcgen.deb
echo '== which'; command -v svcgen
echo '== cargo'; command -v cargo || echo 'no cargo'
echo '== version'; svcgen --version
cd /work
echo '== render'; svcgen render hello.svcgen.yaml --out out
echo '== files'; ls out
echo '== lint'; svcgen lint out/
echo '== man'; MANPAGER=cat MANWIDTH=80 man svcgen
echo '== man render'; MANPAGER=cat MANWIDTH=80 man svcgen-render
echo '== completion'; bash -c '. /usr/share/bash-completion/completions/svcgen && complete -p svcgen'
echo '== dpkg -L'; dpkg -L svcgen
echo '== archive'; mkdir /tmp/a && tar -xzf /tmp/svcgen.tar.gz -C /tmp/a && /tmp/a/svcgen-*/svcgen --version && ls /tmp/a/svcgen-*/ /tmp/a/svcgen-*/man
"#;
    let out = run(Command::new(nspawn)
        .arg("-D")
        .arg(rootfs())
        .args([
            "--register=no",
            "--keep-unit",
            "--volatile=overlay",
            "--quiet",
            "--pipe",
        ])
        .arg(format!("--machine=svcgen-deb-{}", std::process::id()))
        .arg(format!("--bind-ro={}:/tmp/svcgen.deb", deb.display()))
        .arg(format!(
            "--bind-ro={}:/tmp/svcgen.tar.gz",
            archive.display()
        ))
        .arg(format!("--bind={}:/work", work.path().display()))
        .args(["/bin/bash", "-c", script]));
    let stdout = text(&out.stdout);
    let all = format!("{stdout}\n--- stderr ---\n{}", text(&out.stderr));
    assert!(
        out.status.success(),
        "the package's commands failed in Debian 12:\n{all}"
    );

    // Each `== NAME` line starts a section that runs to the next one.
    let mut sections: Vec<(&str, String)> = Vec::new();
    for line in stdout.lines() {
        match line.strip_prefix("== ") {
            Some(name) => sections.push((name, String::new())),
            None => {
                if let Some((_, body)) = sections.last_mut() {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    let section = |name: &str| -> String {
        sections
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no `{name}` section in:\n{all}"))
            .1
            .clone()
    };
    assert_eq!(section("which").trim(), "/usr/bin/svcgen", "{all}");
    assert_eq!(
        section("cargo").trim(),
        "no cargo",
        "the root has no Rust toolchain:\n{all}"
    );
    assert_eq!(
        section("version").trim(),
        format!("svcgen {}", env!("CARGO_PKG_VERSION")),
        "{all}"
    );
    let files = section("files");
    for f in [
        "hello-blue@.service",
        "hello.conf",
        "deploy.sh",
        "hello.sudoers",
    ] {
        assert!(files.lines().any(|l| l == f), "render made no {f}:\n{all}");
    }
    assert!(
        section("lint").is_empty(),
        "the rendered files lint clean:\n{all}"
    );
    let man = section("man");
    assert!(
        man.contains("NAME") && man.contains("SYNOPSIS"),
        "man svcgen:\n{all}"
    );
    assert!(
        man.contains("svcgen-render(1)"),
        "man svcgen names its commands:\n{all}"
    );
    assert!(
        section("man render").contains("--check"),
        "man svcgen-render describes render's options:\n{all}"
    );
    assert!(
        section("completion").contains("svcgen"),
        "bash completes svcgen:\n{all}"
    );
    let listed = section("dpkg -L");
    for path in [
        "/usr/bin/svcgen",
        "/usr/share/man/man1/svcgen.1.gz",
        "/usr/share/man/man1/svcgen-lint.1.gz",
        "/usr/share/bash-completion/completions/svcgen",
        "/usr/share/zsh/vendor-completions/_svcgen",
        "/usr/share/fish/vendor_completions.d/svcgen.fish",
        "/usr/share/doc/svcgen/copyright",
    ] {
        assert!(
            listed.lines().any(|l| l == path),
            "the package holds no {path}:\n{all}"
        );
    }
    let unpacked = section("archive");
    assert!(
        unpacked.starts_with(&format!("svcgen {}\n", env!("CARGO_PKG_VERSION"))),
        "the archive's binary runs:\n{all}"
    );
    for f in [
        "LICENSE",
        "README.md",
        "completions",
        "man",
        "svcgen",
        "svcgen.1.gz",
        "svcgen-render.1.gz",
    ] {
        assert!(
            unpacked.lines().any(|l| l == f),
            "the archive holds no {f}:\n{all}"
        );
    }
    println!(
        "package: {} ({} bytes) installed into Debian 12; --version, render, lint, man and completion work there; {} ({} bytes) unpacked and ran there",
        deb.file_name().unwrap().to_string_lossy(),
        std::fs::metadata(&deb).unwrap().len(),
        archive.file_name().unwrap().to_string_lossy(),
        std::fs::metadata(&archive).unwrap().len()
    );
}
