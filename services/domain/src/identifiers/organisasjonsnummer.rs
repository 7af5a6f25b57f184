//! Organisasjonsnummer: the nine-digit number of an entity in Enhetsregisteret (research.md §1.9).
//!
//! The ninth digit is a mod-11 control digit over the first eight with weights 3,2,7,6,5,4,3,2:
//! control = 11 − (sum mod 11), remainder 0 gives control 0, and a remainder of 1 (control 10)
//! means no number is issued with those eight digits (brreg.no; norske-testdata.no/orgnr). FHIR
//! identifier system `urn:oid:2.16.578.1.12.4.1.4.101`. Organisation numbers are public, so `Debug`
//! and `Display` show them.

use std::fmt;
use std::str::FromStr;

use super::{DigitsError, ascii_as_str, ascii_digits, to_ascii};

/// Number of digits in an organisasjonsnummer.
const LENGTH: usize = 9;

/// Weights of the first eight digits.
const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// A validated nine-digit organisasjonsnummer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Organisasjonsnummer {
    /// The nine ASCII digits; fixed length, so byte order is numeric order.
    ascii: [u8; LENGTH],
}

/// Why a string is not a valid organisasjonsnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrganisasjonsnummerError {
    /// The input does not have exactly nine characters.
    #[error("expected 9 digits, found {found} characters")]
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
    /// The first eight digits would need control digit 10, so no such number is issued.
    #[error("first eight digits admit no control digit")]
    NoValidControlDigit,
    /// The ninth digit is not the control digit of the first eight.
    #[error("control digit does not match")]
    ControlDigit,
}

impl Organisasjonsnummer {
    /// Parses exactly nine ASCII digits whose last digit is the mod-11 control digit.
    pub fn parse(input: &str) -> Result<Self, OrganisasjonsnummerError> {
        let digits = ascii_digits::<LENGTH>(input).map_err(|error| match error {
            DigitsError::WrongLength { found } => OrganisasjonsnummerError::WrongLength { found },
            DigitsError::NotDigit { position } => OrganisasjonsnummerError::NotDigits { position },
        })?;
        let first_eight: [u8; 8] =
            [digits[0], digits[1], digits[2], digits[3], digits[4], digits[5], digits[6], digits[7]];
        let expected = control_digit(&first_eight).ok_or(OrganisasjonsnummerError::NoValidControlDigit)?;
        if digits[8] != expected {
            return Err(OrganisasjonsnummerError::ControlDigit);
        }
        Ok(Self { ascii: to_ascii(digits) })
    }

    /// Builds the valid number whose first eight digits are `first8` (with leading zeros), for
    /// tests and synthetic demo data.
    ///
    /// Returns `None` when `first8` has more than eight digits or when those digits admit no
    /// control digit.
    pub fn synthetic(first8: u32) -> Option<Self> {
        if first8 > 99_999_999 {
            return None;
        }
        let mut digits = [0_u8; LENGTH];
        let mut rest = first8;
        for slot in digits[..8].iter_mut().rev() {
            *slot = u8::try_from(rest % 10).ok()?;
            rest /= 10;
        }
        let first_eight: [u8; 8] =
            [digits[0], digits[1], digits[2], digits[3], digits[4], digits[5], digits[6], digits[7]];
        digits[8] = control_digit(&first_eight)?;
        Some(Self { ascii: to_ascii(digits) })
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        ascii_as_str(&self.ascii)
    }
}

/// The control digit of the first eight digits, or `None` when it would be 10.
fn control_digit(first_eight: &[u8; 8]) -> Option<u8> {
    let sum: u32 = first_eight.iter().zip(WEIGHTS).map(|(digit, weight)| u32::from(*digit) * weight).sum();
    let control = (11 - sum % 11) % 11;
    u8::try_from(control).ok().filter(|control| *control <= 9)
}

impl FromStr for Organisasjonsnummer {
    type Err = OrganisasjonsnummerError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl fmt::Display for Organisasjonsnummer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl fmt::Debug for Organisasjonsnummer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Organisasjonsnummer({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Control digit written independently of the implementation; `None` for remainder 1.
    fn reference_control(first_eight: &str) -> Option<u32> {
        let sum: u32 = first_eight
            .bytes()
            .zip([3, 2, 7, 6, 5, 4, 3, 2])
            .map(|(byte, weight)| u32::from(byte - b'0') * weight)
            .sum();
        match sum % 11 {
            0 => Some(0),
            1 => None,
            remainder => Some(11 - remainder),
        }
    }

    #[test]
    fn synthetic_vectors() {
        // Computed by hand from the weights: 1·3+2·2+3·7+4·6+5·5+6·4+7·3+8·2 = 138, 138 mod 11 = 6,
        // control 11 − 6 = 5.
        let vectors = [
            (12_345_678, "123456785"),
            (87_654_321, "876543214"),
            (99_999_999, "999999999"),
            (50_000_000, "500000007"),
            (1, "000000019"),
            (0, "000000000"),
        ];
        for (first8, text) in vectors {
            let number = Organisasjonsnummer::synthetic(first8).unwrap();
            assert_eq!(number.as_str(), text);
            assert_eq!(Organisasjonsnummer::parse(text), Ok(number));
            assert_eq!(format!("{number:?}"), format!("Organisasjonsnummer({text})"));
            assert_eq!(number.to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed_input_with_a_reason() {
        assert_eq!(
            Organisasjonsnummer::parse("12345678"),
            Err(OrganisasjonsnummerError::WrongLength { found: 8 })
        );
        assert_eq!(
            Organisasjonsnummer::parse("123 456 785"),
            Err(OrganisasjonsnummerError::WrongLength { found: 11 })
        );
        assert_eq!(
            Organisasjonsnummer::parse("12345678x"),
            Err(OrganisasjonsnummerError::NotDigits { position: 9 })
        );
        assert_eq!(Organisasjonsnummer::parse("123456784"), Err(OrganisasjonsnummerError::ControlDigit));
        // 10000000: sum 3, remainder 3, control 8; 10000003: sum 3+6 = 9 → control 2.
        // 00000005: sum 10, remainder 10, control 1; 00000006: sum 12, remainder 1 → no control.
        assert_eq!(reference_control("00000006"), None);
        assert_eq!(
            Organisasjonsnummer::parse("000000060"),
            Err(OrganisasjonsnummerError::NoValidControlDigit)
        );
        assert_eq!(Organisasjonsnummer::synthetic(6), None);
        assert_eq!(Organisasjonsnummer::synthetic(100_000_000), None);
    }

    proptest! {
        #[test]
        fn generated_numbers_parse(first8 in 0_u32..=99_999_999) {
            let text = format!("{first8:08}");
            match Organisasjonsnummer::synthetic(first8) {
                Some(number) => {
                    let control = reference_control(&text).unwrap();
                    prop_assert_eq!(number.as_str(), format!("{text}{control}"));
                    prop_assert_eq!(Organisasjonsnummer::parse(number.as_str()), Ok(number));
                }
                None => prop_assert_eq!(reference_control(&text), None),
            }
        }

        #[test]
        fn a_single_digit_change_is_always_detected(
            first8 in 0_u32..=99_999_999,
            position in 0_usize..9,
            shift in 1_u8..=9,
        ) {
            // Every weight (and the control digit's implicit weight 1) is coprime to 11, so a
            // substitution moves the weighted sum by a non-multiple of 11.
            if let Some(number) = Organisasjonsnummer::synthetic(first8) {
                let mut bytes = number.as_str().as_bytes().to_vec();
                bytes[position] = b'0' + (bytes[position] - b'0' + shift) % 10;
                let changed = String::from_utf8(bytes).unwrap();
                prop_assert!(Organisasjonsnummer::parse(&changed).is_err());
            }
        }
    }
}
