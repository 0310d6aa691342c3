//! NG002 expands `ssl_ciphers` strings the way OpenSSL does; the real
//! `openssl ciphers` decides. Each string below (from real configurations, nginx's
//! default, Mozilla's lists and the classic mistakes) must select exactly the
//! TLS 1.2-and-below ciphers OpenSSL selects.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::*;
use svcgen::lint::nginx::cipher_string::expand;

const STRINGS: &[&str] = &[
    "HIGH:!aNULL:!MD5",
    "HIGH:!MEDIUM:!LOW:!aNULL:!NULL:!SHA",
    "EDH+CAMELLIA",
    "ALL",
    "DEFAULT",
    "MEDIUM",
    "LOW",
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE+AESGCM:ECDHE+CHACHA20",
    "EECDH+AESGCM:EDH+AESGCM",
    "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH",
    "AES128+EECDH:AES128+EDH",
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS",
    "ALL:!ADH:!EXPORT:!SSLv2:RC4+RSA:+HIGH:+MEDIUM:+LOW",
    "HIGH:!aNULL:!MD5:!3DES",
    "HIGH:!aNULL:!kRSA:!PSK:!SRP:!MD5:!RC4",
    "kEECDH+ECDSA+AES128:kEECDH+ECDSA+AES256:kEECDH+AES128:kEECDH+AES256:kEDH+AES128:kEDH+AES256:DES-CBC3-SHA:+SHA:!aNULL:!eNULL:!LOW:!kECDH:!DSS:!MD5:!RC4:!EXP:!PSK:!SRP:!CAMELLIA:!SEED",
    "DEFAULT:-kRSA:@STRENGTH",
    "AES256-SHA:-ALL:ECDHE-RSA-AES128-GCM-SHA256",
    "ALL:@SECLEVEL=0",
];

/// What the real OpenSSL selects, minus the TLS 1.3 suites (ssl_ciphers does not
/// configure them; `openssl ciphers` always lists them).
fn openssl(string: &str) -> BTreeSet<String> {
    let out = run(Command::new(require("openssl")).args(["ciphers", string]));
    text(&out.stdout)
        .trim()
        .split(':')
        .filter(|n| !n.is_empty() && !n.starts_with("TLS_"))
        .map(str::to_string)
        .collect()
}

#[test]
fn cipher_strings_expand_as_openssl_expands_them() {
    for s in STRINGS {
        let ours: BTreeSet<String> = expand(s).iter().map(|c| c.name.to_string()).collect();
        let theirs = openssl(s);
        assert_eq!(
            ours,
            theirs,
            "`{s}`: svcgen selects {} cipher(s), openssl {}",
            ours.len(),
            theirs.len()
        );
        eprintln!("`{s}`: {} cipher(s), as openssl", ours.len());
    }
}
