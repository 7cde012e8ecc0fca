package eval

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestWriteRunFormat checks the exact bytes WriteRun produces: numeric-aware
// query order, trec_eval's ranking within a query (ties by decreasing
// docno), ranks 1..n and scores written with every digit they need.
func TestWriteRunFormat(t *testing.T) {
	tenth, fifth := 0.1, 0.2
	run := Run{
		"10": results("x", 0.5),
		"2": results(
			"a", 1.0,
			"c", tenth+fifth, // 0.30000000000000004 at run time
			"b", 1.0,
			"d", 1e-7,
			"e", -3.0,
		),
		"3": nil, // no results: no lines
	}
	want := strings.Join([]string{
		"2 Q0 b 1 1 p2pir",
		"2 Q0 a 2 1 p2pir",
		"2 Q0 c 3 0.30000000000000004 p2pir",
		"2 Q0 d 4 1e-07 p2pir",
		"2 Q0 e 5 -3 p2pir",
		"10 Q0 x 1 0.5 p2pir",
	}, "\n") + "\n"
	var buf bytes.Buffer
	if err := WriteRun(&buf, "p2pir", run); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestWriteRunRefuses checks that WriteRun writes nothing for a run that
// trec_eval would reject or misread.
func TestWriteRunRefuses(t *testing.T) {
	tests := []struct {
		claim    string
		tag      string
		run      Run
		contains string
	}{
		{"empty tag", "", Run{"1": results("a", 1.0)}, "empty run tag"},
		{"tag with a space", "my run", Run{"1": results("a", 1.0)}, "whitespace"},
		{"duplicated docno", "t", Run{"1": results("a", 1.0, "a", 2.0)}, "retrieved twice"},
		{"NaN score", "t", Run{"1": results("a", math.NaN())}, "not a finite number"},
		{"query id starting with #", "t", Run{"#1": results("a", 1.0)}, "comment"},
		{"query id with a tab", "t", Run{"1\t2": results("a", 1.0)}, "whitespace"},
		{"empty docno", "t", Run{"1": results("", 1.0)}, "empty docno"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := WriteRun(&buf, tt.tag, tt.run)
		if err == nil || !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("%s: got error %v, want one containing %q", tt.claim, err, tt.contains)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %q before failing", tt.claim, buf.String())
		}
	}
}

// TestReadRun checks that ReadRun reads what trec_eval reads: rank, iter
// and tag ignored, extra fields ignored, blank and '#' lines skipped, CRLF
// accepted.
func TestReadRun(t *testing.T) {
	in := "# a comment\r\n" +
		"1 Q0 d1 1 2.5 tag\r\n" +
		"\r\n" +
		"  1 Q0 d2 7 3.5 tag extra fields\n" +
		"2\tQ0\td9\t1\t-1e-3\ttag\n"
	got, err := ReadRun(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Run{"1": results("d1", 2.5, "d2", 3.5), "2": results("d9", -0.001)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestReadRunErrors checks that malformed run lines are reported with
// their line number.
func TestReadRunErrors(t *testing.T) {
	tests := []struct {
		claim    string
		in       string
		line     int
		contains string
	}{
		{"five fields", "1 Q0 a 1 1.0 t\n1 Q0 b 2 0.5\n", 2, "got 5 fields"},
		{"score not a number", "1 Q0 a 1 high t\n", 1, "not a number"},
		{"NaN score", "1 Q0 a 1 NaN t\n", 1, "not a finite number"},
		{"infinite score", "\n1 Q0 a 1 -Inf t\n", 2, "not a finite number"},
		{"score out of range", "1 Q0 a 1 1e999 t\n", 1, "out of range"},
		{"duplicated docno", "1 Q0 a 1 1 t\n2 Q0 a 1 1 t\n1 Q0 a 2 0.5 t\n", 3, "again (first on line 1)"},
	}
	for _, tt := range tests {
		_, err := ReadRun(strings.NewReader(tt.in))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != tt.line || !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("%s: got %v, want a ParseError at line %d containing %q", tt.claim, err, tt.line, tt.contains)
		}
	}
}

// TestFormatScoreRoundTrips checks that every written score parses back to
// the same float64, near-ties included, while "%.6f" would merge them.
func TestFormatScoreRoundTrips(t *testing.T) {
	tenth, fifth := 0.1, 0.2
	values := []float64{0, 1, -1, tenth + fifth, 1e-300, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64,
		12.3456789, 12.3456781, math.Nextafter(7.25, 8), 1.0 / 3}
	for _, v := range values {
		back, err := strconv.ParseFloat(formatScore(v), 64)
		if err != nil || back != v {
			t.Errorf("formatScore(%v) = %q parses back as %v, %v", v, formatScore(v), back, err)
		}
	}
	if fmt.Sprintf("%.6f", 12.3456789) != fmt.Sprintf("%.6f", 12.3456791) {
		t.Fatal("premise: six-decimal formatting should merge these two scores")
	}
	if formatScore(12.3456789) == formatScore(12.3456791) {
		t.Error("formatScore merged two different scores")
	}
}

// TestRunRoundTripMatchesEvaluate checks the contract behind p2pir eval:
// evaluating the run read back from WriteRun's output (trec_eval's view)
// gives exactly what Evaluate gives on the run in memory, on random runs
// full of exact ties and near ties, and the written rank column follows
// trec_eval's order.
func TestRunRoundTripMatchesEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		run, qrels := Run{}, Qrels{}
		for q := 1; q <= 5; q++ {
			qid := strconv.Itoa(q)
			qrels[qid] = map[string]int{}
			used := map[string]bool{}
			for range 40 {
				docno := strconv.Itoa(rng.IntN(60))
				if used[docno] {
					continue
				}
				used[docno] = true
				// Scores from a tiny set, some nudged by one ulp: many exact ties and near ties.
				s := float64(rng.IntN(4)) / 3
				if rng.IntN(3) == 0 {
					s = math.Nextafter(s, 2)
				}
				run[qid] = append(run[qid], Result{DocNo: docno, Score: s})
				if g := rng.IntN(4) - 1; rng.IntN(2) == 0 {
					qrels[qid][docno] = g
				}
			}
		}
		var buf bytes.Buffer
		if err := WriteRun(&buf, "t", run); err != nil {
			t.Fatal(err)
		}
		written := buf.String()
		back, err := ReadRun(strings.NewReader(written))
		if err != nil {
			t.Fatal(err)
		}
		s1, p1, err1 := Evaluate(run, qrels)
		s2, p2, err2 := Evaluate(back, qrels)
		if err1 != nil || err2 != nil {
			t.Fatalf("trial %d: %v, %v", trial, err1, err2)
		}
		if s1 != s2 || !reflect.DeepEqual(p1, p2) {
			t.Fatalf("trial %d: in-memory %+v differs from read-back %+v", trial, s1, s2)
		}
		// The rank column must be the position in trec_eval's order.
		for qid, rs := range back {
			ranked := Ranked(rs)
			pos := map[string]int{}
			for i, r := range ranked {
				pos[r.DocNo] = i + 1
			}
			for _, line := range strings.Split(strings.TrimSpace(written), "\n") {
				f := strings.Fields(line)
				if f[0] == qid && strconv.Itoa(pos[f[2]]) != f[3] {
					t.Fatalf("trial %d: line %q has rank %s, trec_eval ranks it %d", trial, line, f[3], pos[f[2]])
				}
			}
		}
	}
}
