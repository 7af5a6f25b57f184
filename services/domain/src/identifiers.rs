//! Norwegian identifiers with validated constructors: there is no public way to build an invalid one.
//!
//! - [`PersonId`]: fødselsnummer or D-nummer, with both the classic control computation and the one
//!   introduced for new series from 1 January 2032. `Debug` and `Display` are masked.
//! - [`HprNumber`]: the number of a health professional in Helsepersonellregisteret.
//! - [`Kommunenummer`]: the four-digit municipality number.
//! - [`Organisasjonsnummer`]: the nine-digit number of an entity in Enhetsregisteret (mod 11).
//!
//! The rules and their sources are in research.md §1.9. Every constructor is strict (no trimming,
//! no separators), so what is stored is exactly what was validated.
//!
//! ```
//! use allmenn_domain::identifiers::{ControlAlgorithm, PersonId, PersonIdError, PersonIdKind};
//! use chrono::NaiveDate;
//!
//! // A synthetic number, generated rather than taken from a real person.
//! let born = NaiveDate::from_ymd_opt(1985, 3, 15).unwrap();
//! let id = PersonId::synthetic(born, 123, PersonIdKind::Fodselsnummer).unwrap();
//! assert_eq!(id.birth_date(), born);
//! assert_eq!(id.control_algorithm(), ControlAlgorithm::Classic);
//! assert_eq!(format!("{id:?}"), "PersonId(***********)");
//!
//! let parsed: PersonId = id.expose_digits().parse().unwrap();
//! assert_eq!(parsed, id);
//! assert_eq!("12345678901".parse::<PersonId>(), Err(PersonIdError::InvalidDate));
//! ```

mod hpr_number;
mod kommunenummer;
mod organisasjonsnummer;
mod person_id;

pub use hpr_number::{HprNumber, HprNumberError};
pub use kommunenummer::{Kommunenummer, KommunenummerError};
pub use organisasjonsnummer::{Organisasjonsnummer, OrganisasjonsnummerError};
pub use person_id::{
    AcceptedAlgorithms, ControlAlgorithm, HelpNumberKind, PersonId, PersonIdError, PersonIdKind,
};

/// Reads `input` as exactly `N` ASCII digits, each converted to its value 0–9.
///
/// The error tells either the number of characters found (not bytes, so a non-ASCII character
/// counts once) or the 1-based position of the first character that is not a digit.
fn ascii_digits<const N: usize>(input: &str) -> Result<[u8; N], DigitsError> {
    let found = input.chars().count();
    if found != N {
        return Err(DigitsError::WrongLength { found });
    }
    let mut digits = [0_u8; N];
    for (index, character) in input.chars().enumerate() {
        match character.to_digit(10) {
            Some(value) if character.is_ascii_digit() => {
                digits[index] = u8::try_from(value).unwrap_or_default();
            }
            _ => {
                return Err(DigitsError::NotDigit { position: index + 1 });
            }
        }
    }
    Ok(digits)
}

/// The two ways [`ascii_digits`] can fail; each identifier maps them into its own error enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DigitsError {
    WrongLength { found: usize },
    NotDigit { position: usize },
}

/// Turns digit values 0–9 back into their ASCII characters.
fn to_ascii<const N: usize>(digits: [u8; N]) -> [u8; N] {
    digits.map(|digit| b'0' + digit)
}

/// Views ASCII digits as a `&str`; the callers only store bytes produced by [`to_ascii`].
fn ascii_as_str(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => unreachable!("identifiers store ASCII digits only"),
    }
}
