//! OpenSSL cipher strings (`ssl_ciphers`), expanded the way OpenSSL expands them, so
//! NG002 judges what a string selects rather than the words it uses.
//!
//! The cipher table (`data/openssl-ciphers.tsv`) is generated from OpenSSL itself
//! (`scripts/gen-openssl-ciphers.sh`): each TLS 1.2-and-below cipher with its key
//! exchange, authentication, encryption and MAC, and the words (`HIGH`, `kRSA`,
//! `AESGCM`…) that select it. The rules applied here are OpenSSL's: `A:B` adds in
//! turn, `A+B` is the ciphers in both, `!A` removes for good, `-A` removes (a later
//! word may add back), `+A` moves to the end, `@STRENGTH`/`@SECLEVEL=n` order or
//! filter (ignored: the set is what matters here). A word OpenSSL does not know
//! selects nothing. `tests/suite/openssl_ciphers.rs` compares the result with the real
//! `openssl ciphers` on strings from real configurations.

use std::collections::HashSet;
use std::sync::LazyLock;

/// One cipher of the table.
#[derive(Debug)]
pub struct Cipher {
    pub name: &'static str,
    /// OpenSSL's `Kx=` (`RSA`, `ECDH`, `DH`, `PSK`…).
    pub kx: &'static str,
    /// `Au=` (`RSA`, `ECDSA`, `DSS`, `None`…).
    pub au: &'static str,
    /// `Enc=` (`AESGCM(128)`, `CHACHA20/POLY1305(256)`, `3DES(168)`, `None`…).
    pub enc: &'static str,
    /// `Mac=` (`AEAD`, `SHA1`, `SHA256`, `MD5`…).
    pub mac: &'static str,
    aliases: Vec<&'static str>,
}

impl Cipher {
    fn selected_by(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

static TABLE: LazyLock<Vec<Cipher>> = LazyLock::new(|| {
    include_str!("../../../data/openssl-ciphers.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(Cipher {
                name: f.next()?,
                kx: f.next()?,
                au: f.next()?,
                enc: f.next()?,
                mac: f.next()?,
                aliases: f
                    .next()
                    .unwrap_or("")
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .collect(),
            })
        })
        .collect()
});

/// The ciphers one word selects: a cipher name, an alias, or `A+B+…` (all of them).
fn select(word: &str) -> Vec<usize> {
    let parts: Vec<&str> = word.split('+').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Vec::new();
    }
    TABLE
        .iter()
        .enumerate()
        .filter(|(_, c)| parts.iter().all(|p| c.selected_by(p)))
        .map(|(i, _)| i)
        .collect()
}

/// The ciphers a cipher string selects, in OpenSSL's order of addition.
pub fn expand(string: &str) -> Vec<&'static Cipher> {
    let mut list: Vec<usize> = Vec::new();
    let mut banned: HashSet<usize> = HashSet::new();
    for element in string.split([':', ',', ' ', ';']).filter(|e| !e.is_empty()) {
        if element.starts_with('@') {
            continue;
        }
        let (op, word) = match element.as_bytes()[0] {
            b'!' | b'-' | b'+' => (element.as_bytes()[0], &element[1..]),
            _ => (b'=', element),
        };
        let chosen = select(word);
        match op {
            b'!' => {
                list.retain(|i| !chosen.contains(i));
                banned.extend(chosen);
            }
            b'-' => list.retain(|i| !chosen.contains(i)),
            b'+' => {
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    list.iter().partition(|i| chosen.contains(i));
                list = kept.into_iter().chain(moved).collect();
            }
            _ => {
                for i in chosen {
                    if !banned.contains(&i) && !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }
    list.into_iter().map(|i| &TABLE[i]).collect()
}

/// Why a cipher is weak, if it is. PSK and SRP suites are left out: they are only
/// negotiated with a pre-shared key or SRP configured, which nginx sites do not do.
pub fn weakness(c: &Cipher) -> Option<&'static str> {
    if c.kx.contains("PSK") || c.kx.contains("SRP") || c.au.contains("PSK") || c.au.contains("SRP")
    {
        return None;
    }
    let enc = c.enc;
    if enc == "None"
        || ["RC4", "DES", "3DES", "IDEA", "SEED", "RC2"]
            .iter()
            .any(|e| enc.starts_with(e))
    {
        return Some("broken or obsolete encryption");
    }
    if c.mac == "MD5" {
        return Some("an MD5 MAC");
    }
    if c.au == "None" {
        return Some("no authentication (anonymous: open to a man in the middle)");
    }
    if c.kx == "RSA" {
        return Some("no forward secrecy (RSA key exchange)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<&'static str> {
        expand(s).iter().map(|c| c.name).collect()
    }

    #[test]
    fn the_table_is_openssls() {
        assert!(TABLE.len() > 100);
        assert!(
            TABLE
                .iter()
                .any(|c| c.name == "ECDHE-RSA-AES128-GCM-SHA256")
        );
    }

    #[test]
    fn operators() {
        let mozilla = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
        assert_eq!(
            names(mozilla),
            [
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256"
            ]
        );
        // `!` is for good, `-` is not.
        assert!(names("ECDHE-RSA-AES128-GCM-SHA256:!aRSA:ECDHE-RSA-AES128-GCM-SHA256").is_empty());
        assert_eq!(
            names("ECDHE-RSA-AES128-GCM-SHA256:-aRSA:ECDHE-RSA-AES128-GCM-SHA256").len(),
            1
        );
        // `+` alone moves to the end.
        let moved = names("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:+aRSA");
        assert_eq!(
            moved,
            [
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256"
            ]
        );
        // A word nobody knows selects nothing.
        assert!(names("NOT-A-CIPHER").is_empty());
        // What nginx's default lets in.
        assert!(expand("HIGH:!aNULL:!MD5").iter().any(|c| c.kx == "RSA"));
        assert!(expand("EDH+CAMELLIA").iter().all(|c| weakness(c).is_none()));
    }
}
