//go:build !race

package crawler

// raceDetector reports a test binary built with -race, whose memory use
// (shadow memory for every allocation) and speed say nothing about a
// normal build's.
const raceDetector = false
