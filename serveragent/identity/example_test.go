package identity_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/p2pir/p2pir/serveragent/identity"
)

// Two nodes of a private network: the server accepts any member, the
// client pins the server's node ID, and both prove the network secret.
func Example() {
	dir, err := os.MkdirTemp("", "p2pir-identity-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	secret := []byte(identity.NewSecret()) // shared by every member

	serverID, err := identity.LoadOrCreate(filepath.Join(dir, "a", "node.key"))
	if err != nil {
		log.Fatal(err)
	}
	serverCreds, err := serverID.ServerCredentials(secret)
	if err != nil {
		log.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(serverCreds))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve(lis)
	defer srv.Stop()

	clientID, err := identity.LoadOrCreate(filepath.Join(dir, "b", "node.key"))
	if err != nil {
		log.Fatal(err)
	}
	// The server's node ID comes from membership (memberlist metadata).
	clientCreds, err := clientID.ClientCredentials(serverID.NodeID(), secret)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(clientCreds))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.GetStatus())
	// Output: SERVING
}
