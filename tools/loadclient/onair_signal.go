package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/gorilla/websocket"
)

// signalConn is the sfu-worker signalling WebSocket (services/sfu-worker/SIGNALLING.md):
// JSON requests answered by id, and notifications, which go to onNotify in arrival order.
type signalConn struct {
	ws       *websocket.Conn
	writeMu  sync.Mutex
	mu       sync.Mutex
	nextID   int
	pending  map[int]chan signalFrame
	onNotify func(name string, data json.RawMessage)
	closed   chan struct{}
	closeErr error
}

type signalFrame struct {
	ID           *int            `json:"id"`
	OK           bool            `json:"ok"`
	Result       json.RawMessage `json:"result"`
	Error        *signalError    `json:"error"`
	Notification string          `json:"notification"`
	Data         json.RawMessage `json:"data"`
}

type signalError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *signalError) Error() string { return e.Code + ": " + e.Message }

func dialSignal(ctx context.Context, url string, onNotify func(string, json.RawMessage)) (*signalConn, error) {
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("signalling WebSocket: %w", err)
	}
	c := &signalConn{ws: ws, pending: map[int]chan signalFrame{}, onNotify: onNotify, closed: make(chan struct{})}
	go c.readLoop()
	return c, nil
}

// readLoop also answers the SFU's pings (gorilla's default handler does, while we read).
func (c *signalConn) readLoop() {
	defer close(c.closed)
	for {
		var f signalFrame
		if err := c.ws.ReadJSON(&f); err != nil {
			if c.closeErr == nil { // a refusal the server sent before closing says more than the close
				c.closeErr = err
			}
			return
		}
		if f.Notification != "" {
			c.onNotify(f.Notification, f.Data)
			continue
		}
		if f.ID == nil {
			if f.Error != nil {
				c.onNotify("error", f.Result) // a refusal before any request: the close follows
				c.closeErr = f.Error
			}
			continue
		}
		c.mu.Lock()
		ch := c.pending[*f.ID]
		delete(c.pending, *f.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- f
		}
	}
}

// request sends one request and waits for its answer, decoded into out (when not nil).
func (c *signalConn) request(ctx context.Context, method string, params any, out any) error {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan signalFrame, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	c.writeMu.Lock()
	err := c.ws.WriteJSON(map[string]any{"id": id, "method": method, "params": params})
	c.writeMu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case f := <-ch:
		if !f.OK {
			if f.Error == nil {
				return fmt.Errorf("%s: refused", method)
			}
			return fmt.Errorf("%s: %w", method, f.Error)
		}
		if out != nil {
			return json.Unmarshal(f.Result, out)
		}
		return nil
	case <-c.closed:
		return fmt.Errorf("%s: socket closed: %w", method, c.closeErr)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (c *signalConn) close() {
	c.writeMu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadlineSoon())
	c.writeMu.Unlock()
	_ = c.ws.Close()
}
