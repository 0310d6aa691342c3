//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn svcgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_svcgen"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("svcgen runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The YAML files directly in `fixtures/<sub>`, sorted, as paths relative to the root.
pub fn fixtures(sub: &str) -> Vec<String> {
    let dir = root().join("fixtures").join(sub);
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// The valid example descriptions: `fixtures/*.yaml` and `fixtures/quoting/*.yaml`.
pub fn valid_fixtures() -> Vec<String> {
    let mut all = fixtures("");
    all.extend(fixtures("quoting"));
    all
}

/// Fails the test with a message naming a missing real tool; never skips.
pub fn require(tool: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in
        std::env::split_paths(&path).chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
    {
        let candidate = dir.join(tool);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "real-tool test needs `{tool}`, which is not installed: run `./scripts/test.sh` (it installs the tools the tests use) or install {tool} yourself"
    );
}

pub fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"))
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Runs git in `dir` with a fixed identity; fails the test on error; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = run(Command::new("git")
        .args([
            "-c",
            "user.name=svcgen test",
            "-c",
            "user.email=test@svcgen.invalid",
        ])
        .arg("-C")
        .arg(dir)
        .args(args));
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A self-signed EC certificate for `cn`, written to `cert` and `key` by the real
/// openssl (the tests' TLS sites load it).
pub fn self_signed(cn: &str, cert: &Path, key: &Path) {
    let out = run(Command::new(require("openssl"))
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", &format!("/CN={cn}")])
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert));
    assert!(out.status.success(), "openssl: {}", text(&out.stderr));
}

/// A test's nginx prefix: `sites/` and `logs/` made, a self-signed certificate
/// for `svcgen.test` written (`cert.pem`, `key.pem`). Dropping the directory
/// removes it.
pub fn nginx_workdir() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sites")).unwrap();
    std::fs::create_dir_all(d.join("logs")).unwrap();
    let cert = d.join("cert.pem");
    let key = d.join("key.pem");
    self_signed("svcgen.test", &cert, &key);
    (dir, cert, key)
}

/// A free loopback port (free when asked; the caller binds it soon after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `n` free consecutive loopback ports.
pub fn free_port_block(n: u16) -> u16 {
    'search: for _ in 0..200 {
        let base = free_port();
        if base > 65000 {
            continue;
        }
        for p in base..base + n {
            if std::net::TcpListener::bind(("127.0.0.1", p)).is_err() {
                continue 'search;
            }
        }
        return base;
    }
    panic!("no block of {n} free loopback ports");
}

/// A description's nginx logs moved into `dir/logs` (where a test's nginx can
/// write them).
pub fn logs_into(s: &mut svcgen::description::Service, dir: &Path) {
    s.logs.access_log = Some(
        dir.join(format!("logs/{}.access.log", s.name))
            .display()
            .to_string()
            .try_into()
            .unwrap(),
    );
    s.logs.error_log = Some(
        dir.join(format!("logs/{}.error.log", s.name))
            .display()
            .to_string()
            .try_into()
            .unwrap(),
    );
}

/// An nginx.conf in `dir` (pid file and error log inside it; `dir/logs` must
/// exist) with the dynamic modules, whose http block includes the MIME types and
/// `sites` (a file or a glob); `user root` when nginx will serve files from a
/// test's private directory.
pub fn nginx_conf(dir: &Path, sites: &Path, user_root: bool) -> PathBuf {
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "{modules}{user}pid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\nevents {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n    include {sites};\n}}\n",
            modules = nginx_modules(),
            user = if user_root { "user root;\n" } else { "" },
            d = dir.display(),
            sites = sites.display()
        ),
    )
    .unwrap();
    conf
}

/// The `load_module` lines of the dynamic modules sites may use (brotli, for
/// `compression.brotli`), as Debian's packages install them. A missing module
/// fails the test, naming its package.
pub fn nginx_modules() -> String {
    let mut lines = String::new();
    for (module, package) in [
        (
            "ngx_http_brotli_filter_module.so",
            "libnginx-mod-http-brotli-filter",
        ),
        (
            "ngx_http_brotli_static_module.so",
            "libnginx-mod-http-brotli-static",
        ),
    ] {
        let path = Path::new("/usr/lib/nginx/modules").join(module);
        assert!(
            path.is_file(),
            "{} is missing: install {package} (scripts/test.sh does)",
            path.display()
        );
        lines.push_str(&format!("load_module {};\n", path.display()));
    }
    lines
}

/// `nginx -t` on an nginx.conf written into `dir` (pid file and error log inside
/// it; `dir/logs` must exist) whose http block includes the MIME types and `sites`
/// (a file or a glob).
pub fn nginx_test(nginx: &Path, dir: &Path, sites: &Path) -> Output {
    let conf = nginx_conf(dir, sites, false);
    run(Command::new(nginx)
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf))
}

/// Every file below `dir`, as paths relative to it (`api.k8s/base/api.yaml`), sorted.
pub fn files_below(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// Copies a directory tree (files and folders).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// An example description, loaded; fails the test with the errors.
pub fn load(file: &str) -> svcgen::description::LoadedSpec {
    svcgen::description::load(file, &read(&root().join(file)))
        .unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

/// The rendered file of a kind, if any.
pub fn artifact(
    artifacts: &[svcgen::render::Artifact],
    kind: svcgen::render::ArtifactKind,
) -> Option<&svcgen::render::Artifact> {
    artifacts.iter().find(|a| a.kind == kind)
}

/// Runs svcgen, which must refuse (exit 2) saying `needle` on standard error;
/// returns what it said.
pub fn refused(args: &[&str], needle: &str) -> String {
    let out = svcgen(args);
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "svcgen {args:?}:\n{said}");
    assert!(
        said.contains(needle),
        "svcgen {args:?} must say {needle:?}:\n{said}"
    );
    said
}

/// Renders `description` into `dir` (`--out`), which must succeed.
pub fn render_out(description: &str, dir: impl AsRef<Path>) {
    let dir = dir.as_ref().to_str().unwrap();
    let out = svcgen(&["render", description, "--out", dir]);
    assert!(out.status.success(), "{description}: {}", text(&out.stderr));
}

/// All a command printed: standard output, then standard error (lint's findings
/// and its summary together).
pub fn said(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}
