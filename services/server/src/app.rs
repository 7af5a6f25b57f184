//! Building and running the server: connect, migrate, optionally seed, bind, serve until shutdown.

use std::{future::Future, net::SocketAddr, time::Duration};

use allmenn_proto::v1::{
    legevakt_service_server::LegevaktServiceServer, patient_list_service_server::PatientListServiceServer,
    team_roster_service_server::TeamRosterServiceServer,
};
use allmenn_store::Store;
use anyhow::Context;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;
use tonic_health::server::HealthReporter;

use crate::{
    config::ServeConfig, demo, legevakt::Legevakt, patient_lists::PatientLists, team_rosters::TeamRosters,
};

/// A server that is migrated, bound and ready to serve.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    store: Store,
    shutdown_grace: Duration,
}

impl Application {
    /// Connects to the database, applies migrations, seeds demo data when asked, and binds the port.
    pub async fn build(config: &ServeConfig) -> anyhow::Result<Self> {
        let store = Store::connect(&config.database_url).await.context("cannot connect to the database")?;
        store.migrate().await.context("cannot migrate the database")?;
        if config.demo {
            let seeded = demo::seed(&store).await.context("cannot seed the demo municipality")?;
            if seeded {
                tracing::info!("seeded the demo municipality");
            } else {
                tracing::info!("database already holds data; demo seed skipped");
            }
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let local_addr = listener.local_addr()?;
        Ok(Self {
            listener,
            local_addr,
            store,
            shutdown_grace: Duration::from_secs(config.shutdown_grace_seconds),
        })
    }

    /// The address the server listens on (the real port when configured with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The store the server uses.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until `shutdown` resolves, then reports NOT_SERVING, stops accepting, lets in-flight
    /// calls finish (up to the grace period) and closes the pool.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let (health, health_service) = tonic_health::server::health_reporter();
        set_serving(&health, true).await;

        let reflection_v1 = reflection_builder().build_v1()?;
        let reflection_v1alpha = reflection_builder().build_v1alpha()?;

        let legevakt = Legevakt::new(self.store.clone());
        let stop_solves = legevakt.shutdown_flag();
        let (draining_tx, draining_rx) = tokio::sync::oneshot::channel::<()>();
        let health_for_shutdown = health.clone();
        let grace = self.shutdown_grace;
        let stop_accepting = async move {
            shutdown.await;
            tracing::info!("shutting down: refusing new calls, draining in-flight calls");
            set_serving(&health_for_shutdown, false).await;
            stop_solves.store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = draining_tx.send(());
        };

        let server = Server::builder()
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            // Rebalances long-lived HTTP/2 connections across replicas behind a Kubernetes Service.
            .max_connection_age(Duration::from_secs(300))
            .trace_fn(crate::telemetry::rpc_span)
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(PatientListServiceServer::new(PatientLists::new(self.store.clone())))
            .add_service(TeamRosterServiceServer::new(TeamRosters::new(self.store.clone())))
            .add_service(LegevaktServiceServer::new(legevakt))
            .serve_with_incoming_shutdown(TcpListenerStream::new(self.listener), stop_accepting);

        tokio::pin!(server);
        let mut draining_rx = draining_rx;
        tokio::select! {
            result = &mut server => result?,
            _ = &mut draining_rx => {
                // tonic stops accepting at once and waits for in-flight calls; bound that wait.
                if tokio::time::timeout(grace, &mut server).await.is_err() {
                    tracing::warn!(grace_seconds = grace.as_secs(), "in-flight calls outlived the grace period");
                }
            }
        }
        self.store.close().await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Reflection over every service the server hosts, so generic clients can describe all of them
/// through either protocol version.
fn reflection_builder() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(allmenn_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET)
}

async fn set_serving(health: &HealthReporter, serving: bool) {
    let status =
        if serving { tonic_health::ServingStatus::Serving } else { tonic_health::ServingStatus::NotServing };
    health.set_service_status("", status).await;
    for service in
        ["allmenn.v1.PatientListService", "allmenn.v1.TeamRosterService", "allmenn.v1.LegevaktService"]
    {
        health.set_service_status(service, status).await;
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only SIGINT stops the server");
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
