package canonurl_test

import (
	"fmt"

	"github.com/p2pir/p2pir/internal/canonurl"
)

func ExampleCanonical() {
	c, err := canonurl.Canonical("HTTPS://www.Example.com:443/docs/./guide/?utm_source=feed&b=2&a=1#intro")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	// Output: https://example.com/docs/guide?a=1&b=2
}

func ExampleDedupKey() {
	fmt.Println(canonurl.DedupKey("http://example.com/a?fbclid=xyz"))
	fmt.Println(canonurl.DedupKey("https://www.example.com/a/#top"))
	// Output:
	// example.com/a
	// example.com/a
}
