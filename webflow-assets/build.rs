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
    let spec: openapiv3::OpenAPI = serde_saphyr::from_str(&text)
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
        .with_inner_type(quote_path("crate::auth::Auth"))
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
    let mut ast: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    schema_rules::apply(&mut ast, &spec);
    if std::env::var_os("CARGO_FEATURE_CLIENT").is_some() {
        constructors_crate_only(&mut ast);
    } else {
        // The `types`-only build: the generated types and nothing that needs
        // an HTTP client (progenitor-client, reqwest, tokio).
        ast.items
            .retain(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"));
    }
    let code = prettyplease::unparse(&ast);

    let out_dir = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR is not set: {e}"))?;
    let out = Path::new(&out_dir).join("codegen.rs");
    std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let scopes = Path::new(&out_dir).join("scopes.rs");
    std::fs::write(&scopes, scope_table(&spec)?)
        .map_err(|e| format!("cannot write {}: {e}", scopes.display()))?;
    Ok(())
}

/// Each operation's `x-required-scopes`, as a Rust table for
/// `src/scopes.rs`: what a token needs is read from the spec, like the
/// client, so that a new operation cannot go without it.
fn scope_table(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut rows = Vec::new();
    for (path, item) in &spec.paths.paths {
        let openapiv3::ReferenceOr::Item(item) = item else {
            return Err(format!("path {path}: a $ref path item is not supported"));
        };
        for (method, op) in item.iter() {
            let scopes = op
                .extensions
                .get("x-required-scopes")
                .and_then(|v| v.as_array())
                .ok_or_else(|| {
                    format!(
                        "{} {path}: no `x-required-scopes` list (every operation names the scopes it needs)",
                        method.to_uppercase()
                    )
                })?;
            let scopes: Vec<String> = scopes
                .iter()
                .map(|s| s.as_str().map(|s| format!("{s:?}")))
                .collect::<Option<_>>()
                .ok_or_else(|| format!("{method} {path}: a scope that is not a string"))?;
            rows.push(format!(
                "    ({:?}, {path:?}, &[{}]),\n",
                method.to_uppercase(),
                scopes.join(", ")
            ));
        }
    }
    Ok(format!(
        "/// Each operation of the spec (method, path) and the scopes it needs.\npub(crate) const OPERATION_SCOPES: &[(&str, &str, &[&str])] = &[\n{}];\n",
        rows.concat()
    ))
}

/// typify checks a string's `pattern`, `minLength` and `maxLength` in the
/// newtype's `FromStr`, but the newtype's derived `JsonSchema` says only
/// `"type": "string"`; and an optional field that the spec does not mark
/// `nullable` is an `Option`, which schemars exports as nullable. This
/// writes the spec's rules back into the derived schemas, so that
/// `webflow_assets::schema` exports what `openapi/` says.
mod schema_rules {
    use std::collections::HashMap;

    use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
    use syn::{Fields, Item, parse_quote};

    /// Length and pattern of a constrained string newtype.
    #[derive(Default)]
    struct Rules {
        min: Option<usize>,
        max: Option<usize>,
        pattern: Option<String>,
    }

    pub fn apply(file: &mut syn::File, spec: &OpenAPI) {
        let not_nullable = optional_non_nullable(spec);
        walk(&mut file.items, &not_nullable);
    }

    fn walk(items: &mut Vec<Item>, not_nullable: &HashMap<String, Vec<String>>) {
        let mut rules = HashMap::new();
        let mut extra = Vec::new();
        for item in items.iter() {
            if let Item::Impl(imp) = item
                && imp.trait_.as_ref().is_some_and(|(_, path, _)| {
                    path.segments.last().is_some_and(|s| s.ident == "FromStr")
                })
                && let syn::Type::Path(ty) = &*imp.self_ty
                && let Some(name) = ty.path.segments.last()
            {
                let body = quote::ToTokens::to_token_stream(imp).to_string();
                rules.insert(name.ident.to_string(), parse_rules(&body));
            }
        }
        for item in items.iter_mut() {
            match item {
                Item::Mod(m) => {
                    if let Some((_, inner)) = &mut m.content {
                        walk(inner, not_nullable);
                    }
                }
                Item::Struct(st) => {
                    let name = st.ident.to_string();
                    if let (Some(r), Fields::Unnamed(fields)) = (rules.get(&name), &st.fields)
                        && fields.unnamed.len() == 1
                    {
                        // schemars ignores validation attributes on a
                        // `serde(transparent)` newtype: the derive goes, and
                        // a hand-made impl (below) says the rules.
                        drop_derive(&mut st.attrs, "JsonSchema");
                        extra.push(schema_impl(&st.ident, r));
                    }
                    if let (Some(props), Fields::Named(fields)) =
                        (not_nullable.get(&name), &mut st.fields)
                    {
                        for field in fields.named.iter_mut() {
                            let renamed = field.attrs.iter().any(|a| {
                                let text = quote::ToTokens::to_token_stream(a).to_string();
                                props
                                    .iter()
                                    .any(|p| text.contains(&format!("rename = \"{p}\"")))
                            });
                            if renamed && let Some(inner) = option_inner(&field.ty) {
                                // Still optional (`default`), but never null.
                                field.attrs.push(parse_quote!(#[serde(default)]));
                                let with = quote::ToTokens::to_token_stream(&inner).to_string();
                                field.attrs.push(parse_quote!(#[schemars(with = #with)]));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        items.extend(extra);
    }

    /// Removes `name` from the item's `#[derive(...)]` lists.
    fn drop_derive(attrs: &mut [syn::Attribute], name: &str) {
        use syn::punctuated::Punctuated;
        for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let Ok(paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            let kept: Vec<&syn::Path> = paths
                .iter()
                .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
                .collect();
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }

    /// A `JsonSchema` impl for a constrained string newtype: inline (as the
    /// derive of a transparent newtype is), with the spec's rules.
    fn schema_impl(ident: &syn::Ident, r: &Rules) -> Item {
        let name = ident.to_string();
        let opt_usize = |v: Option<usize>| match v {
            Some(n) => quote::quote!(Some(#n as u32)),
            None => quote::quote!(None),
        };
        let (min, max) = (opt_usize(r.min), opt_usize(r.max));
        let pattern = match &r.pattern {
            Some(p) => quote::quote!(Some(#p.to_owned())),
            None => quote::quote!(None),
        };
        parse_quote! {
            impl schemars::JsonSchema for #ident {
                fn schema_name() -> ::std::string::String {
                    #name.to_owned()
                }
                fn is_referenceable() -> bool {
                    false
                }
                fn json_schema(
                    _: &mut schemars::r#gen::SchemaGenerator,
                ) -> schemars::schema::Schema {
                    schemars::schema::SchemaObject {
                        instance_type: Some(schemars::schema::InstanceType::String.into()),
                        string: Some(Box::new(schemars::schema::StringValidation {
                            max_length: #max,
                            min_length: #min,
                            pattern: #pattern,
                        })),
                        ..Default::default()
                    }
                    .into()
                }
            }
        }
    }

    /// The `T` of an `Option<T>` type.
    fn option_inner(ty: &syn::Type) -> Option<syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?;
        if last.ident != "Option" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        match args.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }
    }

    /// Reads typify's checks out of a `FromStr` impl's tokens:
    /// `count () > 99usize`, `count () < 3usize`, `Regex :: new ("...")`.
    fn parse_rules(body: &str) -> Rules {
        let number_after = |marker: &str| {
            let start = body.find(marker)? + marker.len();
            let digits: String = body[start..]
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        };
        let pattern = body.find("Regex :: new (").and_then(|i| {
            let lit = &body[i + "Regex :: new (".len()..];
            let lit = lit.trim_start();
            let end = lit.find(") . unwrap ()")?;
            syn::parse_str::<syn::LitStr>(lit[..end].trim())
                .ok()
                .map(|l| l.value())
        });
        Rules {
            min: number_after("count () <"),
            max: number_after("count () >"),
            pattern,
        }
    }

    /// Per component schema, its properties that are optional and not
    /// `nullable`: absent is fine, null is not.
    fn optional_non_nullable(spec: &OpenAPI) -> HashMap<String, Vec<String>> {
        let mut out = HashMap::new();
        let Some(components) = &spec.components else {
            return out;
        };
        for (name, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
                continue;
            };
            let props = obj
                .properties
                .iter()
                .filter(|(prop, _)| !obj.required.contains(prop))
                .filter(|(_, s)| match s {
                    ReferenceOr::Item(s) => !s.schema_data.nullable,
                    // A `$ref` cannot say nullable in 3.0: never null.
                    ReferenceOr::Reference { .. } => true,
                })
                .map(|(prop, _)| prop.clone())
                .collect::<Vec<_>>();
            out.insert(name.clone(), props);
        }
        out
    }
}

/// `Client::new` and `new_with_client` of the generated client take the
/// hooks' private state: callers outside the crate could not use them, so
/// they are made crate-only. The one public way to the generated client is
/// `webflow_assets::Client::generated`, which has auth and hooks set up.
fn constructors_crate_only(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = &*imp.self_ty else {
            continue;
        };
        if !ty.path.is_ident("Client") {
            continue;
        }
        for inner in &mut imp.items {
            if let syn::ImplItem::Fn(f) = inner
                && (f.sig.ident == "new" || f.sig.ident == "new_with_client")
            {
                f.vis = syn::parse_quote!(pub(crate));
            }
        }
    }
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a static Rust path parses")
}
