#!/usr/bin/python3
"""The C-client side of bench/rpc.ts: libvirt's own client library (libvirt0) through
Debian's python3-libvirt bindings, measured on the same daemon in the same run.

    /usr/bin/python3 bench/baseline/rpc.py <scenario> [--uri URI] [--workers N]
                                          [--seconds S] [--warmup S] [...]

Scenarios (each does exactly the RPCs its TypeScript twin in bench/rpc.ts does):

    env          versions of python, the bindings and the client library (no daemon call)
    libversion   CONNECT_GET_LIB_VERSION                      conn.getLibVersion()
    getstate     DOMAIN_GET_STATE on --domain                 dom.state()
    xmldesc      DOMAIN_GET_XML_DESC on --domain              dom.XMLDesc(0)
    listall      CONNECT_LIST_ALL_DOMAINS, >= --expect results  conn.listAllDomains(0)
    allstats     CONNECT_GET_ALL_DOMAIN_STATS (all groups), >= --expect records, each with
                 state.state                                 conn.getAllDomainStats(0, 0)
    cycle        DOMAIN_DEFINE_XML_FLAGS + DOMAIN_CREATE_WITH_FLAGS
                 + DOMAIN_DESTROY_FLAGS + DOMAIN_UNDEFINE_FLAGS of a tiny test-driver domain

--workers N threads share ONE virConnect (libvirt's client is thread-safe and the bindings
release the GIL for every call, so calls overlap on the wire). Each worker loops until told to
stop; the first --warmup seconds are not counted, then completed operations are counted over
--seconds. Every result is validated; a wrong value is an error, not a data point.

Prints one JSON object on stdout. Exit status 0 on success, 1 when any call failed.
"""

import argparse
import json
import os
import sys
import threading
import time

import libvirt

# Without this the bindings print every libvirt error to stderr, including the expected ones
# during clean-up of domains that are already gone.
libvirt.registerErrorHandler(lambda _ctx, _err: None, None)

DOMAIN_XML = (
    "<domain type='test'><name>{name}</name><memory unit='KiB'>8192</memory>"
    "<vcpu>1</vcpu><os><type>hvm</type></os></domain>"
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", choices=["env", "libversion", "getstate", "xmldesc", "listall", "allstats", "cycle"])
    p.add_argument("--uri", default="test+unix:///default")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--warmup", type=float, default=0.3)
    p.add_argument("--domain", default="test")
    p.add_argument("--expect", type=int, default=-1, help="listall/allstats: fewest results every call must return")
    p.add_argument("--daemon-pid", type=int, default=0, help="libvirtd's pid, to report its CPU time too")
    p.add_argument("--prefix", default="lvmbench-c-%d" % os.getpid(), help="cycle: domain name prefix")
    return p.parse_args()


def env_info():
    try:
        from importlib.metadata import version

        bindings = version("libvirt-python")
    except Exception:  # noqa: BLE001 - metadata is optional in distro packages
        bindings = None
    major, rest = divmod(libvirt.getVersion(), 1_000_000)
    minor, micro = divmod(rest, 1_000)
    return {
        "python": sys.version.split()[0],
        "libvirt_python": bindings,
        "libvirt_client_library": "%d.%d.%d" % (major, minor, micro),
    }


def daemon_cpu_seconds(pid):
    """CPU seconds (user+system, all threads) process pid has used, or None."""
    if pid <= 0:
        return None
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Failure(Exception):
    pass


def make_operation(args, conn):
    """Return op(worker, seq) doing one unit of work and validating its result."""
    if args.scenario == "libversion":
        expected = conn.getLibVersion()

        def op(_worker, _seq):
            v = conn.getLibVersion()
            if v != expected:
                raise Failure("getLibVersion returned %r, expected %r" % (v, expected))

        return op, None

    if args.scenario == "getstate":
        dom = conn.lookupByName(args.domain)

        def op(_worker, _seq):
            state = dom.state()
            if state[0] != libvirt.VIR_DOMAIN_RUNNING:
                raise Failure("state() returned %r, expected running" % (state,))

        return op, None

    if args.scenario == "xmldesc":
        dom = conn.lookupByName(args.domain)
        marker = "<name>%s</name>" % args.domain
        expected = len(dom.XMLDesc(0))

        def op(_worker, _seq):
            xml = dom.XMLDesc(0)
            if len(xml) != expected or marker not in xml:
                raise Failure("XMLDesc returned %d characters, expected %d" % (len(xml), expected))

        return op, None

    if args.scenario == "listall":
        expected = args.expect if args.expect >= 0 else len(conn.listAllDomains(0))

        def op(_worker, _seq):
            n = len(conn.listAllDomains(0))
            # At least: other clients of the shared test driver may define domains meanwhile.
            if n < expected:
                raise Failure("listAllDomains returned %d domains, expected at least %d" % (n, expected))

        return op, None

    if args.scenario == "allstats":
        expected = args.expect if args.expect >= 0 else len(conn.getAllDomainStats(0, 0))

        def op(_worker, _seq):
            records = conn.getAllDomainStats(0, 0)
            if len(records) < expected:
                raise Failure("getAllDomainStats returned %d records, expected at least %d" % (len(records), expected))
            for dom, params in records:
                if not isinstance(params.get("state.state"), int):
                    raise Failure("record of %s has no state.state" % dom.name())

        return op, None

    if args.scenario == "cycle":
        def op(worker, seq):
            name = "%s-%d-%d" % (args.prefix, worker, seq)
            dom = conn.defineXMLFlags(DOMAIN_XML.format(name=name), 0)
            try:
                if dom.name() != name:
                    raise Failure("defineXMLFlags returned domain %r, expected %r" % (dom.name(), name))
                dom.createWithFlags(0)
                # virDomainCreateWithFlags copies the new id into the handle; no extra RPC.
                if dom.ID() <= 0:
                    raise Failure("createWithFlags left %s with id %d" % (name, dom.ID()))
                dom.destroyFlags(0)
                dom.undefineFlags(0)
                dom = None
            finally:
                if dom is not None:
                    cleanup_one(dom)

        def cleanup():
            # Anything of ours left behind (killed worker, failed cycle).
            for dom in conn.listAllDomains(0):
                if dom.name().startswith(args.prefix + "-"):
                    cleanup_one(dom)

        return op, cleanup

    raise ValueError(args.scenario)


def cleanup_one(dom):
    for step in (lambda: dom.destroyFlags(0), lambda: dom.undefineFlags(0)):
        try:
            step()
        except libvirt.libvirtError:
            pass


def run(args):
    conn = libvirt.open(args.uri)
    if conn is None:
        raise Failure("cannot open %s" % args.uri)
    op, cleanup = make_operation(args, conn)
    counts = [0] * args.workers
    stop = threading.Event()
    errors = []

    def worker(i):
        seq = 0
        try:
            while not stop.is_set():
                op(i, seq)
                seq += 1
                counts[i] += 1
        except BaseException as e:  # noqa: BLE001 - reported in the JSON, never swallowed
            errors.append("%s: %s" % (type(e).__name__, e))
            stop.set()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.workers)]
    try:
        for t in threads:
            t.start()
        # Warm-up: the same work, not counted.
        stop.wait(args.warmup)
        start_ops, cpu0, t0 = sum(counts), time.process_time(), time.perf_counter()
        daemon0 = daemon_cpu_seconds(args.daemon_pid)
        stop.wait(args.seconds)
        end_ops, cpu1, t1 = sum(counts), time.process_time(), time.perf_counter()
        daemon1 = daemon_cpu_seconds(args.daemon_pid)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        stop.set()
        if cleanup is not None:
            try:
                cleanup()
            except libvirt.libvirtError as e:
                errors.append("cleanup: %s" % e)
        conn.close()
    ops = end_ops - start_ops
    seconds = t1 - t0
    return {
        "scenario": args.scenario,
        "workers": args.workers,
        "ops": ops,
        "seconds": seconds,
        "ops_per_sec": ops / seconds if seconds > 0 else 0.0,
        # CPU of the whole process (all threads, user+system): the client's own cost.
        "cpu_seconds": cpu1 - cpu0,
        "daemon_cpu_seconds": None if daemon0 is None or daemon1 is None else daemon1 - daemon0,
        "errors": errors,
    }


def main():
    args = parse_args()
    if args.scenario == "env":
        print(json.dumps(env_info()))
        return 0
    try:
        result = run(args)
    except (libvirt.libvirtError, Failure) as e:
        print(json.dumps({"scenario": args.scenario, "errors": ["%s: %s" % (type(e).__name__, e)]}))
        return 1
    print(json.dumps(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
