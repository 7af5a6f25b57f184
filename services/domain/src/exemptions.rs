//! Exemptions from the legevakt duty: dated records plus the age exemption derived from the birth
//! date (research.md §3.3).
//!
//! - Age: the fastlege regulation gives a right to exemption from legevakt from the age of 60
//!   (55 from 1 January 2013, raised to 60 from 1 July 2013; old fastlegeforskrift § 13 — the
//!   paragraph number must be re-checked against the 2026 forskrift, research.md §0.1). It is a
//!   right, not a ban: a doctor who keeps taking shifts is planned with the age exemption switched
//!   off ([`effective_exemptions_with_age_limit`] with `None`).
//! - Other grounds (health, social reasons, pregnancy-related vaktfritak in tariff agreements) are
//!   decided case by case; the exact list was not found in the sources, so they are records with a
//!   reason, a date range and a full or partial extent (issue 3 "Exemptions").
//!
//! Several exemptions on the same date combine: any full exemption wins, otherwise the partial
//! restrictions add up.

use chrono::NaiveDate;

use crate::calendar;
use crate::shift_time::{ShiftCategory, ShiftMode};

/// Age from which a doctor has the right to exemption from legevakt (60 from 1 July 2013).
pub const DEFAULT_AGE_LIMIT: u32 = 60;

/// Why an exemption was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExemptionReason {
    /// Age at or above the limit.
    Age,
    /// Health.
    Health,
    /// Pregnancy.
    Pregnancy,
    /// Social reasons, for example care obligations.
    Social,
    /// Any other ground decided by the municipality.
    Other,
}

/// The kinds of shift a partial exemption excludes; at least one is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PartialRestrictions {
    /// No night shifts.
    pub no_nights: bool,
    /// No evening shifts.
    pub no_evenings: bool,
    /// No weekend shifts.
    pub no_weekends: bool,
    /// No shifts on public holidays.
    pub no_holidays: bool,
    /// No on-site shifts (tilstedevakt); on call from home remains possible.
    pub no_on_site: bool,
}

impl PartialRestrictions {
    /// Whether no restriction is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Both sets of restrictions together.
    pub fn union(self, other: Self) -> Self {
        Self {
            no_nights: self.no_nights || other.no_nights,
            no_evenings: self.no_evenings || other.no_evenings,
            no_weekends: self.no_weekends || other.no_weekends,
            no_holidays: self.no_holidays || other.no_holidays,
            no_on_site: self.no_on_site || other.no_on_site,
        }
    }

    /// Whether a shift with these traits is still allowed.
    pub fn permits(&self, shift: &ShiftTraits) -> bool {
        !(self.no_nights && shift.night
            || self.no_evenings && shift.evening
            || self.no_weekends && shift.weekend
            || self.no_holidays && shift.public_holiday
            || self.no_on_site && shift.on_site)
    }
}

/// What a single exemption record covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExemptionExtent {
    /// No legevakt at all.
    Full,
    /// Only the listed kinds of shift are excluded.
    Partial(PartialRestrictions),
}

/// The combined exemption of a doctor on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExemptionScope {
    /// No exemption applies.
    NotExempt,
    /// Some kinds of shift are excluded.
    Partial(PartialRestrictions),
    /// No legevakt at all.
    Full,
}

impl ExemptionScope {
    /// The scope that applies when both apply.
    pub fn combine(self, other: Self) -> Self {
        match (self, other) {
            (Self::Full, _) | (_, Self::Full) => Self::Full,
            (Self::Partial(left), Self::Partial(right)) => Self::Partial(left.union(right)),
            (Self::Partial(restrictions), Self::NotExempt)
            | (Self::NotExempt, Self::Partial(restrictions)) => Self::Partial(restrictions),
            (Self::NotExempt, Self::NotExempt) => Self::NotExempt,
        }
    }

    /// Whether a shift with these traits may be assigned.
    pub fn permits(&self, shift: &ShiftTraits) -> bool {
        match self {
            Self::NotExempt => true,
            Self::Partial(restrictions) => restrictions.permits(shift),
            Self::Full => false,
        }
    }
}

impl From<ExemptionExtent> for ExemptionScope {
    fn from(extent: ExemptionExtent) -> Self {
        match extent {
            ExemptionExtent::Full => Self::Full,
            ExemptionExtent::Partial(restrictions) => Self::Partial(restrictions),
        }
    }
}

/// The traits of a shift that partial exemptions look at.
///
/// A shift can have several: a Saturday night is both `night` and `weekend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ShiftTraits {
    /// Covers night hours.
    pub night: bool,
    /// Covers evening hours.
    pub evening: bool,
    /// Falls on a weekend.
    pub weekend: bool,
    /// Falls on a public holiday.
    pub public_holiday: bool,
    /// Served on site (tilstedevakt).
    pub on_site: bool,
}

impl ShiftTraits {
    /// The traits implied by a shift's category and mode; set further traits (a Saturday night is
    /// also a weekend) on the result.
    pub fn of(category: ShiftCategory, mode: ShiftMode) -> Self {
        Self {
            night: category == ShiftCategory::Night,
            evening: category == ShiftCategory::Evening,
            weekend: category == ShiftCategory::Weekend,
            public_holiday: category == ShiftCategory::Holiday,
            on_site: mode == ShiftMode::OnSite,
        }
    }
}

/// Why an exemption record is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExemptionError {
    /// The last day is before the first day.
    #[error("exemption ends before it starts")]
    EndsBeforeStart,
    /// A partial exemption that excludes nothing.
    #[error("partial exemption excludes no kind of shift")]
    EmptyPartialExemption,
}

/// A dated exemption decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExemptionRecord {
    reason: ExemptionReason,
    extent: ExemptionExtent,
    first_day: NaiveDate,
    last_day: Option<NaiveDate>,
}

impl ExemptionRecord {
    /// An exemption from `first_day` to `last_day`, both inclusive; `None` means until further
    /// notice.
    pub fn new(
        reason: ExemptionReason,
        extent: ExemptionExtent,
        first_day: NaiveDate,
        last_day: Option<NaiveDate>,
    ) -> Result<Self, ExemptionError> {
        if last_day.is_some_and(|last_day| last_day < first_day) {
            return Err(ExemptionError::EndsBeforeStart);
        }
        if let ExemptionExtent::Partial(restrictions) = extent
            && restrictions.is_empty()
        {
            return Err(ExemptionError::EmptyPartialExemption);
        }
        Ok(Self { reason, extent, first_day, last_day })
    }

    /// Why the exemption was granted.
    pub fn reason(&self) -> ExemptionReason {
        self.reason
    }

    /// What it covers.
    pub fn extent(&self) -> ExemptionExtent {
        self.extent
    }

    /// The first day it applies.
    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    /// The last day it applies, or `None` until further notice.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.last_day
    }

    /// Whether it applies on `date`.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.first_day <= date && self.last_day.is_none_or(|last_day| date <= last_day)
    }
}

/// Whether someone born on `birth_date` has reached `age_limit` on `on` (see [`DEFAULT_AGE_LIMIT`]).
pub fn age_exemption(birth_date: NaiveDate, on: NaiveDate, age_limit: u32) -> bool {
    calendar::age_on(birth_date, on) >= age_limit
}

/// The combined exemption on `date`: the records that apply that day together with the age
/// exemption from [`DEFAULT_AGE_LIMIT`].
pub fn effective_exemptions(
    records: &[ExemptionRecord],
    birth_date: NaiveDate,
    date: NaiveDate,
) -> ExemptionScope {
    effective_exemptions_with_age_limit(records, birth_date, date, Some(DEFAULT_AGE_LIMIT))
}

/// Like [`effective_exemptions`], with the age limit given; `None` leaves out the derived age
/// exemption (for a doctor over the limit who keeps taking shifts).
pub fn effective_exemptions_with_age_limit(
    records: &[ExemptionRecord],
    birth_date: NaiveDate,
    date: NaiveDate,
    age_limit: Option<u32>,
) -> ExemptionScope {
    let by_age = match age_limit {
        Some(limit) if age_exemption(birth_date, date, limit) => ExemptionScope::Full,
        _ => ExemptionScope::NotExempt,
    };
    records
        .iter()
        .filter(|record| record.applies_on(date))
        .fold(by_age, |scope, record| scope.combine(record.extent.into()))
}

/// The reasons behind the exemption on `date`, each once and in [`ExemptionReason`] order; `Age`
/// is included when the derived age exemption applies.
pub fn active_reasons(
    records: &[ExemptionRecord],
    birth_date: NaiveDate,
    date: NaiveDate,
    age_limit: Option<u32>,
) -> Vec<ExemptionReason> {
    let mut reasons: Vec<ExemptionReason> =
        records.iter().filter(|record| record.applies_on(date)).map(ExemptionRecord::reason).collect();
    if age_limit.is_some_and(|limit| age_exemption(birth_date, date, limit)) {
        reasons.push(ExemptionReason::Age);
    }
    reasons.sort();
    reasons.dedup();
    reasons
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn no_nights() -> PartialRestrictions {
        PartialRestrictions { no_nights: true, ..PartialRestrictions::default() }
    }

    fn no_weekends() -> PartialRestrictions {
        PartialRestrictions { no_weekends: true, ..PartialRestrictions::default() }
    }

    #[test]
    fn age_exemption_starts_on_the_sixtieth_birthday() {
        let birth = date(1966, 5, 17);
        assert!(!age_exemption(birth, date(2026, 5, 16), DEFAULT_AGE_LIMIT));
        assert!(age_exemption(birth, date(2026, 5, 17), DEFAULT_AGE_LIMIT));
        assert!(age_exemption(birth, date(2026, 5, 16), 55));
    }

    #[test]
    fn records_apply_within_their_inclusive_dates() {
        let record = ExemptionRecord::new(
            ExemptionReason::Health,
            ExemptionExtent::Full,
            date(2026, 2, 1),
            Some(date(2026, 2, 28)),
        )
        .unwrap();
        assert!(!record.applies_on(date(2026, 1, 31)));
        assert!(record.applies_on(date(2026, 2, 1)));
        assert!(record.applies_on(date(2026, 2, 28)));
        assert!(!record.applies_on(date(2026, 3, 1)));
        let open = ExemptionRecord::new(
            ExemptionReason::Social,
            ExemptionExtent::Partial(no_nights()),
            date(2026, 2, 1),
            None,
        )
        .unwrap();
        assert!(open.applies_on(date(2040, 1, 1)));
        assert_eq!(open.last_day(), None);
    }

    #[test]
    fn invalid_records_are_rejected() {
        assert_eq!(
            ExemptionRecord::new(
                ExemptionReason::Other,
                ExemptionExtent::Full,
                date(2026, 2, 1),
                Some(date(2026, 1, 31)),
            ),
            Err(ExemptionError::EndsBeforeStart)
        );
        assert_eq!(
            ExemptionRecord::new(
                ExemptionReason::Other,
                ExemptionExtent::Partial(PartialRestrictions::default()),
                date(2026, 2, 1),
                None,
            ),
            Err(ExemptionError::EmptyPartialExemption)
        );
        // A one-day exemption is fine.
        assert!(
            ExemptionRecord::new(
                ExemptionReason::Other,
                ExemptionExtent::Full,
                date(2026, 2, 1),
                Some(date(2026, 2, 1)),
            )
            .is_ok()
        );
    }

    #[test]
    fn partial_exemptions_add_up_and_full_wins() {
        let birth = date(1980, 1, 1);
        let pregnancy = ExemptionRecord::new(
            ExemptionReason::Pregnancy,
            ExemptionExtent::Partial(no_nights()),
            date(2026, 1, 1),
            Some(date(2026, 6, 30)),
        )
        .unwrap();
        let social = ExemptionRecord::new(
            ExemptionReason::Social,
            ExemptionExtent::Partial(no_weekends()),
            date(2026, 3, 1),
            None,
        )
        .unwrap();
        let health = ExemptionRecord::new(
            ExemptionReason::Health,
            ExemptionExtent::Full,
            date(2026, 4, 1),
            Some(date(2026, 4, 14)),
        )
        .unwrap();
        let records = [pregnancy, social, health];
        assert_eq!(effective_exemptions(&records, birth, date(2025, 12, 31)), ExemptionScope::NotExempt);
        assert_eq!(
            effective_exemptions(&records, birth, date(2026, 2, 1)),
            ExemptionScope::Partial(no_nights())
        );
        assert_eq!(
            effective_exemptions(&records, birth, date(2026, 3, 1)),
            ExemptionScope::Partial(no_nights().union(no_weekends()))
        );
        assert_eq!(effective_exemptions(&records, birth, date(2026, 4, 2)), ExemptionScope::Full);
        assert_eq!(
            effective_exemptions(&records, birth, date(2026, 7, 1)),
            ExemptionScope::Partial(no_weekends())
        );
        assert_eq!(
            active_reasons(&records, birth, date(2026, 4, 2), Some(DEFAULT_AGE_LIMIT)),
            vec![ExemptionReason::Health, ExemptionReason::Pregnancy, ExemptionReason::Social]
        );
    }

    #[test]
    fn the_derived_age_exemption_is_full_and_can_be_switched_off() {
        let birth = date(1966, 5, 17);
        let partial = ExemptionRecord::new(
            ExemptionReason::Health,
            ExemptionExtent::Partial(no_nights()),
            date(2026, 1, 1),
            None,
        )
        .unwrap();
        let records = [partial];
        assert_eq!(
            effective_exemptions(&records, birth, date(2026, 5, 16)),
            ExemptionScope::Partial(no_nights())
        );
        assert_eq!(effective_exemptions(&records, birth, date(2026, 5, 17)), ExemptionScope::Full);
        assert_eq!(
            effective_exemptions_with_age_limit(&records, birth, date(2026, 5, 17), None),
            ExemptionScope::Partial(no_nights())
        );
        assert_eq!(
            active_reasons(&records, birth, date(2026, 5, 17), Some(DEFAULT_AGE_LIMIT)),
            vec![ExemptionReason::Age, ExemptionReason::Health]
        );
        assert_eq!(active_reasons(&records, birth, date(2026, 5, 17), None), vec![ExemptionReason::Health]);
    }

    #[test]
    fn scopes_decide_which_shifts_are_permitted() {
        let saturday_night =
            ShiftTraits { weekend: true, ..ShiftTraits::of(ShiftCategory::Night, ShiftMode::OnSite) };
        let weekday_day = ShiftTraits::of(ShiftCategory::Day, ShiftMode::OnSite);
        let on_call_night = ShiftTraits::of(ShiftCategory::Night, ShiftMode::OnCallFromHome);
        assert!(ExemptionScope::NotExempt.permits(&saturday_night));
        assert!(!ExemptionScope::Full.permits(&weekday_day));
        let weekends = ExemptionScope::Partial(no_weekends());
        assert!(!weekends.permits(&saturday_night));
        assert!(weekends.permits(&weekday_day));
        assert!(weekends.permits(&on_call_night));
        let on_site = ExemptionScope::Partial(PartialRestrictions {
            no_on_site: true,
            ..PartialRestrictions::default()
        });
        assert!(!on_site.permits(&weekday_day));
        assert!(on_site.permits(&on_call_night));
        let holiday = ShiftTraits::of(ShiftCategory::Holiday, ShiftMode::OnCallFromHome);
        let holidays = ExemptionScope::Partial(PartialRestrictions {
            no_holidays: true,
            ..PartialRestrictions::default()
        });
        assert!(!holidays.permits(&holiday));
        assert!(holidays.permits(&on_call_night));
    }

    fn any_scope() -> impl Strategy<Value = ExemptionScope> {
        prop_oneof![
            Just(ExemptionScope::NotExempt),
            Just(ExemptionScope::Full),
            any::<[bool; 5]>().prop_map(|flags| ExemptionScope::Partial(PartialRestrictions {
                no_nights: flags[0],
                no_evenings: flags[1],
                no_weekends: flags[2],
                no_holidays: flags[3],
                no_on_site: flags[4],
            })),
        ]
    }

    fn any_traits() -> impl Strategy<Value = ShiftTraits> {
        any::<[bool; 5]>().prop_map(|flags| ShiftTraits {
            night: flags[0],
            evening: flags[1],
            weekend: flags[2],
            public_holiday: flags[3],
            on_site: flags[4],
        })
    }

    proptest! {
        #[test]
        fn combining_permits_exactly_what_both_permit(
            left in any_scope(),
            right in any_scope(),
            shift in any_traits(),
        ) {
            let combined = left.combine(right);
            prop_assert_eq!(combined.permits(&shift), left.permits(&shift) && right.permits(&shift));
            prop_assert_eq!(combined, right.combine(left));
        }
    }
}
