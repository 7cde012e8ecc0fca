package canonurl

import "strings"

// canonicalPath normalises the escaped path p of a URL with an authority:
// percent-encoding normalised, dot segments resolved, trailing slashes
// removed, and "/" for an empty result.
func canonicalPath(p string) string {
	p = normaliseEscapes(p, isPathLiteral)
	p = removeDotSegments(p)
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "/"
	}
	return p
}

// removeDotSegments resolves "." and ".." segments as RFC 3986 §5.2.4
// describes. It works on whole segments, so "a..b" or ".x" are left alone.
func removeDotSegments(p string) string {
	if !strings.Contains(p, ".") {
		return p
	}
	in := p
	out := make([]string, 0, strings.Count(p, "/")+1)
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			// Move the first segment, with its leading '/' if any, to the
			// output.
			start := 0
			if in[0] == '/' {
				start = 1
			}
			end := strings.IndexByte(in[start:], '/')
			if end < 0 {
				end = len(in)
			} else {
				end += start
			}
			out = append(out, in[:end])
			in = in[end:]
		}
	}
	return strings.Join(out, "")
}
