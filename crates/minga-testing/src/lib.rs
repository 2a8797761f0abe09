//! Test support for minga: a throwaway PostgreSQL cluster ([`pg`]) and a headless
//! Chromium driven over WebDriver ([`browser`]).
//!
//! Meant to be used as a dev-dependency only; everything here panics with a
//! descriptive message instead of returning errors, because a test cannot do
//! anything useful with a broken fixture except fail loudly.

pub mod browser;
pub mod pg;
mod process;

/// Installs the TLS provider that minga's HTTP client is built with; call
/// before making a `reqwest::Client` in a test.
pub fn install_tls_provider() {
    // Another part of the process may have installed it already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
pub mod smtp;
