package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"
)

// runOnAir subscribes n viewers to one live broadcast through the platform's own path: sign in
// on the edge, a consume ticket each, the SFU node's signalling WebSocket, a recv WebRtcTransport.
func runOnAir(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("onair", flag.ExitOnError)
	edge := fs.String("edge", "http://127.0.0.1:8080", "the edge's origin")
	login := fs.String("login", "", "handle or email of the viewing account")
	password := fs.String("password", "", "its password")
	broadcast := fs.String("broadcast", "", "id of the live broadcast to watch")
	node := fs.String("node", "", "the SFU node every ticket must name (asked again avoiding others), or any")
	load := addLoadFlags(fs)
	_ = fs.Parse(args)
	if *login == "" || *broadcast == "" {
		return fmt.Errorf("onair needs -login, -password and -broadcast")
	}
	api, err := newReceiveAPI()
	if err != nil {
		return err
	}
	platform := &onAirPlatform{edge: strings.TrimSuffix(*edge, "/"), broadcastID: *broadcast, onlyNode: *node}
	if err := platform.signIn(ctx, *login, *password); err != nil {
		return err
	}
	return runSubscribers(ctx, "onair", load, func(ctx context.Context, id int, res *subscriberResult) error {
		joinCtx, cancel := context.WithTimeout(ctx, load.timeout)
		defer cancel()
		return subscribeOnAir(ctx, joinCtx, api, platform, res)
	})
}

type joinedData struct {
	Producers       []producerRef   `json:"producers"`
	RtpCapabilities json.RawMessage `json:"rtpCapabilities"`
}

type producerRef struct {
	ProducerID string `json:"producerId"`
	Kind       string `json:"kind"`
}

// retryElsewhere are the refusals a new ticket may get past, as the web client's watch page
// takes them (services/web/src/watch/viewer.ts); true: the next tickets avoid the node that
// refused (it is full, going or unreachable).
var retryElsewhere = map[string]bool{
	"SFU.RELAY_UNAVAILABLE": false, "SFU.DRAINING": true, "SFU.ROOM_FULL": true, "SFU.NO_WORKER": false,
	"SFU.DISCONNECTED": true, "STREAM_SESSIONS.NO_SFU_AVAILABLE": false,
}

// joinAttempts is how many tickets one join tries, as the watch page's first join does.
const joinAttempts = 5

// subscribeOnAir is one viewer, as the web client's watch page does it with mediasoup-client,
// except that it waits for both the video and the audio Producer and takes them in one offer.
// A refusal a new ticket may get past is retried with one (res counts the tickets), all
// within joinCtx. It returns once ctx ends (the run is over) or when joining fails.
func subscribeOnAir(ctx, joinCtx context.Context, api *webrtc.API, platform *onAirPlatform, res *subscriberResult) error {
	var lost []string
	for attempt := 1; ; attempt++ {
		res.ticketTaken()
		node, err := watchOnce(ctx, joinCtx, api, platform, res, lost)
		var refusal *signalError
		if err == nil || attempt == joinAttempts || !errors.As(err, &refusal) {
			return err
		}
		avoid, retry := retryElsewhere[refusal.Code]
		if !retry {
			return err
		}
		if avoid && node != "" {
			lost = append(lost, node)
		}
		select { // the watch page's pause before a new ticket (services/web/src/sfu/avoided-nodes.ts)
		case <-time.After(min(time.Second, 150*time.Millisecond<<(attempt-1))):
		case <-joinCtx.Done():
			return err
		}
	}
}

// watchOnce joins with one ticket (avoiding the nodes in lost) and receives until ctx ends. It
// returns the node the ticket named and, when joining failed, why.
func watchOnce(ctx, joinCtx context.Context, api *webrtc.API, platform *onAirPlatform, res *subscriberResult, lost []string) (string, error) {
	ticket, err := platform.ticket(joinCtx, "consume", lost...)
	if err != nil {
		return "", err
	}
	res.ticketAnswered()
	producers := make(chan producerRef, 4)
	var routerCaps json.RawMessage // joined's; read once awaitProducers has had joined's producers
	onNotify := func(name string, data json.RawMessage) {
		switch name {
		case "joined":
			var j joinedData
			if json.Unmarshal(data, &j) == nil {
				routerCaps = j.RtpCapabilities
				for _, p := range j.Producers {
					producers <- p
				}
			}
		case "producerAdded":
			var p producerRef
			if json.Unmarshal(data, &p) == nil {
				producers <- p
			}
		case "consumerLayersChanged":
			var l struct{ SpatialLayer *int }
			if json.Unmarshal(data, &l) == nil && l.SpatialLayer != nil {
				res.setLayer(*l.SpatialLayer)
			}
		}
	}
	signalURL := ticket.SignallingURL + "?ticket=" + url.QueryEscape(ticket.Ticket) + "&broadcastId=" + url.QueryEscape(platform.broadcastID)
	sig, err := dialSignal(joinCtx, signalURL, onNotify)
	if err != nil {
		return ticket.NodeID, err
	}
	defer sig.close()
	byKind, err := awaitProducers(joinCtx, producers, sig)
	if err != nil {
		return ticket.NodeID, err
	}
	// As the watch page: the Router's capabilities come with joined (a node of an earlier
	// release is asked for them).
	caps := struct {
		RtpCapabilities json.RawMessage `json:"rtpCapabilities"`
	}{routerCaps}
	if len(caps.RtpCapabilities) == 0 {
		if err := sig.request(joinCtx, "getRouterRtpCapabilities", map[string]any{}, &caps); err != nil {
			return ticket.NodeID, err
		}
	}
	var transport msTransport
	if err := sig.request(joinCtx, "createWebRtcTransport", map[string]string{"direction": "recv"}, &transport); err != nil {
		return ticket.NodeID, err
	}
	// The Router's own capabilities stand for the Device's: pion takes VP8, Opus and RTX,
	// and ignores header extensions it did not negotiate.
	// Both consumes in flight at once: the watch page starts ICE after its video consume and
	// takes the audio meanwhile, where one offer here needs both.
	consumers := []*msConsumer{{}, {}}
	consumed := make(chan error, len(consumers))
	for i, kind := range []string{"video", "audio"} {
		params := map[string]any{"transportId": transport.ID, "producerId": byKind[kind], "rtpCapabilities": caps.RtpCapabilities}
		go func() { consumed <- sig.request(joinCtx, "consume", params, consumers[i]) }()
	}
	for range consumers {
		if err := <-consumed; err != nil {
			return ticket.NodeID, err
		}
	}
	pc, err := newPacedPeerConnection(api)
	if err != nil {
		return ticket.NodeID, err
	}
	defer pc.Close()
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		if state == webrtc.PeerConnectionStateConnected {
			res.connected()
		}
	})
	pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		if uint32(track.SSRC()) == probationSsrc {
			go discard(track) // padding to probe bandwidth: not the broadcast
			return
		}
		go readTrack(track, res.start, res.track(track.Kind().String()))
	})
	dtls, err := answerOffer(pc, remoteOffer(&transport, consumers))
	if err != nil {
		return ticket.NodeID, err
	}
	if err := sig.request(joinCtx, "connectWebRtcTransport", map[string]any{"transportId": transport.ID, "dtlsParameters": dtls}, nil); err != nil {
		return ticket.NodeID, err
	}
	for _, c := range consumers {
		if err := sig.request(joinCtx, "resumeConsumer", map[string]string{"consumerId": c.ID}, nil); err != nil {
			return ticket.NodeID, err
		}
	}
	res.joined()
	<-ctx.Done()
	return ticket.NodeID, nil
}

// awaitProducers waits until the broadcast has both a video and an audio Producer, or the
// node refused the join (a refusal, then the close).
func awaitProducers(ctx context.Context, producers <-chan producerRef, sig *signalConn) (map[string]string, error) {
	byKind := map[string]string{}
	for byKind["video"] == "" || byKind["audio"] == "" {
		select {
		case p := <-producers:
			byKind[p.Kind] = p.ProducerID
		case <-sig.closed:
			return nil, fmt.Errorf("join: socket closed: %w", sig.closeErr)
		case <-ctx.Done():
			return nil, fmt.Errorf("the broadcast's producers (have %v): %w", byKind, ctx.Err())
		}
	}
	return byKind, nil
}

// answerOffer applies the SFU's offer, answers it and returns the local DTLS parameters for
// connectWebRtcTransport: the role the answer took (pion answers actpass with active, the
// DTLS client) and the certificate's fingerprints.
func answerOffer(pc *webrtc.PeerConnection, offer string) (map[string]any, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return nil, fmt.Errorf("remote offer: %w", err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return nil, err
	}
	if err := pc.SetLocalDescription(answer); err != nil {
		return nil, err
	}
	role := "client"
	if strings.Contains(answer.SDP, "a=setup:passive") {
		role = "server"
	}
	fingerprint, err := localFingerprint(answer.SDP)
	if err != nil {
		return nil, err
	}
	return map[string]any{"role": role, "fingerprints": []msFingerprint{fingerprint}}, nil
}

func deadlineSoon() time.Time { return time.Now().Add(time.Second) }

// localFingerprint is the first a=fingerprint of a local description.
func localFingerprint(sdp string) (msFingerprint, error) {
	for _, l := range strings.Split(sdp, "\r\n") {
		if v, ok := strings.CutPrefix(l, "a=fingerprint:"); ok {
			alg, value, _ := strings.Cut(v, " ")
			return msFingerprint{Algorithm: alg, Value: value}, nil
		}
	}
	return msFingerprint{}, fmt.Errorf("the local description has no fingerprint")
}

// discard reads a track until it ends, so its packets do not back up in the receive buffer.
func discard(track *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := track.Read(buf); err != nil {
			return
		}
	}
}
