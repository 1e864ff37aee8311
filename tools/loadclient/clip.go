package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// loopedSamples hands out a clip's encoded frames in a loop, each with its duration; the
// SDK's writer paces them in real time. The clip starts on a key frame, so looping is clean.
type loopedSamples struct {
	lksdk.BaseSampleProvider
	samples []media.Sample
	next    int
}

func (l *loopedSamples) NextSample(ctx context.Context) (media.Sample, error) {
	if err := ctx.Err(); err != nil {
		return media.Sample{}, io.EOF
	}
	s := l.samples[l.next]
	l.next = (l.next + 1) % len(l.samples)
	return s, nil
}

func loadIVF(path string) (*loopedSamples, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, header, err := ivfreader.NewWith(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	frame := time.Second * time.Duration(header.TimebaseNumerator) / time.Duration(header.TimebaseDenominator)
	l := &loopedSamples{}
	for {
		data, _, err := r.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		l.samples = append(l.samples, media.Sample{Data: data, Duration: frame})
	}
	if len(l.samples) == 0 {
		return nil, fmt.Errorf("%s: no frames", path)
	}
	return l, nil
}

// loadOgg reads an Ogg Opus file page by page (ffmpeg writes one Opus packet per page); a
// page's duration is its granule position's advance at 48 kHz.
func loadOgg(path string) (*loopedSamples, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, _, err := oggreader.NewWith(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &loopedSamples{}
	var lastGranule uint64
	for {
		data, page, err := r.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if page.GranulePosition <= lastGranule {
			continue // the header pages (OpusTags) carry no audio
		}
		d := time.Duration(page.GranulePosition-lastGranule) * time.Second / 48000
		lastGranule = page.GranulePosition
		l.samples = append(l.samples, media.Sample{Data: data, Duration: d})
	}
	if len(l.samples) == 0 {
		return nil, fmt.Errorf("%s: no audio pages", path)
	}
	return l, nil
}
