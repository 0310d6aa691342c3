//! The rendered deploy.sh under faults, without root: the script runs against
//! stub `systemctl`, `pm2`, `nginx`, `curl`, `tail`, `git` and `sudo` that keep
//! their state in files and fail, hang or lie where a case says, and against
//! signals sent at every stage. Each case asserts the exit code, what the script
//! said, and the state it left (links, running slots, nginx's upstream,
//! `.switching`); every row of the script's stage table is reached by a case,
//! under `supervisor.kind: systemd` and `pm2`. The real-system proof (systemd as
//! PID 1, real nginx, load) is tests/system/e2e_deploy.rs.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{git, read, render_out, text};

/// The stubs: every root command the script runs, by the path it names, kept
/// in `$STATE`. Faults are files in `$STATE/fault/`.
const SYSTEMCTL: &str = r#"#!/usr/bin/env bash
# systemctl: units are files in $STATE/active and $STATE/enabled.
set -u
f() { [[ -e "$STATE/fault/$1" ]]; }
# A hang: says so (the test sends its signal then), then sleeps.
hang() { touch "$STATE/hanging"; sleep 50; }
echo "systemctl $*" >>"$STATE/calls"
quiet=no
args=()
for a in "$@"; do
  if [[ $a == --quiet ]]; then quiet=yes; else args+=("$a"); fi
done
verb=${args[0]}
unit=${args[-1]}
case $verb in
  start)
    f start && { echo "Job for $unit failed." >&2; exit 1; }
    f start-hangs && hang
    touch "$STATE/active/$unit"
    # Under pm2 the unit runs pm2-runtime, which starts the slot `live` names.
    if [[ $unit == hello.service ]]; then
      live=$(readlink "$STATE/../srv/hello/live")
      echo 5000 >"$STATE/pm2/hello-${live#live-}"
    fi ;;
  stop)
    f stop-fails && { echo "Job for $unit failed." >&2; exit 1; }
    f stop-hangs && hang
    rm -f "$STATE/active/$unit"
    if [[ $unit == hello.service ]]; then rm -f "$STATE"/pm2/*; fi ;;
  show)
    # The watch's view of a unit: watch-crash-PORT makes it restart after the
    # first look.
    port=${unit##*@}
    port=${port%.service}
    echo x >>"$STATE/shows-$unit"
    restarts=0
    if f "watch-crash-$port" && (($(wc -l <"$STATE/shows-$unit") > 1)); then restarts=1; fi
    if [[ -e "$STATE/active/$unit" ]] && ((restarts > 0)); then
      printf 'ActiveState=activating\nSubState=auto-restart\nMainPID=0\nNRestarts=%s\n' "$restarts"
    elif [[ -e "$STATE/active/$unit" ]]; then
      printf 'ActiveState=active\nSubState=running\nMainPID=4000\nNRestarts=0\n'
    else
      printf 'ActiveState=inactive\nSubState=dead\nMainPID=0\nNRestarts=0\n'
    fi ;;
  enable) f enable && exit 1; touch "$STATE/enabled/$unit" ;;
  disable) rm -f "$STATE/enabled/$unit" ;;
  is-active)
    # A crashed instance waits to restart: "activating", not active.
    port=${unit##*@}
    port=${port%.service}
    if [[ ! -e "$STATE/active/$unit" ]]; then state=inactive
    elif f "watch-crash-$port" && [[ -s "$STATE/shows-$unit" ]]; then state=activating
    else state=active; fi
    [[ $quiet == yes ]] || echo "$state"
    [[ $state == active ]] ;;
  is-enabled) [[ -e "$STATE/enabled/$unit" ]] ;;
  reload)
    # nginx.service: a graceful reload is a HUP to the master. A fault with a
    # number (reload-refused-2) applies to that reload only.
    echo x >>"$STATE/reloads"
    n=$(wc -l <"$STATE/reloads")
    if f reload-refused || f "reload-refused-$n"; then echo "nginx.service: reload failed" >&2; exit 1; fi
    f "reload-hangs-$n" && hang
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
# curl: a slot's port answers 200 while its unit is active and not faulty
# (watch-unhealthy-PORT: once nginx's upstream lists a backup, i.e. in the watch).
url=${*: -1}
port=${url#http://*:}
port=${port%%/*}
if [[ -e "$STATE/fault/health-hangs" ]]; then touch "$STATE/hanging"; sleep 50; fi
watching() { [[ $(readlink "$STATE/../etc/nginx/sites-available/hello.upstream") == *-with-* ]]; }
# A port is served by its systemd instance, or (pm2) by its slot's app while
# the unit runs.
case $port in 3000) app=hello-blue ;; 3001) app=hello-green ;; *) app=none ;; esac
served=no
for u in "$STATE"/active/*@"$port".service; do [[ -e $u ]] && served=yes; done
[[ -e "$STATE/active/hello.service" && -e "$STATE/pm2/$app" ]] && served=yes
if [[ -e "$STATE/fault/watch-unhealthy-$port" ]] && watching; then served=no; fi
if [[ $served == yes && -e "$STATE/fault/unhealthy-$port" ]]; then
  printf '503 The requested URL returned error: 503'
  exit 22
fi
if [[ $served == yes ]]; then printf '200 '; exit 0; fi
# -w '%{http_code} %{errormsg}', as curl writes it for a refused connection.
printf '000 Failed to connect to 127.0.0.1 port %s after 0 ms: Couldn'"'"'t connect to server' "$port"
echo "curl: (7) Failed to connect to 127.0.0.1 port $port" >&2
exit 7
"#;

const SUDO: &str = r#"#!/usr/bin/env bash
# sudo -n -- CMD...: runs it (the sudoers rules are proven by tests/suite/real_tools.rs).
[[ $1 == -n ]] && shift
[[ $1 == -- ]] && shift
echo "sudo $*" >>"$STATE/calls"
exec "$@"
"#;

/// The PM2 CLI under supervisor.kind: pm2 (called with `env -i`: it finds its
/// state beside itself). Apps are files in $STATE/pm2 holding their pid;
/// watch-crash-PORT gives the slot's app a new pid after the first look.
const PM2: &str = r#"#!/usr/bin/env bash
STATE=$(cd "$(dirname "$0")/../state" && pwd)
f() { [[ -e "$STATE/fault/$1" ]]; }
hang() { touch "$STATE/hanging"; sleep 50; }
echo "pm2 $*" >>"$STATE/calls"
port_of() { case $1 in *-blue) echo 3000 ;; *-green) echo 3001 ;; esac; }
case $1 in
  start)
    app=${4:?start ECOSYSTEM --only APP}
    f start && { echo "[PM2][ERROR] $app errored" >&2; exit 1; }
    f start-hangs && hang
    echo 5000 >"$STATE/pm2/$app" ;;
  pid)
    app=$2
    [[ -e "$STATE/pm2/$app" ]] || exit 0
    echo x >>"$STATE/shows-$app"
    pid=$(cat "$STATE/pm2/$app")
    if f "watch-crash-$(port_of "$app")" && (($(wc -l <"$STATE/shows-$app") > 1)); then pid=5001; fi
    echo "$pid" ;;
  delete)
    app=$2
    f stop-fails && { echo "[PM2][ERROR] cannot delete $app" >&2; exit 1; }
    f stop-hangs && hang
    rm -f "$STATE/pm2/$app" ;;
  *) echo "stub pm2: $1?" >&2; exit 2 ;;
esac
"#;

/// tail -n N FAILURE_LOG: nginx's failure log as the watch reads it.
/// watch-errors-PORT: 11 failed answers from PORT, now, while in the watch.
const TAIL: &str = r#"#!/usr/bin/env bash
if [[ -e "$STATE/fault/failure-log-unreadable" ]]; then
  echo "tail: cannot open '${*: -1}' for reading: No such file or directory" >&2
  exit 1
fi
cat "$STATE/failures.log" 2>/dev/null
for f in "$STATE"/fault/watch-errors-*; do
  [[ -e $f ]] || continue
  [[ $(readlink "$STATE/../etc/nginx/sites-available/hello.upstream") == *-with-* ]] || continue
  for i in $(seq 11); do echo "$(date +%s.%3N)|127.0.0.1:${f##*-}, 127.0.0.1:3001|502, 200"; done
done
exit 0
"#;

/// ln, as root runs it to point nginx's upstream link: logged, then done.
const LN: &str = r#"#!/usr/bin/env bash
echo "ln $*" >>"$STATE/calls"
exec /usr/bin/ln "$@"
"#;

/// git: the real one, except that `git fetch` hangs under the fetch-hangs fault.
const GIT: &str = r#"#!/usr/bin/env bash
if [[ -e "$STATE/fault/fetch-hangs" && " $* " == *" fetch "* ]]; then touch "$STATE/hanging"; sleep 50; fi
PATH=${PATH#*:} exec git "$@"
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
    /// supervisor.kind: systemd or pm2.
    kind: &'static str,
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
        Host::of("systemd")
    }

    /// The same, with `supervisor.kind` KIND.
    fn of(kind: &'static str) -> Host {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let (app, state, stubs) = (dir.join("srv/hello"), dir.join("state"), dir.join("stubs"));
        for d in [
            &app,
            &state.join("active"),
            &state.join("enabled"),
            &state.join("fault"),
            &state.join("pm2"),
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
            ("failure-tail", TAIL),
            ("root-ln", LN),
            ("pm2", PM2),
            ("git", GIT),
            ("master", MASTER),
        ] {
            write_exec(&stubs.join(name), body);
        }
        let work = dir.join("work");
        std::fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q", "-b", "main"]);
        std::fs::write(work.join("index.js"), "// v1\n").unwrap();
        std::fs::create_dir_all(work.join("public")).unwrap();
        std::fs::write(work.join("public/app.v1.js"), "v1\n").unwrap();
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "v1"]);

        let user = text(&Command::new("id").arg("-un").output().unwrap().stdout)
            .trim()
            .to_string();
        // Each configured step fails under the fault named after it, and hangs
        // (saying so first) under STEP-hangs.
        let step = |name: &str| {
            format!(
                "sh -c 'test ! -e {fault}/{name} && {{ test ! -e {fault}/{name}-hangs || {{ touch {state}/hanging; sleep 50; }}; }}'",
                fault = state.join("fault").display(),
                state = state.display(),
            )
        };
        let description = format!(
            r#"name: hello
description: fault matrix
user: hello
app_dir: /srv/hello
entry: index.js
host:
  supervisor:
    kind: {kind}
    memory_limit: 256M
site:
  domains: [hello.example.com]
  tls:
    certificate: /etc/ssl/hello/fullchain.pem
    key: /etc/ssl/private/hello.key
routes:
  - path: /
    kind: proxy
  - path: /assets/
    kind: static
    dir: /srv/hello/public
    immutable: true
deploy:
  repo: {repo}
  install: {install}
  build: {build}
  prune: {prune}
  migrate: {migrate}
  timeouts:
    build: 2s
  health_retries: 2
  health_interval: 100ms
  nginx_pid_file: {state}/nginx.pid
  watch:
    window: 1s
"#,
            repo = work.display(),
            install = step("install"),
            build = step("build"),
            prune = step("prune"),
            migrate = step("migrate"),
            state = state.display(),
            kind = kind,
        );
        let spec = dir.join("hello.yaml");
        std::fs::write(&spec, description).unwrap();
        let out_dir = dir.join("rendered");
        render_out(spec.to_str().unwrap(), &out_dir);
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
            ("/usr/bin/ln", stubs.join("root-ln").display().to_string()),
            (
                "/usr/bin/tail",
                stubs.join("failure-tail").display().to_string(),
            ),
            ("/etc/nginx/", format!("{}/etc/nginx/", dir.display())),
        ];
        let pm2 = (
            "readonly PM2=/usr/bin/pm2",
            format!("readonly PM2={}", stubs.join("pm2").display()),
        );
        let mut script = rendered.clone();
        for (from, to) in moved.iter().chain((kind == "pm2").then_some(&pm2)) {
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
            kind,
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
    /// deploy.sh as the deploy user runs it, in a process group of its own; the
    /// stubs' per-deploy counters start again.
    fn command(&self, args: &[&str]) -> Command {
        for counter in std::fs::read_dir(&self.state).unwrap() {
            let counter = counter.unwrap().path();
            let name = counter.file_name().unwrap().to_string_lossy().into_owned();
            if name == "reloads" || name == "hanging" || name.starts_with("shows-") {
                std::fs::remove_file(counter).unwrap();
            }
        }
        let stubs = self.dir.join("stubs");
        // A deploy that hangs fails the case (exit 124), it never hangs the suite.
        let mut cmd = Command::new("timeout");
        cmd.args(["60", "bash"])
            .arg(&self.script)
            .args(args)
            .env(
                "PATH",
                format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap()),
            )
            .env("STATE", &self.state)
            .stdin(Stdio::null())
            .process_group(0);
        cmd
    }

    /// Runs deploy.sh; its exit code and what it said.
    fn deploy(&self, args: &[&str]) -> (i32, String) {
        let out = self.command(args).output().unwrap();
        (out.status.code().unwrap_or(-1), text(&out.stderr))
    }

    /// Runs deploy.sh and sends SIGTERM to its whole process group (as Ctrl-C or
    /// a CI job's timeout does) once a stub hangs, or once it has said `said`.
    fn deploy_signalled(&self, said: Option<&str>) -> (i32, String) {
        let log_path = self
            .dir
            .join(format!("signalled-{}.log", std::process::id()));
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = self
            .command(&[])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            let ready = match said {
                Some(said) => read(&log_path).contains(said),
                None => self.state.join("hanging").exists(),
            };
            if ready {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "deploy.sh exited ({status}) before it could be interrupted:\n{}",
                    read(&log_path)
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the stage never came:\n{}",
                read(&log_path)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let group = -i32::try_from(child.id()).unwrap();
        unsafe { libc::kill(group, libc::SIGTERM) };
        let code = child.wait().unwrap().code().unwrap_or(-1);
        let log = read(&log_path);
        // Every process of the step was sent the signal: the last ones may take
        // a moment to exit after the script has.
        let mut left = self.processes();
        let exited = Instant::now();
        while !left.is_empty() && exited.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(20));
            left = self.processes();
        }
        assert!(
            left.is_empty(),
            "processes left running after the deploy exited: {left:?}\n{log}"
        );
        (code, log)
    }

    /// Processes that run a stub or a step of this host (its directory in their
    /// command line, or its STATE in their environment), but for the stand-in
    /// nginx master.
    fn processes(&self) -> Vec<String> {
        let dir = self.dir.display().to_string();
        let state = format!("STATE={}", self.state.display());
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            // A step's `sleep` names no path: every process the deploy starts
            // inherits its STATE (but PM2's, started with `env -i`, names its stub).
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            let inherited = environ
                .split(|&b| b == 0)
                .any(|var| var == state.as_bytes());
            if pid != self.master.id() && (cmdline.contains(&dir) || inherited) {
                found.push(format!("{pid}: {cmdline}"));
            }
        }
        found
    }

    /// A new commit: its own index.js and public/app.VERSION.js (the previous
    /// release's asset is gone from it, as a bundler's hashed name would be).
    fn commit(&self, version: &str) {
        std::fs::write(self.work.join("index.js"), format!("// {version}\n")).unwrap();
        let public = self.work.join("public");
        if public.is_dir() {
            std::fs::remove_dir_all(&public).unwrap();
        }
        std::fs::create_dir_all(&public).unwrap();
        std::fs::write(
            public.join(format!("app.{version}.js")),
            format!("{version}\n"),
        )
        .unwrap();
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "-m", version]);
    }

    /// Where a link under APP_DIR points, or "" when it is not there.
    fn link(&self, name: &str) -> String {
        std::fs::read_link(self.app.join(name))
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }

    /// What runs a slot: its systemd instance, or its PM2 app.
    fn slot(&self, colour: &str) -> String {
        let port = if colour == "blue" { 3000 } else { 3001 };
        match self.kind {
            "pm2" => format!("hello-{colour} (pm2)"),
            _ => format!("hello-{colour}@{port}.service"),
        }
    }

    fn names_in(&self, dir: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.state.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// The running slots (systemd instances, or PM2 apps), sorted.
    fn active(&self) -> Vec<String> {
        match self.kind {
            "pm2" => self
                .names_in("pm2")
                .into_iter()
                .map(|app| format!("{app} (pm2)"))
                .collect(),
            _ => self.names_in("active"),
        }
    }

    /// The slots a boot starts: the enabled instances, or (pm2) the slot `live`
    /// names, which the unit reads.
    fn boot_slots(&self) -> Vec<String> {
        match self.kind {
            "pm2" => vec![self.slot(self.link("live").trim_start_matches("live-"))],
            _ => self.names_in("enabled"),
        }
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
        assert_eq!(self.active(), [self.slot("green")]);
        assert_eq!(
            (self.link("live"), self.upstream()),
            ("live-green".into(), "hello.upstream-green".into())
        );
        assert!(!self.switching(), "no .switching left behind");
        assert!(
            !self.app.join(".watching").exists(),
            "no .watching left behind"
        );
    }

    /// A first deploy (blue serves) and a second (green serves, blue stopped).
    fn serving_green() -> Host {
        Host::serving_green_under("systemd")
    }

    fn serving_green_under(kind: &'static str) -> Host {
        let h = Host::of(kind);
        let (code, log) = h.deploy(&[]);
        assert_eq!(code, 0, "first deploy: {log}");
        h.commit("v2");
        let (code, log) = h.deploy(&[]);
        assert_eq!(code, 0, "second deploy: {log}");
        assert_eq!(h.link("live"), "live-green");
        assert_eq!(h.active(), [h.slot("green")]);
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
    let _machine = crate::share(crate::Kind::Other);
    let h = Host::serving_green();
    assert_eq!(h.boot_slots(), [h.slot("green")]);
    assert_eq!(h.upstream(), "hello.upstream-green");
    assert!(!h.switching());
    assert!(h.link("previous").starts_with("releases/"));
}

/// The switch fails before nginx reloads: `live` goes back, the new slot stops,
/// exit 1 — never "the new release is serving".
#[test]
fn a_switch_that_fails_before_the_reload_is_undone() {
    let _machine = crate::share(crate::Kind::Other);
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
    let _machine = crate::share(crate::Kind::Other);
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
    let _machine = crate::share(crate::Kind::Other);
    let h = Host::serving_green();
    h.commit("v3");
    h.fault("reload-reply-lost");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 0, "deployed");
    assert!(log.contains("reloaded"), "{log}");
    assert_eq!(h.active(), [h.slot("blue")]);
    assert_eq!(
        (h.link("live"), h.upstream()),
        ("live-blue".into(), "hello.upstream-blue".into())
    );
}

/// A build that never ends is stopped at its time limit (deploy.timeouts), the
/// step named; nothing started.
#[test]
fn a_build_that_hangs_is_stopped_at_its_limit() {
    let _machine = crate::share(crate::Kind::Other);
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
    assert_eq!(h.active(), [h.slot("green")]);
}

/// The stage table in the rendered script's header: (stage, exit code) rows.
fn stage_table(script: &str) -> Vec<(String, i32)> {
    let start = script
        .find("#   stage ")
        .expect("deploy.sh has a stage table");
    script[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("#   "))
        .map(|l| {
            let words: Vec<&str> = l.trim_start_matches('#').split_whitespace().collect();
            let code = words.last().unwrap().parse().unwrap_or_else(|_| {
                panic!("a row of the stage table does not end with its exit code: {l}")
            });
            (words[0].to_string(), code)
        })
        .collect()
}

/// The green slot serves and v3 is committed: where each row's case starts.
fn next_release() -> Host {
    next_release_under("systemd")
}

fn next_release_under(kind: &'static str) -> Host {
    let h = Host::serving_green_under(kind);
    h.commit("v3");
    h
}

/// A deploy of v3 over the green slot, with these faults: the host, the exit
/// code and what the script said.
fn faulted(faults: &[&str]) -> (Host, i32, String) {
    faulted_under("systemd", faults)
}

fn faulted_under(kind: &'static str, faults: &[&str]) -> (Host, i32, String) {
    let h = next_release_under(kind);
    for f in faults {
        h.fault(f);
    }
    let (code, log) = h.deploy(&[]);
    (h, code, log)
}

/// The script said each of these.
fn said(log: &str, all: &[&str]) {
    for says in all {
        assert!(
            log.contains(says),
            "the script should say {says:?}; it said:\n{log}"
        );
    }
}

/// Fails a deploy in `stage` with `code`, by a fault or a signal, and checks
/// what it said and left.
fn reach(kind: &'static str, stage: &str, code: i32) {
    let failed = format!("FAILED during '{stage}'");
    match (stage, code) {
        ("setup", 2) => {
            let h = Host::serving_green_under(kind);
            std::fs::remove_file(h.app.join("live")).unwrap();
            std::os::unix::fs::symlink("elsewhere", h.app.join("live")).unwrap();
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 2, "points at 'elsewhere'");
            assert_eq!(h.active(), [h.slot("green")]);
        }
        ("lock", 3) => {
            let h = Host::serving_green_under(kind);
            let lock = std::fs::File::options()
                .create(true)
                .append(true)
                .open(h.app.join(".deploy.lock"))
                .unwrap();
            lock.lock().unwrap();
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 3, "another deploy is running");
            drop(lock);
        }
        ("preflight", 1) => {
            let (h, got, log) = faulted_under(kind, &["other-site-broken"]);
            expect(got, &log, 1, &failed);
            assert!(log.contains("unknown directive \"server_nme\""), "{log}");
            assert!(!log.contains("start: "), "nothing may start: {log}");
            h.green_serves_untouched();
            assert_eq!(h.boot_slots(), [h.slot("green")]);
            // Once the other site is fixed, the next deploy goes through.
            h.clear("other-site-broken");
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 0, "deployed");
            assert_eq!(h.active(), [h.slot("blue")]);
        }
        ("clear", 1) => {
            // Something left running in the idle slot that will not stop.
            let h = next_release_under(kind);
            match kind {
                "pm2" => std::fs::write(h.state.join("pm2/hello-blue"), "5000\n"),
                _ => std::fs::write(h.state.join("active/hello-blue@3000.service"), ""),
            }
            .unwrap();
            h.fault("stop-fails");
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 1, &failed);
            assert!(log.contains("nothing was started"), "{log}");
            assert_eq!(
                (h.link("live"), h.upstream()),
                ("live-green".into(), "hello.upstream-green".into())
            );
        }
        ("install" | "build", 1) => {
            let (h, got, log) = faulted_under(kind, &[stage]);
            expect(got, &log, 1, &failed);
            assert!(log.contains("nothing was started"), "{log}");
            h.green_serves_untouched();
        }
        ("fetch" | "prune" | "migrate", 1) => {
            let h = next_release_under(kind);
            h.fault(&format!("{stage}-hangs"));
            let (got, log) = h.deploy_signalled(None);
            expect(got, &log, 1, &failed);
            said(&log, &["interrupted by a signal", "nothing was started"]);
            if stage == "migrate" {
                assert!(
                    log.contains("migrations ran and were NOT rolled back"),
                    "{log}"
                );
            }
            h.green_serves_untouched();
        }
        ("bridge", 1) => {
            // The new release has a file where the static directory was.
            let h = Host::serving_green_under(kind);
            std::fs::remove_dir_all(h.work.join("public")).unwrap();
            std::fs::write(h.work.join("public"), "not a directory\n").unwrap();
            git(&h.work, &["add", "-A"]);
            git(&h.work, &["commit", "-q", "-m", "v3"]);
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 1, &failed);
            assert!(log.contains("nothing was started"), "{log}");
            h.green_serves_untouched();
        }
        ("start", 1) => {
            let h = next_release_under(kind);
            h.fault("start-hangs");
            let (got, log) = h.deploy_signalled(None);
            expect(got, &log, 1, &failed);
            assert!(log.contains("never took a request"), "{log}");
            h.green_serves_untouched();
        }
        ("health", 1) => {
            let (h, got, log) = faulted_under(kind, &["unhealthy-3000"]);
            expect(got, &log, 1, &failed);
            assert!(
                log.contains("did not answer 200 after 2 attempts (the last: 503 The requested URL returned error: 503)"),
                "{log}"
            );
            assert!(log.contains("never took a request"), "{log}");
            h.green_serves_untouched();
            assert_eq!(h.boot_slots(), [h.slot("green")]);
        }
        ("health", 4) => {
            let (h, got, log) = faulted_under(kind, &["unhealthy-3000", "stop-fails"]);
            expect(got, &log, 4, "the blue slot could not be stopped");
            assert!(log.contains(&failed), "{log}");
            assert_eq!(
                (h.link("live"), h.upstream()),
                ("live-green".into(), "hello.upstream-green".into())
            );
        }
        ("switch", 1) => {
            // A signal while nginx reloads: held until the switch ends; the
            // reload command died before nginx reloaded, so nothing switched.
            let h = next_release_under(kind);
            h.fault("reload-hangs-1");
            let (got, log) = h.deploy_signalled(None);
            expect(got, &log, 1, &failed);
            assert!(log.contains("nginx never reloaded"), "{log}");
            h.green_serves_untouched();
        }
        ("switch", 4) => {
            // The first switch of a host, refused: there is nothing to go back to.
            let h = Host::of(kind);
            h.fault("reload-refused");
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 4, "the first switch failed (nginx reloaded: no)");
            assert!(log.contains(&failed), "{log}");
        }
        ("watch", 1) => {
            let (h, got, log) = faulted_under(kind, &["watch-crash-3000"]);
            expect(got, &log, 1, &failed);
            assert!(log.contains("its processes changed"), "{log}");
            assert!(
                log.contains(match kind {
                    "pm2" => "hello-blue was pids 5000, now pids 5001",
                    _ => "hello-blue@3000.service was active/running, pid 4000, 0 restarts, now activating/auto-restart, pid 0, 1 restarts",
                }),
                "{log}"
            );
            assert!(
                log.contains("switched back: nginx serves the green slot again"),
                "{log}"
            );
            h.green_serves_untouched();
            assert_eq!(h.boot_slots(), [h.slot("green")]);
        }
        ("watch", 4) => {
            let (h, got, log) = faulted_under(kind, &["watch-crash-3000", "reload-refused-2"]);
            expect(got, &log, 4, "switching back failed (nginx reloaded: no)");
            assert!(log.contains(&failed), "{log}");
            // `live` is back on green: what a boot or the next deploy serves.
            assert_eq!(h.link("live"), "live-green");
        }
        ("settle", 5) => {
            // A signal while nginx drops the previous slot from its upstream.
            let h = next_release_under(kind);
            h.fault("reload-hangs-2");
            let (got, log) = h.deploy_signalled(None);
            expect(got, &log, 5, &failed);
            assert!(log.contains("the green slot still runs beside it"), "{log}");
            assert_eq!(h.link("live"), "live-blue");
            // The next deploy puts nginx's upstream right and stops the other slot.
            h.clear("reload-hangs-2");
            h.commit("v4");
            let (got, log) = h.deploy(&[]);
            expect(
                got,
                &log,
                0,
                "recover: nginx may still list the idle slot as backup",
            );
            assert_eq!(h.active(), [h.slot("green")]);
            assert_eq!(h.upstream(), "hello.upstream-green");
        }
        ("stop-previous", 5) => {
            let h = next_release_under(kind);
            h.fault("stop-hangs");
            let (got, log) = h.deploy_signalled(None);
            expect(got, &log, 5, &failed);
            assert!(
                log.contains("stopping the green slot was interrupted"),
                "{log}"
            );
            assert_eq!(
                (h.link("live"), h.upstream()),
                ("live-blue".into(), "hello.upstream-blue".into())
            );
            h.clear("stop-hangs");
            h.commit("v4");
            let (got, log) = h.deploy(&[]);
            expect(got, &log, 0, "deployed");
            assert_eq!(h.active(), [h.slot("green")]);
        }
        _ => panic!("no case reaches the stage table's row {stage} -> exit {code}"),
    }
}

/// Every row of the script's own stage table is reached, by a fault or a signal
/// at that stage, under each supervisor (eight at a time: the cases mostly wait).
#[test]
fn every_row_of_the_stage_table_is_reached() {
    let _machine = crate::share(crate::Kind::Other);
    let rows = stage_table(&read(&Host::new().script));
    assert!(rows.len() >= 15, "{rows:?}");
    assert_eq!(
        stage_table(&read(&Host::of("pm2").script)),
        rows,
        "the stage table under pm2"
    );
    let cases: Vec<(&'static str, String, i32)> = ["systemd", "pm2"]
        .into_iter()
        .flat_map(|kind| {
            rows.iter()
                .map(move |(stage, code)| (kind, stage.clone(), *code))
        })
        .collect();
    let queue = std::sync::Mutex::new(cases.clone());
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                loop {
                    let Some((kind, stage, code)) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    let began = Instant::now();
                    let result = std::panic::catch_unwind(|| reach(kind, &stage, code));
                    eprintln!(
                        "[{kind}] {stage} -> {code}: {:.1}s",
                        began.elapsed().as_secs_f64()
                    );
                    if result.is_err() {
                        failed
                            .lock()
                            .unwrap()
                            .push(format!("[{kind}] {stage} -> {code}"));
                    }
                }
            });
        }
    });
    let failed = failed.into_inner().unwrap();
    assert!(
        failed.is_empty(),
        "rows not reached as expected: {failed:?}"
    );
    eprintln!(
        "{} rows of the stage table reached under each supervisor",
        rows.len()
    );
}

/// The guide's exit codes (docs/src/deploying.md) are the script's: each code of
/// the stage table is explained in both, and both list the same codes.
#[test]
fn the_readme_exit_codes_are_the_scripts() {
    let _machine = crate::share(crate::Kind::Other);
    let script = read(&Host::new().script);
    let readme = read(&crate::common::root().join("docs/src/deploying.md"));
    let codes = |text: &str, from: &str| -> Vec<i32> {
        let at = text.find(from).unwrap_or_else(|| panic!("no {from:?}"));
        let para: String = text[at..].split("\n\n").next().unwrap().replace("\n#", " ");
        let mut v: Vec<i32> = para
            .split([';', ':'])
            .filter_map(|part| part.split_whitespace().find_map(|w| w.parse().ok()))
            .filter(|c| (0..10).contains(c))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let in_script = codes(&script, "# Exit codes:");
    let in_readme = codes(&readme, "Exit codes: 0 deployed");
    let mut in_table: Vec<i32> = stage_table(&script).into_iter().map(|r| r.1).collect();
    in_table.push(0);
    in_table.sort_unstable();
    in_table.dedup();
    assert_eq!(
        in_script, in_table,
        "the script's exit codes and its stage table"
    );
    assert_eq!(
        in_readme, in_table,
        "the guide's exit codes and the stage table"
    );
}

#[test]
fn a_release_answering_5xx_in_the_watch_is_switched_back() {
    let _machine = crate::share(crate::Kind::Other);
    let (h, code, log) = faulted(&["watch-errors-3000"]);
    expect(code, &log, 1, "FAILED during 'watch'");
    assert!(
        log.contains("nginx logged 11 5xx answers or failed connections from it"),
        "{log}"
    );
    h.green_serves_untouched();
}

#[test]
fn a_release_unhealthy_in_the_watch_is_switched_back() {
    let _machine = crate::share(crate::Kind::Other);
    let (h, code, log) = faulted(&["watch-unhealthy-3000"]);
    expect(code, &log, 1, "its health check failed");
    // curl's own words for what the health check met.
    assert!(
        log.contains("/health answered 000 Failed to connect to 127.0.0.1 port 3000"),
        "{log}"
    );
    assert!(log.contains("switched back"), "{log}");
    h.green_serves_untouched();
}

#[test]
fn a_signal_in_the_watch_switches_back() {
    let _machine = crate::share(crate::Kind::Other);
    let h = next_release();
    let (code, log) = h.deploy_signalled(Some("watch: releases/"));
    expect(code, &log, 1, "the watch did not complete");
    assert!(log.contains("switched back"), "{log}");
    h.green_serves_untouched();
}

/// Killed (SIGKILL: no trap runs) during its watch: the next deploy finds nginx's
/// upstream still listing a backup, reloads it first, and deploys.
#[test]
fn a_deploy_killed_in_its_watch_is_recovered() {
    let _machine = crate::share(crate::Kind::Other);
    let h = next_release();
    let log_path = h.dir.join("killed.log");
    let mut child = h
        .command(&[])
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !read(&log_path).contains("watch: releases/") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}",
            read(&log_path)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    unsafe { libc::kill(-i32::try_from(child.id()).unwrap(), libc::SIGKILL) };
    child.wait().unwrap();
    assert_eq!(h.upstream(), "hello.upstream-blue-with-green");
    h.commit("v4");
    let (code, log) = h.deploy(&[]);
    expect(
        code,
        &log,
        0,
        "recover: nginx may still list the idle slot as backup",
    );
    assert_eq!(h.active(), [h.slot("green")]);
    assert_eq!(h.upstream(), "hello.upstream-green");
}

/// During the watch nginx's upstream is the new slot with the previous one as
/// its backup; then the new slot alone, and only then is the previous stopped.
#[test]
fn the_previous_slot_is_a_backup_until_the_watch_ends() {
    let _machine = crate::share(crate::Kind::Other);
    let h = next_release();
    let _ = std::fs::remove_file(h.state.join("calls"));
    let (code, log) = h.deploy(&[]);
    expect(
        code,
        &log,
        0,
        "held for 1s: same processes, healthy, 0 5xx answers",
    );
    let calls = read(&h.state.join("calls"));
    let at = |what: &str| {
        calls
            .find(what)
            .unwrap_or_else(|| panic!("no {what:?} in:\n{calls}"))
    };
    let with_backup = at("-sfnT hello.upstream-blue-with-green ");
    let alone = at("-sfnT hello.upstream-blue ");
    let stop = at("systemctl stop hello-green@3001.service");
    assert!(with_backup < alone && alone < stop, "{calls}");
    assert_eq!(h.upstream(), "hello.upstream-blue");
}

/// A failure log the watch cannot read is said, never taken for "no 5xx".
#[test]
fn an_unreadable_failure_log_is_said() {
    let _machine = crate::share(crate::Kind::Other);
    let (_h, code, log) = faulted(&["failure-log-unreadable"]);
    expect(code, &log, 0, "cannot read nginx's failure log");
    assert!(log.contains("5xx not watched"), "{log}");
}

/// A page the serving release rendered keeps its assets while the next serves:
/// the files it built are linked into the new release, for one release.
#[test]
fn assets_are_bridged_for_one_release() {
    let _machine = crate::share(crate::Kind::Other);
    let h = Host::serving_green();
    let green = h.app.join(h.link("green"));
    let blue = h.app.join(h.link("blue"));
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    // v2 (green) carries v1's asset, the same file as blue's.
    assert_eq!(
        inode(&green.join("public/app.v1.js")),
        inode(&blue.join("public/app.v1.js"))
    );
    assert_eq!(read(&green.join(".svcgen-bridged")), "public/app.v1.js\0");
    h.commit("v3");
    let (code, log) = h.deploy(&[]);
    expect(code, &log, 0, "bridge: 1 static file(s) of releases/");
    let blue = h.app.join(h.link("blue"));
    assert!(blue.join("public/app.v3.js").exists());
    assert!(blue.join("public/app.v2.js").exists());
    assert!(
        !blue.join("public/app.v1.js").exists(),
        "v1's asset is carried one release only"
    );
}
