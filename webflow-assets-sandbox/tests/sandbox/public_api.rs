//! The sandbox's public API, one line per item, held as a snapshot
//! (`snapshots/sandbox__public_api__public_api.snap`).

#[test]
fn public_api() {
    let listed = crate::common::public_api::listing("webflow_assets_sandbox");
    // Its signing and storage stay inside.
    for private in ["PolicySigner", "PostPolicy", "Shared"] {
        assert!(!listed.contains(private), "{private} is public:\n{listed}");
    }
    insta::assert_snapshot!("public_api", listed);
}
