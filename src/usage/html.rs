//! The `<img src>` of rich text: found, and rewritten in place.
//!
//! Hand-written rather than an HTML crate: only one attribute of one tag is
//! read or changed, and the rewrite must leave every other byte of the
//! field as Webflow stored it; a DOM parser and serializer (html5ever)
//! would re-format the whole field, and a streaming rewriter (lol_html)
//! would add a CSS-selector engine to the client for this one attribute.

/// The byte range of each `<img ... src=...>` value in `html`.
pub(crate) fn img_sources(html: &str) -> Vec<std::ops::Range<usize>> {
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<img") {
        let start = at + found + 4;
        // The tag ends at the first `>` outside quotes.
        let mut i = start;
        let mut quote: Option<u8> = None;
        let mut tag_end = lower.len();
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (Some(q), c) if c == q => quote = None,
                (None, b'"' | b'\'') => quote = Some(bytes[i]),
                (None, b'>') => {
                    tag_end = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(range) = attribute(&lower[..tag_end], start, "src") {
            out.push(range);
        }
        at = tag_end.max(start);
    }
    out
}

/// The value range of attribute `name` in the tag text `tag[from..]`.
fn attribute(tag: &str, from: usize, name: &str) -> Option<std::ops::Range<usize>> {
    let bytes = tag.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        // Skip to the next attribute name.
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let attr = &tag[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            if i == name_start {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value_start, value_end) = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = tag[i + 1..].find(q as char).map_or(bytes.len(), |e| i + 1 + e);
                (i + 1, end)
            }
            _ => {
                let end = tag[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(bytes.len(), |e| i + e);
                (i, end)
            }
        };
        if attr == name {
            return Some(value_start..value_end);
        }
        i = value_end + 1;
    }
    None
}

/// `html` with each `<img src>` that `replace` maps to a new URL changed;
/// `None` when nothing changed.
pub(crate) fn rewrite_sources(html: &str, mut replace: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    let mut changed = false;
    for range in img_sources(html) {
        let src = decode_amp(&html[range.clone()]);
        if let Some(new) = replace(&src) {
            out.push_str(&html[last..range.start]);
            out.push_str(&new.replace('&', "&amp;").replace('"', "&quot;"));
            last = range.end;
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&html[last..]);
    Some(out)
}

/// The URLs of a rich text's images.
pub(crate) fn image_urls(html: &str) -> Vec<String> {
    img_sources(html)
        .into_iter()
        .map(|r| decode_amp(&html[r]))
        .collect()
}

/// `&amp;` as `&` (the one entity a URL in an attribute carries).
fn decode_amp(s: &str) -> String {
    s.replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_img_src_whatever_the_quoting() {
        let html = r#"<p>x</p><figure><div><img src="https://cdn/a_1.png" alt="A > B"></div></figure><IMG alt='q' SRC='https://cdn/b.png'/><img data-src="no" src=https://cdn/c.png loading=lazy>"#;
        assert_eq!(
            image_urls(html),
            ["https://cdn/a_1.png", "https://cdn/b.png", "https://cdn/c.png"]
        );
    }

    #[test]
    fn an_img_without_src_or_text_mentioning_img_finds_nothing() {
        assert!(image_urls("<p>an <b>img</b> tag: &lt;img src=x&gt;</p><img alt=\"x\">").is_empty());
    }

    #[test]
    fn rewrite_changes_only_the_matching_sources() {
        let html = r#"<p>Hi</p><img src="https://cdn/old.png" alt="Old one"><img src="https://cdn/keep.png">"#;
        let out = rewrite_sources(html, |src| (src == "https://cdn/old.png").then(|| "https://cdn/new.png".to_owned()))
            .unwrap();
        assert_eq!(
            out,
            r#"<p>Hi</p><img src="https://cdn/new.png" alt="Old one"><img src="https://cdn/keep.png">"#
        );
        assert!(rewrite_sources(html, |_| None).is_none());
    }
}
