package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// target describes what a read was for, so that every diagnostic can say
// which object, in which tenant and environment, failed.
type target struct {
	kind        string // "scoring batch", "scoring job", ...
	description string // e.g. `scoring batch "b1" of job "job-123"`
	tenant      string
	environment string // sandbox or production
	notFound    string // what to check when Nova says 404
	// notFoundCodes is what to check when Nova says 404 with one of these codes.
	notFoundCodes map[string]string
	// anonymous is set for the reads that name no candidate: Nova's
	// free-text error messages are withheld from their diagnostics, since
	// nothing bounds what a message may say about an application.
	anonymous bool
}

// withheldMessage stands in for Nova's free-text message in the diagnostics
// of an anonymous read.
const withheldMessage = "(withheld: this read shows no free text from Nova; the trace id finds the message in the Nova Embed Portal or with Nova support)"

// novaMessage is what a diagnostic shows of a free-text message from Nova.
func (t target) novaMessage(m string) string {
	if t.anonymous && m != "" {
		return withheldMessage
	}
	return orNone(m)
}

// lastAnswer describes the last answer of a read that ran out of time.
func (t target) lastAnswer(err error) string {
	var apiErr *nova.APIError
	if t.anonymous && errors.As(err, &apiErr) {
		return fmt.Sprintf("Nova API returned HTTP %d %s, message %s, trace id %s",
			apiErr.StatusCode, orNone(apiErr.Code), withheldMessage, orNone(apiErr.TraceID))
	}
	return err.Error()
}

func (t target) where() string {
	return fmt.Sprintf("%s in tenant %q (%s)", t.description, t.tenant, t.environment)
}

// readErrorDiagnostic turns a client error into something a person can act
// on. The API key never appears: only its environment does.
func readErrorDiagnostic(t target, err error) diag.Diagnostic {
	var apiErr *nova.APIError
	var decErr *nova.DecodeError
	var deadlineErr *nova.DeadlineError
	var attemptErr *nova.AttemptTimeoutError
	var permErr *nova.PermanentTransportError
	switch {
	case errors.As(err, &deadlineErr):
		return deadlineDiagnostic(t, deadlineErr)
	case errors.As(err, &attemptErr):
		return diag.NewErrorDiagnostic("Nova did not answer within request_timeout",
			fmt.Sprintf("Reading %s failed: %s.\n\nEach attempt may take the provider's request_timeout (%s), counted from when the request is sent; "+
				"the provider retried max_retries times. Raise request_timeout in the provider \"nova\" block if Nova or your network is slow, "+
				"or check the network path to Nova (base_url, HTTPS_PROXY/NO_PROXY).", t.where(), attemptErr, attemptErr.Timeout))
	case errors.As(err, &permErr):
		return diag.NewErrorDiagnostic("Could not reach Nova",
			fmt.Sprintf("Reading %s failed: %s.\n\nThis is not retried, because repeating it cannot help: an untrusted or mismatched certificate "+
				"(a proxy that intercepts TLS needs its CA in the system trust store or SSL_CERT_FILE), a request the HTTP client refuses to send, "+
				"or a base_url it cannot use. Fix the setting or the network path, then run again.", t.where(), permErr))
	case errors.As(err, &apiErr):
		return apiErrorDiagnostic(t, apiErr)
	case errors.As(err, &decErr):
		return diag.NewErrorDiagnostic("Nova sent a response the provider cannot read",
			fmt.Sprintf("Reading %s: %s.\n\nThis usually means something between Terraform and Nova (a proxy or gateway) answered instead of Nova, "+
				"or Nova changed its response. Retry; if it persists, report it to Nova support with the trace id.", t.where(), decErr))
	case errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic("Reading from Nova was cancelled",
			fmt.Sprintf("Reading %s stopped because the run was cancelled.", t.where()))
	case errors.Is(err, context.DeadlineExceeded):
		return diag.NewErrorDiagnostic("Timed out reading from Nova",
			fmt.Sprintf("Reading %s did not finish within the read timeout: %s.\n\nRaise timeouts.read, or request_timeout and max_retries on the provider.", t.where(), err))
	default:
		return diag.NewErrorDiagnostic("Could not reach Nova",
			fmt.Sprintf("Reading %s failed: %s.\n\nCheck the network path to Nova (base_url, HTTPS_PROXY/NO_PROXY) and retry.", t.where(), err))
	}
}

// deadlineDiagnostic reports a read whose deadline ended while it was being
// retried or waiting for its turn under the rate limit, with what Nova
// said last.
func deadlineDiagnostic(t target, e *nova.DeadlineError) diag.Diagnostic {
	last := "no answer arrived"
	if e.Last != nil {
		last = "the last answer was: " + t.lastAnswer(e.Last)
	}
	advice := "Raise timeouts.read on the data source if Nova is slow to recover, or retry later."
	if e.RateLimited > 0 {
		advice = fmt.Sprintf("%d of the answers were 429 (rate limited): Nova's limit is per API key and environment, shared by every run, "+
			"pipeline and machine that uses the key, and the provider waited its turn until the deadline. Give the read more time (timeouts.read), "+
			"run fewer pipelines with this key at once, or ask Nova for a higher limit.", e.RateLimited)
	}
	return diag.NewErrorDiagnostic("Timed out reading from Nova",
		fmt.Sprintf("Reading %s reached the read's deadline (timeouts.read, %s unless set) after %d attempt(s); %s.\n\n%s",
			t.where(), defaultReadTimeout, e.Attempts, last, advice))
}

func apiErrorDiagnostic(t target, e *nova.APIError) diag.Diagnostic {
	facts := fmt.Sprintf("HTTP status: %d\nNova code: %s\nMessage: %s\nTrace id: %s",
		e.StatusCode, orNone(e.Code), t.novaMessage(e.Message), orNone(e.TraceID))
	for _, d := range e.Details {
		facts += fmt.Sprintf("\nDetail: %s: %s", d.Field, t.novaMessage(d.Message))
	}
	if e.Location != "" {
		facts += "\nRedirected to: " + e.Location
	}
	var summary, advice string
	switch {
	case e.StatusCode >= 300 && e.StatusCode <= 399:
		summary = "Nova's address answered with a redirect"
		advice = fmt.Sprintf("Nova never redirects, and the provider does not follow redirects because they would carry the API key elsewhere. "+
			"Check base_url (or %s): it should be %s, with or without /v1; a proxy or a wrong host may be answering instead of Nova.", envBaseURL, nova.DefaultBaseURL)
	case e.StatusCode == http.StatusUnauthorized:
		summary = "Nova rejected the API key"
		advice = fmt.Sprintf("The key set in api_key (or %s) is a %s key (prefix %s) and Nova does not accept it. "+
			"Check that it is copied whole, is not revoked, and belongs to the %s environment in the Nova Embed Portal.",
			envAPIKey, t.environment, keyPrefix(t.environment), t.environment)
	case e.StatusCode == http.StatusForbidden:
		summary = "The Nova API key lacks permission"
		advice = fmt.Sprintf("The %s key is valid but may not read %s. Ask a Nova portal admin for a key with access.", t.environment, t.where())
	case e.StatusCode == http.StatusNotFound:
		summary = fmt.Sprintf("Nova %s not found", t.kind)
		advice = fmt.Sprintf("Nova has no %s. %s", t.where(), cmp.Or(t.notFoundCodes[e.Code], t.notFound))
	case e.StatusCode == http.StatusTooManyRequests:
		summary = "Nova rate limit exceeded"
		advice = "Nova answered 429 (rate limited). Its limit is per API key and environment, shared by every run, pipeline and machine that uses the key. " +
			"Run fewer pipelines with this key at once, give the read more time (timeouts.read), or ask Nova for a higher limit."
	case e.StatusCode >= 500:
		summary = "Nova is failing"
		advice = "Nova answered with a server error after the provider's retries. Retry later; if it persists, contact Nova support with the trace id."
	default:
		summary = fmt.Sprintf("Nova refused to read the %s", t.kind)
		advice = "Fix the request as the message says, then run again."
	}
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("Reading %s failed.\n\n%s\n\n%s", t.where(), facts, advice))
}

func keyPrefix(environment string) string {
	if environment == "production" {
		return "sk_live_"
	}
	return "sk_test_"
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

func waitErrorDiagnostic(t target, we *waitError, timeout time.Duration, last string, unknown []string) diag.Diagnostic {
	elapsed := we.Elapsed.Round(time.Second)
	switch {
	case errors.Is(we.Cause, context.DeadlineExceeded):
		advice := "Raise timeouts.read if it is still making progress, or check it in the Nova Embed Portal."
		if len(unknown) > 0 {
			advice = fmt.Sprintf("Nova sent status values this provider does not know: %s. An unknown value counts as pending unless "+
				"the counters and jobs show the work finished, so the wait may never end on it. Check the %s in the Nova Embed Portal, "+
				"and upgrade the provider if Nova has added a status.",
				strings.Join(unknown, ", "), t.kind)
		}
		return diag.NewErrorDiagnostic("Timed out waiting for "+t.kind+" to finish",
			fmt.Sprintf("Timed out waiting for %s to finish after %s (timeouts.read is %s; %d reads); %s.%s\n\n%s",
				t.where(), elapsed, timeout, we.Polls, last, lastError(we), advice))
	case errors.Is(we.Cause, context.Canceled):
		return diag.NewErrorDiagnostic("Waiting for "+t.kind+" cancelled",
			fmt.Sprintf("Stopped waiting for %s after %s because the run was cancelled; %s.", t.where(), elapsed, last))
	default:
		return diag.NewErrorDiagnostic("Gave up waiting for "+t.kind,
			fmt.Sprintf("Gave up waiting for %s after %s: %v; %s.\n\nNova or the network is failing repeatedly; retry later.",
				t.where(), elapsed, we, last))
	}
}

func lastError(we *waitError) string {
	if we.LastError == nil {
		return ""
	}
	return fmt.Sprintf(" The last transient error was: %v.", we.LastError)
}

// warningTexts renders a read's warnings: in full (String), or, for the
// reads that name no candidate (anonymous), without their subject
// (Anonymous), each distinct text once, with how many records it was about.
func warningTexts(warnings []nova.Warning, anonymous bool) []string {
	texts := make([]string, 0, len(warnings))
	if !anonymous {
		for _, w := range warnings {
			texts = append(texts, w.String())
		}
		return texts
	}
	type key struct{ kind, text string }
	counts := map[key]int{}
	var order []nova.Warning
	for _, w := range warnings {
		k := key{w.Kind(), w.Text}
		if counts[k] == 0 {
			order = append(order, w)
		}
		counts[k]++
	}
	for _, w := range order {
		switch n, kind := counts[key{w.Kind(), w.Text}], w.Kind(); {
		case n == 1 || kind == "":
			texts = append(texts, w.Anonymous())
		case strings.HasSuffix(kind, "s"):
			texts = append(texts, fmt.Sprintf("%s (%d times): %s", kind, n, w.Text))
		default:
			texts = append(texts, fmt.Sprintf("%d %ss: %s", n, kind, w.Text))
		}
	}
	return texts
}

func addWarnings(diags *diag.Diagnostics, t target, warnings []string) {
	for _, w := range warnings {
		diags.AddWarning("Unexpected data from Nova", fmt.Sprintf("Reading %s: %s.", t.where(), w))
	}
}

// gateFailedDiagnostic is the error of require and require_completed: the
// gate's reasons, the tenant, and where to find which candidates failed.
// summary and finished describe the last read. It names no application id,
// scoring job id or score: the run's output goes to CI logs, which are no
// place for candidate data.
func gateFailedDiagnostic(t target, summary string, finished bool, b gateBatch, reasons []string) diag.Diagnostic {
	var s strings.Builder
	fmt.Fprintf(&s, "The %s in tenant %q (%s) did not pass the gate (%s).\n", t.kind, t.tenant, t.environment, summary)
	for _, reason := range reasons {
		fmt.Fprintf(&s, "\n  - %s", reason)
	}
	switch {
	case b.failedJobs != nil && *b.failedJobs > 0:
		s.WriteString("\n\nWhich candidates failed is not shown here, to keep candidate data out of run output: look the " + t.kind +
			" up in the Nova Embed Portal, or read it with the nova_scoring_batch data source in a workspace allowed to hold candidate data. Fix or resubmit them, and run again.")
	case !finished:
		s.WriteString("\n\nIt has not finished: set wait_for_completion = true to wait for it, or raise timeouts.read if a wait ran out.")
	}
	return diag.NewErrorDiagnostic("Nova "+t.kind+" did not pass the gate", s.String())
}

// apiText is an optional API string made safe for a diagnostic or a log
// line (nova.Sanitize); "" when absent.
func apiText(s *string) string {
	if s == nil {
		return ""
	}
	return nova.Sanitize(*s, nova.ShortText)
}
