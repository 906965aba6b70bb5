package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const run = `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestPass"}
{"Action":"output","Package":"p/a","Test":"TestPass","Output":"=== RUN   TestPass\n"}
{"Action":"pass","Package":"p/a","Test":"TestPass/sub","Elapsed":0}
{"Action":"pass","Package":"p/a","Test":"TestPass","Elapsed":0.1}
{"Action":"run","Package":"p/a","Test":"TestOld"}
{"Action":"output","Package":"p/a","Test":"TestOld","Output":"    helper_test.go:12: building\n"}
{"Action":"output","Package":"p/a","Test":"TestOld","Output":"    harness_test.go:80: terraform test needs Terraform 1.7.0 or later; the CLI under test is Terraform 1.5.7\n"}
{"Action":"output","Package":"p/a","Test":"TestOld","Output":"--- SKIP: TestOld (0.03s)\n"}
{"Action":"skip","Package":"p/a","Test":"TestOld","Elapsed":0.03}
{"Action":"fail","Package":"p/a","Test":"TestBroken","Elapsed":1}
{"Action":"fail","Package":"p/a","Elapsed":2.5}
# p/b [p/b.test]
{"Action":"fail","Package":"p/b","Elapsed":0}
{"Action":"pass","Package":"p/c","Elapsed":1}
`
	r, err := parse("Terraform 1.5.7", strings.NewReader(run))
	if err != nil {
		t.Fatal(err)
	}
	if r.run != 3 || r.passed != 1 || r.failed != 1 || len(r.skipped) != 1 {
		t.Errorf("run %d passed %d failed %d skipped %d, want 3 1 1 1", r.run, r.passed, r.failed, len(r.skipped))
	}
	if want := "TestOld: terraform test needs Terraform 1.7.0 or later; the CLI under test is Terraform 1.5.7"; len(r.skipped) == 0 || r.skipped[0] != want {
		t.Errorf("skipped %q, want [%q]", r.skipped, want)
	}
	// p/a failed because of TestBroken; p/b failed on its own (a build error).
	if got := strings.Join(r.failures, ", "); got != "TestBroken, package p/b" {
		t.Errorf("failures %q, want TestBroken, package p/b", got)
	}
	if r.elapsed.Seconds() != 3.5 {
		t.Errorf("elapsed %v, want 3.5s", r.elapsed)
	}
}
