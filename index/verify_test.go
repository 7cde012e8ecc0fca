package index

import (
	"errors"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// listSearcher is a search.Searcher over fixed document numbers, ending
// with err (nil: with no more matches).
type listSearcher struct {
	docs []uint64
	err  error
}

func (l *listSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if len(l.docs) == 0 {
		return nil, l.err
	}
	d := ctx.DocumentMatchPool.Get()
	d.IndexInternalID = make(bindex.IndexInternalID, 8)
	d.IndexInternalID.SetValue(l.docs[0])
	l.docs = l.docs[1:]
	return d, nil
}

func (l *listSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	for len(l.docs) > 0 && l.docs[0] < id.Value() {
		l.docs = l.docs[1:]
	}
	return l.Next(ctx)
}

func (l *listSearcher) Close() error               { return nil }
func (l *listSearcher) Weight() float64            { return 1 }
func (l *listSearcher) SetQueryNorm(float64)       {}
func (l *listSearcher) Count() uint64              { return uint64(len(l.docs)) }
func (l *listSearcher) Min() int                   { return 0 }
func (l *listSearcher) Size() int                  { return 0 }
func (l *listSearcher) DocumentMatchPoolSize() int { return 1 }

// TestVerifyingSearcherPassesOnErrors checks that a phrase's verifying
// searcher gives the matches it accepts, in order, and fails with the
// child's error (reading past a rejected match too) and with the check's
// own error, rather than ending as if there were no more matches.
func TestVerifyingSearcherPassesOnErrors(t *testing.T) {
	childErr, checkErr := errors.New("the postings are damaged"), errors.New("the stored text is damaged")
	for _, tc := range []struct {
		name    string
		docs    []uint64
		end     error
		refuse  uint64 // the check fails on this document (0: never)
		want    []uint64
		wantErr error
	}{
		{"accepted ones, in order", []uint64{1, 2, 3, 4, 6}, nil, 0, []uint64{2, 4, 6}, nil},
		{"the child fails after a rejected match", []uint64{2, 3}, childErr, 0, []uint64{2}, childErr},
		{"the child fails after rejected matches only", []uint64{1, 3, 5}, childErr, 0, nil, childErr},
		{"the check fails", []uint64{2, 4, 5}, nil, 4, []uint64{2}, checkErr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &verifyingSearcher{
				child: &listSearcher{docs: tc.docs, err: tc.end},
				accept: func(d *search.DocumentMatch) (bool, error) {
					n := d.IndexInternalID.Value()
					if n == tc.refuse {
						return false, checkErr
					}
					return n%2 == 0, nil
				},
				closing: func() {},
			}
			sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(4, 0)}
			var got []uint64
			var err error
			for {
				var d *search.DocumentMatch
				if d, err = s.Next(sctx); err != nil || d == nil {
					break
				}
				got = append(got, d.IndexInternalID.Value())
			}
			if !slices.Equal(got, tc.want) || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("matches %v, error %v; want %v, %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
