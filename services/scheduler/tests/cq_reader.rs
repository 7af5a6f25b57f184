//! The Curtois–Qu reader on small hand-written files: accepted variants (CRLF, comments, `-0`,
//! forward references, repeated day-off lines, trailing tabs) and rejected ones, each with the
//! line number of the fault.

use allmenn_scheduler::cq::{ParseError, format_roster, parse_instance, parse_roster};
use allmenn_scheduler::model::{ForbiddenSuccession, RequestKind};

/// A two-employee, one-week instance as lines (line `i` of the file is `lines[i - 1]`).
fn lines() -> Vec<String> {
    let mut lines: Vec<String> = [
        "# A comment line",
        "SECTION_HORIZON",
        "# The horizon length in days:",
        "7",
        "",
        "SECTION_SHIFTS",
        "# ShiftID, Length in mins, Shifts which cannot follow this shift | separated",
        "D,480,N",
        "N,600,",
        "",
        "SECTION_STAFF",
        "# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends",
        "A,D=7|N=2,3000,960,3,2,2,1",
        "B,D=7|N=0,3000,960,3,1,1,1",
        "",
        "SECTION_DAYS_OFF",
        "# EmployeeID, DayIndexes (start at zero)",
        "A,0",
        "B,6",
        "",
        "SECTION_SHIFT_ON_REQUESTS",
        "# EmployeeID, Day, ShiftID, Weight",
        "A,1,D,2",
        "",
        "SECTION_SHIFT_OFF_REQUESTS",
        "# EmployeeID, Day, ShiftID, Weight",
        "B,2,N,1",
        "",
        "SECTION_COVER",
        "# Day, ShiftID, Requirement, Weight for under, Weight for over",
    ]
    .iter()
    .map(|line| line.to_string())
    .collect();
    for day in 0..7 {
        lines.push(format!("{day},D,1,100,1"));
        lines.push(format!("{day},N,{},100,1", if day == 3 { "-0" } else { "1" }));
    }
    lines
}

fn text(lines: &[String]) -> String {
    lines.join("\n") + "\n"
}

fn line_of(lines: &[String], content: &str) -> usize {
    lines.iter().position(|line| line == content).expect("line present") + 1
}

fn replaced(content: &str, replacement: &str) -> (String, usize) {
    let mut lines = lines();
    let number = line_of(&lines, content);
    lines[number - 1] = replacement.to_string();
    (text(&lines), number)
}

fn error_line(text: &str) -> usize {
    match parse_instance(text) {
        Err(ParseError::Line { line, .. }) => line,
        other => panic!("expected a line error, got {other:?}"),
    }
}

#[test]
fn reads_a_well_formed_file() {
    let model = parse_instance(&text(&lines())).unwrap();
    assert_eq!((model.days(), model.employee_count(), model.shift_type_count()), (7, 2, 2));
    // `D,480,N` names N before its line: a forward reference.
    assert_eq!(
        model.forbidden_successions(),
        &[ForbiddenSuccession { first: 0, then: Some(1), day_offset: 1 }]
    );
    assert_eq!(model.employees()[0].max_shifts_per_type, vec![7, 2]);
    assert_eq!(model.employees()[1].min_consecutive_working_days, 1);
    assert_eq!(model.employees()[0].days_off, vec![0]);
    assert_eq!(model.requests().len(), 2);
    assert_eq!(model.requests()[1].kind, RequestKind::Off);
    // `-0` is zero, and the format's cover maps to preferred cover with no hard minimum.
    assert_eq!(model.cover(3, 1).preferred, 0);
    assert_eq!((model.cover(0, 0).min, model.cover(0, 0).preferred), (0, 1));
    assert_eq!(model.cover(0, 0).weight_under_preferred, 100);
}

#[test]
fn crlf_and_lf_files_read_the_same() {
    let lf = text(&lines());
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(parse_instance(&lf).unwrap(), parse_instance(&crlf).unwrap());
}

#[test]
fn sections_are_found_by_header_not_position() {
    let mut all = lines();
    // Move the horizon section to the end.
    let horizon: Vec<String> = all.drain(1..5).collect();
    all.push(String::new());
    all.extend(horizon);
    assert_eq!(parse_instance(&text(&all)).unwrap().days(), 7);
}

#[test]
fn repeated_day_off_lines_are_merged() {
    let mut all = lines();
    let at = line_of(&all, "B,6");
    all.insert(at, "A,3,4".to_string());
    let model = parse_instance(&text(&all)).unwrap();
    assert_eq!(model.employees()[0].days_off, vec![0, 3, 4]);
}

#[test]
fn a_missing_max_shifts_entry_is_an_error_on_its_line() {
    let (text, line) = replaced("B,D=7|N=0,3000,960,3,1,1,1", "B,D=7,3000,960,3,1,1,1");
    assert_eq!(error_line(&text), line);
}

#[test]
fn malformed_lines_are_rejected_with_their_number() {
    let cases = [
        ("A,D=7|N=2,3000,960,3,2,2,1", "A,D=7|N=2,3000,960,3,2,2"),
        ("A,D=7|N=2,3000,960,3,2,2,1", "A,D=7|N=2,3000,x,3,2,2,1"),
        ("A,D=7|N=2,3000,960,3,2,2,1", "A,D=7|N=2,3000,-5,3,2,2,1"),
        ("A,D=7|N=2,3000,960,3,2,2,1", "A,D=7|X=2,3000,960,3,2,2,1"),
        ("A,D=7|N=2,3000,960,3,2,2,1", "A,D7|N=2,3000,960,3,2,2,1"),
        ("D,480,N", "D,480,Q"),
        ("D,480,N", "D,480"),
        ("7", "7x"),
        ("A,0", "A,7"),
        ("A,0", "Z,0"),
        ("A,1,D,2", "A,1,Q,2"),
        ("A,1,D,2", "A,1,D"),
        ("B,2,N,1", "B,two,N,1"),
        ("0,D,1,100,1", "0,D,1,100"),
        ("1,D,1,100,1", "0,D,1,100,1"),
        ("SECTION_COVER", "SECTION_COVERS"),
        ("B,6", "B, 6"),
    ];
    for (content, replacement) in cases {
        let (text, line) = replaced(content, replacement);
        assert_eq!(error_line(&text), line, "`{replacement}`");
    }
}

#[test]
fn a_missing_cover_line_or_section_is_reported() {
    let mut all = lines();
    all.pop();
    assert!(matches!(parse_instance(&text(&all)), Err(ParseError::MissingCover { day: 6, .. })));
    let all: Vec<String> = lines().into_iter().take_while(|line| line != "SECTION_COVER").collect();
    assert_eq!(parse_instance(&text(&all)), Err(ParseError::MissingSection("SECTION_COVER")));
}

#[test]
fn data_before_any_section_is_rejected() {
    let mut all = lines();
    all.insert(0, "7".to_string());
    assert_eq!(error_line(&text(&all)), 1);
}

#[test]
fn roster_grids_round_trip_and_accept_a_trailing_tab() {
    let model = parse_instance(&text(&lines())).unwrap();
    let grid = "\tD\tD\tN\t\t\tD\t\nD\tD\t\t\tD\tD\t\t\n";
    let roster = parse_roster(&model, grid).unwrap();
    assert_eq!(roster.get(0, 3), Some(1));
    assert_eq!(roster.get(1, 6), None);
    assert_eq!(parse_roster(&model, &format_roster(&model, &roster)).unwrap(), roster);
    assert_eq!(parse_roster(&model, &grid.replace('\n', "\r\n")).unwrap(), roster);
}

#[test]
fn malformed_roster_grids_are_rejected() {
    let model = parse_instance(&text(&lines())).unwrap();
    assert_eq!(
        parse_roster(&model, "\tD\tD\tN\t\t\tD\nD\tD\t\t\tD\tD\n"),
        Err(ParseError::Line { line: 2, reason: "roster line has 6 cells, expected 7".into() })
    );
    assert!(matches!(
        parse_roster(&model, "\tD\tD\tX\t\t\tD\nD\tD\t\t\tD\tD\t\n"),
        Err(ParseError::Line { line: 1, .. })
    ));
    assert!(matches!(
        parse_roster(&model, "\tD\tD\tN\t\t\tD\n"),
        Err(ParseError::RosterLineCount { expected: 2, found: 1 })
    ));
}
