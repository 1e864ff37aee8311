package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// onAirPlatform is the edge's HTTP API as one signed-in account sees it.
type onAirPlatform struct {
	edge        string
	broadcastID string
	accessToken string
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
		return fmt.Errorf("POST %s answered %d: %s", path, res.StatusCode, answer)
	}
	return json.Unmarshal(answer, out)
}
