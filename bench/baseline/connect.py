#!/usr/bin/env python3
"""Connection set-up with libvirt's own C client (libvirt0, through python3-libvirt).

    connect.py URI --seconds S --warmup W [--user U --password P]

Loops openAuth(URI) -> getLibVersion() -> close() for --seconds after --warmup
seconds of the same, and prints one JSON object: ops, seconds, opsPerSec and
the process CPU time per connection (cpuUsPerOp). --user / --password answer
SASL's AUTHNAME and PASSPHRASE credential requests; the password arrives on
stdin when --password is '-', so it never shows in a process listing.
Exit status 1 when a connection fails.
"""

import argparse
import json
import sys
import time

import libvirt

libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("uri")
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--warmup", type=float, default=0.3)
    p.add_argument("--user", default=None)
    p.add_argument("--password", default=None)
    return p.parse_args()


def main():
    args = parse_args()
    password = sys.stdin.readline().rstrip("\n") if args.password == "-" else args.password

    def answer(creds, _data):
        for cred in creds:
            if cred[0] == libvirt.VIR_CRED_AUTHNAME:
                cred[4] = args.user
            elif cred[0] == libvirt.VIR_CRED_PASSPHRASE:
                cred[4] = password
        return 0

    auth = [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], answer, None]

    def once():
        conn = libvirt.openAuth(args.uri, auth, 0)
        try:
            conn.getLibVersion()
        finally:
            conn.close()

    end = time.perf_counter() + args.warmup
    while time.perf_counter() < end:
        once()
    ops, cpu0, t0 = 0, time.process_time(), time.perf_counter()
    end = t0 + args.seconds
    while time.perf_counter() < end:
        once()
        ops += 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({"ops": ops, "seconds": seconds, "opsPerSec": ops / seconds, "cpuUsPerOp": cpu * 1e6 / max(ops, 1)}))


if __name__ == "__main__":
    try:
        main()
    except libvirt.libvirtError as error:
        print(json.dumps({"error": str(error)}))
        sys.exit(1)
