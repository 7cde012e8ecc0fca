package textextract

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Bounds on mailboxes.
const (
	// MaxMboxMessages is the most messages Mbox returns from one mailbox;
	// the rest are left out and Mbox says so with ErrTooLarge next to
	// the messages it did read.
	MaxMboxMessages = 100000
	// maxMIMEDepth is the deepest nesting of multipart bodies read.
	maxMIMEDepth = 8
	// maxMIMEParts is the most parts read in one multipart body.
	maxMIMEParts = 100
)

// Message is one message of a mailbox.
type Message struct {
	// Subject is the decoded Subject header on one line, capped like a
	// title; empty when the message has none.
	Subject string
	// From is the decoded From header: "Name <address>", or the address
	// alone, or the header as written when it does not parse.
	From string
	// Date is the parsed Date header; zero when it is missing or does
	// not parse.
	Date time.Time
	// Text is the readable text of the body: its text/plain part, or
	// else its text/html part converted, transfer encoding
	// (quoted-printable, base64) and charset decoded, whitespace
	// normalised with line breaks kept.
	Text string
}

// Mbox splits a Unix mailbox (mboxo or mboxrd: messages each starting
// with a "From " line at the start of the file or after a blank line) into
// its messages. Each message's headers are decoded (RFC 2047 encoded
// words in any charset golang.org/x/net/html/charset knows) and its body
// is read as described at Message.Text; ">From " escapes are undone.
// Attachments are not read.
//
// A message that cannot be parsed at all (no header block) is passed
// over; an empty mailbox gives no messages and no error. Content that does
// not start with a "From " line is not a mailbox (ErrUnsupported). At most
// MaxMboxMessages are returned; past it the error wraps ErrTooLarge and
// the messages read are returned with it. Nothing panics on hostile input.
func Mbox(src []byte) ([]Message, error) {
	src = bytes.TrimLeft(src, "\r\n")
	if len(src) == 0 {
		return nil, nil
	}
	if !bytes.HasPrefix(src, []byte("From ")) {
		return nil, fmt.Errorf("%w: a mailbox starts with a \"From \" line", ErrUnsupported)
	}
	var msgs []Message
	for raw := range splitMbox(src) {
		if len(msgs) == MaxMboxMessages {
			return msgs, fmt.Errorf("%w: the mailbox holds more than %d messages; the first %d are read", ErrTooLarge, MaxMboxMessages, MaxMboxMessages)
		}
		m, err := parseMessage(raw)
		if err != nil {
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// splitMbox yields the messages of a mailbox without their "From " line,
// with mboxrd's ">From " quoting undone (one '>' dropped from lines of
// the form ">+From ").
func splitMbox(src []byte) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		var (
			cur       bytes.Buffer
			started   bool
			prevBlank = true
		)
		for len(src) > 0 {
			line := src
			if i := bytes.IndexByte(src, '\n'); i >= 0 {
				line, src = src[:i+1], src[i+1:]
			} else {
				src = nil
			}
			if prevBlank && bytes.HasPrefix(line, []byte("From ")) {
				if started && !yield(bytes.Clone(cur.Bytes())) {
					return
				}
				cur.Reset()
				started = true
				prevBlank = false
				continue
			}
			trimmed := bytes.TrimRight(line, "\r\n")
			prevBlank = len(trimmed) == 0
			if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
				line = line[1:]
			}
			cur.Write(line)
		}
		if started {
			yield(cur.Bytes())
		}
	}
}

// parseMessage reads one RFC 5322 message.
func parseMessage(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return Message{}, fmt.Errorf("%w: a message without a header block: %v", ErrUnsupported, err)
	}
	// Encoded words in any charset the HTML charset package knows.
	wd := &mime.WordDecoder{CharsetReader: charset.NewReaderLabel}
	m := Message{
		Subject: capTitle(ValidUTF8(decodeHeader(wd, msg.Header.Get("Subject")))),
		From:    decodeFrom(wd, msg.Header.Get("From")),
	}
	if d, err := mail.ParseDate(msg.Header.Get("Date")); err == nil {
		m.Date = d
	}
	plain, html := readPart(textproto.MIMEHeader(msg.Header), msg.Body, 0)
	switch {
	case plain != "":
		m.Text = plain
	case html != "":
		m.Text = extractHTML(html, nil, false).Text
	}
	return m, nil
}

// decodeHeader decodes the encoded words of a header value, or returns it
// as written when they do not decode.
func decodeHeader(wd *mime.WordDecoder, v string) string {
	if d, err := wd.DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// decodeFrom returns a From header for people: "Name <address>".
func decodeFrom(wd *mime.WordDecoder, v string) string {
	p := mail.AddressParser{WordDecoder: wd}
	if a, err := p.Parse(v); err == nil {
		name := capTitle(ValidUTF8(a.Name))
		if name == "" {
			return a.Address
		}
		return name + " <" + ValidUTF8(a.Address) + ">"
	}
	return capTitle(ValidUTF8(decodeHeader(wd, v)))
}

// readPart returns the text of the first text/plain part and of the
// first text/html part found in a body, depth first; attachments are
// passed over. Parts that cannot be decoded give no text.
func readPart(h textproto.MIMEHeader, body io.Reader, depth int) (plain, html string) {
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = "text/plain"
	}
	mediatype, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mediatype, params = "text/plain", nil
	}
	if disp, _, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && disp == "attachment" {
		return "", ""
	}
	if strings.HasPrefix(mediatype, "multipart/") {
		if depth >= maxMIMEDepth || params["boundary"] == "" {
			return "", ""
		}
		mr := multipart.NewReader(body, params["boundary"])
		for range maxMIMEParts {
			p, err := mr.NextRawPart()
			if err != nil {
				break
			}
			pl, ht := readPart(p.Header, p, depth+1)
			if plain == "" {
				plain = pl
			}
			if html == "" {
				html = ht
			}
			if plain != "" {
				break
			}
		}
		return plain, html
	}
	if mediatype != "text/plain" && mediatype != "text/html" {
		return "", ""
	}
	text, err := decodeBody(body, h.Get("Content-Transfer-Encoding"), params["charset"])
	if err != nil {
		return "", ""
	}
	if mediatype == "text/html" {
		return "", text
	}
	return normalizeText(strings.ReplaceAll(text, "\r\n", "\n"), true), ""
}

// decodeBody undoes a transfer encoding and a charset, reading at most
// MaxInputBytes of the decoded body.
func decodeBody(body io.Reader, cte, cs string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &spaceDropper{r: body})
	}
	if cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		r, err := charset.NewReaderLabel(cs, body)
		if err == nil {
			body = r
		}
		// An unknown charset: the bytes are read as they come and
		// ValidUTF8 guesses below.
	}
	b, err := io.ReadAll(io.LimitReader(body, MaxInputBytes))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && len(b) == 0 {
		return "", err
	}
	return ValidUTF8(string(b)), nil
}

// spaceDropper drops the line breaks and spaces of base64 text, which
// encoding/base64's decoder only partly tolerates.
type spaceDropper struct{ r io.Reader }

func (s *spaceDropper) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
