// Command testmatrix summarises `go test -json` runs of the whole suite,
// one per Terraform or OpenTofu CLI, as a Markdown table: tests run, passed,
// failed and skipped per CLI, then every skip with its reason and every
// failure. scripts/test-matrix.sh (make test-matrix) runs it.
//
//	go run ./scripts/testmatrix "Terraform 1.5.7=/path/tf157.json" "OpenTofu 1.12.6=/path/tofu.json"
//
// It exits 1 when a run has a failed test or package, or no tests at all.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// result is the outcome of one CLI's run.
type result struct {
	label               string
	run, passed, failed int
	skipped             []string // "TestX: reason"
	failures            []string // "TestX", or "package P" when P failed outside its tests
	elapsed             time.Duration
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testmatrix LABEL=FILE.json ...")
		os.Exit(2)
	}
	var results []result
	for _, arg := range os.Args[1:] {
		label, path, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "testmatrix: %q is not LABEL=FILE\n", arg)
			os.Exit(2)
		}
		r, err := summarise(label, path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "testmatrix: %s: %v\n", path, err)
			os.Exit(1)
		}
		results = append(results, r)
	}
	if err := render(os.Stdout, results); err != nil {
		fmt.Fprintf(os.Stderr, "testmatrix: %v\n", err)
		os.Exit(1)
	}
	for _, r := range results {
		if r.failed > 0 || len(r.failures) > 0 || r.run == 0 {
			os.Exit(1)
		}
	}
}

func summarise(label, path string) (result, error) {
	f, err := os.Open(path)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	return parse(label, f)
}

// skipLine is how testing.T.Skip prints its reason: "    file_test.go:12: reason".
var skipLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// parse counts top-level tests only: subtests are parts of their test, and
// counting them would weigh table tests over the rest.
func parse(label string, r io.Reader) (result, error) {
	res := result{label: label}
	output := map[string][]string{} // package.test -> its output lines, for skip reasons
	failedPackages := map[string]bool{}
	testFailedIn := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // go build errors and other non-JSON noise
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return res, fmt.Errorf("decoding %q: %w", line, err)
		}
		if e.Test == "" {
			// A package result: count its time, and failures outside any test
			// (a build error, a panic in TestMain).
			switch e.Action {
			case "pass", "fail":
				res.elapsed += time.Duration(e.Elapsed * float64(time.Second))
			}
			if e.Action == "fail" {
				failedPackages[e.Package] = true
			}
			continue
		}
		if strings.Contains(e.Test, "/") {
			continue
		}
		key := e.Package + "." + e.Test
		switch e.Action {
		case "output":
			if m := skipLine.FindStringSubmatch(strings.TrimRight(e.Output, "\n")); m != nil {
				output[key] = append(output[key], m[1])
			}
		case "pass":
			res.run++
			res.passed++
		case "fail":
			res.run++
			res.failed++
			res.failures = append(res.failures, e.Test)
			testFailedIn[e.Package] = true
		case "skip":
			res.run++
			reason := "no reason given"
			if lines := output[key]; len(lines) > 0 {
				reason = lines[len(lines)-1]
			}
			res.skipped = append(res.skipped, e.Test+": "+reason)
		}
		if e.Action == "pass" || e.Action == "fail" || e.Action == "skip" {
			delete(output, key)
		}
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	// A package fails when one of its tests fails: list it only when it
	// failed on its own (a build error), as its failed tests are listed.
	for _, p := range slices.Sorted(maps.Keys(failedPackages)) {
		if !testFailedIn[p] {
			res.failures = append(res.failures, "package "+p)
		}
	}
	return res, nil
}

func render(w io.Writer, results []result) error {
	var b strings.Builder
	b.WriteString("| CLI | tests run | passed | failed | skipped | test time |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s |\n",
			r.label, r.run, r.passed, r.failed, len(r.skipped), r.elapsed.Round(time.Second))
	}
	for _, r := range results {
		if len(r.skipped) == 0 && len(r.failures) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", r.label)
		for _, s := range r.skipped {
			fmt.Fprintf(&b, "- skipped %s\n", s)
		}
		for _, f := range r.failures {
			fmt.Fprintf(&b, "- FAILED %s\n", f)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing the table: %w", err)
	}
	return nil
}
