//! Kommunenummer: the four-digit number of a Norwegian municipality (research.md §1.9).
//!
//! Always four digits with leading zero (Oslo is `0301`); the first two are the fylke (county)
//! number (Geonorge objektkatalog; no.wikipedia.org "Kommunenummer"). `0000` is rejected because
//! it names no municipality. Whether a number exists is not checked: the list changed with the
//! reforms of 2020 and 2024 and belongs in reference data (FLR kodeverk "kommune", OID 3402), not
//! in this type.

use std::fmt;
use std::str::FromStr;

use super::{DigitsError, ascii_as_str, ascii_digits, to_ascii};

/// Number of digits in a kommunenummer.
const LENGTH: usize = 4;

/// A validated four-digit kommunenummer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kommunenummer {
    /// The four ASCII digits; fixed length, so byte order is numeric order.
    ascii: [u8; LENGTH],
}

/// Why a string is not a valid kommunenummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KommunenummerError {
    /// The input does not have exactly four characters.
    #[error("expected 4 digits, found {found} characters")]
    WrongLength {
        /// Number of characters (not bytes) in the input.
        found: usize,
    },
    /// A character is not an ASCII digit.
    #[error("character at position {position} is not an ascii digit")]
    NotDigits {
        /// 1-based position of the first offending character.
        position: usize,
    },
    /// The number is `0000`, which names no municipality.
    #[error("kommunenummer must not be all zeros")]
    AllZeros,
}

impl Kommunenummer {
    /// Parses exactly four ASCII digits, not `0000`.
    pub fn parse(input: &str) -> Result<Self, KommunenummerError> {
        let digits = ascii_digits::<LENGTH>(input).map_err(|error| match error {
            DigitsError::WrongLength { found } => KommunenummerError::WrongLength { found },
            DigitsError::NotDigit { position } => KommunenummerError::NotDigits { position },
        })?;
        if digits == [0; LENGTH] {
            return Err(KommunenummerError::AllZeros);
        }
        Ok(Self { ascii: to_ascii(digits) })
    }

    /// The four digits, with leading zero.
    pub fn as_str(&self) -> &str {
        ascii_as_str(&self.ascii)
    }

    /// The two-digit fylkesnummer (county number), the first two digits, with leading zero.
    pub fn fylke(&self) -> &str {
        ascii_as_str(&self.ascii[..2])
    }
}

impl FromStr for Kommunenummer {
    type Err = KommunenummerError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for Kommunenummer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl fmt::Debug for Kommunenummer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Kommunenummer({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_four_digits_and_reads_the_fylke() {
        let oslo = Kommunenummer::parse("0301").unwrap();
        assert_eq!(oslo.as_str(), "0301");
        assert_eq!(oslo.fylke(), "03");
        assert_eq!(oslo.to_string(), "0301");
        assert_eq!(format!("{oslo:?}"), "Kommunenummer(0301)");
        let steigen: Kommunenummer = "1848".parse().unwrap();
        assert_eq!(steigen.fylke(), "18");
        assert!(oslo < steigen);
    }

    #[test]
    fn rejects_malformed_input_with_a_reason() {
        assert_eq!(Kommunenummer::parse("301"), Err(KommunenummerError::WrongLength { found: 3 }));
        assert_eq!(Kommunenummer::parse("03010"), Err(KommunenummerError::WrongLength { found: 5 }));
        assert_eq!(Kommunenummer::parse("03x1"), Err(KommunenummerError::NotDigits { position: 3 }));
        assert_eq!(Kommunenummer::parse("030Ø"), Err(KommunenummerError::NotDigits { position: 4 }));
        assert_eq!(Kommunenummer::parse("0000"), Err(KommunenummerError::AllZeros));
    }

    proptest! {
        #[test]
        fn every_non_zero_four_digit_number_round_trips(value in 1_u32..=9999) {
            let text = format!("{value:04}");
            let number = Kommunenummer::parse(&text).unwrap();
            prop_assert_eq!(number.as_str(), text.as_str());
            prop_assert_eq!(number.fylke(), &text[..2]);
        }
    }
}
