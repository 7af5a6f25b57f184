//! The plain data of one legevakt plan version: everything needed to solve, validate, explain and
//! export it, loaded by the service and handed over as owned values.
//!
//! The types mirror `allmenn/v1/legevakt.proto`, whose comments are the specification; defaults
//! are the proto's (rest 8 h, night → day forbidden, penalty weights 100 / 50 / 10 / 1 / 1000,
//! fairness rates 1.0 / 1.5 / 2.0 / 2.0 / 3.0 per hour with on-call factor 0.5, exemption age 60).
//! Dates are local Europe/Oslo dates; instants are UTC.
//!
//! Shift occurrences ([`ShiftOccurrence`]) are derived, not stored: one per (date, shift code) that
//! has cover with a positive preferred count, plus any (date, code) that an assignment refers to.
//! Their real start and end come from [`allmenn_domain::shift_time`], so a 22:00 night across a
//! daylight-saving change is 9 or 11 real hours.
//!
//! # Stability
//! The service codes against this module: changes are additive only.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use allmenn_domain::competence::{CompetenceRule, DoctorCompetenceFacts};
use allmenn_domain::holidays;
use allmenn_domain::shift_time::{LocalShift, ShiftTimeError, oslo_instant};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use thiserror::Error;
use uuid::Uuid;

/// The default age from which a doctor is exempt from legevakt duty (proto
/// `LegevaktDistrict.exemption_age_years`).
pub const DEFAULT_EXEMPTION_AGE_YEARS: u32 = 60;

/// The longest wall-clock length of a shift type in minutes (7 days).
pub const MAX_SHIFT_LENGTH_MINUTES: u32 = 7 * 24 * 60;

/// The category of a shift type, for rules, exemptions and fairness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShiftCategory {
    /// Daytime (daglegevakt), e.g. 08–16.
    Day,
    /// Evening, e.g. 16–23.
    Evening,
    /// Night, e.g. 23–08.
    Night,
    /// Weekend, e.g. a block from Friday 15:30 to Monday 08:00.
    Weekend,
    /// A shift type used only on public holidays.
    Holiday,
}

impl ShiftCategory {
    /// Every category, in declaration order.
    pub const ALL: [ShiftCategory; 5] = [
        ShiftCategory::Day,
        ShiftCategory::Evening,
        ShiftCategory::Night,
        ShiftCategory::Weekend,
        ShiftCategory::Holiday,
    ];

    /// A lowercase English name for messages.
    pub fn name(self) -> &'static str {
        match self {
            ShiftCategory::Day => "day",
            ShiftCategory::Evening => "evening",
            ShiftCategory::Night => "night",
            ShiftCategory::Weekend => "weekend",
            ShiftCategory::Holiday => "holiday",
        }
    }
}

impl From<ShiftCategory> for allmenn_domain::shift_time::ShiftCategory {
    fn from(category: ShiftCategory) -> Self {
        use allmenn_domain::shift_time::ShiftCategory as Domain;
        match category {
            ShiftCategory::Day => Domain::Day,
            ShiftCategory::Evening => Domain::Evening,
            ShiftCategory::Night => Domain::Night,
            ShiftCategory::Weekend => Domain::Weekend,
            ShiftCategory::Holiday => Domain::Holiday,
        }
    }
}

/// Whether a shift is worked on site or on call from home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShiftMode {
    /// On site (tilstedevakt).
    OnSite,
    /// On call from home (beredskapsvakt), able to turn out.
    OnCall,
}

impl From<ShiftMode> for allmenn_domain::shift_time::ShiftMode {
    fn from(mode: ShiftMode) -> Self {
        match mode {
            ShiftMode::OnSite => allmenn_domain::shift_time::ShiftMode::OnSite,
            ShiftMode::OnCall => allmenn_domain::shift_time::ShiftMode::OnCallFromHome,
        }
    }
}

/// The role a shift is staffed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ShiftRole {
    /// Doctor on duty (lege i vakt).
    Doctor,
    /// Backup doctor (bakvakt) for doctors on duty who may not work alone; must be able to work
    /// alone.
    Bakvakt,
    /// Nurse.
    Nurse,
}

impl ShiftRole {
    /// A lowercase English name for messages and exports.
    pub fn name(self) -> &'static str {
        match self {
            ShiftRole::Doctor => "doctor",
            ShiftRole::Bakvakt => "bakvakt",
            ShiftRole::Nurse => "nurse",
        }
    }
}

/// The profession of a staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profession {
    /// Doctor: may staff DOCTOR shifts, and BAKVAKT shifts when allowed to work alone.
    Doctor,
    /// Nurse: may staff NURSE shifts.
    Nurse,
}

/// A shift category that may not directly follow another: a shift of `to` may not start within
/// 24 hours after a shift of `from` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CategorySuccession {
    /// The category of the earlier shift.
    pub from: ShiftCategory,
    /// The category of the later shift.
    pub to: ShiftCategory,
}

/// The window after the end of a shift in which a forbidden succession applies.
pub const FORBIDDEN_SUCCESSION_WINDOW_MINUTES: i64 = 24 * 60;

/// Limits on one person's shifts within a plan period; `None` is no limit (plan defaults) or "the
/// plan's default" (personal overrides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StaffLimits {
    /// Most shifts in the period.
    pub max_shifts_per_period: Option<u32>,
    /// Most shifts on consecutive days.
    pub max_consecutive_shifts: Option<u32>,
    /// Most weekends (Saturday or Sunday worked) in the period.
    pub max_weekends_per_period: Option<u32>,
    /// Most night shifts in the period.
    pub max_night_shifts_per_period: Option<u32>,
}

impl StaffLimits {
    /// These limits with every field that `overrides` sets replaced (a staff member's personal
    /// limits over the plan's defaults).
    pub fn overridden_by(&self, overrides: &StaffLimits) -> StaffLimits {
        StaffLimits {
            max_shifts_per_period: overrides.max_shifts_per_period.or(self.max_shifts_per_period),
            max_consecutive_shifts: overrides.max_consecutive_shifts.or(self.max_consecutive_shifts),
            max_weekends_per_period: overrides.max_weekends_per_period.or(self.max_weekends_per_period),
            max_night_shifts_per_period: overrides
                .max_night_shifts_per_period
                .or(self.max_night_shifts_per_period),
        }
    }
}

/// Weights of the soft constraints; the objective is their weighted sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PenaltyWeights {
    /// Per person missing below the preferred cover of a shift. Default 100.
    pub cover_below_preferred: u32,
    /// Per person above the preferred cover of a shift. Default 50.
    pub cover_above_preferred: u32,
    /// Per unit of request weight of a request not granted. Default 10.
    pub request_not_granted: u32,
    /// Per fairness point of a person's deviation from their target, squared and rounded.
    /// Default 1.
    pub fairness_deviation: u32,
    /// When re-planning, per published assignment moved. Default 1000.
    pub change_from_published: u32,
    /// When re-planning, per shift on a date the published roster left the person free. Default
    /// 1000, as a move (see the proto's `PenaltyWeights.shift_on_free_day` for the trade-off).
    pub shift_on_free_day: u32,
}

impl Default for PenaltyWeights {
    fn default() -> Self {
        PenaltyWeights {
            cover_below_preferred: 100,
            cover_above_preferred: 50,
            request_not_granted: 10,
            fairness_deviation: 1,
            change_from_published: 1000,
            shift_on_free_day: 1000,
        }
    }
}

/// Fairness points per hour of real shift length, by category.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FairnessRates {
    /// Day. Default 1.0.
    pub day: f64,
    /// Evening. Default 1.5.
    pub evening: f64,
    /// Night. Default 2.0.
    pub night: f64,
    /// Weekend. Default 2.0.
    pub weekend: f64,
    /// Holiday. Default 3.0.
    pub holiday: f64,
    /// Multiplier for on-call (beredskap) hours. Default 0.5.
    pub on_call_factor: f64,
}

impl Default for FairnessRates {
    fn default() -> Self {
        FairnessRates { day: 1.0, evening: 1.5, night: 2.0, weekend: 2.0, holiday: 3.0, on_call_factor: 0.5 }
    }
}

impl FairnessRates {
    /// The rate per hour of a category.
    pub fn rate(&self, category: ShiftCategory) -> f64 {
        match category {
            ShiftCategory::Day => self.day,
            ShiftCategory::Evening => self.evening,
            ShiftCategory::Night => self.night,
            ShiftCategory::Weekend => self.weekend,
            ShiftCategory::Holiday => self.holiday,
        }
    }

    /// Points of a shift from `start` to `end` (real instants): every real hour at the rate of its
    /// category, raised to the weekend rate for the hours of a weekend and to the holiday rate for
    /// the hours of a public holiday (local dates), on-call hours multiplied by the on-call factor.
    /// A weekend runs from Friday 15:30 to Monday 08:00, as legevakt weekends do (domain research
    /// §3.5), so a Saturday day shift counts more than a Tuesday's, and a night from Christmas Eve
    /// counts the holiday rate from midnight on.
    pub fn points(
        &self,
        category: ShiftCategory,
        mode: ShiftMode,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> f64 {
        let base = self.rate(category);
        let mut points = 0.0;
        for (from, to, weekend, holiday) in rate_periods(start, end) {
            let mut rate = base;
            if weekend {
                rate = rate.max(self.weekend);
            }
            if holiday {
                rate = rate.max(self.holiday);
            }
            let overlap = (to.min(end) - from.max(start)).num_seconds().max(0);
            points += rate * overlap as f64 / 3600.0;
        }
        if mode == ShiftMode::OnCall {
            points *= self.on_call_factor;
        }
        points
    }
}

/// The stretches of local time from the day of `start` to the day of `end` whose weekend and
/// holiday status is constant: `(from, to, in a weekend, on a public holiday)`. Each local day is
/// one stretch, split at 15:30 on a Friday and at 08:00 on a Monday (where weekends begin and end).
pub(crate) fn rate_periods(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>, bool, bool)> {
    use chrono::{Datelike, Weekday};
    let instant = |date: NaiveDate, time: NaiveTime| {
        // Midnight, 08:00 and 15:30 never fall in a daylight-saving gap in Europe/Oslo.
        oslo_instant(date.and_time(time)).unwrap_or(start)
    };
    let mut periods = Vec::new();
    let last = allmenn_domain::calendar::oslo_date_of(end);
    let mut date = allmenn_domain::calendar::oslo_date_of(start);
    while date <= last {
        let Some(next) = date.succ_opt() else { break };
        let holiday = holidays::is_public_holiday(date).is_some();
        let (day_start, day_end) = (instant(date, NaiveTime::MIN), instant(next, NaiveTime::MIN));
        let cut = |hour, minute| NaiveTime::from_hms_opt(hour, minute, 0).map(|time| instant(date, time));
        match date.weekday() {
            Weekday::Fri => {
                let cut = cut(15, 30).unwrap_or(day_end);
                periods.push((day_start, cut, false, holiday));
                periods.push((cut, day_end, true, holiday));
            }
            Weekday::Mon => {
                let cut = cut(8, 0).unwrap_or(day_start);
                periods.push((day_start, cut, true, holiday));
                periods.push((cut, day_end, false, holiday));
            }
            Weekday::Sat | Weekday::Sun => periods.push((day_start, day_end, true, holiday)),
            _ => periods.push((day_start, day_end, false, holiday)),
        }
        date = next;
    }
    periods
}

/// The rules a plan is solved and validated against.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanningRules {
    /// Minimum rest in hours after an on-site shift before the next shift starts. Default 8.
    pub min_rest_hours_on_site: u32,
    /// Minimum rest in hours after an on-call shift. Default 8.
    pub min_rest_hours_on_call: u32,
    /// Forbidden successions. Default: night → day.
    pub forbidden_successions: Vec<CategorySuccession>,
    /// Limits for everyone, unless a staff member overrides them. Default: none.
    pub default_limits: StaffLimits,
    /// Soft-constraint weights.
    pub weights: PenaltyWeights,
    /// Fairness point rates.
    pub fairness_rates: FairnessRates,
}

impl Default for PlanningRules {
    fn default() -> Self {
        PlanningRules {
            min_rest_hours_on_site: 8,
            min_rest_hours_on_call: 8,
            forbidden_successions: vec![CategorySuccession {
                from: ShiftCategory::Night,
                to: ShiftCategory::Day,
            }],
            default_limits: StaffLimits::default(),
            weights: PenaltyWeights::default(),
            fairness_rates: FairnessRates::default(),
        }
    }
}

/// A kind of shift in the district, identified by its code.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftType {
    /// Short code, e.g. "D", "K", "N", "HELG", "BV"; unique in the plan.
    pub code: String,
    /// Display name, e.g. "Kveldsvakt".
    pub name: String,
    /// Local start time (Europe/Oslo).
    pub start_time: NaiveTime,
    /// Length on the wall clock in minutes, 1 to 10,080: the shift ends at the local time reached
    /// by adding it to the start (Friday 15:30 + 3,870 → Monday 08:00).
    pub length_minutes: u32,
    /// Day, evening, night, weekend or holiday.
    pub category: ShiftCategory,
    /// On site or on call.
    pub mode: ShiftMode,
    /// Doctor, bakvakt or nurse.
    pub role: ShiftRole,
    /// Fairness points per occurrence, replacing rate × hours. `None` = by rate.
    pub fairness_points: Option<f64>,
    /// Colour in roster grids, "#RRGGBB". `None` = a colour chosen from the category.
    pub color: Option<String>,
    /// Minimum rest in hours after this shift, replacing the plan's rule by mode. `None` = by
    /// mode.
    pub min_rest_hours_after: Option<u32>,
}

impl ShiftType {
    /// A shift type with fairness points by rate, a colour by category and rest by mode.
    pub fn new(
        code: &str,
        name: &str,
        start_time: NaiveTime,
        length_minutes: u32,
        category: ShiftCategory,
        mode: ShiftMode,
        role: ShiftRole,
    ) -> ShiftType {
        ShiftType {
            code: code.to_owned(),
            name: name.to_owned(),
            start_time,
            length_minutes,
            category,
            mode,
            role,
            fairness_points: None,
            color: None,
            min_rest_hours_after: None,
        }
    }

    /// The occurrence of this shift type starting on `date`, with real instants.
    pub fn local_shift(&self, date: NaiveDate) -> Result<LocalShift, PlanError> {
        let local_start = date.and_time(self.start_time);
        let local_end =
            local_start.checked_add_signed(TimeDelta::minutes(i64::from(self.length_minutes))).ok_or_else(
                || PlanError::ShiftTime { code: self.code.clone(), date, source: ShiftTimeError::OutOfRange },
            )?;
        LocalShift::new(local_start, local_end).map_err(|source| PlanError::ShiftTime {
            code: self.code.clone(),
            date,
            source,
        })
    }

    /// Minimum rest in minutes after this shift under `rules`.
    pub fn min_rest_minutes(&self, rules: &PlanningRules) -> i64 {
        let hours = self.min_rest_hours_after.unwrap_or(match self.mode {
            ShiftMode::OnSite => rules.min_rest_hours_on_site,
            ShiftMode::OnCall => rules.min_rest_hours_on_call,
        });
        i64::from(hours) * 60
    }
}

/// What one person working two shifts breaks: `first` starts no later than `second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairClash {
    /// The shifts overlap by this many minutes.
    Overlap {
        /// Minutes held twice.
        minutes: i64,
    },
    /// Less rest after the first than its type requires.
    Rest {
        /// Minutes between the first's end and the second's start.
        gap: i64,
        /// Minutes required.
        required: i64,
    },
    /// The second's category may not follow the first's within
    /// [`FORBIDDEN_SUCCESSION_WINDOW_MINUTES`].
    ForbiddenSuccession {
        /// Minutes between the first's end and the second's start.
        gap: i64,
    },
}

/// The rule, if any, that working `first` (of type `first_type`, from `first_span.0` to
/// `first_span.1`) and then `second` breaks: an overlap, then rest, then a forbidden succession.
/// The one place the solver's compilation, the explanation and the checks across plans take these
/// rules from.
pub fn pair_clash(
    rules: &PlanningRules,
    first_type: &ShiftType,
    first_span: (DateTime<Utc>, DateTime<Utc>),
    second_type: &ShiftType,
    second_span: (DateTime<Utc>, DateTime<Utc>),
) -> Option<PairClash> {
    let ((first_start, first_end), (second_start, second_end)) = (first_span, second_span);
    debug_assert!(first_start <= second_start, "pairs are given in order of start");
    if first_start < second_end && second_start < first_end {
        return Some(PairClash::Overlap {
            minutes: (first_end.min(second_end) - second_start).num_minutes(),
        });
    }
    let gap = (second_start - first_end).num_minutes();
    let required = first_type.min_rest_minutes(rules);
    if gap < required {
        return Some(PairClash::Rest { gap, required });
    }
    let forbidden = gap < FORBIDDEN_SUCCESSION_WINDOW_MINUTES
        && rules
            .forbidden_successions
            .iter()
            .any(|rule| rule.from == first_type.category && rule.to == second_type.category);
    forbidden.then_some(PairClash::ForbiddenSuccession { gap })
}

/// A shift a person holds in another published plan.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldShift {
    /// Exact start.
    pub start: DateTime<Utc>,
    /// Exact end.
    pub end: DateTime<Utc>,
    /// Its type (in the other plan's district).
    pub shift_type: ShiftType,
    /// How explanations name it, e.g. "2027-03-22.N of the published plan Vår".
    pub label: String,
}

impl HeldShift {
    /// The pair rule a shift of `shift_type` from `span.0` to `span.1` would break with this one,
    /// in whichever order the two come, and whether this one comes first.
    pub fn clash(
        &self,
        rules: &PlanningRules,
        shift_type: &ShiftType,
        span: (DateTime<Utc>, DateTime<Utc>),
    ) -> Option<(PairClash, bool)> {
        if self.start <= span.0 {
            pair_clash(rules, &self.shift_type, (self.start, self.end), shift_type, span)
                .map(|clash| (clash, true))
        } else {
            pair_clash(rules, shift_type, span, &self.shift_type, (self.start, self.end))
                .map(|clash| (clash, false))
        }
    }
}

/// The stored facts from which a doctor's competence to work alone is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CompetenceFacts {
    /// Specialist in general practice.
    pub general_practice_specialist: bool,
    /// Approved as general practitioner.
    pub approved_general_practitioner: bool,
    /// Months of clinical service after authorisation.
    pub clinical_service_months: u32,
    /// Months worked as GP in the municipal general-practice service.
    pub municipal_gp_months: u32,
    /// Legevakt shifts done (the service adds shifts of published plans of the district).
    pub legevakt_shifts_completed: u32,
    /// When the acute-medicine course was completed; `None` = not completed.
    pub acute_medicine_course_date: Option<NaiveDate>,
    /// When the course in handling violence and abuse was completed; `None` = not completed.
    pub violence_course_date: Option<NaiveDate>,
    /// True when LIS1 is completed.
    pub lis1_completed: bool,
}

impl CompetenceFacts {
    /// The domain's facts as of `on`: a course counts once its completion date is reached.
    pub fn as_of(&self, on: NaiveDate) -> DoctorCompetenceFacts {
        DoctorCompetenceFacts {
            specialist_general_practice: self.general_practice_specialist,
            approved_general_practitioner: self.approved_general_practitioner,
            clinical_service_months: self.clinical_service_months,
            municipal_gp_months: self.municipal_gp_months,
            legevakt_shifts_done: self.legevakt_shifts_completed,
            course_emergency_medicine: self.acute_medicine_course_date.is_some_and(|date| date <= on),
            course_violence_and_abuse: self.violence_course_date.is_some_and(|date| date <= on),
            completed_lis1: self.lis1_completed,
        }
    }
}

/// Why a person is exempt from legevakt duty (records; the age exemption is derived).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExemptionReason {
    /// Health.
    Health,
    /// Pregnancy.
    Pregnancy,
    /// Social reasons (e.g. care duties).
    Social,
    /// Another reason decided by the kommune.
    Other,
}

/// A dated exemption record, full or for some shift categories.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exemption {
    /// The record's id.
    pub id: Uuid,
    /// Why.
    pub reason: ExemptionReason,
    /// The categories exempted, e.g. `[Night]` for "no nights". Empty = full exemption.
    pub categories: Vec<ShiftCategory>,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day (inclusive); `None` = open-ended.
    pub valid_to: Option<NaiveDate>,
}

impl Exemption {
    /// Whether the record applies on `date`.
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|last| date <= last)
    }
}

/// Why a person is away (proto `UnavailabilityReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AbsenceReason {
    /// Holiday.
    Vacation,
    /// Course or conference.
    Course,
    /// Sick leave.
    SickLeave,
    /// Parental leave.
    ParentalLeave,
    /// Another reason (also an unset one).
    #[default]
    Other,
}

impl AbsenceReason {
    /// Whether the absence releases the person from legevakt duty while it lasts, so that their
    /// fair share of the plan's points shrinks with it. Sick and parental leave do; a holiday, a
    /// course or another absence only moves the duty to other weeks of the plan.
    pub fn releases_duty(self) -> bool {
        matches!(self, Self::SickLeave | Self::ParentalLeave)
    }
}

/// A span in which a person cannot work: no shift overlapping it may be assigned to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unavailability {
    /// Start (inclusive).
    pub start: DateTime<Utc>,
    /// End (exclusive).
    pub end: DateTime<Utc>,
    /// Why.
    pub reason: AbsenceReason,
}

impl Unavailability {
    /// Whether the span shares time with `[start, end)`.
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        self.start < end && start < self.end
    }

    /// Whether the span holds the whole local (Europe/Oslo) day `date`.
    pub fn covers_day(&self, date: NaiveDate) -> bool {
        let midnight = |date: NaiveDate| oslo_instant(date.and_time(NaiveTime::MIN));
        match (midnight(date), date.succ_opt().and_then(midnight)) {
            (Some(start), Some(end)) => self.start <= start && end <= self.end,
            _ => false,
        }
    }
}

/// A doctor or nurse on the district's legevakt staff.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffMember {
    /// The staff member's id.
    pub id: Uuid,
    /// HPR number.
    pub hpr_number: String,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Doctor or nurse.
    pub profession: Profession,
    /// Date of birth; the age exemption is derived from it (required for doctors by the API).
    pub birth_date: Option<NaiveDate>,
    /// Share of the legevakt duty, 0 to 100, weighting fairness targets.
    pub participation_percentage: u32,
    /// Competence facts (doctors).
    pub competence: CompetenceFacts,
    /// Personal limits, overriding the plan's defaults field by field.
    pub limits: StaffLimits,
    /// First day on the staff.
    pub valid_from: NaiveDate,
    /// Last day on the staff (inclusive); `None` = open-ended.
    pub valid_to: Option<NaiveDate>,
    /// Exemption records (the age exemption is derived and not listed).
    pub exemptions: Vec<Exemption>,
    /// Spans of unavailability.
    pub unavailability: Vec<Unavailability>,
    /// Shifts the person holds in other published plans (of this district or another) around the
    /// period: this plan's shifts must keep the pair rules with them.
    pub held_elsewhere: Vec<HeldShift>,
    /// Running fairness balance carried into this plan (points above (+) or below (−) the fair
    /// share).
    pub fairness_balance: f64,
    /// A doctor at or past the exemption age who still takes legevakt shifts: the age exemption
    /// is a right to decline, not a ban, so with this set it does not apply.
    pub waives_age_exemption: bool,
}

impl StaffMember {
    /// "Given Family".
    pub fn full_name(&self) -> String {
        match (self.given_name.is_empty(), self.family_name.is_empty()) {
            (false, false) => format!("{} {}", self.given_name, self.family_name),
            (true, _) => self.family_name.clone(),
            (false, true) => self.given_name.clone(),
        }
    }

    /// Whether the person is on the staff on `date`.
    pub fn on_staff(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|last| date <= last)
    }

    /// Whether this person may work alone (and serve as bakvakt) on `on` under `rule`; always
    /// false for nurses.
    pub fn may_work_alone(&self, rule: &CompetenceRule, on: NaiveDate) -> bool {
        self.profession == Profession::Doctor
            && rule.may_work_alone(&self.competence.as_of(on)).may_work_alone
    }

    /// Whether the derived age exemption applies on `date`: a doctor at or above `exemption_age`
    /// who has not waived it.
    pub fn age_exempt(&self, date: NaiveDate, exemption_age: u32) -> bool {
        self.profession == Profession::Doctor
            && !self.waives_age_exemption
            && self
                .birth_date
                .is_some_and(|birth| allmenn_domain::exemptions::age_exemption(birth, date, exemption_age))
    }
}

/// The cover of one shift type on one date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoverRequirement {
    /// The date the shift starts on.
    pub date: NaiveDate,
    /// The shift type's code.
    pub shift_code: String,
    /// Minimum people (hard).
    pub min: u32,
    /// Preferred people (soft), at least `min`; 0 with minimum 0 removes the shift from the date.
    pub preferred: u32,
}

/// What a shift request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Wants to work the shift (or any shift that day).
    Want,
    /// Does not want the shift (or any shift that day: a day off).
    Avoid,
}

/// A staff member's wish (soft).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShiftRequest {
    /// The request's id.
    pub id: Uuid,
    /// Who asks.
    pub staff_id: Uuid,
    /// The date.
    pub date: NaiveDate,
    /// The shift type's code; `None` = any shift starting on the date.
    pub shift_code: Option<String>,
    /// Want or avoid.
    pub kind: RequestKind,
    /// Weight, 1 to 10.
    pub weight: u32,
}

/// A person on a shift occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Assignment {
    /// The local date the shift starts on.
    pub date: NaiveDate,
    /// The shift type's code.
    pub shift_code: String,
    /// The staff member.
    pub staff_id: Uuid,
    /// Fixed: later solves keep it.
    pub pinned: bool,
}

impl Assignment {
    /// The id of the shift occurrence this assignment is on.
    pub fn shift_id(&self) -> String {
        occurrence_id(self.date, &self.shift_code)
    }

    /// Whether both put the same person on the same occurrence (pinning ignored).
    pub fn same_slot(&self, other: &Assignment) -> bool {
        self.date == other.date && self.shift_code == other.shift_code && self.staff_id == other.staff_id
    }
}

/// Re-planning after an absence: the published roster and the instant before which shifts are
/// frozen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replan {
    /// The published version's assignments.
    pub published: Vec<Assignment>,
    /// Shifts starting before this instant keep their published assignments.
    pub freeze_before: DateTime<Utc>,
}

/// Everything one plan version needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    /// First day of the period.
    pub first_date: NaiveDate,
    /// Last day of the period (inclusive).
    pub last_date: NaiveDate,
    /// The plan's rules.
    pub rules: PlanningRules,
    /// The district's competence rule for working alone.
    pub competence_rule: CompetenceRule,
    /// The age from which a doctor is exempt (default 60).
    pub exemption_age_years: u32,
    /// The district's shift types.
    pub shift_types: Vec<ShiftType>,
    /// The district's staff.
    pub staff: Vec<StaffMember>,
    /// Cover per (date, shift code).
    pub cover: Vec<CoverRequirement>,
    /// Requests.
    pub requests: Vec<ShiftRequest>,
    /// The roster to evaluate, or to start from (its pinned assignments are kept by a solve).
    pub assignments: Vec<Assignment>,
    /// For re-planning: the published roster and the freeze instant.
    pub replan: Option<Replan>,
}

impl PlanInput {
    /// An empty plan for the period with default rules and competence rule.
    pub fn new(first_date: NaiveDate, last_date: NaiveDate) -> PlanInput {
        PlanInput {
            first_date,
            last_date,
            rules: PlanningRules::default(),
            competence_rule: CompetenceRule::default(),
            exemption_age_years: DEFAULT_EXEMPTION_AGE_YEARS,
            shift_types: Vec::new(),
            staff: Vec::new(),
            cover: Vec::new(),
            requests: Vec::new(),
            assignments: Vec::new(),
            replan: None,
        }
    }

    /// The dates of the period, in order (empty when the period ends before it starts).
    pub fn dates(&self) -> Vec<NaiveDate> {
        self.first_date.iter_days().take_while(|date| *date <= self.last_date).collect()
    }

    /// Number of days in the period.
    pub fn day_count(&self) -> usize {
        if self.last_date < self.first_date {
            return 0;
        }
        (self.last_date - self.first_date).num_days() as usize + 1
    }

    /// Index of `date` in the period.
    pub fn day_index(&self, date: NaiveDate) -> Option<usize> {
        if date < self.first_date || date > self.last_date {
            return None;
        }
        Some((date - self.first_date).num_days() as usize)
    }

    /// The plan without the staff members `gone` (deleted from the district): they leave the
    /// staff, and their requests and assignments (the published ones of a re-plan too) go with them.
    pub fn without_staff(&self, gone: &HashSet<Uuid>) -> PlanInput {
        let kept = |staff_id: &Uuid| !gone.contains(staff_id);
        let mut input = self.clone();
        input.staff.retain(|member| kept(&member.id));
        input.requests.retain(|request| kept(&request.staff_id));
        input.assignments.retain(|assignment| kept(&assignment.staff_id));
        if let Some(replan) = &mut input.replan {
            replan.published.retain(|assignment| kept(&assignment.staff_id));
        }
        input
    }

    /// Whether `date` is in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.day_index(date).is_some()
    }

    /// The shift type with `code`.
    pub fn shift_type(&self, code: &str) -> Option<&ShiftType> {
        self.shift_types.iter().find(|shift_type| shift_type.code == code)
    }

    /// The staff member with `id`.
    pub fn staff_member(&self, id: Uuid) -> Option<&StaffMember> {
        self.staff.iter().find(|member| member.id == id)
    }

    /// Every problem with the input, each with a field path and a description (empty when the
    /// input is usable). The service turns these into INVALID_ARGUMENT field violations.
    pub fn validate(&self) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        let mut push =
            |field: String, description: String| problems.push(InputProblem { field, description });
        if self.last_date < self.first_date {
            push("last_date".into(), "the period ends before it starts".into());
        } else if (self.last_date - self.first_date).num_days() > 366 {
            push("last_date".into(), "the period is longer than 366 days".into());
        }
        let mut codes = HashSet::new();
        for (index, shift_type) in self.shift_types.iter().enumerate() {
            if !codes.insert(shift_type.code.as_str()) {
                push(
                    format!("shift_types[{index}].code"),
                    format!("shift code {} appears twice", shift_type.code),
                );
            }
            if shift_type.code.is_empty() || shift_type.code.contains('.') {
                push(
                    format!("shift_types[{index}].code"),
                    "a shift code must be non-empty and without '.'".into(),
                );
            }
            if !(1..=MAX_SHIFT_LENGTH_MINUTES).contains(&shift_type.length_minutes) {
                push(
                    format!("shift_types[{index}].length_minutes"),
                    format!(
                        "length {} is outside 1 to {MAX_SHIFT_LENGTH_MINUTES} minutes",
                        shift_type.length_minutes
                    ),
                );
            }
        }
        let mut ids = HashSet::new();
        for (index, member) in self.staff.iter().enumerate() {
            if !ids.insert(member.id) {
                push(format!("staff[{index}].id"), format!("staff member {} appears twice", member.id));
            }
            if member.participation_percentage > 100 {
                push(
                    format!("staff[{index}].participation_percentage"),
                    format!("{} is outside 0 to 100", member.participation_percentage),
                );
            }
            for (span_index, span) in member.unavailability.iter().enumerate() {
                if span.end <= span.start {
                    push(
                        format!("staff[{index}].unavailability[{span_index}]"),
                        "the end is not after the start".into(),
                    );
                }
            }
            for (record_index, record) in member.exemptions.iter().enumerate() {
                if record.valid_to.is_some_and(|last| last < record.valid_from) {
                    push(
                        format!("staff[{index}].exemptions[{record_index}].valid_to"),
                        "the exemption ends before it starts".into(),
                    );
                }
            }
        }
        let mut cover_keys = HashSet::new();
        for (index, cover) in self.cover.iter().enumerate() {
            if !self.contains(cover.date) {
                push(format!("cover[{index}].date"), format!("{} is outside the plan", cover.date));
            }
            if self.shift_type(&cover.shift_code).is_none() {
                push(
                    format!("cover[{index}].shift_code"),
                    format!("unknown shift code {}", cover.shift_code),
                );
            }
            if cover.preferred < cover.min {
                push(
                    format!("cover[{index}].preferred"),
                    format!("preferred {} is below the minimum {}", cover.preferred, cover.min),
                );
            }
            if !cover_keys.insert((cover.date, cover.shift_code.as_str())) {
                push(
                    format!("cover[{index}]"),
                    format!("cover for {} on {} appears twice", cover.shift_code, cover.date),
                );
            }
        }
        for (index, request) in self.requests.iter().enumerate() {
            if !self.contains(request.date) {
                push(format!("requests[{index}].date"), format!("{} is outside the plan", request.date));
            }
            if let Some(code) = &request.shift_code
                && self.shift_type(code).is_none()
            {
                push(format!("requests[{index}].shift_code"), format!("unknown shift code {code}"));
            }
            if !ids.contains(&request.staff_id) {
                push(
                    format!("requests[{index}].staff_id"),
                    format!("unknown staff member {}", request.staff_id),
                );
            }
            if !(1..=10).contains(&request.weight) {
                push(
                    format!("requests[{index}].weight"),
                    format!("weight {} is outside 1 to 10", request.weight),
                );
            }
        }
        let mut check_assignments = |name: &str, assignments: &[Assignment]| {
            let mut seen = HashSet::new();
            for (index, assignment) in assignments.iter().enumerate() {
                if !self.contains(assignment.date) {
                    push(format!("{name}[{index}].date"), format!("{} is outside the plan", assignment.date));
                }
                if self.shift_type(&assignment.shift_code).is_none() {
                    push(
                        format!("{name}[{index}].shift_code"),
                        format!("unknown shift code {}", assignment.shift_code),
                    );
                }
                if !ids.contains(&assignment.staff_id) {
                    push(
                        format!("{name}[{index}].staff_id"),
                        format!("unknown staff member {}", assignment.staff_id),
                    );
                }
                if !seen.insert((assignment.date, assignment.shift_code.as_str(), assignment.staff_id)) {
                    push(format!("{name}[{index}]"), "the same person is on the same shift twice".into());
                }
            }
        };
        check_assignments("assignments", &self.assignments);
        if let Some(replan) = &self.replan {
            check_assignments("replan.published", &replan.published);
        }
        problems
    }

    /// Like [`PlanInput::validate`], as a `Result`.
    pub fn check(&self) -> Result<(), PlanError> {
        let problems = self.validate();
        if problems.is_empty() { Ok(()) } else { Err(PlanError::Invalid(problems)) }
    }

    /// The cover of `code` on `date`: `(min, preferred)`, `(0, 0)` without a cover row.
    pub fn cover_of(&self, date: NaiveDate, code: &str) -> (u32, u32) {
        self.cover
            .iter()
            .find(|cover| cover.date == date && cover.shift_code == code)
            .map_or((0, 0), |cover| (cover.min, cover.preferred))
    }

    /// Every shift occurrence of the plan, by start instant then code: one per cover row with a
    /// positive minimum or preferred count, plus one per (date, code) an assignment (current or
    /// published) refers to. Unknown codes and dates outside the period are skipped (see
    /// [`PlanInput::validate`]).
    pub fn occurrences(&self) -> Result<Vec<ShiftOccurrence>, PlanError> {
        self.occurrences_with(&self.assignments)
    }

    /// Like [`PlanInput::occurrences`], with `assignments` in place of the input's own roster.
    pub fn occurrences_with(&self, assignments: &[Assignment]) -> Result<Vec<ShiftOccurrence>, PlanError> {
        let mut keys: BTreeSet<(NaiveDate, &str)> = BTreeSet::new();
        for cover in &self.cover {
            if cover.preferred > 0 || cover.min > 0 {
                keys.insert((cover.date, cover.shift_code.as_str()));
            }
        }
        let published = self.replan.iter().flat_map(|replan| replan.published.iter());
        for assignment in assignments.iter().chain(published) {
            keys.insert((assignment.date, assignment.shift_code.as_str()));
        }
        let cover: HashMap<(NaiveDate, &str), (u32, u32)> = self
            .cover
            .iter()
            .map(|cover| ((cover.date, cover.shift_code.as_str()), (cover.min, cover.preferred)))
            .collect();
        let mut occurrences = Vec::with_capacity(keys.len());
        for (date, code) in keys {
            let Some(shift_type) = self.shift_type(code) else { continue };
            if !self.contains(date) {
                continue;
            }
            let (min, preferred) = cover.get(&(date, code)).copied().unwrap_or((0, 0));
            occurrences.push(ShiftOccurrence::new(
                shift_type,
                date,
                &self.rules.fairness_rates,
                min,
                preferred,
            )?);
        }
        occurrences.sort_by(|a, b| (a.start, &a.code).cmp(&(b.start, &b.code)));
        Ok(occurrences)
    }

    /// Occurrences by id (see [`PlanInput::occurrences`]).
    pub fn occurrences_by_id(&self) -> Result<BTreeMap<String, ShiftOccurrence>, PlanError> {
        Ok(self.occurrences()?.into_iter().map(|occurrence| (occurrence.id.clone(), occurrence)).collect())
    }
}

/// One problem found by [`PlanInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputProblem {
    /// The field, e.g. `cover[3].shift_code`.
    pub field: String,
    /// What is wrong, lowercase without trailing punctuation.
    pub description: String,
}

/// Why a plan cannot be compiled, explained or exported. New variants may be added.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The input is inconsistent.
    #[error("invalid plan input: {}", .0.iter().map(|p| format!("{}: {}", p.field, p.description)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InputProblem>),
    /// A shift's times cannot be resolved.
    #[error("shift {code} on {date} has no usable times: {source}")]
    ShiftTime {
        /// The shift code.
        code: String,
        /// The date.
        date: NaiveDate,
        /// Why.
        source: ShiftTimeError,
    },
    /// The roster model rejected the compiled specification (a bug in the compilation or a plan
    /// beyond the model's size limits).
    #[error("the roster model rejected the plan: {0}")]
    Model(String),
    /// A roster does not have the compiled model's shape.
    #[error("the roster does not fit the compiled plan")]
    RosterShape,
    /// An assignment refers to an unknown shift occurrence.
    #[error("unknown shift {0}")]
    UnknownShift(String),
    /// An assignment or export refers to an unknown staff member.
    #[error("unknown staff member {0}")]
    UnknownStaffMember(Uuid),
    /// An edit takes a person off a shift they are not on.
    #[error("staff member {staff_id} is not on shift {shift_id}")]
    NotAssigned {
        /// The shift.
        shift_id: String,
        /// The staff member.
        staff_id: Uuid,
    },
}

/// One occurrence of a shift type on a date, with its real instants.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftOccurrence {
    /// Stable id made from date and code, e.g. "2026-03-28.N".
    pub id: String,
    /// The local date it starts on.
    pub date: NaiveDate,
    /// The shift type's code.
    pub code: String,
    /// The role staffed.
    pub role: ShiftRole,
    /// The shift type's category.
    pub category: ShiftCategory,
    /// On site or on call.
    pub mode: ShiftMode,
    /// Exact start.
    pub start: DateTime<Utc>,
    /// Exact end.
    pub end: DateTime<Utc>,
    /// Real length in minutes.
    pub real_minutes: i64,
    /// True when the date is a public holiday.
    pub public_holiday: bool,
    /// True when the date is a Saturday or Sunday.
    pub weekend_date: bool,
    /// Fairness points each person on it earns.
    pub fairness_points: f64,
    /// Minimum people (hard).
    pub min: u32,
    /// Preferred people (soft).
    pub preferred: u32,
}

impl ShiftOccurrence {
    /// The occurrence of `shift_type` on `date` with the given cover.
    pub fn new(
        shift_type: &ShiftType,
        date: NaiveDate,
        rates: &FairnessRates,
        min: u32,
        preferred: u32,
    ) -> Result<ShiftOccurrence, PlanError> {
        let local = shift_type.local_shift(date)?;
        let public_holiday = holidays::is_public_holiday(date).is_some();
        let real_minutes = local.real_minutes();
        let fairness_points = shift_type.fairness_points.unwrap_or_else(|| {
            rates.points(shift_type.category, shift_type.mode, local.real_start(), local.real_end())
        });
        Ok(ShiftOccurrence {
            id: occurrence_id(date, &shift_type.code),
            date,
            code: shift_type.code.clone(),
            role: shift_type.role,
            category: shift_type.category,
            mode: shift_type.mode,
            start: local.real_start(),
            end: local.real_end(),
            real_minutes,
            public_holiday,
            weekend_date: allmenn_domain::calendar::is_weekend(date),
            fairness_points,
            min,
            preferred,
        })
    }

    /// Whether the two occurrences share real time.
    pub fn overlaps(&self, other: &ShiftOccurrence) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The local dates (from the start date) on which the shift holds the person: the start date
    /// and every later date whose local midnight falls before the shift's end.
    pub fn local_dates(&self) -> Vec<NaiveDate> {
        let last = last_local_date_held(self.date, self.end);
        self.date.iter_days().take_while(|date| *date <= last).collect()
    }
}

/// The last local date on which a shift starting on `date` and ending at `end` holds the person:
/// the date of its end, or the day before when it ends at local midnight (never before `date`).
pub fn last_local_date_held(date: NaiveDate, end: DateTime<Utc>) -> NaiveDate {
    let end_local = allmenn_domain::calendar::oslo_date_of(end);
    let end_is_midnight = end.with_timezone(&chrono_tz::Europe::Oslo).time() == NaiveTime::MIN;
    let last = if end_is_midnight && end_local > date {
        end_local.pred_opt().unwrap_or(end_local)
    } else {
        end_local
    };
    last.max(date)
}

/// The stable id of the occurrence of `code` on `date`: "YYYY-MM-DD.CODE".
pub fn occurrence_id(date: NaiveDate, code: &str) -> String {
    format!("{}.{code}", date.format("%Y-%m-%d"))
}

/// The date and code of an occurrence id made by [`occurrence_id`].
pub fn parse_occurrence_id(id: &str) -> Option<(NaiveDate, String)> {
    let (date, code) = id.split_once('.')?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    if code.is_empty() {
        return None;
    }
    Some((date, code.to_owned()))
}
