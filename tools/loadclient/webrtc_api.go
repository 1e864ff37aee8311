package main

import (
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// newReceiveAPI is the pion API every OnAir subscriber's PeerConnection comes from: the default
// codecs (VP8, Opus, RTX), UDP over IPv4 only and loopback candidates allowed (the local SFUs
// announce 127.0.0.1), and the interceptors LiveKit's Go SDK gives its subscribers, so a viewer
// costs the client the same on both SFUs: NACKs, RTCP receiver reports, transport-wide CC
// feedback (the SFU's bandwidth estimate lets it forward the top simulcast layer). Not pion's
// stats interceptor, which RegisterDefaultInterceptors adds and the SDK does not: it only feeds
// GetStats, which nothing here reads.
// pion copies the MediaEngine per PeerConnection, so one API serves them all.
func newReceiveAPI() (*webrtc.API, error) {
	media := &webrtc.MediaEngine{}
	if err := media.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	registry := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(media, registry); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureRTCPReports(registry); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(media); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureTWCCSender(media, registry); err != nil {
		return nil, err
	}
	settings := webrtc.SettingEngine{}
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetIncludeLoopbackCandidate(true)
	return webrtc.NewAPI(webrtc.WithMediaEngine(media), webrtc.WithInterceptorRegistry(registry),
		webrtc.WithSettingEngine(settings)), nil
}
