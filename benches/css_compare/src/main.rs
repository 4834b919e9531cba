//! `<id>_` rule against cssparser's tokens on a style sheet: the asset ids
//! each finds, and the throughput of each, printed as one JSON line.

use std::collections::BTreeSet;
use std::time::Instant;

use cssparser::{Parser, ParserInput, Token};

/// Every URL and string token of `css`, in nested blocks too (comments
/// skipped, as a tokenizer does).
fn tokens(parser: &mut Parser<'_, '_>, out: &mut Vec<String>) {
    while let Ok(token) = parser.next() {
        match token.clone() {
            Token::UnquotedUrl(u) => out.push(u.to_string()),
            Token::QuotedString(s) => out.push(s.to_string()),
            Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock | Token::CurlyBracketBlock => {
                let _ = parser.parse_nested_block(|p| -> Result<(), cssparser::ParseError<'_, ()>> {
                    tokens(p, out);
                    Ok(())
                });
            }
            _ => {}
        }
    }
}

/// The asset id a URL's file name starts with (`<24 hex>_`).
fn id_of(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let (id, _) = name.split_once('_')?;
    (id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_ascii_lowercase())
}

fn by_tokenizer(css: &str) -> Vec<String> {
    let mut input = ParserInput::new(css);
    let mut parser = Parser::new(&mut input);
    let mut urls = Vec::new();
    tokens(&mut parser, &mut urls);
    urls.iter().filter_map(|u| id_of(u)).collect()
}

fn by_rule(css: &str) -> Vec<String> {
    webflow_assets::fuzz::style_sheet_asset_ids(css)
        .into_iter()
        .map(|id| id.to_ascii_lowercase())
        .collect()
}

fn throughput(css: &str, f: fn(&str) -> Vec<String>) -> f64 {
    let rounds = (64 << 20) / css.len().max(1) + 1;
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n += std::hint::black_box(f(std::hint::black_box(css))).len();
    }
    std::hint::black_box(n);
    (rounds * css.len()) as f64 / start.elapsed().as_secs_f64() / (1 << 20) as f64
}

fn main() {
    let path = std::env::args().nth(1).expect("a style sheet to read");
    let css = std::fs::read_to_string(&path).expect("a readable style sheet");
    let rule: BTreeSet<String> = by_rule(&css).into_iter().collect();
    let tokenizer: BTreeSet<String> = by_tokenizer(&css).into_iter().collect();
    let only_rule: Vec<&String> = rule.difference(&tokenizer).collect();
    let only_tokenizer: Vec<&String> = tokenizer.difference(&rule).collect();
    println!(
        "{{\"file\": {path:?}, \"bytes\": {}, \"rule\": {}, \"tokenizer\": {}, \"only_rule\": {only_rule:?}, \"only_tokenizer\": {only_tokenizer:?}, \"rule_mib_s\": {:.1}, \"tokenizer_mib_s\": {:.1}}}",
        css.len(),
        rule.len(),
        tokenizer.len(),
        throughput(&css, by_rule),
        throughput(&css, by_tokenizer),
    );
}
