//! The nginx parser never panics, whatever bytes it is given.

use proptest::prelude::*;
use svcgen::syntax::FileId;
use svcgen::syntax::nginx::parse_text;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = parse_text(&s, FileId(0));
    }

    #[test]
    fn nginx_shaped_text_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("server"), Just("{"), Just("}"), Just(";"), Just("\""), Just("'"), Just("#"),
            Just("\n"), Just(" "), Just("${"), Just("\\"), Just("location"), Just("/a"),
            Just("content_by_lua_block"), Just("--"), Just("$host"), Just("if"), Just("("),
        ],
        0..64,
    )) {
        let text: String = parts.concat();
        let _ = parse_text(&text, FileId(0));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn ecosystem_parser_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("module.exports"), Just(" = "), Just("{"), Just("}"), Just("["), Just("]"),
            Just(","), Just(":"), Just("'"), Just("\""), Just("`"), Just("${"), Just("\\"),
            Just("//"), Just("/*"), Just("*/"), Just("\n"), Just("apps"), Just("1_0"), Just("-"),
            Just("process.env.X"), Just("true"), Just("é"), Just("..."),
        ],
        0..64,
    )) {
        let text: String = parts.concat();
        let _ = svcgen::syntax::pm2::parse(&text, FileId(0), false);
        let _ = svcgen::syntax::pm2::parse(&text, FileId(0), true);
    }

    #[test]
    fn unit_parser_never_panics(s in any::<String>()) {
        let _ = svcgen::syntax::systemd::parse(&s, FileId(0));
    }

    #[test]
    fn dockerfile_parser_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("FROM node:22"), Just(" AS build"), Just("RUN "), Just("CMD "), Just("USER "),
            Just("ENTRYPOINT "), Just("[\"node\", \"a.js\"]"), Just("["), Just("\""), Just("\\"),
            Just("`"), Just("\n"), Just("\r\n"), Just("# escape=`\n"), Just("# syntax=x\n"),
            Just("<<EOF"), Just("EOF"), Just("<<-"), Just("npm ci"), Just(" && "), Just("é"),
            Just("#"), Just("ARG X"), Just("--from=build"),
        ],
        0..64,
    )) {
        let text: String = parts.concat();
        let _ = svcgen::syntax::dockerfile::parse(&text, FileId(0));
    }

    /// The sudoers reader, and the rules that read what it gives, on text built
    /// from its own syntax: continuations, escapes, run-as lists, tags, aliases.
    #[test]
    fn sudoers_parser_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("deploy"), Just(" ALL"), Just("="), Just("(root)"), Just("("), Just(")"),
            Just(" NOPASSWD:"), Just(":"), Just(","), Just(" /usr/bin/systemctl"), Just(" reload"),
            Just("\\"), Just("\\\n"), Just("\n"), Just("#"), Just("#include x"), Just("!"),
            Just("Cmnd_Alias X"), Just("Defaults"), Just(" \"\""), Just("*"), Just("é"),
            Just("CWD=/srv"), Just("sudoedit"), Just("/usr/sbin/"), Just(" "),
        ],
        0..48,
    )) {
        let text: String = parts.concat();
        if let Ok(f) = svcgen::syntax::sudoers::parse(&text, FileId(0)) {
            for g in &f.grants {
                for c in &g.commands {
                    let _ = f.expand(c, 0);
                }
            }
        }
    }
}
