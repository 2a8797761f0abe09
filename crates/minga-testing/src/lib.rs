//! Test support for minga: a throwaway PostgreSQL cluster ([`pg`]) and a headless
//! Chromium driven over WebDriver ([`browser`]).
//!
//! Meant to be used as a dev-dependency only; everything here panics with a
//! descriptive message instead of returning errors, because a test cannot do
//! anything useful with a broken fixture except fail loudly.

pub mod browser;
pub mod pg;
mod process;
