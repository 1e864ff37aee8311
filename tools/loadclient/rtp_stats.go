package main

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// trackStats is what one subscriber saw of one track: packets, loss from RTP sequence
// numbers, and when the first packet came. Both SFUs rewrite simulcast layers into one
// sequence-number space per consumer, so a gap there is loss whichever layer was forwarded.
type trackStats struct {
	mu            sync.Mutex
	Kind          string  `json:"kind"`
	Packets       uint64  `json:"packets"`
	Bytes         uint64  `json:"bytes"`
	Expected      uint64  `json:"expected"`
	Lost          uint64  `json:"lost"`
	FirstPacketMs float64 `json:"firstPacketMs"`
	// VP8 only: key frames seen and the largest size one declared (1280x720 = the top layer).
	// The largest, not the last: LiveKit ends a down track with 8x8 blank key frames.
	KeyFrames int `json:"keyFrames,omitempty"`
	Width     int `json:"width,omitempty"`
	Height    int `json:"height,omitempty"`
	// VP8 only: when the first key frame was complete (its packets from the one that starts it
	// to the one with the marker bit, none missing), from the subscriber's start: the first
	// frame a decoder could show.
	FirstFrameMs float64 `json:"firstFrameMs,omitempty"`

	started  bool
	firstExt uint64 // extended sequence number of the first packet
	lastExt  uint64
	maxExt   uint64
	frame    keyFrameAssembly
}

// keyFrameAssembly follows the packets of a key frame until it is complete or broken.
type keyFrameAssembly struct {
	open      bool
	timestamp uint32
	nextSeq   uint16
}

// complete feeds one packet; true when it ends a key frame none of whose packets was missing.
func (a *keyFrameAssembly) complete(pkt *rtp.Packet, startsKeyFrame bool) bool {
	if startsKeyFrame {
		a.open, a.timestamp, a.nextSeq = true, pkt.Timestamp, pkt.SequenceNumber
	}
	if !a.open {
		return false
	}
	if pkt.Timestamp != a.timestamp || pkt.SequenceNumber != a.nextSeq {
		a.open = false // a packet of it went missing or came out of order: wait for the next one
		return false
	}
	a.nextSeq++
	if pkt.Marker {
		a.open = false
		return true
	}
	return false
}

// readTrack counts the track's RTP until it ends (its PeerConnection closed).
func readTrack(track *webrtc.TrackRemote, since time.Time, stats *trackStats) {
	isVP8 := track.Codec().MimeType == webrtc.MimeTypeVP8
	for {
		pkt, _, err := track.ReadRTP()
		if err != nil {
			return
		}
		stats.add(pkt, since, isVP8)
	}
}

func (s *trackStats) add(pkt *rtp.Packet, since time.Time, isVP8 bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		s.FirstPacketMs = float64(time.Since(since).Microseconds()) / 1000
		s.firstExt = uint64(pkt.SequenceNumber) + 1<<32 // headroom for a reordered first packet
		s.lastExt, s.maxExt = s.firstExt, s.firstExt
	} else {
		// The signed distance from the last packet unwraps 16-bit sequence numbers.
		ext := uint64(int64(s.lastExt) + int64(int16(pkt.SequenceNumber-uint16(s.lastExt))))
		s.lastExt = ext
		if ext > s.maxExt {
			s.maxExt = ext
		}
		if ext < s.firstExt {
			s.firstExt = ext
		}
	}
	s.Packets++
	s.Bytes += uint64(len(pkt.Payload))
	if isVP8 {
		w, h, keyFrame := vp8KeyFrameSize(pkt.Payload)
		if keyFrame {
			s.KeyFrames++
			if w*h > s.Width*s.Height {
				s.Width, s.Height = w, h
			}
		}
		if s.FirstFrameMs == 0 && s.frame.complete(pkt, keyFrame) {
			s.FirstFrameMs = float64(time.Since(since).Microseconds()) / 1000
		}
	}
}

// snapshot finishes the loss count and returns a copy safe to marshal.
func (s *trackStats) snapshot() *trackStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &trackStats{Kind: s.Kind, Packets: s.Packets, Bytes: s.Bytes, FirstPacketMs: s.FirstPacketMs,
		KeyFrames: s.KeyFrames, Width: s.Width, Height: s.Height, FirstFrameMs: s.FirstFrameMs}
	if s.started {
		out.Expected = s.maxExt - s.firstExt + 1
		if out.Expected > s.Packets {
			out.Lost = out.Expected - s.Packets
		}
	}
	return out
}

// vp8KeyFrameSize reads the frame size from the first packet of a VP8 key frame
// (RFC 7741 payload descriptor, then the RFC 6386 key frame header).
func vp8KeyFrameSize(p []byte) (width, height int, ok bool) {
	if len(p) < 1 {
		return 0, 0, false
	}
	startOfPartition, partitionID, i := p[0]&0x10 != 0, p[0]&0x07, 1
	if p[0]&0x80 != 0 { // X: extension byte
		if len(p) < 2 {
			return 0, 0, false
		}
		x := p[1]
		i = 2
		if x&0x80 != 0 { // I: picture id, 7 or 15 bits
			if len(p) <= i {
				return 0, 0, false
			}
			if p[i]&0x80 != 0 {
				i += 2
			} else {
				i++
			}
		}
		if x&0x40 != 0 { // L: TL0PICIDX
			i++
		}
		if x&0x30 != 0 { // T or K: TID/Y/KEYIDX
			i++
		}
	}
	if !startOfPartition || partitionID != 0 || len(p) < i+10 {
		return 0, 0, false
	}
	h := p[i:]
	if h[0]&0x01 != 0 || h[3] != 0x9d || h[4] != 0x01 || h[5] != 0x2a {
		return 0, 0, false // an inter frame, or not a key frame header
	}
	return int(binary.LittleEndian.Uint16(h[6:8]) & 0x3fff), int(binary.LittleEndian.Uint16(h[8:10]) & 0x3fff), true
}
