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
// its messages, as MboxReader reads them, all at once. At most
// MaxMboxMessages are returned; past it the error wraps ErrTooLarge and
// the messages read are returned with it.
func Mbox(src []byte) ([]Message, error) {
	r := NewMboxReader(bytes.NewReader(src))
	var msgs []Message
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			return msgs, nil
		}
		if err != nil {
			return msgs, err
		}
		if len(msgs) == MaxMboxMessages {
			return msgs, fmt.Errorf("%w: the mailbox holds more than %d messages; the first %d are read", ErrTooLarge, MaxMboxMessages, MaxMboxMessages)
		}
		msgs = append(msgs, m)
	}
}

// MboxReader reads the messages of a Unix mailbox one at a time, so a
// mailbox of any size costs the memory of one message: at most
// MaxInputBytes of a message are kept (the rest of a longer one is left
// out of its text).
//
// Each message's headers are decoded (RFC 2047 encoded words in any
// charset golang.org/x/net/html/charset knows) and its body is read as
// described at Message.Text; mboxrd's ">From " quoting is undone (one '>'
// dropped from lines of the form ">+From "). Attachments are not read. A
// message that cannot be parsed at all (no header block) is passed over.
type MboxReader struct {
	br        *bufio.Reader
	cur       bytes.Buffer
	started   bool // the first "From " line was read
	prevBlank bool // the last whole line was blank (or none was read)
	lineStart bool // the next byte starts a line
	skipRest  bool // the rest of a long separator line is still to skip
	done      bool
}

// NewMboxReader reads the mailbox r.
func NewMboxReader(r io.Reader) *MboxReader {
	return &MboxReader{br: bufio.NewReaderSize(r, 64<<10), prevBlank: true, lineStart: true}
}

// Next returns the next message; io.EOF after the last. Content whose
// first line that is not blank is not a "From " line is not a mailbox
// (an error wrapping ErrUnsupported); a read error is returned as it is.
// An empty input is a mailbox without messages.
func (m *MboxReader) Next() (Message, error) {
	for {
		raw, err := m.nextRaw()
		if err != nil {
			return Message{}, err
		}
		msg, err := parseMessage(raw)
		if err != nil {
			continue
		}
		return msg, nil
	}
}

// fromLine starts the line that starts a message.
const fromLine = "From "

// nextRaw returns the bytes of the next message, without its "From "
// line; they are valid until the next call.
func (m *MboxReader) nextRaw() ([]byte, error) {
	if m.done {
		return nil, io.EOF
	}
	m.cur.Reset()
	for {
		line, err := m.br.ReadSlice('\n')
		if len(line) > 0 {
			whole := m.lineStart // line starts a line of the file
			m.lineStart = line[len(line)-1] == '\n'
			switch {
			case m.skipRest:
				m.skipRest = !m.lineStart
			case whole && m.prevBlank && bytes.HasPrefix(line, []byte(fromLine)):
				m.skipRest = !m.lineStart
				m.prevBlank = false
				if m.started {
					return m.cur.Bytes(), nil
				}
				m.started = true
			case !m.started:
				if len(bytes.TrimRight(line, "\r\n")) > 0 {
					m.done = true
					return nil, fmt.Errorf("%w: a mailbox starts with a \"From \" line", ErrUnsupported)
				}
			default:
				if whole {
					if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte(fromLine)) {
						line = line[1:]
					}
				}
				m.prevBlank = whole && m.lineStart && len(bytes.TrimRight(line, "\r\n")) == 0
				if m.cur.Len()+len(line) <= MaxInputBytes {
					m.cur.Write(line)
				}
			}
		}
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			m.done = true
			if m.started {
				return m.cur.Bytes(), nil
			}
			return nil, io.EOF
		default:
			m.done = true
			return nil, fmt.Errorf("read mailbox: %w", err)
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
