//! `sync --alt-text-file`: the alt text of each file, from a CSV
//! (`path,alt text`) or a JSON object (`{"path": "alt text"}`), paths
//! relative to the synced directory.
//!
//! The CSV is read with the `csv` crate, not split by hand: spreadsheets
//! write a byte-order mark, CRLF line ends, and quote a field that holds a
//! comma or a line break, and each of those made a hand-made split lose an
//! entry without a word.

use std::collections::BTreeMap;
use std::path::Path;

use super::plan::Local;

/// The alt text file at `path`, by file path (a leading `./` dropped).
pub(crate) fn read(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the alt text file {}: {e}", path.display()))?;
    let shown = path.display().to_string();
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        from_json(&text, &shown)
    } else {
        from_csv(&text, &shown)
    }
}

fn from_json(text: &str, shown: &str) -> Result<BTreeMap<String, String>, String> {
    let entries: BTreeMap<String, String> =
        serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{shown} is not a JSON object of path to alt text: {e}"))?;
    let mut out = BTreeMap::new();
    for (file, alt) in entries {
        let key = normal(&file);
        if out.insert(key.clone(), alt).is_some() {
            return Err(format!(
                "{shown}: {key} is given twice (as {file:?} too); keep one"
            ));
        }
    }
    Ok(out)
}

/// One `path,alt text` record a row; a first row `path,alt` (or `path,alt
/// text`) is a header. An unquoted alt text may hold commas: the rest of
/// its row is the alt text, as before the crate read these files.
fn from_csv(text: &str, shown: &str) -> Result<BTreeMap<String, String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = BTreeMap::new();
    let mut lines: BTreeMap<String, u64> = BTreeMap::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{shown}: {e}"))?;
        let line = record.position().map_or(n as u64 + 1, csv::Position::line);
        let fields: Vec<&str> = record.iter().collect();
        let [file, alt @ ..] = fields.as_slice() else {
            continue;
        };
        let (file, alt) = (file.trim(), alt.join(",").trim().to_owned());
        if n == 0
            && file.eq_ignore_ascii_case("path")
            && ["alt", "alt text", "alt_text"]
                .iter()
                .any(|h| alt.eq_ignore_ascii_case(h))
        {
            continue;
        }
        if fields.len() < 2 || file.is_empty() {
            return Err(format!(
                "{shown}:{line}: expected `path,alt text` (quote a path that holds a comma)"
            ));
        }
        let key = normal(file);
        if let Some(first) = lines.insert(key.clone(), line) {
            return Err(format!(
                "{shown}:{line}: {key} is given twice (line {first} too); keep one"
            ));
        }
        out.insert(key, alt);
    }
    Ok(out)
}

/// A path as the tree names its files: relative, `/`-separated.
fn normal(path: &str) -> String {
    let path = path.trim();
    path.strip_prefix("./").unwrap_or(path).to_owned()
}

/// The paths the file names that are not files of the tree (a typo, a
/// moved file, a hidden one): their alt text would be dropped unsaid.
pub(crate) fn unknown<'a>(alt: &'a BTreeMap<String, String>, local: &Local) -> Vec<&'a str> {
    alt.keys()
        .filter(|path| !local.files.contains_key(path.as_str()))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<BTreeMap<String, String>, String> {
        from_csv(text, "alt.csv")
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn reads_what_spreadsheets_write() {
        // Excel's byte-order mark and CRLF, a header, a quoted path with a
        // comma, doubled quotes, a quoted line break, a blank line.
        let text = "\u{feff}path,alt text\r\n\"a, b.png\",\"The \"\"red\"\" chair\"\r\n\r\nimg/c.png,\"two\nlines\"\r\n";
        assert_eq!(
            csv(text).unwrap(),
            map(&[
                ("a, b.png", "The \"red\" chair"),
                ("img/c.png", "two\nlines")
            ])
        );
    }

    #[test]
    fn an_unquoted_alt_text_keeps_its_commas() {
        assert_eq!(
            csv("./a.png, A red chair, on a boat \n").unwrap(),
            map(&[("a.png", "A red chair, on a boat")])
        );
    }

    #[test]
    fn a_header_is_only_the_first_row() {
        assert_eq!(csv("path,alt\na.png,x\n").unwrap(), map(&[("a.png", "x")]));
        assert_eq!(
            csv("a.png,x\npath,alt\n").unwrap(),
            map(&[("a.png", "x"), ("path", "alt")])
        );
    }

    #[test]
    fn bad_rows_are_errors_naming_the_line() {
        let e = csv("a.png,x\nb.png\n").unwrap_err();
        assert!(e.starts_with("alt.csv:2: expected `path,alt text`"), "{e}");
        let e = csv("a.png,x\n./a.png,y\n").unwrap_err();
        assert_eq!(e, "alt.csv:2: a.png is given twice (line 1 too); keep one");
        let e = from_json(r#"{"a.png": 1}"#, "alt.json").unwrap_err();
        assert!(
            e.starts_with("alt.json is not a JSON object of path to alt text"),
            "{e}"
        );
        let e = from_json(r#"{"a.png": "x", "./a.png": "y"}"#, "alt.json").unwrap_err();
        assert!(e.contains("a.png is given twice"), "{e}");
    }

    #[test]
    fn json_paths_are_the_trees_too() {
        assert_eq!(
            from_json("\u{feff}{\"./img/a.png\": \"A\"}", "alt.json").unwrap(),
            map(&[("img/a.png", "A")])
        );
    }

    #[test]
    fn names_the_paths_the_tree_lacks() {
        let mut local = Local::default();
        let file = super::super::plan::LocalFile {
            dir: String::new(),
            name: "a.png".into(),
            md5: String::new(),
            size: 0,
        };
        local.files.insert("a.png".into(), file);
        let alt = map(&[("a.png", "x"), ("A.png", "y"), ("gone/b.png", "z")]);
        assert_eq!(unknown(&alt, &local), ["A.png", "gone/b.png"]);
    }
}
