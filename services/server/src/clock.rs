//! The service's notion of "today": the calendar date in Europe/Oslo, where list changes take effect
//! at midnight local time.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;

/// Today's date in Norway.
pub fn today() -> NaiveDate {
    date_in_norway(Utc::now())
}

/// The Norwegian calendar date of an instant.
pub fn date_in_norway(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Oslo).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_already_tomorrow_in_oslo() {
        // 23:30 UTC on 31 December is 00:30 on 1 January in Oslo (UTC+1 in winter).
        let instant = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_in_norway(instant), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        // 21:30 UTC on 30 June is 23:30 in Oslo (UTC+2 in summer): still the same day.
        let summer = DateTime::parse_from_rfc3339("2026-06-30T21:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_in_norway(summer), NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    }
}
