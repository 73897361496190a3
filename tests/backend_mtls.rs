//! `kiosk backend sync` against a hall backend that requires a client certificate (mutual
//! TLS) from its own PKI: with `backend.ca_file` (trusted alone: `ca_only`), `client_cert`
//! and `client_key` it syncs; without the client certificate the hall refuses the handshake
//! and the command says so; trusting another CA, the kiosk refuses the hall.
//! The hall here is hall-sim behind a TLS front (rustls) that asks for client certificates
//! signed by a CA made for the test (rcgen).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use hall_kiosk::platform::config::DEMO;
use hall_link::sim::{HallSim, SimOptions};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

struct Pki {
    ca_pem: String,
    /// base64 SHA-256 of the server key's SubjectPublicKeyInfo, as backend.pin_sha256 holds it.
    server_pin: String,
    server: (
        rustls::pki_types::CertificateDer<'static>,
        PrivateKeyDer<'static>,
    ),
    ca_der: rustls::pki_types::CertificateDer<'static>,
    client_pem: (String, String),
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "xiahe hall test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params
        .distinguished_name
        .push(DnType::CommonName, "XH-ZW-02");
    let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();
    use base64::Engine;
    use sha2::Digest;
    Pki {
        server_pin: base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(server_key.public_key_der())),
        ca_pem: ca.pem(),
        ca_der: ca.der().clone(),
        server: (
            server.der().clone(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        ),
        client_pem: (client.pem(), client_key.serialize_pem()),
    }
}

/// A TLS front on loopback that requires a client certificate from the test CA and passes
/// each connection through to hall-sim. Returns its port.
async fn tls_front(pki: &Pki, backend: std::net::SocketAddr) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![pki.server.0.clone()], pki.server.1.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A handshake without a valid client certificate ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    port
}

fn write(dir: &Path, name: &str, text: &str, mode: u32) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

fn sync(config: &Path) -> Output {
    tokio::task::block_in_place(|| {
        Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(["backend", "sync", "--json"])
            .env("HALL_KIOSK_CONFIG", config)
            .output()
            .unwrap()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_sync_works_with_a_client_certificate_and_is_refused_without() {
    let sim = HallSim::spawn(SimOptions::default()).await.unwrap();
    let pki = pki();
    let port = tls_front(&pki, sim.addr()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let token = write(d, "token", "demo-token\n", 0o600);
    let ca = write(d, "hall-ca.pem", &pki.ca_pem, 0o644);
    let cert = write(d, "client.pem", &pki.client_pem.0, 0o644);
    let key = write(d, "client.key", &pki.client_pem.1, 0o600);
    let base = DEMO.replace("\"demo-data\"", &format!("{:?}", d.join("data")));
    // Another CA, which did not sign the hall's certificate.
    let other = write(d, "other-ca.pem", &self::pki().ca_pem, 0o644);
    let backend = |ca: &Path, client: bool| {
        let mut b = format!(
            "url = \"https://127.0.0.1:{port}/kiosk/v1\"\ntoken_file = {token:?}\ntimeout_ms = 3000\nca_file = {ca:?}\nca_only = true"
        );
        if client {
            b.push_str(&format!("\nclient_cert = {cert:?}\nclient_key = {key:?}"));
        }
        b
    };

    let with = write(
        d,
        "with.toml",
        &base.replace("url = \"http://127.0.0.1:0/kiosk/v1\"", &backend(&ca, true)),
        0o644,
    );
    let out = sync(&with);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert!(v["catalog_version"].is_string(), "{v}");
    assert!(
        !sim.heartbeats().is_empty(),
        "the heartbeat came through the TLS front"
    );

    let without = write(
        d,
        "without.toml",
        &base.replace(
            "url = \"http://127.0.0.1:0/kiosk/v1\"",
            &backend(&ca, false),
        ),
        0o644,
    );
    let out = sync(&without);
    assert!(!out.status.success(), "no client certificate, no sync");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backend") || err.contains("request"), "{err}");

    // With the client certificate but trusting another CA only: the hall is not believed.
    let wrong_ca = write(
        d,
        "wrong-ca.toml",
        &base.replace(
            "url = \"http://127.0.0.1:0/kiosk/v1\"",
            &backend(&other, true),
        ),
        0o644,
    );
    let out = sync(&wrong_ca);
    assert!(
        !out.status.success(),
        "a certificate from another CA is refused"
    );

    // The server's key pinned: the same certificate passes; a pin of another key refuses
    // it although its CA is trusted.
    let pinned = |pin: &str| {
        let text = base.replace(
            "url = \"http://127.0.0.1:0/kiosk/v1\"",
            &format!("{}\npin_sha256 = {pin:?}", backend(&ca, true)),
        );
        write(d, "pinned.toml", &text, 0o644)
    };
    let out = sync(&pinned(&pki.server_pin));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sync(&pinned(&self::pki().server_pin));
    assert!(!out.status.success(), "another key's pin refuses the hall");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backend"), "{err}");
}
