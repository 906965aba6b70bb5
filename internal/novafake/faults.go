package novafake

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind selects what an injected fault does to one request.
type FaultKind int

const (
	// FaultStatus answers with Status (default 500), an optional Retry-After
	// and a Nova error body whose code defaults from the status.
	FaultStatus FaultKind = iota
	// FaultHTML502 is a proxy's HTML 502 page.
	FaultHTML502
	// FaultText502 is a proxy's plain-text 502.
	FaultText502
	// FaultTruncatedJSON is a 200 with a valid batch body cut in the middle.
	FaultTruncatedJSON
	// FaultWrongTypes is a 200 batch body where totalJobs is a string and
	// score is an object.
	FaultWrongTypes
	// FaultEmpty200 is a 200 with no body.
	FaultEmpty200
	// FaultHugeBody is a 200 JSON body of Size bytes (default 64 MiB),
	// generated while streaming.
	FaultHugeBody
	// FaultStallMidBody writes half a valid body, flushes, then waits until
	// the client gives up (or 60 s pass).
	FaultStallMidBody
	// FaultConnReset closes the connection without a response, with
	// SO_LINGER 0 so the client sees a reset where the OS allows it.
	FaultConnReset
	// FaultUnknownStatus is the real batch response with status "paused",
	// a value no doc generation has.
	FaultUnknownStatus
	// FaultCountersDisagree is the real batch response with
	// completedJobs+failedJobs > totalJobs.
	FaultCountersDisagree
	// FaultNoStatusZeroCounters is the real batch response without a status
	// and with every counter 0, as the newest docs' sample reads while a
	// batch is being set up; its jobs are listed as they are.
	FaultNoStatusZeroCounters
	// FaultUnknownJobStatus is the real batch response with every listed
	// job's status "CANCELLED", a value no doc generation has.
	FaultUnknownJobStatus
	// FaultBody answers with Status (default 200) and Body as it is, as
	// application/json: any answer a hostile or broken server could give
	// (contradicting statuses, impossible counters, empty timestamps,
	// control characters), written out by the test that needs it.
	FaultBody
)

// Fault is one queued misbehaviour. Fields other than Kind apply only where
// they make sense (Status, Code, RetryAfter, Retryable to FaultStatus; Size
// to FaultHugeBody; Status and Body to FaultBody).
type Fault struct {
	Kind       FaultKind
	Status     int
	Code       string
	RetryAfter string
	Retryable  *bool
	Size       int64
	Body       string
}

const (
	defaultHugeSize = 64 << 20
	stallLimit      = 60 * time.Second
)

// InjectFaults queues faults; each is consumed, in order, by the next
// request to a /v1 path, before authentication.
func (s *Server) InjectFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

func (s *Server) popFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// injectFault answers the request per f and reports true, or, for faults
// that alter the real response, marks the exchange and reports false.
// Synthetic bodies never touch server state: no job is polled.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, x *exchange, f Fault) bool {
	switch f.Kind {
	case FaultUnknownStatus, FaultCountersDisagree, FaultNoStatusZeroCounters, FaultUnknownJobStatus:
		x.mutation = &f.Kind
		return false
	case FaultStatus:
		s.writeError(w, x, statusFault(f))
	case FaultHTML502:
		s.writeRaw(w, x, http.StatusBadGateway, "text/html",
			"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n")
	case FaultText502:
		s.writeRaw(w, x, http.StatusBadGateway, "text/plain",
			"upstream connect error or disconnect/reset before headers. reset reason: connection failure")
	case FaultTruncatedJSON:
		body := sampleBody(x)
		s.writeRaw(w, x, http.StatusOK, "application/json", string(body[:len(body)/2]))
	case FaultWrongTypes:
		s.writeRaw(w, x, http.StatusOK, "application/json", wrongTypesBody(x))
	case FaultBody:
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		s.writeRaw(w, x, status, "application/json", f.Body)
	case FaultEmpty200:
		s.writeRaw(w, x, http.StatusOK, "application/json", "")
	case FaultHugeBody:
		s.writeHuge(w, x, f.Size)
	case FaultStallMidBody:
		s.stall(w, r, x)
	case FaultConnReset:
		resetConn(w)
	default:
		s.writeError(w, x, errInternal(fmt.Errorf("unknown fault kind %d", f.Kind)))
	}
	return true
}

func statusFault(f Fault) *apiError {
	status := f.Status
	if status < 100 || status > 999 {
		status = http.StatusInternalServerError
	}
	e := &apiError{
		status:     status,
		code:       f.Code,
		retryable:  status == http.StatusTooManyRequests || status >= 500,
		retryAfter: f.RetryAfter,
		message:    fmt.Sprintf("%s (injected by novafake)", http.StatusText(status)),
	}
	if e.code == "" {
		e.code = defaultErrorCode(status)
	}
	if f.Retryable != nil {
		e.retryable = *f.Retryable
	}
	if status == http.StatusTooManyRequests {
		e.message = retryAfterMessage(f.RetryAfter)
	}
	return e
}

func (s *Server) writeRaw(w http.ResponseWriter, x *exchange, status int, contentType, body string) {
	s.setHeaders(w, x)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// sampleIDs names the synthetic batch after the request's path where it can.
func sampleIDs(x *exchange) (jobID, batchID string) {
	jobID, batchID = "job-123", "cmlz26em4002cwp61t7ukh3lb"
	if len(x.route.params) > 0 {
		jobID = x.route.params[0]
	}
	if x.route.pattern == RouteGetBatch {
		batchID = x.route.params[1]
	}
	return jobID, batchID
}

// sampleBody is a valid batch response modelled on the documented example.
func sampleBody(x *exchange) []byte {
	jobID, batchID := sampleIDs(x)
	resp := wireBatchResponse{
		Batch: wireBatch{
			ID: batchID, JobID: jobID, Status: ptr("pending"),
			TotalJobs: 2, CompletedJobs: 1,
			CreatedAt: "2025-12-14T10:30:45Z",
		},
		ScoringJobs: []wireScoringJob{{
			ID: "cmlz26dl3001bwp61r8sjf2ka", CriteriaVersionID: "cmlz26ck2000awp61q9qcjcne",
			JobID: jobID, ApplicationID: "app-001", Status: ptr("completed"),
			Score: ptr(7.0),
			Assessment: &Assessment{
				Verdict:   "Strong candidate with solid backend experience.",
				Strengths: []string{}, Concerns: []string{}, InterviewFocus: []string{},
			},
			QueuedAt:    "2025-12-14T10:30:45Z",
			StartedAt:   ptr("2025-12-14T10:30:50Z"),
			CompletedAt: ptr("2025-12-14T10:31:20Z"),
		}, {
			ID: "cmlz26dl3001cwp61abcdefgh", CriteriaVersionID: "cmlz26ck2000awp61q9qcjcne",
			JobID: jobID, ApplicationID: "app-002", Status: ptr("pending"),
			QueuedAt:  "2025-12-14T10:30:45Z",
			StartedAt: ptr("2025-12-14T10:30:51Z"),
		}},
		RejectedApplications: []wireRejected{},
	}
	b, _ := json.Marshal(resp) // our own struct: cannot fail
	return b
}

func wrongTypesBody(x *exchange) string {
	jobID, batchID := sampleIDs(x)
	b, _ := json.Marshal(map[string]any{
		"batch": map[string]any{
			"id": batchID, "jobId": jobID, "status": "completed",
			"totalJobs": "1", "completedJobs": 1, "failedJobs": 0,
			"createdAt": "2025-12-14T10:30:45Z", "completedAt": "2025-12-14T10:31:20Z",
		},
		"scoringJobs": []any{map[string]any{
			"id": "cmlz26dl3001bwp61r8sjf2ka", "jobId": jobID, "applicationId": "app-001",
			"status": "completed", "isRescore": false,
			"score":    map[string]any{"value": 7},
			"queuedAt": "2025-12-14T10:30:45Z",
		}},
		"rejectedApplications": []any{},
	})
	return string(b)
}

// writeHuge streams exactly size bytes of valid JSON (a batch with a very
// long scoringJobs array, padded with spaces) through a fixed buffer, and
// without Content-Length, so the client must bound what it reads.
func (s *Server) writeHuge(w http.ResponseWriter, x *exchange, size int64) {
	if size <= 0 {
		size = defaultHugeSize
	}
	jobID, batchID := sampleIDs(x)
	s.setHeaders(w, x)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)

	head, _ := json.Marshal(wireBatch{ID: batchID, JobID: jobID, Status: ptr("pending"), CreatedAt: "2025-12-14T10:30:45Z"})
	head = append([]byte(`{"batch":`), head...)
	head = append(head, `,"scoringJobs":[`...)
	item := []byte(`{"id":"cmlz26dl3001bwp61r8sjf2ka","jobId":"job-123","applicationId":"app-001","status":"pending","isRescore":false,"score":null,"assessment":null,"queuedAt":"2025-12-14T10:30:45Z"}`)
	tail := []byte(`],"rejectedApplications":[]}`)

	bw := bufio.NewWriterSize(w, 32<<10)
	left := size
	put := func(b []byte) bool {
		b = b[:min(int64(len(b)), left)]
		left -= int64(len(b))
		_, err := bw.Write(b)
		return err == nil
	}
	if !put(head) {
		return
	}
	// Every put after a failed write is pointless: the client went away.
	if left >= int64(len(item)+len(tail)) && !put(item) {
		return
	}
	for left >= int64(1+len(item)+len(tail)) {
		if !put([]byte{','}) || !put(item) {
			return
		}
	}
	spaces := make([]byte, 1024)
	for i := range spaces {
		spaces[i] = ' '
	}
	for left > int64(len(tail)) {
		if !put(spaces[:min(int64(len(spaces)), left-int64(len(tail)))]) {
			return
		}
	}
	if put(tail) {
		_ = bw.Flush()
	}
}

// stall sends half a valid body and then hangs, like a server that died
// mid-response behind a proxy that keeps the connection open.
func (s *Server) stall(w http.ResponseWriter, r *http.Request, x *exchange) {
	body := sampleBody(x)
	s.setHeaders(w, x)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	t := time.NewTimer(stallLimit)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
	}
}

// resetConn drops the connection without a response. Where the writer cannot
// be hijacked (HTTP/2, a ResponseRecorder), aborting the handler is the
// closest equivalent.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
