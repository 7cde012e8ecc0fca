package sim

import "math/rand/v2"

// Person is the simulated user of one node.
type Person struct {
	// Node is the person's node.
	Node int
	// Domains are the person's domains, the node's own first.
	Domains []int
	// Train are the person's training queries (domain, index into the
	// domain's Train) in the order they are issued, cycling.
	Train []QueryRef
	// Test are the held-out queries the person is measured on.
	Test []QueryRef
	// next is the position in Train of the next training query.
	next int
}

// QueryRef names one query of a domain.
type QueryRef struct {
	// Domain is the index of the domain.
	Domain int
	// Index is the query's position in the domain's Train or Test list.
	Index int
}

// NewPeople makes one person per node: the node's domain, and for a share
// twoDomainShare of the people (chosen at random) a second domain at
// random; their training queries are their domains' training queries in a
// random order (round-robin over the domains); their test queries are up
// to testQueries of their domains' test queries, drawn at random
// round-robin over the domains. Deterministic in seed.
func NewPeople(domains []Domain, nodeDomain []int, twoDomainShare float64, testQueries int, seed uint64) []Person {
	rng := rand.New(rand.NewPCG(seed, 0x9e0971e))
	people := make([]Person, len(nodeDomain))
	two := make([]bool, len(nodeDomain))
	if len(domains) > 1 {
		nTwo := int(twoDomainShare*float64(len(nodeDomain)) + 0.5)
		for _, i := range rng.Perm(len(nodeDomain))[:nTwo] {
			two[i] = true
		}
	}
	for i, d := range nodeDomain {
		p := Person{Node: i, Domains: []int{d}}
		if two[i] {
			other := rng.IntN(len(domains) - 1)
			if other >= d {
				other++
			}
			p.Domains = append(p.Domains, other)
		}
		p.Train = interleave(p.Domains, func(d int) int { return len(domains[d].Train) }, rng, -1)
		p.Test = interleave(p.Domains, func(d int) int { return len(domains[d].Test) }, rng, testQueries)
		people[i] = p
	}
	return people
}

// interleave shuffles each domain's query positions and takes them
// round-robin over the domains, up to limit (all when limit < 0).
func interleave(ds []int, size func(int) int, rng *rand.Rand, limit int) []QueryRef {
	perms := make([][]int, len(ds))
	total := 0
	for j, d := range ds {
		perms[j] = rng.Perm(size(d))
		total += len(perms[j])
	}
	if limit < 0 || limit > total {
		limit = total
	}
	var out []QueryRef
	for pos := 0; len(out) < limit; pos++ {
		for j, d := range ds {
			if pos < len(perms[j]) && len(out) < limit {
				out = append(out, QueryRef{Domain: d, Index: perms[j][pos]})
			}
		}
	}
	return out
}

// NextTrain returns the person's next n training queries, cycling through
// them (none when the person has none).
func (p *Person) NextTrain(n int) []QueryRef {
	if len(p.Train) == 0 {
		return nil
	}
	out := make([]QueryRef, 0, n)
	for range n {
		out = append(out, p.Train[p.next%len(p.Train)])
		p.next++
	}
	return out
}

// Judge returns a person's judgment of each result: relevant to the query
// by the judgments, flipped with probability noise.
func Judge(urls []string, relevant map[string]int, noise float64, rng *rand.Rand) []bool {
	out := make([]bool, len(urls))
	for i, u := range urls {
		out[i] = relevant[u] >= 1
		if noise > 0 && rng.Float64() < noise {
			out[i] = !out[i]
		}
	}
	return out
}

// TestRelevant returns the URLs relevant to any of the person's test
// queries, without those in seen: what a good recommender would bring.
func (p *Person) TestRelevant(domains []Domain, seen map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, q := range p.Test {
		for u := range domains[q.Domain].Test[q.Index].Relevant {
			if !seen[u] {
				out[u] = true
			}
		}
	}
	return out
}

// primaryDomains returns each person's first domain: the true classes
// the clustering is scored against.
func primaryDomains(people []Person) []int {
	out := make([]int, len(people))
	for i, p := range people {
		out[i] = p.Domains[0]
	}
	return out
}
