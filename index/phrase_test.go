package index

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// phraseCorpus has documents that hold a phrase's words, some in order and
// some not, some only as other forms of the words (which the English
// analyser stems and the stop list drops).
var phraseCorpus = []Document{
	{ID: "oom", Title: "Crash report", Body: "The worker ran out of memory and was killed."},
	{ID: "oom-caps", Title: "Build log", Body: "FATAL: OUT OF MEMORY while linking."},
	{ID: "mem-out", Title: "Memory notes", Body: "Memory ran out of the pool; use of memory grew."},
	{ID: "mem-only", Title: "Memory", Body: "Memory is cheap; memory is fast."},
	{ID: "happening", Title: "Events", Body: "Things happening before noon are logged."},
	{ID: "happens", Title: "Ordering", Body: "A write happens before a read of the same variable."},
	{ID: "hamlet", Title: "Soliloquy", Body: "To be, or not to be, that is the question."},
	{ID: "be-shuffled", Title: "Shuffled", Body: "Not to be or to be: the words are all here, in another order."},
}

// A quoted phrase matches the documents holding its words in order, stop
// words included, without stemming and regardless of case; an excluded
// phrase removes exactly those documents.
func TestPhraseMatchesExactWordSequence(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix, phraseCorpus...)
	tests := []struct {
		name  string
		query string
		want  []string // any order
	}{
		{"stop word inside the phrase", `"out of memory"`, []string{"oom", "oom-caps"}},
		{"unstemmed: happens is not happening", `"happens before"`, []string{"happens"}},
		{"query case does not matter", `"HAPPENS Before"`, []string{"happens"}},
		{"phrase of stop words only", `"to be or not to be"`, []string{"hamlet"}},
		{"required phrase with scoring words", `memory +"out of memory"`, []string{"oom", "oom-caps"}},
		{"excluded phrase", `memory -"out of memory"`, []string{"mem-out", "mem-only"}},
		{"excluded stop-word phrase", `words -"to be or not to be"`, []string{"be-shuffled"}},
		{"a required single word is still stemmed", `+happened`, []string{"happening", "happens"}},
		{"a phrase within the title", `"crash report"`, []string{"oom"}},
		{"no phrase from the title into the body", `"report the worker"`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(find(t, ix, tc.query))
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: hits %v, want %v", tc.query, got, want)
			}
		})
	}
}

// The snippet of a phrase query is placed on the phrase and highlights it
// whole, also when the phrase has no scoring words or spans a line break
// (snippet text has its white space collapsed, highlights included).
func TestPhraseSnippetHighlightsThePhrase(t *testing.T) {
	ix := openTest(t)
	filler := strings.Repeat("filler words without meaning. ", 40)
	mustIndex(t, ix,
		Document{ID: "oom", Title: "t", Body: "Memory matters. " + filler + "Then the job ran out of memory at noon. " + filler},
		Document{ID: "hamlet", Title: "t", Body: filler + "He said: to be or not to be, and left. " + filler},
		Document{ID: "wrapped", Title: "t", Body: filler + "A line that ends with the close\n   of day. " + filler},
	)
	tests := []struct {
		query, want string
	}{
		{`"out of memory"`, "ran [out of memory] at noon"},
		{`"to be or not to be"`, "said: [to be or not to be], and left"},
		{`"close of day"`, "with the [close of day]."},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res := find(t, ix, tc.query)
			if len(res.Hits) != 1 {
				t.Fatalf("hits = %v, want one", ids(res))
			}
			if marked := res.Hits[0].Snippet.Marked("[", "]", nil); !strings.Contains(marked, tc.want) {
				t.Fatalf("snippet %q does not contain %q", marked, tc.want)
			}
		})
	}
}

// A phrase made only of stop words is a valid query; one made only of
// punctuation is not.
func TestParseQueryPhraseOfStopWords(t *testing.T) {
	ix := openTest(t)
	tests := []struct {
		query    string
		required []string
		wantErr  string
	}{
		{`"to be or not to be"`, []string{"to be or not to be"}, ""},
		{`-"the of"`, nil, "not only exclusions"},
		{`flow "?!"`, nil, "no words"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q, err := ix.ParseQuery(tc.query)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseQuery(%q) = %v, want ErrBadQuery mentioning %q", tc.query, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tc.query, err)
			}
			if !slices.Equal(q.Required, tc.required) {
				t.Fatalf("Required = %q, want %q", q.Required, tc.required)
			}
		})
	}
}

// An index written before the phrase field existed (format 1) is refused
// with ErrOldIndex and a message that says how to rebuild it.
func TestOpenRefusesIndexWithoutPhraseField(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	mustIndex(t, ix, phraseCorpus[0])
	b := ix.bi.NewBatch()
	b.SetInternal(keySchema, []byte("1"))
	if err := batchDurably(context.Background(), ix.bi, b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, DefaultConfig())
	if !errors.Is(err, ErrOldIndex) {
		t.Fatalf("Open of a format 1 index = %v, want ErrOldIndex", err)
	}
	for _, want := range []string{dir, "index your files", "format 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %q", err, want)
		}
	}
}
