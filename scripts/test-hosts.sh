#!/usr/bin/env bash
# Extra libvirtd "hosts" on this machine, for multi-host and migration tests: one libvirtd (and
# its virtlogd) per mount+UTS namespace, each with its own /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt, hostname and host UUID, listening on
# qemu+tcp://127.0.0.<n>/system (loopback only, no auth). The main libvirtd
# (scripts/setup-libvirt.sh), its config and its domains are not touched. No traffic leaves
# loopback. Facts and pitfalls: docs/test-environment.md, "Test hosts".
#
#   scripts/test-hosts.sh start [COUNT]   start hosts 2..COUNT+1 (default 2 hosts: 127.0.0.2, 127.0.0.3); idempotent
#   scripts/test-hosts.sh stop [--purge]  destroy their domains, stop their daemons (and any QEMU left); --purge removes their files
#   scripts/test-hosts.sh status          one line per host: number, URI, running or not
#   scripts/test-hosts.sh uris            the URIs of the running hosts, one per line
#
# Environment: TESTHOSTS_BASE (default /var/lib/libvirt-manager/testhosts), TESTHOSTS_TCP_PORT (16509).
# Needs root and the main set-up (scripts/setup-libvirt.sh) done first.
set -euo pipefail

BASE=${TESTHOSTS_BASE:-/var/lib/libvirt-manager/testhosts}
PORT=${TESTHOSTS_TCP_PORT:-16509}
LOCK=/run/libvirt-manager-testhosts.lock

say() { echo "test-hosts: $*" >&2; }
die() {
  say "$*"
  exit 1
}

uri_of() { if [[ $PORT == 16509 ]]; then echo "qemu+tcp://127.0.0.$1/system"; else echo "qemu+tcp://127.0.0.$1:$PORT/system"; fi; }

# True when the pid file names a live process whose command is $2.
alive() {
  local pidfile=$1 comm=$2 pid
  [[ -r $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/comm ]] && [[ $(</proc/"$pid"/comm) == "$comm" ]]
}

answers() { timeout 10 virsh -q -c "$(uri_of "$1")" hostname >/dev/null 2>&1; }

# Replace the lines setting each key of "key = value" lines on stdin in config file $1, then append them.
set_keys() {
  local file=$1 lines key
  lines=$(cat)
  while IFS= read -r line; do
    key=${line%% =*}
    sed -i "/^[[:space:]]*${key}[[:space:]]*=/d" "$file"
  done <<<"$lines"
  printf '%s\n' "$lines" >>"$file"
}

prepare() {
  local n=$1 d=$BASE/testhost$1
  mkdir -p "$d"/{run,lib/images,cache/qemu,log/qemu}
  if [[ ! -f $d/host_uuid ]]; then cat /proc/sys/kernel/random/uuid >"$d/host_uuid"; fi
  # A fresh copy of the main config each start, without the main daemon's objects (pitfall 4):
  # copied networks, pools, domains or secrets would be loaded twice (a network in the shared netns!).
  # A restarted host keeps its *own* domains and pools, as a real host does (a killed-and-restarted host's VMs come back).
  local keep=$d/etc-keep sub
  rm -rf "${keep:?}" && mkdir -p "$keep"
  for sub in qemu storage; do
    if [[ -d $d/etc/$sub ]]; then
      mkdir -p "$keep/$sub/autostart"
      cp -a "$d/etc/$sub"/*.xml "$keep/$sub/" 2>/dev/null || true # none yet: nothing to keep
    fi
    if [[ -d $d/etc/$sub/autostart ]]; then cp -a "$d/etc/$sub/autostart/." "$keep/$sub/autostart/" 2>/dev/null || true; fi
  done
  rm -rf "${d:?}/etc"
  cp -a /etc/libvirt "$d/etc"
  rm -f "$d"/etc/qemu/*.xml "$d"/etc/qemu/autostart/* "$d"/etc/storage/*.xml "$d"/etc/storage/autostart/*
  for sub in qemu storage; do
    if [[ -d $keep/$sub ]]; then cp -a "$keep/$sub/." "$d/etc/$sub/"; fi
  done
  rm -rf "${keep:?}"
  rm -rf "$d/etc/qemu/networks" "$d/etc/secrets"
  mkdir -p "$d/etc/qemu/networks/autostart" "$d/etc/secrets"
  set_keys "$d/etc/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.$n"
tcp_port = "$PORT"
auth_tcp = "none"
host_uuid = "$(<"$d/host_uuid")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
log_filters = "1:qemu.qemu_migration 3:*"
EOF
  # cgroup_controllers = [ ]: without systemd every daemon would put QEMU in the same absolute
  # cgroup /machine/qemu-<id>-<name>, and ids restart at 1 per daemon (pitfall 8).
  set_keys "$d/etc/qemu.conf" <<EOF
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
remember_owner = 0
migration_address = "127.0.0.$n"
migration_host = "127.0.0.$n"
migration_port_min = $((49400 + 20 * n))
migration_port_max = $((49400 + 20 * n + 19))
cgroup_controllers = [ ]
EOF
  # Seeded QEMU capabilities: a fresh host's first define would otherwise probe QEMU for ~4 s (pitfall 11).
  if [[ -d /var/cache/libvirt/qemu/capabilities && ! -d $d/cache/qemu/capabilities ]]; then
    cp -a /var/cache/libvirt/qemu/capabilities "$d/cache/qemu/"
  fi
  echo "127.0.0.$n" >"$d/ip"
  uri_of "$n" >"$d/uri"
  echo "testhost$n" >"$d/hostname"
}

start_one() {
  local n=$1 d=$BASE/testhost$1
  if alive "$d/libvirtd.pid" libvirtd && answers "$n"; then
    say "host $n already running ($(uri_of "$n"))"
    return 0
  fi
  stop_one "$n" # a half-dead host (daemon crashed, QEMU left): clear it first
  prepare "$n"
  # The namespace lives as long as its daemons (and QEMUs) do; setsid + /dev/null: the daemons keep
  # none of the caller's descriptors (pitfall 12), nor our lock (fd 9: held by the daemons, it would
  # block every later run). Pid files inside D: the defaults in /run are the main daemons' (pitfall 1).
  setsid -w unshare --mount --uts --propagation private -- /bin/sh -ec "
    hostname testhost$n
    mount --bind '$d/run' /run/libvirt
    mount --bind '$d/lib' /var/lib/libvirt
    mount --bind '$d/cache' /var/cache/libvirt
    mount --bind '$d/log' /var/log/libvirt
    mount --bind '$d/etc' /etc/libvirt
    virtlogd -d -p '$d/virtlogd.pid'
    libvirtd -d --listen -p '$d/libvirtd.pid'
  " </dev/null >"$d/start.log" 2>&1 9>&- || die "host $n did not start: $(tail -n 5 "$d/start.log")"
  local i
  for ((i = 0; i < 100; i++)); do
    if answers "$n"; then
      say "host $n ready: $(uri_of "$n") (hostname testhost$n, files in $d)"
      return 0
    fi
    sleep 0.1
  done
  die "host $n does not answer on $(uri_of "$n") after 10 s; see $d/log/libvirtd.log"
}

# Stop signal $2 to the process of pid file $1 if it is $3, then wait up to 10 s and SIGKILL.
stop_process() {
  local pidfile=$1 comm=$2 pid i
  alive "$pidfile" "$comm" || return 0
  pid=$(<"$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pidfile" "$comm" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_one() {
  local n=$1 d=$BASE/testhost$1 dom pidfile pid
  [[ -d $d ]] || return 0
  if alive "$d/libvirtd.pid" libvirtd; then
    # QEMU outlives libvirtd: destroy the host's running domains first.
    while read -r dom; do
      if [[ -n $dom ]]; then timeout 30 virsh -q -c "$(uri_of "$n")" destroy "$dom" >/dev/null 2>&1 || true; fi
    done < <(timeout 10 virsh -q -c "$(uri_of "$n")" list --name 2>/dev/null || true)
  fi
  stop_process "$d/libvirtd.pid" libvirtd
  stop_process "$d/virtlogd.pid" virtlogd
  # A crashed libvirtd leaves its QEMUs running (pitfall 13).
  for pidfile in "$d"/run/qemu/*.pid; do
    [[ -r $pidfile ]] || continue
    pid=$(<"$pidfile")
    if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm && $(</proc/"$pid"/comm) == qemu-system-* ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
  done
}

hosts() {
  local d
  for d in "$BASE"/testhost*/; do
    [[ -f $d/ip ]] && basename "$d" | sed 's/^testhost//'
  done
}

[[ $(id -u) == 0 ]] || die "needs root (it starts daemons in new mount namespaces)"
mkdir -p "$BASE"
exec 9>"$LOCK"
flock 9

case ${1:-} in
start)
  count=${2:-2}
  [[ $count =~ ^[0-9]+$ && $count -ge 1 && $count -le 20 ]] || die "COUNT must be 1..20"
  for ((n = 2; n < count + 2; n++)); do start_one "$n"; done
  ;;
stop)
  for n in $(hosts); do stop_one "$n"; done
  if [[ ${2:-} == --purge ]]; then rm -rf "${BASE:?}"/testhost*; fi
  say "stopped"
  ;;
status)
  for n in $(hosts); do
    if alive "$BASE/testhost$n/libvirtd.pid" libvirtd && answers "$n"; then s=running; else s=stopped; fi
    echo "$n $(uri_of "$n") $s"
  done
  ;;
uris)
  for n in $(hosts); do
    if alive "$BASE/testhost$n/libvirtd.pid" libvirtd; then uri_of "$n"; fi
  done
  ;;
*)
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
