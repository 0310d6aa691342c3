//! The kinds of value a description holds: each a type that owns its pattern,
//! the phrase an error names as the accepted form, why the form is limited, and
//! any rule a pattern cannot say (a path's segments, an address that parses).
//!
//! A value is checked twice by the same definition: the JSON Schema generated
//! from the kind reports every bad value at its YAML line (`pattern`, and the
//! kind's own `format` for its rule), and the type's `TryFrom<String>` refuses
//! anything else, so an `AbsPath` in the model is an absolute plain path however
//! it was made.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize, Serializer};

use super::trust;

/// What one kind of value accepts.
#[derive(Debug)]
pub struct Kind {
    /// The type's name; the schema names the kind under `x-kind`.
    pub name: &'static str,
    /// The schema pattern (ECMA 262 and Rust `regex` read it alike).
    pub pattern: &'static str,
    /// The accepted form, as an error says it after "expected".
    pub accepts: &'static str,
    /// Why the form is limited, as an error's help.
    pub why: Option<&'static str>,
    /// A rule a pattern cannot say, checked as the schema `format` named after the kind.
    pub rule: Option<Rule>,
}

/// A rule of a kind beyond its pattern.
#[derive(Debug)]
pub struct Rule {
    /// What is wrong with a value that matches the pattern, if anything.
    pub problem: fn(&str) -> Option<String>,
    /// The error's label.
    pub label: &'static str,
    /// The error's help.
    pub help: &'static str,
}

impl Kind {
    /// True when `value` matches the kind's pattern.
    pub fn matches(&'static self, value: &str) -> bool {
        static COMPILED: OnceLock<HashMap<&'static str, Regex>> = OnceLock::new();
        let compiled = COMPILED.get_or_init(|| {
            KINDS
                .iter()
                .map(|k| {
                    let re = Regex::new(k.pattern).expect("every kind's pattern compiles");
                    (k.name, re)
                })
                .collect()
        });
        compiled
            .get(self.name)
            .expect("every kind is listed in KINDS")
            .is_match(value)
    }

    /// Why `value` is not of this kind, if it is not.
    pub fn check(&'static self, value: &str) -> Result<(), String> {
        if !self.matches(value) {
            return Err(format!("{value:?} is not {}", self.accepts));
        }
        match self.rule.as_ref().and_then(|r| (r.problem)(value)) {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// The kind's JSON Schema: a string with its pattern, its name, and its
    /// rule as a `format` of the same name.
    pub fn schema(&'static self) -> Schema {
        let mut schema = json_schema!({
            "type": "string",
            "pattern": self.pattern,
            "x-kind": self.name,
        });
        if self.rule.is_some() {
            schema.insert("format".into(), self.name.into());
        }
        schema
    }

    /// The kind named `name` (by `x-kind` or `format` in the schema).
    pub fn named(name: &str) -> Option<&'static Kind> {
        KINDS.iter().copied().find(|k| k.name == name)
    }
}

/// A type whose values are of one kind.
pub trait OfKind {
    const KIND: &'static Kind;
}

/// A value known to be valid: the defaults written in the model.
fn known<T: TryFrom<String, Error = String>>(value: &str) -> T {
    match T::try_from(value.to_string()) {
        Ok(v) => v,
        Err(e) => panic!("a default of the model is invalid: {e}"),
    }
}

macro_rules! kinds {
    (@opt) => { None };
    (@opt $e:expr) => { Some($e) };
    ($(
        $(#[$doc:meta])*
        $ty:ident {
            pattern: $pattern:expr,
            accepts: $accepts:expr
            $(, why: $why:expr)?
            $(, rule: $rule:expr)?
            $(,)?
        }
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
            #[serde(try_from = "String")]
            pub struct $ty(String);

            impl $ty {
                pub const KIND: Kind = Kind {
                    name: stringify!($ty),
                    pattern: $pattern,
                    accepts: $accepts,
                    why: kinds!(@opt $($why)?),
                    rule: kinds!(@opt $($rule)?),
                };
                /// A value the model writes itself (a default); panics if invalid.
                pub fn known(value: &str) -> Self {
                    known(value)
                }
                pub fn as_str(&self) -> &str {
                    &self.0
                }
            }

            impl OfKind for $ty {
                const KIND: &'static Kind = &$ty::KIND;
            }

            impl TryFrom<String> for $ty {
                type Error = String;
                fn try_from(value: String) -> Result<Self, String> {
                    <$ty as OfKind>::KIND.check(&value)?;
                    Ok(Self(value))
                }
            }

            impl std::str::FromStr for $ty {
                type Err = String;
                fn from_str(value: &str) -> Result<Self, String> {
                    Self::try_from(value.to_string())
                }
            }

            impl From<$ty> for String {
                fn from(value: $ty) -> String {
                    value.0
                }
            }

            impl std::ops::Deref for $ty {
                type Target = str;
                fn deref(&self) -> &str {
                    &self.0
                }
            }

            impl AsRef<str> for $ty {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }

            impl std::borrow::Borrow<str> for $ty {
                fn borrow(&self) -> &str {
                    &self.0
                }
            }

            impl fmt::Display for $ty {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl PartialEq<str> for $ty {
                fn eq(&self, other: &str) -> bool {
                    self.0 == other
                }
            }

            impl PartialEq<&str> for $ty {
                fn eq(&self, other: &&str) -> bool {
                    self.0 == *other
                }
            }

            impl PartialEq<$ty> for str {
                fn eq(&self, other: &$ty) -> bool {
                    self == other.0
                }
            }

            impl PartialEq<$ty> for &str {
                fn eq(&self, other: &$ty) -> bool {
                    *self == other.0
                }
            }

            impl Serialize for $ty {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_str(&self.0)
                }
            }

            impl JsonSchema for $ty {
                fn inline_schema() -> bool {
                    true
                }
                fn schema_name() -> Cow<'static, str> {
                    stringify!($ty).into()
                }
                fn json_schema(_: &mut SchemaGenerator) -> Schema {
                    <$ty as OfKind>::KIND.schema()
                }
            }
        )*

        /// Every kind, for the schema's errors to find by name.
        pub static KINDS: &[&Kind] = &[
            $(&$ty::KIND,)*
            &super::units::Duration::KIND,
            &super::units::Size::KIND,
        ];
    };
}

/// Paths land unquoted in systemd, nginx and bash.
const PATH_WHY: &str = "paths land unquoted in systemd, nginx and bash, so they may not carry spaces, quotes, `;`, `{`, `$` or newlines";

/// A path written plainly: no empty, `.` or `..` segment, so it means the same
/// to every tool and every check.
fn plain_path(path: &str) -> Option<String> {
    let plain = if path.starts_with('/') {
        trust::is_plain(path)
    } else {
        !dot_segment(path)
    };
    (!plain).then(|| format!("path `{path}` has an empty, `.` or `..` segment"))
}

const PLAIN_PATH: Rule = Rule {
    problem: plain_path,
    label: "not a plain path",
    help: "write the path without `//`, `.` and `..` segments, so it means the same to every tool and every check",
};

/// True when a path has an empty, `.` or `..` segment (a way out of the
/// directory it names); a trailing `/` is not a segment.
fn dot_segment(path: &str) -> bool {
    path.split('/').any(|s| s == "." || s == "..") || path.contains("//")
}

fn plain_prefix(path: &str) -> Option<String> {
    dot_segment(path).then(|| format!("route `{path}` has an empty, `.` or `..` segment"))
}

fn plain_fallback(file: &str) -> Option<String> {
    (file != "app" && dot_segment(file))
        .then(|| format!("fallback `{file}` has an empty, `.` or `..` segment"))
}

fn ip_address(text: &str) -> Option<String> {
    let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'));
    bare.unwrap_or(text)
        .parse::<std::net::IpAddr>()
        .is_err()
        .then(|| format!("`{text}` is not an IP address"))
}

fn bare_ip_address(text: &str) -> Option<String> {
    text.parse::<std::net::IpAddr>()
        .is_err()
        .then(|| format!("`{text}` is not an IP address"))
}

/// An SSH address: a DNS name (letters and digits, `-`, dots between labels) or
/// an IP address.
fn ssh_host(text: &str) -> Option<String> {
    if text.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    (text.split('.').all(label) && text.len() <= 253)
        .then_some(())
        .map_or_else(
            || Some(format!("`{text}` is neither a DNS name nor an IP address")),
            |_| None,
        )
}

kinds! {
    /// A service name: names the unit, the PM2 app, the nginx upstream and files.
    ServiceName {
        pattern: r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$",
        accepts: "a lower-case name: a letter, then letters, digits or `-`, not ending in `-` (a DNS label)",
        why: "the name is a Kubernetes object name and a DNS label too, which may not end in `-`",
    }
    /// A POSIX user or group name, as `useradd` accepts it by default.
    Account {
        pattern: r"^[a-z_][a-z0-9_-]{0,31}$",
        accepts: "a user or group name such as `app` or `www-data`",
    }
    /// An absolute path with no white space, quotes or shell/nginx/INI
    /// metacharacters, and no empty, `.` or `..` segment.
    AbsPath {
        pattern: r"^/[A-Za-z0-9._@+=,:~/-]*$",
        accepts: "an absolute path without spaces, quotes or shell metacharacters",
        why: PATH_WHY,
        rule: PLAIN_PATH,
    }
    /// A path relative to a release (not starting with `-`).
    RelPath {
        pattern: r"^[A-Za-z0-9._@+][A-Za-z0-9._@+/-]*$",
        accepts: "a relative path such as `dist/server.js` (not starting with `-`, which node reads as an option)",
        why: "paths land unquoted in systemd, nginx and bash, so they may not carry spaces, quotes, `;`, `{`, `$` or newlines; and one starting with `-` would reach node (and Docker's CMD) as an option, not a file",
        rule: PLAIN_PATH,
    }
    /// A DNS name (lower case), optionally a leading wildcard label.
    HostName {
        pattern: r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
        accepts: "a lower-case DNS name such as `api.example.com`",
        why: "names land in nginx `server_name` and systemd and bash files",
    }
    /// One line of printable text without `\` or `$` (nginx would interpolate
    /// `$`); no control characters (C0 or C1); `"` is allowed and escaped.
    HeaderValue {
        pattern: "^[^\\x00-\\x1f\\x7f-\\x9f\\\\$]*$",
        accepts: "one line of text without `\\` or `$`",
        why: "nginx would expand `$` as a variable, and a backslash or control character would end the header",
    }
    /// One line of printable text (a shell command, a realm).
    OneLine {
        pattern: "^[^\\x00-\\x1f\\x7f-\\x9f]*$",
        accepts: "a single line of text",
        why: "a newline would start a new directive in the unit or the script",
    }
    /// One line of text without a backslash (which systemd would read as an
    /// escape or continuation), and without a space at either end (which systemd
    /// would trim).
    Summary {
        pattern: "^(?:[^ \\x00-\\x1f\\x7f-\\x9f\\\\](?:[^\\x00-\\x1f\\x7f-\\x9f\\\\]*[^ \\x00-\\x1f\\x7f-\\x9f\\\\])?)?$",
        accepts: "a single line of text without `\\` and without a space at either end",
        why: "a newline would start a new directive in the unit or the script",
    }
    /// An environment variable name.
    EnvName {
        pattern: r"^[A-Za-z_][A-Za-z0-9_]*$",
        accepts: "an environment variable name such as `LOG_LEVEL`",
    }
    /// A command-line flag for node: no white space, quotes or shell metacharacters.
    NodeArg {
        pattern: r"^-[A-Za-z0-9._=:,/+@%-]*$",
        accepts: "a node flag such as `--enable-source-maps`",
    }
    /// A URL path prefix, written the way browsers send it.
    RoutePath {
        pattern: r"^/[A-Za-z0-9._~/-]*$",
        accepts: "a URL path such as `/api/`",
        rule: Rule {
            problem: plain_prefix,
            label: "not a plain prefix",
            help: "write the prefix the way browsers send it, such as `/assets/`",
        },
    }
    /// A git remote: a URL or scp-like address or a local path, no shell metacharacters.
    GitRemote {
        pattern: r"^[A-Za-z0-9._@:/+~%=-]+$",
        accepts: "a git remote such as `git@github.com:org/app.git`",
    }
    /// One word of a command run by the deploy script (and listed in sudoers).
    CommandWord {
        pattern: r"^[A-Za-z0-9._@+=:/-]+$",
        accepts: "one word of a command, such as `/usr/sbin/nginx` or `-t`",
    }
    /// A git branch name.
    GitBranch {
        pattern: r"^[A-Za-z0-9_][A-Za-z0-9._/-]*$",
        accepts: "a branch name such as `main`",
    }
    /// A version `MAJOR.MINOR.PATCH`.
    Version {
        pattern: r"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$",
        accepts: "a version such as `1.22.1`",
    }
    /// A resolver address for OCSP stapling: an IP address or a name, optional port.
    Resolver {
        pattern: r"^[A-Za-z0-9.:\[\]-]+$",
        accepts: "an address or host name",
    }
    /// The address the app binds to: IPv4, IPv6, or IPv6 in brackets.
    BindAddress {
        pattern: r"^[0-9a-fA-F.:\[\]]+$",
        accepts: "an IP address such as `127.0.0.1` or `::1`",
        rule: Rule {
            problem: ip_address,
            label: "not an address",
            help: "the app binds to an address such as `127.0.0.1` or `::1`; nginx's upstream and the health checks use it too",
        },
    }
    /// An address to reach a server over SSH: a DNS name or an IP address.
    SshHost {
        pattern: r"^[A-Za-z0-9.:-]+$",
        accepts: "a DNS name such as `app1.example.com` or an IP address such as `203.0.113.10`",
        why: "the address lands in the Ansible inventory and on ssh's command line",
        rule: Rule {
            problem: ssh_host,
            label: "not an address",
            help: "write the server's DNS name or IP address (no user, port or brackets: `port` is a key of its own)",
        },
    }
    /// An address of this host nginx listens on: IPv4 or IPv6, no brackets.
    IpAddress {
        pattern: r"^[0-9a-fA-F.:]+$",
        accepts: "an IP address such as `203.0.113.10` or `2001:db8::10`",
        rule: Rule {
            problem: bare_ip_address,
            label: "not an address",
            help: "write an address of this host such as `203.0.113.10` or `2001:db8::10` (no brackets)",
        },
    }
    /// An HTTP header name.
    HeaderName {
        pattern: r"^[A-Za-z0-9-]+$",
        accepts: "an HTTP header name",
    }
    /// A Linux capability name.
    Capability {
        pattern: r"^CAP_[A-Z_]+$",
        accepts: "a capability such as `CAP_NET_BIND_SERVICE`",
    }
    /// A `SystemCallFilter=` entry: a system call or `@group`.
    Syscall {
        pattern: r"^@?[a-z0-9_-]+$",
        accepts: "a system call or `@group`",
    }
    /// An address family for `RestrictAddressFamilies=`.
    AddressFamily {
        pattern: r"^AF_[A-Z0-9]+$",
        accepts: "an address family such as `AF_NETLINK`",
    }
    /// An IP address or prefix for `IPAddressAllow=`, or one of systemd's names.
    IpPrefix {
        pattern: r"^([0-9a-fA-F:.]+(/[0-9]{1,3})?|localhost|link-local|multicast|any)$",
        accepts: "an IP address or prefix",
    }
    /// A DNS label (a Kubernetes name).
    DnsLabel {
        pattern: r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
        accepts: "a DNS label: lower-case letters, digits and `-`, starting and ending with a letter or digit",
    }
    /// An image reference: registry/path, then a tag or a digest.
    Image {
        pattern: r"^[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[0-9a-f]{64})?$",
        accepts: "an image with a tag or digest, such as `registry.example.com/api:1.4.2`",
    }
    /// An IP range.
    Cidr {
        pattern: r"^[0-9a-fA-F:.]+/[0-9]{1,3}$",
        accepts: "a network such as `10.0.3.0/24` or `2001:db8::/64`",
    }
    /// An address or a network.
    CidrOrAddress {
        pattern: r"^[0-9a-fA-F:.]+(/[0-9]{1,3})?$",
        accepts: "an address or network such as `203.0.113.7` or `10.0.0.0/8`",
    }
    /// A MIME type.
    MimeType {
        pattern: r"^[a-z0-9.+-]+/[a-z0-9.+-]+$",
        accepts: "a MIME type such as `application/json`",
    }
    /// Where a static route sends a request for a file it lacks.
    Fallback {
        pattern: r"^(app|/[A-Za-z0-9._~/-]+)$",
        accepts: "`app`, or a file of the route such as `/index.html`",
        rule: Rule {
            problem: plain_fallback,
            label: "not a file of the route",
            help: "name a file of the route's directory, such as `/index.html`",
        },
    }
    /// A request rate.
    Rate {
        pattern: r"^[1-9][0-9]{0,5}r/[sm]$",
        accepts: "a rate: requests per second or per minute, such as `10r/s` or `30r/m`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_names_are_unique() {
        let mut names: Vec<_> = KINDS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        for k in KINDS {
            assert!(Regex::new(k.pattern).is_ok(), "{}", k.name);
        }
    }

    #[test]
    fn a_type_refuses_what_its_kind_refuses() {
        assert!(AbsPath::try_from("/srv/app".to_string()).is_ok());
        assert_eq!(
            AbsPath::try_from("/srv/../etc".to_string()).unwrap_err(),
            "path `/srv/../etc` has an empty, `.` or `..` segment"
        );
        assert_eq!(
            AbsPath::try_from("srv".to_string()).unwrap_err(),
            "\"srv\" is not an absolute path without spaces, quotes or shell metacharacters"
        );
        assert!(BindAddress::try_from("[::1]".to_string()).is_ok());
        assert!(IpAddress::try_from("[::1]".to_string()).is_err());
        assert!(BindAddress::try_from("1.2.3".to_string()).is_err());
        assert!(RoutePath::try_from("/a//b/".to_string()).is_err());
    }

    /// Every `pattern` in the description's schema belongs to a kind, so every
    /// pattern error names an accepted form.
    #[test]
    fn every_schema_pattern_names_its_kind() {
        fn walk(node: &serde_json::Value, at: &str, found: &mut usize) {
            match node {
                serde_json::Value::Object(map) => {
                    if map.contains_key("pattern") {
                        *found += 1;
                        let kind = map.get("x-kind").and_then(|k| k.as_str());
                        let kind = kind.and_then(Kind::named);
                        assert!(kind.is_some(), "{at}: a pattern without a kind");
                        assert_eq!(map["pattern"].as_str(), Some(kind.unwrap().pattern), "{at}");
                    }
                    for (k, v) in map {
                        walk(v, &format!("{at}/{k}"), found);
                    }
                }
                serde_json::Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        walk(v, &format!("{at}/{i}"), found);
                    }
                }
                _ => {}
            }
        }
        let mut found = 0;
        walk(super::super::schema(), "", &mut found);
        assert!(found > 50, "{found} patterns");
    }
}
