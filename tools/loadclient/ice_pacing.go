package main

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/pion/webrtc/v4"
)

// browserCheckInterval is how often an OnAir subscriber's ICE agent runs its checks while it
// connects. The SFU's transports are ICE-lite: the subscriber's agent nominates the pair, on
// the check after the first one answered. pion runs its checks every 200 ms, so a subscriber
// waited up to 200 ms there (in a burst of 30, from checking to connected: p50 190 ms); the
// watch page's Chromium went from checking to connected in 1-14 ms (8 joins, same platform).
// The load client stands in for browsers, so it paces its checks like one.
const browserCheckInterval = 10 * time.Millisecond

// newPacedPeerConnection is an OnAir subscriber's PeerConnection, its ICE checks paced as a
// browser's: made with a candidate pool of one, so that pion makes its ICE agent at once and
// the interval can be set before the checks start.
func newPacedPeerConnection(api *webrtc.API) (*webrtc.PeerConnection, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICECandidatePoolSize: 1})
	if err != nil {
		return nil, err
	}
	if err := paceICEChecks(pc, browserCheckInterval); err != nil {
		_ = pc.Close()
		return nil, err
	}
	return pc, nil
}

// paceICEChecks sets the check interval of pc's ICE agent. pion/webrtc does not pass pion/ice's
// WithCheckInterval on, so the field is set in the agent: pc must come from a Configuration
// with an ICE candidate pool (NewPeerConnection then makes the agent at once) and must not
// have started connecting (the agent's check loop, started by SetLocalDescription, reads it).
// The pinned pion version is checked by ice_pacing_test.go: an upgrade that moves the field
// fails there, not silently in a benchmark.
func paceICEChecks(pc *webrtc.PeerConnection, interval time.Duration) error {
	gatherer := reflect.ValueOf(pc).Elem().FieldByName("iceGatherer")
	if !gatherer.IsValid() || gatherer.IsNil() {
		return fmt.Errorf("pacing ICE checks: pion's PeerConnection has no iceGatherer")
	}
	agent := gatherer.Elem().FieldByName("agent")
	if !agent.IsValid() || agent.IsNil() {
		return fmt.Errorf("pacing ICE checks: no ICE agent yet (the PeerConnection needs ICECandidatePoolSize 1)")
	}
	field := agent.Elem().FieldByName("checkInterval")
	if !field.IsValid() || field.Type() != reflect.TypeOf(interval) {
		return fmt.Errorf("pacing ICE checks: pion's ice.Agent has no checkInterval duration")
	}
	*(*time.Duration)(unsafe.Pointer(field.UnsafeAddr())) = interval
	return nil
}
