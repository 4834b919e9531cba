//! How HTML (rich text, page and component text, overrides) uses the
//! assets its URLs name: an `<img>`/`<source>` image, an `<a href>` link,
//! any other attribute (`style`, `data-*`, `<video src>`), or text
//! (including comments and embedded scripts).
//!
//! The URLs themselves are found by [`refs`](super::refs) on the raw text;
//! html5gum (a WHATWG tokenizer with byte spans and no dependencies of its
//! own) says which tag and attribute each one stands in. A DOM parser and
//! serializer (html5ever) would re-format the whole field on a rewrite, and
//! a streaming rewriter (lol_html) brings a CSS-selector engine that nothing
//! here needs.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::UseKind;
use super::refs::{self, Found, Known};

/// A start tag: its bytes, its name, and each attribute's bytes and name.
struct Tag {
    span: Range<usize>,
    name: Vec<u8>,
    attributes: Vec<(Vec<u8>, Range<usize>)>,
}

/// Every URL of `html` that names an asset, with how it is used.
pub(crate) fn uses(html: &str, known: &Known) -> Vec<(Found, UseKind)> {
    let found = refs::find(html, known);
    if found.is_empty() {
        return Vec::new();
    }
    let tags = start_tags(html);
    found
        .into_iter()
        .map(|f| {
            let kind = kind_at(&tags, f.range.start);
            (f, kind)
        })
        .collect()
}

fn start_tags(html: &str) -> Vec<Tag> {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // `<script>`, `<style>` and `<textarea>` content is text, as a browser reads it.
    emitter.naively_switch_states(true);
    Tokenizer::new_with_emitter(html, emitter)
        .flatten()
        .filter_map(|token| match token {
            Token::StartTag(tag) => Some(Tag {
                span: tag.span.start..tag.span.end,
                name: tag.name.to_ascii_lowercase(),
                attributes: tag
                    .attributes
                    .iter()
                    .map(|(name, value)| (name.to_ascii_lowercase(), value.span.start..value.span.end))
                    .collect(),
            }),
            _ => None,
        })
        .collect()
}

fn kind_at(tags: &[Tag], at: usize) -> UseKind {
    let Some(tag) = tags.iter().find(|t| t.span.contains(&at)) else {
        return UseKind::HtmlText;
    };
    let attribute = tag
        .attributes
        .iter()
        .filter(|(_, span)| span.start <= at)
        .max_by_key(|(_, span)| span.start)
        .map(|(name, _)| name.as_slice());
    match (tag.name.as_slice(), attribute) {
        (b"img" | b"source" | b"picture", Some(b"src" | b"srcset")) => UseKind::RichTextImage,
        (b"a", Some(b"href")) => UseKind::RichTextLink,
        _ => UseKind::HtmlAttribute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "659595234426a9fcbad57043";

    fn kinds(html: &str) -> Vec<(UseKind, String)> {
        uses(html, &Known::default())
            .into_iter()
            .map(|(f, k)| (k, html[f.range].to_owned()))
            .collect()
    }

    #[test]
    fn each_place_in_html_has_its_kind() {
        let u = format!("https://cdn/s/{A}_a.png");
        let html = format!(
            "<figure><img alt=\"A > B\" src=\"{u}\"></figure><IMG SRCSET='{u} 500w'>\
             <p><a title=x href={u}>the PDF</a> or {u}</p>\
             <div style=\"background-image:url(&quot;{u}&quot;)\" data-x=\"{u}\"></div>\
             <video src=\"{u}\"></video><!-- {u} --><script>fetch(\"{u}\")</script>"
        );
        let got: Vec<UseKind> = kinds(&html).into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            got,
            [
                UseKind::RichTextImage,
                UseKind::RichTextImage,
                UseKind::RichTextLink,
                UseKind::HtmlText,
                UseKind::HtmlAttribute,
                UseKind::HtmlAttribute,
                UseKind::HtmlAttribute,
                UseKind::HtmlText,
                UseKind::HtmlText,
            ]
        );
        assert!(kinds(&html).iter().all(|(_, url)| url == &u));
    }

    #[test]
    fn text_that_only_mentions_a_tag_finds_nothing() {
        assert!(kinds("<p>an <b>img</b> tag: &lt;img src=x&gt;</p><img alt=\"x\">").is_empty());
    }
}
