package main

import (
	"context"
	"flag"
	"fmt"
	"sync"

	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
)

// liveKitFlags name a LiveKit server, its API key and the room.
type liveKitFlags struct {
	url, apiKey, apiSecret, room string
}

func addLiveKitFlags(fs *flag.FlagSet) *liveKitFlags {
	f := &liveKitFlags{}
	fs.StringVar(&f.url, "url", "ws://127.0.0.1:7880", "the LiveKit server's WebSocket URL")
	fs.StringVar(&f.apiKey, "api-key", "", "API key (from its config's keys)")
	fs.StringVar(&f.apiSecret, "api-secret", "", "API secret")
	fs.StringVar(&f.room, "room", "", "room to join")
	return f
}

func (f *liveKitFlags) connectInfo(identity string) lksdk.ConnectInfo {
	return lksdk.ConnectInfo{APIKey: f.apiKey, APISecret: f.apiSecret, RoomName: f.room, ParticipantIdentity: identity}
}

// runLiveKit subscribes n participants to every track in the room through LiveKit's own
// signalling (its Go SDK, protocol over WebSocket), each asking for the top simulcast layer.
func runLiveKit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("livekit", flag.ExitOnError)
	lk := addLiveKitFlags(fs)
	load := addLoadFlags(fs)
	_ = fs.Parse(args)
	if lk.apiKey == "" || lk.room == "" {
		return fmt.Errorf("livekit needs -api-key, -api-secret and -room")
	}
	quietLiveKitLogs()
	return runSubscribers(ctx, "livekit", load, func(ctx context.Context, id int, res *subscriberResult) error {
		return subscribeLiveKit(ctx, lk, id, res, load)
	})
}

// subscribeLiveKit is one participant that subscribes to the room's video and audio and
// receives until ctx ends. Joining fails if both tracks are not subscribed within the timeout.
func subscribeLiveKit(ctx context.Context, lk *liveKitFlags, id int, res *subscriberResult, load *loadFlags) error {
	var once sync.Once
	var mu sync.Mutex
	kinds := map[string]bool{}
	subscribed := make(chan struct{})
	cb := lksdk.NewRoomCallback()
	cb.ParticipantCallback.OnTrackSubscribed = func(track *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
		kind := track.Kind().String()
		if kind == "video" {
			_ = pub.SetVideoQuality(livekit.VideoQuality_HIGH)
		}
		go readTrack(track, res.start, res.track(kind))
		mu.Lock()
		kinds[kind] = true
		both := kinds["video"] && kinds["audio"]
		mu.Unlock()
		if both {
			once.Do(func() { close(subscribed) })
		}
	}
	room, err := lksdk.ConnectToRoom(lk.url, lk.connectInfo(fmt.Sprintf("loadclient-%d", id)), cb, lksdk.WithAutoSubscribe(true))
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	defer room.Disconnect()
	joinCtx, cancel := context.WithTimeout(ctx, load.timeout)
	defer cancel()
	select {
	case <-subscribed:
		res.joined()
	case <-joinCtx.Done():
		if ctx.Err() == nil {
			return fmt.Errorf("video and audio not both subscribed (have %v): %w", kinds, joinCtx.Err())
		}
	}
	<-ctx.Done()
	return nil
}

// quietLiveKitLogs keeps the SDK's logs on stderr at warnings, away from the JSON on stdout.
func quietLiveKitLogs() {
	logger.InitFromConfig(&logger.Config{Level: "warn"}, "loadclient")
	lksdk.SetLogger(logger.GetLogger())
}
