//! sudoers rules: what a rule lets its users run as root. A rule that grants
//! every command, a directory, any arguments, a pattern, `sudoedit`, or a program
//! another user could replace is a way to root.

pub mod format;
pub mod su001_grants_all;
pub mod su002_directory;
pub mod su003_any_arguments;
pub mod su004_wildcard;
pub mod su005_sudoedit;
pub mod su006_replaceable_program;

use crate::lint::Sink;
use crate::lint::rule::Entry;
use crate::syntax::sudoers::{Command, Sudoers};

/// What a sudoers rule reads.
pub struct Ctx<'a> {
    pub file: &'a Sudoers,
}

impl Ctx<'_> {
    /// Every command a user specification allows (aliases resolved; `!` denials
    /// left out: they take away, never grant).
    pub fn granted(&self) -> Vec<&Command> {
        let mut out: Vec<&Command> = Vec::new();
        for g in &self.file.grants {
            for c in &g.commands {
                for x in self.file.expand(c, 0) {
                    if !x.negated && !out.iter().any(|o| std::ptr::eq(*o, x)) {
                        out.push(x);
                    }
                }
            }
        }
        out
    }
}

/// The check type of sudoers rules.
pub type Check = fn(&Ctx<'_>, &mut Sink<'_>);

/// The sudoers rules, in code order (the engine's own finding first).
pub static RULES: &[Entry<Check>] = &[
    Entry::Reported(&format::SYNTAX),
    Entry::Checked(&su001_grants_all::RULE, su001_grants_all::check),
    Entry::Checked(&su002_directory::RULE, su002_directory::check),
    Entry::Checked(&su003_any_arguments::RULE, su003_any_arguments::check),
    Entry::Checked(&su004_wildcard::RULE, su004_wildcard::check),
    Entry::Checked(&su005_sudoedit::RULE, su005_sudoedit::check),
    Entry::Checked(
        &su006_replaceable_program::RULE,
        su006_replaceable_program::check,
    ),
];
