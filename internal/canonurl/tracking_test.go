package canonurl

import "testing"

// TestIsTrackingParam checks the documented list and that ordinary
// parameters, including look-alikes, are kept.
func TestIsTrackingParam(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"utm_source", true}, {"utm_medium", true}, {"utm_campaign", true}, {"utm_term", true},
		{"utm_content", true}, {"utm_id", true}, {"UTM_SOURCE", true}, {"utm_", true},
		{"fbclid", true}, {"gclid", true}, {"gclsrc", true}, {"dclid", true}, {"gbraid", true},
		{"wbraid", true}, {"msclkid", true}, {"yclid", true}, {"twclid", true}, {"ttclid", true},
		{"li_fat_id", true}, {"igshid", true}, {"srsltid", true}, {"rb_clickid", true},
		{"mc_cid", true}, {"mc_eid", true}, {"mkt_tok", true}, {"vero_id", true}, {"vero_conv", true},
		{"oly_anon_id", true}, {"oly_enc_id", true}, {"wickedid", true},
		{"_ga", true}, {"_gl", true}, {"_hsenc", true}, {"_hsmi", true}, {"__hstc", true},
		{"__hssc", true}, {"__hsfp", true}, {"_openstat", true}, {"ref_src", true}, {"ref_url", true},
		{"q", false}, {"id", false}, {"page", false}, {"ref", false}, {"utm", false},
		{"utmsource", false}, {"xutm_source", false}, {"ga", false}, {"gclid2", false}, {"", false},
	}
	for _, tc := range tests {
		if got := IsTrackingParam(tc.name); got != tc.want {
			t.Errorf("IsTrackingParam(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
