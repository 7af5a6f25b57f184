//! Tests of [`PersonId`] with synthetic vectors (computed from the published algorithm, not taken
//! from real people) and property tests.

use proptest::prelude::*;

use super::*;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Remainders of the two weighted sums, written independently of the implementation.
fn reference_remainders(digits: &str) -> (u32, u32) {
    let values: Vec<u32> = digits.bytes().map(|byte| u32::from(byte - b'0')).collect();
    let first_weights = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
    let second_weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    let first: u32 = values.iter().zip(first_weights).map(|(d, w)| d * w).sum();
    let second: u32 = values.iter().zip(second_weights).map(|(d, w)| d * w).sum();
    (first % 11, second % 11)
}

/// Synthetic vectors: (digits, birth date, individual number, kind).
fn classic_vectors() -> Vec<(&'static str, NaiveDate, u16, PersonIdKind)> {
    use PersonIdKind::{DNummer, Fodselsnummer};
    vec![
        ("15038512363", date(1985, 3, 15), 123, Fodselsnummer),
        ("01017023442", date(1970, 1, 1), 234, Fodselsnummer),
        ("29020061268", date(2000, 2, 29), 612, Fodselsnummer),
        ("31129960089", date(1899, 12, 31), 600, Fodselsnummer),
        ("06064595014", date(1945, 6, 6), 950, Fodselsnummer),
        ("17052487358", date(2024, 5, 17), 873, Fodselsnummer),
        ("31123999935", date(2039, 12, 31), 999, Fodselsnummer),
        ("01015474943", date(1854, 1, 1), 749, Fodselsnummer),
        ("55038512357", date(1985, 3, 15), 123, DNummer),
        ("41017023436", date(1970, 1, 1), 234, DNummer),
    ]
}

#[test]
fn classic_vectors_parse_with_their_parts() {
    for (digits, birth_date, individual, kind) in classic_vectors() {
        let id = PersonId::parse(digits).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(id.expose_digits(), digits);
        assert_eq!(id.birth_date(), birth_date);
        assert_eq!(id.individual_number(), individual);
        assert_eq!(id.kind(), kind);
        assert_eq!(id.control_algorithm(), ControlAlgorithm::Classic);
        assert_eq!(PersonId::parse_with(digits, AcceptedAlgorithms::ClassicOnly), Ok(id));
    }
}

#[test]
fn synthetic_reproduces_the_vectors() {
    for (digits, birth_date, individual, kind) in classic_vectors() {
        let id = PersonId::synthetic(birth_date, individual, kind).unwrap();
        assert_eq!(id.expose_digits(), digits);
    }
}

#[test]
fn synthetic_refuses_series_whose_control_digit_would_be_ten() {
    let birth_date = date(1985, 3, 15);
    for individual in [3, 8, 10, 18] {
        assert_eq!(
            PersonId::synthetic(birth_date, individual, PersonIdKind::Fodselsnummer),
            None,
            "individual {individual}"
        );
    }
    let id = PersonId::synthetic(birth_date, 4, PersonIdKind::Fodselsnummer).unwrap();
    assert_eq!(id.expose_digits(), "15038500470");
}

#[test]
fn synthetic_refuses_individual_numbers_outside_the_century_series() {
    let fodselsnummer = PersonIdKind::Fodselsnummer;
    // 1985: only 000–499 and 900–999.
    assert_eq!(PersonId::synthetic(date(1985, 3, 15), 600, fodselsnummer), None);
    assert_eq!(PersonId::synthetic(date(1985, 3, 15), 1000, fodselsnummer), None);
    // 2024: only 500–999.
    assert_eq!(PersonId::synthetic(date(2024, 5, 17), 123, fodselsnummer), None);
    // 1899: only 500–749.
    assert_eq!(PersonId::synthetic(date(1899, 12, 31), 750, fodselsnummer), None);
    // 1930: only 000–499.
    assert_eq!(PersonId::synthetic(date(1930, 1, 1), 950, fodselsnummer), None);
    // Outside 1854–2039 there is no series at all.
    assert_eq!(PersonId::synthetic(date(1853, 12, 31), 600, fodselsnummer), None);
    assert_eq!(PersonId::synthetic(date(2040, 1, 1), 600, fodselsnummer), None);
}

#[test]
fn numbers_of_the_2032_computation_are_accepted_and_reported() {
    let vectors = [
        ("15038512454", (1, 2), PersonIdKind::Fodselsnummer),
        ("15038512479", (3, 0), PersonIdKind::Fodselsnummer),
        ("41017023455", (2, 3), PersonIdKind::DNummer),
        // Single-digit variants of the classic vector 15038512363 that the 2032 set admits.
        ("15038512373", (1, 2), PersonIdKind::Fodselsnummer),
        ("15038512364", (0, 1), PersonIdKind::Fodselsnummer),
    ];
    for (digits, remainders, kind) in vectors {
        assert_eq!(reference_remainders(digits), (remainders.0, remainders.1));
        let id = PersonId::parse(digits).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(id.control_algorithm(), ControlAlgorithm::From2032);
        assert_eq!(id.kind(), kind);
        let rebuilt = PersonId::synthetic_with_remainders(
            id.birth_date(),
            id.individual_number(),
            kind,
            u8::try_from(remainders.0).unwrap(),
            u8::try_from(remainders.1).unwrap(),
        );
        assert_eq!(rebuilt, Some(id));
    }
}

#[test]
fn classic_only_rejects_the_2032_computation() {
    assert_eq!(
        PersonId::parse_with("15038512364", AcceptedAlgorithms::ClassicOnly),
        Err(PersonIdError::SecondControlDigit)
    );
    assert_eq!(
        PersonId::parse_with("15038512373", AcceptedAlgorithms::ClassicOnly),
        Err(PersonIdError::FirstControlDigit)
    );
}

#[test]
fn remainders_above_three_are_not_generated() {
    let birth_date = date(1985, 3, 15);
    let kind = PersonIdKind::Fodselsnummer;
    assert_eq!(PersonId::synthetic_with_remainders(birth_date, 123, kind, 4, 0), None);
    assert_eq!(PersonId::synthetic_with_remainders(birth_date, 123, kind, 0, 4), None);
}

#[test]
fn control_digits_outside_every_accepted_set_are_rejected() {
    // Remainders (6, 1): the first control digit fails under both computations.
    assert_eq!(PersonId::parse("15038512313"), Err(PersonIdError::FirstControlDigit));
    // Remainders (0, 5).
    assert_eq!(PersonId::parse("15038512368"), Err(PersonIdError::SecondControlDigit));
}

#[test]
fn wrong_length_and_non_digits_are_rejected_with_the_count_or_position() {
    assert_eq!(PersonId::parse(""), Err(PersonIdError::WrongLength { found: 0 }));
    assert_eq!(PersonId::parse("1503851236"), Err(PersonIdError::WrongLength { found: 10 }));
    assert_eq!(PersonId::parse("150385123630"), Err(PersonIdError::WrongLength { found: 12 }));
    assert_eq!(PersonId::parse(" 15038512363"), Err(PersonIdError::WrongLength { found: 12 }));
    assert_eq!(PersonId::parse("150385 2363"), Err(PersonIdError::NotDigits { position: 7 }));
    // Eleven characters, one of them two bytes long: counted as a character, not as digits.
    assert_eq!(PersonId::parse("1503851236å"), Err(PersonIdError::NotDigits { position: 11 }));
    // A non-ASCII decimal digit (Arabic-Indic three) is not accepted either.
    assert_eq!(PersonId::parse("1503851236\u{663}"), Err(PersonIdError::NotDigits { position: 11 }));
}

#[test]
fn help_numbers_are_rejected_with_their_kind() {
    // H-nummer: month + 40 (March = 43).
    assert_eq!(
        PersonId::parse("15438512363"),
        Err(PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::HNummer })
    );
    assert_eq!(
        PersonId::parse("15528512363"),
        Err(PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::HNummer })
    );
    // FH-nummer: first digit 8 or 9.
    for digits in ["81038512363", "95038512363"] {
        assert_eq!(
            PersonId::parse(digits),
            Err(PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::FellesHjelpenummer })
        );
    }
}

#[test]
fn impossible_dates_are_rejected() {
    for digits in [
        "00038512363", // day 0
        "32038512363", // day 32
        "15008512363", // month 0
        "15138512363", // month 13
        "15538512363", // month 53: beyond the H-nummer range as well
        "40038512363", // day 40 is neither a fødselsnummer nor a D-nummer day
        "72038512363", // D-nummer day 32
        "31048512363", // 31 April
        "29028512363", // 29 February 1985
        "29020012300", // 29 February 1900 (individual 123 places it in 1900, not a leap year)
    ] {
        assert_eq!(PersonId::parse(digits), Err(PersonIdError::InvalidDate), "{digits}");
    }
}

#[test]
fn individual_numbers_outside_the_century_series_are_rejected() {
    for digits in [
        "15034560000", // year 45, individual 600: 500–749 is 1854–1899 only from year 54
        "15038580000", // year 85, individual 800: 750–899 exists only for 2000–2039
        "15034575000", // year 45, individual 750
    ] {
        assert_eq!(PersonId::parse(digits), Err(PersonIdError::IndividualNumberOutOfRange), "{digits}");
    }
}

#[test]
fn century_series_match_the_published_table_exhaustively() {
    // research.md §1.9: (first year, last year, lowest individual, highest individual).
    let table =
        [(1854, 1899, 500, 749), (1900, 1999, 0, 499), (1940, 1999, 900, 999), (2000, 2039, 500, 999)];
    for two_digit_year in 0_u32..100 {
        for individual in 0_u16..1000 {
            let matching_years: Vec<i32> = table
                .iter()
                .flat_map(|&(first, last, low, high)| {
                    (first..=last).filter(move |year| {
                        year % 100 == i32::try_from(two_digit_year).unwrap()
                            && (low..=high).contains(&individual)
                    })
                })
                .collect();
            assert!(matching_years.len() <= 1, "the table is unambiguous");
            let expected = matching_years.first().map(|year| year - year % 100);
            assert_eq!(
                century_start(two_digit_year, individual),
                expected,
                "year {two_digit_year}, individual {individual}"
            );
        }
    }
}

#[test]
fn series_boundaries() {
    let fodselsnummer = PersonIdKind::Fodselsnummer;
    let year_of = |birth_date: NaiveDate, individual: u16| {
        // Some individual numbers admit no control digits; try the neighbouring day then.
        (0..5)
            .find_map(|offset| {
                let day = birth_date + chrono::Days::new(offset);
                PersonId::synthetic(day, individual, fodselsnummer)
            })
            .map(|id| PersonId::parse(id.expose_digits()).unwrap().birth_date().year())
    };
    assert_eq!(year_of(date(1854, 1, 1), 500), Some(1854));
    assert_eq!(year_of(date(1899, 6, 1), 749), Some(1899));
    assert_eq!(year_of(date(1899, 6, 1), 750), None);
    assert_eq!(year_of(date(1900, 6, 1), 499), Some(1900));
    assert_eq!(year_of(date(1900, 6, 1), 500), None);
    assert_eq!(year_of(date(1939, 6, 1), 900), None);
    assert_eq!(year_of(date(1940, 6, 1), 900), Some(1940));
    assert_eq!(year_of(date(1940, 6, 1), 899), None);
    assert_eq!(year_of(date(2000, 6, 1), 500), Some(2000));
    assert_eq!(year_of(date(2000, 6, 1), 499), None);
    assert_eq!(year_of(date(2039, 6, 1), 999), Some(2039));
}

#[test]
fn the_same_individual_number_can_mean_two_centuries() {
    // Individual 600 is 1800s for year 99 and 2000s for year 05.
    let old = PersonId::synthetic(date(1899, 6, 1), 600, PersonIdKind::Fodselsnummer).unwrap();
    let new = PersonId::synthetic(date(2005, 6, 1), 600, PersonIdKind::Fodselsnummer).unwrap();
    assert_eq!(PersonId::parse(old.expose_digits()).unwrap().birth_date().year(), 1899);
    assert_eq!(PersonId::parse(new.expose_digits()).unwrap().birth_date().year(), 2005);
    // Individual 950 is 1900s for year 45 and 2000s for year 05.
    let forties = PersonId::synthetic(date(1945, 6, 1), 950, PersonIdKind::Fodselsnummer).unwrap();
    assert_eq!(forties.birth_date().year(), 1945);
}

#[test]
fn age_is_counted_from_the_encoded_birth_date() {
    let id = PersonId::parse("55038512357").unwrap();
    assert_eq!(id.age_on(date(2026, 3, 14)), 40);
    assert_eq!(id.age_on(date(2026, 3, 15)), 41);
    assert_eq!(id.age_on(date(1980, 1, 1)), 0);
}

#[test]
fn debug_and_display_are_masked() {
    let id = PersonId::parse("15038512363").unwrap();
    assert_eq!(format!("{id:?}"), "PersonId(***********)");
    assert_eq!(format!("{id}"), "***********");
    assert_eq!(format!("{:?}", Some(id)), "Some(PersonId(***********))");
}

#[test]
fn from_str_and_try_from_agree_with_parse() {
    let parsed: PersonId = "15038512363".parse().unwrap();
    assert_eq!(PersonId::try_from("15038512363"), Ok(parsed));
    assert_eq!("15038512313".parse::<PersonId>(), Err(PersonIdError::FirstControlDigit));
}

#[test]
fn error_messages_are_lowercase_without_trailing_punctuation() {
    let errors = [
        PersonIdError::WrongLength { found: 3 },
        PersonIdError::NotDigits { position: 2 },
        PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::HNummer },
        PersonIdError::HelpNumberNotAccepted { kind: HelpNumberKind::FellesHjelpenummer },
        PersonIdError::InvalidDate,
        PersonIdError::IndividualNumberOutOfRange,
        PersonIdError::FirstControlDigit,
        PersonIdError::SecondControlDigit,
    ];
    for error in errors {
        let message = error.to_string();
        let first = message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{message}");
        assert!(!message.ends_with(['.', '!', '?']), "{message}");
    }
}

/// A birth date in 1854–2039 and an individual number of the series for its year.
fn birth_date_and_individual() -> impl Strategy<Value = (NaiveDate, u16)> {
    (1854_i32..=2039, 1_u32..=365, 0_u16..1000).prop_map(|(year, ordinal, index)| {
        let birth_date = NaiveDate::from_yo_opt(year, ordinal).unwrap();
        let individual = match year {
            1854..=1899 => 500 + index % 250,
            1900..=1939 => index % 500,
            1940..=1999 => {
                let index = index % 600;
                if index < 500 { index } else { 900 + index - 500 }
            }
            _ => 500 + index % 500,
        };
        (birth_date, individual)
    })
}

fn any_kind() -> impl Strategy<Value = PersonIdKind> {
    prop_oneof![Just(PersonIdKind::Fodselsnummer), Just(PersonIdKind::DNummer)]
}

/// Digits 1–9 (date, D-nummer offset and individual number) written independently of the
/// implementation.
fn reference_prefix(birth_date: NaiveDate, individual: u16, kind: PersonIdKind) -> Vec<u32> {
    let offset = if kind == PersonIdKind::DNummer { 40 } else { 0 };
    let text = format!(
        "{:02}{:02}{:02}{:03}",
        birth_date.day() + offset,
        birth_date.month(),
        birth_date.year() % 100,
        individual
    );
    text.bytes().map(|byte| u32::from(byte - b'0')).collect()
}

/// Valid numbers of the classic computation.
fn classic_person_id() -> impl Strategy<Value = PersonId> {
    (birth_date_and_individual(), any_kind())
        .prop_filter_map("no control digits for this series", |((birth_date, individual), kind)| {
            PersonId::synthetic(birth_date, individual, kind)
        })
}

/// Valid numbers of either computation.
fn any_person_id() -> impl Strategy<Value = PersonId> {
    (birth_date_and_individual(), any_kind(), 0_u8..=3, 0_u8..=3).prop_filter_map(
        "no control digits for these remainders",
        |((birth_date, individual), kind, first, second)| {
            PersonId::synthetic_with_remainders(birth_date, individual, kind, first, second)
        },
    )
}

/// A position 0–10 and a digit different from the one there.
fn substitution() -> impl Strategy<Value = (usize, u8)> {
    (0_usize..11, 1_u8..=9)
}

fn substitute(digits: &str, position: usize, shift: u8) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    bytes[position] = b'0' + (bytes[position] - b'0' + shift) % 10;
    String::from_utf8(bytes).unwrap()
}

proptest! {
    #[test]
    fn generated_classic_numbers_parse_back((birth_date, individual) in birth_date_and_individual(), kind in any_kind()) {
        if let Some(id) = PersonId::synthetic(birth_date, individual, kind) {
            let parsed = PersonId::parse(id.expose_digits()).unwrap();
            prop_assert_eq!(parsed, id);
            prop_assert_eq!(parsed.birth_date(), birth_date);
            prop_assert_eq!(parsed.individual_number(), individual);
            prop_assert_eq!(parsed.kind(), kind);
            prop_assert_eq!(parsed.control_algorithm(), ControlAlgorithm::Classic);
            prop_assert_eq!(reference_remainders(id.expose_digits()), (0, 0));
            let leading = parsed.expose_digits().as_bytes()[0];
            prop_assert_eq!(leading >= b'4', kind == PersonIdKind::DNummer);
        } else {
            // None only when a classic control digit would have to be 10: check it independently.
            let prefix = reference_prefix(birth_date, individual, kind);
            let first_sum: u32 = prefix.iter().zip([3, 7, 6, 1, 8, 9, 4, 5, 2]).map(|(d, w)| d * w).sum();
            let first = (11 - first_sum % 11) % 11;
            if first != 10 {
                let second_sum: u32 = prefix
                    .iter()
                    .chain(std::iter::once(&first))
                    .zip([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
                    .map(|(d, w)| d * w)
                    .sum();
                prop_assert_eq!((11 - second_sum % 11) % 11, 10);
            }
        }
    }

    #[test]
    fn generated_numbers_of_both_computations_parse_back(id in any_person_id()) {
        let parsed = PersonId::parse(id.expose_digits()).unwrap();
        prop_assert_eq!(parsed, id);
        let (first, second) = reference_remainders(id.expose_digits());
        prop_assert!(first <= 3 && second <= 3);
        let expected = if first == 0 && second == 0 {
            ControlAlgorithm::Classic
        } else {
            ControlAlgorithm::From2032
        };
        prop_assert_eq!(parsed.control_algorithm(), expected);
        prop_assert_eq!(
            PersonId::parse_with(id.expose_digits(), AcceptedAlgorithms::ClassicOnly).is_ok(),
            expected == ControlAlgorithm::Classic
        );
    }

    #[test]
    fn a_single_digit_change_is_rejected_or_gives_another_valid_number(
        id in any_person_id(),
        (position, shift) in substitution(),
    ) {
        let changed = substitute(id.expose_digits(), position, shift);
        prop_assert_ne!(&changed, id.expose_digits());
        if let Ok(other) = PersonId::parse(&changed) {
            prop_assert_ne!(other, id);
            prop_assert_eq!(other.expose_digits(), changed.as_str());
            // Genuinely valid: the independent remainders are in the accepted set, they agree
            // with the reported computation, and the generator rebuilds exactly this number from
            // its date, individual number and remainders.
            let (first, second) = reference_remainders(&changed);
            prop_assert!(first <= 3 && second <= 3);
            prop_assert_eq!(
                other.control_algorithm() == ControlAlgorithm::Classic,
                first == 0 && second == 0
            );
            let rebuilt = PersonId::synthetic_with_remainders(
                other.birth_date(),
                other.individual_number(),
                other.kind(),
                u8::try_from(first).unwrap(),
                u8::try_from(second).unwrap(),
            );
            prop_assert_eq!(rebuilt, Some(other));
        }
    }

    #[test]
    fn the_classic_check_detects_every_single_digit_change(
        id in classic_person_id(),
        (position, shift) in substitution(),
    ) {
        // Every weight (3,7,6,1,8,9,4,5,2,1 and 5,4,3,2,7,6,5,4,3,2,1) is coprime to 11 and a
        // substitution changes a digit by 1–9, so the weighted sum moves by a non-multiple of 11.
        let changed = substitute(id.expose_digits(), position, shift);
        let (first, second) = reference_remainders(&changed);
        if position < 10 {
            prop_assert_ne!(first, 0);
        }
        prop_assert_ne!(second, 0);
        prop_assert!(PersonId::parse_with(&changed, AcceptedAlgorithms::ClassicOnly).is_err());
        if let Ok(other) = PersonId::parse(&changed) {
            prop_assert_eq!(other.control_algorithm(), ControlAlgorithm::From2032);
        }
    }

    #[test]
    fn masked_output_never_contains_the_digits(id in any_person_id()) {
        let debug = format!("{id:?}");
        let display = format!("{id}");
        let alternate = format!("{id:#?}");
        for text in [&debug, &display, &alternate] {
            prop_assert!(!text.contains(id.expose_digits()));
            prop_assert!(!text.bytes().any(|byte| byte.is_ascii_digit()), "{}", text);
        }
    }

    #[test]
    fn error_messages_for_eleven_digits_contain_no_digit(digits in "[0-9]{11}") {
        if let Err(error) = PersonId::parse(&digits) {
            let message = error.to_string();
            prop_assert!(!message.bytes().any(|byte| byte.is_ascii_digit()), "{}", message);
        }
    }

    #[test]
    fn error_messages_never_repeat_the_input(input in "[0-9]{3,20}") {
        if let Err(error) = PersonId::parse(&input) {
            let message = error.to_string();
            prop_assert!(!message.contains(&input), "{}", message);
        }
    }

    #[test]
    fn arbitrary_text_is_accepted_only_as_eleven_ascii_digits(input in "\\PC{0,16}") {
        let accepted = PersonId::parse(&input).is_ok();
        let classic = PersonId::parse_with(&input, AcceptedAlgorithms::ClassicOnly).is_ok();
        prop_assert!(!classic || accepted);
        if accepted {
            prop_assert_eq!(input.len(), 11);
            prop_assert!(input.bytes().all(|byte| byte.is_ascii_digit()));
        }
    }
}
