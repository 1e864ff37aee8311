package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// onAirPlatform is the edge's HTTP API as one signed-in account sees it.
type onAirPlatform struct {
	edge        string
	broadcastID string
	accessToken string
	// onlyNode: when set, tickets must name this SFU node (a bench pins its SFU to one core).
	onlyNode string
}

type ticketAnswer struct {
	Ticket        string `json:"ticket"`
	SignallingURL string `json:"signallingUrl"`
	NodeID        string `json:"nodeId"`
}

// maxAvoided is what stream-sessions takes at most in avoidNodeIds.
const maxAvoided = 8

// ticket asks the edge for a publish or consume ticket of the broadcast, naming in avoidNodeIds
// the nodes the caller lost (as the web client does). With onlyNode set it asks again, each node
// it was given and did not want added to avoidNodeIds, until stream-sessions names that node.
func (p *onAirPlatform) ticket(ctx context.Context, role string, lost ...string) (ticketAnswer, error) {
	avoid := slices.Clone(lost)
	for {
		var t ticketAnswer
		body := map[string]any{"role": role}
		if len(avoid) > 0 {
			body["avoidNodeIds"] = avoid
		}
		if err := p.post(ctx, "/v1/broadcasts/"+p.broadcastID+"/tickets", body, &t); err != nil {
			return t, err
		}
		if p.onlyNode == "" || t.NodeID == p.onlyNode {
			return t, nil
		}
		if len(avoid) >= maxAvoided || slices.Contains(avoid, t.NodeID) {
			return t, fmt.Errorf("%s ticket names node %q, not %q", role, t.NodeID, p.onlyNode)
		}
		avoid = append(avoid, t.NodeID)
	}
}

func (p *onAirPlatform) signIn(ctx context.Context, login, password string) error {
	var tokens struct {
		AccessToken string `json:"accessToken"`
	}
	if err := p.post(ctx, "/v1/sessions", map[string]string{"login": login, "password": password}, &tokens); err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	p.accessToken = tokens.AccessToken
	return nil
}

func (p *onAirPlatform) post(ctx context.Context, path string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.edge+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("content-type", "application/json")
	if p.accessToken != "" {
		req.Header.Set("authorization", "Bearer "+p.accessToken)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		var refusal struct{ Error *signalError } // the platform's error body: {"error": {code, message}}
		if json.Unmarshal(answer, &refusal) == nil && refusal.Error != nil && refusal.Error.Code != "" {
			return fmt.Errorf("POST %s answered %d: %w", path, res.StatusCode, refusal.Error)
		}
		return fmt.Errorf("POST %s answered %d: %s", path, res.StatusCode, answer)
	}
	return json.Unmarshal(answer, out)
}
