//! "Did you mean …?": the known name nearest a misspelled one, if any is near enough.

/// The candidate nearest `name` by edit distance (Damerau–Levenshtein: a swap of two
/// letters counts once), if it is within a third of the longer name's length (at least 1);
/// ties go to the first. `None` for an exact match or nothing near.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= (name.chars().count().max(c.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `; did you mean "x"?`, or nothing when no candidate is near `name`.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(name, candidates).map_or_else(String::new, |c| format!("; did you mean {c:?}?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_name_is_suggested_a_far_one_is_not() {
        let names = ["gather", "guards", "streams", "scopes"];
        assert_eq!(nearest("gahter", names), Some("gather"));
        assert_eq!(nearest("gathr", names), Some("gather"));
        assert_eq!(nearest("stream", names), Some("streams"));
        assert_eq!(nearest("zzz", names), None);
        assert_eq!(nearest("gather", names), None);
        assert_eq!(did_you_mean("scope", names), "; did you mean \"scopes\"?");
        assert_eq!(did_you_mean("xyzzy", names), "");
    }
}
