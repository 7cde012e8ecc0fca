package eval

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzReadRun checks that any input gives a run or an error, never a panic,
// and that an accepted run survives WriteRun/ReadRun unchanged in trec_eval
// order.
func FuzzReadRun(f *testing.F) {
	for _, s := range []string{
		"1 Q0 d1 1 2.5 t\n1 Q0 d2 2 2.5 t\n",
		"# c\n\n2 Q0 x 1 -1e-3 t extra\r\n",
		"1 Q0 a 1 nan t\n",
		"1 Q0 a\n",
		"\xff\xfe 0 a 1 1 t\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		run, err := ReadRun(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteRun(&buf, "t", run); err != nil {
			// Only ids WriteRun refuses may fail here, e.g. a "#..." qid.
			if !strings.Contains(err.Error(), "comment") {
				t.Fatalf("WriteRun of a run ReadRun accepted: %v", err)
			}
			return
		}
		back, err := ReadRun(&buf)
		if err != nil {
			t.Fatalf("ReadRun of WriteRun output: %v", err)
		}
		for qid, rs := range run {
			if !reflect.DeepEqual(Ranked(rs), Ranked(back[qid])) {
				t.Fatalf("query %s changed: %v -> %v", qid, rs, back[qid])
			}
		}
	})
}

// FuzzReadSMART checks that the SMART parser never panics and that every
// record it yields has an id.
func FuzzReadSMART(f *testing.F) {
	for _, s := range []string{
		".I 1\n.T\ntitle\n.W\ntext\n.I 2\n.W\n",
		".I 001\r\n.W\r\nq\r\n",
		"junk\n.I 1\n",
		".W\nno record\n",
		".I\n",
		".I 1\n.T title on the marker line\n.X\n1\t5\t1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := newLineReader("fuzz", strings.NewReader(in))
		_ = readSMART(r, func(rec smartRecord) error {
			if rec.id == "" {
				t.Fatalf("record without id from %q", in)
			}
			return nil
		})
	})
}

// FuzzReadQrels checks that any input gives judgments or an error, never a
// panic, and that judgments it accepts and WriteQrels can write read back
// unchanged.
func FuzzReadQrels(f *testing.F) {
	for _, s := range []string{
		"1 0 d1 1\n1 0 d2 0\n2 0 d1 2\n",
		"# comment\n\n10 Q0 CACM-0001 -1\r\n",
		"1 0 d1 1\n1 0 d1 2\n",
		"1 0 d1 high\n",
		"1 0 d1\n",
		"\xff 0 \x00 1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := ReadQrels(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteQrels(&buf, q); err != nil {
			// Ids trec_eval could not read back are refused (Qrels.Validate).
			if q.Validate() == nil {
				t.Fatalf("WriteQrels of valid judgments ReadQrels accepted: %v", err)
			}
			return
		}
		back, err := ReadQrels(&buf)
		if err != nil {
			t.Fatalf("ReadQrels of WriteQrels output %q: %v", buf.String(), err)
		}
		if !reflect.DeepEqual(q, back) {
			t.Fatalf("judgments changed: %v -> %v", q, back)
		}
	})
}
