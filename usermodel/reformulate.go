package usermodel

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Feedback methods for Reformulate.
const (
	// MethodRocchio: q' = α·q + β·mean(interested) − γ·mean(not interested).
	MethodRocchio = "rocchio"
	// MethodIde is Ide's dec-hi: q' = q + Σ interested − the single
	// highest-ranked document marked not interested.
	MethodIde = "ide"
	// MethodRM3 is the relevance model (Lavrenko and Croft's RM1,
	// interpolated with the query as in RM3) over pseudo-relevant documents:
	// the top documents of a first retrieval, weighted by their scores, no
	// person involved.
	MethodRM3 = "rm3"
)

// ReformConfig tunes query reformulation. Start from DefaultReformConfig.
type ReformConfig struct {
	// Method is MethodRocchio, MethodIde or MethodRM3. Default rocchio.
	Method string
	// Alpha weighs the original query. Default 1.
	Alpha float64
	// Beta weighs documents marked interested. Default 4: with ten judged
	// documents, feedback that outweighs the query measured best on every
	// collection tried (docs/BENCHMARKS.md).
	Beta float64
	// Gamma weighs documents marked not interested. Default 0.15.
	Gamma float64
	// ExpansionTerms is how many new terms (not in the query) are added,
	// the heaviest ones that pass the filters below. Default 40: with
	// fewer, residual MAP after feedback falls by more than 1% on some
	// test collection (35: LISA 2.2%, ADI 1.3%; 20: LISA 13%; the sweep
	// in docs/BENCHMARKS.md), though each term costs a search with the
	// profile about 7 µs on an index of 1,460 abstracts.
	ExpansionTerms int
	// SpecificQuery is the number of query terms up to which all
	// ExpansionTerms are added. A longer query already says what is
	// wanted, so it gets ExpansionTerms·SpecificQuery/terms (rounded
	// down, at least 1). Default 24: residual MAP after feedback stays
	// within 1% of no scaling on all six test collections (12 cost LISA,
	// whose queries are the longest, 14%; 8 cost CRAN, CISI and MED
	// 1.3-2.3%); 0 adds ExpansionTerms whatever the query's length.
	SpecificQuery int
	// WordsOnly keeps only expansion terms that read as words: with at
	// least one letter, and without the characters of file names, paths
	// and addresses ('.', '/', '\\', ':', '@'). Bare numbers ("9466"),
	// file names ("omp_matinv.c") and paths never expand a query.
	// Default true.
	WordsOnly bool
	// MinTermRunes is the length, in characters, of the shortest
	// expansion term (as analysed). Default 3: one- and two-character
	// tokens (initials, units, fragments of code) carry no topic.
	MinTermRunes int
	// MinDocFreq is the number of documents of the collection an expansion
	// term must occur in. Default 2: a term of a single document (the one
	// marked) finds nothing else. Applies when Reformulate is given the
	// collection's statistics.
	MinDocFreq uint64
	// ProfileWeight weighs the person's profile in the new query (its
	// positive terms only; negative ones only lower query terms). Default
	// 0.2; 0 ignores the profile.
	ProfileWeight float64
	// RM3Lambda is the weight of the original query in RM3. Default 0.5.
	RM3Lambda float64
}

// DefaultReformConfig returns the documented defaults, chosen from the
// comparison in docs/BENCHMARKS.md and the same for every collection.
func DefaultReformConfig() ReformConfig {
	return ReformConfig{
		Method:         MethodRocchio,
		Alpha:          1,
		Beta:           4,
		Gamma:          0.15,
		ExpansionTerms: 40,
		SpecificQuery:  24,
		WordsOnly:      true,
		MinTermRunes:   3,
		MinDocFreq:     2,
		ProfileWeight:  0.2,
		RM3Lambda:      0.5,
	}
}

// Judged is a document with feedback on it, for Reformulate.
type Judged struct {
	// Doc is the document's unit-length tf-idf vector.
	Doc Vector
	// Interested is the mark (for RM3: true for every pseudo-relevant document).
	Interested bool
	// Weight scales this document's contribution: the similarity of the
	// query it was marked for to the current query, 1 for the same query.
	// RM3 uses it as the document's retrieval weight P(Q|d).
	Weight float64
	// Rank is the document's rank in the first retrieval (Ide uses it to
	// find the highest-ranked rejected document); 0 if unknown.
	Rank int
}

// Reformulation is a reformulated query and how it came about.
type Reformulation struct {
	// Terms are the new query's terms and weights, heaviest first; all
	// weights are > 0.
	Terms []TermWeight `json:"terms"`
	// Added are the expansion terms (not in the original query).
	Added []string `json:"added,omitempty"`
	// Dropped are original terms that feedback pushed to zero or below.
	Dropped []string `json:"dropped,omitempty"`
}

// DocFreqs is what reformulation needs to know of the collection: in how
// many documents each term occurs. *index.Index and every Corpus have it.
type DocFreqs interface {
	DocFreq(ctx context.Context, terms ...string) (map[string]uint64, error)
}

// Reformulate combines the query vector q with feedback documents and the
// profile according to cfg. The original query's terms stay unless
// feedback against them outweighs them; new terms are added only if they
// pass cfg's filters (WordsOnly, MinTermRunes, and MinDocFreq in stats),
// at most as many as ExpansionTerms and SpecificQuery allow for q's
// length. stats may be nil: then no document-frequency floor applies.
func Reformulate(ctx context.Context, stats DocFreqs, cfg ReformConfig, q Vector, judged []Judged, profile Vector) (Reformulation, error) {
	var unit Vector
	if cfg.ProfileWeight > 0 && len(profile) > 0 {
		unit = profile.Normalized()
	}
	return ReformulateWith(ctx, stats, cfg, q, judged, unit)
}

// ReformulateWith is Reformulate with the profile given scaled to unit
// length (Vector.Normalized), as a caller that keeps it from search to
// search has it; it is only read.
func ReformulateWith(ctx context.Context, stats DocFreqs, cfg ReformConfig, q Vector, judged []Judged, unitProfile Vector) (Reformulation, error) {
	if err := q.Validate(); err != nil {
		return Reformulation{}, err
	}
	for _, j := range judged {
		if err := j.Doc.Validate(); err != nil {
			return Reformulation{}, err
		}
		if math.IsNaN(j.Weight) || math.IsInf(j.Weight, 0) || j.Weight < 0 {
			return Reformulation{}, fmt.Errorf("usermodel: feedback weight %v", j.Weight)
		}
	}
	var fb Vector
	switch cfg.Method {
	case MethodRocchio, "":
		fb = rocchio(cfg, judged)
	case MethodIde:
		fb = ideDecHi(judged)
	case MethodRM3:
		fb = rm1(judged)
	default:
		return Reformulation{}, fmt.Errorf("usermodel: unknown feedback method %q", cfg.Method)
	}
	// Expansion candidates: the heaviest positive feedback terms not in q.
	candidates := make([]TermWeight, 0, len(fb))
	for t, w := range fb {
		if _, inQuery := q[t]; !inQuery && w > 0 {
			candidates = append(candidates, TermWeight{t, w})
		}
	}
	// Heaviest first, then by term: a total order (terms are distinct).
	slices.SortFunc(candidates, func(a, b TermWeight) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return strings.Compare(a.Term, b.Term)
	})
	candidates, err := expansion(ctx, stats, cfg, candidates, expansionTerms(cfg, len(q)))
	if err != nil {
		return Reformulation{}, err
	}
	out := Vector{}
	qn := q.Normalized()
	switch cfg.Method {
	case MethodRM3:
		// Interpolate two distributions: the query (L1-normalised) and the
		// relevance model over the kept terms (L1-normalised).
		lambda := cfg.RM3Lambda
		out.AddScaled(l1(qn), lambda)
		kept := Vector{}
		for _, c := range candidates {
			kept[c.Term] = c.Weight
		}
		for t := range q {
			if fb[t] > 0 {
				kept[t] = fb[t]
			}
		}
		out.AddScaled(l1(kept), 1-lambda)
	default:
		alpha := cfg.Alpha
		if cfg.Method == MethodIde {
			alpha = 1
		}
		out.AddScaled(qn, alpha)
		for t := range q {
			if w, ok := fb[t]; ok {
				out[t] += w
			}
		}
		for _, c := range candidates {
			out[c.Term] += c.Weight
		}
	}
	if cfg.ProfileWeight > 0 && len(unitProfile) > 0 {
		for t, w := range unitProfile {
			_, present := out[t]
			if present || (w < 0 && q[t] != 0) {
				out[t] += cfg.ProfileWeight * w
			}
		}
	}
	var r Reformulation
	for t := range q {
		if out[t] <= 0 {
			r.Dropped = append(r.Dropped, t)
		}
	}
	sort.Strings(r.Dropped)
	for _, tw := range out.Sorted() {
		if tw.Weight <= 0 {
			break
		}
		r.Terms = append(r.Terms, tw)
		if _, inQuery := q[tw.Term]; !inQuery {
			r.Added = append(r.Added, tw.Term)
		}
	}
	return r, nil
}

// expansionTerms is how many terms expand a query of n terms (see
// ReformConfig.SpecificQuery).
func expansionTerms(cfg ReformConfig, n int) int {
	if cfg.ExpansionTerms <= 0 {
		return 0
	}
	if cfg.SpecificQuery <= 0 || n <= cfg.SpecificQuery {
		return cfg.ExpansionTerms
	}
	return max(1, cfg.ExpansionTerms*cfg.SpecificQuery/n)
}

// expansion returns the first n of the candidates (heaviest first) that
// pass cfg's filters. Document frequencies are asked for in rounds, only
// for as many well-formed candidates as there are places left.
func expansion(ctx context.Context, stats DocFreqs, cfg ReformConfig, candidates []TermWeight, n int) ([]TermWeight, error) {
	floor := stats != nil && cfg.MinDocFreq > 0
	out := make([]TermWeight, 0, min(n, len(candidates)))
	next := 0 // candidates[next:] are still to be looked at
	for len(out) < n && next < len(candidates) {
		var round []TermWeight
		for ; next < len(candidates) && len(out)+len(round) < n; next++ {
			if c := candidates[next]; expansionWord(cfg, c.Term) {
				round = append(round, c)
			}
		}
		if !floor {
			out = append(out, round...)
			continue
		}
		if len(round) == 0 {
			break
		}
		terms := make([]string, len(round))
		for i, c := range round {
			terms[i] = c.Term
		}
		dfs, err := stats.DocFreq(ctx, terms...)
		if err != nil {
			return nil, fmt.Errorf("document frequencies of expansion terms: %w", err)
		}
		for _, c := range round {
			if dfs[c.Term] >= cfg.MinDocFreq {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// expansionWord reports whether term passes cfg's WordsOnly and
// MinTermRunes filters.
func expansionWord(cfg ReformConfig, term string) bool {
	if utf8.RuneCountInString(term) < cfg.MinTermRunes {
		return false
	}
	if !cfg.WordsOnly {
		return true
	}
	if strings.ContainsAny(term, "./\\:@") {
		return false
	}
	return strings.IndexFunc(term, unicode.IsLetter) >= 0
}

// rocchio returns β·mean(interested) − γ·mean(not interested), each mean
// weighted by the documents' weights.
func rocchio(cfg ReformConfig, judged []Judged) Vector {
	// Sized for the documents' terms up front: the sums are the same, and
	// the maps are not rebuilt as they grow.
	np, nn := 0, 0
	for _, j := range judged {
		if j.Interested {
			np += len(j.Doc)
		} else {
			nn += len(j.Doc)
		}
	}
	pos, neg := make(Vector, np), make(Vector, nn)
	var wp, wn float64
	for _, j := range judged {
		if j.Interested {
			pos.AddScaled(j.Doc, j.Weight)
			wp += j.Weight
		} else {
			neg.AddScaled(j.Doc, j.Weight)
			wn += j.Weight
		}
	}
	out := make(Vector, len(pos)+len(neg))
	if wp > 0 {
		out.AddScaled(pos, cfg.Beta/wp)
	}
	if wn > 0 {
		out.AddScaled(neg, -cfg.Gamma/wn)
	}
	return out
}

// ideDecHi returns Σ interested − the highest-ranked not-interested document.
func ideDecHi(judged []Judged) Vector {
	out := Vector{}
	var worst *Judged
	for i := range judged {
		j := &judged[i]
		if j.Interested {
			out.AddScaled(j.Doc, j.Weight)
		} else if worst == nil || (j.Rank > 0 && (worst.Rank == 0 || j.Rank < worst.Rank)) {
			worst = j
		}
	}
	if worst != nil {
		out.AddScaled(worst.Doc, -worst.Weight)
	}
	return out
}

// rm1 returns the relevance model Σ_d P(w|d)·P(Q|d) over the documents,
// with P(w|d) the document vector L1-normalised and P(Q|d) its weight
// (normalised over the documents).
func rm1(judged []Judged) Vector {
	out := Vector{}
	total := 0.0
	for _, j := range judged {
		if j.Interested {
			total += j.Weight
		}
	}
	if total == 0 {
		return out
	}
	for _, j := range judged {
		if j.Interested && j.Weight > 0 {
			out.AddScaled(l1(j.Doc), j.Weight/total)
		}
	}
	return out
}

// l1 returns the positive part of v scaled to sum 1.
func l1(v Vector) Vector {
	s := 0.0
	for _, w := range v {
		if w > 0 {
			s += w
		}
	}
	out := Vector{}
	if s == 0 {
		return out
	}
	for t, w := range v {
		if w > 0 {
			out[t] = w / s
		}
	}
	return out
}
