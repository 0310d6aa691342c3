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
}
