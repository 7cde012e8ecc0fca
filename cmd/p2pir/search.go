package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/p2pir/p2pir/index"
	"github.com/spf13/cobra"
)

func newSearchCmd(a *app) *cobra.Command {
	var (
		k       int
		asJSON  bool
		explain bool
	)
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY...",
		Short: "Search the local index",
		Long: `Search the local index with BM25 ranking.

Query syntax:
  words            any may match; documents with more of them rank higher
  "a phrase"       the phrase must appear
  +word -word      must / must not appear (also +"phrase" and -"phrase")
  source:file      only documents from the files crawler (or source:web)
  site:example.org only documents from that host and its subdomains`,
		Example: `  p2pir search boundary layer
  p2pir search --k 20 --json '"heat transfer" -turbulent'`,
		Args: minArgs(1, "QUERY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 || k > index.MaxK {
				return usageError{fmt.Errorf("--k must be between 1 and %d", index.MaxK)}
			}
			text := strings.Join(args, " ")
			ix, err := index.Open(a.indexDir(), index.DefaultConfig())
			if err != nil {
				return err
			}
			defer ix.Close()
			q, err := ix.ParseQuery(text)
			if err != nil {
				if errors.Is(err, index.ErrBadQuery) {
					return usageError{err}
				}
				return err
			}
			res, err := ix.Search(cmd.Context(), q, index.SearchOptions{K: k, Explain: explain})
			if err != nil {
				return err
			}
			if asJSON {
				return writeSearchJSON(a.stdout, text, res)
			}
			writeSearchText(a.stdout, res, isTerminal(a.stdout))
			return nil
		},
	}
	cmd.Flags().IntVar(&k, "k", 10, "number of results")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: {\"query\", \"results\": [{\"url\", \"title\", \"content\", \"score\", \"source\"}]}")
	cmd.Flags().BoolVar(&explain, "explain", false, "show how each score was computed")
	return cmd
}

// searchJSON is the --json shape.
type searchJSON struct {
	Query           string       `json:"query"`
	NumberOfResults uint64       `json:"number_of_results"`
	Results         []resultJSON `json:"results"`
}

type resultJSON struct {
	URL     string  `json:"url"`
	Title   string  `json:"title"`
	Content string  `json:"content"`
	Score   float64 `json:"score"`
	Source  string  `json:"source"`
	Explain string  `json:"explain,omitempty"`
}

func writeSearchJSON(w io.Writer, query string, res *index.Results) error {
	out := searchJSON{Query: query, NumberOfResults: res.Total, Results: make([]resultJSON, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Results = append(out.Results, resultJSON{
			URL: h.URL, Title: h.Title, Content: h.Snippet.Text, Score: h.Score, Source: h.Source, Explain: h.Explain,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeSearchText(w io.Writer, res *index.Results, color bool) {
	if len(res.Hits) == 0 {
		fmt.Fprintln(w, "No results.")
		return
	}
	bold, reset, dim := "", "", ""
	if color {
		bold, reset, dim = "\x1b[1m", "\x1b[0m", "\x1b[2m"
	}
	for _, h := range res.Hits {
		title := h.Title
		if strings.TrimSpace(title) == "" {
			title = h.URL
		}
		fmt.Fprintf(w, "%2d. %s%s%s  %s(%.3f, %s)%s\n", h.Rank, bold, oneLine(title), reset, dim, h.Score, h.Source, reset)
		fmt.Fprintf(w, "    %s\n", oneLine(h.URL))
		if h.Snippet.Text != "" {
			open, close := "*", "*"
			if color {
				open, close = bold, reset
			}
			fmt.Fprintf(w, "    %s\n", h.Snippet.Marked(open, close, noControls))
		}
		if h.Explain != "" {
			fmt.Fprintf(w, "%s\n", h.Explain)
		}
	}
	fmt.Fprintf(w, "%s%d of %d results in %v%s\n", dim, len(res.Hits), res.Total, res.Took.Round(1000), reset)
}

// oneLine collapses white space and drops control characters, so text from
// documents (titles of hostile web pages included) cannot move the cursor,
// recolour or retitle the terminal.
func oneLine(s string) string { return strings.Join(strings.Fields(noControls(s)), " ") }

// noControls replaces C0 and C1 control characters (ESC among them) by spaces.
func noControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
