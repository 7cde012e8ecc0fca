package metasearch

import (
	"testing"
	"time"
)

func TestParseDateReadsEngineFormats(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Time
	}{
		{"RFC 3339 UTC (Atom)", "2024-03-07T18:30:02Z", utc(2024, 3, 7, 18, 30, 2)},
		{"RFC 3339 with offset", "2003-12-13T18:30:02-05:00", utc(2003, 12, 13, 23, 30, 2)},
		{"Python isoformat, naive", "2024-02-06T00:00:00", utc(2024, 2, 6, 0, 0, 0)},
		{"Python isoformat, microseconds and offset", "2024-03-05T08:15:30.123456+01:00",
			time.Date(2024, 3, 5, 7, 15, 30, 123456000, time.UTC)},
		{"Python str(datetime)", "2023-12-24 18:00:00", utc(2023, 12, 24, 18, 0, 0)},
		{"plain date", "1998-01-01", utc(1998, 1, 1, 0, 0, 0)},
		{"RFC 1123 with numeric zone (YaCy)", "Tue, 16 Jan 2024 13:45:12 +0000", utc(2024, 1, 16, 13, 45, 12)},
		{"RFC 1123 GMT (RSS)", "Tue, 05 Mar 2024 14:30:00 GMT", utc(2024, 3, 5, 14, 30, 0)},
		{"one-digit day, negative offset", "Wed, 6 Mar 2024 08:00:00 -0500", utc(2024, 3, 6, 13, 0, 0)},
		{"no day name, no seconds, EST", "5 Mar 2024 09:00 EST", utc(2024, 3, 5, 14, 0, 0)},
		{"PDT with a comment", "Mon, 01 Jul 2024 10:00:00 -0700 (PDT)", utc(2024, 7, 1, 17, 0, 0)},
		{"PDT by name", "Mon, 01 Jul 2024 10:00:00 PDT", utc(2024, 7, 1, 17, 0, 0)},
		{"CEST by name", "Mon, 01 Jul 2024 10:00:00 CEST", utc(2024, 7, 1, 8, 0, 0)},
		{"two-digit year (RFC 822)", "01 Jul 24 10:00 +0200", utc(2024, 7, 1, 8, 0, 0)},
		{"extra spaces", "Tue,  5  Mar  2024  14:30:00  GMT", utc(2024, 3, 5, 14, 30, 0)},
		{"empty", "", time.Time{}},
		{"not a date", "not a date", time.Time{}},
		{"month 13", "2024-13-01T00:00:00Z", time.Time{}},
		{"absurdly long", "Tue, 05 Mar 2024 14:30:00 GMT" + string(make([]byte, 100)), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseDate(tt.in)
			if !got.Equal(tt.want) {
				t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if !got.IsZero() && got.Location() != time.UTC {
				t.Errorf("parseDate(%q) is in %v, want UTC", tt.in, got.Location())
			}
		})
	}
}
