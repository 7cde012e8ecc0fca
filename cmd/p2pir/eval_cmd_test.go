package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/eval"
)

// tinyADI is a hand-made collection in ADI's SMART format (CRLF line
// endings, like the real one): 8 documents, 3 queries, built so that the
// BM25 ranking, and so every trec_eval figure, can be worked out by hand:
//
//	query 1 "kangaroo pouch": retrieves docs 1, 2; relevant 1, 2
//	  AP 1, P@10 0.2, R-prec 1, recall 1, nDCG@10 1
//	query 2 "volcano lava": retrieves 3 (both words), then 4 (lava lamp);
//	  relevant 3 and 5 (magma, no query word, never retrieved)
//	  AP 1/2, P@10 0.1, R-prec 1/2, recall 1/2, nDCG@10 1/(1+1/log2 3)
//	query 3 "glacier ice": retrieves 6 (both words), then 7; relevant 7
//	  AP 1/2, P@10 0.1, R-prec 0, recall 1, nDCG@10 1/log2 3
var tinyADI = filepath.Join("testdata", "adi-tiny")

// tinyADIWant are the trec_eval figures of tinyADI, worked out by hand.
var tinyADIWant = map[string]float64{
	"map":         (1 + 0.5 + 0.5) / 3,
	"p_10":        (0.2 + 0.1 + 0.1) / 3,
	"r_prec":      (1 + 0.5 + 0) / 3,
	"recall_100":  (1 + 0.5 + 1) / 3,
	"ndcg_cut_10": (1 + 1/(1+1/math.Log2(3)) + 1/math.Log2(3)) / 3,
}

// evalKeys are the keys of p2pir eval --json, exactly.
var evalKeys = []string{"collection", "docs", "queries", "map", "p_10", "ndcg_cut_10", "r_prec", "recall_100"}

// decodeObject decodes a JSON object printed by the CLI.
func decodeObject(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, stdout)
	}
	return m
}

// readRunFile reads a TREC run file with eval.ReadRun.
func readRunFile(t *testing.T, path string) eval.Run {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	run, err := eval.ReadRun(f)
	if err != nil {
		t.Fatalf("read run %s: %v", path, err)
	}
	return run
}

// readQrelsFile reads a TREC qrels file with eval.ReadQrels.
func readQrelsFile(t *testing.T, path string) eval.Qrels {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	q, err := eval.ReadQrels(f)
	if err != nil {
		t.Fatalf("read qrels %s: %v", path, err)
	}
	return q
}

// runDocs lists the docnos retrieved for qid, in trec_eval's order.
func runDocs(run eval.Run, qid string) []string {
	var d []string
	for _, r := range eval.Ranked(run[qid]) {
		d = append(d, r.DocNo)
	}
	return d
}

func TestEvalJSONReportsTrecEvalFiguresWorkedOutByHand(t *testing.T) {
	t.Parallel()
	r := mustRunCLI(t, t.TempDir(), "eval", "--collection", tinyADI, "--json")
	got := decodeObject(t, r.stdout)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := slices.Sorted(slices.Values(evalKeys))
	if !slices.Equal(keys, want) {
		t.Errorf("--json keys: want exactly %v, got %v", want, keys)
	}
	if got["collection"] != "adi" || got["docs"] != 8.0 || got["queries"] != 3.0 {
		t.Errorf("want adi, 8 docs, 3 queries; got %v, %v, %v", got["collection"], got["docs"], got["queries"])
	}
	for name, w := range tinyADIWant {
		if g, ok := got[name].(float64); !ok || math.Abs(g-w) > 1e-12 {
			t.Errorf("%s: want %.6f (by hand), got %v", name, w, got[name])
		}
	}
}

// evalTextFigure matches a figure line of the text output of p2pir eval.
var evalTextFigure = regexp.MustCompile(`(?m)^(map|P_10|ndcg_cut_10|Rprec|recall_100) +([0-9.]+)$`)

func TestEvalRunFileScoredByTrecEvalRulesGivesThePrintedFigures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runPath, qrelsPath := filepath.Join(dir, "tiny.run"), filepath.Join(dir, "tiny.qrels")
	r := mustRunCLI(t, t.TempDir(), "eval", "--collection", tinyADI, "--json", "--run", runPath, "--qrels", qrelsPath, "--tag", "e2e-tag")
	printed := decodeObject(t, r.stdout)

	// The run file is in TREC format: qid Q0 docno rank score tag, ranks
	// 1..n per query in score order.
	f, err := os.Open(runPath)
	if err != nil {
		t.Fatalf("--run wrote no file: %v", err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^(\S+) Q0 (\S+) (\d+) (\S+) e2e-tag$`)
	lastRank, lastScore, lastQ, n := 0, math.Inf(1), "", 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("run line %d is not \"qid Q0 docno rank score tag\": %q", n+1, sc.Text())
		}
		if m[1] != lastQ {
			lastQ, lastRank, lastScore = m[1], 0, math.Inf(1)
		}
		rank, _ := strconv.Atoi(m[3])
		score, err := strconv.ParseFloat(m[4], 64)
		if err != nil || rank != lastRank+1 || score > lastScore {
			t.Errorf("run line %d: rank %s after %d, score %s after %v", n+1, m[3], lastRank, m[4], lastScore)
		}
		lastRank, lastScore = rank, score
	}
	if n != 6 {
		t.Errorf("want 6 run lines (2 per query), got %d", n)
	}

	// Reading both files back and scoring them with trec_eval's rules gives
	// exactly the figures printed.
	run, qrels := readRunFile(t, runPath), readQrelsFile(t, qrelsPath)
	for qid, want := range map[string][]string{"1": {"1", "2"}, "2": {"3", "4"}, "3": {"6", "7"}} {
		if got := runDocs(run, qid); !slices.Equal(got, want) {
			t.Errorf("query %s ranks %v, want %v", qid, got, want)
		}
	}
	sum, _, err := eval.Evaluate(run, qrels)
	if err != nil {
		t.Fatal(err)
	}
	scored := map[string]float64{"map": sum.MAP, "p_10": sum.P10, "ndcg_cut_10": sum.NDCG10, "r_prec": sum.RPrec, "recall_100": sum.Recall100, "queries": float64(sum.NumQ)}
	for name, v := range scored {
		if printed[name] != v {
			t.Errorf("%s: printed %v, the files score %v", name, printed[name], v)
		}
	}

	// The text output prints the same figures to four decimals.
	text := mustRunCLI(t, t.TempDir(), "eval", "--collection", tinyADI)
	figures := evalTextFigure.FindAllStringSubmatch(text.stdout, -1)
	if len(figures) != 5 {
		t.Fatalf("want 5 figure lines in the text output, got %d:\n%s", len(figures), text.stdout)
	}
	for _, m := range figures {
		key := m[1] // trec_eval's names in the text, snake_case in JSON
		if k, ok := map[string]string{"P_10": "p_10", "Rprec": "r_prec"}[key]; ok {
			key = k
		}
		if want := fmt.Sprintf("%.4f", scored[key]); m[2] != want {
			t.Errorf("text %s: printed %s, the files score %s", m[1], m[2], want)
		}
	}
}

func TestEvalRocchioFeedbackIsScoredOnTheResidualCollection(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	runPath, qrelsPath := filepath.Join(dir, "fb.run"), filepath.Join(dir, "fb.qrels")
	r := mustRunCLI(t, t.TempDir(), "eval", "--collection", tinyADI, "--json", "--feedback", "rocchio", "--judged", "1",
		"--run", runPath, "--qrels", qrelsPath)
	got := decodeObject(t, r.stdout)
	for _, k := range append([]string{"baseline_residual_map", "feedback_residual_map", "feedback_residual_p_10"}, evalKeys...) {
		if _, ok := got[k]; !ok {
			t.Errorf("--feedback --json lacks %q: %s", k, r.stdout)
		}
	}
	// The full-collection figures are round 0's, the same as without feedback.
	for name, w := range tinyADIWant {
		if g, ok := got[name].(float64); !ok || math.Abs(g-w) > 1e-12 {
			t.Errorf("%s: want %.6f, got %v", name, w, got[name])
		}
	}
	// Judging the top 1 removes docs 1, 3 and 6; round 0 on what is left
	// ranks 2 (relevant), 4 (not; 5 is missed), 7 (relevant): MAP 2/3.
	if g, _ := got["baseline_residual_map"].(float64); math.Abs(g-2.0/3) > 1e-12 {
		t.Errorf("baseline_residual_map: want 2/3 (by hand), got %v", got["baseline_residual_map"])
	}
	run, qrels := readRunFile(t, runPath), readQrelsFile(t, qrelsPath)
	for qid, judged := range map[string]string{"1": "1", "2": "3", "3": "6"} {
		if slices.Contains(runDocs(run, qid), judged) {
			t.Errorf("query %s: the judged doc %s is still in the feedback run %v", qid, judged, runDocs(run, qid))
		}
		if _, ok := qrels[qid][judged]; ok {
			t.Errorf("query %s: the judged doc %s is still in the residual qrels", qid, judged)
		}
	}
	// Doc 3 (judged relevant) shares "magma" with doc 5: Rocchio's expanded
	// query finds doc 5, which holds no word of the query.
	if !slices.Contains(runDocs(run, "2"), "5") {
		t.Errorf("query 2 after feedback ranks %v, want doc 5 among them", runDocs(run, "2"))
	}
	fb, base := got["feedback_residual_map"].(float64), got["baseline_residual_map"].(float64)
	if fb <= base {
		t.Errorf("feedback_residual_map %v is not above baseline_residual_map %v", fb, base)
	}
	sum, _, err := eval.Evaluate(run, qrels)
	if err != nil {
		t.Fatal(err)
	}
	if sum.MAP != fb || sum.P10 != got["feedback_residual_p_10"] {
		t.Errorf("the --run and --qrels files score MAP %v, P_10 %v; printed %v, %v", sum.MAP, sum.P10, fb, got["feedback_residual_p_10"])
	}
}

func TestEvalBadArgumentsAreClearErrors(t *testing.T) {
	t.Parallel()
	unknown := t.TempDir()
	writeTree(t, unknown, map[string]string{"readme.txt": "not a test collection\n"})
	broken := t.TempDir()
	writeTree(t, broken, map[string]string{
		"ADI.ALL": ".I 1\r\n.W\r\nsome text\r\n",
		"ADI.QRY": ".I 1\r\n.W\r\ntext\r\n",
		"ADI.REL": "1 one 0 0.0\r\nnot a judgment line at all\r\n",
	})
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantMsg  []string
	}{
		{"no --collection", []string{"eval"}, 2, []string{"--collection"}},
		{"--k under 100", []string{"eval", "--collection", tinyADI, "--k", "10"}, 2, []string{"--k"}},
		{"a positional argument", []string{"eval", tinyADI}, 2, []string{tinyADI}},
		{"a folder that does not exist", []string{"eval", "--collection", filepath.Join(unknown, "nope")}, 1, []string{"nope"}},
		{"a folder of no known format", []string{"eval", "--collection", unknown}, 1, []string{"unknown test collection format"}},
		{"a malformed judgments file", []string{"eval", "--collection", broken}, 1, []string{"ADI.REL"}},
		{"an unknown feedback method", []string{"eval", "--collection", tinyADI, "--feedback", "magic"}, 2, []string{"magic"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, t.TempDir(), tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("want exit %d, got %v", tt.wantCode, r)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(r.stderr, m) {
					t.Errorf("stderr does not say %q:\n%s", m, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "panic") {
				t.Errorf("stderr shows a panic:\n%s", r.stderr)
			}
		})
	}
}

// sharedData is the folder of the real test collections: $P2PIR_DATA, else
// ../shared/data next to the repository.
func sharedData() string {
	if d := os.Getenv("P2PIR_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "data")
}

func TestEvalMEDMeetsTheIssueBars(t *testing.T) {
	t.Parallel()
	med := filepath.Join(sharedData(), "med")
	if _, err := os.Stat(filepath.Join(med, "MED.ALL")); err != nil {
		t.Skipf("the MED collection is not at %s (set P2PIR_DATA to the folder holding med/): %v", med, err)
	}
	plain := decodeObject(t, mustRunCLI(t, t.TempDir(), "eval", "--collection", med, "--json").stdout)
	if m, _ := plain["map"].(float64); m < 0.529 {
		t.Errorf("MED map %v, below the bar 0.529", plain["map"])
	}
	if plain["docs"] != 1033.0 || plain["queries"] != 30.0 {
		t.Errorf("MED: want 1033 docs and 30 queries, got %v and %v", plain["docs"], plain["queries"])
	}
	fb := decodeObject(t, mustRunCLI(t, t.TempDir(), "eval", "--collection", med, "--json", "--feedback", "rocchio").stdout)
	if m, _ := fb["feedback_residual_map"].(float64); m < 0.495 {
		t.Errorf("MED rocchio feedback_residual_map %v, below the bar 0.495", fb["feedback_residual_map"])
	}
}
