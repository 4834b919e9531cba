//! TLS with the crate's own setup (rustls, its provider, the platform verifier):
//! a server signed by an unknown CA is refused, and trusted once its root is
//! added to the builder (as for a proxy with a private CA).
//!
//! The server's certificate and key are fixtures (`fixtures/tls/`, see its
//! README): a self-signed certificate for `localhost`, trusted by nothing
//! but the test that adds it. Made once, not at each run: generating one
//! (rcgen) brought rcgen, yasna and the `time` stack into the tests' build
//! (about 10 of its unit-seconds in CI's timing report).

use crate::common;

use std::sync::Arc;

use common::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use webflow_assets::Error;
use webflow_assets::types::CreateAssetRequest;

/// A one-shot-per-connection HTTPS server on loopback answering every
/// request with the documented Create Asset Metadata example.
async fn https_server() -> (String, Vec<u8>) {
    let cert = CertificateDer::from_pem_slice(fixture("tls/localhost.cert.pem").as_bytes())
        .expect("the fixture is a PEM certificate");
    let key = PrivateKeyDer::from_pem_slice(fixture("tls/localhost.key.pem").as_bytes())
        .expect("the fixture is a PEM private key");
    let cert_der = cert.to_vec();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // Headers, then the body by its Content-Length.
                loop {
                    let Ok(n) = tls.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let body = fixture("create_asset_200.json");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}/v2"), cert_der)
}

fn request() -> CreateAssetRequest {
    CreateAssetRequest::new("file.png", PNG_HASH, None).unwrap()
}

#[tokio::test]
async fn unknown_ca_is_refused() {
    let (url, _) = https_server().await;
    let client = webflow_assets::Client::builder()
        .token(TOKEN)
        .base_url(url)
        .retry(test_policy())
        .build()
        .unwrap();
    let err = client
        .create_asset_metadata(SITE, &request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let shown = common::chain(&err).to_ascii_lowercase();
    assert!(shown.contains("certificate"), "{shown}");
}

#[tokio::test]
async fn added_root_is_trusted() {
    let (url, root) = https_server().await;
    let client = webflow_assets::Client::builder()
        .token(TOKEN)
        .base_url(url)
        .add_root_certificate(root)
        .retry(test_policy())
        .build()
        .unwrap();
    let upload = client
        .create_asset_metadata(SITE, &request())
        .await
        .unwrap();
    assert_eq!(upload.id, "64358b9544249dc43d37d2b7");
}
