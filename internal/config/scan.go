package config

import (
	"bytes"
	"strings"
)

// engineBlock is where one [[engine]] table is in a file's lines.
type engineBlock struct {
	// header is the line of "[[engine]]"; last the last line of the table
	// that holds a setting (or the header's, for an empty table): comment
	// and blank lines after it belong to what follows.
	header, last int
	// enabled is the line of its "enabled" key, -1 when it has none;
	// enabledEq is the offset of that line's "=" and enabledComment of
	// its comment ("#"), -1 when it has none.
	enabled, enabledEq, enabledComment int
	// indent is the indentation of its first setting.
	indent string
}

// splitLines splits raw into lines, each with its line ending.
func splitLines(raw []byte) []string {
	if len(raw) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(raw), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineInfo is what the scanner learns of one line.
type lineInfo struct {
	header  string // a table header's name ("engine" for [[engine]], "[engine]" marks an array table), "" otherwise
	isTable bool   // a header line
	key     string // the key a setting on this line starts with, at the top of its table
	eq      int    // the offset of that setting's "="
	comment int    // the offset of a comment ("#") outside strings, -1 when none
	content bool   // holds something besides blanks and a comment (a setting or a continuation of one)
}

// scanLines reads a TOML file's lines far enough to tell table headers,
// top-level keys, comments and multi-line values (arrays, inline tables,
// multi-line strings) apart. It trusts that the file loads (parse
// checked it).
func scanLines(lines []string) []lineInfo {
	const (
		normal = iota
		basic
		literal
		multiBasic
		multiLiteral
	)
	state, depth := normal, 0
	out := make([]lineInfo, len(lines))
	for li, line := range lines {
		info := lineInfo{comment: -1, eq: -1}
		body := strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimLeft(body, " \t")
		startState, startDepth := state, depth
		if state == normal && depth == 0 && strings.HasPrefix(trimmed, "[") {
			info.isTable = true
			end := strings.Index(trimmed, "]")
			name := trimmed
			if strings.HasPrefix(trimmed, "[[") {
				if end2 := strings.Index(trimmed, "]]"); end2 >= 0 {
					name = "[" + strings.TrimSpace(trimmed[2:end2]) + "]"
					end = end2 + 1
				}
			} else if end >= 0 {
				name = strings.TrimSpace(trimmed[1:end])
			}
			info.header = unquoteKey(name)
			if c := strings.Index(trimmed[max(end, 0):], "#"); c >= 0 {
				info.comment = len(body) - len(trimmed) + max(end, 0) + c
			}
			out[li] = info
			continue
		}
		if startState == normal && startDepth == 0 && trimmed != "" && trimmed[0] != '#' {
			if eq := strings.Index(body, "="); eq >= 0 {
				info.key = unquoteKey(strings.TrimSpace(body[:eq]))
				info.eq = eq
			}
		}
		content := startState != normal || startDepth > 0
		for i := 0; i < len(body); i++ {
			c := body[i]
			switch state {
			case normal:
				switch {
				case c == '#':
					info.comment = i
					i = len(body)
					continue
				case strings.HasPrefix(body[i:], `"""`):
					state, i = multiBasic, i+2
				case strings.HasPrefix(body[i:], `'''`):
					state, i = multiLiteral, i+2
				case c == '"':
					state = basic
				case c == '\'':
					state = literal
				case c == '[' || c == '{':
					if info.eq >= 0 && i > info.eq || startDepth > 0 || depth > 0 {
						depth++
					}
				case c == ']' || c == '}':
					if depth > 0 {
						depth--
					}
				}
				if c != ' ' && c != '\t' {
					content = true
				}
			case basic:
				if c == '\\' {
					i++
				} else if c == '"' {
					state = normal
				}
			case literal:
				if c == '\'' {
					state = normal
				}
			case multiBasic:
				if c == '\\' {
					i++
				} else if strings.HasPrefix(body[i:], `"""`) {
					state, i = normal, i+2
					for i+1 < len(body) && body[i+1] == '"' { // up to two quotes end the string's content
						i++
					}
				}
			case multiLiteral:
				if strings.HasPrefix(body[i:], `'''`) {
					state, i = normal, i+2
					for i+1 < len(body) && body[i+1] == '\'' {
						i++
					}
				}
			}
		}
		if state == basic || state == literal { // a single-line string cannot run on
			state = normal
		}
		info.content = content
		out[li] = info
	}
	return out
}

// unquoteKey is a bare or quoted TOML key without its quotes.
func unquoteKey(k string) string {
	if len(k) >= 2 && (k[0] == '"' && k[len(k)-1] == '"' || k[0] == '\'' && k[len(k)-1] == '\'') {
		return k[1 : len(k)-1]
	}
	return k
}

// scanEngineBlocks finds the [[engine]] tables of a file, in order.
func scanEngineBlocks(raw []byte) []engineBlock {
	lines := splitLines(raw)
	infos := scanLines(lines)
	var out []engineBlock
	cur := -1
	for i, info := range infos {
		if info.isTable {
			cur = -1
			if info.header == "[engine]" {
				out = append(out, engineBlock{header: i, last: i, enabled: -1, enabledEq: -1, enabledComment: -1})
				cur = len(out) - 1
			}
			continue
		}
		if cur < 0 || !info.content {
			continue
		}
		b := &out[cur]
		if b.last == b.header {
			b.indent = lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
		}
		b.last = i
		if info.key == "enabled" {
			b.enabled, b.enabledEq, b.enabledComment = i, info.eq, info.comment
		}
	}
	return out
}

// setEnabled returns raw with the block's "enabled" setting set: the
// value of its line replaced (the spacing and comment after it kept), or
// a line added after its last setting.
func (b engineBlock) setEnabled(raw []byte, enabled bool) []byte {
	lines := splitLines(raw)
	val := "false"
	if enabled {
		val = "true"
	}
	if b.enabled < 0 {
		eol := lineEnding(lines[b.last])
		if !strings.HasSuffix(lines[b.last], "\n") {
			lines[b.last] += eol
		}
		lines = append(lines[:b.last+1], append([]string{b.indent + "enabled = " + val + eol}, lines[b.last+1:]...)...)
		return []byte(strings.Join(lines, ""))
	}
	line := lines[b.enabled]
	body := strings.TrimRight(line, "\r\n")
	tail := line[len(body):]
	value := body[b.enabledEq+1:]
	comment := ""
	if b.enabledComment >= 0 {
		value, comment = body[b.enabledEq+1:b.enabledComment], body[b.enabledComment:]
	}
	space := value[len(strings.TrimRight(value, " \t")):]
	lines[b.enabled] = body[:b.enabledEq+1] + " " + val + space + comment + tail
	return []byte(strings.Join(lines, ""))
}

// remove returns raw without the block's lines (its header through its
// last setting, with the comments between them); the comments and
// blank lines after it stay with what follows, and one blank line before
// it goes when one follows too, so blank lines do not pile up.
func (b engineBlock) remove(raw []byte) []byte {
	lines := splitLines(raw)
	from, to := b.header, b.last+1
	blank := func(i int) bool { return i >= 0 && i < len(lines) && strings.TrimSpace(lines[i]) == "" }
	if blank(from-1) && (blank(to) || to == len(lines)) {
		from--
	}
	out := append(lines[:from:from], lines[to:]...)
	return []byte(strings.Join(out, ""))
}

// lineEnding is the line ending a line uses, "\n" when it has none.
func lineEnding(line string) string {
	if bytes.HasSuffix([]byte(line), []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}
