//! Exports of a roster: iCalendar (RFC 5545), CSV (RFC 4180) and a printable HTML roster grid.
//!
//! * **iCalendar**: CRLF line endings, lines folded at 75 octets (on character boundaries), text
//!   escaped (`\\`, `\;`, `\,`, `\n`), a `VTIMEZONE` for Europe/Oslo with its daylight-saving and
//!   standard rules (last Sunday of March 02:00 → 03:00, last Sunday of October 03:00 → 02:00),
//!   `DTSTART`/`DTEND` in local time with `TZID` taken from the real instants (so a night across a
//!   change keeps its true length), one `VEVENT` per assignment with a UID that is stable per plan,
//!   shift occurrence and person, and `DTSTAMP` from the caller (the crate has no clock).
//! * **CSV**: UTF-8, comma-separated, CRLF, a header row, one row per assignment; fields with a
//!   comma, quote or line break are quoted with doubled quotes, and a name starting with `=`, `+`,
//!   `-` or `@` gets a leading `'` so that spreadsheets do not read it as a formula.
//! * **HTML**: one self-contained page (inline stylesheet with a print section): a grid of people
//!   × days with the shift codes as coloured cells (the shift type's colour, or the category's),
//!   weekends and public holidays shaded, and, when asked, violated constraints marked with a
//!   `title` tooltip. All text is HTML-escaped; colours are used only when they are `#RRGGBB`.
//!
//! File names contain the period (and a short staff id for a personal export), never a personal
//! number.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Oslo;
use uuid::Uuid;

use crate::explain::{Violation, explain};
use crate::plan::{Assignment, PlanError, PlanInput, ShiftCategory, ShiftOccurrence, ShiftType, StaffMember};

/// An exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    /// A suggested file name with its extension.
    pub file_name: String,
    /// The media type with its character set.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// iCalendar, "text/calendar".
    ICalendar,
    /// CSV, "text/csv".
    Csv,
    /// HTML roster grid, "text/html".
    Html,
}

/// Whose shifts to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportScope {
    /// The whole district.
    District,
    /// One staff member.
    StaffMember(Uuid),
}

/// What an export needs besides the plan and the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The plan's id (part of every iCalendar UID).
    pub plan_id: Uuid,
    /// The plan's display name, e.g. "Vår 2026".
    pub title: String,
    /// When the export is made (iCalendar `DTSTAMP`).
    pub generated_at: DateTime<Utc>,
    /// The plan version (iCalendar `SEQUENCE`, so that calendar programs take later versions).
    pub sequence: u32,
    /// District or one person.
    pub scope: ExportScope,
    /// HTML only: mark violated constraints.
    pub include_violations: bool,
}

/// Exports `assignments` of the plan in `format`.
pub fn export(
    format: ExportFormat,
    input: &PlanInput,
    assignments: &[Assignment],
    options: &ExportOptions,
) -> Result<ExportedFile, PlanError> {
    match format {
        ExportFormat::ICalendar => export_icalendar(input, assignments, options),
        ExportFormat::Csv => export_csv(input, assignments, options),
        ExportFormat::Html => export_html(input, assignments, options),
    }
}

/// One assignment with its occurrence and person, for the exports.
struct Row<'a> {
    occurrence: ShiftOccurrence,
    member: &'a StaffMember,
    shift_name: &'a str,
}

/// The assignments in scope with their occurrences, by start, then name.
fn rows<'a>(
    input: &'a PlanInput,
    assignments: &[Assignment],
    scope: ExportScope,
) -> Result<Vec<Row<'a>>, PlanError> {
    if let ExportScope::StaffMember(id) = scope
        && input.staff_member(id).is_none()
    {
        return Err(PlanError::UnknownStaffMember(id));
    }
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for assignment in assignments {
        if let ExportScope::StaffMember(id) = scope
            && assignment.staff_id != id
        {
            continue;
        }
        if !seen.insert((assignment.date, assignment.shift_code.as_str(), assignment.staff_id)) {
            continue;
        }
        let member = input
            .staff_member(assignment.staff_id)
            .ok_or(PlanError::UnknownStaffMember(assignment.staff_id))?;
        let shift_type = input
            .shift_type(&assignment.shift_code)
            .ok_or_else(|| PlanError::UnknownShift(assignment.shift_id()))?;
        let (min, preferred) = input.cover_of(assignment.date, &assignment.shift_code);
        let occurrence =
            ShiftOccurrence::new(shift_type, assignment.date, &input.rules.fairness_rates, min, preferred)?;
        rows.push(Row { occurrence, member, shift_name: &shift_type.name });
    }
    rows.sort_by(|a, b| {
        (a.occurrence.start, &a.occurrence.code, &a.member.family_name, &a.member.given_name, a.member.id)
            .cmp(&(
                b.occurrence.start,
                &b.occurrence.code,
                &b.member.family_name,
                &b.member.given_name,
                b.member.id,
            ))
    });
    Ok(rows)
}

fn file_name(input: &PlanInput, scope: ExportScope, extension: &str) -> String {
    let mut name =
        format!("legevakt-{}-{}", input.first_date.format("%Y-%m-%d"), input.last_date.format("%Y-%m-%d"));
    if let ExportScope::StaffMember(id) = scope {
        let simple = id.simple().to_string();
        name.push('-');
        name.push_str(&simple[..8]);
    }
    name.push('.');
    name.push_str(extension);
    name
}

// ---------------------------------------------------------------------------------------------
// iCalendar
// ---------------------------------------------------------------------------------------------

/// The Europe/Oslo time zone as a VTIMEZONE: CET/CEST under the EU rules in force since 1996.
const OSLO_VTIMEZONE: [&str; 18] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Oslo",
    "X-LIC-LOCATION:Europe/Oslo",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_ical_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other if other.is_control() => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// Appends a content line folded at 75 octets (RFC 5545 §3.1) with CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut limit = 75;
    let mut used = 0;
    for character in line.chars() {
        let width = character.len_utf8();
        if used + width > limit {
            out.push_str("\r\n ");
            // The leading space counts towards the continuation line's 75 octets.
            limit = 74;
            used = 0;
        }
        out.push(character);
        used += width;
    }
    out.push_str("\r\n");
}

fn ical_local(instant: DateTime<Utc>) -> String {
    instant.with_timezone(&Oslo).format("%Y%m%dT%H%M%S").to_string()
}

fn ical_utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The stable UID of a person's assignment to an occurrence of a plan.
pub fn ical_uid(plan_id: Uuid, shift_id: &str, staff_id: Uuid) -> String {
    format!("{}-{}-{}@allmenn.legevakt", plan_id.simple(), shift_id, staff_id.simple())
}

/// iCalendar: one VEVENT per assignment in scope, with a Europe/Oslo VTIMEZONE.
pub fn export_icalendar(
    input: &PlanInput,
    assignments: &[Assignment],
    options: &ExportOptions,
) -> Result<ExportedFile, PlanError> {
    let rows = rows(input, assignments, options.scope)?;
    let mut out = String::new();
    let mut line = |text: &str| push_folded(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Allmenn//Legevakt//NB");
    line("CALSCALE:GREGORIAN");
    // No METHOD: a file to import is no iTIP message (RFC 5545 §3.7.2 ties METHOD to the content
    // type's method parameter, and RFC 5546's PUBLISH requires an ORGANIZER on every event).
    let calendar_name = match options.scope {
        ExportScope::District => format!("Legevakt {}", options.title),
        ExportScope::StaffMember(id) => format!(
            "Legevakt {} – {}",
            options.title,
            input.staff_member(id).map(StaffMember::full_name).unwrap_or_default()
        ),
    };
    line(&format!("X-WR-CALNAME:{}", escape_ical_text(&calendar_name)));
    line("X-WR-TIMEZONE:Europe/Oslo");
    for tz_line in OSLO_VTIMEZONE {
        line(tz_line);
    }
    let stamp = ical_utc(options.generated_at);
    for row in &rows {
        let occurrence = &row.occurrence;
        let mut summary = format!("{} ({})", row.shift_name, occurrence.code);
        if options.scope == ExportScope::District {
            summary.push_str(" – ");
            summary.push_str(&row.member.full_name());
        }
        let description = format!(
            "Rolle: {}\nVakt: {} {}\nLengde: {} min",
            row_role_name(occurrence),
            occurrence.code,
            occurrence.date,
            occurrence.real_minutes
        );
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", ical_uid(options.plan_id, &occurrence.id, row.member.id)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("SEQUENCE:{}", options.sequence));
        line(&format!("DTSTART;TZID=Europe/Oslo:{}", ical_local(occurrence.start)));
        line(&format!("DTEND;TZID=Europe/Oslo:{}", ical_local(occurrence.end)));
        line(&format!("SUMMARY:{}", escape_ical_text(&summary)));
        line(&format!("DESCRIPTION:{}", escape_ical_text(&description)));
        line(&format!("CATEGORIES:{}", escape_ical_text(occurrence.category.name())));
        line("STATUS:CONFIRMED");
        line("TRANSP:OPAQUE");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    Ok(ExportedFile {
        file_name: file_name(input, options.scope, "ics"),
        content_type: "text/calendar; charset=utf-8".into(),
        content: out.into_bytes(),
    })
}

fn row_role_name(occurrence: &ShiftOccurrence) -> &'static str {
    match occurrence.role {
        crate::plan::ShiftRole::Doctor => "lege i vakt",
        crate::plan::ShiftRole::Bakvakt => "bakvakt",
        crate::plan::ShiftRole::Nurse => "sykepleier",
    }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// The CSV header.
pub const CSV_HEADER: [&str; 10] = [
    "date",
    "shift_code",
    "shift_name",
    "staff_name",
    "start",
    "end",
    "minutes",
    "role",
    "staff_id",
    "hpr_number",
];

/// Quotes a CSV field when it needs it (RFC 4180).
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A free-text field that a spreadsheet must not read as a formula.
fn csv_text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@']) { csv_field(&format!("'{value}")) } else { csv_field(value) }
}

fn rfc3339_local(instant: DateTime<Utc>) -> String {
    instant.with_timezone(&Oslo).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// CSV: a header and one row per assignment in scope, by start.
pub fn export_csv(
    input: &PlanInput,
    assignments: &[Assignment],
    options: &ExportOptions,
) -> Result<ExportedFile, PlanError> {
    let rows = rows(input, assignments, options.scope)?;
    let mut out = String::new();
    out.push_str(&CSV_HEADER.join(","));
    out.push_str("\r\n");
    for row in &rows {
        let occurrence = &row.occurrence;
        let fields = [
            occurrence.date.format("%Y-%m-%d").to_string(),
            csv_field(&occurrence.code),
            csv_text(row.shift_name),
            csv_text(&row.member.full_name()),
            rfc3339_local(occurrence.start),
            rfc3339_local(occurrence.end),
            occurrence.real_minutes.to_string(),
            occurrence.role.name().to_owned(),
            row.member.id.to_string(),
            csv_field(&row.member.hpr_number),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    Ok(ExportedFile {
        file_name: file_name(input, options.scope, "csv"),
        content_type: "text/csv; charset=utf-8".into(),
        content: out.into_bytes(),
    })
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The default colour of a category in roster grids.
pub fn category_colour(category: ShiftCategory) -> &'static str {
    match category {
        ShiftCategory::Day => "#4E79A7",
        ShiftCategory::Evening => "#F28E2B",
        ShiftCategory::Night => "#3B3B98",
        ShiftCategory::Weekend => "#59A14F",
        ShiftCategory::Holiday => "#E15759",
    }
}

/// Further colours for shift types without one of their own whose category's colour an earlier
/// type already shows (Tableau 10, less the category colours).
const SPARE_COLOURS: [&str; 6] = ["#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"];

/// The colour each shift type is shown in, by code: its own colour when it has a usable one,
/// otherwise its category's, or, where an earlier type already shows that, the first spare colour
/// nobody shows, so that two codes look alike only when there are more types than colours.
pub fn shift_colours(shift_types: &[ShiftType]) -> HashMap<&str, &str> {
    let own: Vec<Option<&str>> =
        shift_types.iter().map(|shift_type| shift_type.color.as_deref().and_then(valid_colour)).collect();
    let mut shown: Vec<&str> = own.iter().flatten().copied().collect();
    let mut colours = HashMap::new();
    for (shift_type, own) in shift_types.iter().zip(own) {
        let colour = own.unwrap_or_else(|| {
            let category = category_colour(shift_type.category);
            let colour = if shown.contains(&category) {
                SPARE_COLOURS.into_iter().find(|spare| !shown.contains(spare)).unwrap_or(category)
            } else {
                category
            };
            shown.push(colour);
            colour
        });
        colours.insert(shift_type.code.as_str(), colour);
    }
    colours
}

/// A usable "#RRGGBB" colour, or `None`.
fn valid_colour(colour: &str) -> Option<&str> {
    let hex = colour.strip_prefix('#')?;
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(colour)
}

/// Black or white text, whichever reads better on `colour` ("#RRGGBB").
fn text_colour(colour: &str) -> &'static str {
    let channel = |range: std::ops::Range<usize>| u32::from_str_radix(&colour[range], 16).unwrap_or(0);
    let (red, green, blue) = (channel(1..3), channel(3..5), channel(5..7));
    // Perceived brightness (ITU-R BT.601 weights).
    if red * 299 + green * 587 + blue * 114 > 150_000 { "#000000" } else { "#FFFFFF" }
}

const WEEKDAYS_NB: [&str; 7] = ["ma", "ti", "on", "to", "fr", "lø", "sø"];

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:1.5rem;color:#222}\
h1{font-size:1.3rem;margin:0 0 .3rem}\
p.period{margin:0 0 1rem;color:#555}\
table.roster{border-collapse:collapse;font-size:.8rem}\
table.roster th,table.roster td{border:1px solid #ccc;padding:2px 3px;text-align:center;min-width:2.2em}\
table.roster th.name{text-align:left;white-space:nowrap;min-width:10em}\
table.roster th.day{font-weight:normal;line-height:1.15}\
.weekend{background:#f1f1f1}\
.holiday{background:#fde2e2}\
span.shift{display:inline-block;border-radius:3px;padding:0 3px;margin:1px 0;font-weight:600}\
.violation{outline:2px solid #d00;outline-offset:-2px}\
th.violation{color:#b00}\
tr.cover th{text-align:left}\
table.legend{margin-top:1rem;font-size:.8rem;border-collapse:collapse}\
table.legend td{padding:2px 6px}\
@media print{@page{size:A4 landscape;margin:8mm}body{margin:0;font-size:9pt}\
table.roster{font-size:7pt}table.roster th,table.roster td{padding:1px}\
span.shift,.weekend,.holiday{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
thead{display:table-header-group}tr{page-break-inside:avoid}}";

/// HTML: a printable roster grid of people × days.
pub fn export_html(
    input: &PlanInput,
    assignments: &[Assignment],
    options: &ExportOptions,
) -> Result<ExportedFile, PlanError> {
    let rows = rows(input, assignments, options.scope)?;
    let dates = input.dates();
    let violations: Vec<Violation> =
        if options.include_violations { explain(input, assignments)?.violations } else { Vec::new() };

    // Cells: person → date → occurrences starting that day.
    let mut cells: HashMap<Uuid, BTreeMap<NaiveDate, Vec<&Row<'_>>>> = HashMap::new();
    for row in &rows {
        cells.entry(row.member.id).or_default().entry(row.occurrence.date).or_default().push(row);
    }
    let mut people: Vec<&StaffMember> = match options.scope {
        ExportScope::District => input.staff.iter().collect(),
        ExportScope::StaffMember(id) => input.staff.iter().filter(|member| member.id == id).collect(),
    };
    people.sort_by(|a, b| {
        (a.profession, &a.family_name, &a.given_name, a.id).cmp(&(
            b.profession,
            &b.family_name,
            &b.given_name,
            b.id,
        ))
    });

    let mut by_person_day: HashMap<(Uuid, NaiveDate), Vec<&Violation>> = HashMap::new();
    let mut by_person: HashMap<Uuid, Vec<&Violation>> = HashMap::new();
    let mut by_day: HashMap<NaiveDate, Vec<&Violation>> = HashMap::new();
    for violation in &violations {
        match (violation.staff_id, violation.date) {
            (Some(id), Some(date)) => by_person_day.entry((id, date)).or_default().push(violation),
            (Some(id), None) => by_person.entry(id).or_default().push(violation),
            (None, Some(date)) => by_day.entry(date).or_default().push(violation),
            (None, None) => {}
        }
    }
    let tooltip = |list: &[&Violation]| -> String {
        escape_html(&list.iter().map(|violation| violation.message.as_str()).collect::<Vec<_>>().join("\n"))
    };
    let day_class = |date: NaiveDate| -> &'static str {
        if allmenn_domain::holidays::is_public_holiday(date).is_some() {
            " holiday"
        } else if allmenn_domain::calendar::is_weekend(date) {
            " weekend"
        } else {
            ""
        }
    };

    let colours = shift_colours(&input.shift_types);
    let mut html = String::new();
    let title = match options.scope {
        ExportScope::District => format!("Legevakt – {}", options.title),
        ExportScope::StaffMember(_) => format!(
            "Legevakt – {} – {}",
            options.title,
            people.first().map(|member| member.full_name()).unwrap_or_default()
        ),
    };
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"period\">{} – {}</p>\n",
        escape_html(&title),
        escape_html(&title),
        input.first_date.format("%d.%m.%Y"),
        input.last_date.format("%d.%m.%Y")
    );
    html.push_str("<table class=\"roster\">\n<thead><tr><th class=\"name\">Navn</th>");
    for date in &dates {
        let holiday = allmenn_domain::holidays::is_public_holiday(*date);
        let title_attribute = holiday
            .map(|holiday| format!(" title=\"{}\"", escape_html(holiday.norwegian_name())))
            .unwrap_or_default();
        let _ = write!(
            html,
            "<th class=\"day{}\"{}>{}<br>{}</th>",
            day_class(*date),
            title_attribute,
            WEEKDAYS_NB[date.weekday().num_days_from_monday() as usize],
            date.format("%d.%m")
        );
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for member in &people {
        let person_violations = by_person.get(&member.id).map(Vec::as_slice).unwrap_or(&[]);
        if person_violations.is_empty() {
            let _ = write!(
                html,
                "<tr><th class=\"name\" scope=\"row\">{}</th>",
                escape_html(&member.full_name())
            );
        } else {
            let _ = write!(
                html,
                "<tr><th class=\"name violation\" scope=\"row\" title=\"{}\">{}</th>",
                tooltip(person_violations),
                escape_html(&member.full_name())
            );
        }
        let person_cells = cells.get(&member.id);
        for date in &dates {
            let cell_violations = by_person_day.get(&(member.id, *date)).map(Vec::as_slice).unwrap_or(&[]);
            let mut class = day_class(*date).trim_start().to_owned();
            let mut title_attribute = String::new();
            if !cell_violations.is_empty() {
                if !class.is_empty() {
                    class.push(' ');
                }
                class.push_str("violation");
                title_attribute = format!(" title=\"{}\"", tooltip(cell_violations));
            }
            if class.is_empty() {
                let _ = write!(html, "<td{title_attribute}>");
            } else {
                let _ = write!(html, "<td class=\"{class}\"{title_attribute}>");
            }
            for row in person_cells.and_then(|days| days.get(date)).map(Vec::as_slice).unwrap_or(&[]) {
                let occurrence = &row.occurrence;
                let background = colours
                    .get(occurrence.code.as_str())
                    .copied()
                    .unwrap_or_else(|| category_colour(occurrence.category));
                let _ = write!(
                    html,
                    "<span class=\"shift\" style=\"background:{background};color:{}\" title=\"{}\">{}</span>",
                    text_colour(background),
                    escape_html(&format!(
                        "{} {}–{}",
                        row.shift_name,
                        occurrence.start.with_timezone(&Oslo).format("%H:%M"),
                        occurrence.end.with_timezone(&Oslo).format("%H:%M")
                    )),
                    escape_html(&occurrence.code)
                );
            }
            html.push_str("</td>");
        }
        html.push_str("</tr>\n");
    }
    if options.include_violations && options.scope == ExportScope::District {
        html.push_str("<tr class=\"cover\"><th class=\"name\" scope=\"row\">Dekning</th>");
        for date in &dates {
            match by_day.get(date) {
                Some(list) => {
                    let _ = write!(html, "<td class=\"violation\" title=\"{}\">!</td>", tooltip(list));
                }
                None => html.push_str("<td></td>"),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n<table class=\"legend\">\n");
    for shift_type in &input.shift_types {
        let background = colours
            .get(shift_type.code.as_str())
            .copied()
            .unwrap_or_else(|| category_colour(shift_type.category));
        let end_minutes = shift_type.start_time.hour_minute_total() + shift_type.length_minutes;
        let _ = writeln!(
            html,
            "<tr><td><span class=\"shift\" style=\"background:{background};color:{}\">{}</span></td><td>{}</td><td>{} + {} min{}</td></tr>",
            text_colour(background),
            escape_html(&shift_type.code),
            escape_html(&shift_type.name),
            shift_type.start_time.format("%H:%M"),
            shift_type.length_minutes,
            if end_minutes > 24 * 60 { " (over midnatt)" } else { "" }
        );
    }
    html.push_str("</table>\n</body>\n</html>\n");
    Ok(ExportedFile {
        file_name: file_name(input, options.scope, "html"),
        content_type: "text/html; charset=utf-8".into(),
        content: html.into_bytes(),
    })
}

/// Minutes since midnight of a clock time.
trait MinutesOfDay {
    fn hour_minute_total(&self) -> u32;
}

impl MinutesOfDay for chrono::NaiveTime {
    fn hour_minute_total(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "æøå".repeat(40));
        push_folded(&mut out, &line);
        for physical in out.split("\r\n").filter(|line| !line.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end_matches("\r\n"), line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_ical_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(
            escape_html("<b>\"Ola\" & 'Kari'</b>"),
            "&lt;b&gt;&quot;Ola&quot; &amp; &#39;Kari&#39;&lt;/b&gt;"
        );
        assert_eq!(csv_field("Nordmann, \"Ola\""), "\"Nordmann, \"\"Ola\"\"\"");
        assert_eq!(csv_text("=SUM(A1)"), "'=SUM(A1)");
    }

    #[test]
    fn shift_types_without_a_colour_of_their_own_look_different() {
        use crate::plan::{ShiftCategory, ShiftMode, ShiftRole, ShiftType};
        let shift = |code: &str, category, color: Option<&str>| ShiftType {
            code: code.into(),
            name: code.into(),
            start_time: chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
            length_minutes: 420,
            category,
            mode: ShiftMode::OnSite,
            role: ShiftRole::Doctor,
            fairness_points: None,
            color: color.map(str::to_owned),
            min_rest_hours_after: None,
        };
        let types = [
            shift("K", ShiftCategory::Evening, None),
            shift("BV", ShiftCategory::Evening, None),
            shift("SK", ShiftCategory::Evening, None),
            shift("X", ShiftCategory::Day, Some("#76B7B2")),
            shift("D", ShiftCategory::Day, Some("not a colour")),
        ];
        let colours = shift_colours(&types);
        assert_eq!(colours["K"], "#F28E2B", "the first of a category keeps its colour");
        assert_eq!(colours["X"], "#76B7B2", "a colour of its own is kept");
        assert_eq!(colours["D"], "#4E79A7", "a malformed colour falls back to the category's");
        // The spares skip the colour X shows.
        assert_eq!((colours["BV"], colours["SK"]), ("#EDC948", "#B07AA1"));
    }

    #[test]
    fn colours_are_checked_and_contrasted() {
        assert_eq!(valid_colour("#A1B2C3"), Some("#A1B2C3"));
        assert_eq!(valid_colour("red;background:url(x)"), None);
        assert_eq!(text_colour("#FFFF00"), "#000000");
        assert_eq!(text_colour("#3B3B98"), "#FFFFFF");
    }
}
