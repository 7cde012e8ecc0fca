package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/p2pir/p2pir/usermodel"
	"github.com/spf13/cobra"
)

func newMarkCmd(a *app) *cobra.Command {
	var undo, asJSON bool
	cmd := &cobra.Command{
		Use:   "mark QUERY_ID URL +|-   or   mark --undo",
		Short: "Mark a search result interested (+) or not interested (-)",
		Long: `Record that a result of a search was interesting (+) or not (-). The mark is
durable when the command returns. Marks update your user model, which
reformulates and re-ranks later searches, and the learned precision of the
sources that brought the result (see "p2pir sources"). A new mark on a result
of a search you already marked replaces the earlier mark (+ twice counts once;
+ then - counts as -). --undo takes back the latest mark everywhere, and
brings back the mark it had replaced, if any.

QUERY_ID is printed by "p2pir search" (and is "query_id" in --json); URL is the
result's URL as shown.`,
		Example: `  p2pir mark 3KX7QH2M... file:///home/me/notes/wing.md +
  p2pir mark --undo`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ri, nodeRuns := a.runningNode()
			if undo {
				if len(args) != 0 {
					return usageError{errors.New("mark --undo takes no arguments")}
				}
				if nodeRuns {
					var out map[string]any
					if err := nodeCall(ctx, ri, "POST", "/mark/undo", nil, struct{}{}, &out); err != nil {
						return err
					}
					return writeJSONOut(a.stdout, out)
				}
				// Through the agent, so that the sources' learned precision
				// is taken back with the mark.
				ag, closeAll, err := a.openAgent(ctx)
				if err != nil {
					return err
				}
				defer closeAll()
				m, p, err := ag.Undo(ctx)
				if err != nil {
					return err
				}
				return printMark(a.stdout, "undone", m, p, asJSON)
			}
			if len(args) != 3 {
				return usageError{fmt.Errorf("mark needs QUERY_ID URL and + or - (got %d arguments)", len(args))}
			}
			var interested bool
			switch args[2] {
			case "+", "interested", "yes":
				interested = true
			case "-", "not-interested", "no":
			default:
				return usageError{fmt.Errorf("mark: %q is neither + nor -", args[2])}
			}
			if nodeRuns {
				var out map[string]any
				body := map[string]any{"query_id": args[0], "url": args[1], "interested": interested}
				if err := nodeCall(ctx, ri, "POST", "/mark", nil, body, &out); err != nil {
					return err
				}
				return writeJSONOut(a.stdout, out)
			}
			ag, closeAll, err := a.openAgent(ctx)
			if err != nil {
				return err
			}
			defer closeAll()
			m, p, err := ag.Mark(ctx, args[0], args[1], interested)
			if err != nil {
				return err
			}
			return printMark(a.stdout, "marked", m, p, asJSON)
		},
	}
	cmd.Flags().BoolVar(&undo, "undo", false, "take back the latest mark")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the mark and the profile's top terms as JSON")
	return cmd
}

func printMark(w io.Writer, verb string, m usermodel.Mark, p usermodel.Profile, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{
			verb:      map[string]any{"seq": m.Seq, "query_id": m.QueryID, "url": m.URL, "interested": m.Interested, "time": m.Time},
			"profile": map[string]any{"marks": p.Marks, "version": p.Version, "interests": p.Interests(10)},
		})
	}
	sign := "+"
	if !m.Interested {
		sign = "-"
	}
	fmt.Fprintf(w, "%s %s %s (mark %d, query %q)\n", verb, sign, oneLine(m.URL), m.Seq, oneLine(m.Query))
	fmt.Fprintf(w, "profile: %d marks; top interests: %s\n", p.Marks, termList(p.Interests(8)))
	return nil
}

func termList(tws []usermodel.TermWeight) string {
	if len(tws) == 0 {
		return "(none yet)"
	}
	s := ""
	for i, t := range tws {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %.2f", t.Term, t.Weight)
	}
	return s
}
