//! Builders for small hand-made plans shared by the integration tests.
#![allow(dead_code)]

use allmenn_legevakt::plan::{
    Assignment, CompetenceFacts, CoverRequirement, PlanInput, Profession, ShiftCategory, ShiftMode,
    ShiftRole, ShiftType, StaffLimits, StaffMember,
};
use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub(crate) fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap()
}

pub(crate) fn id(number: u128) -> Uuid {
    Uuid::from_u128(0x1e9e_0000_0000_0000_0000_0000_0000_0000 + number)
}

pub(crate) fn shift_type(
    code: &str,
    name: &str,
    start: NaiveTime,
    length_minutes: u32,
    category: ShiftCategory,
    mode: ShiftMode,
    role: ShiftRole,
) -> ShiftType {
    ShiftType::new(code, name, start, length_minutes, category, mode, role)
}

/// D 08–16, K 16–23, N 23–08 (doctors, on site) and BV 08–08 (bakvakt, on call).
pub(crate) fn standard_shift_types() -> Vec<ShiftType> {
    vec![
        shift_type("D", "Dagvakt", time(8, 0), 480, ShiftCategory::Day, ShiftMode::OnSite, ShiftRole::Doctor),
        shift_type(
            "K",
            "Kveldsvakt",
            time(16, 0),
            420,
            ShiftCategory::Evening,
            ShiftMode::OnSite,
            ShiftRole::Doctor,
        ),
        shift_type(
            "N",
            "Nattevakt",
            time(23, 0),
            540,
            ShiftCategory::Night,
            ShiftMode::OnSite,
            ShiftRole::Doctor,
        ),
        shift_type(
            "BV",
            "Bakvakt",
            time(8, 0),
            1440,
            ShiftCategory::Day,
            ShiftMode::OnCall,
            ShiftRole::Bakvakt,
        ),
    ]
}

fn independent_facts() -> CompetenceFacts {
    CompetenceFacts {
        general_practice_specialist: true,
        approved_general_practitioner: true,
        clinical_service_months: 120,
        municipal_gp_months: 60,
        legevakt_shifts_completed: 200,
        acute_medicine_course_date: Some(date(2020, 1, 1)),
        violence_course_date: Some(date(2020, 1, 1)),
        lis1_completed: true,
    }
}

fn junior_facts() -> CompetenceFacts {
    CompetenceFacts {
        clinical_service_months: 14,
        municipal_gp_months: 2,
        legevakt_shifts_completed: 5,
        acute_medicine_course_date: Some(date(2025, 1, 1)),
        violence_course_date: Some(date(2025, 1, 1)),
        lis1_completed: true,
        ..CompetenceFacts::default()
    }
}

pub(crate) fn doctor(number: u128, given: &str, family: &str, independent: bool) -> StaffMember {
    StaffMember {
        id: id(number),
        hpr_number: format!("{}", 9_100_000 + number),
        given_name: given.into(),
        family_name: family.into(),
        profession: Profession::Doctor,
        birth_date: Some(date(1982, 6, 15)),
        participation_percentage: 100,
        competence: if independent { independent_facts() } else { junior_facts() },
        limits: StaffLimits::default(),
        valid_from: date(2020, 1, 1),
        valid_to: None,
        exemptions: Vec::new(),
        unavailability: Vec::new(),
        held_elsewhere: Vec::new(),
        fairness_balance: 0.0,
        waives_age_exemption: false,
    }
}

pub(crate) fn nurse(number: u128, given: &str, family: &str) -> StaffMember {
    StaffMember {
        profession: Profession::Nurse,
        competence: CompetenceFacts::default(),
        ..doctor(number, given, family, false)
    }
}

pub(crate) fn cover(date: NaiveDate, code: &str, min: u32, preferred: u32) -> CoverRequirement {
    CoverRequirement { date, shift_code: code.into(), min, preferred }
}

pub(crate) fn assign(date: NaiveDate, code: &str, staff: Uuid) -> Assignment {
    Assignment { date, shift_code: code.into(), staff_id: staff, pinned: false }
}

/// A plan over `first..=last` with the standard shift types, no cover and the given staff.
pub(crate) fn plan(first: NaiveDate, last: NaiveDate, staff: Vec<StaffMember>) -> PlanInput {
    let mut input = PlanInput::new(first, last);
    input.shift_types = standard_shift_types();
    input.staff = staff;
    input
}

/// A realistic small district: eight doctors (two who need a bakvakt, one aged 61), two weeks
/// from Monday 2 March 2026, D/K/N every day with one doctor each, and a bakvakt preferred every
/// day (minimum 0: it is needed only when a doctor who may not work alone is on duty).
pub(crate) fn district() -> PlanInput {
    let staff = vec![
        doctor(1, "Ingrid", "Berg", true),
        doctor(2, "Ola", "Nordmann", true),
        doctor(3, "Kari", "Hansen", true),
        doctor(4, "Per", "Johansen", true),
        doctor(5, "Siri", "Larsen", true),
        StaffMember { birth_date: Some(date(1965, 1, 10)), ..doctor(6, "Arne", "Eldre", true) },
        doctor(7, "Nora", "Ny", false),
        doctor(8, "Emil", "Fersk", false),
    ];
    let first = date(2026, 3, 2);
    let last = date(2026, 3, 15);
    let mut input = plan(first, last, staff);
    input.rules.default_limits = StaffLimits {
        max_shifts_per_period: Some(10),
        max_consecutive_shifts: Some(4),
        max_weekends_per_period: None,
        max_night_shifts_per_period: Some(3),
    };
    for day in input.dates() {
        for code in ["D", "K", "N"] {
            input.cover.push(cover(day, code, 1, 1));
        }
        input.cover.push(cover(day, "BV", 0, 1));
    }
    input
}
