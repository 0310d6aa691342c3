//! The description's trust boundaries: what a description may put into files root
//! installs or runs. A description is written by developers; the host's root
//! installs what it renders, and the sudoers rules it grants run as root. So root
//! rules are built from data of known shapes (never pasted text), files go only
//! where their kind belongs and never take a name the system owns, and address
//! sets that cover every address are refused in any split.
//!
//! What must not live here: rules about the app's own behaviour (validate.rs).

use super::kinds::CommandWord;
use std::net::IpAddr;

use super::model::Service;

/// Where root-run programs live on Debian and Ubuntu: root-owned directories a
/// deploy user cannot write.
pub const SYSTEM_BIN_DIRS: [&str; 6] = [
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/usr/local/sbin",
    "/usr/local/bin",
];

/// True when `program` is a file directly in one of [`SYSTEM_BIN_DIRS`].
pub fn in_system_bin_dir(program: &str) -> bool {
    program
        .rsplit_once('/')
        .is_some_and(|(dir, base)| !base.is_empty() && SYSTEM_BIN_DIRS.contains(&dir))
}

/// The forms `deploy.nginx_test` accepts.
pub const NGINX_TEST_FORMS: &str = "`[/usr/sbin/nginx, -t]` or `[/usr/sbin/nginx, -t, -q]` (nginx in /usr/sbin, /usr/bin, /sbin, /bin, /usr/local/sbin or /usr/local/bin)";
/// The forms `deploy.nginx_reload` accepts.
pub const NGINX_RELOAD_FORMS: &str = "`[/usr/bin/systemctl, reload, nginx.service]`, `[/usr/sbin/service, nginx, reload]` or `[/usr/sbin/nginx, -s, reload]` (each program in a system directory)";

/// Why a command the sudoers file would grant is refused, if it is.
fn sudo_program(word: &str) -> Result<&str, String> {
    if word == "ALL" {
        return Err("`ALL` in a sudoers rule grants every command as root".into());
    }
    if !word.starts_with('/') {
        return Err(format!(
            "`{word}` is not an absolute path: visudo refuses the file, and sudo then refuses every user"
        ));
    }
    if word.ends_with('/') {
        return Err(format!(
            "`{word}` is a directory: sudo would allow every program in it as root"
        ));
    }
    let base = word.rsplit_once('/').map_or(word, |(_, b)| b);
    if base == "sudoedit" {
        return Err("`sudoedit` lets the deploy user edit any file it names as root".into());
    }
    if !in_system_bin_dir(word) {
        return Err(format!(
            "`{word}` is not in a system directory ({}): a program root runs must be one only root can replace",
            SYSTEM_BIN_DIRS.join(", ")
        ));
    }
    Ok(base)
}

/// True when `cmd` is one of the accepted `nginx -t` forms.
fn nginx_test_form(cmd: &[CommandWord]) -> Result<(), String> {
    let base = sudo_program(cmd.first().map_or("", CommandWord::as_str))?;
    let args: Vec<&str> = cmd.iter().skip(1).map(CommandWord::as_str).collect();
    if !matches!(base, "nginx" | "openresty") {
        return Err(format!(
            "`{}` is not nginx: the sudoers file may grant only nginx's configuration test here",
            cmd.first().map_or("", CommandWord::as_str)
        ));
    }
    if matches!(args.as_slice(), ["-t"] | ["-t", "-q"] | ["-q", "-t"]) {
        Ok(())
    } else {
        Err(format!(
            "`{}` with arguments `{}` is not a configuration test only: nginx's other options (`-c FILE`, `-g`, `-p`) let the deploy user run any configuration as root",
            cmd.first().map_or("", CommandWord::as_str),
            args.join(" ")
        ))
    }
}

/// True when `cmd` is one of the accepted reload forms.
fn nginx_reload_form(cmd: &[CommandWord]) -> Result<(), String> {
    let base = sudo_program(cmd.first().map_or("", CommandWord::as_str))?;
    let args: Vec<&str> = cmd.iter().skip(1).map(CommandWord::as_str).collect();
    let unit = |u: &str| {
        let name = u.strip_suffix(".service").unwrap_or(u);
        matches!(name, "nginx" | "openresty" | "angie")
    };
    let ok = match (base, args.as_slice()) {
        ("systemctl", ["reload", u]) => unit(u),
        ("service", [u, "reload"]) => unit(u),
        ("nginx" | "openresty", ["-s", "reload"]) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not one of the reload commands the sudoers file may grant",
            cmd.join(" ")
        ))
    }
}

/// The root commands a description names (`deploy.nginx_test`, `nginx_reload`):
/// each of a known form, so the sudoers rules built from them grant exactly a
/// configuration test and a reload.
pub fn sudo_command_errors(s: &Service) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    for (key, cmd, check, forms) in [
        (
            "nginx_test",
            &s.deploy.nginx_test,
            nginx_test_form as fn(&[CommandWord]) -> Result<(), String>,
            NGINX_TEST_FORMS,
        ),
        (
            "nginx_reload",
            &s.deploy.nginx_reload,
            nginx_reload_form,
            NGINX_RELOAD_FORMS,
        ),
    ] {
        if let Err(why) = check(cmd) {
            // The program is the word most errors are about.
            let at = if sudo_program(cmd.first().map_or("", CommandWord::as_str)).is_err() {
                format!("/deploy/{key}/0")
            } else {
                format!("/deploy/{key}")
            };
            out.push((at, format!("{why} (deploy.{key})"), forms));
        }
    }
    out
}

/// The directories each kind of installed file may go to.
pub const UNIT_DIRS: [&str; 2] = ["/etc/systemd/system", "/usr/local/lib/systemd/system"];
pub const SUDOERS_DIRS: [&str; 1] = ["/etc/sudoers.d"];
/// nginx's configuration tree; a site goes in a directory below it.
pub const NGINX_ROOT: &str = "/etc/nginx";
/// Directories below nginx's tree that hold something else than sites: a site
/// there would be loaded as a module list or replace a shared snippet.
const NGINX_NOT_SITES: [&str; 2] = ["/etc/nginx/modules-enabled", "/etc/nginx/modules-available"];

/// Names a service may not take: each is a file or unit of the system's own
/// (systemd's, sshd's, nginx's, sudo's) that a rendered `NAME.service`,
/// `NAME.conf` or sudoers file `NAME` would replace, or a name svcgen's host files use.
pub const SYSTEM_NAMES: &[&str] = &[
    "apparmor",
    "apt",
    "auditd",
    "chrony",
    "containerd",
    "cron",
    "dbus",
    "default",
    "docker",
    "emergency",
    "fail2ban",
    "fastcgi",
    "getty",
    "halt",
    "kmod",
    "mime",
    "modules",
    "multipathd",
    "networkd-dispatcher",
    "networking",
    "nginx",
    "ntp",
    "polkit",
    "poweroff",
    "proxy-params",
    "reboot",
    "rescue",
    "rsyslog",
    "scgi",
    "snapd",
    "ssh",
    "sshd",
    "sudo",
    "sudoers",
    "syslog",
    "ufw",
    "unattended-upgrades",
    "user",
    "uwsgi",
    "uwsgi-params",
];

/// Why a service name belongs to the system, if it does.
pub fn system_name(name: &str) -> Option<String> {
    if SYSTEM_NAMES.contains(&name) {
        return Some(format!("`{name}` is a name the system's own files use"));
    }
    for prefix in [
        "systemd-",
        "svcgen-",
        "user-",
        "getty-",
        "serial-getty",
        "dbus-",
    ] {
        if name.starts_with(prefix) {
            return Some(format!(
                "`{name}` starts with `{prefix}`, which the system's own units use"
            ));
        }
    }
    None
}

/// Lexically normalised absolute path: `//` and `.` segments dropped, `..` taken
/// back; what every tool that opens it reaches (links aside).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// True when `path` is written the way [`normalize`] gives it back (a trailing `/`
/// aside).
pub fn is_plain(path: &str) -> bool {
    let p = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    normalize(p) == p
}

/// True when `path` is `dir` or lies below it, both normalised.
pub fn is_within(path: &str, dir: &str) -> bool {
    let (path, dir) = (normalize(path), normalize(dir));
    path == dir || dir == "/" || path.starts_with(&format!("{dir}/"))
}

/// Why an install directory is refused for its kind of file, if it is.
pub fn install_dir_errors(s: &Service) -> Vec<(String, String, String)> {
    let i = &s.host.install;
    let mut out = Vec::new();
    let unit_dir = normalize(&i.unit_dir);
    if !UNIT_DIRS.contains(&unit_dir.as_str()) {
        out.push((
            "/host/install/unit_dir".into(),
            format!(
                "`{}` is not a directory systemd loads administrator units from",
                i.unit_dir
            ),
            format!("use {}", UNIT_DIRS.join(" or ")),
        ));
    }
    let sudoers_dir = normalize(&i.sudoers_dir);
    if !SUDOERS_DIRS.contains(&sudoers_dir.as_str()) {
        out.push((
            "/host/install/sudoers_dir".into(),
            format!(
                "`{}` is not the directory sudo reads rule files from: a file there could replace a system file (`/etc/passwd`)",
                i.sudoers_dir
            ),
            format!("use {}", SUDOERS_DIRS.join(" or ")),
        ));
    }
    let nginx_dir = normalize(&i.nginx_dir);
    let in_nginx = nginx_dir.starts_with(&format!("{NGINX_ROOT}/"));
    if !in_nginx || NGINX_NOT_SITES.iter().any(|d| is_within(&nginx_dir, d)) {
        out.push((
            "/host/install/nginx_dir".into(),
            format!("`{}` is not a directory of nginx's sites", i.nginx_dir),
            "use a directory below /etc/nginx that holds sites, such as /etc/nginx/sites-available or /etc/nginx/conf.d".into(),
        ));
    }
    if let Some(d) = &i.app_files_dir
        && !is_within(d, &s.app_dir)
    {
        out.push((
            "/host/install/app_files_dir".into(),
            format!(
                "`{d}` is outside `app_dir` ({}): the deploy script and the ecosystem file belong to the app",
                s.app_dir
            ),
            "leave it out (the app directory) or name a directory inside `app_dir`".into(),
        ));
    }
    out
}

/// An address or network range as an interval of one family's address space.
#[derive(Clone, Copy)]
struct Range {
    v6: bool,
    lo: u128,
    hi: u128,
}

/// Parses `192.0.2.0/24`, `2001:db8::/32` or an address; `Err` says what is wrong.
/// A network written with host bits set (`10.0.0.1/8`) is refused: tools disagree
/// on what it means (the Kubernetes API refuses it).
pub fn parse_network(value: &str) -> Result<(IpAddr, u32), String> {
    let (addr, len) = match value.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (value, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return Err(format!("`{value}` is not an address or a network"));
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        None => max,
        Some(l) => match l.parse::<u32>() {
            Ok(n) if n <= max && (l == "0" || !l.starts_with('0')) => n,
            _ => return Err(format!("`{value}`: the prefix length must be 0 to {max}")),
        },
    };
    let bits = to_bits(ip);
    let host = host_mask(max - len);
    if bits & host != 0 {
        return Err(format!(
            "`{value}` has bits set past its prefix length: write the network `{}/{len}`",
            from_bits(ip.is_ipv6(), bits & !host)
        ));
    }
    Ok((ip, len))
}

fn to_bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_bits(v6: bool, bits: u128) -> IpAddr {
    if v6 {
        IpAddr::V6(bits.into())
    } else {
        // Only IPv4 networks come here with !v6, so the bits fit.
        IpAddr::V4((bits as u32).into())
    }
}

/// The low `bits` bits set: the host part of a network of that many host bits.
fn host_mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn range(ip: IpAddr, len: u32) -> Range {
    let v6 = ip.is_ipv6();
    let max = if v6 { 128 } else { 32 };
    let size_mask = host_mask(max - len);
    let lo = to_bits(ip) & !size_mask;
    Range {
        v6,
        lo,
        hi: lo | size_mask,
    }
}

/// Which family, if any, the networks cover whole (in any split:
/// `0.0.0.0/1` + `128.0.0.0/1` is every IPv4 address). Unparsable entries are
/// ignored here (they are refused on their own).
pub fn covers_everything<S: AsRef<str>>(values: &[S]) -> Option<&'static str> {
    let mut ranges: Vec<Range> = values
        .iter()
        .filter_map(|v| parse_network(v.as_ref()).ok())
        .map(|(ip, len)| range(ip, len))
        .collect();
    for (v6, family, top) in [
        (false, "IPv4", u128::from(u32::MAX)),
        (true, "IPv6", u128::MAX),
    ] {
        let mut r: Vec<&mut Range> = ranges.iter_mut().filter(|r| r.v6 == v6).collect();
        r.sort_by_key(|r| r.lo);
        let mut next: u128 = 0;
        let mut covered = false;
        for x in r {
            if x.lo > next {
                break;
            }
            if x.hi >= next {
                if x.hi == top {
                    covered = true;
                    break;
                }
                next = x.hi + 1;
            }
        }
        if covered {
            return Some(family);
        }
    }
    None
}

/// Kubernetes namespaces a service must not render a Namespace object for: the
/// cluster's own (relabelling them breaks their privileged pods).
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[&str]) -> Vec<String> {
        x.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_address_in_any_split() {
        assert_eq!(covers_everything(&v(&["0.0.0.0/0"])), Some("IPv4"));
        assert_eq!(
            covers_everything(&v(&["0.0.0.0/1", "128.0.0.0/1"])),
            Some("IPv4")
        );
        assert_eq!(
            covers_everything(&v(&["128.0.0.0/2", "0.0.0.0/1", "192.0.0.0/2"])),
            Some("IPv4")
        );
        assert_eq!(covers_everything(&v(&["::/1", "8000::/1"])), Some("IPv6"));
        assert_eq!(covers_everything(&v(&["0.0.0.0/1", "192.0.0.0/2"])), None);
        assert_eq!(covers_everything(&v(&["10.0.0.0/8", "127.0.0.1"])), None);
        assert_eq!(covers_everything(&v(&["255.255.255.255"])), None);
    }

    #[test]
    fn networks_are_canonical() {
        assert!(parse_network("999.1.1.1/8").is_err());
        assert!(
            parse_network("10.0.0.1/8")
                .unwrap_err()
                .contains("10.0.0.0/8")
        );
        assert!(parse_network("10.0.0.0/33").is_err());
        assert!(parse_network("10.0.0.0/08").is_err());
        assert!(parse_network("2001:db8::/32").is_ok());
        assert!(parse_network("192.0.2.7").is_ok());
    }

    #[test]
    fn paths_compare_normalised() {
        assert!(is_within("/srv//hello/current/x", "/srv/hello"));
        assert!(is_within("/srv/./hello/x", "/srv/hello/"));
        assert!(is_within("/srv/other/../hello/x", "/srv/hello"));
        assert!(!is_within("/srv/hello2/x", "/srv/hello"));
        assert!(!is_plain("/srv//a"));
        assert!(!is_plain("/srv/./a"));
        assert!(is_plain("/srv/a/"));
        assert!(is_plain("/"));
    }

    fn cmd(x: &[&str]) -> Vec<CommandWord> {
        x.iter().map(|w| CommandWord::known(w)).collect()
    }

    #[test]
    fn sudo_commands_of_known_forms_only() {
        assert!(nginx_test_form(&cmd(&["/usr/sbin/nginx", "-t", "-q"])).is_ok());
        assert!(nginx_test_form(&cmd(&["/usr/sbin/nginx"])).is_err());
        assert!(nginx_test_form(&cmd(&["/usr/sbin/nginx", "-c", "/srv/x.conf"])).is_err());
        assert!(nginx_test_form(&cmd(&["ALL"])).is_err());
        assert!(nginx_test_form(&cmd(&["/usr/sbin/"])).is_err());
        assert!(nginx_test_form(&cmd(&["nginx", "-t"])).is_err());
        assert!(nginx_test_form(&cmd(&["/srv/app/nginx", "-t"])).is_err());
        assert!(nginx_test_form(&[]).is_err());
        assert!(nginx_reload_form(&[]).is_err());
        assert!(in_system_bin_dir("/usr/bin/ln"));
        assert!(!in_system_bin_dir("/usr/bin/"));
        assert!(!in_system_bin_dir("/usr/bin/x/y"));
        assert!(nginx_reload_form(&cmd(&["/usr/bin/sudoedit", "/etc/shadow"])).is_err());
        assert!(
            nginx_reload_form(&cmd(&["/usr/bin/systemctl", "reload", "nginx.service"])).is_ok()
        );
        assert!(nginx_reload_form(&cmd(&["/usr/bin/systemctl", "reload", "ssh"])).is_err());
        assert!(nginx_reload_form(&cmd(&["/usr/sbin/nginx", "-s", "reload"])).is_ok());
        assert!(nginx_reload_form(&cmd(&["/usr/sbin/service", "nginx", "reload"])).is_ok());
    }
}
