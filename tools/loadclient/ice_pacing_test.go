package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

func checkInterval(pc *webrtc.PeerConnection) time.Duration {
	agent := reflect.ValueOf(pc).Elem().FieldByName("iceGatherer").Elem().FieldByName("agent").Elem()
	return time.Duration(agent.FieldByName("checkInterval").Int())
}

func TestPaceICEChecksSetsTheAgentsCheckInterval(t *testing.T) {
	api, err := newReceiveAPI()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICECandidatePoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if before := checkInterval(pc); before != 200*time.Millisecond {
		t.Fatalf("pion's default check interval is %v, not the 200 ms ice_pacing.go describes", before)
	}
	if err := paceICEChecks(pc, browserCheckInterval); err != nil {
		t.Fatal(err)
	}
	if got := checkInterval(pc); got != browserCheckInterval {
		t.Fatalf("check interval %v after pacing, want %v", got, browserCheckInterval)
	}
}

func TestPaceICEChecksNeedsACandidatePool(t *testing.T) {
	api, err := newReceiveAPI()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if err := paceICEChecks(pc, browserCheckInterval); err == nil {
		t.Fatal("paced a PeerConnection that has no ICE agent yet")
	}
}

// A paced subscriber still connects to an ICE-lite peer that offers, as the SFU does.
func TestAPacedSubscriberConnectsToAnICELitePeer(t *testing.T) {
	settings := webrtc.SettingEngine{}
	settings.SetLite(true)
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetIncludeLoopbackCandidate(true)
	sfu, err := webrtc.NewAPI(webrtc.WithSettingEngine(settings)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer sfu.Close()
	if _, err := sfu.CreateDataChannel("probe", nil); err != nil {
		t.Fatal(err)
	}
	api, err := newReceiveAPI()
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := newPacedPeerConnection(api)
	if err != nil {
		t.Fatal(err)
	}
	defer viewer.Close()
	if got := checkInterval(viewer); got != browserCheckInterval {
		t.Fatalf("the subscriber's check interval is %v, want %v", got, browserCheckInterval)
	}
	connected := make(chan struct{})
	viewer.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			close(connected)
		}
	})
	offer := completeDescription(t, sfu, func() (webrtc.SessionDescription, error) { return sfu.CreateOffer(nil) })
	if err := viewer.SetRemoteDescription(offer); err != nil {
		t.Fatal(err)
	}
	answer := completeDescription(t, viewer, func() (webrtc.SessionDescription, error) { return viewer.CreateAnswer(nil) })
	if err := sfu.SetRemoteDescription(answer); err != nil {
		t.Fatal(err)
	}
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatalf("the paced subscriber did not connect: %s", viewer.ConnectionState())
	}
}

// completeDescription sets the description make returns as pc's local one and returns it with
// every candidate gathered (no trickling between the two peers).
func completeDescription(t *testing.T, pc *webrtc.PeerConnection, make func() (webrtc.SessionDescription, error)) webrtc.SessionDescription {
	t.Helper()
	d, err := make()
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(d); err != nil {
		t.Fatal(err)
	}
	<-gathered
	return *pc.LocalDescription()
}
