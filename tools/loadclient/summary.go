package main

import (
	"sort"
	"sync"
	"time"
)

// subscriberResult is one subscriber's outcome. Receiving means RTP arrived on every track it
// subscribed to; a subscriber that received nothing counts as lost, whatever the reason.
type subscriberResult struct {
	mu           sync.Mutex
	ID           int           `json:"id"`
	Error        string        `json:"error,omitempty"`
	JoinedMs     float64       `json:"joinedMs,omitempty"`
	TicketMs     float64       `json:"ticketMs,omitempty"`    // OnAir: the last ticket answered
	ConnectedMs  float64       `json:"connectedMs,omitempty"` // ICE and DTLS done: media may flow
	Receiving    bool          `json:"receiving"`
	Tracks       []*trackStats `json:"tracks"`
	SpatialLayer *int          `json:"spatialLayer,omitempty"` // OnAir: the last consumerLayersChanged
	Tickets      int           `json:"tickets,omitempty"`      // OnAir: consume tickets asked for (more than one: retries)
	start        time.Time
}

func newSubscriberResult(id int) *subscriberResult {
	return &subscriberResult{ID: id, start: time.Now()}
}

func (r *subscriberResult) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Error == "" {
		r.Error = err.Error()
	}
}

func (r *subscriberResult) joined() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.JoinedMs = r.sinceStart()
}

func (r *subscriberResult) ticketAnswered() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.TicketMs = r.sinceStart()
}

func (r *subscriberResult) connected() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ConnectedMs == 0 {
		r.ConnectedMs = r.sinceStart()
	}
}

func (r *subscriberResult) sinceStart() float64 {
	return float64(time.Since(r.start).Microseconds()) / 1000
}

// track registers a new track's counters; its first-packet time counts from the subscriber's start.
func (r *subscriberResult) track(kind string) *trackStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := &trackStats{Kind: kind}
	r.Tracks = append(r.Tracks, t)
	return t
}

func (r *subscriberResult) ticketTaken() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Tickets++
}

func (r *subscriberResult) setLayer(spatial int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.SpatialLayer = &spatial
}

type summary struct {
	SFU         string  `json:"sfu"`
	Subscribers int     `json:"subscribers"`
	Receiving   int     `json:"receiving"`
	Lost        int     `json:"lost"` // subscribers that received nothing
	Packets     uint64  `json:"packets"`
	PacketsLost uint64  `json:"packetsLost"`
	LossPercent float64 `json:"lossPercent"`
	// Median over receiving subscribers of their first video packet, from their start.
	FirstVideoPacketMsMedian float64             `json:"firstVideoPacketMsMedian"`
	Results                  []*subscriberResult `json:"results"`
}

func summarize(sfu string, results []*subscriberResult) summary {
	s := summary{SFU: sfu, Subscribers: len(results), Results: results}
	var expected uint64
	var firsts []float64
	for _, r := range results {
		r.mu.Lock()
		for i, t := range r.Tracks {
			r.Tracks[i] = t.snapshot()
		}
		// Both SFUs are asked for the video and the audio: a missing track is a failure too.
		kinds := map[string]bool{}
		r.Receiving = true
		for _, t := range r.Tracks {
			kinds[t.Kind] = true
			r.Receiving = r.Receiving && t.Packets > 0
			s.Packets += t.Packets
			s.PacketsLost += t.Lost
			expected += t.Expected
			if t.Kind == "video" && t.Packets > 0 {
				firsts = append(firsts, t.FirstPacketMs)
			}
		}
		r.Receiving = r.Receiving && kinds["video"] && kinds["audio"]
		if r.Receiving {
			s.Receiving++
		} else {
			s.Lost++
		}
		r.mu.Unlock()
	}
	if expected > 0 {
		s.LossPercent = 100 * float64(s.PacketsLost) / float64(expected)
	}
	if len(firsts) > 0 {
		sort.Float64s(firsts)
		s.FirstVideoPacketMsMedian = firsts[len(firsts)/2]
	}
	return s
}
