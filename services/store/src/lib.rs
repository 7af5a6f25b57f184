//! Persistence for Allmenn: sea-orm entities, migrations, repositories and the change outbox, on
//! SQLite (the embedded default) and PostgreSQL (production). Every mutation runs in one transaction
//! that the caller opens with [`Store::begin_write`]; invariants that span rows are checked inside it
//! under the locks that make them hold across replicas.
#![forbid(unsafe_code)]

pub mod bulk;
pub mod entity;
mod error;
pub mod idempotency;
pub mod legevakt;
pub mod migration;
pub mod outbox;
pub mod patient_lists;

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use error::{Resource, RuleViolation, StoreError};
pub use sea_orm::{ConnectionTrait as Connection, DatabaseTransaction as Transaction};

/// Advisory-lock key under which PostgreSQL migrations run ("allmenn" in ASCII, truncated).
const MIGRATION_LOCK_KEY: i64 = 0x0061_6c6c_6d65_6e6e;

/// A handle on the database: a connection pool plus the backend it speaks.
#[derive(Clone, Debug)]
pub struct Store {
    connection: DatabaseConnection,
}

impl Store {
    /// Connects to `database_url` (`sqlite://…` or `postgres://…`).
    ///
    /// SQLite gets WAL, a busy timeout, foreign keys and a single pooled connection: the embedded
    /// default serves one process, and one writer at a time is what SQLite allows anyway.
    pub async fn connect(database_url: &str) -> Result<Self, StoreError> {
        let mut options = ConnectOptions::new(database_url.to_owned());
        // Statements carry personal numbers as bind values: never log or trace them.
        options
            .sqlx_logging(false)
            .record_stmt_in_spans(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10));
        if database_url.starts_with("sqlite:") {
            options.max_connections(1).min_connections(1).map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            });
        } else {
            options.max_connections(16).min_connections(1);
        }
        let connection = Database::connect(options).await.map_err(StoreError::from_db)?;
        Ok(Self { connection })
    }

    /// The database backend in use.
    pub fn backend(&self) -> DbBackend {
        self.connection.get_database_backend()
    }

    /// The underlying connection, for reads that need no transaction.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Applies every pending migration. On PostgreSQL this holds an advisory lock for the duration,
    /// so that several replicas starting at once migrate exactly once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend() {
            DbBackend::Postgres => {
                let transaction = self.connection.begin().await.map_err(StoreError::from_db)?;
                transaction
                    .execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT pg_advisory_xact_lock($1)",
                        [MIGRATION_LOCK_KEY.into()],
                    ))
                    .await
                    .map_err(StoreError::from_db)?;
                migration::Migrator::up(&transaction, None).await.map_err(StoreError::from_db)?;
                transaction.commit().await.map_err(StoreError::from_db)
            }
            _ => migration::Migrator::up(&self.connection, None).await.map_err(StoreError::from_db),
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.connection.ping().await.map_err(StoreError::from_db)
    }

    /// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite (so that a read-then-write never
    /// fails to upgrade its lock), READ COMMITTED plus explicit row locks on PostgreSQL.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        self.connection.begin_with_options(options).await.map_err(StoreError::from_db)
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<(), StoreError> {
        self.connection.close().await.map_err(StoreError::from_db)
    }
}
