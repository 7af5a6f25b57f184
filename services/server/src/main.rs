//! `allmenn-server`: runs the gRPC server, or applies migrations with `allmenn-server migrate`.

use allmenn_server::{
    app::{Application, shutdown_signal},
    config::{Cli, Command},
    telemetry,
};
use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let telemetry = telemetry::init(cli.serve.log_format);
    let result = run(cli).await;
    telemetry.shutdown();
    result
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Migrate) => {
            let store = allmenn_store::Store::connect(&cli.serve.database_url).await?;
            store.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        None => {
            let application = Application::build(&cli.serve).await?;
            let address = application.local_addr();
            tracing::info!(%address, "allmenn-server listening");
            if cli.serve.demo {
                println!("{}", allmenn_server::demo::banner(address));
            }
            application.run_until(shutdown_signal()).await
        }
    }
}
