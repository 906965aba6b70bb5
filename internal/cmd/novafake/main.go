// Command novafake serves the in-memory Nova Embed API (internal/novafake)
// on a loopback address, for the demo and for testing pipelines against Nova
// without credentials or billing.
//
//	novafake -listen 127.0.0.1:8080 -seed seed.json -status-style upper
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

const shutdownTimeout = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "novafake:", err)
		os.Exit(1)
	}
}

type config struct {
	listen, addrFile, seed, statusStyle string
	wrappedErrors, quiet, stripHeaders  bool
	readRateLimit, defaultPolls         int
	clockOffset                         time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("novafake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.addrFile, "addr-file", "", "after listening, write the base URL to this `file` (atomically)")
	fs.StringVar(&c.seed, "seed", "", "JSON seed `file` with batches to load at start")
	fs.StringVar(&c.statusStyle, "status-style", "lower", "status spelling: lower (today's API: pending, completed, failed), upper (older docs: IN_PROGRESS, PARTIAL_FAILURE, ...) or missing (no status field, as in the current docs' sample answer)")
	fs.BoolVar(&c.wrappedErrors, "wrapped-errors", false, `send errors in the oldest docs' wrapped shape {"error":{...}} instead of today's flat one`)
	fs.IntVar(&c.readRateLimit, "read-rate-limit", 0, "GET requests per second per API key before 429 (0: unlimited)")
	fs.BoolVar(&c.stripHeaders, "strip-ratelimit-headers", false, "drop the X-RateLimit-* headers, as a proxy might (the limit is still enforced)")
	fs.DurationVar(&c.clockOffset, "clock-offset", 0, "put the rate limiter's clock (windows, X-RateLimit-Reset, Retry-After) this `duration` ahead of the machine's, negative for behind")
	fs.IntVar(&c.defaultPolls, "default-polls", 2, "GETs after which a POSTed batch's jobs finish")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log each request")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return c, checkLoopback(c.listen)
}

// checkLoopback refuses any address reachable from another machine: the
// fake accepts any well-formed key and must never pose as a real service.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q: host %q is not a loopback address; novafake only listens on 127.0.0.0/8, ::1 or localhost", addr, host)
}

func (c config) serverOptions(stderr io.Writer) ([]novafake.Option, error) {
	style, err := novafake.ParseStatusStyle(c.statusStyle)
	if err != nil {
		return nil, fmt.Errorf("-status-style: %w", err)
	}
	opts := []novafake.Option{
		novafake.WithStatusStyle(style),
		novafake.WithReadRateLimit(c.readRateLimit),
		novafake.WithDefaultPolls(c.defaultPolls),
		novafake.WithClockOffset(c.clockOffset),
		// Nothing reads the log in a standalone server; keep it bounded.
		novafake.WithRequestLogLimit(1000),
	}
	if c.wrappedErrors {
		opts = append(opts, novafake.WithWrappedErrors())
	}
	if c.stripHeaders {
		opts = append(opts, novafake.WithoutRateLimitHeaders())
	}
	if !c.quiet {
		logger := log.New(stderr, "novafake: ", log.LstdFlags|log.Lmicroseconds)
		opts = append(opts, novafake.WithRequestHook(func(r novafake.Request) {
			logger.Printf("%s %s %d trace=%s key=%q tenant=%q", r.Method, r.RequestURI, r.Status, r.TraceID, r.Authorization, r.Tenant)
		}))
	}
	return opts, nil
}

func loadSeed(fake *novafake.Server, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer f.Close()
	seed, err := novafake.DecodeSeed(f)
	if err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	if err := fake.Load(seed); err != nil {
		return fmt.Errorf("seed %s: %w", path, err)
	}
	return nil
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts, err := c.serverOptions(stderr)
	if err != nil {
		return err
	}
	fake := novafake.New(opts...)
	if c.seed != "" {
		if err := loadSeed(fake, c.seed); err != nil {
			return err
		}
	}

	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	baseURL := "http://" + ln.Addr().String()
	if c.addrFile != "" {
		if err := writeFileAtomic(c.addrFile, []byte(baseURL+"\n")); err != nil {
			_ = ln.Close()
			return fmt.Errorf("-addr-file: %w", err)
		}
	}
	fmt.Fprintf(stderr, "novafake listening on %s\n", baseURL)

	srv := &http.Server{
		Handler:           fake,
		ReadHeaderTimeout: 10 * time.Second,
		// Requests inherit ctx so that a stalled fault response ends on
		// Ctrl-C instead of holding up the shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
