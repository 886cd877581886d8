//! TLS for loopback servers: a private certificate authority generated on
//! the spot ([`Identity::loopback`]), and [`serve_tls`], which serves an
//! axum router over rustls with it.
//!
//! Clients (the adapters, the LLM client) are reqwest over rustls with the
//! system's certificate roots; a test or `keel doubles` hands them the
//! authority's PEM as an extra root (`ca_file` in the backend file,
//! `KEEL_LLM_CA_FILE` for the LLM), so the whole TLS path runs, hostname
//! check included, without turning verification off anywhere.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;

/// A certificate authority and a server certificate it signed.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The authority's certificate (PEM): what a client trusts.
    pub ca_pem: String,
    /// The server's certificate chain (PEM).
    pub chain_pem: String,
    /// The server's private key (PEM). Never written to a log.
    key_pem: String,
}

impl Identity {
    /// A fresh authority and a certificate for `127.0.0.1` and `localhost`.
    pub fn loopback() -> Result<Identity, String> {
        let problem = |error: rcgen::Error| format!("cannot make a test certificate: {error}");
        let ca_key = KeyPair::generate().map_err(problem)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(problem)?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "keel loopback test authority");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key).map_err(problem)?;
        let issuer = Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate().map_err(problem)?;
        let mut server_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .map_err(problem)?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "keel loopback server");
        let server_cert = server_params
            .signed_by(&server_key, &issuer)
            .map_err(problem)?;
        Ok(Identity {
            ca_pem: ca_cert.pem(),
            chain_pem: server_cert.pem(),
            key_pem: server_key.serialize_pem(),
        })
    }

    fn server_config(&self) -> Result<rustls::ServerConfig, String> {
        let chain = CertificateDer::pem_slice_iter(self.chain_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| format!("the server certificate: {error}"))?;
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|error| format!("the server key: {error}"))?;
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("TLS versions: {error}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| format!("the server certificate: {error}"))
    }
}

/// Serves `router` over TLS on `listener` until the task is dropped; each
/// connection is handshaken and served on a task of its own (HTTP/1.1).
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    identity: &Identity,
) -> Result<(), String> {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(identity.server_config()?));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            // A failed handshake (a client that does not trust us) ends
            // only this connection.
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(router);
            let _ =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
        });
    }
}
