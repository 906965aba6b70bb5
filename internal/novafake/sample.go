package novafake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
)

// SampleBatchBody renders, exactly as GET batch would, a finished batch of n
// scoring jobs with assessments (a tenth of them failed). Seeded batches are
// not held to the API's limit of 25 applications, so benchmarks can measure
// far larger bodies than Nova sends.
func SampleBatchBody(n int) ([]byte, error) {
	s := New()
	spec := BatchSpec{Tenant: "bench", JobID: "job-bench", ID: "batch-bench"}
	for i := range n {
		js := JobSpec{ApplicationID: fmt.Sprintf("app-%05d", i), Score: float64(1 + i%10)}
		if i%10 == 9 {
			js.Fail = true
		}
		spec.Jobs = append(spec.Jobs, js)
	}
	if _, err := s.AddBatch(spec); err != nil {
		return nil, err
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/jobs/job-bench/scoring-batches/batch-bench", nil)
	req.Header.Set("Authorization", "Bearer sk_test_bench")
	req.Header.Set("X-Tenant-Id", "bench")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("rendering the sample batch: HTTP %d: %s", rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes(), nil
}
