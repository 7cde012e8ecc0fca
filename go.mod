module github.com/p2pir/p2pir

go 1.26
