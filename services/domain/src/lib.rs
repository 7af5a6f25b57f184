//! Norwegian identifiers and the rules of the fastlege and legevakt schemes, as pure functions over plain data.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod competence;
pub mod exemptions;
pub mod fairness;
pub mod holidays;
pub mod identifiers;
pub mod shift_time;

pub use identifiers::{
    AcceptedAlgorithms, ControlAlgorithm, HelpNumberKind, HprNumber, HprNumberError, Kommunenummer,
    KommunenummerError, Organisasjonsnummer, OrganisasjonsnummerError, PersonId, PersonIdError, PersonIdKind,
};
