//! Trust: Mozilla's roots, built in so an empty image works, plus the certificates of a
//! private CA named by `SSL_CERT_FILE` (self-hosted GitLab, Mattermost, mail or IRC servers).
//! HTTP, SMTP and IRC all verify against this one set.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::env::Env;
use crate::error::UsageError;

/// The certificates in `SSL_CERT_FILE`, if it is set. A file that cannot be read, or holds no
/// certificate, is a usage error: silently trusting less than asked would be worse.
pub fn private_ca(env: &Env) -> Result<Vec<CertificateDer<'static>>, UsageError> {
    let Some(path) = env.get("SSL_CERT_FILE") else {
        return Ok(Vec::new());
    };
    let bad = |why: String| UsageError::new(format!("SSL_CERT_FILE {path}: {why}"));
    let pem =
        crate::files::read(std::path::Path::new(path), crate::files::SMALL_LIMIT).map_err(bad)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("not a PEM certificate file ({e:?})")))?;
    if certs.is_empty() {
        return Err(bad("holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// Whether every certificate of a private CA can be used as a root.
pub fn check(certs: &[CertificateDer<'static>]) -> Result<(), UsageError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert.clone()).map_err(|e| {
            UsageError::new(format!("SSL_CERT_FILE: a certificate cannot be used ({e})"))
        })?;
    }
    Ok(())
}

/// A rustls client configuration trusting Mozilla's roots and `extra`.
pub fn client_config(
    extra: &[CertificateDer<'static>],
) -> Result<std::sync::Arc<rustls::ClientConfig>, UsageError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    for cert in extra {
        roots.add(cert.clone()).map_err(|e| {
            UsageError::new(format!("SSL_CERT_FILE: a certificate cannot be used ({e})"))
        })?;
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| UsageError::new(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(std::sync::Arc::new(config))
}
