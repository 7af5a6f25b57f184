//! Shift times in Europe/Oslo: from the local clock times a plan is written in to real instants and
//! real lengths, with daylight-saving time handled.
//!
//! A shift is planned as a local start (date and clock time) and a nominal local end on the same or
//! a later date: a night 22:00→08:00, a weekend block Friday 15:30 → Monday 08:00 (research.md
//! §3.5, the Steigen example). Its real length is what counts for rest and for hours worked (issue 3:
//! "lengths are real hours"): a 22:00→08:00 night is 9 hours across the spring change (last Sunday
//! of March, 02:00 → 03:00) and 11 hours across the autumn change (last Sunday of October,
//! 03:00 → 02:00), 10 hours otherwise.
//!
//! Local times that do not exist or exist twice are resolved by one rule, the one RFC 5545 gives
//! for iCalendar, so that the calendar exports agree with the plan:
//! - a time in the spring gap (02:00–02:59 on the change day) is read with the offset in force
//!   before the gap, which moves it forward by the length of the gap: 02:30 becomes 03:30 CEST;
//! - a time in the autumn overlap (02:00–02:59 on the change day) is the earlier of its two
//!   instants, still in summer time (CEST).

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Oslo;

/// Minimum rest between two work periods when no other rule applies: SFS 2305 pkt. 7.4 ("sikret
/// minst 8 timer fri mellom to arbeidsperioder", research.md §3.4).
pub const DEFAULT_MINIMUM_REST_MINUTES: u32 = 8 * 60;

/// The category of a shift, which decides how much it weighs in fairness (issue 3 "Shift types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShiftCategory {
    /// A day shift on a weekday, typically 08:00–16:00 (daglegevakt).
    Day,
    /// An evening shift, typically 15:30/16:00–22:00/23:00.
    Evening,
    /// A night shift, typically 22:00/23:00–08:00.
    Night,
    /// A weekend shift or block (Friday afternoon to Monday morning).
    Weekend,
    /// A shift on a public holiday.
    Holiday,
}

/// How a shift is served, which matters for rest (research.md §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShiftMode {
    /// Tilstedevakt: present at the legevakt for the whole shift.
    OnSite,
    /// Beredskapsvakt: on call from home, called out when needed.
    OnCallFromHome,
}

/// Why a shift's times are not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShiftTimeError {
    /// The nominal end is not after the nominal start.
    #[error("shift end is not after its start")]
    EndNotAfterStart,
    /// The shift lies in the spring daylight-saving gap so that its resolved end is not after its
    /// resolved start (for example 02:30→03:00 on the change day).
    #[error("shift has no real length after resolving the daylight saving gap")]
    NoRealLength,
    /// A date or time is outside the supported range.
    #[error("shift date is out of range")]
    OutOfRange,
}

/// The instant of a local Europe/Oslo date and time.
///
/// Non-existent times (spring gap) use the offset in force before the gap, so they move forward
/// by the gap's length; ambiguous times (autumn overlap) resolve to the earlier instant. Returns
/// `None` only at the edges of chrono's date range.
pub fn oslo_instant(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(instant) = Oslo.from_local_datetime(&local).earliest() {
        return Some(instant.with_timezone(&Utc));
    }
    // In a gap: the offset in force a day earlier is the one before the transition, because
    // Oslo's transitions are months apart.
    let day_before = local.checked_sub_signed(TimeDelta::days(1))?;
    let offset_before = Oslo.from_local_datetime(&day_before).earliest()?.offset().fix();
    let utc = local.checked_sub_signed(TimeDelta::seconds(i64::from(offset_before.local_minus_utc())))?;
    Some(Utc.from_utc_datetime(&utc))
}

/// A shift given in local Europe/Oslo time, with its real instants resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocalShift {
    local_start: NaiveDateTime,
    local_end: NaiveDateTime,
    real_start: DateTime<Utc>,
    real_end: DateTime<Utc>,
}

impl LocalShift {
    /// A shift from a local start to a nominal local end.
    pub fn new(local_start: NaiveDateTime, local_end: NaiveDateTime) -> Result<Self, ShiftTimeError> {
        if local_end <= local_start {
            return Err(ShiftTimeError::EndNotAfterStart);
        }
        let real_start = oslo_instant(local_start).ok_or(ShiftTimeError::OutOfRange)?;
        let real_end = oslo_instant(local_end).ok_or(ShiftTimeError::OutOfRange)?;
        if real_end <= real_start {
            return Err(ShiftTimeError::NoRealLength);
        }
        Ok(Self { local_start, local_end, real_start, real_end })
    }

    /// A shift starting on `date` at `start_time` and ending `end_days_later` days later at
    /// `end_time`: a night 22:00→08:00 has `end_days_later = 1`, a weekend block Friday 15:30 →
    /// Monday 08:00 has `end_days_later = 3`.
    pub fn on(
        date: NaiveDate,
        start_time: NaiveTime,
        end_time: NaiveTime,
        end_days_later: u32,
    ) -> Result<Self, ShiftTimeError> {
        let end_date =
            date.checked_add_days(Days::new(u64::from(end_days_later))).ok_or(ShiftTimeError::OutOfRange)?;
        Self::new(date.and_time(start_time), end_date.and_time(end_time))
    }

    /// A shift of at most 24 hours given by clock times: it ends the same day when `end_time` is
    /// after `start_time`, otherwise the next day (22:00→08:00 is a night; 08:00→08:00 is 24 hours).
    pub fn from_clock_times(
        date: NaiveDate,
        start_time: NaiveTime,
        end_time: NaiveTime,
    ) -> Result<Self, ShiftTimeError> {
        let end_days_later = if end_time > start_time { 0 } else { 1 };
        Self::on(date, start_time, end_time, end_days_later)
    }

    /// The local start as planned.
    pub fn local_start(&self) -> NaiveDateTime {
        self.local_start
    }

    /// The nominal local end as planned.
    pub fn local_end(&self) -> NaiveDateTime {
        self.local_end
    }

    /// The instant the shift starts.
    pub fn real_start(&self) -> DateTime<Utc> {
        self.real_start
    }

    /// The instant the shift ends.
    pub fn real_end(&self) -> DateTime<Utc> {
        self.real_end
    }

    /// The real length in minutes, daylight-saving changes included; always positive.
    pub fn real_minutes(&self) -> i64 {
        (self.real_end - self.real_start).num_minutes()
    }

    /// The length in minutes read off the local clock, ignoring daylight-saving changes.
    pub fn nominal_minutes(&self) -> i64 {
        (self.local_end - self.local_start).num_minutes()
    }

    /// Whether the two shifts share any real time (touching end to start is not an overlap).
    pub fn overlaps(&self, other: &Self) -> bool {
        self.real_start < other.real_end && other.real_start < self.real_end
    }
}

/// Real minutes of rest from the end of one shift to the start of the next; negative when they
/// overlap.
pub fn rest_between(end_of_first: DateTime<Utc>, start_of_second: DateTime<Utc>) -> i64 {
    (start_of_second - end_of_first).num_minutes()
}

/// Minimum rest after a shift, by how the shift was served.
///
/// SFS 2305 pkt. 7.4 makes 8 hours the main rule and lets the need depend on the time of the shift,
/// on whether it is tilstedevakt or beredskapsvakt and on how busy it was (research.md §3.4), so
/// both values are configurable; both default to [`DEFAULT_MINIMUM_REST_MINUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestPolicy {
    /// Minimum rest in minutes after an on-site shift (tilstedevakt).
    pub after_on_site_minutes: u32,
    /// Minimum rest in minutes after an on-call shift from home (beredskapsvakt).
    pub after_on_call_minutes: u32,
}

impl Default for RestPolicy {
    fn default() -> Self {
        Self {
            after_on_site_minutes: DEFAULT_MINIMUM_REST_MINUTES,
            after_on_call_minutes: DEFAULT_MINIMUM_REST_MINUTES,
        }
    }
}

impl RestPolicy {
    /// Minimum rest in minutes after a shift served in `mode`.
    pub fn minimum_after(&self, mode: ShiftMode) -> u32 {
        match mode {
            ShiftMode::OnSite => self.after_on_site_minutes,
            ShiftMode::OnCallFromHome => self.after_on_call_minutes,
        }
    }

    /// Whether `second` starts late enough after `first` (served in `first_mode`) ends.
    pub fn is_rested(&self, first: &LocalShift, first_mode: ShiftMode, second: &LocalShift) -> bool {
        rest_between(first.real_end(), second.real_start()) >= i64::from(self.minimum_after(first_mode))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn time(hour: u32, minute: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, minute, 0).unwrap()
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, 0).unwrap()
    }

    #[test]
    fn a_night_across_the_spring_change_is_nine_hours() {
        // Saturday 28 March 2026 22:00 CET to Sunday 29 March 08:00 CEST.
        let night = LocalShift::on(date(2026, 3, 28), time(22, 0), time(8, 0), 1).unwrap();
        assert_eq!(night.real_start(), utc(2026, 3, 28, 21, 0));
        assert_eq!(night.real_end(), utc(2026, 3, 29, 6, 0));
        assert_eq!(night.real_minutes(), 9 * 60);
        assert_eq!(night.nominal_minutes(), 10 * 60);
        let late_night = LocalShift::on(date(2026, 3, 28), time(23, 0), time(8, 0), 1).unwrap();
        assert_eq!(late_night.real_minutes(), 8 * 60);
    }

    #[test]
    fn a_night_across_the_autumn_change_is_eleven_hours() {
        // Saturday 24 October 2026 22:00 CEST to Sunday 25 October 08:00 CET.
        let night = LocalShift::on(date(2026, 10, 24), time(22, 0), time(8, 0), 1).unwrap();
        assert_eq!(night.real_start(), utc(2026, 10, 24, 20, 0));
        assert_eq!(night.real_end(), utc(2026, 10, 25, 7, 0));
        assert_eq!(night.real_minutes(), 11 * 60);
        assert_eq!(night.nominal_minutes(), 10 * 60);
    }

    #[test]
    fn a_night_without_a_change_is_ten_hours() {
        for start in [date(2026, 1, 10), date(2026, 3, 21), date(2026, 7, 4), date(2026, 10, 31)] {
            let night = LocalShift::from_clock_times(start, time(22, 0), time(8, 0)).unwrap();
            assert_eq!(night.real_minutes(), 10 * 60, "{start}");
        }
        // The night before the spring change is unaffected as well.
        let friday = LocalShift::from_clock_times(date(2026, 3, 27), time(22, 0), time(8, 0)).unwrap();
        assert_eq!(friday.real_minutes(), 10 * 60);
    }

    #[test]
    fn a_weekend_block_spans_three_days() {
        let winter = LocalShift::on(date(2026, 1, 9), time(15, 30), time(8, 0), 3).unwrap();
        assert_eq!(winter.local_end(), date(2026, 1, 12).and_time(time(8, 0)));
        assert_eq!(winter.real_minutes(), 64 * 60 + 30);
        // The weekend of the spring change loses an hour.
        let spring = LocalShift::on(date(2026, 3, 27), time(15, 30), time(8, 0), 3).unwrap();
        assert_eq!(spring.real_minutes(), 63 * 60 + 30);
        assert_eq!(spring.nominal_minutes(), 64 * 60 + 30);
    }

    #[test]
    fn clock_times_wrap_to_the_next_day_only_when_needed() {
        let day = LocalShift::from_clock_times(date(2026, 2, 2), time(8, 0), time(16, 0)).unwrap();
        assert_eq!(day.real_minutes(), 8 * 60);
        assert_eq!(day.local_end().date(), date(2026, 2, 2));
        let full = LocalShift::from_clock_times(date(2026, 2, 2), time(8, 0), time(8, 0)).unwrap();
        assert_eq!(full.real_minutes(), 24 * 60);
        assert_eq!(full.local_end().date(), date(2026, 2, 3));
    }

    #[test]
    fn times_in_the_spring_gap_move_forward_and_ambiguous_times_take_the_earlier_instant() {
        // 02:30 does not exist on 29 March 2026; read with +01:00 it is 01:30 UTC = 03:30 CEST.
        assert_eq!(oslo_instant(date(2026, 3, 29).and_time(time(2, 30))), Some(utc(2026, 3, 29, 1, 30)));
        // 02:30 happens twice on 25 October 2026; the first time is 00:30 UTC (CEST).
        assert_eq!(oslo_instant(date(2026, 10, 25).and_time(time(2, 30))), Some(utc(2026, 10, 25, 0, 30)));
        // Ordinary times.
        assert_eq!(oslo_instant(date(2026, 1, 15).and_time(time(12, 0))), Some(utc(2026, 1, 15, 11, 0)));
        assert_eq!(oslo_instant(date(2026, 7, 15).and_time(time(12, 0))), Some(utc(2026, 7, 15, 10, 0)));
    }

    #[test]
    fn shifts_in_the_spring_gap() {
        // Both ends in the gap move by the same hour: the length is kept.
        let inside =
            LocalShift::new(date(2026, 3, 29).and_time(time(2, 15)), date(2026, 3, 29).and_time(time(2, 45)))
                .unwrap();
        assert_eq!(inside.real_minutes(), 30);
        // 02:30 (read as 03:30 CEST) to 03:00 CEST has no real length.
        assert_eq!(
            LocalShift::new(date(2026, 3, 29).and_time(time(2, 30)), date(2026, 3, 29).and_time(time(3, 0)),),
            Err(ShiftTimeError::NoRealLength)
        );
    }

    #[test]
    fn an_end_not_after_the_start_is_rejected() {
        assert_eq!(
            LocalShift::on(date(2026, 2, 2), time(16, 0), time(8, 0), 0),
            Err(ShiftTimeError::EndNotAfterStart)
        );
        assert_eq!(
            LocalShift::on(date(2026, 2, 2), time(8, 0), time(8, 0), 0),
            Err(ShiftTimeError::EndNotAfterStart)
        );
    }

    #[test]
    fn rest_is_measured_in_real_minutes() {
        // A night ending Sunday 08:00 after the autumn change, then a day shift Monday 08:00.
        let night = LocalShift::on(date(2026, 10, 24), time(22, 0), time(8, 0), 1).unwrap();
        let monday = LocalShift::from_clock_times(date(2026, 10, 26), time(8, 0), time(16, 0)).unwrap();
        assert_eq!(rest_between(night.real_end(), monday.real_start()), 24 * 60);
        // Across the autumn change, 00:00 to 08:00 local is nine real hours of rest.
        let evening = LocalShift::on(date(2026, 10, 24), time(16, 0), time(0, 0), 1).unwrap();
        let morning = LocalShift::from_clock_times(date(2026, 10, 25), time(8, 0), time(16, 0)).unwrap();
        assert_eq!(rest_between(evening.real_end(), morning.real_start()), 9 * 60);
        // Overlapping shifts give negative rest.
        let day = LocalShift::from_clock_times(date(2026, 2, 2), time(8, 0), time(16, 0)).unwrap();
        let evening = LocalShift::from_clock_times(date(2026, 2, 2), time(15, 30), time(23, 0)).unwrap();
        assert_eq!(rest_between(day.real_end(), evening.real_start()), -30);
        assert!(day.overlaps(&evening));
        assert!(evening.overlaps(&day));
        let next_night = LocalShift::from_clock_times(date(2026, 2, 2), time(23, 0), time(8, 0)).unwrap();
        assert!(!evening.overlaps(&next_night));
    }

    #[test]
    fn rest_policy_depends_on_the_mode() {
        let policy = RestPolicy { after_on_site_minutes: 8 * 60, after_on_call_minutes: 6 * 60 };
        let night = LocalShift::from_clock_times(date(2026, 2, 2), time(23, 0), time(8, 0)).unwrap();
        let afternoon = LocalShift::from_clock_times(date(2026, 2, 3), time(15, 0), time(22, 0)).unwrap();
        assert!(!policy.is_rested(&night, ShiftMode::OnSite, &afternoon));
        assert!(policy.is_rested(&night, ShiftMode::OnCallFromHome, &afternoon));
        let default = RestPolicy::default();
        assert_eq!(default.minimum_after(ShiftMode::OnSite), 480);
        assert_eq!(default.minimum_after(ShiftMode::OnCallFromHome), 480);
        let evening = LocalShift::from_clock_times(date(2026, 2, 3), time(16, 0), time(23, 0)).unwrap();
        assert!(default.is_rested(&night, ShiftMode::OnSite, &evening));
    }

    proptest! {
        #[test]
        fn real_length_differs_from_nominal_by_at_most_the_changes(
            ordinal in 1_u32..=365,
            start_minute in 0_u32..24 * 60,
            length_minutes in 1_u32..=4 * 24 * 60,
        ) {
            let start = NaiveDate::from_yo_opt(2026, ordinal)
                .unwrap()
                .and_time(time(start_minute / 60, start_minute % 60));
            let end = start + TimeDelta::minutes(i64::from(length_minutes));
            if let Ok(shift) = LocalShift::new(start, end) {
                let difference = shift.real_minutes() - shift.nominal_minutes();
                let spring = date(2026, 3, 29).and_time(time(2, 0));
                let autumn = date(2026, 10, 25).and_time(time(2, 0));
                let touches = |change: NaiveDateTime| {
                    start < change + TimeDelta::hours(1) && end > change
                };
                if !touches(spring) && !touches(autumn) {
                    prop_assert_eq!(difference, 0);
                } else {
                    prop_assert!((-60..=60).contains(&difference));
                }
                prop_assert!(shift.real_minutes() > 0);
            } else {
                // Only shifts touching the spring gap can fail.
                prop_assert!(start.date() == date(2026, 3, 29) || end.date() == date(2026, 3, 29));
            }
        }
    }
}
