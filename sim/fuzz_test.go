package sim

import (
	"errors"
	"os"
	"reflect"
	"testing"
)

// FuzzParseConfig checks, for any contents of a simulation's TOML file,
// that ParseConfig does not panic, that every refusal wraps ErrBadConfig,
// and that a configuration it accepts is already resolved: resolving it
// again neither fails nor changes it.
func FuzzParseConfig(f *testing.F) {
	if b, err := os.ReadFile("../docs/sim.example.toml"); err == nil {
		f.Add(b)
	}
	for _, seed := range []string{
		"", "seed = 0\n", "nodes = 10\nrounds = 0\n", "nodes = -1\n", "unknown = true\n",
		"strategies = [\"interest\", \"flood\"]\n", "strategies = [\"nope\"]\n", "[[x]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := ParseConfig(b)
		if err != nil {
			if !errors.Is(err, ErrBadConfig) {
				t.Fatalf("ParseConfig(%q) = %v, which does not wrap ErrBadConfig", b, err)
			}
			return
		}
		again, err := cfg.Resolve()
		if err != nil {
			t.Fatalf("a configuration ParseConfig accepted fails Resolve: %v", err)
		}
		if !reflect.DeepEqual(again, cfg) {
			t.Fatalf("Resolve changed an accepted configuration:\n%+v\n%+v", cfg, again)
		}
	})
}
