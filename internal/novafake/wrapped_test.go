package novafake

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWrappedErrors(t *testing.T) {
	s, ts := start(t, WithWrappedErrors())
	s.InjectFaults(Fault{Status: 503, RetryAfter: "4"})
	for _, tc := range []struct {
		c      call
		status int
		code   string
	}{
		{call{path: batchPath("j", "b")}, 503, "SERVICE_UNAVAILABLE"},
		{call{path: batchPath("j", "b"), noKey: true}, 401, "UNAUTHORIZED"},
		{call{path: batchPath("j", "b"), noTenant: true}, 400, "VALIDATION_ERROR"},
	} {
		resp, raw := tc.c.do(t, ts)
		wantStatus(t, resp, raw, tc.status)
		var body struct {
			Error map[string]json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(raw, &body); err != nil || body.Error == nil {
			t.Fatalf("not wrapped: %s", raw)
		}
		var code, requestID string
		_ = json.Unmarshal(body.Error["code"], &code)
		_ = json.Unmarshal(body.Error["requestId"], &requestID)
		if code != tc.code || !strings.HasPrefix(requestID, "req_") {
			t.Errorf("body %s", raw)
		}
		for _, absent := range []string{"retryable", "traceId"} {
			if _, ok := body.Error[absent]; ok {
				t.Errorf("wrapped body has %s: %s", absent, raw)
			}
		}
		if len(resp.Header.Get("X-Trace-Id")) != 32 {
			t.Errorf("X-Trace-Id %q", resp.Header.Get("X-Trace-Id"))
		}
	}
}
