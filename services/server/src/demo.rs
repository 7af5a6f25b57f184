//! The demo municipality: a deterministic synthetic population for trying the service on a laptop.
//!
//! Two neighbouring kommuner (a host and a participant of one legevakt district) with 24 list
//! contracts at 6 offices, ceilings around 1,000, two lists without a permanent GP (served by a
//! vikar), one shared list, and 20,000 residents in households with valid synthetic fødselsnummer
//! and some D-nummer. Every number is generated, never taken from a real person; the same seed gives
//! the same municipality, ids included, so the README's tour can name them.

use std::{collections::HashSet, net::SocketAddr};

use allmenn_domain::identifiers::{Organisasjonsnummer, PersonId, PersonIdKind};
use allmenn_store::{
    Store,
    bulk::{self, Population},
    entity::{doctor_period, gp, list_contract, list_membership, office, resident},
};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// The seed of the demo municipality.
const SEED: u64 = 0x0061_6c6c_6d65_6e6e;
/// Residents in the demo municipality.
const RESIDENTS: usize = 20_000;
/// The host kommune and the participating kommune of the demo legevakt district.
pub const HOST_KOMMUNE: &str = "3901";
/// The participating kommune.
pub const PARTICIPANT_KOMMUNE: &str = "3903";
/// The date the demo's contracts and memberships start.
const START: (i32, u32, u32) = (2020, 1, 1);

const GIVEN_NAMES: [&str; 16] = [
    "Ingrid", "Ola", "Kari", "Lars", "Sigrid", "Knut", "Astrid", "Per", "Marit", "Jon", "Solveig", "Nils",
    "Hilde", "Erik", "Liv", "Anders",
];
const FAMILY_NAMES: [&str; 12] = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
];
const OFFICE_NAMES: [&str; 6] = [
    "Torget legesenter",
    "Fjordsiden legekontor",
    "Sentrum legegruppe",
    "Bakken legesenter",
    "Havna legekontor",
    "Skogly legesenter",
];

/// Seeds the demo municipality into an empty database; returns `false` (and writes nothing) when the
/// database already holds data.
pub async fn seed(store: &Store) -> Result<bool, allmenn_store::StoreError> {
    let transaction = store.begin_write().await?;
    if !bulk::is_empty(&transaction).await? {
        return Ok(false);
    }
    let population = population();
    bulk::load(&transaction, &population).await?;
    seed_legevakt(&transaction, &population).await?;
    transaction.commit().await.map_err(allmenn_store::StoreError::from_db)?;
    Ok(true)
}

/// The id of the demo's legevakt district.
pub fn legevakt_district_id() -> Uuid {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0x6c65_6765_7661_6b74);
    deterministic_uuid(&mut rng)
}

/// The demo legevakt district: the host and participating kommune, D/K/N doctor shifts, an
/// on-call bakvakt, an evening nurse shift and a weekly cover template; the demo's GPs as its doctors
/// (mixed competence: about one in five needs a bakvakt; several are 60 or over and so exempt) and
/// five nurses.
async fn seed_legevakt<C: allmenn_store::Connection>(
    transaction: &C,
    population: &Population,
) -> Result<(), allmenn_store::StoreError> {
    use allmenn_proto::v1 as pb;
    use allmenn_store::{
        Resource,
        entity::legevakt::{district, shift_type, staff_member},
        legevakt::insert,
    };
    use prost::Message;

    let now = Utc::now();
    let district_id = legevakt_district_id();
    let mut template = pb::WeeklyCoverTemplate::default();
    for day in 1..=7 {
        // (code, minimum, preferred). A bakvakt is preferred every day, as a standing on-call rota,
        // and needed whenever a doctor who may not work alone is on duty; without a preferred
        // count, every bakvakt a junior needs would cost as cover above what is wanted.
        for (code, min, preferred) in [("D", 1, 1), ("K", 1, 1), ("N", 1, 1), ("BV", 0, 1), ("SK", 1, 1)] {
            template.rows.push(pb::CoverTemplateRow {
                day_of_week: day,
                shift_type_code: code.to_owned(),
                min_count: min,
                preferred_count: preferred,
            });
        }
    }
    insert::<_, district::ActiveModel>(
        transaction,
        district::Model {
            id: district_id,
            name: "Fjordbyen interkommunale legevakt".to_owned(),
            host_kommune_number: HOST_KOMMUNE.to_owned(),
            participant_kommune_numbers: PARTICIPANT_KOMMUNE.to_owned(),
            default_rules: crate::legevakt::default_rules().encode_to_vec(),
            competence_rule: crate::legevakt::default_competence_rule().encode_to_vec(),
            default_cover_template: template.encode_to_vec(),
            exemption_age_years: 60,
            version: 1,
            created_at: now,
            updated_at: now,
        },
        Resource::LegevaktDistrict,
    )
    .await?;
    for (code, name, start_minute, length, category, mode, role) in [
        ("D", "Dagvakt", 8 * 60, 480, "day", "on_site", "doctor"),
        ("K", "Kveldsvakt", 16 * 60, 420, "evening", "on_site", "doctor"),
        ("N", "Nattevakt", 23 * 60, 540, "night", "on_site", "doctor"),
        ("BV", "Bakvakt", 16 * 60, 960, "evening", "on_call", "bakvakt"),
        ("SK", "Sykepleier kveld", 16 * 60, 420, "evening", "on_site", "nurse"),
    ] {
        insert::<_, shift_type::ActiveModel>(
            transaction,
            shift_type::Model {
                district_id,
                code: code.to_owned(),
                name: name.to_owned(),
                start_minute,
                length_minutes: length,
                category: category.to_owned(),
                mode: mode.to_owned(),
                role: role.to_owned(),
                fairness_points: None,
                color: String::new(),
                min_rest_hours_after: None,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            Resource::ShiftType,
        )
        .await?;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0x0073_7461_6666);
    for (index, gp) in population.gps.iter().enumerate() {
        // One in five is early in their career: short clinical service and one course missing.
        let junior = index % 5 == 4;
        let facts = pb::CompetenceFacts {
            general_practice_specialist: gp.general_practice_specialist && !junior,
            approved_general_practitioner: !junior,
            clinical_service_months: if junior { 12 + (index as i32 % 12) } else { 60 + index as i32 * 7 },
            municipal_gp_months: if junior { 6 } else { 36 },
            legevakt_shifts_completed: if junior { 10 } else { 80 },
            acute_medicine_course_date: Some(pb::Date { year: 2022, month: 3, day: 1 }),
            violence_course_date: (!junior).then_some(pb::Date { year: 2022, month: 9, day: 1 }),
            lis1_completed: true,
        };
        insert::<_, staff_member::ActiveModel>(
            transaction,
            staff_member::Model {
                id: deterministic_uuid(&mut rng),
                district_id,
                hpr_number: gp.hpr_number.clone(),
                given_name: gp.given_name.clone(),
                family_name: gp.family_name.clone(),
                profession: "doctor".to_owned(),
                birth_date: Some(gp.birth_date),
                participation_percentage: if index % 7 == 6 { 50 } else { 100 },
                competence: facts.encode_to_vec(),
                limits: pb::StaffLimits::default().encode_to_vec(),
                valid_from: date(START.0, START.1, START.2),
                valid_to: None,
                waives_age_exemption: false,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            Resource::StaffMember,
        )
        .await?;
    }
    for index in 0..5u32 {
        insert::<_, staff_member::ActiveModel>(
            transaction,
            staff_member::Model {
                id: deterministic_uuid(&mut rng),
                district_id,
                hpr_number: (9_500_001 + index).to_string(),
                given_name: GIVEN_NAMES[(index as usize * 3) % GIVEN_NAMES.len()].to_owned(),
                family_name: FAMILY_NAMES[(index as usize * 5 + 1) % FAMILY_NAMES.len()].to_owned(),
                profession: "nurse".to_owned(),
                birth_date: Some(date(1975 + i32::try_from(index * 4).unwrap_or(0), 5, 10)),
                participation_percentage: 100,
                competence: Vec::new(),
                limits: Vec::new(),
                valid_from: date(START.0, START.1, START.2),
                valid_to: None,
                waives_age_exemption: false,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            Resource::StaffMember,
        )
        .await?;
    }
    Ok(())
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn deterministic_uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// The id of the demo's first list contract (open, with a permanent GP), for the README's tour.
pub fn first_contract_id() -> Uuid {
    population().contracts[0].id
}

/// The demo population. Pure and deterministic.
pub fn population() -> Population {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let created_at = Utc::now();
    let start = date(START.0, START.1, START.2);

    let offices: Vec<office::Model> = OFFICE_NAMES
        .iter()
        .enumerate()
        .filter_map(|(index, name)| {
            // Synthetic organisation numbers in the 9xx range, skipping bases without a valid check digit.
            (0..10u32)
                .find_map(|attempt| {
                    Organisasjonsnummer::synthetic(
                        99_100_000 + 1000 * u32::try_from(index).unwrap_or(0) + attempt,
                    )
                })
                .map(|number| office::Model {
                    organization_number: number.as_str().to_owned(),
                    name: (*name).to_owned(),
                    kommune_number: if index < 4 { HOST_KOMMUNE } else { PARTICIPANT_KOMMUNE }.to_owned(),
                    version: 1,
                    created_at,
                })
        })
        .collect();

    // 26 doctors: 22 fastleger, 2 on the shared list, 2 vikarer. Ages spread from 30 to 66 so that
    // the legevakt age exemption (60) applies to some; about two in three are specialists.
    let gps: Vec<gp::Model> = (0..26u32)
        .map(|index| {
            let given = GIVEN_NAMES[usize::try_from(index).unwrap_or(0) % GIVEN_NAMES.len()];
            let family = FAMILY_NAMES[usize::try_from(index * 7).unwrap_or(0) % FAMILY_NAMES.len()];
            let birth_year = 1960 + i32::try_from((index * 11) % 36).unwrap_or(0);
            gp::Model {
                hpr_number: (9_100_001 + index).to_string(),
                given_name: given.to_owned(),
                family_name: family.to_owned(),
                birth_date: date(birth_year, 1 + (index % 12), 1 + (index * 3) % 28),
                general_practice_specialist: index % 3 != 2,
                version: 1,
                created_at,
            }
        })
        .collect();

    let mut contracts = Vec::new();
    let mut doctor_periods = Vec::new();
    for index in 0..24usize {
        let office = &offices[index % offices.len()];
        let ceiling = 800 + 50 * i32::try_from((index * 5) % 13).unwrap_or(0);
        let shared_list = index == 5;
        let contract = list_contract::Model {
            id: deterministic_uuid(&mut rng),
            office_organization_number: office.organization_number.clone(),
            kommune_number: office.kommune_number.clone(),
            ceiling: if shared_list { 1800 } else { ceiling },
            status: if index % 7 == 3 { "closed" } else { "open" }.to_owned(),
            shared_list,
            fixed_salary: index % 5 == 4,
            valid_from: start,
            valid_to: None,
            version: 1,
            created_at,
            updated_at: created_at,
        };
        let mut period =
            |hpr: &str, relationship: &str, substitute_for: Option<String>| doctor_period::Model {
                id: deterministic_uuid(&mut rng),
                contract_id: contract.id,
                hpr_number: hpr.to_owned(),
                relationship: relationship.to_owned(),
                substitute_for_hpr_number: substitute_for,
                valid_from: start,
                valid_to: None,
                working_percentage: 100,
                working_days: String::new(),
                created_at,
            };
        match index {
            // Two lists without a permanent GP, each served by one vikar.
            22 | 23 => {
                let vikar = &gps[index + 2];
                doctor_periods.push(period(&vikar.hpr_number, "vikar", None));
            }
            // The shared list: two fastleger at 50 % each.
            5 => {
                let mut first = period(&gps[5].hpr_number, "fastlege", None);
                first.working_percentage = 50;
                let mut second = period(&gps[22].hpr_number, "fastlege", None);
                second.working_percentage = 50;
                doctor_periods.push(first);
                doctor_periods.push(second);
            }
            _ => doctor_periods.push(period(&gps[index].hpr_number, "fastlege", None)),
        }
        contracts.push(contract);
    }

    let (residents, memberships) = residents_and_memberships(&mut rng, &contracts, start, created_at);
    Population { gps, offices, contracts, doctor_periods, residents, memberships }
}

fn residents_and_memberships(
    rng: &mut ChaCha8Rng,
    contracts: &[list_contract::Model],
    start: NaiveDate,
    created_at: chrono::DateTime<Utc>,
) -> (Vec<resident::Model>, Vec<list_membership::Model>) {
    let mut used_numbers = HashSet::new();
    let mut residents = Vec::with_capacity(RESIDENTS);
    let mut memberships = Vec::with_capacity(RESIDENTS);
    // Lists fill to between 85 % and 100 % of their ceiling; who is left over stays without a list.
    let mut room: Vec<i64> = contracts
        .iter()
        .map(|contract| i64::from(contract.ceiling) * i64::from(rng.random_range(85..=100u8)) / 100)
        .collect();
    let mut household_number = 0u32;
    while residents.len() < RESIDENTS {
        household_number += 1;
        let household_id = format!("demo-household-{household_number:05}");
        let kommune = if household_number.is_multiple_of(4) { PARTICIPANT_KOMMUNE } else { HOST_KOMMUNE };
        let adults = rng.random_range(1..=2u8);
        let children = if rng.random_bool(0.45) { rng.random_range(1..=3u8) } else { 0 };
        // A household shares a list (children follow their parents), as most families do.
        let list = rng.random_range(0..contracts.len());
        for member in 0..(adults + children) {
            if residents.len() >= RESIDENTS {
                break;
            }
            let birth_year =
                if member < adults { rng.random_range(1942..=2003) } else { rng.random_range(2009..=2025) };
            let birth_date = date(birth_year, rng.random_range(1..=12), rng.random_range(1..=28));
            // About 3 % of residents hold a D-nummer (e.g. workers and asylum seekers with a GP).
            let kind =
                if rng.random_bool(0.03) { PersonIdKind::DNummer } else { PersonIdKind::Fodselsnummer };
            let Some(person_id) = synthetic_person_id(rng, birth_date, kind, &mut used_numbers) else {
                continue;
            };
            let resident = resident::Model {
                id: deterministic_uuid(rng),
                person_id: person_id.expose_digits().to_owned(),
                birth_date,
                household_id: household_id.clone(),
                kommune_number: kommune.to_owned(),
                created_at,
            };
            if room[list] > 0 {
                room[list] -= 1;
                let joined = std::cmp::max(start, birth_date + Duration::days(1));
                memberships.push(list_membership::Model {
                    id: deterministic_uuid(rng),
                    resident_id: resident.id,
                    contract_id: contracts[list].id,
                    valid_from: joined,
                    valid_to: None,
                    begin_reason: "enrolment".to_owned(),
                    over_ceiling_reason: None,
                    created_at,
                });
            }
            residents.push(resident);
        }
    }
    (residents, memberships)
}

/// A fresh valid synthetic number for `birth_date`, trying individual numbers of the right century
/// until one has valid control digits and is unused.
fn synthetic_person_id(
    rng: &mut ChaCha8Rng,
    birth_date: NaiveDate,
    kind: PersonIdKind,
    used: &mut HashSet<String>,
) -> Option<PersonId> {
    let range = if birth_date.year() >= 2000 { 500..1000u16 } else { 0..500u16 };
    for _ in 0..200 {
        let individual = rng.random_range(range.clone());
        if let Some(person_id) = PersonId::synthetic(birth_date, individual, kind)
            && used.insert(person_id.expose_digits().to_owned())
        {
            return Some(person_id);
        }
    }
    None
}

/// What the server prints on start-up in demo mode: where it listens and a first call to make.
pub fn banner(address: SocketAddr) -> String {
    let contract = first_contract_id();
    let district = legevakt_district_id();
    format!(
        "Allmenn demo municipality is up on {address} (kommuner {HOST_KOMMUNE} and {PARTICIPANT_KOMMUNE}, \
         24 lists, 20,000 synthetic residents; legevakt district {district}).\n\
         Try, with grpcurl (reflection is on):\n  \
         grpcurl -plaintext {address} list\n  \
         grpcurl -plaintext -d '{{\"contract_id\":\"{contract}\",\"page_size\":3}}' {address} \
         allmenn.v1.PatientListService/ListContractPatients\n  \
         grpcurl -plaintext -d '{{\"person_id\":\"<a person_id from the answer above>\"}}' {address} \
         allmenn.v1.PatientListService/GetPatientGp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_population_is_deterministic_and_realistic() {
        let first = population();
        let second = population();
        assert_eq!(
            first.contracts.iter().map(|c| c.id).collect::<Vec<_>>(),
            second.contracts.iter().map(|c| c.id).collect::<Vec<_>>()
        );
        assert_eq!(
            first.residents.iter().map(|r| r.person_id.clone()).collect::<Vec<_>>(),
            second.residents.iter().map(|r| r.person_id.clone()).collect::<Vec<_>>()
        );
        assert_eq!(first.residents.len(), RESIDENTS);
        assert!(first.gps.len() >= 20);
        assert!(first.contracts.len() >= 20);
        // Every personal number is valid, and some are D-nummer.
        let parsed: Vec<PersonId> =
            first.residents.iter().map(|r| PersonId::parse(&r.person_id).unwrap()).collect();
        assert!(parsed.iter().any(|id| id.kind() == PersonIdKind::DNummer));
        // No list is over its ceiling, and ceilings average around 1,000.
        for contract in &first.contracts {
            let on_list = first.memberships.iter().filter(|m| m.contract_id == contract.id).count();
            assert!(on_list <= usize::try_from(contract.ceiling).unwrap());
        }
        let mean_ceiling: i32 = first.contracts.iter().map(|c| c.ceiling).sum::<i32>() / 24;
        assert!((800..=1300).contains(&mean_ceiling), "mean ceiling {mean_ceiling}");
        // Two lists have no fastlege period (only a vikar).
        let without_permanent_gp = first
            .contracts
            .iter()
            .filter(|c| {
                !first.doctor_periods.iter().any(|p| p.contract_id == c.id && p.relationship == "fastlege")
            })
            .count();
        assert_eq!(without_permanent_gp, 2);
    }
}
