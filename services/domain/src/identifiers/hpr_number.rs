//! HPR number: the identifier of a health professional in Helsepersonellregisteret (research.md §1.9).
//!
//! What is known: a positive integer (FLR requires `hprNumber > 0`, an `int`), FHIR identifier
//! system `urn:oid:2.16.578.1.12.4.1.4.4`. Neither the digit count nor a check digit was found in
//! any source, so validation is deliberately only structural: 1–9 ASCII digits, no leading zero,
//! greater than zero. Nine digits keep every accepted value inside a signed 32-bit integer, which
//! is what FLR's `int` holds. HPR numbers are public, so `Debug` and `Display` show them.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Largest number of digits accepted.
const MAX_DIGITS: usize = 9;

/// A validated HPR number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HprNumber {
    /// The decimal digits, without leading zeros.
    text: String,
}

/// Why a string is not a valid HPR number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HprNumberError {
    /// The input is empty or has more than nine characters.
    #[error("expected 1 to 9 digits, found {found} characters")]
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
    /// The number is written with a leading zero.
    #[error("hpr number has a leading zero")]
    LeadingZero,
    /// The number is zero; FLR requires a positive number.
    #[error("hpr number must be greater than zero")]
    Zero,
}

impl HprNumber {
    /// Parses an HPR number: 1–9 ASCII digits, no leading zero, greater than zero.
    pub fn parse(input: &str) -> Result<Self, HprNumberError> {
        let found = input.chars().count();
        if found == 0 || found > MAX_DIGITS {
            return Err(HprNumberError::WrongLength { found });
        }
        if let Some(index) = input.chars().position(|character| !character.is_ascii_digit()) {
            return Err(HprNumberError::NotDigits { position: index + 1 });
        }
        if input == "0" {
            return Err(HprNumberError::Zero);
        }
        if input.starts_with('0') {
            return Err(HprNumberError::LeadingZero);
        }
        Ok(Self { text: input.to_owned() })
    }

    /// The decimal digits.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The number as an integer; always in 1..=999 999 999.
    pub fn value(&self) -> u32 {
        self.text.bytes().fold(0_u32, |value, digit| value * 10 + u32::from(digit - b'0'))
    }
}

impl TryFrom<u32> for HprNumber {
    type Error = HprNumberError;

    /// Accepts 1..=999 999 999, the integer form used by FLR.
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::parse(&value.to_string())
    }
}

impl FromStr for HprNumber {
    type Err = HprNumberError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl PartialOrd for HprNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Numeric order: without leading zeros a shorter number is smaller, and numbers of equal length
/// compare digit by digit.
impl Ord for HprNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.len().cmp(&other.text.len()).then_with(|| self.text.cmp(&other.text))
    }
}

impl fmt::Display for HprNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl fmt::Debug for HprNumber {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "HprNumber({})", self.text)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accepts_one_to_nine_digits() {
        for text in ["1", "42", "9144900", "123456789", "999999999"] {
            let number = HprNumber::parse(text).unwrap();
            assert_eq!(number.as_str(), text);
            assert_eq!(number.to_string(), text);
            assert_eq!(number.value().to_string(), text);
        }
        assert_eq!(format!("{:?}", HprNumber::parse("42").unwrap()), "HprNumber(42)");
    }

    #[test]
    fn rejects_malformed_input_with_a_reason() {
        assert_eq!(HprNumber::parse(""), Err(HprNumberError::WrongLength { found: 0 }));
        assert_eq!(HprNumber::parse("1234567890"), Err(HprNumberError::WrongLength { found: 10 }));
        assert_eq!(HprNumber::parse("12a4"), Err(HprNumberError::NotDigits { position: 3 }));
        assert_eq!(HprNumber::parse("-5"), Err(HprNumberError::NotDigits { position: 1 }));
        assert_eq!(HprNumber::parse(" 5"), Err(HprNumberError::NotDigits { position: 1 }));
        assert_eq!(HprNumber::parse("0"), Err(HprNumberError::Zero));
        assert_eq!(HprNumber::parse("0123"), Err(HprNumberError::LeadingZero));
        assert_eq!(HprNumber::parse("00"), Err(HprNumberError::LeadingZero));
    }

    #[test]
    fn converts_from_integers() {
        assert_eq!(HprNumber::try_from(9_144_900).unwrap().as_str(), "9144900");
        assert_eq!(HprNumber::try_from(0), Err(HprNumberError::Zero));
        assert_eq!(HprNumber::try_from(1_000_000_000), Err(HprNumberError::WrongLength { found: 10 }));
        assert_eq!("77".parse::<HprNumber>().unwrap().value(), 77);
    }

    #[test]
    fn orders_numerically() {
        let nine = HprNumber::parse("9").unwrap();
        let ten = HprNumber::parse("10").unwrap();
        let eleven = HprNumber::parse("11").unwrap();
        assert!(nine < ten);
        assert!(ten < eleven);
        assert_eq!(ten.cmp(&ten.clone()), Ordering::Equal);
    }

    proptest! {
        #[test]
        fn every_positive_nine_digit_value_round_trips(value in 1_u32..=999_999_999) {
            let number = HprNumber::try_from(value).unwrap();
            prop_assert_eq!(number.value(), value);
            prop_assert_eq!(HprNumber::parse(number.as_str()), Ok(number));
        }

        #[test]
        fn order_matches_the_integers(left in 1_u32..=999_999_999, right in 1_u32..=999_999_999) {
            let (left_number, right_number) =
                (HprNumber::try_from(left).unwrap(), HprNumber::try_from(right).unwrap());
            prop_assert_eq!(left_number.cmp(&right_number), left.cmp(&right));
        }
    }
}
