package canonurl

import "strings"

// IsTrackingParam reports whether the query parameter name (already
// percent-decoded for unreserved characters) identifies a visit rather than
// a resource, so that Canonical drops it. The match ignores case. The list:
//
//   - utm_* (Google Analytics campaign parameters: utm_source, utm_medium,
//     utm_campaign, utm_term, utm_content, utm_id, ...);
//   - click identifiers: fbclid (Facebook), gclid, gclsrc, dclid, gbraid,
//     wbraid (Google Ads), msclkid (Microsoft), yclid (Yandex), twclid
//     (X/Twitter), ttclid (TikTok), li_fat_id (LinkedIn), igshid (Instagram),
//     srsltid (Google Merchant), rb_clickid;
//   - mail campaigns: mc_cid, mc_eid (Mailchimp), mkt_tok (Marketo), vero_id,
//     vero_conv, oly_anon_id, oly_enc_id, wickedid;
//   - analytics cookies passed in URLs: _ga, _gl, _hsenc, _hsmi, __hstc,
//     __hssc, __hsfp (HubSpot), _openstat;
//   - referral markers: ref_src, ref_url (X/Twitter embeds).
func IsTrackingParam(name string) bool {
	n := strings.ToLower(name)
	if strings.HasPrefix(n, "utm_") {
		return true
	}
	switch n {
	case "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
		"yclid", "twclid", "ttclid", "li_fat_id", "igshid", "srsltid", "rb_clickid",
		"mc_cid", "mc_eid", "mkt_tok", "vero_id", "vero_conv", "oly_anon_id",
		"oly_enc_id", "wickedid",
		"_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "_openstat",
		"ref_src", "ref_url":
		return true
	}
	return false
}
