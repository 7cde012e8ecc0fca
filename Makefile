# Tasks beyond `go build` and `go test`.
#
#   make proto        regenerate the Go code of proto/ (committed)
#   make proto-check  regenerate and fail if the committed code differs
#
# The generated files record the protoc and plugin versions in their
# headers, so the versions are pinned here and checked: the same inputs must
# give byte-identical output. protoc is Debian's (apt-get install
# protobuf-compiler, bookworm: 3.21.12); the plugins are installed with
# `go install` at the pinned versions into $(PROTO_BIN) and called by path,
# so whatever else is on PATH does not matter.

PROTOC             ?= protoc
PROTOC_VERSION     := 3.21.12
PROTOC_GEN_GO      := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC := google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
PROTO_BIN          ?= $(shell go env GOPATH)/bin
PROTO_FILES        := proto/p2pir/v1/peer.proto
# PROTO_OUT is where the generated code goes (tests regenerate elsewhere
# to compare).
PROTO_OUT          ?= proto

.PHONY: proto proto-tools proto-check

proto-tools:
	GOBIN=$(PROTO_BIN) go install $(PROTOC_GEN_GO)
	GOBIN=$(PROTO_BIN) go install $(PROTOC_GEN_GO_GRPC)

proto: proto-tools
	@$(PROTOC) --version | grep -qx 'libprotoc $(PROTOC_VERSION)' || \
		{ echo "need protoc $(PROTOC_VERSION) (apt-get install protobuf-compiler), have: $$($(PROTOC) --version)"; exit 1; }
	$(PROTOC) -I proto \
		--plugin=protoc-gen-go=$(PROTO_BIN)/protoc-gen-go \
		--plugin=protoc-gen-go-grpc=$(PROTO_BIN)/protoc-gen-go-grpc \
		--go_out=$(PROTO_OUT) --go_opt=paths=source_relative \
		--go-grpc_out=$(PROTO_OUT) --go-grpc_opt=paths=source_relative \
		$(PROTO_FILES)

proto-check: proto
	git diff --exit-code -- proto/
	@test -z "$$(git status --porcelain -- proto/)" || \
		{ echo "untracked or changed files under proto/ after regeneration:"; git status --porcelain -- proto/; exit 1; }
