package node

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// routeMention is "METHOD /path" as a message or a help text names it, or
// as the CLI calls it, and where.
type routeMention struct {
	method, path, where string
}

// routeInText finds "GET /index/jobs" and the like in a text: a method in
// capitals, one space, a path.
var routeInText = regexp.MustCompile(`\b(GET|POST|PUT|PATCH|DELETE|HEAD) (/[A-Za-z0-9_.{}/-]*)`)

// mentionsIn lists the routes a text names.
func mentionsIn(text, where string) []routeMention {
	var out []routeMention
	for _, m := range routeInText.FindAllStringSubmatch(text, -1) {
		out = append(out, routeMention{method: m[1], path: strings.TrimRight(m[2], "."), where: where})
	}
	return out
}

// pathExpr is the path an expression builds, a non-literal part standing
// for one path segment ("/index/jobs/" + id: "/index/jobs/x"); ok is false
// when nothing of it is literal.
func pathExpr(e ast.Expr) (path string, ok bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			l, okL := pathExpr(e.X)
			r, okR := pathExpr(e.Y)
			return l + r, okL || okR
		}
	}
	return "x", false
}

// routeMentions lists the routes the string literals of dir's Go files
// (tests left out) name, and the literal method and path of each
// nodeCall (the CLI's call to a running node). The route table's own
// registrations (HandleFunc, Handle) are left out: they are what the
// mentions are checked against.
func routeMentions(t *testing.T, dir string) []routeMention {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []routeMention
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fun := n.Fun.(type) {
				case *ast.SelectorExpr:
					if fun.Sel.Name == "HandleFunc" || fun.Sel.Name == "Handle" {
						return false
					}
				case *ast.Ident:
					if fun.Name == "nodeCall" && len(n.Args) >= 4 {
						method, okM := n.Args[2].(*ast.BasicLit)
						path, okP := pathExpr(n.Args[3])
						if okM && okP {
							m, _ := strconv.Unquote(method.Value)
							out = append(out, routeMention{method: m, path: path, where: fset.Position(n.Pos()).String() + " (nodeCall)"})
						}
					}
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if s, err := strconv.Unquote(n.Value); err == nil {
						out = append(out, mentionsIn(s, fset.Position(n.Pos()).String())...)
					}
				}
			}
			return true
		})
	}
	return out
}

// routeTable is a mux with the node's API route patterns, to ask which
// pattern, if any, serves a request.
func routeTable(patterns []string) *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range patterns {
		mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
	}
	return mux
}

// serves reports whether the mux has a route for m.
func serves(mux *http.ServeMux, m routeMention) bool {
	_, pattern := mux.Handler(httptest.NewRequest(m.method, m.path, nil))
	return pattern != ""
}

// TestMessagesNameOnlyRoutesTheAPIServes: every API route a message, a
// help text or an error of the CLI (cmd/p2pir) or the node names ("see
// GET /index/jobs"), and every route the CLI calls on a running node,
// is one the node's route table serves, with that method.
func TestMessagesNameOnlyRoutesTheAPIServes(t *testing.T) {
	n, _ := startWithConfig(t, "")
	mux := routeTable(n.apiRoutes)

	// The check itself, on made-up mentions: it must be able to fail.
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"see p2pir's API: GET /index/jobs", true},
		{"GET /index/jobs/abc123.", true},
		{"send POST /search with a JSON body", true},
		{"see GET /index/", false},
		{"POST /index/roots lists them", false},
		{"DELETE /search", false},
		{"GET /nowhere", false},
	} {
		ms := mentionsIn(tc.text, "table")
		if len(ms) != 1 {
			t.Fatalf("%q: found %d route mentions, want 1", tc.text, len(ms))
		}
		if got := serves(mux, ms[0]); got != tc.want {
			t.Errorf("%q: served %v, want %v", tc.text, got, tc.want)
		}
	}

	var all []routeMention
	for _, dir := range []string{".", filepath.Join("..", "cmd", "p2pir")} {
		all = append(all, routeMentions(t, dir)...)
	}
	if len(all) < 10 {
		t.Fatalf("found only %d route mentions in the CLI and the node; the scan is broken: %v", len(all), all)
	}
	for _, m := range all {
		if !serves(mux, m) {
			t.Errorf("%s: names %s %s, which the API does not serve (routes: %v)", m.where, m.method, m.path, n.apiRoutes)
		}
	}
}
