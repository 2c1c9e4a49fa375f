//! Fitting text into [`WIDTH`] columns: prose wraps at spaces, a side-by-side table wraps
//! inside its cells (a row takes as many lines as its tallest cell), so nothing is cut.

/// The widest line the main job prints: a terminal of 100 columns shows it all.
pub const WIDTH: usize = 100;

/// The narrowest a table column is squeezed to.
const MIN_COLUMN: usize = 10;

/// `text` in lines of at most `width` characters, broken at spaces; a word longer than a
/// line breaks after its last `_`, `-` or `/` that fits, else at the width.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        let len = |l: &String| l.chars().count();
        if !line.is_empty() && len(&line) + 1 + word.len() <= width {
            line.push(' ');
            line.extend(&word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            let cut = word[..width]
                .iter()
                .rposition(|c| matches!(c, '_' | '-' | '/'))
                .map_or(width, |at| at + 1);
            lines.push(word.drain(..cut).collect());
        }
        line.extend(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A paragraph in lines of at most `width` columns, the lines after the first indented by
/// `indent` spaces.
pub(crate) fn paragraph(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let first = wrap(text, width);
    let Some((head, rest)) = first.split_first() else {
        return out;
    };
    out.push_str(head);
    out.push('\n');
    let rest = rest.join(" ");
    if !rest.is_empty() {
        for line in wrap(&rest, width - indent) {
            out.push_str(&" ".repeat(indent));
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A table made by [`side_by_side`](faultline_harness::side_by_side) for these `variants`,
/// in lines of at most `width` columns. A table that fits comes back unchanged; a wider
/// one keeps its rows and columns, each column squeezed (the widest first) and its cells
/// wrapped onto as many lines as they need. The lines before the header row (the plan
/// line) wrap as prose.
pub fn fit(table: &str, variants: &[&str], width: usize) -> String {
    if table.lines().all(|l| l.chars().count() <= width) {
        return table.to_owned();
    }
    let lines: Vec<&str> = table.lines().collect();
    // The header row: the variants' names, each at the start of its column.
    let Some(header) = lines.iter().position(|l| {
        let mut from = 0;
        !l.starts_with(|c: char| !c.is_whitespace())
            && variants.iter().all(|v| match l[from..].find(v) {
                Some(at) => {
                    from += at + v.len();
                    true
                }
                None => false,
            })
    }) else {
        // Not a table of these variants: wrap it as prose, line by line.
        return lines.iter().map(|l| paragraph(l, width, 2)).collect();
    };
    let chars: Vec<char> = lines[header].chars().collect();
    let mut starts = Vec::new();
    let mut from = 0;
    for v in variants {
        let name: Vec<char> = v.chars().collect();
        let at = (from..chars.len())
            .find(|&i| chars[i..].starts_with(&name))
            .expect("the header holds every variant");
        starts.push(at);
        from = at + name.len();
    }
    let cut = |line: &str| -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        let slice = |a: usize, b: usize| -> String {
            let (a, b) = (a.min(chars.len()), b.min(chars.len()));
            chars[a..b].iter().collect::<String>().trim().to_owned()
        };
        let mut cells = vec![slice(0, starts[0])];
        for (i, &s) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(usize::MAX);
            cells.push(slice(s, end));
        }
        cells
    };
    let rows: Vec<Vec<String>> = lines[header..].iter().map(|l| cut(l)).collect();
    // Column widths (the label first), squeezed widest first until the row fits.
    let mut widths: Vec<usize> = (0..=variants.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
    while total(&widths) > width {
        let (at, &widest) = widths
            .iter()
            .enumerate()
            .max_by_key(|&(i, w)| (*w, std::cmp::Reverse(i)))
            .expect("a table has a label column");
        if widest <= MIN_COLUMN {
            break;
        }
        widths[at] -= 1;
    }
    let mut out: String = lines[..header]
        .iter()
        .map(|l| paragraph(l, width, 2))
        .collect();
    for row in &rows {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| wrap(cell, w))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut line = String::new();
            for (c, (cell, &w)) in wrapped.iter().zip(&widths).enumerate() {
                if c > 0 {
                    line.push_str("  ");
                }
                let part = cell.get(k).map_or("", String::as_str);
                line.push_str(part);
                line.push_str(&" ".repeat(w.saturating_sub(part.chars().count())));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_long_words_after_an_underscore() {
        assert_eq!(
            wrap("failed 200 SWALLOWED OUTLIVED", 20),
            ["failed 200 SWALLOWED", "OUTLIVED"]
        );
        assert_eq!(
            wrap("unstructured_return_exceptions", 24),
            ["unstructured_return_", "exceptions"]
        );
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn a_wide_table_wraps_its_cells_and_keeps_its_columns() {
        let table = "s · plan p · seed 0\n\
                     \x20     first_variant_with_a_long_name  second\n\
                     task  failed 200 SWALLOWED OUTLIVED   completed 300\n";
        let out = fit(table, &["first_variant_with_a_long_name", "second"], 40);
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        assert_eq!(
            out,
            "s · plan p · seed 0\n\
             \x20     first_variant_with_  second\n\
             \x20     a_long_name\n\
             task  failed 200           completed 300\n\
             \x20     SWALLOWED OUTLIVED\n"
        );
        // One that fits is left alone.
        assert_eq!(
            fit(table, &["first_variant_with_a_long_name", "second"], 80),
            table
        );
    }
}
