package identity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

const (
	// pemType is the PEM block type of a PKCS#8 private key.
	pemType = "PRIVATE KEY"
	// maxKeyFileSize bounds what LoadOrCreate reads; an Ed25519 PKCS#8 PEM
	// file is 119 bytes.
	maxKeyFileSize = 16 << 10
	// keyFileMode is the mode of a new key file: readable by its owner only.
	keyFileMode fs.FileMode = 0o600
	// keyDirMode is the mode of a key directory LoadOrCreate creates.
	keyDirMode fs.FileMode = 0o700
)

// Errors LoadOrCreate refuses a key file with (wrapped, with details). In
// both cases the file is left as it is.
var (
	// ErrKeyPermissions: the key file can be read or written by others
	// than its owner.
	ErrKeyPermissions = errors.New("key file permissions too open")
	// ErrKeyCorrupt: the key file is not a PEM PKCS#8 Ed25519 private key.
	ErrKeyCorrupt = errors.New("key file corrupt")
)

// LoadOrCreate returns the identity whose private key is kept at path,
// creating the key on first start.
//
// The file is PEM ("PRIVATE KEY", PKCS#8) with mode 0600. A missing file is
// created atomically: the key is written and fsynced to a temporary file in
// the same directory, which is then hard-linked to path (a link, unlike a
// rename, fails if path exists), and the directory is fsynced. Concurrent
// first starts therefore agree on one key: the loser of the race loads the
// winner's file. A missing directory is created with mode 0700.
//
// An existing file is never overwritten. It is refused with ErrKeyPermissions
// if its group or others have any access (on Unix; Windows has no such
// bits), and with ErrKeyCorrupt if it is not exactly one PEM PKCS#8 Ed25519
// private key, so that a damaged key is noticed rather than silently
// replaced by a new identity.
func LoadOrCreate(path string) (*Identity, error) {
	id, err := load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return id, err
	}
	if err := create(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	// Load what is now on disk: our key, or the key of a concurrent start
	// that linked first. This also checks the file we wrote.
	return load(path)
}

// load reads and checks an existing key file.
func load(path string) (*Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("identity: opening key file: %w", err)
	}
	defer f.Close()
	// Stat the open file, so the checks apply to what is read.
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("identity: key file %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("identity: %w: %s is not a regular file (%v)", ErrKeyCorrupt, path, st.Mode().Type())
	}
	if perm := st.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("identity: %w: %s has mode %04o, it must be readable by its owner only (chmod 600 %s)", ErrKeyPermissions, path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("identity: reading key file %s: %w", path, err)
	}
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("identity: %w: %s is larger than %d bytes", ErrKeyCorrupt, path, maxKeyFileSize)
	}
	priv, err := parseKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: %w", path, err)
	}
	return New(priv)
}

// parseKeyPEM decodes exactly one PEM PKCS#8 Ed25519 private key.
func parseKeyPEM(data []byte) (ed25519.PrivateKey, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrKeyCorrupt)
	}
	if block.Type != pemType {
		return nil, fmt.Errorf("%w: PEM block is %q, want %q", ErrKeyCorrupt, block.Type, pemType)
	}
	if len(block.Headers) > 0 {
		return nil, fmt.Errorf("%w: PEM block has headers (encrypted keys are not supported)", ErrKeyCorrupt)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, fmt.Errorf("%w: %d unexpected bytes after the key", ErrKeyCorrupt, len(bytes.TrimSpace(rest)))
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyCorrupt, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: key is %T, want an Ed25519 key", ErrKeyCorrupt, key)
	}
	return priv, nil
}

// marshalKeyPEM encodes a private key as PEM PKCS#8.
func marshalKeyPEM(priv ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("identity: encoding key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: der}), nil
}

// create writes a new key to path if, and only if, path does not exist
// yet; it returns an error wrapping fs.ErrExist if it does.
func create(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, keyDirMode); err != nil {
		return fmt.Errorf("identity: creating key directory: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("identity: generating key: %w", err)
	}
	data, err := marshalKeyPEM(priv)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("identity: creating key file: %w", err)
	}
	defer os.Remove(tmp.Name()) // the link at path, if made, keeps the data
	if err := writeSync(tmp, data); err != nil {
		return fmt.Errorf("identity: writing key file %s: %w", tmp.Name(), err)
	}
	if err := os.Chmod(tmp.Name(), keyFileMode); err != nil {
		return fmt.Errorf("identity: key file mode: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("identity: publishing key file: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("identity: syncing key directory: %w", err)
	}
	return nil
}

// writeSync writes data to f, flushes it to stable storage and closes f.
func writeSync(f *os.File, data []byte) error {
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	return errors.Join(werr, serr, cerr)
}

// syncDir makes a new directory entry durable. Windows cannot sync a
// directory; NTFS journals the link itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
