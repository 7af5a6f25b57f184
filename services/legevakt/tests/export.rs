//! Exports: iCalendar structure and RFC 5545 line rules, CSV that parses back, HTML with every
//! person and escaped text.

mod common;

use allmenn_legevakt::export::{CSV_HEADER, ExportFormat, ExportOptions, ExportScope, export, ical_uid};
use allmenn_legevakt::plan::{Assignment, PlanInput, StaffMember};
use chrono::{TimeZone, Utc};
use common::*;

/// A week over the spring change with a district roster; one name needs escaping everywhere.
fn roster() -> (PlanInput, Vec<Assignment>) {
    let staff = vec![
        doctor(1, "Åse Marie", "Bø-Ødegård", true),
        StaffMember {
            given_name: "Ola \"<b>\"".into(),
            family_name: "Nordmann, & Co; =1+1".into(),
            ..doctor(2, "", "", true)
        },
        doctor(3, "Kari", "Hansen", true),
    ];
    let mut input = plan(date(2026, 3, 26), date(2026, 4, 1), staff);
    input.shift_types[0].name =
        "Dagvakt, lang; med \"sitat\" og en svært lang beskrivelse som må brettes over flere linjer".into();
    input.shift_types[2].color = Some("#112233".into());
    input.shift_types[1].color = Some("javascript:alert(1)".into());
    let mut assignments = Vec::new();
    for (offset, day) in input.dates().into_iter().enumerate() {
        let rotate = |k: usize| id(((offset + k) % 3) as u128 + 1);
        assignments.push(assign(day, "D", rotate(0)));
        assignments.push(assign(day, "K", rotate(1)));
        assignments.push(assign(day, "N", rotate(2)));
    }
    (input, assignments)
}

fn options(scope: ExportScope, include_violations: bool) -> ExportOptions {
    ExportOptions {
        plan_id: id(900),
        title: "Vår 2026".into(),
        generated_at: Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).unwrap(),
        sequence: 3,
        scope,
        include_violations,
    }
}

#[test]
fn icalendar_follows_rfc_5545_line_rules_and_has_one_event_per_assignment() {
    let (input, assignments) = roster();
    let file = export(ExportFormat::ICalendar, &input, &assignments, &options(ExportScope::District, false))
        .unwrap();
    assert_eq!(file.content_type, "text/calendar; charset=utf-8");
    assert_eq!(file.file_name, "legevakt-2026-03-26-2026-04-01.ics");
    let text = String::from_utf8(file.content).unwrap();
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    // A file to import, not an iTIP message: METHOD would need the content type's method parameter
    // and an ORGANIZER on every event.
    assert!(!text.contains("\r\nMETHOD:"));
    // Every line ends with CRLF, and no line is longer than 75 octets.
    assert!(!text.replace("\r\n", "").contains('\n') && !text.replace("\r\n", "").contains('\r'));
    let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert!(lines.iter().all(|line| line.len() <= 75), "{:?}", lines.iter().find(|line| line.len() > 75));
    assert!(lines.iter().any(|line| line.starts_with(' ')), "the long summary is folded");
    // Unfolded content.
    let unfolded = text.replace("\r\n ", "");
    let logical: Vec<&str> = unfolded.split("\r\n").collect();
    assert_eq!(logical.iter().filter(|line| **line == "BEGIN:VTIMEZONE").count(), 1);
    assert!(logical.contains(&"TZID:Europe/Oslo"));
    assert!(logical.contains(&"BEGIN:DAYLIGHT") && logical.contains(&"BEGIN:STANDARD"));
    assert!(logical.contains(&"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
    assert!(logical.contains(&"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"));
    assert_eq!(logical.iter().filter(|line| **line == "BEGIN:VEVENT").count(), assignments.len());
    assert_eq!(logical.iter().filter(|line| **line == "END:VEVENT").count(), assignments.len());
    // UIDs are unique and stable.
    let uids: std::collections::HashSet<&str> =
        logical.iter().filter_map(|line| line.strip_prefix("UID:")).collect();
    assert_eq!(uids.len(), assignments.len());
    let night = &assignments.iter().find(|a| a.date == date(2026, 3, 28) && a.shift_code == "N").unwrap();
    let uid = ical_uid(id(900), "2026-03-28.N", night.staff_id);
    assert!(uids.contains(uid.as_str()));
    // The night of the spring change: 23:00 CET to 08:00 CEST in local time.
    let position = logical.iter().position(|line| *line == format!("UID:{uid}")).unwrap();
    let event = &logical[position..position + 8];
    assert!(event.contains(&"DTSTART;TZID=Europe/Oslo:20260328T230000"), "{event:?}");
    assert!(event.contains(&"DTEND;TZID=Europe/Oslo:20260329T080000"), "{event:?}");
    assert!(event.contains(&"DTSTAMP:20260201T120000Z"));
    // Text is escaped.
    assert!(unfolded.contains("SUMMARY:Dagvakt\\, lang\\; med \"sitat\""));
    assert!(unfolded.contains("Nordmann\\, & Co\\; =1+1"));
    // The same export again is byte for byte the same.
    let again = export(ExportFormat::ICalendar, &input, &assignments, &options(ExportScope::District, false))
        .unwrap();
    assert_eq!(String::from_utf8(again.content).unwrap(), text);
}

#[test]
fn a_personal_calendar_has_only_that_persons_shifts() {
    let (input, assignments) = roster();
    let file = export(
        ExportFormat::ICalendar,
        &input,
        &assignments,
        &options(ExportScope::StaffMember(id(3)), false),
    )
    .unwrap();
    let text = String::from_utf8(file.content).unwrap();
    let own = assignments.iter().filter(|assignment| assignment.staff_id == id(3)).count();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), own);
    assert!(file.file_name.starts_with("legevakt-2026-03-26-2026-04-01-"));
    let unfolded = text.replace("\r\n ", "");
    let summaries: Vec<&str> = unfolded.split("\r\n").filter(|line| line.starts_with("SUMMARY:")).collect();
    assert_eq!(summaries.len(), own);
    assert!(summaries.iter().all(|line| !line.contains(" – ")), "personal summaries carry no name");
    assert!(unfolded.contains("X-WR-CALNAME:Legevakt Vår 2026 – Kari Hansen"));
    assert!(
        export(ExportFormat::Csv, &input, &assignments, &options(ExportScope::StaffMember(id(77)), false))
            .is_err()
    );
}

/// A small RFC 4180 reader for the test.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(character) = chars.next() {
        match (quoted, character) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, other) => field.push(other),
        }
    }
    rows
}

#[test]
fn csv_parses_back_with_one_row_per_assignment() {
    let (input, assignments) = roster();
    let file =
        export(ExportFormat::Csv, &input, &assignments, &options(ExportScope::District, false)).unwrap();
    assert_eq!(file.content_type, "text/csv; charset=utf-8");
    let text = String::from_utf8(file.content).unwrap();
    assert!(text.lines().count() > 1 && text.contains("\r\n"));
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), assignments.len() + 1);
    assert_eq!(rows[0], CSV_HEADER.iter().map(|field| field.to_string()).collect::<Vec<_>>());
    assert!(rows.iter().all(|row| row.len() == CSV_HEADER.len()));
    let night = rows.iter().find(|row| row[0] == "2026-03-28" && row[1] == "N").unwrap();
    assert_eq!(night[4], "2026-03-28T23:00:00+01:00");
    assert_eq!(night[5], "2026-03-29T08:00:00+02:00");
    assert_eq!(night[6], "480");
    assert_eq!(night[7], "doctor");
    // The awkward name survives quoting, with the formula guard only where the name starts with '='.
    assert!(rows.iter().any(|row| row[3] == "Ola \"<b>\" Nordmann, & Co; =1+1"));
    let day_row = rows.iter().find(|row| row[1] == "D").unwrap();
    assert!(day_row[2].starts_with("Dagvakt, lang; med \"sitat\""));
}

#[test]
fn html_lists_every_person_escaped_with_shading_colours_and_violations() {
    let (mut input, assignments) = roster();
    input.cover.push(cover(date(2026, 3, 30), "D", 2, 2));
    let start = Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0).unwrap();
    input.staff[0].unavailability.push(allmenn_legevakt::plan::Unavailability {
        start,
        end: start + chrono::Duration::days(1),
        reason: allmenn_legevakt::plan::AbsenceReason::Vacation,
    });
    let file =
        export(ExportFormat::Html, &input, &assignments, &options(ExportScope::District, true)).unwrap();
    assert_eq!(file.content_type, "text/html; charset=utf-8");
    let html = String::from_utf8(file.content).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print"));
    for member in &input.staff {
        let escaped = allmenn_legevakt::export::escape_html(&member.full_name());
        assert!(html.contains(&escaped), "{escaped}");
    }
    assert!(!html.contains("<b>\""), "raw markup from a name must not appear");
    assert!(html.contains("Ola &quot;&lt;b&gt;&quot; Nordmann, &amp; Co; =1+1"));
    // Saturday 28 and Sunday 29 March are shaded; 2. påskedag is not in the period, skjærtorsdag
    // (2 April) neither.
    assert_eq!(html.matches("<th class=\"day weekend\"").count(), 2);
    // The custom colour is used; a malformed one falls back to the category's.
    assert!(html.contains("background:#112233"));
    assert!(!html.contains("javascript"));
    assert!(html.contains("background:#F28E2B"));
    // Violations are marked: D on 30 March lacks a second doctor (the cover row), and the first
    // doctor's night that day falls in their unavailability (their cell).
    assert!(html.contains("class=\"violation\" title=\"1 of minimum 2 on D on 2026-03-30"));
    assert!(html.contains("<td class=\"violation\" title=\"unavailable 2026-03-30 00:00 – 2026-03-31 00:00, overlapping N on 2026-03-30\">"));
    // Without violations asked for, none are marked.
    let plain =
        export(ExportFormat::Html, &input, &assignments, &options(ExportScope::District, false)).unwrap();
    assert!(!String::from_utf8(plain.content).unwrap().contains("violation\" title"));
}
