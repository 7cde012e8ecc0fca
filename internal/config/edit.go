package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Errors of the engine editors (AddEngine, SetEngineEnabled,
// RemoveEngine), in the chain of the errors they return.
var (
	// ErrBadEngine: the engine described is not one p2pir can use (an
	// unknown kind, a URL that is not absolute http(s), a name taken by a
	// built-in source).
	ErrBadEngine = errors.New("this engine cannot be used")
	// ErrEngineExists: an engine of that name is in the file already.
	ErrEngineExists = errors.New("an engine of that name exists")
	// ErrNoEngine: no engine of that name is in the file.
	ErrNoEngine = errors.New("no engine of that name")
	// ErrNotEditable: the file lists its engines in a form the editors do
	// not change (an inline array of tables), or it changed while it was
	// being edited; the person edits it by hand or tries again.
	ErrNotEditable = errors.New("the configuration file cannot be edited here")
)

// CheckEngine checks an engine as Load does (its kind, its URL, its
// weight and timeout, a name not reserved for the node's own sources)
// and returns it with its defaults filled in (a name from its kind and
// endpoint when it has none). The error is in ErrBadEngine's chain.
func CheckEngine(e Engine) (Engine, error) {
	e.Kind = strings.ToLower(strings.TrimSpace(e.Kind))
	e.URL = strings.TrimSpace(e.URL)
	e.Name = strings.TrimSpace(e.Name)
	if err := e.fill(); err != nil {
		return Engine{}, fmt.Errorf("%w: %w", ErrBadEngine, err)
	}
	if err := checkEngineName(e.Name); err != nil {
		return Engine{}, fmt.Errorf("%w: %w", ErrBadEngine, err)
	}
	return e, nil
}

// checkEngineName refuses the names of the node's own sources and names
// a person could not type or read back.
func checkEngineName(name string) error {
	switch {
	case name == "local" || name == "crawl" || name == "peers":
		return fmt.Errorf("the name %q is the node's own source; choose another", name)
	case strings.HasPrefix(name, "peer:"):
		return fmt.Errorf("the name %q is taken: names starting with \"peer:\" are the peers'", name)
	case len(name) > 200:
		return fmt.Errorf("the name is %d bytes long; at most 200", len(name))
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("the name %q has a control character", name)
		}
	}
	return nil
}

// AddEngine adds e at the end of the configuration file at path (created
// when missing) and returns it as Load would read it back. Everything
// else in the file, comments included, stays as it was; the previous
// file is kept as path+".bak". See CheckEngine for what is refused.
func AddEngine(path string, e Engine) (Engine, error) {
	e, err := CheckEngine(e)
	if err != nil {
		return Engine{}, err
	}
	var added Engine
	err = editFile(path, func(raw []byte, c Config, blocks []engineBlock) ([]byte, error) {
		for _, have := range c.Engines {
			if have.Name == e.Name {
				return nil, fmt.Errorf("%w: %q is configured already (%s %s)", ErrEngineExists, e.Name, have.Kind, have.URL)
			}
		}
		var b bytes.Buffer
		b.Write(raw)
		if len(raw) == 0 {
			b.WriteString("# p2pir configuration: every setting is described in docs/config.example.toml.\n")
		} else if raw[len(raw)-1] != '\n' {
			b.WriteByte('\n')
		}
		b.WriteString("\n[[engine]]\n")
		if e.Name != e.Kind+"-"+endpoint(e.URL) {
			fmt.Fprintf(&b, "name = %s\n", tomlString(e.Name))
		}
		fmt.Fprintf(&b, "kind = %s\nurl = %s\n", tomlString(e.Kind), tomlString(e.URL))
		if e.Weight != 1 {
			fmt.Fprintf(&b, "weight = %v\n", e.Weight)
		}
		if e.Timeout.Duration != defaultEngineTimeout {
			fmt.Fprintf(&b, "timeout = %s\n", tomlString(e.Timeout.String()))
		}
		if e.Kind == KindYaCy && e.Resource != "global" {
			fmt.Fprintf(&b, "resource = %s\n", tomlString(e.Resource))
		}
		if !e.IsEnabled() {
			b.WriteString("enabled = false\n")
		}
		return b.Bytes(), nil
	}, func(c Config) error {
		got, ok := findEngine(c, e.Name)
		if !ok {
			return fmt.Errorf("the new engine %q is not in the edited file", e.Name)
		}
		added = got
		return nil
	})
	return added, err
}

// SetEngineEnabled turns the engine named name on or off in the
// configuration file at path: its "enabled" line is rewritten (its
// comment kept), or added when it has none. Everything else stays; the
// previous file is kept as path+".bak".
func SetEngineEnabled(path, name string, enabled bool) (Engine, error) {
	var out Engine
	err := editFile(path, func(raw []byte, c Config, blocks []engineBlock) ([]byte, error) {
		i, err := engineIndex(c, name)
		if err != nil {
			return nil, err
		}
		if c.Engines[i].IsEnabled() == enabled {
			return raw, nil
		}
		return blocks[i].setEnabled(raw, enabled), nil
	}, func(c Config) error {
		got, ok := findEngine(c, name)
		if !ok || got.IsEnabled() != enabled {
			return fmt.Errorf("the engine %q is not %s in the edited file", name, onOff(enabled))
		}
		out = got
		return nil
	})
	return out, err
}

// RemoveEngine takes the engine named name out of the configuration file
// at path: its [[engine]] table and the settings in it; comments around
// it and everything else stay. The previous file is kept as path+".bak".
// It returns the engine removed.
func RemoveEngine(path, name string) (Engine, error) {
	var removed Engine
	err := editFile(path, func(raw []byte, c Config, blocks []engineBlock) ([]byte, error) {
		i, err := engineIndex(c, name)
		if err != nil {
			return nil, err
		}
		removed = c.Engines[i]
		return blocks[i].remove(raw), nil
	}, func(c Config) error {
		if _, ok := findEngine(c, name); ok {
			return fmt.Errorf("the engine %q is still in the edited file", name)
		}
		return nil
	})
	return removed, err
}

func onOff(enabled bool) string {
	if enabled {
		return "enabled"
	}
	return "disabled"
}

func findEngine(c Config, name string) (Engine, bool) {
	for _, e := range c.Engines {
		if e.Name == name {
			return e, true
		}
	}
	return Engine{}, false
}

func engineIndex(c Config, name string) (int, error) {
	var names []string
	for i, e := range c.Engines {
		if e.Name == name {
			return i, nil
		}
		names = append(names, e.Name)
	}
	if len(names) == 0 {
		return -1, fmt.Errorf("%w: %q: no engine is configured", ErrNoEngine, name)
	}
	return -1, fmt.Errorf("%w: %q (the engines are %s)", ErrNoEngine, name, strings.Join(names, ", "))
}

// defaultEngineTimeout is Engine.Timeout's default.
const defaultEngineTimeout = 3e9

// editFile reads the file at path (nothing when missing), checks it
// loads, finds its engine tables, lets edit change its text, checks that
// the new text loads, that every setting but the engines is as before
// and that check accepts the result, and then replaces the file
// atomically, the previous one kept as path+".bak". When edit returns
// the text unchanged, nothing is written.
func editFile(path string, edit func(raw []byte, c Config, blocks []engineBlock) ([]byte, error), check func(Config) error) error {
	raw, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	before, err := parse(path, raw)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotEditable, err)
	}
	blocks := scanEngineBlocks(raw)
	if len(blocks) != len(before.Engines) {
		return fmt.Errorf("%w: %s lists %d engines but %d [[engine]] tables: edit it by hand", ErrNotEditable, path, len(before.Engines), len(blocks))
	}
	out, err := edit(raw, before, blocks)
	if err != nil {
		return err
	}
	after, err := parse(path, out)
	if err != nil {
		return fmt.Errorf("config: the edited file would not load, so it was left as it was: %w", err)
	}
	if !sameApartFromEngines(before, after) {
		return fmt.Errorf("%w: editing the engines of %s would change other settings, so it was left as it was", ErrNotEditable, path)
	}
	if err := check(after); err != nil {
		return fmt.Errorf("%w: %s was left as it was: %w", ErrNotEditable, path, err)
	}
	if existed && bytes.Equal(raw, out) {
		return nil
	}
	return replaceFile(path, raw, existed, out)
}

// sameApartFromEngines reports whether a and b have the same settings
// outside their engines.
func sameApartFromEngines(a, b Config) bool {
	a.Engines, b.Engines = nil, nil
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// replaceFile writes data to path atomically: the previous contents (when
// the file existed) go to path+".bak" first, then data to a temporary
// file beside path, synced, renamed over path, and the directory synced.
// If path no longer holds old (another program edited it meanwhile),
// nothing is replaced.
func replaceFile(path string, old []byte, existed bool, data []byte) error {
	mode := fs.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if existed {
		if err := writeSynced(path+".bak", old, mode); err != nil {
			return fmt.Errorf("config: keep the previous file: %w", err)
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("config: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("config: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config: write %s: %w", tmp.Name(), err)
	}
	now, err := os.ReadFile(path)
	if (err == nil) != existed || (existed && !bytes.Equal(now, old)) {
		return fmt.Errorf("%w: %s changed while it was being edited; nothing was written, try again", ErrNotEditable, path)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("config: replace %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // makes the rename durable where the platform can
		d.Close()
	}
	return nil
}

// writeSynced writes data to path through a synced temporary file and a
// rename, so path holds either its old contents or data.
func writeSynced(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// tomlString is s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
