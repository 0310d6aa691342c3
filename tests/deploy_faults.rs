//! The rendered deploy.sh under faults, without root: the script runs against stub
//! `systemctl`, `nginx`, `curl` and `sudo` that keep their state in files and
//! fail, hang or lie where a case says. Each case asserts the exit code, what the
//! script said, and the state it left (links, running slots, `.switching`). The
//! real-system proof (systemd as PID 1, real nginx, load) is tests/e2e_deploy.rs.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{git, read, svcgen, text};

/// The stubs: every root command the script runs, by the path it names, kept
/// in `$STATE`. Faults are files in `$STATE/fault/`.
const SYSTEMCTL: &str = r#"#!/usr/bin/env bash
# systemctl: units are files in $STATE/active and $STATE/enabled.
set -u
f() { [[ -e "$STATE/fault/$1" ]]; }
echo "systemctl $*" >>"$STATE/calls"
quiet=no
args=()
for a in "$@"; do
  if [[ $a == --quiet ]]; then quiet=yes; else args+=("$a"); fi
done
verb=${args[0]}
unit=${args[1]:-}
case $verb in
  start)
    f start && { echo "Job for $unit failed." >&2; exit 1; }
    touch "$STATE/active/$unit" ;;
  stop) rm -f "$STATE/active/$unit" ;;
  enable) f enable && exit 1; touch "$STATE/enabled/$unit" ;;
  disable) rm -f "$STATE/enabled/$unit" ;;
  is-active) [[ -e "$STATE/active/$unit" ]] ;;
  is-enabled) [[ -e "$STATE/enabled/$unit" ]] ;;
  reload)
    # nginx.service: a graceful reload is a HUP to the master.
    if f reload-refused; then echo "nginx.service: reload failed" >&2; exit 1; fi
    kill -HUP "$(cat "$STATE/nginx.pid")"
    f reload-reply-lost && exit 1
    exit 0 ;;
  *) echo "stub systemctl: $verb?" >&2; exit 2 ;;
esac
"#;

const NGINX: &str = r#"#!/usr/bin/env bash
# nginx -t: fails while another site is broken.
echo "nginx $*" >>"$STATE/calls"
if [[ -e "$STATE/fault/other-site-broken" ]]; then
  echo 'nginx: [emerg] unknown directive "server_nme" in /etc/nginx/sites-enabled/other:3' >&2
  echo 'nginx: configuration file /etc/nginx/nginx.conf test failed' >&2
  exit 1
fi
exit 0
"#;

const CURL: &str = r#"#!/usr/bin/env bash
# curl: a slot's port answers 200 while its unit is active and not faulty.
url=${*: -1}
port=${url#http://*:}
port=${port%%/*}
for u in "$STATE"/active/*@"$port".service; do
  if [[ -e $u && ! -e "$STATE/fault/unhealthy-$port" ]]; then printf 200; exit 0; fi
done
echo "curl: (7) Failed to connect to port $port" >&2
exit 7
"#;

const SUDO: &str = r#"#!/usr/bin/env bash
# sudo -n -- CMD...: runs it (the sudoers rules are proven by tests/real_tools.rs).
[[ $1 == -n ]] && shift
[[ $1 == -- ]] && shift
exec "$@"
"#;

/// nginx's master as deploy.sh watches it: a process whose child is a
/// "worker process", replaced by a new one on HUP.
const MASTER: &str = r#"#!/usr/bin/env bash
start() { (exec -a "nginx: worker process" sleep 1000) & w=$!; }
trap 'kill "$w"; start' HUP
trap 'kill "$w"; exit 0' TERM
start
while :; do wait; done
"#;

struct Host {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    app: PathBuf,
    state: PathBuf,
    script: PathBuf,
    work: PathBuf,
    master: Child,
}

impl Drop for Host {
    /// The stub master and its worker go with the host (their own process group).
    fn drop(&mut self) {
        let group = -i32::try_from(self.master.id()).unwrap();
        unsafe { libc::kill(group, libc::SIGKILL) };
        let _ = self.master.wait();
    }
}

fn write_exec(path: &Path, body: &str) {
    std::fs::write(path, body).unwrap();
    Command::new("chmod").arg("+x").arg(path).status().unwrap();
}

impl Host {
    /// A host with the script rendered for a repository holding one release.
    fn new() -> Host {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let (app, state, stubs) = (dir.join("srv/hello"), dir.join("state"), dir.join("stubs"));
        for d in [
            &app,
            &state.join("active"),
            &state.join("enabled"),
            &state.join("fault"),
            &stubs,
            &dir.join("etc/nginx/sites-available"),
        ] {
            std::fs::create_dir_all(d).unwrap();
        }
        for (name, body) in [
            ("systemctl", SYSTEMCTL),
            ("nginx", NGINX),
            ("curl", CURL),
            ("sudo", SUDO),
            ("master", MASTER),
        ] {
            write_exec(&stubs.join(name), body);
        }
        let work = dir.join("work");
        std::fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        std::fs::write(work.join("index.js"), "// v1\n").unwrap();
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "v1"]);

        let user = text(&Command::new("id").arg("-un").output().unwrap().stdout)
            .trim()
            .to_string();
        let description = format!(
            "name: hello\ndescription: fault matrix\nuser: hello\napp_dir: /srv/hello\nentry: index.js\n\
             host:\n  supervisor:\n    kind: systemd\n\
             site:\n  domains: [hello.example.com]\n  tls:\n    certificate: /etc/ssl/hello/fullchain.pem\n    key: /etc/ssl/private/hello.key\n\
             deploy:\n  repo: {repo}\n  install: sh -c 'test ! -e {fault}/install'\n  build: sh -c 'test ! -e {fault}/build && {{ test ! -e {fault}/build-hangs || sleep 60; }}'\n  timeouts:\n    build: 2s\n  prune: null\n  health_retries: 2\n  health_interval: 100ms\n  nginx_pid_file: {state}/nginx.pid\n",
            repo = work.display(),
            fault = state.join("fault").display(),
            state = state.display(),
        );
        let spec = dir.join("hello.yaml");
        std::fs::write(&spec, description).unwrap();
        let out_dir = dir.join("rendered");
        let out = svcgen(&[
            "render",
            spec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "render: {}", text(&out.stderr));
        // The script as rendered, its root commands and paths moved into the
        // host's directory (the only changes).
        let rendered = read(&out_dir.join("deploy.sh"));
        let moved = [
            (
                "readonly DEPLOY_USER=hello",
                format!("readonly DEPLOY_USER={user}"),
            ),
            (
                "readonly APP_DIR=/srv/hello",
                format!("readonly APP_DIR={}", app.display()),
            ),
            (
                "/usr/bin/systemctl",
                stubs.join("systemctl").display().to_string(),
            ),
            ("/usr/sbin/nginx", stubs.join("nginx").display().to_string()),
            ("/etc/nginx/", format!("{}/etc/nginx/", dir.display())),
        ];
        let mut script = rendered.clone();
        for (from, to) in &moved {
            assert!(script.contains(from), "deploy.sh has no {from}");
            script = script.replace(from, to);
        }
        let path = dir.join("deploy.sh");
        write_exec(&path, &script);
        let master = Command::new(stubs.join("master"))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::fs::write(state.join("nginx.pid"), master.id().to_string()).unwrap();
        Host {
            _tmp: tmp,
            app,
            state,
            script: path,
            work,
            master,
            dir,
        }
    }

    fn fault(&self, name: &str) {
        std::fs::write(self.state.join("fault").join(name), "").unwrap();
    }

    fn clear(&self, name: &str) {
        std::fs::remove_file(self.state.join("fault").join(name)).unwrap();
    }

    /// Runs deploy.sh; its exit code and what it said.
    fn deploy(&self, args: &[&str]) -> (i32, String) {
        let stubs = self.dir.join("stubs");
        // A deploy that hangs fails the case (exit 124), it never hangs the suite.
        let out = Command::new("timeout")
            .args(["60", "bash"])
            .arg(&self.script)
            .args(args)
            .env(
                "PATH",
                format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap()),
            )
            .env("STATE", &self.state)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), text(&out.stderr))
    }

    fn commit(&self, version: &str) {
        std::fs::write(self.work.join("index.js"), format!("// {version}\n")).unwrap();
        git(&self.work, &["commit", "-q", "-am", version]);
    }

    /// Where a link under APP_DIR points, or "" when it is not there.
    fn link(&self, name: &str) -> String {
        std::fs::read_link(self.app.join(name))
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    /// The running units, sorted.
    fn active(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.state.join("active"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn enabled(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.state.join("enabled"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// The slot nginx's upstream link names (what nginx serves after a reload).
    fn upstream(&self) -> String {
        std::fs::read_link(self.dir.join("etc/nginx/sites-available/hello.upstream"))
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    fn switching(&self) -> bool {
        self.app.join(".switching").exists()
    }

    /// The green slot serves as before the deploy: the only running unit,
    /// `live` and nginx's upstream on it, no switch half done.
    fn green_serves_untouched(&self) {
        assert_eq!(self.active(), ["hello-green@3001.service"]);
        assert_eq!(
            (self.link("live"), self.upstream()),
            ("live-green".into(), "hello.upstream-green".into())
        );
        assert!(!self.switching(), "no .switching left behind");
    }

    /// A first deploy (blue serves) and a second (green serves, blue stopped).
    fn serving_green() -> Host {
        let h = Host::new();
        let (code, log) = h.deploy(&[]);
        assert_eq!(code, 0, "first deploy: {log}");
        h.commit("v2");
        let (code, log) = h.deploy(&[]);
        assert_eq!(code, 0, "second deploy: {log}");
        assert_eq!(h.link("live"), "live-green");
        assert_eq!(h.active(), ["hello-green@3001.service"]);
        h
    }
}

fn expect(code: i32, log: &str, want: i32, says: &str) {
    assert_eq!(code, want, "exit code; the script said:\n{log}");
    assert!(
        log.contains(says),
        "the script should say {says:?}; it said:\n{log}"
    );
}

#[test]
fn a_deploy_switches_and_stops_the_previous_slot() {
    let h = Host::serving_green();
    assert_eq!(h.enabled(), ["hello-green@3001.service"]);
    assert_eq!(h.upstream(), "hello.upstream-green");
    assert!(!h.switching());
    assert!(h.link("previous").starts_with("releases/"));
}

#[test]
fn a_failed_install_or_build_starts_nothing() {
    for step in ["install", "build"] {
        let h = Host::serving_green();
        h.commit("v3");
        h.fault(step);
        let (code, log) = h.deploy(&[]);
        expect(code, &log, 1, &format!("FAILED during '{step}'"));
        assert!(log.contains("nothing was started"), "{log}");
        h.green_serves_untouched();
    }
}

#[test]
fn an_unhealthy_release_is_stopped_and_never_served() {
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("unhealthy-3000");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 1, "never took a request");
    h.green_serves_untouched();
    assert_eq!(h.enabled(), ["hello-green@3001.service"]);
}

/// Another site is broken: nginx cannot take any switch. Nothing is started,
/// nginx's own error is quoted, and the next deploy after the fix succeeds.
#[test]
fn a_host_nginx_refuses_is_found_before_anything_starts() {
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("other-site-broken");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 1, "unknown directive \"server_nme\"");
    assert!(!log.contains("start: "), "nothing may start: {log}");
    h.green_serves_untouched();
    assert_eq!(h.enabled(), ["hello-green@3001.service"]);
    h.clear("other-site-broken");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 0, "deployed");
    assert_eq!(h.active(), ["hello-blue@3000.service"]);
}

/// A `live` link that names no slot is a set-up error (2), whoever reads it.
#[test]
fn a_live_link_naming_no_slot_is_a_setup_error() {
    let h = Host::serving_green();
    std::fs::remove_file(h.app.join("live")).unwrap();
    std::os::unix::fs::symlink("elsewhere", h.app.join("live")).unwrap();
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 2, "points at 'elsewhere'");
    assert_eq!(h.active(), ["hello-green@3001.service"]);
}

/// The switch fails before nginx reloads: `live` goes back, the new slot stops,
/// exit 1 — never "the new release is serving".
#[test]
fn a_switch_that_fails_before_the_reload_is_undone() {
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("enable");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 1, "FAILED during 'switch'");
    assert!(!log.contains("is serving in the"), "{log}");
    h.green_serves_untouched();
}

/// nginx refuses the reload (it kept its configuration): back to the serving
/// slot, exit 1.
#[test]
fn a_refused_reload_goes_back_to_the_serving_slot() {
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("reload-refused");
    let (code, log) = h.deploy(&[]);
    // Going back needs no reload: nginx never left the serving slot.
    expect(code, &log, 1, "never took a request");
    h.green_serves_untouched();
}

/// The reload happened but its reply was lost: the script judges by what nginx
/// runs (new workers), not by the command's status.
#[test]
fn a_lost_reload_reply_is_judged_by_what_nginx_runs() {
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("reload-reply-lost");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 0, "deployed");
    assert!(log.contains("reloaded"), "{log}");
    assert_eq!(h.active(), ["hello-blue@3000.service"]);
    assert_eq!(
        (h.link("live"), h.upstream()),
        ("live-blue".into(), "hello.upstream-blue".into())
    );
}

#[test]
fn a_second_deploy_waits_for_no_one() {
    let h = Host::serving_green();
    let lock = std::fs::File::options()
        .create(true)
        .append(true)
        .open(h.app.join(".deploy.lock"))
        .unwrap();
    lock.lock().unwrap();
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 3, "another deploy is running");
    drop(lock);
}

/// A build that never ends is stopped at its time limit (deploy.timeouts), the
/// step named; nothing started.
#[test]
fn a_build_that_hangs_is_stopped_at_its_limit() {
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("build-hangs");
    let started = std::time::Instant::now();
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 1, "build: timed out after 2s");
    assert!(log.contains("nothing was started"), "{log}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(h.active(), ["hello-green@3001.service"]);
}
