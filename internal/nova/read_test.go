package nova

import (
	"errors"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

func TestPathSegment(t *testing.T) {
	tests := map[string]string{
		"job-123":      "job-123",
		"a/../b c?d#e": "a%2F..%2Fb%20c%3Fd%23e",
		"..":           "%2E%2E",
		".":            "%2E",
		"ünïcødé":      "%C3%BCn%C3%AFc%C3%B8d%C3%A9",
		"100%":         "100%25",
	}
	for in, want := range tests {
		if got := pathSegment(in); got != want {
			t.Errorf("pathSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOddIDsAreOneEscapedSegment(t *testing.T) {
	c, s, _ := newTestClient(t, Config{})
	if _, err := s.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "..", ID: "a/../b c?d#e ünï", Jobs: []novafake.JobSpec{{ApplicationID: "x"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.GetScoringBatch(t.Context(), "..", "a/../b c?d#e ünï", testTenant)
	if err != nil {
		t.Fatal(err)
	}
	if *res.Batch.ID != "a/../b c?d#e ünï" {
		t.Errorf("read batch %q", *res.Batch.ID)
	}
	const want = "/v1/jobs/%2E%2E/scoring-batches/a%2F..%2Fb%20c%3Fd%23e%20%C3%BCn%C3%AF"
	if got := s.Requests()[0].RequestURI; got != want {
		t.Errorf("request URI %q, want %q", got, want)
	}
}

// A decode error's cause may quote the body; its text is bounded and clean.
func TestDecodeErrorIsBounded(t *testing.T) {
	e := &DecodeError{What: "scoring batch", TraceID: "t1", Err: errors.New("bad value \u202e" + strings.Repeat("x", 20<<10))}
	if msg := e.Error(); len(msg) > 2*LongText || strings.Contains(msg, "\u202e") || !strings.HasSuffix(msg, "(trace id t1)") {
		t.Errorf("decode error unbounded or unclean (%d bytes): %.200s", len(msg), msg)
	}
}
