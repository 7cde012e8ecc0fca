package eval

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// dataDir returns the shared test-data folder: $P2PIR_DATA, else
// ../shared/data beside the repository root (the folder holding go.mod). It
// skips the test when neither exists.
func dataDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("P2PIR_DATA"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
		t.Skipf("P2PIR_DATA=%s does not exist; skipping the real-collection test", d)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found; skipping the real-collection test")
		}
		dir = parent
	}
	d := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("test collections not found at %s (set P2PIR_DATA); skipping the real-collection test", d)
	}
	return d
}

// TestRealCollections loads every collection of the shared data and checks
// the counts documented in shared/data/SOURCES.md.
func TestRealCollections(t *testing.T) {
	root := dataDir(t)
	tests := []struct {
		dir                        string
		docs, queries, judgments   int
		judgedQueries, relevant    int
		warnings                   int
		firstDoc, lastDoc, lastQID string
	}{
		// Cranfield: 1837 judgments include the 225 grade -1 rows (stored as 0).
		{"cranfield", 1400, 225, 1837, 225, 1837 - 225, 0, "1", "1400", "225"},
		{"cisi", 1460, 112, 3114, 76, 3114, 0, "1", "1460", "112"},
		{"med", 1033, 30, 696, 30, 696, 0, "1", "1033", "30"},
		{"adi", 82, 35, 170, 35, 170, 0, "1", "82", "35"},
		// LISA: 6004 records - 1 headerless fragment - 4 repeated ids = 5999.
		{"lisa", 5999, 35, 379, 35, 379, 5, "1", "6004", "35"},
		{"npl", 11429, 93, 2083, 93, 2083, 0, "1", "11429", "93"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c, err := Load(filepath.Join(root, tt.dir))
			if err != nil {
				t.Fatal(err)
			}
			relevant := 0
			for qid := range c.Qrels {
				relevant += c.Qrels.NumRelevant(qid, 1)
			}
			got := []int{len(c.Docs), len(c.Queries), c.Qrels.NumJudgments(), len(c.Qrels.QueryIDs()), relevant, len(c.Warnings)}
			want := []int{tt.docs, tt.queries, tt.judgments, tt.judgedQueries, tt.relevant, tt.warnings}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("docs, queries, judgments, judged queries, relevant, warnings = %v, want %v (warnings: %q)",
					got, want, c.Warnings)
			}
			if c.Docs[0].DocNo != tt.firstDoc || c.Docs[len(c.Docs)-1].DocNo != tt.lastDoc ||
				c.Queries[len(c.Queries)-1].ID != tt.lastQID {
				t.Errorf("first doc %s, last doc %s, last query %s; want %s, %s, %s", c.Docs[0].DocNo,
					c.Docs[len(c.Docs)-1].DocNo, c.Queries[len(c.Queries)-1].ID, tt.firstDoc, tt.lastDoc, tt.lastQID)
			}
			for _, q := range c.Queries {
				if strings.TrimSpace(q.Text) == "" {
					t.Errorf("query %s has no text", q.ID)
				}
			}
			// The qrels survive a trip through the TREC qrels format.
			var buf bytes.Buffer
			if err := WriteQrels(&buf, c.Qrels); err != nil {
				t.Fatal(err)
			}
			back, err := ReadQrels(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, c.Qrels) {
				t.Error("qrels changed through WriteQrels/ReadQrels")
			}
		})
	}
}

// TestRealCollectionQuirks checks the documented quirks on the real files.
func TestRealCollectionQuirks(t *testing.T) {
	root := dataDir(t)
	load := func(name string) *Collection {
		c, err := Load(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	docs := func(c *Collection) map[string]Doc {
		m := map[string]Doc{}
		for _, d := range c.Docs {
			m[d.DocNo] = d
		}
		return m
	}

	cran := load("cranfield")
	cd := docs(cran)
	// Docs 471 and 995 are empty records (.T, .A, .B and .W all empty): kept, with no text.
	for _, id := range []string{"471", "995"} {
		if d, ok := cd[id]; !ok || d.Text != "" || d.Title != "" {
			t.Errorf("Cranfield doc %s should be present and empty, got %+v (present %v)", id, d, ok)
		}
	}
	if !strings.HasPrefix(cran.Queries[2].Text, "what problems of heat conduction in composite slabs") {
		t.Errorf("Cranfield query 3 (.I 004 in cran.qry) = %q", cran.Queries[2].Text)
	}
	if g := cran.Qrels["225"]["1188"]; g != 0 {
		t.Errorf("cranqrel's last row '225 1188 -1' should be stored as grade 0, got %d", g)
	}

	lisa := load("lisa")
	ld := docs(lisa)
	for _, missing := range []string{"1993", "1994", "1995", "1996", "1997"} {
		if _, ok := ld[missing]; ok {
			t.Errorf("LISA doc %s should be missing", missing)
		}
	}
	if ld["2001"].Title != "MICROFILM IN THE ELECTRONIC OFFICE." {
		t.Errorf("LISA doc 2001 should be its first occurrence, got title %q", ld["2001"].Title)
	}

	cisi := load("cisi")
	for _, q := range cisi.Queries {
		if q.ID == "2" && !strings.Contains(q.Text, "How can actually pertinent data") {
			t.Errorf("CISI query 2 = %q", q.Text)
		}
	}
}
