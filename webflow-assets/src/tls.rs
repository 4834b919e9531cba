//! The TLS setup of both HTTP clients: rustls with the platform's
//! certificate verifier, plus any extra roots (a proxy's CA), with the crypto
//! provider the features choose: aws-lc-rs (default, as reqwest's own) or
//! *ring* (`rustls-ring`: the same TLS 1.2/1.3 suites, and a clean release
//! build about a fifth shorter, BENCHMARKS.md section 5). The config is built
//! here rather than left to reqwest so that extra roots work with either.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls_platform_verifier::Verifier;

use crate::error::Error;

pub(crate) fn client_config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    let fail = |e: rustls::Error| {
        Error::config(
            format!("cannot set up TLS: {e}"),
            "check the system's CA certificates and any root certificate added to the builder",
        )
    };
    let provider = Arc::new(provider());
    let roots = extra_roots
        .iter()
        .map(|der| CertificateDer::from(der.clone()));
    let verifier = if extra_roots.is_empty() {
        Verifier::new(provider.clone())
    } else {
        Verifier::new_with_extra_roots(roots, provider.clone())
    }
    .map_err(fail)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(fail)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest leaves ALPN to a preconfigured config: offer HTTP/2 and 1.1.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(feature = "rustls-ring")]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(all(feature = "rustls-aws-lc", not(feature = "rustls-ring")))]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
compile_error!(
    "webflow-assets needs a TLS crypto provider: enable the `rustls-aws-lc` (default) or `rustls-ring` feature"
);
