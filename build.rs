//! Generates the Webflow client and its types from `openapi/webflow-assets.yaml`
//! with progenitor. The output goes to `OUT_DIR/codegen.rs` and is included by
//! `src/generated.rs`; nothing generated is committed.

use std::path::Path;

const SPEC: &str = "openapi/webflow-assets.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");

    if let Err(message) = generate() {
        // A panic in a build script prints its message in cargo's error block;
        // name the spec file so a maintainer knows where to look.
        panic!("\n\nwebflow-assets: cannot generate the client from `{SPEC}`:\n  {message}\n\n");
    }
}

fn generate() -> Result<(), String> {
    let text = std::fs::read_to_string(SPEC).map_err(|e| format!("cannot read it: {e}"))?;
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text)
        .map_err(|e| format!("it is not a valid OpenAPI 3.0 document: {e}"))?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "`openapi: {}` is not supported: progenitor parses OpenAPI 3.0.x only",
            spec.openapi
        ));
    }

    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        // Our `ClientHooks` impl (src/hooks.rs) adds the bearer token, drops the
        // `api-version` header and records the raw response for error mapping.
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote_path("crate::hooks::Inner"))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        // `uploadDetails` must keep the server's key order and unknown keys:
        // the hand-written ordered map replaces the struct typify would emit.
        .with_replacement(
            "UploadDetails",
            "crate::UploadDetails",
            std::iter::empty::<progenitor::TypeImpl>(),
        );

    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor refused it: {e}"))?;
    let ast: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let code = prettyplease::unparse(&ast);

    let out_dir = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR is not set: {e}"))?;
    let out = Path::new(&out_dir).join("codegen.rs");
    std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(())
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a static Rust path parses")
}
