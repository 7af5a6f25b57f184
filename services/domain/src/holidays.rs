//! Norwegian public holidays (offentlige høytidsdager and helligdager other than ordinary Sundays).
//!
//! The twelve days: nyttårsdag, skjærtorsdag, langfredag, 1. and 2. påskedag, 1. mai, 17. mai,
//! Kristi himmelfartsdag, 1. and 2. pinsedag, 1. and 2. juledag. Five of them follow Easter Sunday,
//! computed with the anonymous Gregorian algorithm (Meeus/Jones/Butcher). Legevakt plans weight
//! shifts on these days higher (research.md §3.5 [I]; issue 3 "Norwegian public holidays computed
//! and weighted"). Ordinary Sundays, and eves such as julaften and nyttårsaften, are not public
//! holidays; a plan that wants to weight them does so through its shift categories.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};

/// One of the Norwegian public holidays.
///
/// The declaration order is the calendar order within a year, which is also how two holidays on
/// the same date are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holiday {
    /// 1 January.
    Nyttarsdag,
    /// Thursday before Easter Sunday.
    Skjaertorsdag,
    /// Friday before Easter Sunday.
    Langfredag,
    /// Easter Sunday.
    ForstePaskedag,
    /// Monday after Easter Sunday.
    AndrePaskedag,
    /// 1 May, arbeidernes dag.
    ForsteMai,
    /// 17 May, grunnlovsdagen.
    SyttendeMai,
    /// Thursday 39 days after Easter Sunday.
    KristiHimmelfartsdag,
    /// Whit Sunday, 49 days after Easter Sunday.
    ForstePinsedag,
    /// Whit Monday, 50 days after Easter Sunday.
    AndrePinsedag,
    /// 25 December.
    ForsteJuledag,
    /// 26 December.
    AndreJuledag,
}

impl Holiday {
    /// The Norwegian (bokmål) name.
    pub fn norwegian_name(self) -> &'static str {
        match self {
            Self::Nyttarsdag => "nyttårsdag",
            Self::Skjaertorsdag => "skjærtorsdag",
            Self::Langfredag => "langfredag",
            Self::ForstePaskedag => "1. påskedag",
            Self::AndrePaskedag => "2. påskedag",
            Self::ForsteMai => "1. mai",
            Self::SyttendeMai => "17. mai",
            Self::KristiHimmelfartsdag => "Kristi himmelfartsdag",
            Self::ForstePinsedag => "1. pinsedag",
            Self::AndrePinsedag => "2. pinsedag",
            Self::ForsteJuledag => "1. juledag",
            Self::AndreJuledag => "2. juledag",
        }
    }
}

impl fmt::Display for Holiday {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.norwegian_name())
    }
}

/// Easter Sunday of a year in the Gregorian calendar, or `None` outside chrono's date range.
///
/// The anonymous Gregorian algorithm (published in Nature in 1876, given by Meeus in
/// "Astronomical Algorithms"); it is exact for every Gregorian year.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let golden = year.rem_euclid(19);
    let century = year.div_euclid(100);
    let year_of_century = year.rem_euclid(100);
    let leap_centuries = century.div_euclid(4);
    let century_rest = century.rem_euclid(4);
    let correction = (century + 8).div_euclid(25);
    let moon_correction = (century - correction + 1).div_euclid(3);
    let epact = (19 * golden + century - leap_centuries - moon_correction + 15).rem_euclid(30);
    let leap_years = year_of_century.div_euclid(4);
    let year_rest = year_of_century.rem_euclid(4);
    let weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest).rem_euclid(7);
    let late = (golden + 11 * epact + 22 * weekday).div_euclid(451);
    let month_and_day = epact + weekday - 7 * late + 114;
    let month = u32::try_from(month_and_day.div_euclid(31)).ok()?;
    let day = u32::try_from(month_and_day.rem_euclid(31) + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The public holidays of a year, in date order.
///
/// When two holidays fall on the same date (1. mai and Kristi himmelfartsdag in 2008, 17. mai and
/// Kristi himmelfartsdag in 2012), both are listed, in [`Holiday`] declaration order. Empty for a
/// year outside chrono's date range.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let (Some(easter), Some(new_year)) = (easter_sunday(year), NaiveDate::from_ymd_opt(year, 1, 1)) else {
        return Vec::new();
    };
    let fixed = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let before_easter = |days: u64| easter.checked_sub_days(Days::new(days));
    let after_easter = |days: u64| easter.checked_add_days(Days::new(days));
    let candidates = [
        (Some(new_year), Holiday::Nyttarsdag),
        (before_easter(3), Holiday::Skjaertorsdag),
        (before_easter(2), Holiday::Langfredag),
        (Some(easter), Holiday::ForstePaskedag),
        (after_easter(1), Holiday::AndrePaskedag),
        (fixed(5, 1), Holiday::ForsteMai),
        (fixed(5, 17), Holiday::SyttendeMai),
        (after_easter(39), Holiday::KristiHimmelfartsdag),
        (after_easter(49), Holiday::ForstePinsedag),
        (after_easter(50), Holiday::AndrePinsedag),
        (fixed(12, 25), Holiday::ForsteJuledag),
        (fixed(12, 26), Holiday::AndreJuledag),
    ];
    let mut holidays: Vec<(NaiveDate, Holiday)> =
        candidates.into_iter().filter_map(|(date, holiday)| Some((date?, holiday))).collect();
    holidays.sort();
    holidays
}

/// The public holiday on a date, if any.
///
/// When two holidays coincide, the first in [`Holiday`] declaration order is returned (1. mai
/// before Kristi himmelfartsdag, 17. mai before Kristi himmelfartsdag or a pinsedag).
pub fn is_public_holiday(date: NaiveDate) -> Option<Holiday> {
    public_holidays(date.year())
        .into_iter()
        .find(|(holiday_date, _)| *holiday_date == date)
        .map(|(_, holiday)| holiday)
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;
    use proptest::prelude::*;

    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn known_easter_sundays() {
        let known = [
            date(2024, 3, 31),
            date(2025, 4, 20),
            date(2026, 4, 5),
            date(2027, 3, 28),
            date(2000, 4, 23),
            date(2019, 4, 21),
            // The earliest and latest possible dates.
            date(1818, 3, 22),
            date(2285, 3, 22),
            date(1943, 4, 25),
            date(2038, 4, 25),
        ];
        for easter in known {
            assert_eq!(easter_sunday(easter.year()), Some(easter));
        }
    }

    #[test]
    fn holidays_of_2026() {
        let expected = vec![
            (date(2026, 1, 1), Holiday::Nyttarsdag),
            (date(2026, 4, 2), Holiday::Skjaertorsdag),
            (date(2026, 4, 3), Holiday::Langfredag),
            (date(2026, 4, 5), Holiday::ForstePaskedag),
            (date(2026, 4, 6), Holiday::AndrePaskedag),
            (date(2026, 5, 1), Holiday::ForsteMai),
            (date(2026, 5, 14), Holiday::KristiHimmelfartsdag),
            (date(2026, 5, 17), Holiday::SyttendeMai),
            (date(2026, 5, 24), Holiday::ForstePinsedag),
            (date(2026, 5, 25), Holiday::AndrePinsedag),
            (date(2026, 12, 25), Holiday::ForsteJuledag),
            (date(2026, 12, 26), Holiday::AndreJuledag),
        ];
        assert_eq!(public_holidays(2026), expected);
    }

    #[test]
    fn movable_holidays_of_2024_2025_and_2027() {
        let holidays_2024 = public_holidays(2024);
        assert!(holidays_2024.contains(&(date(2024, 3, 28), Holiday::Skjaertorsdag)));
        assert!(holidays_2024.contains(&(date(2024, 4, 1), Holiday::AndrePaskedag)));
        assert!(holidays_2024.contains(&(date(2024, 5, 9), Holiday::KristiHimmelfartsdag)));
        assert!(holidays_2024.contains(&(date(2024, 5, 20), Holiday::AndrePinsedag)));
        let holidays_2025 = public_holidays(2025);
        assert!(holidays_2025.contains(&(date(2025, 4, 18), Holiday::Langfredag)));
        assert!(holidays_2025.contains(&(date(2025, 5, 29), Holiday::KristiHimmelfartsdag)));
        assert!(holidays_2025.contains(&(date(2025, 6, 8), Holiday::ForstePinsedag)));
        let holidays_2027 = public_holidays(2027);
        assert!(holidays_2027.contains(&(date(2027, 3, 25), Holiday::Skjaertorsdag)));
        assert!(holidays_2027.contains(&(date(2027, 5, 6), Holiday::KristiHimmelfartsdag)));
        assert!(holidays_2027.contains(&(date(2027, 5, 17), Holiday::AndrePinsedag)));
        assert!(holidays_2027.contains(&(date(2027, 5, 17), Holiday::SyttendeMai)));
    }

    #[test]
    fn coinciding_holidays_are_both_listed_and_the_first_is_reported() {
        // 2008: Easter 23 March, Ascension 1 May.
        let holidays_2008 = public_holidays(2008);
        assert_eq!(holidays_2008.len(), 12);
        assert!(holidays_2008.contains(&(date(2008, 5, 1), Holiday::ForsteMai)));
        assert!(holidays_2008.contains(&(date(2008, 5, 1), Holiday::KristiHimmelfartsdag)));
        assert_eq!(is_public_holiday(date(2008, 5, 1)), Some(Holiday::ForsteMai));
        // 2012: Easter 8 April, Ascension 17 May.
        assert_eq!(is_public_holiday(date(2012, 5, 17)), Some(Holiday::SyttendeMai));
        assert!(public_holidays(2012).contains(&(date(2012, 5, 17), Holiday::KristiHimmelfartsdag)));
    }

    #[test]
    fn ordinary_days_and_eves_are_not_holidays() {
        assert_eq!(is_public_holiday(date(2026, 12, 24)), None);
        assert_eq!(is_public_holiday(date(2026, 12, 31)), None);
        assert_eq!(is_public_holiday(date(2026, 4, 4)), None); // påskeaften
        assert_eq!(is_public_holiday(date(2026, 3, 29)), None); // an ordinary Sunday
        assert_eq!(is_public_holiday(date(2026, 12, 26)), Some(Holiday::AndreJuledag));
        assert_eq!(Holiday::SyttendeMai.to_string(), "17. mai");
    }

    proptest! {
        #[test]
        fn easter_is_a_sunday_in_its_window(year in 1583_i32..=4099) {
            let easter = easter_sunday(year).unwrap();
            prop_assert_eq!(easter.weekday(), Weekday::Sun);
            prop_assert!(easter >= date(year, 3, 22) && easter <= date(year, 4, 25));
        }

        #[test]
        fn every_year_has_twelve_holidays_in_order(year in 1583_i32..=4099) {
            let holidays = public_holidays(year);
            prop_assert_eq!(holidays.len(), 12);
            prop_assert!(holidays.windows(2).all(|pair| pair[0] <= pair[1]));
            prop_assert!(holidays.iter().all(|(day, _)| day.year() == year));
            let weekday_of = |wanted: Holiday| {
                holidays.iter().find(|(_, holiday)| *holiday == wanted).map(|(day, _)| day.weekday())
            };
            prop_assert_eq!(weekday_of(Holiday::Skjaertorsdag), Some(Weekday::Thu));
            prop_assert_eq!(weekday_of(Holiday::Langfredag), Some(Weekday::Fri));
            prop_assert_eq!(weekday_of(Holiday::AndrePaskedag), Some(Weekday::Mon));
            prop_assert_eq!(weekday_of(Holiday::KristiHimmelfartsdag), Some(Weekday::Thu));
            prop_assert_eq!(weekday_of(Holiday::ForstePinsedag), Some(Weekday::Sun));
            prop_assert_eq!(weekday_of(Holiday::AndrePinsedag), Some(Weekday::Mon));
            for (day, holiday) in &holidays {
                prop_assert!(is_public_holiday(*day).is_some());
                prop_assert!(is_public_holiday(*day) <= Some(*holiday));
            }
        }
    }
}
