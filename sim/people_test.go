package sim

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestNewPeople checks the people's domains (own first, the configured
// share with a second, different one), their test queries (up to the
// number asked, from their domains) and determinism in the seed.
func TestNewPeople(t *testing.T) {
	d := tinyDomain(t, "a")
	domains := []Domain{d, tinyDomain(t, "b"), tinyDomain(t, "c")}
	nodeDomain := []int{0, 0, 0, 0, 1, 1, 1, 2, 2, 2}
	people := NewPeople(domains, nodeDomain, 0.3, 4, 9)
	two := 0
	for i, p := range people {
		if p.Domains[0] != nodeDomain[i] {
			t.Errorf("person %d: first domain %d, node's %d", i, p.Domains[0], nodeDomain[i])
		}
		if len(p.Domains) == 2 {
			two++
			if p.Domains[1] == p.Domains[0] {
				t.Errorf("person %d: second domain repeats the first", i)
			}
		}
		if len(p.Test) != 4 {
			t.Errorf("person %d: %d test queries, want 4", i, len(p.Test))
		}
		for _, q := range append(p.Test, p.Train...) {
			if q.Domain != p.Domains[0] && (len(p.Domains) < 2 || q.Domain != p.Domains[1]) {
				t.Errorf("person %d: query of domain %d outside their domains %v", i, q.Domain, p.Domains)
			}
		}
	}
	if two != 3 {
		t.Errorf("%d people with two domains, want 3 (share 0.3 of 10)", two)
	}
	if !reflect.DeepEqual(people, NewPeople(domains, nodeDomain, 0.3, 4, 9)) {
		t.Error("same seed, different people")
	}
	p := people[0]
	first := p.NextTrain(len(p.Train))
	if again := p.NextTrain(len(p.Train)); !reflect.DeepEqual(first, again) {
		t.Error("training queries do not cycle")
	}
}

// TestJudgeNoise checks that judgments follow the qrels without noise and
// that a noise share flips about that share of them.
func TestJudgeNoise(t *testing.T) {
	urls := make([]string, 2000)
	rel := map[string]int{}
	for i := range urls {
		urls[i] = string(rune('a'+i%26)) + string(rune(i))
		if i%2 == 0 {
			rel[urls[i]] = 1
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, j := range Judge(urls, rel, 0, rng) {
		if j != (i%2 == 0) {
			t.Fatalf("result %d judged %v without noise", i, j)
		}
	}
	wrong := 0
	for i, j := range Judge(urls, rel, 0.2, rng) {
		if j != (i%2 == 0) {
			wrong++
		}
	}
	if wrong < 320 || wrong > 480 {
		t.Errorf("%d of 2000 judgments wrong with noise 0.2, want about 400", wrong)
	}
}
