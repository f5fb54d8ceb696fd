// The go-libvirt side of bench/rpc.ts and bench/connect.ts: digitalocean/go-libvirt, the other
// pure-protocol libvirt client, measured on the same daemon in the same run.
//
// Built on the fly by bench/lib/go.ts (GO111MODULE=off against Debian's
// golang-github-digitalocean-go-libvirt-dev GOPATH); it is never part of the package.
//
//	rpc-go <scenario> [--uri URI] [--workers N] [--seconds S] [--warmup S] [...]
//
// Scenarios do exactly the RPCs of their twins in bench/baseline/rpc.py:
//
//	env          versions (no daemon call)
//	libversion   CONNECT_GET_LIB_VERSION
//	getstate     DOMAIN_GET_STATE on --domain
//	xmldesc      DOMAIN_GET_XML_DESC on --domain
//	listall      CONNECT_LIST_ALL_DOMAINS, >= --expect results
//	allstats     CONNECT_GET_ALL_DOMAIN_STATS (all groups), >= --expect records, typed params decoded
//	cycle        DOMAIN_DEFINE_XML_FLAGS + DOMAIN_CREATE_WITH_FLAGS + DOMAIN_DESTROY_FLAGS + DOMAIN_UNDEFINE_FLAGS
//	connect      open (AUTH_LIST, CONNECT_OPEN), CONNECT_GET_LIB_VERSION, close, repeated (bench/connect.ts;
//	             prints connect.py's JSON: ops, seconds, opsPerSec, cpuUsPerOp)
//
// --workers N goroutines share ONE *libvirt.Libvirt: go-libvirt serialises writes with a mutex
// (socket.SendPacket) and routes replies by serial from one reader goroutine (Libvirt.Route), so
// calls from several goroutines overlap on the wire. Prints one JSON object on stdout; exit 1 on
// any failure. Only unix-socket URIs (driver+unix:///path or driver:///path) are supported.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
)

const domainXML = "<domain type='test'><name>%s</name><memory unit='KiB'>8192</memory>" +
	"<vcpu>1</vcpu><os><type>hvm</type></os></domain>"

type options struct {
	scenario  string
	uri       string
	workers   int
	seconds   float64
	warmup    float64
	domain    string
	expect    int
	daemonPid int
	prefix    string
}

type op func(worker, seq int) error

func parse() options {
	var o options
	fs := flag.NewFlagSet("rpc-go", flag.ExitOnError)
	fs.StringVar(&o.uri, "uri", "test+unix:///default", "daemon URI (unix socket only)")
	fs.IntVar(&o.workers, "workers", 1, "goroutines sharing one connection")
	fs.Float64Var(&o.seconds, "seconds", 1, "measured seconds")
	fs.Float64Var(&o.warmup, "warmup", 0.3, "uncounted seconds first")
	fs.StringVar(&o.domain, "domain", "test", "domain for getstate/xmldesc")
	fs.IntVar(&o.expect, "expect", -1, "listall/allstats: fewest results every call must return")
	fs.IntVar(&o.daemonPid, "daemon-pid", 0, "libvirtd's pid, to report its CPU time too")
	fs.StringVar(&o.prefix, "prefix", fmt.Sprintf("lvmbench-go-%d", os.Getpid()), "cycle: domain name prefix")
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rpc-go <env|libversion|getstate|xmldesc|listall|allstats|cycle|connect> [flags]")
		os.Exit(2)
	}
	o.scenario = os.Args[1]
	_ = fs.Parse(os.Args[2:])
	return o
}

// target splits a libvirt URI into the socket path to dial and the URI to send in CONNECT_OPEN
// (the driver part, without the transport: test+unix:///default -> test:///default).
func target(raw string) (socketPath string, connectURI string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", err
	}
	driver, transport, _ := strings.Cut(u.Scheme, "+")
	if transport != "" && transport != "unix" {
		return "", "", fmt.Errorf("only unix-socket URIs are supported, got %s", raw)
	}
	socketPath = "/run/libvirt/libvirt-sock"
	if s := u.Query().Get("socket"); s != "" {
		socketPath = s
	}
	return socketPath, driver + "://" + u.Path, nil
}

func open(o options) (*libvirt.Libvirt, error) {
	sock, uri, err := target(o.uri)
	if err != nil {
		return nil, err
	}
	l := libvirt.NewWithDialer(dialers.NewLocal(dialers.WithSocket(sock)))
	if err := l.ConnectToURI(libvirt.ConnectURI(uri)); err != nil {
		return nil, err
	}
	return l, nil
}

func makeOp(o options, l *libvirt.Libvirt) (op, func() error, error) {
	switch o.scenario {
	case "libversion":
		expected, err := l.ConnectGetLibVersion()
		if err != nil {
			return nil, nil, err
		}
		return func(int, int) error {
			v, err := l.ConnectGetLibVersion()
			if err == nil && v != expected {
				err = fmt.Errorf("lib_ver %d, expected %d", v, expected)
			}
			return err
		}, nil, nil
	case "getstate":
		dom, err := l.DomainLookupByName(o.domain)
		if err != nil {
			return nil, nil, err
		}
		return func(int, int) error {
			state, _, err := l.DomainGetState(dom, 0)
			if err == nil && state != int32(libvirt.DomainRunning) {
				err = fmt.Errorf("state %d, expected running (1)", state)
			}
			return err
		}, nil, nil
	case "xmldesc":
		dom, err := l.DomainLookupByName(o.domain)
		if err != nil {
			return nil, nil, err
		}
		first, err := l.DomainGetXMLDesc(dom, 0)
		if err != nil {
			return nil, nil, err
		}
		marker := "<name>" + o.domain + "</name>"
		return func(int, int) error {
			xml, err := l.DomainGetXMLDesc(dom, 0)
			if err == nil && (len(xml) != len(first) || !strings.Contains(xml, marker)) {
				err = fmt.Errorf("XML of %d bytes, expected %d", len(xml), len(first))
			}
			return err
		}, nil, nil
	case "listall":
		return func(int, int) error {
			doms, _, err := l.ConnectListAllDomains(1, 0)
			// At least: other clients of the shared test driver may define domains meanwhile.
			if err == nil && len(doms) < o.expect {
				err = fmt.Errorf("%d domains, expected at least %d", len(doms), o.expect)
			}
			return err
		}, nil, nil
	case "allstats":
		return func(int, int) error {
			records, err := l.ConnectGetAllDomainStats(nil, 0, 0)
			if err != nil {
				return err
			}
			if len(records) < o.expect {
				return fmt.Errorf("%d records, expected at least %d", len(records), o.expect)
			}
			// Every record must carry a decoded state.state (an int); the same check as ours and C's.
			for _, r := range records {
				if !hasState(r.Params) {
					return fmt.Errorf("record of %s has no state.state", r.Dom.Name)
				}
			}
			return nil
		}, nil, nil
	case "cycle":
		run := func(worker, seq int) error {
			name := fmt.Sprintf("%s-%d-%d", o.prefix, worker, seq)
			dom, err := l.DomainDefineXMLFlags(fmt.Sprintf(domainXML, name), 0)
			if err != nil {
				return err
			}
			ok := false
			defer func() {
				if !ok {
					cleanupOne(l, dom)
				}
			}()
			if dom.Name != name {
				return fmt.Errorf("defined %s, expected %s", dom.Name, name)
			}
			running, err := l.DomainCreateWithFlags(dom, 0)
			if err != nil {
				return err
			}
			if running.ID <= 0 {
				return fmt.Errorf("%s started with id %d", name, running.ID)
			}
			if err := l.DomainDestroyFlags(running, 0); err != nil {
				return err
			}
			if err := l.DomainUndefineFlags(running, 0); err != nil {
				return err
			}
			ok = true
			return nil
		}
		cleanup := func() error {
			doms, _, err := l.ConnectListAllDomains(1, 0)
			if err != nil {
				return err
			}
			for _, d := range doms {
				if strings.HasPrefix(d.Name, o.prefix+"-") {
					cleanupOne(l, d)
				}
			}
			return nil
		}
		return run, cleanup, nil
	}
	return nil, nil, fmt.Errorf("unknown scenario %q", o.scenario)
}

func hasState(params []libvirt.TypedParam) bool {
	for _, p := range params {
		if p.Field == "state.state" {
			_, isInt := p.Value.I.(int32)
			return isInt
		}
	}
	return false
}

func cleanupOne(l *libvirt.Libvirt, dom libvirt.Domain) {
	_ = l.DomainDestroyFlags(dom, 0)
	_ = l.DomainUndefineFlags(dom, 0)
}

// cpuSeconds is this process's CPU time (user+system, every thread).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// daemonCPUSeconds is libvirtd's CPU time (all threads) from /proc, or nil.
func daemonCPUSeconds(pid int) *float64 {
	if pid <= 0 {
		return nil
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	v := (utime + stime) / 100 // USER_HZ
	return &v
}

func run(o options) map[string]any {
	result := map[string]any{"scenario": o.scenario, "workers": o.workers}
	fail := func(err error) map[string]any {
		result["errors"] = []string{err.Error()}
		return result
	}
	l, err := open(o)
	if err != nil {
		return fail(err)
	}
	defer l.Disconnect()
	work, cleanup, err := makeOp(o, l)
	if err != nil {
		return fail(err)
	}
	var count atomic.Int64
	var stop atomic.Bool
	var mu sync.Mutex
	errs := []string{}
	var wg sync.WaitGroup
	for w := 0; w < o.workers; w++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			for seq := 0; !stop.Load(); seq++ {
				if err := work(worker, seq); err != nil {
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
					stop.Store(true)
					return
				}
				count.Add(1)
			}
		}(w)
	}
	time.Sleep(time.Duration(o.warmup * float64(time.Second)))
	ops0, cpu0, t0, d0 := count.Load(), cpuSeconds(), time.Now(), daemonCPUSeconds(o.daemonPid)
	time.Sleep(time.Duration(o.seconds * float64(time.Second)))
	ops1, cpu1, seconds, d1 := count.Load(), cpuSeconds(), time.Since(t0).Seconds(), daemonCPUSeconds(o.daemonPid)
	stop.Store(true)
	wg.Wait()
	if cleanup != nil {
		if err := cleanup(); err != nil {
			errs = append(errs, "cleanup: "+err.Error())
		}
	}
	ops := ops1 - ops0
	result["ops"] = ops
	result["seconds"] = seconds
	result["ops_per_sec"] = float64(ops) / seconds
	result["cpu_seconds"] = cpu1 - cpu0
	if d0 != nil && d1 != nil {
		result["daemon_cpu_seconds"] = *d1 - *d0
	} else {
		result["daemon_cpu_seconds"] = nil
	}
	result["errors"] = errs
	return result
}

// connectLoop is bench/connect.ts's figure: open, one call, close, repeated on one goroutine.
func connectLoop(o options) (map[string]any, error) {
	once := func() error {
		l, err := open(o)
		if err != nil {
			return err
		}
		_, callErr := l.ConnectGetLibVersion()
		closeErr := l.Disconnect()
		if callErr != nil {
			return callErr
		}
		return closeErr
	}
	for end := time.Now().Add(time.Duration(o.warmup * float64(time.Second))); time.Now().Before(end); {
		if err := once(); err != nil {
			return nil, err
		}
	}
	ops, cpu0, t0 := 0, cpuSeconds(), time.Now()
	for end := t0.Add(time.Duration(o.seconds * float64(time.Second))); time.Now().Before(end); ops++ {
		if err := once(); err != nil {
			return nil, err
		}
	}
	seconds, cpu := time.Since(t0).Seconds(), cpuSeconds()-cpu0
	return map[string]any{"ops": ops, "seconds": seconds, "opsPerSec": float64(ops) / seconds, "cpuUsPerOp": cpu * 1e6 / float64(max(ops, 1))}, nil
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func main() {
	o := parse()
	out := json.NewEncoder(os.Stdout)
	switch o.scenario {
	case "env":
		_ = out.Encode(map[string]any{"go": runtime.Version()})
		return
	case "connect":
		result, err := connectLoop(o)
		if err != nil {
			_ = out.Encode(map[string]any{"error": err.Error()})
			os.Exit(1)
		}
		_ = out.Encode(result)
		return
	}
	result := run(o)
	_ = out.Encode(result)
	if errs, _ := result["errors"].([]string); len(errs) > 0 {
		os.Exit(1)
	}
}
