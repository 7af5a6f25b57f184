//! Command-line and environment configuration. Defaults run on a laptop with nothing installed.

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

/// Allmenn: the fastlege scheme's patient lists, care teams and legevakt shift plans over gRPC.
#[derive(Clone, Debug, Parser)]
#[command(name = "allmenn-server", version, about)]
pub struct Cli {
    /// What to do; without a subcommand the server runs.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Server settings.
    #[command(flatten)]
    pub serve: ServeConfig,
}

/// Subcommands.
#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Apply pending database migrations and exit (for a Kubernetes migration Job).
    Migrate,
}

/// Settings of a running server.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on for gRPC (port 0 picks a free port).
    #[arg(long, global = true, env = "ALLMENN_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Database URL: `sqlite://FILE?mode=rwc` (embedded default) or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, env = "ALLMENN_DATABASE_URL", default_value = "sqlite://allmenn.db?mode=rwc")]
    pub database_url: String,
    /// Seed an empty database with a deterministic synthetic municipality.
    #[arg(long, global = true, env = "ALLMENN_DEMO")]
    pub demo: bool,
    /// Log format.
    #[arg(long, global = true, env = "ALLMENN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Seconds to let in-flight calls finish after SIGTERM/SIGINT before closing.
    #[arg(long, global = true, env = "ALLMENN_SHUTDOWN_GRACE_SECONDS", default_value_t = 20)]
    pub shutdown_grace_seconds: u64,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl ServeConfig {
    /// Settings for a test: a free port on loopback and the given database.
    pub fn for_tests(database_url: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            demo: false,
            log_format: LogFormat::Text,
            shutdown_grace_seconds: 5,
        }
    }
}
