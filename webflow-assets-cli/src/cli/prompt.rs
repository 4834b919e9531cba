//! The questions asked on a terminal before something is deleted: what the
//! answer deletes, by name, not only by id.

use webflow_assets::types::Asset;

/// The question before a delete: each asset by id, name and folder (as
/// far as Get Asset told; an id alone when it did not).
pub(crate) fn delete_prompt(assets: &[(String, Option<Asset>)]) -> String {
    let mut text = format!("Delete {} asset(s)?\n", assets.len());
    for (id, asset) in assets {
        match asset {
            Some(a) => {
                // Get Asset may leave the folder out (Webflow sends it in
                // lists): no folder named is no claim about the root.
                let folder = a
                    .folder_id
                    .as_deref()
                    .map(|f| format!("  (in folder {f})"))
                    .unwrap_or_default();
                text.push_str(&format!("  {id}  {}{folder}\n", name(a)));
            }
            None => text.push_str(&format!("  {id}\n")),
        }
    }
    text.push_str("[y/N] ");
    text
}

/// An asset's name as the tool shows it: its display name, else its
/// original file name.
pub(crate) fn name(a: &Asset) -> String {
    a.display_name
        .clone()
        .or_else(|| a.original_file_name.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod prompt_tests {
    #[test]
    fn the_prompt_names_names_and_folders() {
        let asset: webflow_assets::types::Asset = serde_json::from_value(serde_json::json!({
            "id": "63e5889e7fe4eafa7384cea4", "originalFileName": "logo.png",
            "folderId": "6436b1ce5281cace05b65aea"
        }))
        .unwrap();
        let text = super::delete_prompt(&[
            ("63e5889e7fe4eafa7384cea4".to_owned(), Some(asset)),
            ("63e5889e7fe4eafa7384cea5".to_owned(), None),
        ]);
        assert_eq!(
            text,
            "Delete 2 asset(s)?\n  63e5889e7fe4eafa7384cea4  logo.png  (in folder 6436b1ce5281cace05b65aea)\n  63e5889e7fe4eafa7384cea5\n[y/N] "
        );
    }
}
