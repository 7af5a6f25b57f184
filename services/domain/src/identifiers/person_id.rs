//! Fødselsnummer and D-nummer (research.md §1.9).
//!
//! Layout: `DDMMYY` birth date, `III` individual number, `K1 K2` control digits. A D-nummer adds 4 to
//! the first digit of the day. The individual number tells the century (ehelse.no "Identifikatorer
//! for personer"; snl.no "fødselsnummer"):
//!
//! | birth years | individual numbers |
//! |---|---|
//! | 1854–1899 | 500–749 |
//! | 1900–1999 | 000–499 |
//! | 1940–1999 | 900–999 |
//! | 2000–2039 | 500–999 |
//!
//! Control digits, classic computation (fnrinfo.no "Kontrollsifferberegning"): with weights
//! 3,7,6,1,8,9,4,5,2 over digits 1–9 and weight 1 on K1, the weighted sum is divisible by 11; with
//! weights 5,4,3,2,7,6,5,4,3,2 over digits 1–10 and weight 1 on K2, likewise. A series whose control
//! digit would have to be 10 is not issued.
//!
//! # The 2032 control computation (documented assumption)
//! From 1 January 2032 new series are issued with a changed control computation: "ny
//! kontrollberegning vil akseptere 0, 1, 2 og 3 som gyldige verdier" where today only 0 is accepted,
//! and all existing numbers stay valid (Skatteetaten, "PID"; research.md §0.4 and §1.9). The sources
//! do not say which control digit changes. **Assumption:** the relaxed set applies to *both* control
//! digits, i.e. a number is accepted when each weighted sum (control digit included, weight 1) has a
//! remainder modulo 11 in {0, 1, 2, 3}. A number with both remainders 0 is reported as
//! [`ControlAlgorithm::Classic`], any other accepted number as [`ControlAlgorithm::From2032`].
//!
//! The new series are not tied to birth dates from 2032 (a person born earlier may be issued a new
//! D-nummer), so the 2032 computation is accepted for every birth date. Systems must read both
//! computations in parallel, which is what [`PersonId::parse`] does; callers that must not accept
//! the new computation yet use [`PersonId::parse_with`] and [`AcceptedAlgorithms::ClassicOnly`].
//! The relaxation has a cost: the chance that a random mistyping still passes rises from about 1
//! in 121 to about 16 in 121.
//!
//! Numbers are gender-neutral from 2032, so no gender is derived from the individual number; the
//! Folkeregister field is the source for that.
//!
//! # Help numbers
//! H-nummer (month + 40) and felles hjelpenummer (FH-nummer, first digit 8 or 9) are internal help
//! numbers of the health sector, not identifiers of a resident, and are rejected with
//! [`PersonIdError::HelpNumberNotAccepted`].
//!
//! # Privacy
//! A fødselsnummer is personal data. `Debug` and `Display` print a mask; the digits are only
//! available through [`PersonId::expose_digits`], and error messages never contain them.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::{DigitsError, ascii_as_str, ascii_digits, to_ascii};
use crate::calendar;

/// Number of digits in a fødselsnummer or D-nummer.
const LENGTH: usize = 11;

/// Weights of digits 1–9 in the sum checked by the first control digit (which itself has weight 1).
const FIRST_CONTROL_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];

/// Weights of digits 1–10 in the sum checked by the second control digit (which itself has weight 1).
const SECOND_CONTROL_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// Largest remainder the 2032 control computation accepts ("0, 1, 2 og 3").
const LARGEST_REMAINDER_FROM_2032: u8 = 3;

/// Added to the first digit of the day in a D-nummer.
const D_NUMMER_DAY_OFFSET: u32 = 40;

/// Added to the month in an H-nummer.
const H_NUMMER_MONTH_OFFSET: u32 = 40;

/// A validated Norwegian fødselsnummer or D-nummer.
///
/// Construct it with [`PersonId::parse`] (or [`str::parse`]); there is no way to build an invalid
/// one. Equality, hashing and ordering are those of the digits.
#[derive(Clone, Copy)]
pub struct PersonId {
    /// The eleven ASCII digits.
    ascii: [u8; LENGTH],
    kind: PersonIdKind,
    birth_date: NaiveDate,
    algorithm: ControlAlgorithm,
}

/// Which kind of person identifier a [`PersonId`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PersonIdKind {
    /// Fødselsnummer, issued to residents registered in Folkeregisteret.
    Fodselsnummer,
    /// D-nummer, issued to people who are not (or not yet) residents; the day has 4 added to its
    /// first digit.
    DNummer,
}

/// Which control computation a [`PersonId`] satisfies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ControlAlgorithm {
    /// Both weighted sums are divisible by 11: the computation used for every number issued before
    /// 2032. A number that satisfies it is always reported as `Classic`.
    Classic,
    /// Both weighted sums leave a remainder in {0, 1, 2, 3}, and at least one is not 0: the changed
    /// computation for new series from 1 January 2032 (see the module documentation for the
    /// assumption that it applies to both control digits).
    From2032,
}

/// Which control computations [`PersonId::parse_with`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AcceptedAlgorithms {
    /// Only the classic computation: every weighted sum divisible by 11.
    ClassicOnly,
    /// Both the classic and the 2032 computation, read in parallel as required from 2032. This is
    /// what [`PersonId::parse`] uses.
    #[default]
    ClassicAndFrom2032,
}

/// The kinds of help number that look like a person identifier but are rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HelpNumberKind {
    /// H-nummer (hjelpenummer): month + 40; internal to one health institution.
    HNummer,
    /// Felles hjelpenummer: first digit 8 or 9; managed by Norsk helsenett.
    FellesHjelpenummer,
}

impl fmt::Display for HelpNumberKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::HNummer => "h-nummer",
            Self::FellesHjelpenummer => "fh-nummer",
        })
    }
}

/// Why a string is not a valid fødselsnummer or D-nummer.
///
/// Messages describe the failure without repeating any digit of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PersonIdError {
    /// The input does not have exactly 11 characters.
    #[error("expected 11 digits, found {found} characters")]
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
    /// The number has the shape of a help number, which is not a resident identifier.
    #[error("{kind} is a help number, not a person identifier")]
    HelpNumberNotAccepted {
        /// Which kind of help number.
        kind: HelpNumberKind,
    },
    /// The day and month (after removing the D-nummer offset) do not form a calendar date in the
    /// birth year.
    #[error("date part is not a valid calendar date")]
    InvalidDate,
    /// The individual number does not belong to the series of any century for the two-digit year.
    #[error("individual number is outside every century series for the birth year")]
    IndividualNumberOutOfRange,
    /// The first control digit does not satisfy an accepted control computation.
    #[error("first control digit does not match")]
    FirstControlDigit,
    /// The second control digit does not satisfy an accepted control computation.
    #[error("second control digit does not match")]
    SecondControlDigit,
}

impl PersonId {
    /// Parses a fødselsnummer or D-nummer, accepting both the classic and the 2032 control
    /// computation.
    ///
    /// The input must be exactly 11 ASCII digits, without spaces or separators.
    pub fn parse(input: &str) -> Result<Self, PersonIdError> {
        Self::parse_with(input, AcceptedAlgorithms::ClassicAndFrom2032)
    }

    /// Parses a fødselsnummer or D-nummer, accepting only the given control computations.
    ///
    /// Checks run in this order, and the first failure is returned: length, digits, help-number
    /// shapes, day and month, individual number against the century series, the full date, the
    /// first control digit, the second control digit.
    pub fn parse_with(input: &str, accepted: AcceptedAlgorithms) -> Result<Self, PersonIdError> {
        let digits = ascii_digits::<LENGTH>(input).map_err(|error| match error {
            DigitsError::WrongLength { found } => PersonIdError::WrongLength { found },
            DigitsError::NotDigit { position } => PersonIdError::NotDigits { position },
        })?;
        let (kind, birth_date) = read_birth_part(&digits)?;
        let algorithm = read_control_digits(&digits, accepted)?;
        Ok(Self { ascii: to_ascii(digits), kind, birth_date, algorithm })
    }

    /// Builds a valid fødselsnummer or D-nummer with classic control digits, for tests and
    /// synthetic demo data.
    ///
    /// Returns `None` when the birth year is outside 1854–2039, when `individual` is above 999 or
    /// outside the series for the birth year (see the module table), or when the individual number
    /// admits no control digits (a control digit would have to be 10). Deterministic and pure.
    pub fn synthetic(birth_date: NaiveDate, individual: u16, kind: PersonIdKind) -> Option<Self> {
        Self::synthetic_with_remainders(birth_date, individual, kind, 0, 0)
    }

    /// Like [`PersonId::synthetic`], but with control digits chosen so that the two weighted sums
    /// leave the given remainders modulo 11.
    ///
    /// Remainders above 3 give `None`. Remainders `(0, 0)` give the classic number; any other pair
    /// gives a number of the 2032 computation. Used to test the 2032 acceptance rule.
    pub fn synthetic_with_remainders(
        birth_date: NaiveDate,
        individual: u16,
        kind: PersonIdKind,
        first_remainder: u8,
        second_remainder: u8,
    ) -> Option<Self> {
        if first_remainder > LARGEST_REMAINDER_FROM_2032 || second_remainder > LARGEST_REMAINDER_FROM_2032 {
            return None;
        }
        let year = birth_date.year();
        let two_digit_year = u32::try_from(year.rem_euclid(100)).ok()?;
        if century_start(two_digit_year, individual) != Some(year - year.rem_euclid(100)) {
            return None;
        }
        let day = match kind {
            PersonIdKind::Fodselsnummer => birth_date.day(),
            PersonIdKind::DNummer => birth_date.day() + D_NUMMER_DAY_OFFSET,
        };
        let individual = u32::from(individual);
        let values = [
            day / 10,
            day % 10,
            birth_date.month() / 10,
            birth_date.month() % 10,
            two_digit_year / 10,
            two_digit_year % 10,
            individual / 100,
            individual / 10 % 10,
            individual % 10,
        ];
        let mut digits = [0_u8; LENGTH];
        for (slot, value) in digits.iter_mut().zip(values) {
            *slot = u8::try_from(value).ok()?;
        }
        digits[9] = control_digit(weighted_sum(&digits[..9], &FIRST_CONTROL_WEIGHTS), first_remainder)?;
        digits[10] = control_digit(weighted_sum(&digits[..10], &SECOND_CONTROL_WEIGHTS), second_remainder)?;
        let ascii = to_ascii(digits);
        let parsed = Self::parse(ascii_as_str(&ascii)).ok();
        debug_assert!(parsed.is_some(), "a synthetic number must parse");
        parsed
    }

    /// Whether this is a fødselsnummer or a D-nummer.
    pub fn kind(&self) -> PersonIdKind {
        self.kind
    }

    /// The birth date encoded in the number (for a D-nummer, with the day offset removed).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// Which control computation the number satisfies.
    pub fn control_algorithm(&self) -> ControlAlgorithm {
        self.algorithm
    }

    /// The three-digit individual number (digits 7–9), 0–999.
    pub fn individual_number(&self) -> u16 {
        self.ascii[6..9].iter().fold(0_u16, |number, digit| number * 10 + u16::from(digit - b'0'))
    }

    /// The eleven digits in clear text.
    ///
    /// Named so that every place that reveals the number is deliberate and easy to find: use it to
    /// store or transmit the number, never to log it.
    pub fn expose_digits(&self) -> &str {
        ascii_as_str(&self.ascii)
    }

    /// Completed years of age on `date`; zero on dates before the birth date.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        calendar::age_on(self.birth_date, date)
    }
}

/// Reads the kind and birth date from digits 1–9, rejecting help numbers and impossible dates.
fn read_birth_part(digits: &[u8; LENGTH]) -> Result<(PersonIdKind, NaiveDate), PersonIdError> {
    if digits[0] >= 8 {
        return Err(PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::FellesHjelpenummer });
    }
    let two_digit = |first: usize| u32::from(digits[first]) * 10 + u32::from(digits[first + 1]);
    let (encoded_day, encoded_month, two_digit_year) = (two_digit(0), two_digit(2), two_digit(4));
    if (1 + H_NUMMER_MONTH_OFFSET..=12 + H_NUMMER_MONTH_OFFSET).contains(&encoded_month) {
        return Err(PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::HNummer });
    }
    let (kind, day) = if encoded_day > D_NUMMER_DAY_OFFSET {
        (PersonIdKind::DNummer, encoded_day - D_NUMMER_DAY_OFFSET)
    } else {
        (PersonIdKind::Fodselsnummer, encoded_day)
    };
    if !(1..=31).contains(&day) || !(1..=12).contains(&encoded_month) {
        return Err(PersonIdError::InvalidDate);
    }
    let individual = u16::from(digits[6]) * 100 + u16::from(digits[7]) * 10 + u16::from(digits[8]);
    let century =
        century_start(two_digit_year, individual).ok_or(PersonIdError::IndividualNumberOutOfRange)?;
    let year = century + i32::try_from(two_digit_year).unwrap_or_default();
    let birth_date = NaiveDate::from_ymd_opt(year, encoded_month, day).ok_or(PersonIdError::InvalidDate)?;
    Ok((kind, birth_date))
}

/// The first year of the century (1800, 1900 or 2000) that the individual number places a
/// two-digit birth year in, or `None` when no series matches.
///
/// The series overlap only in ways the two-digit year separates: 500–749 is 1854–1899 for years
/// 54–99 and 2000–2039 for years 00–39; 900–999 is 1940–1999 for years 40–99 and 2000–2039 for
/// years 00–39.
fn century_start(two_digit_year: u32, individual: u16) -> Option<i32> {
    match individual {
        0..=499 => Some(1900),
        500..=749 if two_digit_year >= 54 => Some(1800),
        900..=999 if two_digit_year >= 40 => Some(1900),
        500..=999 if two_digit_year <= 39 => Some(2000),
        _ => None,
    }
}

/// Checks both control digits and tells which computation they satisfy.
fn read_control_digits(
    digits: &[u8; LENGTH],
    accepted: AcceptedAlgorithms,
) -> Result<ControlAlgorithm, PersonIdError> {
    let largest_accepted = match accepted {
        AcceptedAlgorithms::ClassicOnly => 0,
        AcceptedAlgorithms::ClassicAndFrom2032 => LARGEST_REMAINDER_FROM_2032,
    };
    let (first, second) = control_remainders(digits);
    if first > largest_accepted {
        return Err(PersonIdError::FirstControlDigit);
    }
    if second > largest_accepted {
        return Err(PersonIdError::SecondControlDigit);
    }
    if first == 0 && second == 0 { Ok(ControlAlgorithm::Classic) } else { Ok(ControlAlgorithm::From2032) }
}

/// Remainders modulo 11 of the two weighted sums, each including its control digit with weight 1.
fn control_remainders(digits: &[u8; LENGTH]) -> (u8, u8) {
    let first = weighted_sum(&digits[..9], &FIRST_CONTROL_WEIGHTS) + u32::from(digits[9]);
    let second = weighted_sum(&digits[..10], &SECOND_CONTROL_WEIGHTS) + u32::from(digits[10]);
    (remainder_mod_11(first), remainder_mod_11(second))
}

fn weighted_sum(digits: &[u8], weights: &[u32]) -> u32 {
    debug_assert_eq!(digits.len(), weights.len());
    digits.iter().zip(weights).map(|(digit, weight)| u32::from(*digit) * weight).sum()
}

fn remainder_mod_11(sum: u32) -> u8 {
    u8::try_from(sum % 11).unwrap_or_default()
}

/// The control digit that makes `sum + digit` leave `remainder` modulo 11, or `None` when that
/// digit would be 10.
fn control_digit(sum: u32, remainder: u8) -> Option<u8> {
    let digit = (u32::from(remainder) + 11 - sum % 11) % 11;
    u8::try_from(digit).ok().filter(|digit| *digit <= 9)
}

impl FromStr for PersonId {
    type Err = PersonIdError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl TryFrom<&str> for PersonId {
    type Error = PersonIdError;

    fn try_from(input: &str) -> Result<Self, Self::Error> {
        Self::parse(input)
    }
}

impl PartialEq for PersonId {
    fn eq(&self, other: &Self) -> bool {
        self.ascii == other.ascii
    }
}

impl Eq for PersonId {}

impl std::hash::Hash for PersonId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.ascii.hash(state);
    }
}

impl PartialOrd for PersonId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PersonId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ascii.cmp(&other.ascii)
    }
}

/// The mask printed instead of the digits; it has the same length whatever the number.
const MASK: &str = "***********";

impl fmt::Debug for PersonId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "PersonId({MASK})")
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(MASK)
    }
}

#[cfg(test)]
mod tests;
