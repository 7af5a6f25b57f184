//! Logging. Every span and event carries ids and counts only: personal numbers never reach a log
//! line (request messages are never logged, and store errors are logged by kind, not text).

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// Installs the global subscriber; `RUST_LOG` overrides the default `info` level. Safe to call twice
/// (tests boot several servers in one process): later calls keep the first subscriber.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _already_installed = match format {
        LogFormat::Json => registry.with(fmt::layer().json().flatten_event(true)).try_init(),
        LogFormat::Text => registry.with(fmt::layer()).try_init(),
    };
}
