package textextract

import "bytes"

// BinarySniffLen is how much of a file IsBinary is meant to look at: the
// first 8 KiB, as git and file(1) do.
const BinarySniffLen = 8 << 10

// maxControlShare is the share of control bytes above which a sample is
// not text.
const maxControlShare = 0.10

// IsBinary reports whether sample (the start of a file, see BinarySniffLen)
// looks like binary data rather than text:
//
//   - text with a UTF-16 byte-order mark is text;
//   - a NUL byte means binary (git's rule);
//   - more than 10% control bytes (below 0x20 other than tab, newline,
//     vertical tab, form feed, carriage return and escape, or DEL) means
//     binary.
//
// Bytes that are not valid UTF-8 do not by themselves make a sample binary:
// legacy 8-bit text is text (see ValidUTF8). An empty sample is text.
func IsBinary(sample []byte) bool {
	if len(sample) == 0 {
		return false
	}
	if _, ok := bomEncoding(sample); ok {
		return false
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return true
	}
	control := 0
	for _, c := range sample {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b) || c == 0x7f {
			control++
		}
	}
	return float64(control) > maxControlShare*float64(len(sample))
}

// looksBinary is IsBinary on the first BinarySniffLen bytes of b.
func looksBinary(b []byte) bool {
	if len(b) > BinarySniffLen {
		b = b[:BinarySniffLen]
	}
	return IsBinary(b)
}
