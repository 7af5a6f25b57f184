//! Conversions shared by every service: dates, instants, etags, identifiers and page tokens.

use allmenn_proto::v1 as pb;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use crate::error::Violations;

/// `allmenn.v1.Date` → calendar date; `None` with a violation when it is not a real date of the
/// years 1 to 9999 the message allows (chrono reaches further, where date arithmetic overflows).
pub fn date(violations: &mut Violations, field: &str, value: Option<&pb::Date>) -> Option<NaiveDate> {
    let value = value?;
    if !(1..=9999).contains(&value.year) {
        violations.add(field, "the year must be between 1 and 9999");
        return None;
    }
    let parsed = u32::try_from(value.month)
        .ok()
        .zip(u32::try_from(value.day).ok())
        .and_then(|(month, day)| NaiveDate::from_ymd_opt(value.year, month, day));
    if parsed.is_none() {
        violations.add(field, "is not a valid calendar date");
    }
    parsed
}

/// Calendar date → `allmenn.v1.Date`.
pub fn to_date(value: NaiveDate) -> pb::Date {
    pb::Date {
        year: value.year(),
        month: i32::try_from(value.month()).unwrap_or_default(),
        day: i32::try_from(value.day()).unwrap_or_default(),
    }
}

/// Instant → `google.protobuf.Timestamp`.
pub fn to_timestamp(value: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: value.timestamp(),
        nanos: i32::try_from(value.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

/// `google.protobuf.Timestamp` → instant; `None` with a violation outside 0001-01-01 to 9999-12-31
/// (UTC), the range the Timestamp message allows. Chrono reaches further, where converting to
/// Norwegian time panics.
pub fn timestamp(
    violations: &mut Violations,
    field: &str,
    value: &prost_types::Timestamp,
) -> Option<DateTime<Utc>> {
    const FIRST_SECOND: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
    const LAST_SECOND: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let parsed = u32::try_from(value.nanos)
        .ok()
        .filter(|_| (FIRST_SECOND..=LAST_SECOND).contains(&value.seconds))
        .and_then(|nanos| DateTime::from_timestamp(value.seconds, nanos));
    if parsed.is_none() {
        violations.add(field, "is not a valid timestamp (years 1 to 9999)");
    }
    parsed
}

/// A stored version → etag. Quoted, as HTTP entity tags are, so that clients treat it as opaque.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// A server-assigned resource id.
pub fn resource_id(violations: &mut Violations, field: &str, value: &str) -> Option<Uuid> {
    if value.is_empty() {
        violations.add(field, "is required");
        return None;
    }
    let parsed = Uuid::parse_str(value).ok();
    if parsed.is_none() {
        violations.add(field, "is not a valid id");
    }
    parsed
}

/// A required, trimmed, bounded text field.
pub fn text(violations: &mut Violations, field: &str, value: &str, max_chars: usize) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        violations.add(field, "is required");
        return None;
    }
    if trimmed.chars().count() > max_chars {
        violations.add(field, format!("must be at most {max_chars} characters"));
        return None;
    }
    // Names and codes are single lines: a tab or line break inside one breaks every line-oriented
    // listing of them (exports, the CLI).
    if trimmed.chars().any(char::is_control) {
        violations.add(field, "must be one line, without tabs or other control characters");
        return None;
    }
    Some(trimmed.to_owned())
}

/// Page size: 0 means the default, larger than the maximum is clamped (AIP-158), negative is invalid.
pub fn page_size(violations: &mut Violations, value: i32, default: u64, maximum: u64) -> u64 {
    match u64::try_from(value) {
        Ok(0) => default,
        Ok(size) => size.min(maximum),
        Err(_) => {
            violations.add("page_size", "must not be negative");
            default
        }
    }
}

const PAGE_TOKEN_PREFIX: &str = "after.";

/// Decodes a page token made by [`page_token`] for the same `scope` (the request's filters);
/// empty means the first page. A token issued for other filters is INVALID_ARGUMENT.
pub fn page_cursor(violations: &mut Violations, value: &str, scope: &str) -> Option<Uuid> {
    if value.is_empty() {
        return None;
    }
    let cursor = value
        .strip_prefix(PAGE_TOKEN_PREFIX)
        .and_then(|rest| rest.split_once('.'))
        .filter(|(_, issued_for)| *issued_for == scope_mark(scope))
        .and_then(|(id, _)| Uuid::parse_str(id).ok());
    if cursor.is_none() {
        violations.add("page_token", "is not a token this service issued for this request");
    }
    cursor
}

/// The token for the page after the row `last_id`, for a request with the filters `scope`.
pub fn page_token(last_id: Uuid, scope: &str) -> String {
    format!("{PAGE_TOKEN_PREFIX}{}.{}", last_id.simple(), scope_mark(scope))
}

/// A short mark of a request's filters, carried in its page tokens.
fn scope_mark(scope: &str) -> String {
    scope_mark_of(scope.as_bytes())
}

fn scope_mark_of(bytes: &[u8]) -> String {
    format!("{:016x}", allmenn_store::idempotency::fingerprint(bytes))
}

const AFTER_TOKEN_PREFIX: &str = "after.";

/// What a list request asks for without its paging, as a mark its page tokens carry: a token is
/// good only for the request it was issued for (common.proto). `paging` names the request's
/// `page_size` and `page_token`, which are left out.
pub fn page_scope<M: prost::Message + Clone>(
    request: &M,
    paging: impl FnOnce(&mut M) -> (&mut i32, &mut String),
) -> String {
    let mut unpaged = request.clone();
    let (size, token) = paging(&mut unpaged);
    *size = 0;
    token.clear();
    scope_mark_of(&unpaged.encode_to_vec())
}

/// One page of a modest-sized list (staff, shift types, plans...) in the order of `key`, a string
/// unique per item whose byte order is the list's order (see the `*_key` helpers). A page token
/// holds the key of the last item given and the request's [`page_scope`], and the next page goes
/// on with the first item whose key is greater: items added, removed or renamed meanwhile neither
/// repeat nor hide others (a renamed item shows where its new key puts it). Returns the page and
/// the next token (empty on the last page).
pub fn ordered_page<T>(
    violations: &mut Violations,
    items: Vec<T>,
    requested_size: i32,
    page_token: &str,
    scope: &str,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, String) {
    let size = usize::try_from(page_size(violations, requested_size, 100, 1000)).unwrap_or(100);
    let after = if page_token.is_empty() {
        None
    } else {
        let parsed = page_token
            .strip_prefix(AFTER_TOKEN_PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .filter(|(_, issued_for)| *issued_for == scope)
            .and_then(|(last, _)| from_hex(last));
        if parsed.is_none() {
            violations.add("page_token", "is not a token this service issued for this request");
        }
        parsed
    };
    let mut keyed: Vec<(String, T)> = items.into_iter().map(|item| (key(&item), item)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut page: Vec<(String, T)> = keyed
        .into_iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|after| key.as_bytes() > after.as_slice()))
        .collect();
    let more = page.len() > size;
    page.truncate(size);
    let token = match page.last() {
        Some((last, _)) if more => format!("{AFTER_TOKEN_PREFIX}{}.{scope}", to_hex(last.as_bytes())),
        _ => String::new(),
    };
    (page.into_iter().map(|(_, item)| item).collect(), token)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok()).collect()
}

/// Norwegian alphabetical order of a name as a key: case set aside, Æ, Ø and Å after Z (Ä, Ö
/// and Ü as Æ, Ø and Y), then the name itself so that names differing only there keep one order.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 4);
    for letter in name.chars().flat_map(char::to_lowercase) {
        match letter {
            'æ' | 'ä' => key.push_str("{a"),
            'ø' | 'ö' => key.push_str("{b"),
            'å' => key.push_str("{c"),
            'ü' => key.push('y'),
            other => key.push(other),
        }
    }
    key.push('\0');
    key.push_str(name);
    key
}

/// Ascending date order as a key: `YYYY-MM-DD` (years 1–9999).
pub fn date_key(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Descending date order as a key.
pub fn descending_date_key(date: NaiveDate) -> String {
    let number = i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day());
    format!("{:08}", 99_999_999 - number)
}

/// Ascending instant order as a key (years 1–9999).
pub fn instant_key(instant: chrono::DateTime<Utc>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%S%.9f").to_string()
}

/// Descending order of a number as a key.
pub fn descending_number_key(value: f64) -> String {
    // The bits of a float, sign flipped for positives and all flipped for negatives, order as
    // the numbers do.
    let bits = value.to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
    format!("{:016x}", !ascending)
}

const KEY_TOKEN_PREFIX: &str = "key.";

/// A position in a list ordered by a key unique per item, ascending (newest first: the negated
/// creation time, then the id).
pub type PageKey = (i64, u128);

/// One page of a list ordered by `key` ascending. The token names the last key given and the next
/// page starts after it, so that items added or gone meanwhile neither repeat on the next page nor
/// hide others, as they would with offsets in a newest-first list, whose new items come first.
pub fn keyed_page<T>(
    violations: &mut Violations,
    items: Vec<T>,
    requested_size: i32,
    page_token: &str,
    key: impl Fn(&T) -> PageKey,
) -> (Vec<T>, String) {
    let size = usize::try_from(page_size(violations, requested_size, 100, 1000)).unwrap_or(100);
    let after = if page_token.is_empty() {
        None
    } else {
        let parsed = page_token.strip_prefix(KEY_TOKEN_PREFIX).and_then(|key| {
            let (first, second) = key.split_once('.')?;
            Some((first.parse::<i64>().ok()?, u128::from_str_radix(second, 16).ok()?))
        });
        if parsed.is_none() {
            violations.add("page_token", "is not a token this service issued");
        }
        parsed
    };
    let mut page: Vec<T> =
        items.into_iter().filter(|item| after.is_none_or(|after| key(item) > after)).collect();
    let more = page.len() > size;
    page.truncate(size);
    let token = match page.last() {
        Some(last) if more => {
            let (first, second) = key(last);
            format!("{KEY_TOKEN_PREFIX}{first}.{second:x}")
        }
        _ => String::new(),
    };
    (page, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_impossible_dates_are_rejected() {
        let mut violations = Violations::new();
        let leap_day = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert_eq!(date(&mut violations, "d", Some(&to_date(leap_day))), Some(leap_day));
        assert!(violations.is_empty());
        let impossible = pb::Date { year: 2027, month: 2, day: 29 };
        assert_eq!(date(&mut violations, "d", Some(&impossible)), None);
        assert!(!violations.is_empty());
        // Chrono's own range reaches year 262142, where adding a week to a date panics.
        for year in [0, 10_000, 262_142] {
            let mut violations = Violations::new();
            assert_eq!(date(&mut violations, "d", Some(&pb::Date { year, month: 12, day: 31 })), None);
            assert!(!violations.is_empty(), "{year}");
        }
        let mut violations = Violations::new();
        let last = pb::Date { year: 9999, month: 12, day: 31 };
        assert_eq!(date(&mut violations, "d", Some(&last)), NaiveDate::from_ymd_opt(9999, 12, 31));
    }

    #[test]
    fn timestamps_outside_years_1_to_9999_are_refused() {
        let mut violations = Violations::new();
        let last = prost_types::Timestamp { seconds: 253_402_300_799, nanos: 0 };
        assert!(timestamp(&mut violations, "t", &last).is_some());
        let first = prost_types::Timestamp { seconds: -62_135_596_800, nanos: 0 };
        assert!(timestamp(&mut violations, "t", &first).is_some());
        assert!(violations.is_empty());
        for seconds in [253_402_300_800, 8_210_266_876_799, -62_135_596_801] {
            let mut violations = Violations::new();
            assert!(timestamp(&mut violations, "t", &prost_types::Timestamp { seconds, nanos: 0 }).is_none());
            assert!(!violations.is_empty(), "{seconds}");
        }
    }

    #[test]
    fn page_sizes_default_clamp_and_reject_negative() {
        let mut violations = Violations::new();
        assert_eq!(page_size(&mut violations, 0, 100, 1000), 100);
        assert_eq!(page_size(&mut violations, 5000, 100, 1000), 1000);
        assert!(violations.is_empty());
        page_size(&mut violations, -1, 100, 1000);
        assert!(!violations.is_empty());
    }

    #[test]
    fn ordered_pages_go_on_after_the_last_key_given() {
        let mut violations = Violations::new();
        let key = |item: &&str| (*item).to_owned();
        let (first, token) = ordered_page(&mut violations, vec!["d", "b", "c", "e"], 2, "", "scope", key);
        assert_eq!(first, ["b", "c"], "in the order of the key");
        // An item added before the last one given, and that one removed: nothing repeats, nothing
        // hides.
        let (second, token) =
            ordered_page(&mut violations, vec!["a", "b", "d", "e", "f"], 2, &token, "scope", key);
        assert_eq!(second, ["d", "e"]);
        let (third, token) =
            ordered_page(&mut violations, vec!["a", "b", "d", "e", "f"], 2, &token, "scope", key);
        assert_eq!(third, ["f"]);
        assert!(token.is_empty(), "the last page has no token");
        // A page of exactly the rest ends the list too.
        let (_, token) = ordered_page(&mut violations, vec!["a", "b"], 2, "", "scope", key);
        assert!(token.is_empty());
        assert!(violations.is_empty());
        // A token is good only for the request it was issued for.
        let (_, token) = ordered_page(&mut violations, vec!["a", "b", "c"], 2, "", "scope", key);
        ordered_page(&mut violations, vec!["a", "b", "c"], 2, &token, "other", key);
        assert!(!violations.is_empty());
    }

    #[test]
    fn names_sort_in_norwegian_order() {
        let mut names = vec!["Åsheim", "Zahl", "Ødegård", "berg", "Ærø", "Aas", "Berg", "Müller", "Øye"];
        names.sort_by_key(|name| name_key(name));
        assert_eq!(names, ["Aas", "Berg", "berg", "Müller", "Zahl", "Ærø", "Ødegård", "Øye", "Åsheim"]);
    }

    #[test]
    fn order_keys_sort_as_their_values() {
        let dates = [(1, 1, 1), (999, 12, 31), (2026, 2, 9), (2026, 10, 1), (9999, 12, 31)]
            .map(|(year, month, day)| NaiveDate::from_ymd_opt(year, month, day).unwrap());
        for pair in dates.windows(2) {
            assert!(date_key(pair[0]) < date_key(pair[1]), "{pair:?}");
            assert!(descending_date_key(pair[0]) > descending_date_key(pair[1]), "{pair:?}");
            let instant = |date: NaiveDate| date.and_hms_opt(0, 0, 0).unwrap().and_utc();
            assert!(instant_key(instant(pair[0])) < instant_key(instant(pair[1])), "{pair:?}");
        }
        let numbers = [-1e9, -2.5, -0.0, 0.0, 1e-9, 3.0, 7e12];
        for pair in numbers.windows(2) {
            assert!(descending_number_key(pair[0]) >= descending_number_key(pair[1]), "{pair:?}");
        }
        assert!(descending_number_key(-2.5) > descending_number_key(3.0));
    }

    /// A newest-first list paged by key: an item added at the front between two pages neither
    /// repeats the first page's last item nor hides one, and a foreign token is refused.
    #[test]
    fn keyed_pages_hold_when_items_arrive_meanwhile() {
        let key = |item: &i64| (-*item, 0);
        let mut violations = Violations::new();
        let (first, token) = keyed_page(&mut violations, vec![5, 4, 3, 2, 1], 2, "", key);
        assert_eq!(first, vec![5, 4]);
        let (second, token) = keyed_page(&mut violations, vec![7, 6, 5, 4, 3, 2, 1], 2, &token, key);
        assert_eq!(second, vec![3, 2]);
        let (third, token) = keyed_page(&mut violations, vec![7, 6, 5, 4, 3, 2, 1], 2, &token, key);
        assert_eq!((third, token.as_str()), (vec![1], ""));
        assert!(violations.is_empty());
        keyed_page(&mut violations, vec![1], 2, "offset.3", key);
        assert!(!violations.is_empty());
    }

    #[test]
    fn page_tokens_round_trip_and_foreign_tokens_are_rejected() {
        let id = Uuid::now_v7();
        let mut violations = Violations::new();
        assert_eq!(page_cursor(&mut violations, &page_token(id, "list a"), "list a"), Some(id));
        assert!(violations.is_empty());
        assert_eq!(page_cursor(&mut violations, "garbage", "list a"), None);
        assert!(!violations.is_empty());
        let mut violations = Violations::new();
        assert_eq!(page_cursor(&mut violations, &page_token(id, "list a"), "list b"), None);
        assert!(!violations.is_empty(), "a token of another request is refused");
    }
}
