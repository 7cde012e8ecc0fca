package p2pirv1

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ServerOptions returns the gRPC server options that enforce the contract
// on a node's Peer service: messages over MaxMessageBytes are refused
// (RESOURCE_EXHAUSTED) in both directions, and ValidateUnaryServer checks
// every request and response. Pass them to grpc.NewServer with the node's
// own options (TLS credentials, further interceptors).
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(MaxMessageBytes),
		grpc.MaxSendMsgSize(MaxMessageBytes),
		grpc.ChainUnaryInterceptor(ValidateUnaryServer),
	}
}

// DialOptions returns the gRPC dial options that enforce the contract on
// calls to peers: messages over MaxMessageBytes are refused
// (RESOURCE_EXHAUSTED) in both directions, and ValidateUnaryClient checks
// every request before it leaves and every response before it is used.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(MaxMessageBytes),
			grpc.MaxCallSendMsgSize(MaxMessageBytes),
		),
		grpc.WithChainUnaryInterceptor(ValidateUnaryClient),
	}
}

// validator is a message with contract checks (see limits.go).
type validator interface{ Validate() error }

// checkAnswer validates reply, against req where the contract relates
// them (the query ID and k of a Search, the k of a Recommend).
func checkAnswer(req, reply any) error {
	switch r := reply.(type) {
	case *SearchResponse:
		if q, ok := req.(*SearchRequest); ok {
			return r.ValidateFor(q)
		}
	case *RecommendResponse:
		if q, ok := req.(*RecommendRequest); ok {
			return r.ValidateFor(q)
		}
	case *FetchDocumentResponse:
		if q, ok := req.(*FetchDocumentRequest); ok {
			return r.ValidateFor(q)
		}
	}
	if v, ok := reply.(validator); ok {
		return v.Validate()
	}
	return nil
}

// ValidateUnaryServer is a server interceptor that refuses a request
// failing Validate with INVALID_ARGUMENT before the handler sees it, and
// replaces a response of the handler's that breaks the contract with an
// INTERNAL error, so a node never sends one. Messages that are not of this
// package pass unchecked.
func ValidateUnaryServer(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if v, ok := req.(validator); ok {
		if err := v.Validate(); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	reply, err := handler(ctx, req)
	if err != nil {
		return reply, err
	}
	if err := checkAnswer(req, reply); err != nil {
		return nil, status.Errorf(codes.Internal, "%s: own response breaks the contract: %v", info.FullMethod, err)
	}
	return reply, nil
}

// ValidateUnaryClient is a client interceptor that refuses to send a
// request failing Validate, and refuses a peer's response that breaks the
// contract (too many results, NaN scores, another query's ID...) so that
// none of it is used. Both errors wrap ErrInvalid.
func ValidateUnaryClient(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if v, ok := req.(validator); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("%s: request not sent: %w", method, err)
		}
	}
	if err := invoker(ctx, method, req, reply, cc, opts...); err != nil {
		return err
	}
	if err := checkAnswer(req, reply); err != nil {
		return fmt.Errorf("%s: response from %s refused: %w", method, cc.Target(), err)
	}
	return nil
}
