// Package p2pirv1 is the wire contract between p2pir nodes, version 1: the
// gRPC service p2pir.v1.Peer (Search, ExchangeProfiles, Recommend,
// FetchDocument) and its messages, generated from peer.proto, whose comments document every field
// with its unit and limit.
//
// Beside the generated code (peer.pb.go, peer_grpc.pb.go: do not edit) the
// package holds the contract's rules in Go:
//   - limits.go: the caps on every string, list and number as constants,
//     and Validate methods that check a message against them (NaN or
//     infinite values, oversized lists, empty IDs, out-of-range counts).
//   - options.go: gRPC server and dial options that refuse messages over
//     MaxMessageBytes and run Validate on every request and response.
//   - exclude.go: the salted URL hashes of RecommendRequest.exclude.
//
// Nodes also serve the standard gRPC health service
// (google.golang.org/grpc/health/grpc_health_v1); it is not part of this
// package.
//
// The generated files are committed. Regenerate them with `make proto` at
// the repository root, which pins protoc (Debian's protobuf-compiler) and
// the protoc-gen-go and protoc-gen-go-grpc plugins; `make proto-check`
// fails if regeneration changes anything.
package p2pirv1

//go:generate make -C ../../.. proto
