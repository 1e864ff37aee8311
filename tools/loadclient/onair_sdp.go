package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// mediasoup's WebRtcTransport parameters, as createWebRtcTransport answers them.
type msTransport struct {
	ID            string `json:"id"`
	IceParameters struct {
		UsernameFragment string `json:"usernameFragment"`
		Password         string `json:"password"`
		IceLite          bool   `json:"iceLite"`
	} `json:"iceParameters"`
	IceCandidates []struct {
		Foundation string `json:"foundation"`
		Priority   uint32 `json:"priority"`
		Address    string `json:"address"`
		IP         string `json:"ip"` // before mediasoup 3.11 the field was ip
		Protocol   string `json:"protocol"`
		Port       int    `json:"port"`
		Type       string `json:"type"`
	} `json:"iceCandidates"`
	DtlsParameters struct {
		Fingerprints []msFingerprint `json:"fingerprints"`
	} `json:"dtlsParameters"`
}

type msFingerprint struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// msConsumer is consume's answer: a Consumer's RtpParameters, mid included.
type msConsumer struct {
	ID            string `json:"id"`
	ProducerID    string `json:"producerId"`
	Kind          string `json:"kind"`
	RtpParameters struct {
		Mid    string `json:"mid"`
		Codecs []struct {
			MimeType     string         `json:"mimeType"`
			PayloadType  int            `json:"payloadType"`
			ClockRate    int            `json:"clockRate"`
			Channels     int            `json:"channels"`
			Parameters   map[string]any `json:"parameters"`
			RtcpFeedback []struct {
				Type      string `json:"type"`
				Parameter string `json:"parameter"`
			} `json:"rtcpFeedback"`
		} `json:"codecs"`
		HeaderExtensions []struct {
			URI string `json:"uri"`
			ID  int    `json:"id"`
		} `json:"headerExtensions"`
		Encodings []struct {
			Ssrc uint32 `json:"ssrc"`
			Rtx  *struct {
				Ssrc uint32 `json:"ssrc"`
			} `json:"rtx"`
		} `json:"encodings"`
		Rtcp struct {
			Cname string `json:"cname"`
		} `json:"rtcp"`
	} `json:"rtpParameters"`
}

// remoteOffer is the SDP offer mediasoup-client's recv handler builds for a recv transport
// (RemoteSdp + RemoteOfferMediaSection): the SFU offers, one sendonly m-section per Consumer,
// bundled on the transport's ICE and DTLS parameters; DTLS setup actpass, the answerer picks.
func remoteOffer(t *msTransport, consumers []*msConsumer) string {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\r\n", a...) }
	for _, c := range consumers {
		if c.Kind == "video" {
			consumers = append(consumers, probatorOf(c))
			break
		}
	}
	mids := make([]string, len(consumers))
	for i, c := range consumers {
		mids[i] = c.RtpParameters.Mid
	}
	writeSessionLines(line, t, mids)
	for _, c := range consumers {
		writeMediaSection(line, t, c)
	}
	return b.String()
}

// probationSsrc is the SSRC of mediasoup's bandwidth probation packets (RTC::RtpProbationSsrc).
const probationSsrc = 1234

// probatorOf is the m-section mediasoup-client adds with the first video Consumer
// (generateProbatorRtpParameters): the video codec, its header extensions, SSRC 1234, so the
// probation packets mediasoup sends to estimate bandwidth land on a declared stream.
func probatorOf(video *msConsumer) *msConsumer {
	p := *video
	p.ID = "probator"
	p.RtpParameters.Mid = "probator"
	p.RtpParameters.Rtcp.Cname = "probator"
	p.RtpParameters.Codecs = p.RtpParameters.Codecs[:1]
	enc := append(p.RtpParameters.Encodings[:0:0], p.RtpParameters.Encodings[0])
	enc[0].Ssrc, enc[0].Rtx = probationSsrc, nil
	p.RtpParameters.Encodings = enc
	return &p
}

func writeMediaSection(line func(string, ...any), t *msTransport, c *msConsumer) {
	p := c.RtpParameters
	pts := make([]string, len(p.Codecs))
	for i, codec := range p.Codecs {
		pts[i] = fmt.Sprint(codec.PayloadType)
	}
	line("m=%s 7 UDP/TLS/RTP/SAVPF %s", c.Kind, strings.Join(pts, " "))
	line("c=IN IP4 127.0.0.1")
	for _, codec := range p.Codecs {
		name := codec.MimeType[strings.IndexByte(codec.MimeType, '/')+1:]
		if codec.Channels > 1 {
			line("a=rtpmap:%d %s/%d/%d", codec.PayloadType, name, codec.ClockRate, codec.Channels)
		} else {
			line("a=rtpmap:%d %s/%d", codec.PayloadType, name, codec.ClockRate)
		}
		if fmtp := fmtpOf(codec.Parameters); fmtp != "" {
			line("a=fmtp:%d %s", codec.PayloadType, fmtp)
		}
		for _, fb := range codec.RtcpFeedback {
			line("a=rtcp-fb:%d %s", codec.PayloadType, strings.TrimSpace(fb.Type+" "+fb.Parameter))
		}
	}
	for _, ext := range p.HeaderExtensions {
		line("a=extmap:%d %s", ext.ID, ext.URI)
	}
	// mediasoup may send one- and two-byte header extensions alike.
	line("a=extmap-allow-mixed")
	line("a=setup:actpass")
	line("a=mid:%s", p.Mid)
	line("a=msid:%s %s", p.Rtcp.Cname, c.ID)
	line("a=sendonly")
	writeIce(line, t)
	line("a=rtcp-mux")
	line("a=rtcp-rsize")
	if len(p.Encodings) > 0 {
		e := p.Encodings[0]
		line("a=ssrc:%d cname:%s", e.Ssrc, p.Rtcp.Cname)
		if e.Rtx != nil {
			line("a=ssrc:%d cname:%s", e.Rtx.Ssrc, p.Rtcp.Cname)
			line("a=ssrc-group:FID %d %d", e.Ssrc, e.Rtx.Ssrc)
		}
	}
}

// fmtpOf writes codec parameters as mediasoup-client does: key=value joined by ';'.
func fmtpOf(params map[string]any) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		value := fmt.Sprint(params[k])
		if f, isNumber := params[k].(float64); isNumber {
			value = strconv.FormatFloat(f, 'f', -1, 64) // JSON numbers decode as float64: no 1e+06
		}
		parts[i] = k + "=" + value
	}
	return strings.Join(parts, ";")
}

// writeIce writes mediasoup's ICE parameters and its UDP candidates (this client speaks ICE
// over UDP only).
func writeIce(line func(string, ...any), t *msTransport) {
	line("a=ice-ufrag:%s", t.IceParameters.UsernameFragment)
	line("a=ice-pwd:%s", t.IceParameters.Password)
	for _, cand := range t.IceCandidates {
		if cand.Protocol != "udp" {
			continue
		}
		addr := cand.Address
		if addr == "" {
			addr = cand.IP
		}
		line("a=candidate:%s 1 udp %d %s %d typ %s", cand.Foundation, cand.Priority, addr, cand.Port, cand.Type)
	}
	line("a=end-of-candidates")
}

// writeSessionLines is the session part of the SFU's SDP (RemoteSdp): mediasoup is ICE-lite,
// one fingerprint, every m-section bundled.
func writeSessionLines(line func(string, ...any), t *msTransport, mids []string) {
	line("v=0")
	line("o=- 10000 0 IN IP4 0.0.0.0")
	line("s=-")
	line("t=0 0")
	if t.IceParameters.IceLite {
		line("a=ice-lite")
	}
	// mediasoup-client takes the last fingerprint mediasoup lists (its strongest hash).
	fp := t.DtlsParameters.Fingerprints[len(t.DtlsParameters.Fingerprints)-1]
	line("a=fingerprint:%s %s", fp.Algorithm, strings.ToUpper(fp.Value))
	line("a=msid-semantic: WMS *")
	line("a=group:BUNDLE %s", strings.Join(mids, " "))
}

func writeSessionHeader(line func(string, ...any), t *msTransport, sections []*offerSection) {
	mids := make([]string, len(sections))
	for i, s := range sections {
		mids[i] = s.mid
	}
	writeSessionLines(line, t, mids)
}
