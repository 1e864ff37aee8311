package main

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

func TestLossCountsGapsAcrossTheSequenceNumberWrap(t *testing.T) {
	s := &trackStats{Kind: "video"}
	for _, seq := range []uint16{65533, 65534, 65535, 1, 3, 2, 4} { // 0 lost, 3 and 2 reordered
		s.add(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq}}, time.Now(), false)
	}
	got := s.snapshot()
	if got.Packets != 7 || got.Expected != 8 || got.Lost != 1 {
		t.Fatalf("packets %d expected %d lost %d, want 7 8 1", got.Packets, got.Expected, got.Lost)
	}
}

func TestVP8KeyFrameSize(t *testing.T) {
	// Descriptor X|S, then I with a 15-bit picture id; then a key frame header for 1280x720.
	payload := []byte{0x90, 0x80, 0x81, 0x23, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02}
	w, h, ok := vp8KeyFrameSize(payload)
	if !ok || w != 1280 || h != 720 {
		t.Fatalf("got %dx%d ok=%v, want 1280x720", w, h, ok)
	}
	payload[4] |= 0x01 // an inter frame
	if _, _, ok := vp8KeyFrameSize(payload); ok {
		t.Fatal("an inter frame read as a key frame")
	}
}

func TestTheLargestKeyFrameSizeIsKept(t *testing.T) {
	s := &trackStats{Kind: "video"}
	for _, size := range [][2]byte{{0x40, 0x01}, {0x00, 0x05}, {0x08, 0x00}} { // 320, 1280, then an 8x8 blank frame
		payload := []byte{0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, size[0], size[1], size[0], size[1]}
		s.add(&rtp.Packet{Payload: payload}, time.Now(), true)
	}
	if got := s.snapshot(); got.KeyFrames != 3 || got.Width != 1280 {
		t.Fatalf("key frames %d width %d, want 3 and 1280", got.KeyFrames, got.Width)
	}
}

func TestTheFirstFrameIsTheFirstKeyFrameWithNoPacketMissing(t *testing.T) {
	keyStart := []byte{0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02}
	middle := []byte{0x00, 0xaa}
	pkt := func(seq uint16, ts uint32, marker bool, payload []byte) *rtp.Packet {
		return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: payload}
	}
	s := &trackStats{Kind: "video"}
	start := time.Now().Add(-time.Second)              // a first frame a second after the start
	s.add(pkt(10, 900, false, middle), start, true)    // the tail of a frame joined midway
	s.add(pkt(11, 900, true, middle), start, true)     // its marker: not a key frame's
	s.add(pkt(12, 1800, false, keyStart), start, true) // a key frame starts...
	s.add(pkt(14, 1800, true, middle), start, true)    // ...and 13 is missing: not complete
	if s.snapshot().FirstFrameMs != 0 {
		t.Fatal("a key frame with a missing packet counted as the first frame")
	}
	s.add(pkt(15, 2700, false, keyStart), start, true)
	s.add(pkt(16, 2700, false, middle), start, true)
	s.add(pkt(17, 2700, true, middle), start, true)
	if s.snapshot().FirstFrameMs < 1000 {
		t.Fatal("a complete key frame did not count as the first frame")
	}
}
