//! `allmenn`: the admin command-line interface. It covers the patient-list slice that has landed;
//! further commands follow each capability.

use std::process::ExitCode;

use allmenn_client::{Client, ClientError, proto};
use clap::{Parser, Subcommand};

/// Command-line access to an Allmenn server.
#[derive(Debug, Parser)]
#[command(name = "allmenn", version, about)]
struct Cli {
    /// Server address.
    #[arg(long, env = "ALLMENN_SERVER", default_value = "http://127.0.0.1:50051", global = true)]
    server: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Who is this resident's GP (today).
    PatientGp {
        /// Fødselsnummer or D-nummer.
        person_id: String,
    },
    /// A list contract with its ceiling and free places.
    Contract {
        /// List contract id.
        contract_id: String,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for violation in error.field_violations() {
                eprintln!("  {}: {}", violation.field, violation.description);
            }
            // Exit codes scripts can test: 2 bad input, 3 not found, 4 refused by a rule, 1 anything else.
            ExitCode::from(match error.code() {
                Some(tonic::Code::InvalidArgument) => 2,
                Some(tonic::Code::NotFound) => 3,
                Some(tonic::Code::FailedPrecondition) => 4,
                _ => 1,
            })
        }
    }
}

async fn run(cli: Cli) -> Result<(), ClientError> {
    let mut client = Client::connect(cli.server).await?;
    match cli.command {
        Command::PatientGp { person_id } => {
            let answer = client
                .patient_lists
                .get_patient_gp(proto::GetPatientGpRequest { person_id, ..Default::default() })
                .await?
                .into_inner();
            let contract = answer.contract.unwrap_or_default();
            match answer.responsible_doctor {
                Some(doctor) => println!(
                    "{} {} (HPR {}), list {} in kommune {}",
                    doctor.given_name,
                    doctor.family_name,
                    doctor.hpr_number,
                    contract.id,
                    contract.kommune_number
                ),
                None => println!("list {} has no permanent GP and no single vikar", contract.id),
            }
        }
        Command::Contract { contract_id } => {
            let contract = client
                .patient_lists
                .get_list_contract(proto::GetListContractRequest { contract_id })
                .await?
                .into_inner();
            println!(
                "list {} at office {} in kommune {}: {} of {} places taken, {} free, {}",
                contract.id,
                contract.office_organization_number,
                contract.kommune_number,
                contract.patient_count,
                contract.ceiling,
                contract.free_places,
                if contract.has_permanent_gp { "with a permanent GP" } else { "without a permanent GP" }
            );
        }
    }
    Ok(())
}
