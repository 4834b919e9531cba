//! The library's public API, one line per item, held as a snapshot
//! (`tests/it/snapshots/it__public_api__public_api.snap`): the listing is
//! `tests/common/public_api.rs`'s, from rustdoc's JSON.

#[test]
fn public_api() {
    // Every feature on, as docs.rs builds it: what `client` adds is listed
    // (the TLS providers add nothing public, `fuzz` only hidden items).
    let listed = crate::common::public_api::listing("webflow_assets");
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
