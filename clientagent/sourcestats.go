package clientagent

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/p2pir/p2pir/usermodel"
)

// HealthConfig says when a failing source is suspended, as SearXNG
// suspends engines that keep failing.
type HealthConfig struct {
	// FailuresBeforeSuspend consecutive failures suspend a source. Default 3.
	FailuresBeforeSuspend int
	// Suspend is the first suspension; each further failure doubles it.
	// Default 30s.
	Suspend time.Duration
	// MaxSuspend caps the suspension. Default 1h.
	MaxSuspend time.Duration
}

// DefaultHealthConfig returns the documented defaults.
func DefaultHealthConfig() HealthConfig {
	return HealthConfig{FailuresBeforeSuspend: 3, Suspend: 30 * time.Second, MaxSuspend: time.Hour}
}

// SourceStats is what the agent has learned about one source: how often
// the results it brought were marked interested (a Beta posterior of its
// precision) and whether it is failing.
type SourceStats struct {
	Name string `json:"name"`
	// Alpha and Beta are the Beta posterior's parameters: the prior
	// Beta(1, 1) plus one per result of this source marked interested
	// (Alpha) or not interested (Beta).
	Alpha float64 `json:"alpha"`
	Beta  float64 `json:"beta"`
	// Queries and Failures count searches sent and failed; Consecutive
	// counts the failures since the last success.
	Queries     uint64 `json:"queries"`
	Failures    uint64 `json:"failures"`
	Consecutive int    `json:"consecutive_failures"`
	// SuspendedUntil is set while the source is suspended.
	SuspendedUntil time.Time `json:"suspended_until,omitzero"`
	// LastError is the latest failure, for display.
	LastError string `json:"last_error,omitempty"`
	// Peers is, for a source that relays peers (SourceOptions.PerPeer),
	// each peer's own learned trust, grouped: its own Alpha and Beta then
	// stay at the prior, as marks teach the peers that found a result.
	Peers *PeerGroup `json:"peers,omitempty"`
}

// Precision is the posterior mean of the source's precision.
func (s SourceStats) Precision() float64 { return s.Alpha / (s.Alpha + s.Beta) }

// WeightFactor scales the source's configured fusion weight by how its
// precision compares with the prior mean 1/2: 1 for a source nobody has
// judged, up to 2 for one whose results are always liked, down towards 0
// for one whose results are always rejected.
func (s SourceStats) WeightFactor() float64 { return 2 * s.Precision() }

// Suspended reports whether the source is suspended at time now.
func (s SourceStats) Suspended(now time.Time) bool { return now.Before(s.SuspendedUntil) }

func newStats(name string) SourceStats { return SourceStats{Name: name, Alpha: 1, Beta: 1} }

// recordOutcome updates s after a search: success resets the failure
// streak; the FailuresBeforeSuspend-th consecutive failure suspends.
func (s *SourceStats) recordOutcome(cfg HealthConfig, now time.Time, err error) {
	s.Queries++
	if err == nil {
		s.Consecutive = 0
		s.SuspendedUntil = time.Time{}
		return
	}
	s.Failures++
	s.Consecutive++
	s.LastError = err.Error()
	if over := s.Consecutive - cfg.FailuresBeforeSuspend; over >= 0 {
		d := time.Duration(float64(cfg.Suspend) * math.Pow(2, float64(min(over, 30))))
		s.SuspendedUntil = now.Add(min(d, cfg.MaxSuspend))
	}
}

// statsBucket holds one JSON SourceStats per source name in the state store.
const statsBucket = "clientagent.sources"

// statsStore persists SourceStats in the person's state store, in records
// of its own.
type statsStore struct{ store *usermodel.Store }

func (s statsStore) get(ctx context.Context, name string) (SourceStats, error) {
	st := newStats(name)
	err := s.store.ViewRecords(ctx, statsBucket, func(r *usermodel.Records) error {
		if v, ok := r.Get(name); ok {
			return json.Unmarshal(v, &st)
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("clientagent: source stats of %s: %w", name, err)
	}
	return st, nil
}

// updateStatsTx applies fn to the stats of each named source within tx
// (a mark's transaction).
func updateStatsTx(tx usermodel.Tx, names []string, fn func(*SourceStats)) error {
	r, err := tx.Records(statsBucket)
	if err != nil {
		return err
	}
	return updateStats(r, names, fn)
}

// updateStats applies fn to the stats of each named source in r.
func updateStats(r *usermodel.Records, names []string, fn func(*SourceStats)) error {
	for _, name := range names {
		st := newStats(name)
		if v, ok := r.Get(name); ok {
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("source %s: %w", name, err)
			}
		}
		fn(&st)
		raw, err := json.Marshal(st)
		if err != nil {
			return err
		}
		if err := r.Put(name, raw); err != nil {
			return err
		}
	}
	return nil
}

// all lists every source with stats, by name.
func (s statsStore) all(ctx context.Context) ([]SourceStats, error) {
	var out []SourceStats
	err := s.store.ViewRecords(ctx, statsBucket, func(r *usermodel.Records) error {
		return r.ForEach(func(k string, v []byte) error {
			var st SourceStats
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("source %s: %w", k, err)
			}
			out = append(out, st)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if err != nil {
		return nil, fmt.Errorf("clientagent: source stats: %w", err)
	}
	return out, nil
}
