// Command loadclient runs N real WebRTC subscribers (ICE, DTLS, SRTP) in one process against
// OnAir's SFU or a LiveKit server, and prints one JSON summary on stdout. It can also publish a
// pre-encoded VP8 simulcast + Opus clip to either SFU, so both forward the same bytes.
//
//	loadclient onair   -edge http://127.0.0.1:8080 -login h -password p -broadcast <id> -n 5
//	loadclient livekit -url ws://127.0.0.1:7880 -api-key k -api-secret s -room r -n 5
//	loadclient onair-publish -edge http://127.0.0.1:8080 -login h -password p -clip <dir>
//	loadclient livekit-publish -url ... -api-key k -api-secret s -room r -clip <dir>
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadclient onair|livekit|onair-publish|livekit-publish [flags] (-h for flags)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch mode, args := os.Args[1], os.Args[2:]; mode {
	case "onair":
		err = runOnAir(ctx, args)
	case "livekit":
		err = runLiveKit(ctx, args)
	case "onair-publish":
		err = runOnAirPublish(ctx, args)
	case "livekit-publish":
		err = runLiveKitPublish(ctx, args)
	default:
		err = fmt.Errorf("unknown mode %q (onair, livekit, onair-publish, livekit-publish)", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadclient:", err)
		os.Exit(1)
	}
}

// loadFlags are the flags every subscribing mode shares.
type loadFlags struct {
	n        int
	ramp     time.Duration
	duration time.Duration
	timeout  time.Duration
}

func addLoadFlags(fs *flag.FlagSet) *loadFlags {
	f := &loadFlags{}
	fs.IntVar(&f.n, "n", 5, "subscribers")
	fs.DurationVar(&f.ramp, "ramp", 50*time.Millisecond, "pause between two subscribers' starts (the SFUs rate-limit joins)")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "how long to receive once the last subscriber started")
	fs.DurationVar(&f.timeout, "join-timeout", 20*time.Second, "how long one subscriber may take to join")
	return f
}

// subscriber is one viewer on either SFU: join, then receive until ctx ends.
type subscriber func(ctx context.Context, id int, res *subscriberResult) error

// runSubscribers starts f.n subscribers f.ramp apart, lets them receive for f.duration after
// the last start, stops them all and prints the summary.
func runSubscribers(ctx context.Context, sfu string, f *loadFlags, sub subscriber) error {
	results := make([]*subscriberResult, f.n)
	done := make(chan int, f.n)
	recvCtx, stopReceiving := context.WithCancel(ctx)
	defer stopReceiving()
	for i := range f.n {
		results[i] = newSubscriberResult(i)
		go func(i int) {
			defer func() { done <- i }()
			if err := sub(recvCtx, i, results[i]); err != nil {
				results[i].fail(err)
			}
		}(i)
		select {
		case <-time.After(f.ramp):
		case <-ctx.Done():
		}
	}
	// On stderr, for a bench measuring CPU over the steady part only.
	fmt.Fprintln(os.Stderr, "loadclient: all subscribers started")
	select {
	case <-time.After(f.duration):
	case <-ctx.Done():
	}
	stopReceiving()
	for range f.n {
		<-done
	}
	return json.NewEncoder(os.Stdout).Encode(summarize(sfu, results))
}
