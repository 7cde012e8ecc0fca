// Package logxtest records slog lines for tests that check what a
// component logs: which events, with which attributes, and that some text
// (a person's query) never appears at a level.
package logxtest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// Line is one recorded log line.
type Line struct {
	Level   slog.Level
	Message string
	// Attrs are the line's attributes as text, groups flattened as
	// "group.key".
	Attrs map[string]string
}

// String renders the line as slog's text handler would, roughly: for
// failure messages and for searching all of a line's text.
func (l Line) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "level=%s msg=%q", l.Level, l.Message)
	for k, v := range l.Attrs {
		fmt.Fprintf(&b, " %s=%q", k, v)
	}
	return b.String()
}

// Recorder is a slog.Handler that keeps every line at Level and above.
// Safe for concurrent use.
type Recorder struct {
	level slog.Leveler
	rec   *records
	attrs []slog.Attr
	group string
}

type records struct {
	mu    sync.Mutex
	lines []Line
}

// New returns a Recorder keeping lines at level and above, and a logger
// writing to it.
func New(level slog.Level) (*Recorder, *slog.Logger) {
	r := &Recorder{level: level, rec: &records{}}
	return r, slog.New(r)
}

// Enabled implements slog.Handler.
func (r *Recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level.Level() }

// Handle implements slog.Handler.
func (r *Recorder) Handle(_ context.Context, rec slog.Record) error {
	line := Line{Level: rec.Level, Message: rec.Message, Attrs: map[string]string{}}
	add := func(a slog.Attr) { flatten(line.Attrs, r.group, a) }
	for _, a := range r.attrs {
		add(a)
	}
	rec.Attrs(func(a slog.Attr) bool { add(a); return true })
	r.rec.mu.Lock()
	r.rec.lines = append(r.rec.lines, line)
	r.rec.mu.Unlock()
	return nil
}

func flatten(into map[string]string, prefix string, a slog.Attr) {
	key := a.Key
	if prefix != "" {
		key = prefix + "." + key
	}
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		for _, g := range v.Group() {
			flatten(into, key, g)
		}
		return
	}
	into[key] = v.String()
}

// WithAttrs implements slog.Handler.
func (r *Recorder) WithAttrs(as []slog.Attr) slog.Handler {
	c := *r
	c.attrs = append(append([]slog.Attr(nil), r.attrs...), as...)
	return &c
}

// WithGroup implements slog.Handler.
func (r *Recorder) WithGroup(name string) slog.Handler {
	c := *r
	if c.group != "" {
		name = c.group + "." + name
	}
	c.group = name
	return &c
}

// Lines returns a copy of the lines recorded so far.
func (r *Recorder) Lines() []Line {
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	return append([]Line(nil), r.rec.lines...)
}

// Event returns the lines whose "event" attribute is event.
func (r *Recorder) Event(event string) []Line {
	var out []Line
	for _, l := range r.Lines() {
		if l.Attrs["event"] == event {
			out = append(out, l)
		}
	}
	return out
}

// Text is every line recorded, one a line, for searching and failure
// messages.
func (r *Recorder) Text() string {
	var b strings.Builder
	for _, l := range r.Lines() {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}
