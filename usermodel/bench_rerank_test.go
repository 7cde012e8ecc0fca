package usermodel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkRerankWith re-ranks 50 candidates against a profile of 400
// terms and 7 rejected documents of 100 terms (the shape of
// clientagent's BenchmarkSearchWithProfile), for candidates of 60 terms
// (abstracts) and of 760 (desktop files), prepared in advance as the
// client agent keeps them.
func BenchmarkRerankWith(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 9))
	random := func(n int) Vector {
		v := Vector{}
		for len(v) < n {
			v[fmt.Sprintf("term%d", rng.IntN(4000))] = rng.Float64()
		}
		return v
	}
	var rejected []Vector
	for range 7 {
		rejected = append(rejected, random(100))
	}
	basis := NewRerankBasis(random(400), rejected)
	for _, terms := range []int{60, 760} {
		b.Run(fmt.Sprintf("%d-terms", terms), func(b *testing.B) {
			cands := make([]Candidate, 50)
			for i := range cands {
				cands[i] = Candidate{Key: fmt.Sprint(i), Score: float64(50 - i), Prepared: PrepareVector(random(terms))}
			}
			cfg := DefaultRerankConfig()
			b.ResetTimer()
			for range b.N {
				RerankWith(cfg, cands, basis)
			}
		})
	}
}
