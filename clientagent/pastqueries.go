package clientagent

import "github.com/p2pir/p2pir/usermodel"

// judgePastQueries returns the marks whose query's cosine with qvec is at
// least minSim, in the marks' order, as judged documents weighted by that
// cosine, and the documents of those marked not interested: what
// usermodel.Vector.Cosine gives, to the bit (the same sums in the same
// order). queries[i] is marks[i]'s query prepared (usermodel.PrepareQuery;
// the store's shared read, Store.SharedState, prepares them once per
// decoded mark), so that a search works out no past query's norm or
// sorted terms again, nor the cosine of a mark whose query is the one
// before it (PreparedQuery.SameAsPrevious). Marks whose query shares no
// term with qvec are passed over: their cosine is 0, below minSim, which
// must be more than 0.
func judgePastQueries(marks []usermodel.Mark, queries []usermodel.PreparedQuery, qvec usermodel.Vector, minSim float64) ([]usermodel.Judged, []usermodel.Vector) {
	q := usermodel.PrepareQuery(qvec)
	var judged []usermodel.Judged
	var rejected []usermodel.Vector
	// Whether the last mark's query shares a term with this one, and
	// their cosine.
	shares, sim := false, 0.0
	for i, m := range marks {
		// The marks of one search share its query: it is looked at once
		// (the first mark handed in may follow one left out).
		if p := &queries[i]; i == 0 || !p.SameAsPrevious {
			// Most past queries that share no term with this query are
			// passed over by their signatures alone, without a look-up
			// of this query's terms in them.
			shares = p.Signature&q.Signature != 0 && hasAny(m.QueryVec, q.Terms)
			if shares {
				sim = usermodel.PreparedCosine(qvec, q, m.QueryVec, *p)
			}
		}
		if !shares || sim < minSim {
			continue
		}
		judged = append(judged, usermodel.Judged{Doc: m.Doc, Interested: m.Interested, Weight: sim})
		if !m.Interested {
			rejected = append(rejected, m.Doc)
		}
	}
	return judged, rejected
}

// hasAny reports whether v has one of terms (else its cosine with a
// vector of those terms is 0). A search looks up its query's few terms in
// each past query's vector, rather than starting a walk over a map for
// each of up to 500 marks.
func hasAny(v usermodel.Vector, terms []string) bool {
	for _, t := range terms {
		if _, ok := v[t]; ok {
			return true
		}
	}
	return false
}
