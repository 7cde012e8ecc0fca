package p2pirv1

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"math"
	"testing"
)

func testBody() *SummaryBody {
	return &SummaryBody{NodeId: "node-a", Version: 3, Docs: 4, TotalLen: 120,
		TermHashes: []uint32{10, 20, 30}, Dfs: []uint32{1, 4, 2}, Impacts: []byte{200, 17, 255}}
}

func TestSignedSummaryOpensAndTamperingIsRefused(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SignSummary(priv.Public().(ed25519.PublicKey), func(m []byte) []byte { return ed25519.Sign(priv, m) }, testBody())
	if err != nil {
		t.Fatal(err)
	}
	body, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	if body.GetNodeId() != "node-a" || body.GetDocs() != 4 || len(body.GetTermHashes()) != 3 {
		t.Fatalf("opened %v", body)
	}
	tamper := []struct {
		name string
		edit func(*CollectionSummary)
	}{
		{"a body byte flipped", func(s *CollectionSummary) { s.Body[len(s.Body)-1] ^= 1 }},
		{"another key", func(s *CollectionSummary) { pub, _, _ := ed25519.GenerateKey(rand.Reader); s.PublicKey = pub }},
		{"a signature byte flipped", func(s *CollectionSummary) { s.Signature[0] ^= 1 }},
		{"short signature", func(s *CollectionSummary) { s.Signature = s.Signature[:10] }},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := SignSummary(priv.Public().(ed25519.PublicKey), func(m []byte) []byte { return ed25519.Sign(priv, m) }, testBody())
			tt.edit(c)
			if _, err := c.Open(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("opened: %v", err)
			}
		})
	}
}

func TestSummaryBodyAndCorpusLimits(t *testing.T) {
	tests := []struct {
		name string
		msg  interface{ Validate() error }
		ok   bool
	}{
		{"a good body", testBody(), true},
		{"hashes out of order", func() *SummaryBody { b := testBody(); b.TermHashes = []uint32{10, 30, 20}; return b }(), false},
		{"a hash repeated", func() *SummaryBody { b := testBody(); b.TermHashes = []uint32{10, 10, 20}; return b }(), false},
		{"df above docs", func() *SummaryBody { b := testBody(); b.Dfs[1] = 5; return b }(), false},
		{"df zero", func() *SummaryBody { b := testBody(); b.Dfs[0] = 0; return b }(), false},
		{"an impact missing", func() *SummaryBody { b := testBody(); b.Impacts = b.Impacts[:2]; return b }(), false},
		{"no node ID", func() *SummaryBody { b := testBody(); b.NodeId = ""; return b }(), false},
		{"too many terms", func() *SummaryBody {
			b := &SummaryBody{NodeId: "n", Docs: 1}
			for i := range MaxSummaryTerms + 1 {
				b.TermHashes = append(b.TermHashes, uint32(i))
				b.Dfs = append(b.Dfs, 1)
				b.Impacts = append(b.Impacts, 1)
			}
			return b
		}(), false},
		{"good corpus", &CorpusStats{Docs: 10, AvgDocLen: 12, Terms: []*TermDF{{Term: "flow", Df: 3}}}, true},
		{"corpus of no documents", &CorpusStats{Docs: 0}, false},
		{"corpus length NaN", &CorpusStats{Docs: 1, AvgDocLen: math.NaN()}, false},
		{"corpus term twice", &CorpusStats{Docs: 1, Terms: []*TermDF{{Term: "a"}, {Term: "a"}}}, false},
		{"corpus term with a space", &CorpusStats{Docs: 1, Terms: []*TermDF{{Term: "a b"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.msg.Validate()
			if tt.ok != (err == nil) {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("%v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestSearchRequestRouteFloorAndAskerFingerprint(t *testing.T) {
	base := func() *SearchRequest {
		return &SearchRequest{QueryId: "q1", Origin: &NodeInfo{NodeId: "a", GrpcAddr: "127.0.0.1:1"}, Text: "flow", K: 10, Visited: []string{"a"}}
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("base request: %v", err)
	}
	for _, f := range []float64{-1, math.NaN(), math.Inf(1), 2e9} {
		r := base()
		r.RouteFloor = f
		if err := r.Validate(); err == nil {
			t.Errorf("route_floor %v accepted", f)
		}
	}
	r := base()
	r.AskerFingerprint = &Fingerprint{Scheme: "x", Values: []float32{1}}
	if err := r.Validate(); err == nil {
		t.Error("a one-value asker fingerprint accepted")
	}
}
