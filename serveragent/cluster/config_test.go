package cluster

import (
	"errors"
	"testing"
)

func TestConfigZeroFieldsTakeDefaults(t *testing.T) {
	tests := []struct {
		name    string
		in      Config
		want    Config
		wantErr bool
	}{
		{name: "zero value is the default config", in: Config{}, want: DefaultConfig()},
		{name: "default config resolves to itself", in: DefaultConfig(), want: DefaultConfig()},
		{
			name: "set fields are kept",
			in: Config{MinK: 3, MaxK: 4, MaxIter: 9, Restarts: 2, Seed: 99, Tol: 0.5, MinSilhouette: -1,
				SearchEvery: 1, MaxChange: 1, MoveTol: 2, SilhouetteDrop: 0.5},
			want: Config{MinK: 3, MaxK: 4, MaxIter: 9, Restarts: 2, Seed: 99, Tol: 0.5, MinSilhouette: -1,
				SearchEvery: 1, MaxChange: 1, MoveTol: 2, SilhouetteDrop: 0.5},
		},
		{name: "negative SearchEvery", in: Config{SearchEvery: -1}, wantErr: true},
		{name: "MaxChange above 1", in: Config{MaxChange: 1.5}, wantErr: true},
		{name: "negative MoveTol", in: Config{MoveTol: -0.1}, wantErr: true},
		{name: "SilhouetteDrop above 2", in: Config{SilhouetteDrop: 3}, wantErr: true},
		{
			name:    "a MinK above the default MaxK is an error, not a silent swap",
			in:      Config{MinK: 9},
			wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.resolve()
			if tc.wantErr {
				if !errors.Is(err, ErrBadConfig) {
					t.Fatalf("err = %v, want ErrBadConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("resolve() = %+v, want %+v", got, tc.want)
			}
		})
	}
	if d := DefaultConfig(); d.MinK != 2 || d.MaxK != 8 || d.MaxIter != 50 || d.Restarts != 4 || d.Seed != 0 || d.Tol != 1e-6 || d.MinSilhouette != 0.25 ||
		d.SearchEvery != 8 || d.MaxChange != 0.5 || d.MoveTol != 0.05 || d.SilhouetteDrop != 0.05 {
		t.Errorf("DefaultConfig() = %+v, want the documented 2..8, 50, 4, 0, 1e-6, 0.25, 8, 0.5, 0.05, 0.05", d)
	}
}
