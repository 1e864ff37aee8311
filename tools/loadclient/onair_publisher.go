package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// runOnAirPublish goes live on OnAir with the clip (the same bytes livekit-publish sends):
// a new public broadcast, a publish ticket, a send WebRtcTransport, VP8 with 3 simulcast
// encodings (rids r0..r2, lowest first) and Opus, as the studio page does with mediasoup-client.
// It prints {"published":true,"broadcastId":...} once both Producers exist, then sends until stopped.
func runOnAirPublish(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("onair-publish", flag.ExitOnError)
	edge := fs.String("edge", "http://127.0.0.1:8080", "the edge's origin")
	login := fs.String("login", "", "handle or email of the broadcasting account")
	password := fs.String("password", "", "its password")
	clip := fs.String("clip", "", "folder holding video-180.ivf, video-360.ivf, video-720.ivf and audio.ogg")
	node := fs.String("node", "", "the SFU node to publish on (asked again avoiding others), or any")
	_ = fs.Parse(args)
	if *login == "" || *clip == "" {
		return fmt.Errorf("onair-publish needs -login, -password and -clip")
	}
	p := &onAirPlatform{edge: strings.TrimSuffix(*edge, "/"), onlyNode: *node}
	if err := p.signIn(ctx, *login, *password); err != nil {
		return err
	}
	var b struct{ ID string }
	draft := map[string]any{"title": "load client clip", "topics": []string{}, "language": "en", "visibility": "public"}
	if err := p.post(ctx, "/v1/broadcasts", draft, &b); err != nil {
		return err
	}
	p.broadcastID = b.ID
	var ticket ticketAnswer
	// Until stream-sessions has heard of an SFU node (nodes report every few seconds) it answers
	// NO_SFU_AVAILABLE: retried, as the studio page does.
	for deadline := time.Now().Add(30 * time.Second); ; {
		var err error
		ticket, err = p.ticket(ctx, "publish")
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "NO_SFU_AVAILABLE") || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Second)
	}
	sig, err := dialSignal(ctx, ticket.SignallingURL+"?ticket="+url.QueryEscape(ticket.Ticket)+"&broadcastId="+b.ID, func(string, json.RawMessage) {})
	if err != nil {
		return err
	}
	defer sig.close()
	pc, writers, err := newClipPeerConnection(*clip)
	if err != nil {
		return err
	}
	defer pc.Close()
	if err := produceOnAir(ctx, sig, pc); err != nil {
		return err
	}
	for _, w := range writers {
		go w.run(ctx)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"published": true, "broadcastId": b.ID})
	<-ctx.Done()
	return nil
}

// produceOnAir negotiates the send transport and creates the video, then the audio Producer.
func produceOnAir(ctx context.Context, sig *signalConn, pc *webrtc.PeerConnection) error {
	var caps struct {
		RtpCapabilities struct {
			HeaderExtensions []struct {
				Kind string `json:"kind"`
				URI  string `json:"uri"`
			} `json:"headerExtensions"`
		} `json:"rtpCapabilities"`
	}
	if err := sig.request(ctx, "getRouterRtpCapabilities", map[string]any{}, &caps); err != nil {
		return err
	}
	supported := map[string]map[string]bool{"audio": {}, "video": {}}
	for _, e := range caps.RtpCapabilities.HeaderExtensions {
		supported[e.Kind][e.URI] = true
	}
	var transport msTransport
	if err := sig.request(ctx, "createWebRtcTransport", map[string]string{"direction": "send"}, &transport); err != nil {
		return err
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	if err := pc.SetLocalDescription(offer); err != nil {
		return err
	}
	sections := parseOffer(offer.SDP)
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\r\n", a...) }
	writeSessionHeader(line, &transport, sections)
	for _, s := range sections {
		s.writeAnswerSection(line, &transport, supported[s.kind])
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: b.String()}); err != nil {
		return fmt.Errorf("remote answer for %s: %w", describeSections(sections), err)
	}
	fingerprint, err := localFingerprint(offer.SDP)
	if err != nil {
		return err
	}
	dtls := map[string]any{"role": "client", "fingerprints": []msFingerprint{fingerprint}}
	if err := sig.request(ctx, "connectWebRtcTransport", map[string]any{"transportId": transport.ID, "dtlsParameters": dtls}, nil); err != nil {
		return err
	}
	ssrcs := senderSSRCs(pc)
	for _, s := range sections {
		rtp := s.rtpParameters(supported[s.kind])
		// Encodings by SSRC, as pion chose them: mediasoup then maps the layers without relying
		// on the rid header extension.
		rtp["encodings"] = ssrcs[s.mid]
		params := map[string]any{"transportId": transport.ID, "kind": s.kind, "rtpParameters": rtp}
		if err := sig.request(ctx, "produce", params, nil); err != nil {
			return fmt.Errorf("%s: %w", s.kind, err)
		}
	}
	return nil
}

// newClipPeerConnection holds the clip's tracks: VP8 and RTX only, Opus only, so the offer
// carries nothing mediasoup's produce would refuse.
func newClipPeerConnection(clip string) (*webrtc.PeerConnection, []*clipWriter, error) {
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	codecs := []struct {
		c    webrtc.RTPCodecParameters
		kind webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb}, PayloadType: 96}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeRTX, ClockRate: 90000, SDPFmtpLine: "apt=96"}, PayloadType: 97}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: 111}, webrtc.RTPCodecTypeAudio},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.c, c.kind); err != nil {
			return nil, nil, err
		}
	}
	registry := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, registry); err != nil {
		return nil, nil, err
	}
	settings := webrtc.SettingEngine{}
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetIncludeLoopbackCandidate(true)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(registry), webrtc.WithSettingEngine(settings))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, nil, err
	}
	var writers []*clipWriter
	var sender *webrtc.RTPSender
	for i, l := range clipLayers {
		frames, err := loadIVF(filepath.Join(clip, l.file))
		if err != nil {
			return nil, nil, err
		}
		track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			"video", "clip", webrtc.WithRTPStreamID(fmt.Sprintf("r%d", i)))
		if err != nil {
			return nil, nil, err
		}
		if sender == nil {
			sender, err = pc.AddTrack(track)
		} else {
			err = sender.AddEncoding(track)
		}
		if err != nil {
			return nil, nil, err
		}
		writers = append(writers, &clipWriter{track: track, samples: frames})
	}
	audio, err := loadOgg(filepath.Join(clip, "audio.ogg"))
	if err != nil {
		return nil, nil, err
	}
	mic, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "clip")
	if err != nil {
		return nil, nil, err
	}
	if _, err := pc.AddTrack(mic); err != nil {
		return nil, nil, err
	}
	return pc, append(writers, &clipWriter{track: mic, samples: audio}), nil
}

// clipWriter sends a looped clip's samples on one track in real time.
type clipWriter struct {
	track   *webrtc.TrackLocalStaticSample
	samples *loopedSamples
}

func (w *clipWriter) run(ctx context.Context) {
	next := time.Now()
	for ctx.Err() == nil {
		s, _ := w.samples.NextSample(ctx)
		_ = w.track.WriteSample(media.Sample{Data: s.Data, Duration: s.Duration}) // nil or a closed PeerConnection
		next = next.Add(s.Duration)
		time.Sleep(time.Until(next))
	}
}

// senderSSRCs are each sender's encodings (lowest layer first) as produce's encodings, by mid.
func senderSSRCs(pc *webrtc.PeerConnection) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, tr := range pc.GetTransceivers() {
		for _, e := range tr.Sender().GetParameters().Encodings {
			enc := map[string]any{"ssrc": uint32(e.SSRC)}
			if e.RTX.SSRC != 0 {
				enc["rtx"] = map[string]any{"ssrc": uint32(e.RTX.SSRC)}
			}
			out[tr.Mid()] = append(out[tr.Mid()], enc)
		}
	}
	return out
}
