#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    webflow_assets::fuzz::published_document(data);
});
