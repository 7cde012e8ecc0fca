package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/p2pir/p2pir/sim"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// simNetwork returns the network constructor for a --mode: real nodes in
// memory or on loopback sockets, separate "p2pir node" processes (this
// very binary), or the harness's reference network.
func simNetwork(mode string) (sim.NewNetFunc, error) {
	switch mode {
	case "memory":
		return sim.NewMemoryNet, nil
	case "loopback":
		return sim.NewLoopbackNet, nil
	case "processes":
		bin, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("mode processes runs this p2pir binary as every node, but its path is unknown: %w", err)
		}
		return sim.NewProcessNet(sim.ProcessOptions{Binary: bin}), nil
	case "reference":
		return sim.NewReferenceNet, nil
	default:
		return nil, fmt.Errorf("mode %q is unknown: use memory, loopback, processes or reference", mode)
	}
}

func newSimCmd(a *app) *cobra.Command {
	var (
		configFile  string
		out         string
		collections []string
		nodes       int
		rounds      int
		strategies  string
		seed        uint64
		mode        string
		placement   string
		quiet       bool
		cpuProfile  string
		memProfile  string
		timings     bool
		memLimitMiB int64
		gcPercent   int
	)
	cmd := &cobra.Command{
		Use:   "sim --config FILE --out DIR",
		Short: "Run a multi-node routing and recommendation experiment",
		Long: `Spread the documents of standard test collections over the nodes of a network
(one interest domain per collection; within a domain by content cluster or at
random), give every node a simulated person who issues the domain's training
queries and marks the results from the relevance judgments, run gossip rounds,
and measure every round on held-out queries: nDCG@10, MAP and recall@100 of
each routing strategy (local, flood, walk, interest) against a central index
over all documents, peers contacted, messages and bytes per query, latency
percentiles, clustering purity and NMI against the true domains, and
recommendation P@10 against popularity and random baselines.

Writes results.csv (strategy, round, metric, value), summary.md and PNG plots
into --out. The same seed and configuration give the same numbers, latency
aside. docs/sim.example.toml documents every setting; the flags override the
file for quick runs.`,
		Example: `  p2pir sim --config docs/sim.example.toml --out sim-out
  p2pir sim --collection ../shared/data/adi --nodes 8 --rounds 2 --mode reference --out /tmp/adi-sim`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("sim: --out DIR is required")}
			}
			cfg := sim.DefaultConfig()
			if configFile != "" {
				var err error
				if cfg, err = sim.LoadConfig(configFile); err != nil {
					return usageError{err}
				}
			}
			f := cmd.Flags()
			if f.Changed("collection") {
				cfg.Collections = nil
				for _, c := range collections {
					cfg.Collections = append(cfg.Collections, sim.CollectionConfig{Path: c, Domain: domainOf(c)})
				}
			}
			if f.Changed("nodes") {
				cfg.Nodes = nodes
			}
			if f.Changed("rounds") {
				cfg.Rounds = rounds
			}
			if f.Changed("strategies") {
				cfg.Strategies = strings.Split(strategies, ",")
			}
			if f.Changed("seed") {
				cfg.Seed = seed
			}
			if f.Changed("mode") {
				cfg.Mode = mode
			}
			if f.Changed("placement") {
				cfg.Placement = placement
			}
			cfg, err := cfg.Resolve()
			if err != nil {
				return usageError{err}
			}
			newNet, err := simNetwork(cfg.Mode)
			if err != nil {
				return usageError{err}
			}
			if f.Changed("memory-limit") {
				if memLimitMiB < 1 {
					return usageError{fmt.Errorf("sim: --memory-limit is in MiB and must be at least 1, not %d", memLimitMiB)}
				}
				debug.SetMemoryLimit(memLimitMiB << 20)
			}
			if f.Changed("gc-percent") {
				debug.SetGCPercent(gcPercent)
			}
			stop, err := startProfiles(cpuProfile, memProfile)
			if err != nil {
				return usageError{err}
			}
			runErr := runSim(cmd.Context(), a, cfg, newNet, out, quiet, timings)
			if err := stop(); err != nil && runErr == nil {
				runErr = err
			}
			return runErr
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "experiment configuration (TOML, see docs/sim.example.toml)")
	cmd.Flags().StringVar(&out, "out", "", "folder for results.csv, summary.md and the plots (required)")
	cmd.Flags().StringArrayVar(&collections, "collection", nil, "test collection folder, one domain each (repeatable; replaces the file's)")
	cmd.Flags().IntVar(&nodes, "nodes", 30, "number of nodes")
	cmd.Flags().IntVar(&rounds, "rounds", 5, "rounds after round 0")
	cmd.Flags().StringVar(&strategies, "strategies", "local,flood,walk,interest,central", "strategies compared, comma-separated")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().StringVar(&mode, "mode", "memory", "memory, loopback, processes, or reference (the harness's own test network)")
	cmd.Flags().StringVar(&placement, "placement", "cluster", "cluster or random")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress bar")
	cmd.Flags().Int64Var(&memLimitMiB, "memory-limit", 0, "soft limit of the process's memory in MiB (as GOMEMLIMIT): the garbage collector works harder as the heap nears it; default: GOMEMLIMIT, else none")
	cmd.Flags().IntVar(&gcPercent, "gc-percent", 100, "garbage collection target (as GOGC): the heap may grow by this percentage of the live heap between collections; higher spends memory to save CPU, -1 collects only at --memory-limit; default: GOGC, else 100")
	cmd.Flags().BoolVar(&timings, "timings", false, "print how long each phase took (start, documents, and per round: training, gossip, measures, searches) to standard error")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this file (read it with go tool pprof)")
	cmd.Flags().StringVar(&memProfile, "memprofile", "", "write a heap profile to this file, taken when the live heap was largest (read it with go tool pprof)")
	return cmd
}

// startProfiles starts a CPU profile into cpuPath (when set) and, when
// memPath is set, a watcher that writes the heap profile into memPath
// whenever the heap has grown a tenth past its largest size so far
// (checked every few seconds), so the file shows the heap near its peak,
// while the nodes still run. It returns the function that stops both. Either path may be
// empty.
func startProfiles(cpuPath, memPath string) (stop func() error, err error) {
	var cpu *os.File
	if cpuPath != "" {
		if cpu, err = os.Create(cpuPath); err != nil {
			return nil, fmt.Errorf("sim: CPU profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			_ = cpu.Close()
			return nil, fmt.Errorf("sim: CPU profile: %w", err)
		}
	}
	done := make(chan struct{})
	watched := make(chan error, 1)
	if memPath != "" {
		go func() { watched <- watchHeap(memPath, 5*time.Second, done) }()
	} else {
		watched <- nil
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				errs = append(errs, fmt.Errorf("sim: CPU profile: %w", err))
			}
		}
		close(done)
		errs = append(errs, <-watched)
		return errors.Join(errs...)
	}, nil
}

// watchHeap writes the heap profile into path at every period's end at
// which the live heap (what the latest garbage collection found
// reachable) is a tenth larger than when it last wrote it, until done is
// closed. The live heap, not the allocated one: with a high --gc-percent
// the allocated heap peaks with garbage whenever a collection is due,
// while the profile's in-use figures are what the last collection found
// live, so a profile taken at the live peak shows what the run held when
// it held most.
func watchHeap(path string, period time.Duration, done <-chan struct{}) error {
	tick := time.NewTicker(period)
	defer tick.Stop()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak uint64
	for {
		select {
		case <-done:
			if peak == 0 { // a run shorter than one period, or no collection yet
				return writeHeapProfile(path)
			}
			return nil
		case <-tick.C:
		}
		metrics.Read(live)
		if live[0].Value.Kind() != metrics.KindUint64 {
			continue
		}
		v := live[0].Value.Uint64()
		if v == 0 || v <= peak+peak/10 {
			continue
		}
		peak = v
		if err := writeHeapProfile(path); err != nil {
			return err
		}
	}
}

// writeHeapProfile writes the heap profile (as of the last collection)
// into path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sim: heap profile: %w", err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("sim: heap profile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sim: heap profile: %w", err)
	}
	return nil
}

// domainOf names a collection's domain after its folder, lower-cased and
// limited to letters, digits and '-'.
func domainOf(path string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(filepath.Clean(path))) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// runSim runs the experiment and writes its outputs, with a progress bar
// (one step per person per round) on a terminal unless quiet.
func runSim(ctx context.Context, a *app, cfg sim.Config, newNet sim.NewNetFunc, out string, quiet, timings bool) error {
	var bar *progressbar.ProgressBar
	opts := sim.Options{}
	if timings {
		start := time.Now()
		opts.Phase = func(name string, took time.Duration) {
			fmt.Fprintf(a.stderr, "sim: %s took %s (%s since the start)\n", name, took.Round(time.Millisecond), time.Since(start).Round(time.Second))
		}
	}
	if !quiet && isTerminal(a.stderr) {
		opts.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total,
					progressbar.OptionSetWriter(a.stderr),
					progressbar.OptionSetDescription("sim"),
					progressbar.OptionShowCount(),
					progressbar.OptionSetItsString("people"),
					progressbar.OptionShowIts(),
					progressbar.OptionThrottle(100*time.Millisecond),
					progressbar.OptionClearOnFinish(),
					progressbar.OptionSetPredictTime(true))
			}
			_ = bar.Set(done)
		}
	}
	res, err := sim.Run(ctx, cfg, newNet, opts)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	if err := sim.Write(out, res); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote results.csv, summary.md and the plots to %s\n", out)
	return nil
}
