package metasearch

import (
	"strings"
	"time"
)

// parseDate reads a date as engines write it and returns it in UTC; the
// zero time when s is empty or in no known form. Known forms:
//
//   - ISO 8601 / RFC 3339: Atom dates, SearXNG's Python isoformat() with
//     or without an offset and fractional seconds, plain dates. Without an
//     offset, UTC is assumed.
//   - RFC 822 / RFC 1123: RSS pubDate and YaCy's date822, with or without
//     the day name, one- or two-digit days, two- or four-digit years, with
//     or without seconds, with a numeric offset or a zone name (see
//     zoneOffset; a name it does not know is taken as UTC), and with or
//     without a trailing comment such as "(PDT)".
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}
	}
	iso := [...]string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04",
		"2006-01-02",
	}
	for _, layout := range iso {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC()
		}
	}
	if i := strings.IndexByte(s, ','); i >= 0 && i <= 10 {
		s = s[i+1:] // the day name
	}
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i] // a comment
	}
	s = strings.Join(strings.Fields(s), " ")
	rfc822 := [...]string{
		"2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04:05 MST",
		"2 Jan 2006 15:04 -0700",
		"2 Jan 2006 15:04 MST",
		"2 Jan 06 15:04:05 -0700",
		"2 Jan 06 15:04:05 MST",
		"2 Jan 06 15:04 -0700",
		"2 Jan 06 15:04 MST",
		"2 Jan 2006 15:04:05",
		"2 Jan 2006",
	}
	for _, layout := range rfc822 {
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			continue
		}
		if name, off := t.Zone(); off == 0 && name != "UTC" {
			// For a zone name, ParseInLocation made up a zone of that name
			// with offset 0 (it knows only the names of time.UTC).
			if h, ok := zoneOffset(name); ok {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(),
					t.Nanosecond(), time.FixedZone(name, h*3600))
			}
		}
		return t.UTC()
	}
	return time.Time{}
}

// zoneOffset is the offset in hours of the zone names of RFC 822 §5.1 and
// of a few common unambiguous others.
func zoneOffset(name string) (hours int, ok bool) {
	switch strings.ToUpper(name) {
	case "UT", "UTC", "GMT", "Z", "WET":
		return 0, true
	case "EST":
		return -5, true
	case "EDT":
		return -4, true
	case "CDT":
		return -5, true
	case "CST":
		return -6, true
	case "MST":
		return -7, true
	case "MDT":
		return -6, true
	case "PST":
		return -8, true
	case "PDT":
		return -7, true
	case "WEST", "CET":
		return 1, true
	case "CEST", "EET":
		return 2, true
	case "EEST":
		return 3, true
	case "JST", "KST":
		return 9, true
	case "AEST":
		return 10, true
	case "AEDT":
		return 11, true
	case "NZST":
		return 12, true
	case "NZDT":
		return 13, true
	}
	return 0, false
}
