//! Parsing a page with the `scraper` crate: its title and the pages it links to.

use std::sync::LazyLock;

use scraper::{Html, Selector};

static TITLE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("title").expect("a valid selector"));
static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("a valid selector"));

/// What the parser takes from a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The text of its `<title>`.
    pub title: String,
    /// The pages its links point to (`href="/page/N"`, also absolute), in document order;
    /// links elsewhere are ignored.
    pub links: Vec<u32>,
}

/// Parses `html` (synchronously: `scraper::Html` is not `Send`, so it never lives across
/// an `.await`).
pub fn parse(html: &str) -> Parsed {
    let doc = Html::parse_document(html);
    let title = doc
        .select(&TITLE)
        .next()
        .map(|t| t.text().collect::<String>())
        .unwrap_or_default();
    let links = doc
        .select(&LINKS)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(page_of)
        .collect();
    Parsed { title, links }
}

/// The page a link points to: `/page/17` or `http://host/page/17`.
pub fn page_of(href: &str) -> Option<u32> {
    let path = match href.find("://") {
        Some(at) => {
            let rest = &href[at + 3..];
            &rest[rest.find('/')?..]
        }
        None => href,
    };
    path.strip_prefix("/page/")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::PageSpec;

    #[test]
    fn parses_what_the_site_serves() {
        let spec = PageSpec::new(3, 200);
        let parsed = parse(&spec.html());
        assert_eq!(parsed.title, "Page 3");
        assert_eq!(parsed.links, spec.links);
        assert_eq!(page_of("http://127.0.0.1:80/page/9"), Some(9));
        assert_eq!(page_of("https://elsewhere.example/"), None);
    }
}
