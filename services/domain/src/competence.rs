//! Whether a doctor may have legevakt alone or needs a bakvakt: akuttmedisinforskriften § 7 as a
//! configurable predicate over stored facts (research.md §3.2).
//!
//! The rule in force (Helsedirektoratet, "Legevakt og legevaktsentral", kompetanse og opplæring):
//! a doctor on duty alone must
//! 1. be a specialist in general practice, or be approved as allmennlege, or have 30 months of
//!    clinical service after cand.med. or Norwegian authorisation; and
//! 2. unless a specialist, have worked one year as allmennlege in the municipal GP service or have
//!    done 40 legevakter; and
//! 3. from 1 May 2021 (deadline extended to 1 May 2022), have completed the courses in akuttmedisin
//!    and in volds- og overgrepshåndtering. Specialists in general practice are exempt from the
//!    akuttmedisin course of the regulation (Oslo legeforening, "Krav til obligatoriske kurs i
//!    akuttmedisin": "Spesialister i allmennmedisin er unntatt fra dette kravet"); their specialty
//!    has its own acute-medicine course at every recertification. The violence course applies to
//!    them too.
//!
//! A doctor who does not meet the rule may work only with a qualified bakvakt in the same time
//! window. The rule changed in 2020, 2021 and 2024 and may change again (the expert committee of
//! 2023 recommends that completed LIS1 suffice), so every threshold is a field of
//! [`CompetenceRule`]; what applies after 2024 was not found in the sources.
//!
//! # The temporary LIS1 rule (documented assumption)
//! From 30 April 2021 to 31 December 2024 no bakvakt was needed for a doctor who had completed LIS1
//! (KS, "Midlertidig endring i kompetansekrav til lege i vakt"). The sources do not say whether the
//! courses were still required; they are a separate requirement of § 7, so **this module assumes
//! the LIS1 rule replaces requirements 1 and 2 only**, and the courses stay required as configured.

/// The stored facts about a doctor that the competence rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DoctorCompetenceFacts {
    /// Spesialist i allmennmedisin.
    pub specialist_general_practice: bool,
    /// Godkjenning som allmennlege.
    pub approved_general_practitioner: bool,
    /// Months of clinical service after cand.med. or Norwegian authorisation.
    pub clinical_service_months: u32,
    /// Months worked as allmennlege in the municipal GP service (kommunal allmennlegetjeneste).
    pub municipal_gp_months: u32,
    /// Number of legevakt shifts done.
    pub legevakt_shifts_done: u32,
    /// Completed the course in akuttmedisin.
    pub course_emergency_medicine: bool,
    /// Completed the course in volds- og overgrepshåndtering.
    pub course_violence_and_abuse: bool,
    /// Completed LIS1, the first part of specialist training (formerly turnus).
    pub completed_lis1: bool,
}

/// A configurable version of the § 7 rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompetenceRule {
    /// Months of clinical service that satisfy requirement 1 without specialist status or approval
    /// (30 in § 7).
    pub min_clinical_service_months: u32,
    /// Months in the municipal GP service that satisfy requirement 2 (one year, 12, in § 7).
    pub min_municipal_gp_months: u32,
    /// Legevakt shifts that satisfy requirement 2 (40 in § 7).
    pub min_legevakt_shifts: u32,
    /// Whether the akuttmedisin course is required (from 1 May 2021).
    pub require_course_emergency_medicine: bool,
    /// Whether specialists in general practice are exempt from the akuttmedisin course (they are
    /// under the regulation; see the module documentation).
    pub specialists_exempt_from_course_emergency_medicine: bool,
    /// Whether the volds- og overgrepshåndtering course is required (from 1 May 2021).
    pub require_course_violence_and_abuse: bool,
    /// Whether completed LIS1 replaces requirements 1 and 2 (the temporary rule of
    /// 30 April 2021 – 31 December 2024; see the module documentation).
    pub lis1_suffices: bool,
}

impl Default for CompetenceRule {
    /// The § 7 rule as described in research.md §3.2, without the temporary LIS1 rule.
    fn default() -> Self {
        Self::akuttmedisinforskriften_section_7()
    }
}

impl CompetenceRule {
    /// Akuttmedisinforskriften § 7 with both course requirements: 30 months' clinical service,
    /// 12 months in the municipal GP service or 40 legevakter.
    pub fn akuttmedisinforskriften_section_7() -> Self {
        Self {
            min_clinical_service_months: 30,
            min_municipal_gp_months: 12,
            min_legevakt_shifts: 40,
            require_course_emergency_medicine: true,
            specialists_exempt_from_course_emergency_medicine: true,
            require_course_violence_and_abuse: true,
            lis1_suffices: false,
        }
    }

    /// § 7 with the temporary rule of 30 April 2021 – 31 December 2024: completed LIS1 suffices
    /// instead of requirements 1 and 2; the courses stay required.
    pub fn temporary_lis1_rule_2021_2024() -> Self {
        Self { lis1_suffices: true, ..Self::akuttmedisinforskriften_section_7() }
    }

    /// Whether a doctor with these facts may have legevakt alone, and if not, every requirement
    /// that is missing.
    pub fn may_work_alone(&self, facts: &DoctorCompetenceFacts) -> CompetenceVerdict {
        let mut missing = Vec::new();
        let lis1_replaces_experience = self.lis1_suffices && facts.completed_lis1;
        if !lis1_replaces_experience {
            let basic_competence = facts.specialist_general_practice
                || facts.approved_general_practitioner
                || facts.clinical_service_months >= self.min_clinical_service_months;
            if !basic_competence {
                missing.push(MissingRequirement::BasicCompetence {
                    clinical_service_months: facts.clinical_service_months,
                    required_months: self.min_clinical_service_months,
                });
            }
            let general_practice_experience = facts.specialist_general_practice
                || facts.municipal_gp_months >= self.min_municipal_gp_months
                || facts.legevakt_shifts_done >= self.min_legevakt_shifts;
            if !general_practice_experience {
                missing.push(MissingRequirement::GeneralPracticeExperience {
                    municipal_gp_months: facts.municipal_gp_months,
                    required_months: self.min_municipal_gp_months,
                    legevakt_shifts_done: facts.legevakt_shifts_done,
                    required_shifts: self.min_legevakt_shifts,
                });
            }
        }
        let exempt_from_course =
            self.specialists_exempt_from_course_emergency_medicine && facts.specialist_general_practice;
        if self.require_course_emergency_medicine && !facts.course_emergency_medicine && !exempt_from_course {
            missing.push(MissingRequirement::CourseEmergencyMedicine);
        }
        if self.require_course_violence_and_abuse && !facts.course_violence_and_abuse {
            missing.push(MissingRequirement::CourseViolenceAndAbuse);
        }
        CompetenceVerdict { may_work_alone: missing.is_empty(), missing }
    }
}

/// The outcome of [`CompetenceRule::may_work_alone`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetenceVerdict {
    /// Whether the doctor may have legevakt alone; `false` means a bakvakt is needed.
    pub may_work_alone: bool,
    /// Every requirement that is not met, in the order of § 7; empty exactly when
    /// `may_work_alone` is true.
    pub missing: Vec<MissingRequirement>,
}

impl CompetenceVerdict {
    /// Whether every shift of this doctor needs a qualified bakvakt in the same time window.
    pub fn needs_bakvakt(&self) -> bool {
        !self.may_work_alone
    }
}

/// A requirement of § 7 that a doctor does not meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MissingRequirement {
    /// Neither specialist, nor approved allmennlege, nor enough clinical service.
    #[error(
        "neither specialist in general practice, approved general practitioner, nor {required_months} months of clinical service (has {clinical_service_months})"
    )]
    BasicCompetence {
        /// Months of clinical service the doctor has.
        clinical_service_months: u32,
        /// Months required.
        required_months: u32,
    },
    /// Not a specialist, and neither enough months in the municipal GP service nor enough
    /// legevakter.
    #[error(
        "neither {required_months} months as municipal general practitioner (has {municipal_gp_months}) nor {required_shifts} legevakt shifts (has {legevakt_shifts_done})"
    )]
    GeneralPracticeExperience {
        /// Months in the municipal GP service the doctor has.
        municipal_gp_months: u32,
        /// Months required.
        required_months: u32,
        /// Legevakt shifts the doctor has done.
        legevakt_shifts_done: u32,
        /// Shifts required.
        required_shifts: u32,
    },
    /// The akuttmedisin course is missing.
    #[error("course in emergency medicine not completed")]
    CourseEmergencyMedicine,
    /// The volds- og overgrepshåndtering course is missing.
    #[error("course in handling violence and abuse not completed")]
    CourseViolenceAndAbuse,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn with_courses() -> DoctorCompetenceFacts {
        DoctorCompetenceFacts {
            course_emergency_medicine: true,
            course_violence_and_abuse: true,
            ..DoctorCompetenceFacts::default()
        }
    }

    #[test]
    fn a_specialist_with_both_courses_may_work_alone() {
        let facts = DoctorCompetenceFacts { specialist_general_practice: true, ..with_courses() };
        let verdict = CompetenceRule::default().may_work_alone(&facts);
        assert!(verdict.may_work_alone);
        assert!(!verdict.needs_bakvakt());
        assert!(verdict.missing.is_empty());
    }

    #[test]
    fn an_approved_gp_also_needs_municipal_experience_or_shifts() {
        let rule = CompetenceRule::default();
        let approved = DoctorCompetenceFacts { approved_general_practitioner: true, ..with_courses() };
        let verdict = rule.may_work_alone(&approved);
        assert!(!verdict.may_work_alone);
        assert_eq!(
            verdict.missing,
            vec![MissingRequirement::GeneralPracticeExperience {
                municipal_gp_months: 0,
                required_months: 12,
                legevakt_shifts_done: 0,
                required_shifts: 40,
            }]
        );
        let with_year = DoctorCompetenceFacts { municipal_gp_months: 12, ..approved };
        assert!(rule.may_work_alone(&with_year).may_work_alone);
        let with_shifts = DoctorCompetenceFacts { legevakt_shifts_done: 40, ..approved };
        assert!(rule.may_work_alone(&with_shifts).may_work_alone);
    }

    #[test]
    fn thirty_months_of_service_and_forty_shifts_suffice() {
        let rule = CompetenceRule::default();
        let facts =
            DoctorCompetenceFacts { clinical_service_months: 30, legevakt_shifts_done: 40, ..with_courses() };
        assert!(rule.may_work_alone(&facts).may_work_alone);
        let short = DoctorCompetenceFacts {
            clinical_service_months: 29,
            legevakt_shifts_done: 39,
            municipal_gp_months: 11,
            ..with_courses()
        };
        let verdict = rule.may_work_alone(&short);
        assert!(verdict.needs_bakvakt());
        assert_eq!(verdict.missing.len(), 2);
        assert_eq!(
            verdict.missing[0],
            MissingRequirement::BasicCompetence { clinical_service_months: 29, required_months: 30 }
        );
    }

    #[test]
    fn specialists_need_the_violence_course_but_not_the_acute_medicine_course() {
        let facts =
            DoctorCompetenceFacts { specialist_general_practice: true, ..DoctorCompetenceFacts::default() };
        let verdict = CompetenceRule::default().may_work_alone(&facts);
        assert!(!verdict.may_work_alone);
        assert_eq!(verdict.missing, vec![MissingRequirement::CourseViolenceAndAbuse]);
        let with_violence_course = DoctorCompetenceFacts { course_violence_and_abuse: true, ..facts };
        assert!(CompetenceRule::default().may_work_alone(&with_violence_course).may_work_alone);
        // Without the exemption both courses are missing.
        let no_exemption = CompetenceRule {
            specialists_exempt_from_course_emergency_medicine: false,
            ..CompetenceRule::default()
        };
        assert_eq!(
            no_exemption.may_work_alone(&facts).missing,
            vec![MissingRequirement::CourseEmergencyMedicine, MissingRequirement::CourseViolenceAndAbuse]
        );
        let rule_before_courses = CompetenceRule {
            require_course_emergency_medicine: false,
            require_course_violence_and_abuse: false,
            ..CompetenceRule::default()
        };
        assert!(rule_before_courses.may_work_alone(&facts).may_work_alone);
    }

    #[test]
    fn lis1_suffices_only_under_the_temporary_rule() {
        let facts =
            DoctorCompetenceFacts { completed_lis1: true, clinical_service_months: 18, ..with_courses() };
        assert!(!CompetenceRule::default().may_work_alone(&facts).may_work_alone);
        let temporary = CompetenceRule::temporary_lis1_rule_2021_2024();
        assert!(temporary.may_work_alone(&facts).may_work_alone);
        // The courses remain required under the temporary rule (documented assumption).
        let without_courses = DoctorCompetenceFacts { course_violence_and_abuse: false, ..facts };
        assert_eq!(
            temporary.may_work_alone(&without_courses).missing,
            vec![MissingRequirement::CourseViolenceAndAbuse]
        );
        // Without LIS1 the temporary rule is the ordinary rule.
        let no_lis1 = DoctorCompetenceFacts { completed_lis1: false, ..facts };
        assert!(!temporary.may_work_alone(&no_lis1).may_work_alone);
    }

    #[test]
    fn thresholds_are_configurable() {
        let stricter = CompetenceRule { min_legevakt_shifts: 60, ..CompetenceRule::default() };
        let facts = DoctorCompetenceFacts {
            approved_general_practitioner: true,
            legevakt_shifts_done: 50,
            ..with_courses()
        };
        assert!(CompetenceRule::default().may_work_alone(&facts).may_work_alone);
        assert!(!stricter.may_work_alone(&facts).may_work_alone);
    }

    #[test]
    fn reasons_read_as_lowercase_sentences() {
        let reason = MissingRequirement::GeneralPracticeExperience {
            municipal_gp_months: 3,
            required_months: 12,
            legevakt_shifts_done: 7,
            required_shifts: 40,
        };
        assert_eq!(
            reason.to_string(),
            "neither 12 months as municipal general practitioner (has 3) nor 40 legevakt shifts (has 7)"
        );
    }

    fn any_facts() -> impl Strategy<Value = DoctorCompetenceFacts> {
        (any::<[bool; 5]>(), 0_u32..60, 0_u32..30, 0_u32..80).prop_map(
            |(flags, clinical, municipal, shifts)| DoctorCompetenceFacts {
                specialist_general_practice: flags[0],
                approved_general_practitioner: flags[1],
                clinical_service_months: clinical,
                municipal_gp_months: municipal,
                legevakt_shifts_done: shifts,
                course_emergency_medicine: flags[2],
                course_violence_and_abuse: flags[3],
                completed_lis1: flags[4],
            },
        )
    }

    proptest! {
        #[test]
        fn the_default_rule_is_the_formula_of_section_7(facts in any_facts()) {
            let expected = (facts.specialist_general_practice
                || facts.approved_general_practitioner
                || facts.clinical_service_months >= 30)
                && (facts.specialist_general_practice
                    || facts.municipal_gp_months >= 12
                    || facts.legevakt_shifts_done >= 40)
                && (facts.course_emergency_medicine || facts.specialist_general_practice)
                && facts.course_violence_and_abuse;
            let verdict = CompetenceRule::default().may_work_alone(&facts);
            prop_assert_eq!(verdict.may_work_alone, expected);
            prop_assert_eq!(verdict.missing.is_empty(), expected);
        }

        #[test]
        fn the_lis1_rule_never_takes_away_competence(facts in any_facts()) {
            let ordinary = CompetenceRule::default().may_work_alone(&facts);
            let temporary = CompetenceRule::temporary_lis1_rule_2021_2024().may_work_alone(&facts);
            prop_assert!(!ordinary.may_work_alone || temporary.may_work_alone);
            prop_assert!(temporary.missing.len() <= ordinary.missing.len());
        }
    }
}
