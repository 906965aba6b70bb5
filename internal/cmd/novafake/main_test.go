package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0":      true,
		"127.1.2.3:8080":   true,
		"[::1]:0":          true,
		"localhost:9000":   true,
		"0.0.0.0:8080":     false,
		":8080":            false,
		"[::]:8080":        false,
		"192.168.1.5:80":   false,
		"example.com:80":   false,
		"localhost.evil:1": false,
		"127.0.0.1":        false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v", addr, err)
		}
	}
}

// lockedBuffer is written by the server's goroutines and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunServesSeedAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	addrFile := filepath.Join(dir, "addr")
	if err := os.WriteFile(seed, []byte(`{"batches":[{"tenant":"acme","jobId":"job-1","id":"b1","jobs":[{"applicationId":"a"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr-file", addrFile, "-seed", seed, "-status-style", "upper"}, &stderr)
	}()

	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); {
		if b, err := os.ReadFile(addrFile); err == nil {
			base = strings.TrimSpace(string(b))
		} else {
			time.Sleep(5 * time.Millisecond)
		}
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("addr file %q; stderr %s", base, stderr.String())
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/v1/jobs/job-1/scoring-batches/b1", nil)
	req.Header.Set("Authorization", "Bearer sk_test_secretkey1234")
	req.Header.Set("X-Tenant-Id", "acme")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"COMPLETED"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	log := stderr.String()
	if !strings.Contains(log, "novafake listening on "+base) || !strings.Contains(log, "GET /v1/jobs/job-1/scoring-batches/b1 200") {
		t.Errorf("stderr:\n%s", log)
	}
	if strings.Contains(log, "secretkey1234") || !strings.Contains(log, "sk_test_****1234") {
		t.Errorf("key not masked:\n%s", log)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-listen", "0.0.0.0:0"},
		{"-status-style", "shouty"},
		{"-seed", "/nonexistent/seed.json"},
		{"extra"},
	} {
		if err := run(t.Context(), args, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// -clock-offset puts the rate limiter's clock ahead, as a Nova whose clock
// drifted: the window's Reset is that far ahead of the local clock.
func TestClockOffsetFlag(t *testing.T) {
	c, err := parseFlags([]string{"-clock-offset", "1h"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := c.serverOptions(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(novafake.New(opts...))
	t.Cleanup(ts.Close)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/jobs/j/scoring-batches/b", nil)
	req.Header.Set("Authorization", "Bearer sk_test_clockoffset1234")
	req.Header.Set("X-Tenant-Id", "acme")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		t.Fatalf("X-RateLimit-Reset %q", resp.Header.Get("X-RateLimit-Reset"))
	}
	if ahead := time.Until(time.Unix(reset, 0)); ahead < time.Hour-time.Second || ahead > time.Hour+2*time.Second {
		t.Errorf("Reset is %v from now, want about an hour", ahead)
	}
}
