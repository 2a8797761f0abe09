//! Fetching a page for an external onebox, safely: http and https only;
//! every address the name resolves to, on every redirect, must be public
//! (no loopback, private, link-local, multicast…); at most 5 seconds and
//! 1 MB; our own User-Agent.

use minga_store::OneboxCard;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{StatusCode, Url};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Once};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct FetchPolicy {
    /// Only for tests that serve pages on 127.0.0.1.
    pub allow_loopback: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
    pub user_agent: String,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            allow_loopback: false,
            timeout: Duration::from_secs(5),
            max_bytes: 1024 * 1024,
            user_agent: concat!("minga/", env!("CARGO_PKG_VERSION"), " (onebox fetcher)").into(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("only http and https links are fetched")]
    Scheme,
    #[error("refused: {0} is not a public address")]
    Address(String),
    #[error("too many redirects")]
    Redirects,
    #[error("the page answered {0}")]
    Status(u16),
    #[error("not an HTML page")]
    NotHtml,
    #[error("fetch failed: {0}")]
    Network(String),
}

/// Whether a fetch may connect to `ip`.
pub fn public(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4, allow_loopback),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4, allow_loopback);
            }
            let s = v6.segments();
            if v6.is_loopback() {
                return allow_loopback;
            }
            !(v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x64 && s[1] == 0xff9b)) // NAT64 can reach private v4
        }
    }
}

fn public_v4(ip: Ipv4Addr, allow_loopback: bool) -> bool {
    if ip.is_loopback() {
        return allow_loopback;
    }
    let o = ip.octets();
    !(ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking
        || o[0] >= 240)
}

/// Resolves names, keeping only public addresses; a name with none is an
/// error, so the client never connects to a private one.
struct GuardedResolver {
    allow_loopback: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| public(a.ip(), allow)).collect();
            if allowed.is_empty() {
                return Err(Box::new(FetchError::Address(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

fn client(policy: &FetchPolicy) -> Result<reqwest::Client, FetchError> {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Another part of the process may have installed one already.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .user_agent(policy.user_agent.clone())
        .dns_resolver(Arc::new(GuardedResolver { allow_loopback: policy.allow_loopback }))
        .no_proxy()
        .build()
        .map_err(|e| FetchError::Network(e.to_string()))
}

/// Literal IP hosts skip name resolution, so they are checked here.
fn check_url(url: &Url, policy: &FetchPolicy) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Scheme);
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) if !public(IpAddr::V4(ip), policy.allow_loopback) => Err(FetchError::Address(ip.to_string())),
        Some(url::Host::Ipv6(ip)) if !public(IpAddr::V6(ip), policy.allow_loopback) => Err(FetchError::Address(ip.to_string())),
        Some(_) => Ok(()),
        None => Err(FetchError::Scheme),
    }
}

/// Fetches `url` (following up to 5 redirects) and reads what the page
/// says about itself.
pub async fn fetch_card(url: &str, policy: &FetchPolicy) -> Result<OneboxCard, FetchError> {
    let client = client(policy)?;
    let mut current = Url::parse(url).map_err(|_| FetchError::Scheme)?;
    let work = async {
        for _ in 0..=5 {
            check_url(&current, policy)?;
            let mut response = client.get(current.clone()).send().await.map_err(network)?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or(FetchError::Status(response.status().as_u16()))?;
                current = current.join(location).map_err(|_| FetchError::Scheme)?;
                continue;
            }
            if response.status() != StatusCode::OK {
                return Err(FetchError::Status(response.status().as_u16()));
            }
            let html_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|t| t.contains("html"));
            if !html_type {
                return Err(FetchError::NotHtml);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(network)? {
                let room = policy.max_bytes.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= policy.max_bytes {
                    break;
                }
            }
            let meta = super::meta::read(&String::from_utf8_lossy(&body));
            return Ok(OneboxCard {
                url: url.to_string(),
                ok: !meta.title.is_empty(),
                site_name: if meta.site_name.is_empty() { current.host_str().unwrap_or_default().to_string() } else { meta.site_name },
                title: meta.title,
                description: meta.description,
                image: meta.image.filter(|i| i.starts_with("https://") || i.starts_with("http://")).unwrap_or_default(),
                fetched_at: minga_core::time::now_ms(),
            });
        }
        Err(FetchError::Redirects)
    };
    tokio::time::timeout(policy.timeout, work).await.map_err(|_| FetchError::Network("timed out".into()))?
}

fn network(e: reqwest::Error) -> FetchError {
    // A refusal from the resolver surfaces as a connect error; say so.
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = source {
        if let Some(f) = s.downcast_ref::<FetchError>() {
            return f.clone();
        }
        source = s.source();
    }
    FetchError::Network(e.to_string())
}

impl Clone for FetchError {
    fn clone(&self) -> Self {
        match self {
            FetchError::Scheme => FetchError::Scheme,
            FetchError::Address(a) => FetchError::Address(a.clone()),
            FetchError::Redirects => FetchError::Redirects,
            FetchError::Status(s) => FetchError::Status(*s),
            FetchError::NotHtml => FetchError::NotHtml,
            FetchError::Network(n) => FetchError::Network(n.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused() {
        for ip in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "224.0.0.1", "0.0.0.0", "100.64.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "ff02::1", "::"] {
            assert!(!public(ip.parse().unwrap(), false), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(public(ip.parse().unwrap(), false), "{ip}");
        }
        assert!(public("127.0.0.1".parse().unwrap(), true));
        assert!(!public("10.0.0.1".parse().unwrap(), true), "loopback permission does not open private ranges");
    }
}
