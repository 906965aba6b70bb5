package nova

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The endpoints the client reads (CONTRACT.md, Endpoints). Each is one GET,
// decoded by its response type's decoder; only a body that is not that
// response at all is an error (*DecodeError).

// GetScoringBatch reads a batch with its scoring jobs and rejected
// applications (GET /v1/jobs/{jobId}/scoring-batches/{scoringBatchId}).
func (c *Client) GetScoringBatch(ctx context.Context, jobID, batchID, tenant string) (*BatchResult, error) {
	return getDecoded(ctx, c, "scoring batch", DecodeBatch, tenant, "jobs", jobID, "scoring-batches", batchID)
}

// GetScoringJob reads one scoring job
// (GET /v1/jobs/{jobId}/applications/{applicationId}/scoring-jobs/{scoringJobId}).
func (c *Client) GetScoringJob(ctx context.Context, jobID, applicationID, scoringJobID, tenant string) (*ScoringJobResult, error) {
	return getDecoded(ctx, c, "scoring job", DecodeScoringJob, tenant, "jobs", jobID, "applications", applicationID, "scoring-jobs", scoringJobID)
}

// GetApplicationScore reads an application's latest scoring job
// (GET /v1/jobs/{jobId}/applications/{applicationId}/score).
func (c *Client) GetApplicationScore(ctx context.Context, jobID, applicationID, tenant string) (*ScoringJobResult, error) {
	return getDecoded(ctx, c, "scoring job", DecodeScoringJob, tenant, "jobs", jobID, "applications", applicationID, "score")
}

// GetCriteriaVersion reads a job's criteria version: the current one
// (GET /v1/jobs/{jobId}/criteria/versions/current) when versionID is empty,
// else that version (GET /v1/jobs/{jobId}/criteria/versions/{criteriaVersionId}).
func (c *Client) GetCriteriaVersion(ctx context.Context, jobID, versionID, tenant string) (*CriteriaVersionResult, error) {
	return getDecoded(ctx, c, "criteria version", DecodeCriteriaVersion, tenant, "jobs", jobID, "criteria", "versions", cmp.Or(versionID, "current"))
}

// traced is a decoded response that keeps the trace id of the answer it
// came from, for support requests.
type traced interface{ setTraceID(string) }

// getDecoded is the one get-and-decode: GET the path, decode a 2xx body
// with decode (what names the response in a *DecodeError) and keep the
// answer's trace id on the result.
func getDecoded[R traced](ctx context.Context, c *Client, what string, decode func([]byte) (R, error), tenant string, segments ...string) (R, error) {
	var zero R
	body, traceID, err := c.get(ctx, tenant, segments...)
	if err != nil {
		return zero, err
	}
	r, err := decode(body)
	if err != nil {
		return zero, &DecodeError{What: what, TraceID: traceID, Err: err}
	}
	r.setTraceID(traceID)
	return r, nil
}

// get performs one logical GET (with its retries) and returns the body of a
// 2xx response and its trace id; any other status becomes an *APIError.
func (c *Client) get(ctx context.Context, tenant string, segments ...string) ([]byte, string, error) {
	var path strings.Builder
	path.WriteString(c.baseURL)
	path.WriteString("/v1")
	for _, s := range segments {
		path.WriteByte('/')
		path.WriteString(pathSegment(s))
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, path.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	if tenant != "" {
		req.Header.Set("X-Tenant-Id", tenant)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}

	resp, body, err := c.do(ctx, req)
	if err != nil {
		return nil, "", err
	}
	traceID := Sanitize(resp.Header.Get("X-Trace-Id"), ShortText)
	c.log.Trace(ctx, "Nova response body (candidate values masked)", map[string]any{"status": resp.StatusCode, "trace_id": traceID, "body": Sanitize(redactBody(body), 64<<10)})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, traceID, ParseError(resp.StatusCode, resp.Header, body, time.Now())
	}
	return body, traceID, nil
}

// pathSegment escapes one path parameter so that it can never change the
// path's shape: "/", "?", "#" and spaces are escaped by url.PathEscape, and
// the dot segments that servers would collapse are escaped too.
func pathSegment(s string) string {
	if s == "." || s == ".." {
		return strings.ReplaceAll(s, ".", "%2E")
	}
	return url.PathEscape(s)
}

// DecodeError is a 2xx response whose body could not be understood.
type DecodeError struct {
	What    string
	TraceID string
	Err     error
}

func (e *DecodeError) Error() string {
	// The cause may quote the body (a value of the wrong type, a
	// timestamp that does not parse): bounded and cleaned like any text
	// from Nova.
	msg := fmt.Sprintf("could not read the %s response: %s", e.What, Sanitize(e.Err.Error(), LongText))
	if e.TraceID != "" {
		msg += fmt.Sprintf(" (trace id %s)", e.TraceID)
	}
	return msg
}

func (e *DecodeError) Unwrap() error { return e.Err }
