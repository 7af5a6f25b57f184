//! End-to-end test harness: boots the real Allmenn server (the same `Application` that `main` runs)
//! on an ephemeral loopback port against a fresh database — a new SQLite file, or a new PostgreSQL
//! database created on the server named by `ALLMENN_TEST_POSTGRES_URL` — and hands out clients.
//!
//! The PostgreSQL half is required in CI (`CI=true`): there a missing URL fails the test. On a laptop
//! without PostgreSQL it is skipped, and says so loudly.
#![forbid(unsafe_code)]

use std::{net::SocketAddr, time::Duration};

use allmenn_client::Client;
use allmenn_server::{app::Application, config::ServeConfig};
use sea_orm::{ConnectionTrait, Database};
use tokio::{sync::oneshot, task::JoinHandle};

/// The environment variable naming the PostgreSQL server for tests (a URL to any database on it).
pub const POSTGRES_URL_VARIABLE: &str = "ALLMENN_TEST_POSTGRES_URL";

/// Which database a test server runs on.
#[derive(Clone, Debug)]
enum Backend {
    Sqlite {
        _directory: std::sync::Arc<tempfile::TempDir>,
    },
    Postgres {
        admin_url: String,
        database: String,
    },
    /// Another replica on a database that the first server owns and cleans up.
    Replica,
}

/// A running server with a fresh database.
pub struct TestServer {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    backend: Backend,
    database_url: String,
}

impl TestServer {
    /// A server on a fresh SQLite file.
    pub async fn sqlite() -> Self {
        Self::sqlite_with(|_| {}).await
    }

    /// A server on a fresh SQLite file, with settings adjusted by `configure` (e.g. demo data).
    pub async fn sqlite_with(configure: impl FnOnce(&mut ServeConfig)) -> Self {
        let directory = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}?mode=rwc", directory.path().join("allmenn.db").display());
        let backend = Backend::Sqlite { _directory: std::sync::Arc::new(directory) };
        Self::start(url, backend, configure).await
    }

    /// A server on a fresh PostgreSQL database, or `None` (with a loud notice) when no PostgreSQL is
    /// configured outside CI. In CI a missing PostgreSQL is a failure.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(|_| {}).await
    }

    /// As [`TestServer::postgres`], with settings adjusted by `configure`.
    pub async fn postgres_with(configure: impl FnOnce(&mut ServeConfig)) -> Option<Self> {
        let admin_url = postgres_admin_url()?;
        let database = format!("allmenn_test_{}", uuid::Uuid::new_v4().simple());
        let admin =
            Database::connect(admin_url.as_str()).await.expect("connect to the test PostgreSQL server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {database}"))
            .await
            .expect("create the test database");
        admin.close().await.expect("close the admin connection");
        let url = with_database(&admin_url, &database);
        Some(Self::start(url, Backend::Postgres { admin_url, database }, configure).await)
    }

    /// A second server process-equivalent on the same database (another replica).
    pub async fn replica(&self) -> Self {
        Self::start(self.database_url.clone(), Backend::Replica, |_| {}).await
    }

    async fn start(database_url: String, backend: Backend, configure: impl FnOnce(&mut ServeConfig)) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            let _guard = allmenn_server::telemetry::init(allmenn_server::config::LogFormat::Text);
        }
        let mut config = ServeConfig::for_tests(database_url.clone());
        configure(&mut config);
        let application = Application::build(&config).await.expect("build the server");
        let address = application.local_addr();
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(application.run_until(async move {
            let _ = signal.await;
        }));
        let server = Self { address, shutdown: Some(shutdown), task: Some(task), backend, database_url };
        server.wait_until_serving().await;
        server
    }

    /// Polls the health service until it answers SERVING, with a deadline (never a fixed sleep).
    async fn wait_until_serving(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(channel) =
                tonic::transport::Channel::from_shared(self.endpoint()).expect("endpoint").connect().await
            {
                let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
                if let Ok(answer) =
                    health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await
                    && answer.into_inner().status
                        == tonic_health::pb::health_check_response::ServingStatus::Serving as i32
                {
                    return;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "server did not become ready within 20 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The server's address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The server's endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The database URL the server uses, for direct checks.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A connected client.
    pub async fn client(&self) -> Client {
        Client::connect(self.endpoint()).await.expect("connect to the test server")
    }

    /// Stops the server gracefully and drops a PostgreSQL test database.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server ran cleanly");
        }
        if let Backend::Postgres { admin_url, database } = &self.backend {
            // Replicas share the database; the last one to stop drops it (FORCE ends other sessions).
            if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                    .await;
                let _ = admin.close().await;
            }
        }
    }
}

fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VARIABLE) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|value| value == "true") => {
            panic!("{POSTGRES_URL_VARIABLE} is not set: in CI the PostgreSQL half of the suite must run")
        }
        _ => {
            eprintln!(
                "\n*** SKIPPED: PostgreSQL half of this test — set {POSTGRES_URL_VARIABLE} \
                 (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it ***\n"
            );
            None
        }
    }
}

/// Replaces the database name in a PostgreSQL URL, keeping any query string.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|scheme| scheme + 3).unwrap_or(0);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

/// Runs each named async test function (taking a `TestServer`) once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let server = $crate::TestServer::sqlite().await;
                    super::$name(&server).await;
                    server.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(server) = $crate::TestServer::postgres().await else { return };
                    super::$name(&server).await;
                    server.stop().await;
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_and_query_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
