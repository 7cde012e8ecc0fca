package eval

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestWriteQrelsFormat checks the exact TREC qrels bytes: "qid 0 docno
// grade", queries and docnos in numeric-aware order, queries without
// judgments omitted.
func TestWriteQrelsFormat(t *testing.T) {
	q := Qrels{
		"10": {"b": 1, "a": 0},
		"2":  {"100": 2, "9": -1},
		"3":  {},
	}
	want := "2 0 9 -1\n2 0 100 2\n10 0 a 0\n10 0 b 1\n"
	var buf bytes.Buffer
	if err := WriteQrels(&buf, q); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	back, err := ReadQrels(&buf)
	if err != nil {
		t.Fatal(err)
	}
	delete(q, "3")
	if !reflect.DeepEqual(back, q) {
		t.Errorf("round trip: got %v, want %v", back, q)
	}
}

// TestReadQrels checks lenient layout (tabs, CRLF, blank and comment lines)
// and strict content.
func TestReadQrels(t *testing.T) {
	got, err := ReadQrels(strings.NewReader("# judged by hand\r\n1\t0\td1\t2\r\n\r\n 1 0 d2 0 \n2 Q0 d1 -1\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Qrels{"1": {"d1": 2, "d2": 0}, "2": {"d1": -1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	bad := []struct {
		claim    string
		in       string
		line     int
		contains string
	}{
		{"three fields", "1 0 d1 1\n1 d2 1\n", 2, "got 3 fields"},
		{"five fields", "1 0 d1 1 extra\n", 1, "got 5 fields"},
		{"grade not an integer", "1 0 d1 0.5\n", 1, "not an integer"},
		{"same pair judged twice", "1 0 d1 1\n1 0 d2 1\n1 0 d1 0\n", 3, "judges document d1 again (first on line 1)"},
	}
	for _, tt := range bad {
		_, err := ReadQrels(strings.NewReader(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != tt.line || !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("%s: got %v, want a ParseError at line %d containing %q", tt.claim, err, tt.line, tt.contains)
		}
	}
}

// TestWriteQrelsRefuses checks that ids trec_eval cannot read are refused
// before anything is written.
func TestWriteQrelsRefuses(t *testing.T) {
	for _, q := range []Qrels{{"1": {"a b": 1}}, {"": {"a": 1}}, {"#1": {"a": 1}}} {
		var buf bytes.Buffer
		if err := WriteQrels(&buf, q); err == nil || buf.Len() != 0 {
			t.Errorf("WriteQrels(%v): err %v, wrote %q", q, err, buf.String())
		}
	}
}

// TestQrelsHelpers checks the counting helpers and WithRelevant.
func TestQrelsHelpers(t *testing.T) {
	q := Qrels{"1": {"a": 1, "b": 0, "c": 2}, "2": {"a": 0}, "10": {"x": -1, "y": 3}, "4": {}}
	if n := q.NumJudgments(); n != 6 {
		t.Errorf("NumJudgments = %d, want 6", n)
	}
	if n := q.NumRelevant("1", 1); n != 2 {
		t.Errorf("NumRelevant(1, 1) = %d, want 2", n)
	}
	if n := q.NumRelevant("1", 2); n != 1 {
		t.Errorf("NumRelevant(1, 2) = %d, want 1", n)
	}
	if ids := strings.Join(q.QueryIDs(), " "); ids != "1 2 10" {
		t.Errorf("QueryIDs = %q, want numeric order without the unjudged query", ids)
	}
	got := q.WithRelevant(1)
	if ids := strings.Join(got.QueryIDs(), " "); ids != "1 10" {
		t.Errorf("WithRelevant(1) kept %q, want \"1 10\"", ids)
	}
	if !reflect.DeepEqual(got["10"], q["10"]) {
		t.Errorf("WithRelevant must keep a query's judgments whole, got %v", got["10"])
	}
}
