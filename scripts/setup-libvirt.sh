#!/usr/bin/env bash
# Idempotent libvirtd set-up for libvirt-manager's tests, demo and CI.
#
#   scripts/setup-libvirt.sh            converge the machine (install, configure, start, wait)
#   scripts/setup-libvirt.sh --restart  same, but always restart libvirtd (tests use this)
#   scripts/setup-libvirt.sh --status   report only; exit 0 when healthy, 1 otherwise
#
# Targets Debian 12 as root, with no systemd units: we install libvirt-daemon (not
# libvirt-daemon-system, which brings systemd units and polkit) and run the daemons ourselves.
# When everything is already converged a run costs two virsh round trips (well under 1 s).
#
# Environment:
#   LIBVIRT_SETUP_NO_APT=1   never call apt-get (missing packages are only reported)
#   LIBVIRT_SETUP_TIMEOUT=N  seconds to wait for libvirtd to answer (default 30)
#   LIBVIRT_SETUP_BENCH=1    also install BENCH_PACKAGES (npm run bench:* set it; CI and tests do not)
#
# Files this script relies on (tests depend on these paths):
#   /run/libvirtd.pid                  pid of the system libvirtd (libvirtd's own default -p)
#   /run/libvirt/libvirt-sock          unix socket, qemu:///system and test+unix:///default
#   127.0.0.1:16509                    plain TCP listener, qemu+tcp://127.0.0.1/system
#   127.0.0.1:16514                    TLS listener with SASL auth, qemu+tls://user@127.0.0.1/system
#   /etc/libvirt-manager/pki/          cacert.pem, client{cert,key}.pem for it (libvirt's pkipath layout)
#   /etc/libvirt/passwd.db             SASL users (tests add and remove their own with saslpasswd2)
#   /var/log/libvirt/libvirtd.log      daemon log
#   /run/libvirt-manager-setup.state   which libvirtd pid was started with which config
#   /run/libvirt-manager-setup.lock    serialises concurrent runs
set -euo pipefail

readonly PACKAGES=(
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
  python3-libvirt dnsmasq-base iptables ovmf swtpm swtpm-tools cpio busybox-static # swtpm-tools (swtpm_setup): without it libvirt offers no emulated TPM
  genisoimage python3-yaml # only for tests: isoinfo reads our ISO, PyYAML (cloud-init's parser) reads our JSON-as-YAML
  openssh-server netcat-openbsd # only for the ssh transport tests (own sshd on a loopback port; nc -U fallback)
  openssl sasl2-bin libsasl2-modules # the TLS listener's certificates; SASL users (saslpasswd2) and SCRAM
  shellcheck # only for npm test: lints scripts/*.sh and the test guest's scripts/test-guest/*.sh
)
# Only for the benchmarks' go-libvirt side (bench/baseline/rpc.go, built on the fly): Go is a large
# download that CI, which never runs benchmarks, should not pay for.
readonly BENCH_PACKAGES=(golang-go golang-github-digitalocean-go-libvirt-dev)
readonly QEMU_CONF=/etc/libvirt/qemu.conf
readonly LIBVIRTD_CONF=/etc/libvirt/libvirtd.conf
readonly LIBVIRTD_PIDFILE=/run/libvirtd.pid
readonly VIRTLOGD_PIDFILE=/run/virtlogd.pid
readonly LIBVIRTD_SOCK=/run/libvirt/libvirt-sock
readonly LIBVIRTD_LOG=/var/log/libvirt/libvirtd.log
readonly STATE_FILE=/run/libvirt-manager-setup.state
readonly LOCK_FILE=/run/libvirt-manager-setup.lock
readonly TCP_ADDR=127.0.0.1
readonly TCP_PORT=16509
readonly TLS_PORT=16514
readonly PKI_DIR=/etc/libvirt-manager/pki
readonly SASL_CONF=/etc/sasl2/libvirt.conf
readonly SASL_DB=/etc/libvirt/passwd.db
readonly WAIT_SECONDS=${LIBVIRT_SETUP_TIMEOUT:-30}
readonly MARK_BEGIN='# BEGIN libvirt-manager (managed by scripts/setup-libvirt.sh; edits inside are overwritten)'
readonly MARK_END='# END libvirt-manager'

# The three URIs that must answer: the daemon itself (test driver, no QEMU involved), the QEMU
# driver, and the loopback TCP listener.
readonly URI_TEST_UNIX="test+unix:///default?socket=${LIBVIRTD_SOCK}"
readonly URI_QEMU_UNIX="qemu:///system"
readonly URI_TEST_TCP="test+tcp://${TCP_ADDR}:${TCP_PORT}/default"

log() { printf 'setup-libvirt: %s\n' "$*"; }
warn() { printf 'setup-libvirt: warning: %s\n' "$*" >&2; }
die() { printf 'setup-libvirt: error: %s\n' "$*" >&2; exit 1; }

# Every change to the machine is logged as it happens and counted for the summary.
CHANGES=0
RESTART=0
changed() {
  log "$*"
  CHANGES=$((CHANGES + 1))
}

usage() {
  sed -n '2,9s/^# \{0,1\}//p' "$0"
}

# --- probes -------------------------------------------------------------------------------------

# virsh with a hard bound: a wedged daemon must not hang `npm test`.
answers() {
  timeout 10 virsh -q -c "$1" version >/dev/null 2>&1
}

# True when pid is a live (not zombie) process called name. Zombies matter: when PID 1 of a
# container does not reap orphans, a killed daemon lingers in /proc as a zombie forever.
is_live() {
  local pid=$1 name=$2 stat
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $stat == "$pid ($name) "* && $stat != "$pid ($name) Z"* ]]
}

# Pids of root-owned system libvirtd processes. Read from /proc so we need neither procps nor
# iproute2 (absent on minimal Debian images). Session daemons (`libvirtd --timeout=120`, spawned
# on demand for qemu:///session) are left alone.
libvirtd_pids() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    is_live "$pid" libvirtd || continue
    [[ $(stat -c %u "$dir" 2>/dev/null) == 0 ]] || continue
    tr '\0' ' ' <"$dir/cmdline" 2>/dev/null | grep -q -- '--timeout' && continue
    printf '%s\n' "$pid"
  done
}

# A pid file is only trusted when the process it names is alive and has the expected name:
# after `kill -9` the file stays behind and the pid may be reused.
pid_from_file() {
  local file=$1 name=$2 pid
  [[ -r $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] && is_live "$pid" "$name" || return 1
  printf '%s\n' "$pid"
}

process_running() {
  local name=$1 dir
  for dir in /proc/[0-9]*; do
    is_live "${dir#/proc/}" "$name" && return 0
  done
  return 1
}

config_hash() {
  # Cyrus SASL reads its config and libvirtd its certificates at start: a change needs a restart.
  cat "$QEMU_CONF" "$LIBVIRTD_CONF" "$SASL_CONF" "$PKI_DIR/servercert.pem" 2>/dev/null | sha256sum | cut -d' ' -f1
}

# --- non-root / non-Debian ----------------------------------------------------------------------

print_manual_steps() {
  local self
  self=$(realpath "$0")
  if [[ -f /etc/debian_version ]]; then
    cat >&2 <<EOF
setup-libvirt: libvirtd does not answer, and setting it up needs root. Run:

  sudo ${self}

EOF
    return
  fi
  cat >&2 <<EOF
setup-libvirt: libvirtd does not answer, and this script only automates Debian.
Install libvirt (>= 9.0: libvirtd, virtlogd, virsh, the QEMU driver), qemu-system-x86_64,
qemu-img, a static busybox, cpio and genisoimage with your package manager, then run as root:

  sudo tee -a ${QEMU_CONF} >/dev/null <<'CONF'
$(qemu_conf_block)
CONF
  sudo tee -a ${LIBVIRTD_CONF} >/dev/null <<'CONF'
$(libvirtd_conf_block | sed -e 's/^listen_tls = 1$/listen_tls = 0/' -e '/^\(tls_\|auth_tls\|ca_file\|cert_file\|key_file\)/d')
CONF
  sudo virtlogd -d
  sudo libvirtd -d --listen

Users without root then reach the daemon at qemu+tcp://${TCP_ADDR}:${TCP_PORT}/system
(the unix socket's polkit check needs a system D-Bus).
EOF
}

# --- steps --------------------------------------------------------------------------------------

install_packages() {
  local missing=() pkg status wanted=("${PACKAGES[@]}")
  [[ ${LIBVIRT_SETUP_BENCH:-0} == 1 ]] && wanted+=("${BENCH_PACKAGES[@]}")
  # One dpkg-query call for all packages (it exits non-zero when one is unknown; that is "missing").
  declare -A installed=()
  while read -r pkg status; do
    if [[ $status == 'install ok installed' ]]; then installed[$pkg]=1; fi
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)
  for pkg in "${wanted[@]}"; do
    [[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0

  if [[ ${LIBVIRT_SETUP_NO_APT:-0} == 1 ]]; then
    warn "LIBVIRT_SETUP_NO_APT=1: not installing missing packages: ${missing[*]}"
    return 0
  fi
  log "installing: ${missing[*]}"
  # update only now: it is the slow, network-bound part and usually not needed.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  changed "installed ${missing[*]}"
  # A running daemon may predate new libvirt or QEMU binaries or drivers.
  RESTART=1
}

# Debian's libvirt-daemon-system postinst would create these; we do not install that package.
# QEMU runs as root here (qemu.conf below), but the qemu driver and packaged files still refer
# to the accounts.
ensure_accounts() {
  local group
  for group in kvm libvirt-qemu; do
    if ! getent group "$group" >/dev/null; then
      groupadd -r "$group"
      changed "created group $group"
    fi
  done
  if ! getent passwd libvirt-qemu >/dev/null; then
    useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
    changed "created user libvirt-qemu"
  fi
}

# Merge settings into a libvirt config file: comment out any live line that sets one of our keys
# outside our block (libvirt's parser would otherwise see the key twice), then (re)write our
# block at the end. Running it again yields the same bytes, so it is a no-op.
merge_conf() {
  local file=$1 block=$2 keys kept='' tmp
  keys=$(sed -n 's/^\([a-z_]*\) *=.*/\1/p' <<<"$block" | paste -sd'|')
  if [[ -f $file ]]; then
    # $(...) also drops trailing blank lines, so the separator below does not pile up.
    kept=$(awk -v begin="$MARK_BEGIN" -v end="$MARK_END" -v keys="^[ \t]*(${keys})[ \t]*=" '
      $0 == begin { skip = 1; next }
      $0 == end   { skip = 0; next }
      skip        { next }
      $0 ~ keys   { print "# (overridden below by libvirt-manager) " $0; next }
      { print }
    ' "$file")
  fi
  tmp=$(mktemp "${file}.XXXXXX")
  {
    [[ -n $kept ]] && printf '%s\n\n' "$kept"
    printf '%s\n%s\n%s\n' "$MARK_BEGIN" "$block" "$MARK_END"
  } >"$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
  else
    chmod 0644 "$tmp"
    mv -f "$tmp" "$file"
    changed "wrote $file"
  fi
}

# QEMU runs as root with no security driver and no ownership juggling: tests create images in
# arbitrary directories (tmp dirs, the user's cache) and must not get EACCES or have libvirt
# chown their files. Fine for a test machine, not for production hosts. swtpm runs as root too:
# libvirt's default (tss) is only taken when that account exists at daemon start, and a TPM state
# authored by one user cannot be certified by the other (/var/lib/swtpm-localca is per user).
qemu_conf_block() {
  cat <<EOF
user = "root"
group = "root"
swtpm_user = "root"
swtpm_group = "root"
security_driver = "none"
dynamic_ownership = 0
remember_owner = 0
EOF
}

# Plain TCP with auth "none" so the SDK's tcp transport can be tested without TLS certificates
# or SASL. auth "none" means anyone who can connect controls libvirt as root, so the listener
# is bound to loopback only: never change listen_addr on a machine with other users or one
# reachable from a network.
# TLS with SASL auth on the same loopback address, for the SDK's TLS transport and its SASL
# (SCRAM) client, as production hosts run it: certificates from our own CA (ensure_pki), client
# certificates required and verified (libvirt's default), then SASL users from libvirt's sasldb.
# Keepalive is written out with libvirt's defaults (probe every 5 s, close after 5 missed
# replies) so tests can rely on those numbers whatever the distribution ships.
# The log goes to a file even when journald exists, so errors can point at one place.
libvirtd_conf_block() {
  cat <<EOF
listen_tls = 1
listen_tcp = 1
listen_addr = "${TCP_ADDR}"
tcp_port = "${TCP_PORT}"
auth_tcp = "none"
tls_port = "${TLS_PORT}"
auth_tls = "sasl"
ca_file = "${PKI_DIR}/cacert.pem"
cert_file = "${PKI_DIR}/servercert.pem"
key_file = "${PKI_DIR}/serverkey.pem"
tls_no_verify_certificate = 0
keepalive_interval = 5
keepalive_count = 5
log_outputs = "3:file:${LIBVIRTD_LOG}"
EOF
}

# Cyrus SASL for libvirtd's "libvirt" service: SCRAM (the password never crosses the wire) and
# PLAIN (inside TLS only), users from libvirt's own sasldb.
sasl_conf() {
  cat <<EOF
# Written by libvirt-manager's scripts/setup-libvirt.sh.
mech_list: scram-sha-256 scram-sha-1 plain
sasldb_path: ${SASL_DB}
EOF
}

# A CA, a server certificate for 127.0.0.1 / localhost and a client certificate, made once, in
# libvirt's pkipath layout (so `?pkipath=/etc/libvirt-manager/pki` works). RSA with the key usages
# libvirt checks (digitalSignature, keyEncipherment; serverAuth / clientAuth), valid ten years.
ensure_pki() {
  local f complete=1
  for f in cacert.pem servercert.pem serverkey.pem clientcert.pem clientkey.pem; do
    [[ -s $PKI_DIR/$f ]] || complete=0
  done
  ((complete)) && return 0
  local tmp
  tmp=$(mktemp -d)
  (
    cd "$tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout cakey.pem -out cacert.pem \
      -subj '/CN=libvirt-manager test CA' -addext 'basicConstraints=critical,CA:TRUE' \
      -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout serverkey.pem -out server.csr -subj '/CN=localhost' 2>/dev/null
    printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' 'subjectAltName=IP:127.0.0.1,DNS:localhost' >server.ext
    openssl x509 -req -in server.csr -CA cacert.pem -CAkey cakey.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out servercert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout clientkey.pem -out client.csr -subj '/CN=libvirt-manager test client' 2>/dev/null
    printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=digitalSignature,keyEncipherment' 'extendedKeyUsage=clientAuth' >client.ext
    openssl x509 -req -in client.csr -CA cacert.pem -CAkey cakey.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out clientcert.pem 2>/dev/null
  ) || { rm -rf "$tmp"; die "could not make the TLS listener's certificates with openssl"; }
  mkdir -p "$PKI_DIR"
  install -m 0644 "$tmp/cacert.pem" "$tmp/servercert.pem" "$tmp/clientcert.pem" "$PKI_DIR/"
  install -m 0600 "$tmp/serverkey.pem" "$tmp/clientkey.pem" "$PKI_DIR/"
  rm -rf "$tmp"
  changed "made a CA, a server and a client certificate in $PKI_DIR"
}

configure() {
  mkdir -p /etc/libvirt /var/log/libvirt /run/libvirt /etc/sasl2
  merge_conf "$QEMU_CONF" "$(qemu_conf_block)"
  merge_conf "$LIBVIRTD_CONF" "$(libvirtd_conf_block)"
  ensure_pki
  if [[ ! -f $SASL_CONF ]] || [[ $(<"$SASL_CONF") != "$(sasl_conf)" ]]; then
    sasl_conf >"$SASL_CONF"
    changed "wrote $SASL_CONF"
  fi
}

# Daemons are started from / with a clean environment: they must not pin the caller's working
# directory, nor inherit LIBVIRT_* debug variables or npm's environment. Nor any descriptor
# above stderr: libvirtd and virtlogd keep what they inherit for the rest of their lives, so
# they would hold our lock (fd 9), or a caller's pipe open so that its reader never sees EOF.
start_daemon() {
  (
    cd /
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec ${fd}>&-" 2>/dev/null || true; fi
    done
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@" </dev/null
  )
}

ensure_virtlogd() {
  # The qemu driver sends guest stdout/stderr through virtlogd (stdio_handler = "logd");
  # without it every domain start fails.
  if pid_from_file "$VIRTLOGD_PIDFILE" virtlogd >/dev/null || process_running virtlogd; then
    return 0
  fi
  start_daemon virtlogd -d
  changed "started virtlogd"
}

any_live() {
  local pid
  for pid; do is_live "$pid" libvirtd && return 0; done
  return 1
}

stop_libvirtd() {
  local pids=() i
  mapfile -t pids < <({ pid_from_file "$LIBVIRTD_PIDFILE" libvirtd || true; libvirtd_pids; } | sort -u)
  ((${#pids[@]} == 0)) && return 0
  log "stopping libvirtd (pid ${pids[*]})"
  # Running guests survive: QEMU processes are not libvirtd's children and the new daemon
  # reconnects to them.
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    any_live "${pids[@]}" || return 0
    sleep 0.1
  done
  warn "libvirtd did not exit within 10 s of SIGTERM; sending SIGKILL"
  kill -KILL "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    any_live "${pids[@]}" || return 0
    sleep 0.1
  done
  die "libvirtd (pid ${pids[*]}) survived SIGKILL"
}

start_libvirtd() {
  # After `kill -9` the pid file and sockets stay behind. libvirtd copes with both (the pid
  # file is guarded by a lock, sockets are unlinked before bind), so removing them is only
  # belt and braces, and makes `--status` honest in between.
  rm -f "$LIBVIRTD_PIDFILE"
  local out
  # --listen enables the TCP listener configured above. -d returns once the daemon has
  # initialised, with a non-zero status if it could not.
  if ! out=$(start_daemon libvirtd -d --listen 2>&1); then
    die "libvirtd failed to start: ${out:-no output}; see ${LIBVIRTD_LOG}"
  fi
  local pid
  pid=$(pid_from_file "$LIBVIRTD_PIDFILE" libvirtd) || die "libvirtd started but ${LIBVIRTD_PIDFILE} is missing; see ${LIBVIRTD_LOG}"
  printf 'pid=%s config=%s\n' "$pid" "$(config_hash)" >"$STATE_FILE"
  changed "started libvirtd (pid $pid)"
}

# libvirtd is healthy when the daemon we started is alive, was started with the current config
# and answers on both the unix socket and the loopback TCP port. A daemon started some other way
# (by hand, without --listen, or with older config) fails one of these and is restarted.
libvirtd_converged() {
  local pid
  pid=$(pid_from_file "$LIBVIRTD_PIDFILE" libvirtd) || return 1
  [[ -r $STATE_FILE && $(<"$STATE_FILE") == "pid=$pid config=$(config_hash)" ]] || return 1
  answers "$URI_TEST_UNIX" && answers "$URI_TEST_TCP"
}

wait_until_ready() {
  local deadline=$((SECONDS + WAIT_SECONDS)) uri
  for uri in "$URI_TEST_UNIX" "$URI_QEMU_UNIX" "$URI_TEST_TCP"; do
    # The qemu driver probes QEMU capabilities on first start, so it can lag the daemon itself.
    until answers "$uri"; do
      if ((SECONDS >= deadline)); then
        echo "setup-libvirt: error: libvirtd did not answer on ${uri} within ${WAIT_SECONDS} s." >&2
        echo "setup-libvirt: last lines of ${LIBVIRTD_LOG}:" >&2
        tail -n 20 "$LIBVIRTD_LOG" >&2 2>/dev/null || true
        virsh -c "$uri" version >&2 || true
        exit 1
      fi
      sleep 0.1
    done
  done
}

status() {
  local pid rc=0 uri
  if pid=$(pid_from_file "$LIBVIRTD_PIDFILE" libvirtd); then
    echo "libvirtd:   running, pid ${pid} (${LIBVIRTD_PIDFILE})"
  else
    echo "libvirtd:   not running (no live pid in ${LIBVIRTD_PIDFILE})"
    rc=1
  fi
  if pid=$(pid_from_file "$VIRTLOGD_PIDFILE" virtlogd); then
    echo "virtlogd:   running, pid ${pid}"
  else
    echo "virtlogd:   not running"
    rc=1
  fi
  for uri in "$URI_TEST_UNIX" "$URI_QEMU_UNIX" "$URI_TEST_TCP"; do
    if answers "$uri"; then echo "answers:    ${uri}"; else echo "no answer:  ${uri}"; rc=1; fi
  done
  echo "config:     ${QEMU_CONF} ${LIBVIRTD_CONF}"
  echo "log:        ${LIBVIRTD_LOG}"
  return "$rc"
}

# --- main ---------------------------------------------------------------------------------------

main() {
  local mode=setup
  case ${1:-} in
    '') ;;
    --restart) mode=restart ;;
    --status) mode=status ;;
    -h | --help) usage; return 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  [[ $# -le 1 ]] || die "expected at most one argument"

  if [[ $mode == status ]]; then
    status
    return
  fi

  if [[ $EUID -ne 0 || ! -f /etc/debian_version ]]; then
    if [[ $mode == setup ]] && { answers "$URI_TEST_UNIX" || answers "$URI_TEST_TCP"; }; then
      log "libvirtd already answers; nothing to do without root on Debian"
      return 0
    fi
    print_manual_steps
    return 1
  fi

  # Test workers, the demo and CI may run this at the same time: without the lock two runs
  # could both decide to restart libvirtd. Waiting is bounded by apt (the slowest step).
  exec 9>"$LOCK_FILE"
  flock -w 600 9 || die "another setup-libvirt.sh holds ${LOCK_FILE}"

  install_packages
  command -v libvirtd >/dev/null || die "libvirtd not found (packages missing: set up apt or unset LIBVIRT_SETUP_NO_APT)"
  ensure_accounts
  configure
  ensure_virtlogd

  if [[ $mode == restart ]] || ((RESTART)) || ! libvirtd_converged; then
    stop_libvirtd
    start_libvirtd
  fi
  wait_until_ready

  local pid
  pid=$(pid_from_file "$LIBVIRTD_PIDFILE" libvirtd)
  if ((CHANGES == 0)); then log "already set up; nothing changed"; fi
  log "ready: libvirtd pid ${pid} (${LIBVIRTD_PIDFILE}), log ${LIBVIRTD_LOG}"
  log "  ${URI_QEMU_UNIX} via ${LIBVIRTD_SOCK}"
  log "  qemu+tcp://${TCP_ADDR}:${TCP_PORT}/system (loopback only, no auth)"
  log "  qemu+tls://<user>@${TCP_ADDR}:${TLS_PORT}/system (loopback only, SASL users in ${SASL_DB}, CA ${PKI_DIR}/cacert.pem)"
}

main "$@"
