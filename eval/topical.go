package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// TopicCorpus is a topic-labelled document collection without queries,
// such as the BBC news articles (one folder per topic, one article per
// .txt file: the headline, a blank line, the paragraphs).
type TopicCorpus struct {
	Docs   []Doc
	Topic  map[string]string // DocNo -> topic
	Topics []string          // sorted
}

// LoadTopics reads DIR/<topic>/*.txt (or DIR/bbc/<topic>/*.txt, the BBC
// archive's layout). DocNo is "<topic>/<file name>". Invalid UTF-8 bytes
// are read as Latin-1.
func LoadTopics(dir string) (*TopicCorpus, error) {
	if st, err := os.Stat(filepath.Join(dir, "bbc")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, "bbc")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: topics: %w", err)
	}
	tc := &TopicCorpus{Topic: map[string]string{}}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, e.Name(), "*.txt"))
		sort.Strings(files)
		if len(files) == 0 {
			continue
		}
		tc.Topics = append(tc.Topics, e.Name())
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("eval: topics: %w", err)
			}
			text := index.RepairUTF8(string(b))
			title, body, _ := strings.Cut(text, "\n")
			no := e.Name() + "/" + filepath.Base(f)
			tc.Docs = append(tc.Docs, Doc{DocNo: no, Title: strings.TrimSpace(title), Text: strings.TrimSpace(body)})
			tc.Topic[no] = e.Name()
		}
	}
	if len(tc.Topics) < 2 {
		return nil, fmt.Errorf("eval: topics: %s has %d topic folders with .txt files, need at least 2", dir, len(tc.Topics))
	}
	return tc, nil
}

// AmbiguousQueries returns up to n one-word queries that are ambiguous
// across topics: words (as people type them) whose index term occurs in at
// least minDF documents of each of two or more topics, with no topic
// holding more than maxShare of its documents. Most frequent first;
// deterministic.
func AmbiguousQueries(ix *index.Index, tc *TopicCorpus, n, minDF int, maxShare float64) []string {
	df := map[string]map[string]int{} // term -> topic -> df
	surface := map[string]map[string]int{}
	for _, d := range tc.Docs {
		text := d.Title + "\n" + d.Text
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !(r >= 'a' && r <= 'z')
		}) {
			terms := ix.Analyze(w)
			if len(terms) != 1 || seen[terms[0]] {
				continue
			}
			t := terms[0]
			seen[t] = true
			if df[t] == nil {
				df[t] = map[string]int{}
				surface[t] = map[string]int{}
			}
			df[t][tc.Topic[d.DocNo]]++
			surface[t][w]++
		}
	}
	type cand struct {
		word  string
		total int
	}
	var cands []cand
	for t, byTopic := range df {
		total, strong, most := 0, 0, 0
		for _, c := range byTopic {
			total += c
			most = max(most, c)
			if c >= minDF {
				strong++
			}
		}
		if strong < 2 || float64(most) > maxShare*float64(total) || len(t) < 3 {
			continue
		}
		best, bestN := "", -1
		for w, c := range surface[t] {
			if c > bestN || (c == bestN && w < best) {
				best, bestN = w, c
			}
		}
		cands = append(cands, cand{best, total})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].total != cands[j].total {
			return cands[i].total > cands[j].total
		}
		return cands[i].word < cands[j].word
	})
	var out []string
	for _, c := range cands {
		if len(out) == n {
			break
		}
		out = append(out, c.word)
	}
	return out
}

// TopicalOutcome is the result of the topical-personalisation experiment
// for one person (one topic of interest).
type TopicalOutcome struct {
	Topic       string
	Learn, Test int
	Marks       int
	Off, On     Summary
}

// RunTopicalPerson simulates a person interested in one topic who types
// ambiguous one-word queries: the even-numbered queries are the history
// (searched with the user model on, top Judged results marked interested
// when of the person's topic and not interested otherwise), the
// odd-numbered ones are searched with the model off and on. A result is
// relevant when it is of the person's topic (and, being a result, contains
// the word). The store must be empty.
func RunTopicalPerson(ctx context.Context, ix *index.Index, st *usermodel.Store, tc *TopicCorpus, topic string, queries []string, opts ReturningOptions) (*TopicalOutcome, error) {
	if opts.Judged <= 0 {
		opts.Judged = 10
	}
	if opts.K <= 0 {
		opts.K = 100
	}
	ag, err := clientagent.New(ix, st, opts.Agent)
	if err != nil {
		return nil, err
	}
	out := &TopicalOutcome{Topic: topic}
	offRun, onRun, qrels := Run{}, Run{}, Qrels{}
	for i, q := range queries {
		if i%2 == 0 {
			resp, err := ag.Search(ctx, clientagent.Request{Query: q, K: opts.Judged})
			if err != nil {
				continue
			}
			out.Learn++
			for _, r := range resp.Results {
				if _, _, err := ag.Mark(ctx, resp.QueryID, r.URL, tc.Topic[r.DocID] == topic); err != nil {
					return nil, fmt.Errorf("eval: mark: %w", err)
				}
				out.Marks++
			}
			continue
		}
		qid := fmt.Sprint(i)
		// Relevant: every document of the topic that matches the word.
		pq, err := ix.PlainQuery(q)
		if err != nil {
			continue
		}
		all, err := ix.Search(ctx, pq, index.SearchOptions{K: index.MaxK, IDsOnly: true})
		if err != nil {
			return nil, err
		}
		rel := map[string]int{}
		for _, h := range all.Hits {
			if tc.Topic[h.ID] == topic {
				rel[h.ID] = 1
			}
		}
		if len(rel) == 0 {
			continue
		}
		if offRun[qid], onRun[qid], err = searchOffOn(ctx, ag, q, opts.K); err != nil {
			return nil, err
		}
		qrels[qid] = rel
		out.Test++
	}
	if out.Off, _, err = Evaluate(offRun, qrels); err != nil {
		return nil, err
	}
	if out.On, _, err = Evaluate(onRun, qrels); err != nil {
		return nil, err
	}
	return out, nil
}

// IndexTopics loads a topic corpus into ix (ID = DocNo).
func IndexTopics(ctx context.Context, ix *index.Index, tc *TopicCorpus) error {
	docs := make([]index.Document, 0, len(tc.Docs))
	for _, d := range tc.Docs {
		docs = append(docs, index.Document{ID: d.DocNo, URL: "eval:" + d.DocNo, Title: d.Title, Body: d.Text, Source: index.SourceEval})
	}
	if err := ix.Index(ctx, docs); err != nil {
		return fmt.Errorf("eval: index topics: %w", err)
	}
	return nil
}
