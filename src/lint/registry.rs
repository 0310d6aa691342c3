//! What the linter knows: the formats it reads (in the order they recognise files)
//! and every rule with its documentation. A new format is its folder plus one line
//! in `FORMATS`; a new rule is its file plus one line in its format's `RULES`,
//! which pairs it with its check (typed by the format: a rule of another format
//! does not compile there).

use std::sync::OnceLock;

use super::format::Format;
use super::rule::Rule;
use super::{
    cross, description, dockerfile, envfile, input, kubernetes, nginx, pm2, shell, sudoers,
    suppress, systemd,
};

/// The formats, in the order that breaks ties when two recognise a file equally.
pub static FORMATS: &[&dyn Format] = &[
    &nginx::format::FORMAT,
    &systemd::format::FORMAT,
    &pm2::format::FORMAT,
    &shell::format::FORMAT,
    &kubernetes::format::FORMAT,
    &description::FORMAT,
    &dockerfile::format::FORMAT,
    &sudoers::format::FORMAT,
    &envfile::format::FORMAT,
];

/// Rules that belong to no single format: across files, suppressions, inputs.
fn engine() -> [&'static [&'static Rule]; 3] {
    [cross::rules(), suppress::RULES, input::RULES]
}

/// Every rule: each format's, then the engine's.
pub fn all() -> &'static [&'static Rule] {
    static ALL: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        FORMATS
            .iter()
            .map(|f| f.rules())
            .chain(engine())
            .flatten()
            .copied()
            .collect()
    })
}

/// A rule by its code, in any case (`ng003`).
pub fn find(code: &str) -> Option<&'static Rule> {
    let code = super::fold_code(code);
    all().iter().copied().find(|r| r.code == code)
}

/// The rule with this code or this name (`NG012`, `alias-traversal`), any case.
pub fn find_by_code_or_name(word: &str) -> Option<&'static Rule> {
    find(word).or_else(|| {
        let name = word.trim().to_ascii_lowercase();
        all().iter().copied().find(|r| r.name == name)
    })
}

/// Whether a code or prefix (case-folded) names any finding svcgen can report:
/// a rule's, or a joined tool's (shellcheck's `SC`, `SC2086`).
pub fn known_prefix(code: &str) -> bool {
    let code = super::fold_code(code);
    let tool = ["SC", "DL"]
        .iter()
        .any(|t| code.starts_with(t) && code[2..].bytes().all(|b| b.is_ascii_digit()));
    tool || all().iter().any(|r| r.code.starts_with(code.as_str()))
}

/// A format by its name or an alias (`--type`).
pub fn format(name: &str) -> Option<&'static dyn Format> {
    FORMATS
        .iter()
        .copied()
        .find(|f| f.name() == name || f.aliases().contains(&name))
}

/// Every name `--type` takes.
pub fn type_names() -> Vec<&'static str> {
    FORMATS
        .iter()
        .flat_map(|f| std::iter::once(f.name()).chain(f.aliases().iter().copied()))
        .collect()
}

/// The Markdown fence language of a rule's example: its format's (suppressions'
/// examples are nginx comments; cross-file and input examples are plain text).
pub fn fence(code: &str) -> &'static str {
    if suppress::RULES.iter().any(|r| r.code == code) {
        return "nginx";
    }
    FORMATS
        .iter()
        .find(|f| code.starts_with(f.family()))
        .map_or("text", |f| f.fence())
}

/// A rule's documentation as Markdown, its example fenced in its format's language.
pub fn markdown(rule: &Rule) -> String {
    rule.markdown(fence(rule.code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::input;

    /// Every rule code is unique, and every format's rules carry its family prefix.
    #[test]
    fn codes_are_unique_and_in_their_family() {
        let mut seen = std::collections::HashSet::new();
        for r in all() {
            assert!(seen.insert(r.code), "{} is registered twice", r.code);
        }
        for f in FORMATS {
            for r in f.rules() {
                assert!(r.code.starts_with(f.family()), "{} in {}", r.code, f.name());
            }
        }
    }

    /// Every file a description renders for linting names a registered format:
    /// nothing rendered is left unlinted by a name that is not there.
    #[test]
    fn every_rendered_file_names_a_registered_format() {
        for d in crate::render::FILES {
            if let Some(name) = d.lint {
                assert!(format(name).is_some(), "{:?} names `{name}`", d.kind);
            }
        }
    }

    /// Every registered format has fixtures: files under `fixtures/` it recognises
    /// (and that recognition picks it), and a `fixtures/lint/` folder for each of
    /// its rules. A format added without fixtures fails here.
    #[test]
    fn every_format_has_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut files = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_none_or(|x| x != "expected") {
                    files.push(p);
                }
            }
        }
        for (i, f) in FORMATS.iter().enumerate() {
            let recognised = files
                .iter()
                .filter(|p| {
                    let text = std::fs::read_to_string(p).unwrap_or_default();
                    input::detect(FORMATS, p, &text) == Some(i)
                })
                .count();
            assert!(
                recognised >= 2,
                "format {}: {recognised} fixtures",
                f.name()
            );
            for r in f.rules() {
                let dir = root.join("lint").join(r.code);
                assert!(dir.is_dir(), "{}: no {}", r.code, dir.display());
            }
        }
    }

    #[test]
    fn type_names_find_their_format() {
        for name in type_names() {
            assert!(format(name).is_some(), "{name}");
        }
        assert_eq!(format("unit").map(|f| f.name()), Some("systemd"));
        assert!(format("toml").is_none());
    }
}
