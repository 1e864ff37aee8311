package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// The clip's three VP8 layers, as a browser's camera simulcast sends them (1/4, 1/2, full size).
var clipLayers = []struct {
	file    string
	quality livekit.VideoQuality
	w, h    uint32
}{
	{"video-180.ivf", livekit.VideoQuality_LOW, 320, 180},
	{"video-360.ivf", livekit.VideoQuality_MEDIUM, 640, 360},
	{"video-720.ivf", livekit.VideoQuality_HIGH, 1280, 720},
}

// runLiveKitPublish joins the room as "publisher" and sends the clip (VP8 3-layer simulcast +
// Opus, looped) until stopped. It prints {"published":true} once both tracks are published.
func runLiveKitPublish(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("livekit-publish", flag.ExitOnError)
	lk := addLiveKitFlags(fs)
	clip := fs.String("clip", "", "folder holding video-180.ivf, video-360.ivf, video-720.ivf and audio.ogg")
	_ = fs.Parse(args)
	if lk.apiKey == "" || lk.room == "" || *clip == "" {
		return fmt.Errorf("livekit-publish needs -api-key, -api-secret, -room and -clip")
	}
	quietLiveKitLogs()
	room, err := lksdk.ConnectToRoom(lk.url, lk.connectInfo("publisher"), lksdk.NewRoomCallback(), lksdk.WithAutoSubscribe(false))
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	defer room.Disconnect()

	var layers []*lksdk.LocalTrack
	var providers []lksdk.SampleProvider
	for _, l := range clipLayers {
		frames, err := loadIVF(filepath.Join(*clip, l.file))
		if err != nil {
			return err
		}
		track, err := lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
			lksdk.WithSimulcast("camera", &livekit.VideoLayer{Quality: l.quality, Width: l.w, Height: l.h}))
		if err != nil {
			return err
		}
		layers, providers = append(layers, track), append(providers, frames)
	}
	if _, err := room.LocalParticipant.PublishSimulcastTrack(layers, &lksdk.TrackPublicationOptions{
		Name: "camera", Source: livekit.TrackSource_CAMERA, VideoWidth: 1280, VideoHeight: 720}); err != nil {
		return fmt.Errorf("publish video: %w", err)
	}
	for i, track := range layers {
		if err := track.StartWrite(providers[i], nil); err != nil {
			return err
		}
	}
	audio, err := loadOgg(filepath.Join(*clip, "audio.ogg"))
	if err != nil {
		return err
	}
	mic, err := lksdk.NewLocalTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		return err
	}
	if _, err := room.LocalParticipant.PublishTrack(mic, &lksdk.TrackPublicationOptions{Name: "microphone", Source: livekit.TrackSource_MICROPHONE}); err != nil {
		return fmt.Errorf("publish audio: %w", err)
	}
	if err := mic.StartWrite(audio, nil); err != nil {
		return err
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]bool{"published": true})
	<-ctx.Done()
	return nil
}
