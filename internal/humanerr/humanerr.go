// Package humanerr turns errors into messages for people: without the
// package names that Go errors start with to say where they came from
// ("clientagent: usermodel: nothing to undo" reads "nothing to undo").
// The CLI and the HTTP API show errors through it; the error chains keep
// everything for errors.Is and errors.As.
package humanerr

import "strings"

// packagePrefixes are the words errors from inside p2pir start with that
// only name a package (or a category: "bad input").
var packagePrefixes = []string{
	"bad input: ", "usermodel: ", "clientagent: ", "index: ", "config: ", "serveragent: ", "metasearch: ",
	"node: ", "crawler: ", "jobs: ", "eval: ", "sim: ", "share: ", "membership: ", "routing: ", "cluster: ",
	"recommend: ", "identity: ", "textextract: ", "canonurl: ",
}

// Message is err's message without the package names at its start, nor
// the extra prefixes given (the name of what failed, when the message's
// reader already sees it). A nil error is "".
func Message(err error, extra ...string) string {
	if err == nil {
		return ""
	}
	return Trim(err.Error(), extra...)
}

// Trim is Message for a message already in text.
func Trim(msg string, extra ...string) string {
	for trimmed := true; trimmed; {
		trimmed = false
		for _, list := range [][]string{packagePrefixes, extra} {
			for _, p := range list {
				if p != "" && strings.HasPrefix(msg, p) {
					msg, trimmed = msg[len(p):], true
				}
			}
		}
	}
	return msg
}
