package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newSourcesCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sources [--json]",
		Short: "Show the sources searches ask, how they are doing and what your marks taught about them",
		Long: `List the sources a search asks: the local index and the engines in config.toml
(see docs/config.example.toml). For each: the learned precision (a Beta
posterior over your marks on the results it brought, which scales its weight
in fusion), how many searches it answered or failed, and whether it is
suspended after failing repeatedly.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if ri, ok := a.runningNode(); ok {
				var out any
				if err := nodeCall(cmd.Context(), ri, "GET", "/sources", nil, nil, &out); err != nil {
					return err
				}
				return writeJSONOut(a.stdout, out)
			}
			ag, closeAll, err := a.openAgent(cmd.Context())
			if err != nil {
				return err
			}
			defer closeAll()
			stats, err := ag.Sources(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				type row struct {
					Name           string    `json:"name"`
					Precision      float64   `json:"precision"`
					WeightFactor   float64   `json:"weight_factor"`
					Interested     int       `json:"interested"`
					NotInterested  int       `json:"not_interested"`
					Queries        uint64    `json:"queries"`
					Failures       uint64    `json:"failures"`
					SuspendedUntil time.Time `json:"suspended_until,omitzero"`
					LastError      string    `json:"last_error,omitempty"`
				}
				rows := make([]row, 0, len(stats))
				for _, s := range stats {
					rows = append(rows, row{s.Name, s.Precision(), s.WeightFactor(), int(s.Alpha - 1), int(s.Beta - 1), s.Queries, s.Failures, s.SuspendedUntil, s.LastError})
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			now := time.Now()
			fmt.Fprintf(a.stdout, "%-28s %9s %7s %8s %8s  %s\n", "source", "precision", "weight", "queries", "failures", "state")
			for _, s := range stats {
				state := "ok"
				if s.Suspended(now) {
					state = fmt.Sprintf("suspended until %s: %s", s.SuspendedUntil.Local().Format("15:04:05"), oneLine(s.LastError))
				} else if s.Consecutive > 0 {
					state = fmt.Sprintf("%d failures in a row: %s", s.Consecutive, oneLine(s.LastError))
				}
				fmt.Fprintf(a.stdout, "%-28s %9.2f %6.2fx %8d %8d  %s\n", s.Name, s.Precision(), s.WeightFactor(), s.Queries, s.Failures, state)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
