package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// Each timeout names the setting that ran out, and what Nova said last.
func TestTimeoutDiagnosticsNameTheSetting(t *testing.T) {
	tg := target{kind: "scoring batch", description: `scoring batch "b1" of job "job-1"`, tenant: "acme", environment: "sandbox"}
	last := &nova.APIError{StatusCode: 429, Code: "RATE_LIMITED", Message: "Rate limit exceeded.", TraceID: "abc123"}
	for _, tt := range []struct {
		name string
		err  error
		want []string
		not  []string
	}{
		{
			name: "deadline while rate limited",
			err:  &nova.DeadlineError{Attempts: 40, RateLimited: 39, Last: last, Err: context.DeadlineExceeded},
			want: []string{"Timed out reading from Nova", "timeouts.read", "40 attempt(s)", "HTTP 429 RATE_LIMITED", "39 of the answers were 429", "shared by every run"},
			not:  []string{"request_timeout", "max_retries"},
		},
		{
			name: "deadline while retrying a server error",
			err:  &nova.DeadlineError{Attempts: 3, Last: &nova.APIError{StatusCode: 503, Code: "SERVICE_UNAVAILABLE"}, Err: context.DeadlineExceeded},
			want: []string{"timeouts.read", "HTTP 503 SERVICE_UNAVAILABLE"},
			not:  []string{"request_timeout"},
		},
		{
			name: "per-attempt timeout",
			err:  &nova.AttemptTimeoutError{Timeout: 30 * time.Second, Attempts: 4, Err: context.DeadlineExceeded},
			want: []string{"request_timeout", "30s", "max_retries"},
			not:  []string{"timeouts.read"},
		},
		{
			name: "untrusted certificate",
			err:  &nova.PermanentTransportError{Err: errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority")},
			want: []string{"Could not reach Nova", "not retried", "certificate", "SSL_CERT_FILE"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := readErrorDiagnostic(tg, tt.err)
			text := d.Summary() + "\n" + d.Detail()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(text, w) {
					t.Errorf("diagnostic names %q:\n%s", w, text)
				}
			}
		})
	}
}

// The reads that name no candidate withhold Nova's free-text messages, which
// nothing stops from naming one; the full record keeps them, so that a person
// can act on what Nova said. Code, status and trace id stay in both.
func TestAnonymousReadsWithholdNovaMessages(t *testing.T) {
	const secret = "jane.roe@example.com was rejected"
	apiErr := &nova.APIError{StatusCode: 400, Code: "VALIDATION_ERROR", Message: secret, TraceID: "trace-1",
		Details: []nova.ErrorDetail{{Field: "applicationId", Message: secret}}}
	errs := map[string]error{
		"an API error":                      apiErr,
		"a deadline after an API error":     &nova.DeadlineError{Attempts: 3, Last: apiErr},
		"a wrapped API error in a deadline": fmt.Errorf("read: %w", &nova.DeadlineError{Attempts: 1, Last: fmt.Errorf("attempt: %w", apiErr)}),
	}
	for name, err := range errs {
		for _, anonymous := range []bool{false, true} {
			tg := target{kind: "scoring batch", description: `scoring batch "b" of job "j"`, tenant: "t", environment: "sandbox", anonymous: anonymous}
			d := readErrorDiagnostic(tg, err)
			detail := d.Detail()
			for _, want := range []string{"400", "VALIDATION_ERROR", "trace-1"} {
				if !strings.Contains(detail, want) {
					t.Errorf("%s, anonymous %v: detail lacks %q:\n%s", name, anonymous, want, detail)
				}
			}
			if got := strings.Contains(detail, secret); got == anonymous {
				t.Errorf("%s, anonymous %v: Nova's message shown = %v:\n%s", name, anonymous, got, detail)
			}
		}
	}
}

// A large failed batch is reported by error code with counts: the
// diagnostic stays short, however many distinct codes a hostile answer
// holds, and names no candidate.
func TestGateFailedDiagnosticCountsByCode(t *testing.T) {
	jobs := make([]map[string]any, 0, 205)
	for i := range 205 {
		code := fmt.Sprintf("CODE_%02d", i%40)
		if i == 0 {
			code = ""
		}
		jobs = append(jobs, map[string]any{"id": fmt.Sprintf("sj-%03d", i), "application_id": fmt.Sprintf("app-%03d", i), "status": "failed", "error_code": code})
	}
	b := gateBatchFromValue(gateTestBatch(t, map[string]any{"status": "failed", "failed_jobs": 205, "scoring_jobs": jobs}))
	tg := target{kind: "scoring batch", description: `scoring batch "b" of job "j"`, tenant: "t", environment: "sandbox"}
	d := gateFailedDiagnostic(tg, "status failed", true, b, evaluateGate(b, gatePolicy{}))
	detail := d.Detail()
	for _, want := range []string{"has 205 failed jobs, more than the 0 allowed (by error code: (none): 1, CODE_00: 5, CODE_01: 6,", "CODE_08: 5 and 31 more)", `in tenant "t" (sandbox)`, "Nova Embed Portal", "nova_scoring_batch data source"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "app-") || strings.Contains(detail, "sj-") || strings.Contains(detail, "CODE_09") || len(detail) > 1000 {
		t.Errorf("names a candidate or grows with the batch:\n%s", detail)
	}
}

// The full records show each warning with its subject; the reads that name
// no candidate show it without, identical texts once with a count.
func TestWarningTexts(t *testing.T) {
	ws := []nova.Warning{
		{Subject: `scoring job "sj-1"`, Text: "the API sent the unknown status \"running\""},
		{Subject: `scoring job "sj-2"`, Text: "the API sent the unknown status \"running\""},
		{Subject: `scoring job "sj-3"`, Text: "score is a string, not a number"},
		{Subject: `applications "app-1"`, Text: "listed more than once"},
		{Text: "the batch counters cannot be true"},
	}
	full := warningTexts(ws, false)
	if len(full) != 5 || full[0] != `scoring job "sj-1": the API sent the unknown status "running"` {
		t.Errorf("full: %q", full)
	}
	anonymous := warningTexts(ws, true)
	want := []string{
		`2 scoring jobs: the API sent the unknown status "running"`,
		"a scoring job: score is a string, not a number",
		"applications: listed more than once",
		"the batch counters cannot be true",
	}
	if !slices.Equal(anonymous, want) {
		t.Errorf("anonymous:\n%q\nwant\n%q", anonymous, want)
	}
}

// A redirect names where it pointed and what to check; the provider never
// follows it.
func TestRedirectDiagnosticNamesLocation(t *testing.T) {
	d := apiErrorDiagnostic(target{kind: "scoring batch", description: `scoring batch "b1" of job "job-123"`, tenant: "acme-corp", environment: "sandbox"},
		&nova.APIError{StatusCode: 301, Location: "https://login.example.com/sso", Message: "the response had no body"})
	for _, want := range []string{"Redirected to: https://login.example.com/sso", "HTTP status: 301", "base_url", "NOVA_BASE_URL"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
	if d.Summary() != "Nova's address answered with a redirect" {
		t.Errorf("summary = %q", d.Summary())
	}
}
