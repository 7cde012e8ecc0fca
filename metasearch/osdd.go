package metasearch

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Media types of OpenSearch responses p2pir reads, in order of preference.
const (
	typeRSS  = "application/rss+xml"
	typeAtom = "application/atom+xml"
)

// acceptOSDD is the Accept header of description document requests.
const acceptOSDD = "application/opensearchdescription+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"

// osdd is an OpenSearch description document (OpenSearch 1.1 §"OpenSearch
// description document"); only what choosing a Url needs is read.
type osdd struct {
	ShortName string    `xml:"ShortName"`
	URLs      []osddURL `xml:"Url"`
}

// osddURL is a Url element.
type osddURL struct {
	Template    string `xml:"template,attr"`
	Type        string `xml:"type,attr"`
	Rel         string `xml:"rel,attr"`
	IndexOffset string `xml:"indexOffset,attr"`
	PageOffset  string `xml:"pageOffset,attr"`
	// Method is an extension some documents use ("get", "post"); only GET
	// is supported.
	Method string `xml:"method,attr"`
}

// DiscoverOpenSearch fetches the OpenSearch description document at
// descriptionURL and returns the engine of its best Url: one of type
// application/rss+xml (preferred) or else application/atom+xml, whose rel
// is "results" (the default), that is asked with GET and whose template
// p2pir can fill (see NewOpenSearch). Relative templates resolve against
// the document's URL; its indexOffset and pageOffset attributes are
// honoured. name labels the engine; empty means the document's ShortName,
// else the template's host. A document without such a Url, or one that is
// not an OpenSearchDescription, is ErrBadResponse.
func DiscoverOpenSearch(ctx context.Context, name, descriptionURL string, o Options) (*OpenSearch, error) {
	du, err := parseBaseURL("OpenSearch description", descriptionURL)
	if err != nil {
		return nil, err
	}
	f, err := newFetcher(engineName(name, du), o)
	if err != nil {
		return nil, err
	}
	resp, err := f.get(ctx, du, acceptOSDD, "")
	if err != nil {
		return nil, err
	}
	doc, err := parseOSDD(resp.body, resp.contentType)
	if err != nil {
		return nil, f.badResponse(err)
	}
	t, err := doc.choose(resp.url)
	if err != nil {
		return nil, f.badResponse(err)
	}
	if strings.TrimSpace(name) == "" {
		name = plainText(doc.ShortName, 64)
	}
	return newOpenSearch(name, t, f.opt)
}

// parseOSDD reads a description document. Errors wrap ErrBadResponse.
func parseOSDD(body []byte, contentType string) (*osdd, error) {
	b, err := xmlUTF8(body, contentType)
	if err != nil {
		return nil, err
	}
	d := newXMLDecoder(b)
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "OpenSearchDescription" {
		return nil, fmt.Errorf("%w: not an OpenSearch description (root element <%s>)", ErrBadResponse, root.Name.Local)
	}
	var doc osdd
	if err := d.DecodeElement(&doc, &root); err != nil {
		return nil, fmt.Errorf("%w: invalid OpenSearch description: %v", ErrBadResponse, err)
	}
	return &doc, nil
}

// choose returns the template of the best usable Url (see
// DiscoverOpenSearch), resolved against base, the document's URL.
func (doc *osdd) choose(base *url.URL) (*urlTemplate, error) {
	var reasons []error
	for _, want := range []string{typeRSS, typeAtom} {
		for _, u := range doc.URLs {
			if mt, _, err := mime.ParseMediaType(u.Type); err != nil || mt != want {
				continue
			}
			t, err := u.template(base)
			if err != nil {
				reasons = append(reasons, fmt.Errorf("Url %q: %w", u.Template, err))
				continue
			}
			return t, nil
		}
	}
	if len(reasons) == 0 {
		return nil, fmt.Errorf("%w: the description has no Url of type %s or %s", ErrBadResponse, typeRSS, typeAtom)
	}
	return nil, fmt.Errorf("%w: no usable RSS or Atom Url in the description: %v", ErrBadResponse, errors.Join(reasons...))
}

// template checks a Url element and parses its template.
func (u osddURL) template(base *url.URL) (*urlTemplate, error) {
	if rel := strings.Fields(u.Rel); len(rel) > 0 && !slices.Contains(rel, "results") {
		return nil, fmt.Errorf("rel %q is not \"results\"", u.Rel)
	}
	if m := strings.TrimSpace(u.Method); m != "" && !strings.EqualFold(m, "get") {
		return nil, fmt.Errorf("method %q is not supported", m)
	}
	index, err := offsetAttr("indexOffset", u.IndexOffset)
	if err != nil {
		return nil, err
	}
	page, err := offsetAttr("pageOffset", u.PageOffset)
	if err != nil {
		return nil, err
	}
	t, err := parseTemplate(u.Template, base)
	if err != nil {
		return nil, err
	}
	t.indexOffset, t.pageOffset = index, page
	return t, nil
}

// offsetAttr reads an indexOffset or pageOffset attribute: an integer,
// 1 when absent.
func offsetAttr(name, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1_000_000 || n > 1_000_000 {
		return 0, fmt.Errorf("%s %q is not an integer", name, v)
	}
	return n, nil
}
