//! `deploy`: how a release is fetched, built, switched to and watched.

use super::*;

/// The deploy script's steps.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// The git remote the app is fetched from.
    pub repo: GitRemote,
    /// The branch deployed (fast-forward only).
    #[serde(default = "default_branch")]
    pub branch: GitBranch,
    /// Installs dependencies, devDependencies included (the build needs them).
    #[serde(default = "default_install")]
    pub install: OneLine,
    /// Builds the app; `null` when there is nothing to build.
    #[serde(default = "default_build")]
    pub build: Option<OneLine>,
    /// Drops devDependencies after the build; `null` keeps them.
    #[serde(default = "default_prune")]
    pub prune: Option<OneLine>,
    /// Runs database migrations with the new release's code, before it starts and
    /// before it takes traffic. A rollback does not undo them.
    #[serde(default)]
    pub migrate: Option<OneLine>,
    /// How many built releases to keep under `app_dir/releases/` (the serving one and
    /// the previous one are always kept, so a rollback never needs a rebuild).
    #[serde(default = "default_keep_releases")]
    #[schemars(range(min = 2, max = 100))]
    pub keep_releases: u8,
    /// The command that checks nginx's configuration before a switch (run through
    /// `sudo -n` unless the script runs as root; the rendered sudoers file allows exactly it).
    #[serde(default = "default_nginx_test")]
    #[schemars(length(min = 1))]
    pub nginx_test: Vec<CommandWord>,
    /// The command that makes nginx reload its configuration gracefully.
    #[serde(default = "default_nginx_reload")]
    #[schemars(length(min = 1))]
    pub nginx_reload: Vec<CommandWord>,
    /// nginx's pid file: the script watches the master's workers to know when a
    /// reload has taken effect before it stops the previous release.
    #[serde(default = "default_nginx_pid_file")]
    pub nginx_pid_file: AbsPath,
    /// Health checks of the new release (on its own ports, before it takes traffic)
    /// before it counts as failed.
    #[serde(default = "default_health_retries")]
    #[schemars(range(min = 1, max = 1000))]
    pub health_retries: u16,
    /// Pause between health checks.
    #[serde(default = "default_health_interval")]
    pub health_interval: Duration,
    /// How long each build step may run before the deploy stops it and fails
    /// (exit 1, naming the step): a registry that never answers cannot hold a
    /// deploy, and its lock, for ever.
    #[serde(default)]
    pub timeouts: DeployTimeouts,
    /// After the switch, the previous slot stays up while the new release is
    /// watched; a release that fails in that window is switched back at once.
    #[serde(default)]
    pub watch: DeployWatch,
}

/// The watch after a switch: for `window`, the previous slot keeps running (nginx
/// sends it the connections the new slot refuses, as `backup` servers) while the
/// new release's processes, its health and the 5xx answers nginx logs for it are
/// watched. Any process exiting, a failed health check, or more than `errors`
/// 5xx answers (or failed connections) switches nginx back to the previous slot,
/// and the deploy exits 1 saying what it saw.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployWatch {
    /// How long the new release is watched, the previous slot warm beside it;
    /// `0s` stops the previous slot at once (no watch).
    #[serde(default = "default_watch_window")]
    pub window: Duration,
    /// 5xx answers (and failed connections) from the new release that nginx may
    /// log within the window before the deploy switches back.
    #[serde(default = "default_watch_errors")]
    #[schemars(range(max = 1000000))]
    pub errors: u32,
}

impl Default for DeployWatch {
    fn default() -> Self {
        DeployWatch {
            window: default_watch_window(),
            errors: default_watch_errors(),
        }
    }
}

pub(super) fn default_watch_window() -> Duration {
    Duration::from_secs(30)
}

pub(super) fn default_watch_errors() -> u32 {
    10
}

/// Time limits of the deploy's steps.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployTimeouts {
    /// `git clone` / `git fetch` of the branch.
    #[serde(default = "default_fetch_timeout")]
    pub fetch: Duration,
    /// The install command.
    #[serde(default = "default_step_timeout")]
    pub install: Duration,
    /// The build command (and the prune after it).
    #[serde(default = "default_step_timeout")]
    pub build: Duration,
    /// The migration command.
    #[serde(default = "default_step_timeout")]
    pub migrate: Duration,
}

impl Default for DeployTimeouts {
    fn default() -> Self {
        DeployTimeouts {
            fetch: default_fetch_timeout(),
            install: default_step_timeout(),
            build: default_step_timeout(),
            migrate: default_step_timeout(),
        }
    }
}

pub(super) fn default_fetch_timeout() -> Duration {
    Duration::from_secs(120)
}

pub(super) fn default_step_timeout() -> Duration {
    Duration::from_secs(900)
}

pub(super) fn default_branch() -> GitBranch {
    GitBranch::known("main")
}

pub(super) fn default_install() -> OneLine {
    OneLine::known("npm ci --include=dev")
}

pub(super) fn default_build() -> Option<OneLine> {
    Some(OneLine::known("npm run build"))
}

pub(super) fn default_prune() -> Option<OneLine> {
    Some(OneLine::known("npm prune --omit=dev"))
}

pub(super) fn default_keep_releases() -> u8 {
    5
}

pub(super) fn default_nginx_test() -> Vec<CommandWord> {
    vec![
        CommandWord::known("/usr/sbin/nginx"),
        CommandWord::known("-t"),
        CommandWord::known("-q"),
    ]
}

pub(super) fn default_nginx_reload() -> Vec<CommandWord> {
    vec![
        CommandWord::known("/usr/bin/systemctl"),
        CommandWord::known("reload"),
        CommandWord::known("nginx.service"),
    ]
}

pub(super) fn default_nginx_pid_file() -> AbsPath {
    AbsPath::known("/run/nginx.pid")
}

pub(super) fn default_health_retries() -> u16 {
    15
}

pub(super) fn default_health_interval() -> Duration {
    Duration::from_secs(2)
}
