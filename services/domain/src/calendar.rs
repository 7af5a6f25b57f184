//! Calendar helpers for rules that are stated in whole days of the Norwegian calendar.
//!
//! The domain has no clock: callers pass the date (or instant) the rule is evaluated for, so every
//! function here is deterministic and testable. The service layer decides what "today" is, usually
//! by converting the current instant with [`oslo_date_of`].

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Europe::Oslo;

/// The date in Europe/Oslo of an instant.
///
/// Rules such as the effective date of a GP change are stated in the Norwegian calendar, so an
/// instant shortly before midnight UTC may already belong to the next day in Oslo.
pub fn oslo_date_of(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Oslo).date_naive()
}

/// The first day of the month after `date`.
///
/// A change of GP (fastlegebytte) takes effect on the first day of the following month, and FLO
/// moves list memberships in the night to the 1st (research.md §1.4, helsenorge.no "Bytte av
/// fastlege"). Pass the request date in the Europe/Oslo calendar (see [`oslo_date_of`]).
///
/// # Panics
/// Only for a date in the last month chrono can represent (December of year 262143), which has no
/// following month.
pub fn first_day_of_next_month(date: NaiveDate) -> NaiveDate {
    let (year, month) =
        if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).expect(
        "the month after a representable date is representable except at the very end of chrono's range",
    )
}

/// Completed years of age on `on` for someone born on `birth_date`; zero before the birth date.
///
/// A person gains a year on the anniversary of the birth date. Someone born on 29 February gains it
/// on 1 March in years without a leap day, because 28 February still comes before the anniversary.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> u32 {
    if on <= birth_date {
        return 0;
    }
    let mut years = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Whether the date is a Saturday or a Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn next_month_starts_on_the_first() {
        assert_eq!(first_day_of_next_month(date(2026, 1, 15)), date(2026, 2, 1));
        assert_eq!(first_day_of_next_month(date(2026, 1, 1)), date(2026, 2, 1));
        assert_eq!(first_day_of_next_month(date(2026, 1, 31)), date(2026, 2, 1));
        assert_eq!(first_day_of_next_month(date(2024, 2, 29)), date(2024, 3, 1));
    }

    #[test]
    fn next_month_crosses_the_year() {
        assert_eq!(first_day_of_next_month(date(2025, 12, 31)), date(2026, 1, 1));
        assert_eq!(first_day_of_next_month(date(2025, 12, 1)), date(2026, 1, 1));
    }

    #[test]
    fn oslo_date_is_ahead_of_utc_near_midnight() {
        // 23:30 UTC on 31 January is 00:30 on 1 February in Oslo (CET, +01:00).
        let winter = Utc.with_ymd_and_hms(2026, 1, 31, 23, 30, 0).unwrap();
        assert_eq!(oslo_date_of(winter), date(2026, 2, 1));
        assert_eq!(first_day_of_next_month(oslo_date_of(winter)), date(2026, 3, 1));
        // 22:30 UTC in summer is 00:30 the next day in Oslo (CEST, +02:00).
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap();
        assert_eq!(oslo_date_of(summer), date(2026, 7, 1));
        // 22:30 UTC in winter is still the same day in Oslo.
        let winter_evening = Utc.with_ymd_and_hms(2026, 1, 30, 22, 30, 0).unwrap();
        assert_eq!(oslo_date_of(winter_evening), date(2026, 1, 30));
    }

    #[test]
    fn age_counts_completed_years() {
        let birth = date(1966, 5, 17);
        assert_eq!(age_on(birth, date(2026, 5, 16)), 59);
        assert_eq!(age_on(birth, date(2026, 5, 17)), 60);
        assert_eq!(age_on(birth, date(2026, 12, 31)), 60);
        assert_eq!(age_on(birth, birth), 0);
        assert_eq!(age_on(birth, date(1900, 1, 1)), 0);
    }

    #[test]
    fn leap_day_birthdays_count_from_the_first_of_march() {
        let birth = date(2000, 2, 29);
        assert_eq!(age_on(birth, date(2023, 2, 28)), 22);
        assert_eq!(age_on(birth, date(2023, 3, 1)), 23);
        assert_eq!(age_on(birth, date(2024, 2, 29)), 24);
    }

    #[test]
    fn weekends_are_saturday_and_sunday() {
        assert!(!is_weekend(date(2026, 3, 27))); // Friday
        assert!(is_weekend(date(2026, 3, 28)));
        assert!(is_weekend(date(2026, 3, 29)));
        assert!(!is_weekend(date(2026, 3, 30)));
    }
}
