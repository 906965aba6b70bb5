package nova

import (
	"bufio"
	"context"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The transport errors that can mend are retried, each counted against
// max_retries; TestPermanentTransportErrorsFailAtOnce has those that cannot.

// brokenFirst serves novafake, except that the first connection is handed
// to broken instead: a server that fails once, then recovers.
func brokenFirst(t *testing.T, broken func(net.Conn)) (*novafake.Server, string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := &atomic.Int32{}
	fake := novafake.New()
	srv := &http.Server{Handler: fake, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 5 * time.Second}
	t.Cleanup(func() { srv.Close() })
	go srv.Serve(&firstConnListener{Listener: ln, conns: conns, broken: broken}) //nolint:errcheck // ends with Close
	return fake, "http://" + ln.Addr().String(), conns
}

type firstConnListener struct {
	net.Listener
	conns  *atomic.Int32
	broken func(net.Conn)
}

func (l *firstConnListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.conns.Add(1) == 1 {
			// Read the request first, so that the client sees the
			// failure as an answer to it, not a refused connection.
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				l.broken(c)
			}
			c.Close()
			continue
		}
		return c, nil
	}
}

func readRetried(t *testing.T, base string, fake *novafake.Server, cfg Config) error {
	t.Helper()
	id, err := fake.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-1", Score: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.APIKey, cfg.MaxRetries = base, testKey, 1
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, time.Millisecond
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
	return err
}

func TestAnswerThatIsNotHTTPIsRetried(t *testing.T) {
	fake, base, conns := brokenFirst(t, func(c net.Conn) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\nthis is not HTTP\r\n\r\n") //nolint:errcheck // the connection is closed next
	})
	if err := readRetried(t, base, fake, Config{}); err != nil {
		t.Fatalf("a read whose first answer was not HTTP failed: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one retry)", n)
	}
}

func TestResetMidBodyIsRetried(t *testing.T) {
	fake, base, conns := brokenFirst(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"id\":\"b\",\"scoringJobs\":[") //nolint:errcheck // the connection is reset next
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) //nolint:errcheck // a close without linger sends RST
		}
	})
	if err := readRetried(t, base, fake, Config{}); err != nil {
		t.Fatalf("a read whose first answer was reset mid-body failed: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one retry)", n)
	}
}

// A name that does not resolve for a moment (a resolver restarting, split
// horizon DNS catching up) is retried like any other network failure.
func TestShortDNSFailureIsRetried(t *testing.T) {
	fake := novafake.New()
	ts := httptest.NewServer(fake)
	t.Cleanup(ts.Close)
	var dials atomic.Int32
	def, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	tr := def.Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "nova.internal", IsNotFound: true}}
		}
		return d.DialContext(ctx, network, addr)
	}
	if err := readRetried(t, ts.URL, fake, Config{Transport: tr}); err != nil {
		t.Fatalf("a read whose first lookup failed was not retried: %v", err)
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("%d dials, want 2", n)
	}
}

// A proxy that answers CONNECT with 503 (it is restarting, or its upstream
// is) is retried. The client must find the proxy as users set it, through
// HTTPS_PROXY, and Go reads that variable once per process: the read runs
// in a child process with HTTPS_PROXY pointing at a local proxy and
// SSL_CERT_FILE trusting the test server's certificate (issued to
// example.com).
func TestProxyConnect503IsRetried(t *testing.T) {
	if id := os.Getenv("NOVA_TEST_PROXY_CHILD"); id != "" {
		c, err := New(Config{BaseURL: "https://example.com", APIKey: testKey, MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
			t.Fatalf("read through the proxy: %v", err)
		}
		return
	}
	fake := novafake.New()
	ts := httptest.NewUnstartedServer(fake)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	id, err := fake.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-1", Score: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	var connects atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		if connects.Add(1) == 1 {
			http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			return
		}
		upstream, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer upstream.Close()
		w.WriteHeader(http.StatusOK)
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		go io.Copy(upstream, rw) //nolint:errcheck // ends when either side closes
		io.Copy(conn, upstream)  //nolint:errcheck // ends when either side closes
	}))
	t.Cleanup(proxy.Close)

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestProxyConnect503IsRetried$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NOVA_TEST_PROXY_CHILD="+id, "HTTPS_PROXY="+proxy.URL, "https_proxy="+proxy.URL,
		"NO_PROXY=", "no_proxy=", "SSL_CERT_FILE="+certFile, "SSL_CERT_DIR="+filepath.Dir(certFile))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the read through a proxy whose first CONNECT answered 503 failed: %v\n%s", err, out)
	}
	if n := connects.Load(); n != 2 {
		t.Errorf("%d CONNECTs, want 2 (one retry)\n%s", n, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Errorf("the child did not run the read:\n%s", out)
	}
}
