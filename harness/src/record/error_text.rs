//! Error text as a report shows it: the same bytes whatever the environment.

/// An error's `Debug` text without the backtrace some error types add to it (`anyhow`
/// captures one when `RUST_BACKTRACE` or `RUST_LIB_BACKTRACE` is set, and prints it after
/// `Stack backtrace:`): a report's bytes must not depend on the environment. The frames
/// (every line indented, the last one followed directly by whatever came after the error,
/// such as the `)` of `Err(…)`) are cut out; the text around them stays.
pub(crate) fn without_backtrace(text: String) -> String {
    const MARK: &str = "\n\nStack backtrace:\n";
    // Most texts have no line break at all (`()`, `Ok(3)`): no substring search for them.
    if !text.contains('\n') {
        return text;
    }
    let Some(at) = text.find(MARK) else {
        return text;
    };
    let mut rest = &text[at + MARK.len()..];
    let mut after = "";
    while rest.starts_with(' ') {
        let (line, next) = match rest.find('\n') {
            Some(end) => (&rest[..end], &rest[end..]),
            None => (rest, ""),
        };
        // A location line followed by more text on the same line is the last frame.
        let location_tail = (line.trim_start().starts_with("at ")).then(|| frame_tail(line));
        match (location_tail, next.is_empty()) {
            (Some(tail), _) if !tail.is_empty() => {
                after = tail;
                rest = next;
                break;
            }
            (_, true) => {
                after = frame_tail(line);
                rest = "";
            }
            (_, false) => rest = &next[1..],
        }
    }
    let cut = format!("{}{after}{rest}", &text[..at]);
    // Several errors, several backtraces: each pass cuts one.
    if cut.contains(MARK) {
        without_backtrace(cut)
    } else {
        cut
    }
}

/// What follows the last frame of a backtrace on its line: after `at file:line:col`, or the
/// closing brackets and quotes after a frame's symbol.
fn frame_tail(line: &str) -> &str {
    let trimmed = line.trim_start();
    if let Some(location) = trimmed.strip_prefix("at ") {
        // `file:line:col`, then the tail: the first character after the last digits run
        // that follows `:<digits>:`.
        let bytes = location.as_bytes();
        let mut i = location.len();
        for (colon, _) in location
            .match_indices(':')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let digits = bytes[colon + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0
                && location[..colon]
                    .rsplit(':')
                    .next()
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            {
                i = colon + 1 + digits;
                break;
            }
        }
        return &location[i..];
    }
    let keep = trimmed
        .bytes()
        .rev()
        .take_while(|b| matches!(b, b')' | b']' | b'}' | b'"'))
        .count();
    &trimmed[trimmed.len() - keep..]
}

#[cfg(test)]
mod tests {
    use super::without_backtrace;

    #[test]
    fn a_backtrace_is_cut_out_and_what_follows_it_kept() {
        let plain = "Err(the disk is full)".to_owned();
        assert_eq!(without_backtrace(plain.clone()), plain);
        let at = "Err(the disk is full\n\nStack backtrace:\n   0: anyhow::error::new\n             at /src/error.rs:12:5\n   1: main\n             at ./src/main.rs:3:14)";
        assert_eq!(without_backtrace(at.to_owned()), "Err(the disk is full)");
        let symbol = "[Err(boom\n\nCaused by:\n    io\n\nStack backtrace:\n   0: <unknown>)]";
        assert_eq!(
            without_backtrace(symbol.to_owned()),
            "[Err(boom\n\nCaused by:\n    io)]"
        );
        let inner = "Err(a\n\nStack backtrace:\n   0: f\n             at x.rs:1:2), Err(b\n\nStack backtrace:\n   0: g\n             at y.rs:3:4)";
        assert_eq!(without_backtrace(inner.to_owned()), "Err(a), Err(b)");
    }
}
