package p2pirv1

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"
)

// checked is a message of the contract with its Validate method.
type checked interface {
	proto.Message
	Validate() error
}

// FuzzValidate checks, for any bytes a peer may send, decoded as each
// message of the contract: Validate never panics, its errors wrap
// ErrInvalid, and a message it accepts is accepted again after a round
// trip through the wire.
func FuzzValidate(f *testing.F) {
	seeds := []proto.Message{
		validSearchRequest(), validSearchResponse(), validProfileExchange(),
		validRecommendRequest(), validRecommendResponse(),
		validFetchDocumentRequest(), validFetchDocumentResponse(),
	}
	for _, m := range seeds {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	broken := validSearchResponse()
	broken.Results[0].Score = 0
	b, _ := proto.Marshal(broken)
	f.Add(b)
	shared := validSearchResponse()
	shared.Results[0].Url = SharedDocURL("bob", "k3v9q0x7m2c4r8t1w6y5z0a9b8c7d6e5")
	b, _ = proto.Marshal(shared)
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f}) // a length past the end

	kinds := []func() checked{
		func() checked { return new(SearchRequest) },
		func() checked { return new(SearchResponse) },
		func() checked { return new(ProfileExchange) },
		func() checked { return new(RecommendRequest) },
		func() checked { return new(RecommendResponse) },
		func() checked { return new(FetchDocumentRequest) },
		func() checked { return new(FetchDocumentResponse) },
	}
	req := validSearchRequest()
	fetch := validFetchDocumentRequest()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mk := range kinds {
			m := mk()
			if proto.Unmarshal(data, m) != nil {
				continue
			}
			err := m.Validate()
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("%T: error %v does not wrap ErrInvalid", m, err)
				}
				continue
			}
			wire, err := proto.Marshal(m)
			if err != nil {
				t.Fatalf("%T: accepted but cannot be sent: %v", m, err)
			}
			back := mk()
			if err := proto.Unmarshal(wire, back); err != nil {
				t.Fatalf("%T: read back: %v", m, err)
			}
			if err := back.Validate(); err != nil {
				t.Fatalf("%T: accepted, then refused after the wire: %v", m, err)
			}
			if r, ok := m.(*SearchResponse); ok {
				_ = r.ValidateFor(req) // must not panic
			}
			if r, ok := m.(*FetchDocumentResponse); ok {
				_ = r.ValidateFor(fetch) // must not panic
			}
		}
	})
}
