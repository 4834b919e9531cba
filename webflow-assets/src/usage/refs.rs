//! The one rule of where a text names an asset: a URL that is the asset's
//! hosted URL, or whose file name starts with `<asset id>_` (Webflow names
//! every hosted file so, responsive variants such as `-p-500` included).
//! Applied to every string the scan reads: CMS fields of any type, HTML
//! attributes and text, custom attributes, component overrides.
//!
//! The finder works on the raw text, so that a rewrite replaces exactly the
//! bytes of each URL and keeps every other byte as Webflow stored it.

use std::collections::BTreeMap;
use std::ops::Range;

/// The site's assets by hosted URL, for URLs that do not follow the
/// `<id>_` naming (a stand-in's, or an asset list's odd answer).
#[derive(Clone, Debug, Default)]
pub(crate) struct Known {
    by_url: BTreeMap<String, String>,
}

impl Known {
    /// From (asset id, hosted URL) pairs.
    pub(crate) fn new<'a>(assets: impl IntoIterator<Item = (&'a String, &'a Option<String>)>) -> Self {
        Self {
            by_url: assets
                .into_iter()
                .filter_map(|(id, url)| Some((url.clone()?, id.clone())))
                .collect(),
        }
    }
}

impl Known {
    /// The asset whose hosted URL `url` is. Only a token with a scheme can
    /// be one: the map is not searched for each word of a page.
    fn get(&self, url: &str) -> Option<String> {
        if self.by_url.is_empty() || !url.contains("://") {
            return None;
        }
        self.by_url.get(url).cloned()
    }
}

/// A URL in a text that names an asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    /// The URL's bytes in the text.
    pub range: Range<usize>,
    /// The asset it names, as written (case kept).
    pub asset_id: String,
}

/// Every URL of `text` that names an asset, in order.
pub(crate) fn find(text: &str, known: &Known) -> Vec<Found> {
    let mut out = Vec::new();
    for token in tokens(text) {
        let url = url_part(text, token);
        if url.is_empty() {
            continue;
        }
        let raw = &text[url.clone()];
        // Every token of every string passes here: copied only when it
        // holds the one entity a URL in HTML carries.
        let decoded: std::borrow::Cow<str> = if raw.contains("&amp;") {
            raw.replace("&amp;", "&").into()
        } else {
            raw.into()
        };
        let asset = known
            .get(&decoded)
            .or_else(|| id_of_file_name(&decoded).map(str::to_owned));
        if let Some(asset_id) = asset {
            out.push(Found {
                range: url,
                asset_id,
            });
        }
    }
    out
}

/// `text` with each URL that `replace` maps (given the asset it names) to
/// a new URL changed, every other byte kept; `None` when nothing changed.
pub(crate) fn rewrite(text: &str, known: &Known, mut replace: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in find(text, known) {
        if let Some(new) = replace(&found.asset_id) {
            out.push_str(&text[last..found.range.start]);
            // Inside HTML an `&` of a query must stay `&amp;`; the hosted
            // URLs Webflow gives carry none, and a bare `&` is kept as given.
            out.push_str(&new);
            last = found.range.end;
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// The asset id a URL's file name starts with: `<24 hex>_`.
pub(crate) fn id_of_file_name(url: &str) -> Option<&str> {
    // A trailing backslash is CSS's escape of what follows (`a\ b.png`,
    // cut at the space), not a folder.
    let path = url.split(['?', '#']).next()?.trim_end_matches('\\');
    let name = path.rsplit(['/', '\\']).next()?;
    let id = name.get(..24)?;
    (name.as_bytes().get(24) == Some(&b'_') && crate::validate::is_object_id(id)).then_some(id)
}

/// The byte ranges of the text's tokens: runs between delimiters (white
/// space, quotes, brackets, and the HTML entities of quotes and brackets).
/// A comma ends a token only before white space, as in a `srcset`.
fn tokens(text: &str) -> Vec<Range<usize>> {
    const ENTITIES: [&str; 8] = ["&quot;", "&#34;", "&#x22;", "&#39;", "&#x27;", "&apos;", "&lt;", "&gt;"];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let delimiter_len = match b {
            b if b.is_ascii_whitespace() => 1,
            b'"' | b'\'' | b'`' | b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'|' | b'^' => 1,
            b',' if bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace) => 1,
            b'&' => ENTITIES
                .iter()
                .find(|e| bytes[i..].len() >= e.len() && bytes[i..i + e.len()].eq_ignore_ascii_case(e.as_bytes()))
                .map_or(0, |e| e.len()),
            _ => 0,
        };
        if delimiter_len > 0 {
            if start < i {
                out.push(start..i);
            }
            i += delimiter_len;
            start = i;
        } else {
            i += 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// The URL inside a token: from its scheme (`https://`), else from `//` or
/// the first `/`, else after an `=` or `:` (an unquoted attribute or CSS
/// property left in the token); to the token's end.
fn url_part(text: &str, token: Range<usize>) -> Range<usize> {
    let t = &text[token.clone()];
    let start = if let Some(at) = t.find("://") {
        t[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |p| p + 1)
    } else if let Some(at) = t.find('/') {
        t[..at].rfind(['=', ':']).map_or(0, |p| p + 1)
    } else {
        t.rfind(['=', ':']).map_or(0, |p| p + 1)
    };
    token.start + start..token.end
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "659595234426a9fcbad57043";

    fn ids(text: &str) -> Vec<(String, &str)> {
        find(text, &Known::default())
            .into_iter()
            .map(|f| (f.asset_id, &text[f.range]))
            .collect()
    }

    #[test]
    fn a_url_names_an_asset_by_its_file_names_prefix_variants_included() {
        let url = format!("https://cdn.prod.website-files.com/580e63e98c9a982ac9b8b741/{A}_logo%20v2-p-500.png?x=1#y");
        assert_eq!(ids(&url), [(A.to_owned(), url.as_str())]);
        assert!(ids("https://example.com/logo.png").is_empty());
        assert!(ids("https://example.com/12345_logo.png").is_empty());
        // The site id is a folder, not a file name.
        assert!(ids("https://cdn/580e63e98c9a982ac9b8b741/logo.png").is_empty());
    }

    #[test]
    fn urls_are_found_in_text_css_srcset_json_and_entities() {
        let u = format!("https://cdn/s/{A}_a.png");
        let v = format!("https://cdn/s/{A}_a-p-500.png");
        for (text, want) in [
            (format!("See {u}, or not."), vec![u.as_str()]),
            (format!("background-image:url({u});"), vec![u.as_str()]),
            (format!("background:url(&quot;{u}&quot;)"), vec![u.as_str()]),
            (format!("{v} 500w, {u} 1000w"), vec![v.as_str(), u.as_str()]),
            (format!("{{\"src\":\"{u}\"}}"), vec![u.as_str()]),
            (format!("src={u}>"), vec![u.as_str()]),
            (format!("fetch('{u}')"), vec![u.as_str()]),
            (format!("{A}_a.png"), vec![&u[14..]]),
        ] {
            let got: Vec<&str> = ids(&text).into_iter().map(|(_, s)| s).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn a_hosted_url_of_the_asset_list_names_its_asset_whatever_its_name() {
        let assets = [(A.to_owned(), Some("http://127.0.0.1:9/b/odd-name.png".to_owned()))];
        let known = Known::new(assets.iter().map(|(a, b)| (a, b)));
        let found = find("<a href=\"http://127.0.0.1:9/b/odd-name.png\">x</a>", &known);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].asset_id, A);
    }

    #[test]
    fn rewrite_changes_only_the_urls_of_the_replaced_asset() {
        let keep = "https://cdn/s/0000000000000000000000bb_b.png";
        let text = format!("<p a='1'>x</p><img srcset=\"https://cdn/s/{A}_a-p-500.png 500w, {keep} 800w\">&nbsp;");
        let out = rewrite(&text, &Known::default(), |id| (id == A).then(|| "https://cdn/s/new_a.png".to_owned())).unwrap();
        assert_eq!(out, format!("<p a='1'>x</p><img srcset=\"https://cdn/s/new_a.png 500w, {keep} 800w\">&nbsp;"));
        assert!(rewrite(&text, &Known::default(), |_| None).is_none());
    }
}
