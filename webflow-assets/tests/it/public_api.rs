//! The library's public API, one line per item, held as a snapshot
//! (`tests/it/snapshots/it__public_api__public_api.snap`): the listing is
//! `tests/common/public_api.rs`'s, from rustdoc's JSON.

#[test]
fn public_api() {
    // Every feature that adds to the surface is `client` (a TLS provider
    // turns it on; they add nothing public), and *ring* builds in a
    // fraction of aws-lc's time.
    let listed =
        crate::common::public_api::listing("webflow-assets", "webflow_assets", "rustls-ring");
    // Nothing that must stay inside is listed.
    for private in [
        "hash_read_with_buffer",
        "AtomicU64",
        "webflow_assets::hash::",
        "Origin",
    ] {
        assert!(!listed.contains(private), "{private} is public:\n{listed}");
    }
    insta::assert_snapshot!("public_api", listed);
}
