//! "Did you mean": the closest known name to a misspelled one.

/// Levenshtein distance between two names (in characters).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The closest of `known` to `name`, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos() {
        assert_eq!(super::edit_distance("instanses", "instances"), 1);
        assert_eq!(
            super::closest("ProtectSytem", ["ProtectSystem", "ProtectHome"]),
            Some("ProtectSystem")
        );
        assert_eq!(super::closest("zzz", ["ProtectSystem"]), None);
    }
}
