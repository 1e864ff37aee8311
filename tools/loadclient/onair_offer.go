package main

import (
	"fmt"
	"strconv"
	"strings"
)

// offerSection is one m-section of pion's local offer, read back to tell mediasoup what this
// publisher will send (produce's rtpParameters) and to build the SFU's answer to it.
type offerSection struct {
	kind, mid, cname string
	pts              []int
	rtpmap           map[int]string // "VP8/90000", "opus/48000/2"
	fmtp             map[int]string
	rtcpFb           map[int][]string
	extmap           []offerExtension
	rids             []string
	ssrc             uint32
}

type offerExtension struct {
	id  int
	uri string
}

func parseOffer(sdp string) []*offerSection {
	var sections []*offerSection
	var s *offerSection
	for _, l := range strings.Split(sdp, "\r\n") {
		if m, ok := strings.CutPrefix(l, "m="); ok {
			f := strings.Fields(m)
			s = &offerSection{kind: f[0], rtpmap: map[int]string{}, fmtp: map[int]string{}, rtcpFb: map[int][]string{}}
			for _, pt := range f[3:] {
				n, _ := strconv.Atoi(pt)
				s.pts = append(s.pts, n)
			}
			sections = append(sections, s)
			continue
		}
		a, ok := strings.CutPrefix(l, "a=")
		if s == nil || !ok {
			continue
		}
		key, value, _ := strings.Cut(a, ":")
		first, rest, _ := strings.Cut(value, " ")
		n, _ := strconv.Atoi(first)
		switch key {
		case "mid":
			s.mid = value
		case "rtpmap":
			s.rtpmap[n] = rest
		case "fmtp":
			s.fmtp[n] = rest
		case "rtcp-fb":
			s.rtcpFb[n] = append(s.rtcpFb[n], rest)
		case "extmap":
			s.extmap = append(s.extmap, offerExtension{id: n, uri: rest})
		case "rid":
			s.rids = append(s.rids, first)
		case "ssrc":
			if c, ok := strings.CutPrefix(rest, "cname:"); ok && s.ssrc == 0 {
				s.ssrc, s.cname = uint32(n), c
			}
		}
	}
	return sections
}

// rtpParameters are produce's params for this section, as mediasoup-client derives them from
// the browser's offer: its codecs, the header extensions mediasoup supports, one encoding per
// rid (lowest first) or the one SSRC.
func (s *offerSection) rtpParameters(supportedExt map[string]bool) map[string]any {
	var codecs []map[string]any
	for _, pt := range s.pts {
		name, clock, channels := splitRtpmap(s.rtpmap[pt])
		c := map[string]any{"mimeType": s.kind + "/" + name, "payloadType": pt, "clockRate": clock, "parameters": fmtpParams(s.fmtp[pt]), "rtcpFeedback": feedbackOf(s.rtcpFb[pt])}
		if channels > 0 {
			c["channels"] = channels
		}
		codecs = append(codecs, c)
	}
	var exts []map[string]any
	for _, e := range s.extmap {
		if supportedExt[e.uri] {
			exts = append(exts, map[string]any{"uri": e.uri, "id": e.id, "encrypt": false, "parameters": map[string]any{}})
		}
	}
	var encodings []map[string]any
	for _, rid := range s.rids {
		encodings = append(encodings, map[string]any{"rid": rid})
	}
	if len(encodings) == 0 {
		encodings = []map[string]any{{"ssrc": s.ssrc}}
	}
	return map[string]any{"mid": s.mid, "codecs": codecs, "headerExtensions": exts, "encodings": encodings,
		"rtcp": map[string]any{"cname": s.cname, "reducedSize": true}}
}

// writeAnswerSection is the SFU's side of the section, as mediasoup-client's
// RemoteAnswerMediaSection writes it: recvonly, the same codecs and the supported extensions,
// DTLS passive (this client is the DTLS client), the rids received as simulcast.
func (s *offerSection) writeAnswerSection(line func(string, ...any), t *msTransport, supportedExt map[string]bool) {
	pts := make([]string, len(s.pts))
	for i, pt := range s.pts {
		pts[i] = strconv.Itoa(pt)
	}
	line("m=%s 7 UDP/TLS/RTP/SAVPF %s", s.kind, strings.Join(pts, " "))
	line("c=IN IP4 127.0.0.1")
	for _, pt := range s.pts {
		line("a=rtpmap:%d %s", pt, s.rtpmap[pt])
		if s.fmtp[pt] != "" {
			line("a=fmtp:%d %s", pt, s.fmtp[pt])
		}
		for _, fb := range s.rtcpFb[pt] {
			line("a=rtcp-fb:%d %s", pt, fb)
		}
	}
	for _, e := range s.extmap {
		if supportedExt[e.uri] {
			line("a=extmap:%d %s", e.id, e.uri)
		}
	}
	line("a=setup:passive")
	line("a=mid:%s", s.mid)
	line("a=recvonly")
	writeIce(line, t)
	line("a=rtcp-mux")
	line("a=rtcp-rsize")
	if len(s.rids) > 0 {
		for _, rid := range s.rids {
			line("a=rid:%s recv", rid)
		}
		line("a=simulcast:recv %s", strings.Join(s.rids, ";"))
	}
}

func splitRtpmap(v string) (name string, clock, channels int) {
	f := strings.Split(v, "/")
	name = f[0]
	if len(f) > 1 {
		clock, _ = strconv.Atoi(f[1])
	}
	if len(f) > 2 {
		channels, _ = strconv.Atoi(f[2])
	}
	return name, clock, channels
}

// fmtpParams reads "a=1;b=2" into integer parameters (all the codecs used here have integer ones).
func fmtpParams(v string) map[string]any {
	params := map[string]any{}
	for _, kv := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if n, err := strconv.Atoi(val); ok && err == nil {
			params[k] = n
		}
	}
	return params
}

func feedbackOf(lines []string) []map[string]string {
	fbs := []map[string]string{}
	for _, l := range lines {
		typ, param, _ := strings.Cut(l, " ")
		fbs = append(fbs, map[string]string{"type": typ, "parameter": param})
	}
	return fbs
}

func describeSections(sections []*offerSection) string {
	var kinds []string
	for _, s := range sections {
		kinds = append(kinds, fmt.Sprintf("%s(mid %s, rids %v)", s.kind, s.mid, s.rids))
	}
	return strings.Join(kinds, ", ")
}
