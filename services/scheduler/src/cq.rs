//! Reader for the Curtois–Qu staff-scheduling benchmark (the plain-text `InstanceN.txt` files
//! and the tab-separated roster grids), compiled into the general [`Model`].
//!
//! The format is described in `shared/benchmarks/shift-scheduling/FORMAT.md`; the reader follows
//! it strictly: LF or CRLF line endings, `#` comment lines, sections keyed by their header (not by
//! position), `-0` read as 0, forward references between shift types resolved after all types are
//! known, and a shift type missing from an employee's `MaxShifts` list is an error rather than a
//! guessed default. Every malformed line is reported with its 1-based line number.
//!
//! Compilation: `CannotFollow` becomes forbidden successions at day offset 1; cover lines become
//! [`Cover`] with `min = 0`, `preferred = Requirement`, `weight_under_preferred = WeightUnder` and
//! `weight_over_preferred = WeightOver`; day 0 is a Monday; no skills, supervision or fairness.
//! The resulting model scores rosters exactly as the benchmark's §4–§5 define.

use std::collections::HashMap;

use thiserror::Error;

use crate::model::{
    Cover, Employee, ForbiddenSuccession, Model, ModelError, ModelSpec, Request, RequestKind, Roster,
    ShiftType, Weekday,
};

/// What is wrong with a benchmark file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// A malformed or inconsistent line.
    #[error("line {line}: {reason}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A required section is absent.
    #[error("section {0} is missing")]
    MissingSection(&'static str),
    /// The cover grid lacks a (day, shift type) pair.
    #[error("section SECTION_COVER (line {line}) has no line for day {day} and shift {shift}")]
    MissingCover {
        /// Line of the section header.
        line: usize,
        /// Day without cover.
        day: usize,
        /// Shift type without cover.
        shift: String,
    },
    /// A roster grid has the wrong number of employee lines.
    #[error("roster has {found} employee lines, expected {expected}")]
    RosterLineCount {
        /// Employees in the instance.
        expected: usize,
        /// Lines in the grid.
        found: usize,
    },
    /// The parsed data does not form a valid model.
    #[error("invalid model: {0}")]
    Model(#[from] ModelError),
}

fn line_error(line: usize, reason: impl Into<String>) -> ParseError {
    ParseError::Line { line, reason: reason.into() }
}

const SECTIONS: [&str; 7] = [
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
];

/// A data line with its 1-based number.
struct DataLine<'a> {
    number: usize,
    text: &'a str,
}

/// Lines of one section, and the line number of its header.
struct Section<'a> {
    header_line: usize,
    lines: Vec<DataLine<'a>>,
}

/// Reads a whole integer: optional `-`, then digits. `-0` is 0; other negatives are rejected
/// because every number in the format is non-negative in meaning.
fn parse_number(line: usize, field: &str, what: &str) -> Result<u64, ParseError> {
    let digits = field.strip_prefix('-').unwrap_or(field);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(line_error(line, format!("{what} `{field}` is not an integer")));
    }
    let value: u64 =
        digits.parse().map_err(|_| line_error(line, format!("{what} `{field}` is too large")))?;
    if field.starts_with('-') && value != 0 {
        return Err(line_error(line, format!("{what} `{field}` is negative")));
    }
    Ok(value)
}

fn parse_u32(line: usize, field: &str, what: &str) -> Result<u32, ParseError> {
    let value = parse_number(line, field, what)?;
    u32::try_from(value).map_err(|_| line_error(line, format!("{what} `{field}` is too large")))
}

fn parse_day(line: usize, field: &str, days: usize) -> Result<usize, ParseError> {
    let day = parse_number(line, field, "day")?;
    usize::try_from(day)
        .ok()
        .filter(|&day| day < days)
        .ok_or_else(|| line_error(line, format!("day {field} is outside the horizon of {days} days")))
}

fn check_identifier(line: usize, field: &str, what: &str) -> Result<(), ParseError> {
    if field.is_empty() || !field.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(line_error(line, format!("{what} `{field}` is not an identifier")));
    }
    Ok(())
}

fn fields<'a>(data: &DataLine<'a>, expected: usize, section: &str) -> Result<Vec<&'a str>, ParseError> {
    let fields: Vec<&str> = data.text.split(',').collect();
    if fields.len() != expected {
        return Err(line_error(
            data.number,
            format!("{section} line has {} fields, expected {expected}", fields.len()),
        ));
    }
    Ok(fields)
}

fn split_sections(text: &str) -> Result<HashMap<&'static str, Section<'_>>, ParseError> {
    let mut sections: HashMap<&'static str, Section<'_>> = HashMap::new();
    let mut current: Option<&'static str> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("SECTION_") {
            let Some(&name) = SECTIONS.iter().find(|&&name| name == line) else {
                return Err(line_error(number, format!("unknown section `{line}`")));
            };
            if sections.contains_key(name) {
                return Err(line_error(number, format!("section {name} appears twice")));
            }
            sections.insert(name, Section { header_line: number, lines: Vec::new() });
            current = Some(name);
            continue;
        }
        let Some(name) = current else {
            return Err(line_error(number, "data before the first section header"));
        };
        if line.contains([' ', '\t']) {
            return Err(line_error(number, "unexpected whitespace"));
        }
        sections.get_mut(name).expect("current section exists").lines.push(DataLine { number, text: line });
    }
    Ok(sections)
}

/// Parses a benchmark instance (`InstanceN.txt`) and compiles it into a [`Model`].
pub fn parse_instance(text: &str) -> Result<Model, ParseError> {
    let sections = split_sections(text)?;
    let section = |name: &'static str| sections.get(name).ok_or(ParseError::MissingSection(name));

    // Horizon: exactly one integer.
    let horizon = section("SECTION_HORIZON")?;
    let days = match horizon.lines.as_slice() {
        [only] => {
            let days = parse_number(only.number, only.text, "horizon")?;
            usize::try_from(days)
                .ok()
                .filter(|&d| d > 0)
                .ok_or_else(|| line_error(only.number, "horizon must be positive"))?
        }
        [] => return Err(line_error(horizon.header_line, "SECTION_HORIZON has no data line")),
        [_, second, ..] => {
            return Err(line_error(second.number, "SECTION_HORIZON has more than one data line"));
        }
    };

    // Shifts: read every identifier first, because CannotFollow may name later shifts.
    let shifts_section = section("SECTION_SHIFTS")?;
    let mut shift_fields = Vec::new();
    let mut shift_index: HashMap<&str, usize> = HashMap::new();
    for data in &shifts_section.lines {
        let f = fields(data, 3, "SECTION_SHIFTS")?;
        check_identifier(data.number, f[0], "shift ID")?;
        if shift_index.insert(f[0], shift_fields.len()).is_some() {
            return Err(line_error(data.number, format!("shift `{}` is defined twice", f[0])));
        }
        shift_fields.push((data.number, f));
    }
    if shift_fields.is_empty() {
        return Err(line_error(shifts_section.header_line, "SECTION_SHIFTS defines no shift type"));
    }
    let shift_count = shift_fields.len();
    let mut shift_types = Vec::with_capacity(shift_count);
    let mut forbidden_successions = Vec::new();
    for (first, (number, f)) in shift_fields.iter().enumerate() {
        let length_minutes = parse_u32(*number, f[1], "shift length")?;
        shift_types.push(ShiftType {
            code: f[0].to_string(),
            length_minutes,
            required_skill: None,
            following_days_held: 0,
        });
        if f[2].is_empty() {
            continue;
        }
        for name in f[2].split('|') {
            let then = *shift_index
                .get(name)
                .ok_or_else(|| line_error(*number, format!("CannotFollow names unknown shift `{name}`")))?;
            forbidden_successions.push(ForbiddenSuccession { first, then: Some(then), day_offset: 1 });
        }
    }

    // Staff.
    let staff = section("SECTION_STAFF")?;
    let mut employees: Vec<Employee> = Vec::new();
    let mut employee_index: HashMap<&str, usize> = HashMap::new();
    for data in &staff.lines {
        let f = fields(data, 8, "SECTION_STAFF")?;
        check_identifier(data.number, f[0], "employee ID")?;
        if employee_index.insert(f[0], employees.len()).is_some() {
            return Err(line_error(data.number, format!("employee `{}` is defined twice", f[0])));
        }
        let mut max_shifts: Vec<Option<u32>> = vec![None; shift_count];
        for item in f[1].split('|') {
            let Some((name, value)) = item.split_once('=') else {
                return Err(line_error(data.number, format!("MaxShifts item `{item}` is not `shift=max`")));
            };
            let shift = *shift_index
                .get(name)
                .ok_or_else(|| line_error(data.number, format!("MaxShifts names unknown shift `{name}`")))?;
            if max_shifts[shift].replace(parse_u32(data.number, value, "MaxShifts value")?).is_some() {
                return Err(line_error(data.number, format!("MaxShifts lists shift `{name}` twice")));
            }
        }
        let max_shifts_per_type = max_shifts
            .iter()
            .enumerate()
            .map(|(shift, max)| {
                max.ok_or_else(|| {
                    line_error(
                        data.number,
                        format!("MaxShifts has no entry for shift `{}`", shift_types[shift].code),
                    )
                })
            })
            .collect::<Result<Vec<u32>, ParseError>>()?;
        employees.push(Employee {
            code: f[0].to_string(),
            max_shifts_per_type,
            max_total_minutes: parse_u32(data.number, f[2], "MaxTotalMinutes")?,
            min_total_minutes: parse_u32(data.number, f[3], "MinTotalMinutes")?,
            max_consecutive_working_days: parse_u32(data.number, f[4], "MaxConsecutiveShifts")?,
            min_consecutive_working_days: parse_u32(data.number, f[5], "MinConsecutiveShifts")?,
            min_consecutive_days_off: parse_u32(data.number, f[6], "MinConsecutiveDaysOff")?,
            max_weekends: parse_u32(data.number, f[7], "MaxWeekends")?,
            days_off: Vec::new(),
            unavailable: Vec::new(),
            skills: Vec::new(),
            share_permille: 1000,
            fairness_balance: 0,
        });
    }
    let lookup_employee = |number: usize, name: &str| {
        employee_index
            .get(name)
            .copied()
            .ok_or_else(|| line_error(number, format!("unknown employee `{name}`")))
    };
    let lookup_shift = |number: usize, name: &str| {
        shift_index.get(name).copied().ok_or_else(|| line_error(number, format!("unknown shift `{name}`")))
    };

    // Days off: repeated lines for one employee are merged.
    for data in &section("SECTION_DAYS_OFF")?.lines {
        let mut f = data.text.split(',');
        let employee = lookup_employee(data.number, f.next().unwrap_or(""))?;
        for field in f {
            let day = parse_day(data.number, field, days)?;
            if !employees[employee].days_off.contains(&day) {
                employees[employee].days_off.push(day);
            }
        }
    }

    // Requests.
    let mut requests = Vec::new();
    for (name, kind) in
        [("SECTION_SHIFT_ON_REQUESTS", RequestKind::On), ("SECTION_SHIFT_OFF_REQUESTS", RequestKind::Off)]
    {
        for data in &section(name)?.lines {
            let f = fields(data, 4, name)?;
            requests.push(Request {
                employee: lookup_employee(data.number, f[0])?,
                day: parse_day(data.number, f[1], days)?,
                shift: Some(lookup_shift(data.number, f[2])?),
                kind,
                weight: parse_u32(data.number, f[3], "request weight")?,
            });
        }
    }

    // Cover: every (day, shift type) exactly once.
    let cover_section = section("SECTION_COVER")?;
    let mut cover: Vec<Vec<Option<Cover>>> = vec![vec![None; shift_count]; days];
    for data in &cover_section.lines {
        let f = fields(data, 5, "SECTION_COVER")?;
        let day = parse_day(data.number, f[0], days)?;
        let shift = lookup_shift(data.number, f[1])?;
        let line_cover = Cover {
            min: 0,
            preferred: parse_u32(data.number, f[2], "cover requirement")?,
            weight_under_min: 0,
            weight_under_preferred: parse_u32(data.number, f[3], "weight under")?,
            weight_over_preferred: parse_u32(data.number, f[4], "weight over")?,
        };
        if cover[day][shift].replace(line_cover).is_some() {
            return Err(line_error(
                data.number,
                format!("second cover line for day {day} and shift `{}`", f[1]),
            ));
        }
    }
    let cover = cover
        .into_iter()
        .enumerate()
        .map(|(day, row)| {
            row.into_iter()
                .enumerate()
                .map(|(shift, c)| {
                    c.ok_or_else(|| ParseError::MissingCover {
                        line: cover_section.header_line,
                        day,
                        shift: shift_types[shift].code.clone(),
                    })
                })
                .collect::<Result<Vec<Cover>, ParseError>>()
        })
        .collect::<Result<Vec<Vec<Cover>>, ParseError>>()?;

    Ok(Model::new(ModelSpec {
        days,
        first_weekday: Weekday::Monday,
        shift_types,
        forbidden_successions,
        employees,
        requests,
        cover,
        supervision: Vec::new(),
        fairness: None,
    })?)
}

/// Parses a tab-separated roster grid: one line per employee in the instance's order, one cell
/// per day holding a shift code or nothing for a day off. A trailing tab after the last day and a
/// final newline are accepted.
pub fn parse_roster(model: &Model, text: &str) -> Result<Roster, ParseError> {
    let codes: HashMap<&str, usize> =
        model.shift_types().iter().enumerate().map(|(index, shift)| (shift.code.as_str(), index)).collect();
    let mut lines: Vec<&str> = text.split('\n').map(|raw| raw.strip_suffix('\r').unwrap_or(raw)).collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    if lines.len() != model.employee_count() {
        return Err(ParseError::RosterLineCount { expected: model.employee_count(), found: lines.len() });
    }
    let days = model.days();
    let mut rows = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let mut cells: Vec<&str> = line.split('\t').collect();
        if cells.len() == days + 1 && cells[days].is_empty() {
            cells.pop();
        }
        if cells.len() != days {
            return Err(line_error(
                number,
                format!("roster line has {} cells, expected {days}", cells.len()),
            ));
        }
        let row = cells
            .iter()
            .map(|cell| {
                if cell.is_empty() {
                    Ok(None)
                } else {
                    codes
                        .get(cell)
                        .map(|&s| Some(s))
                        .ok_or_else(|| line_error(number, format!("unknown shift `{cell}`")))
                }
            })
            .collect::<Result<Vec<_>, ParseError>>()?;
        rows.push(row);
    }
    Ok(Roster::from_rows(rows))
}

/// Writes a roster as the tab-separated grid [`parse_roster`] reads (no trailing tab).
pub fn format_roster(model: &Model, roster: &Roster) -> String {
    let mut out = String::new();
    for employee in 0..model.employee_count() {
        let cells: Vec<&str> = roster
            .row(employee)
            .iter()
            .map(|cell| cell.map_or("", |shift| model.shift_types()[shift].code.as_str()))
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}
