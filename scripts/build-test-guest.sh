#!/usr/bin/env bash
# Builds the tiny real guest used by tests, examples and the demo: a Debian cloud kernel and a
# busybox initramfs that prints its ready marker about 3 s after `virsh start` under TCG.
#
#   scripts/build-test-guest.sh           build into the cache unless it is up to date
#   scripts/build-test-guest.sh --force   rebuild the initramfs images and disk (keeps the kernel;
#                                         delete the cache directory to fetch the newest kernel)
#   scripts/build-test-guest.sh --print   print the cache directory and exit
#
# Output: ${LIBVIRT_MANAGER_CACHE:-$HOME/.cache/libvirt-manager}/test-guest/
#   vmlinuz            the kernel
#   initrd-acpi.img    powers off on an ACPI power-button event (virsh shutdown)
#   initrd-noacpi.img  ignores ACPI, runs until destroyed
#   base.qcow2         64 MiB qcow2 whose first bytes are a marker line, for overlay tests
#   manifest.json      absolute paths, kernel version, cmdline and the serial console markers
#
# Console protocol (serial ttyS0, one line each):
#   LIBVIRT_MANAGER_SEED instance-id=<id>   a NoCloud seed (volume label "cidata") was found
#   LIBVIRT_MANAGER_DISK dev=<dev> <marker>  a disk starts with the base image marker
#   LIBVIRT_MANAGER_GUEST_WARN <text>        something the guest could not do
#   LIBVIRT_MANAGER_AGENT_STARTED <details>  the domain has a guest agent channel; qemu-ga started
#                                            (details: port=vport0p1 waited=<n>x50ms, the wait for the port)
#   LIBVIRT_MANAGER_AGENT_FAILED <why>       the domain has a virtio-serial device but qemu-ga does not run:
#                                            no agent port after ~10 s, or qemu-ga exited (at any time)
#   Either agent line comes before READY when the domain has a virtio-serial device.
#   LIBVIRT_MANAGER_GUEST_READY              init is up; from now on ACPI shutdown is honoured
#   LIBVIRT_MANAGER_GUEST_POWEROFF           (acpi variant) power button seen, powering off
#   LIBVIRT_MANAGER_ECHO <line>              after READY: the answer to each <line> typed on the console
#
# The kernel package is downloaded with apt-get download and unpacked, never installed.
# So is qemu-guest-agent: qemu-ga and its libraries go into the initramfs, and run when the domain
# has the agent's channel.
# Needs: apt sources, dpkg-deb, busybox-static, cpio, gzip, qemu-img (scripts/setup-libvirt.sh
# installs them). Root is only needed to run apt-get update on a machine with no package lists.
set -euo pipefail

SELF=$(realpath "${BASH_SOURCE[0]}")
readonly SELF
readonly CACHE_DIR="${LIBVIRT_MANAGER_CACHE:-${HOME:?HOME is not set}/.cache/libvirt-manager}/test-guest"
readonly KERNEL_META=linux-image-cloud-amd64
readonly BUSYBOX=/bin/busybox
readonly READY_MARKER=LIBVIRT_MANAGER_GUEST_READY
readonly POWEROFF_MARKER=LIBVIRT_MANAGER_GUEST_POWEROFF
readonly SEED_MARKER=LIBVIRT_MANAGER_SEED
readonly DISK_MARKER=LIBVIRT_MANAGER_DISK
readonly ECHO_MARKER=LIBVIRT_MANAGER_ECHO
readonly AGENT_MARKER=LIBVIRT_MANAGER_AGENT_STARTED
readonly AGENT_FAILED_MARKER=LIBVIRT_MANAGER_AGENT_FAILED
readonly BASE_IMAGE_MARKER='LIBVIRT_MANAGER_BASE_IMAGE v1'
readonly BASE_IMAGE_SIZE=64M
# quiet: kernel messages on an emulated UART cost boot time under TCG.
# panic=-1: if init dies, reboot at once rather than hang, so a broken guest shows up quickly.
readonly CMDLINE='console=ttyS0 quiet panic=-1'

# Modules the initramfs loads, in this order (dependencies are added in front automatically).
# Power button first (acpi variant only): the sooner it is armed, the shorter the window in which
# an ACPI shutdown request is lost.
#   evdev, button        the ACPI power button as an input device
readonly INPUT_MODULES=(evdev button)
# Then the disk controllers:
#   scsi_mod scan=manual virtio-scsi advertises 256 targets and probing them all takes ~6 s
#                        under TCG; init scans only target 0, where libvirt puts sdX disks
#   virtio_*, ata_piix   virtio-blk, virtio-scsi and i440fx IDE. The cloud kernel has no AHCI
#                        driver, so q35's default SATA cdrom is invisible to it.
readonly CONTROLLER_MODULES=('scsi_mod scan=manual' virtio_blk virtio_scsi virtio_pci ata_piix)
# Then, once the SCSI devices exist, their drivers and the seed's file system. sd and sr bind
# asynchronously; loading them after the scan makes insmod wait until the disks are there.
readonly DISK_MODULES=(sr_mod sd_mod isofs)
# Last, the guest agent's port: virtio-serial (libvirt adds the controller with the channel).
readonly AGENT_MODULES=(virtio_console)
# The QEMU guest agent, unpacked from its Debian package with the shared libraries it needs.
readonly AGENT_PACKAGE=qemu-guest-agent
readonly AGENT_CHANNEL=org.qemu.guest_agent.0
# The address the guest puts on its loopback interface when it runs the agent (TEST-NET-1, RFC 5737).
readonly AGENT_ADDRESS=192.0.2.10

log() { printf 'build-test-guest: %s\n' "$*" >&2; }
die() { printf 'build-test-guest: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,9s/^# \{0,1\}//p' "$SELF"
}

build_hash() {
  sha256sum "$SELF" | cut -d' ' -f1
}

up_to_date() {
  local f
  for f in vmlinuz initrd-acpi.img initrd-noacpi.img base.qcow2 manifest.json; do
    [[ -s $CACHE_DIR/$f ]] || return 1
  done
  [[ -r $CACHE_DIR/.build-hash && $(<"$CACHE_DIR/.build-hash") == "$(build_hash)" ]]
}

require_tools() {
  local tool missing=()
  for tool in apt-get apt-cache dpkg-deb cpio gzip qemu-img; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  # The initramfs has no libc: busybox must be the static build (package busybox-static).
  if [[ ! -x $BUSYBOX ]] || ldd "$BUSYBOX" >/dev/null 2>&1; then
    missing+=("static $BUSYBOX (busybox-static)")
  fi
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]}; run scripts/setup-libvirt.sh first"
}

# --- kernel -------------------------------------------------------------------------------------

# The versioned package behind the metapackage, e.g. linux-image-6.1.0-56-cloud-amd64.
resolve_kernel_package() {
  local pkg
  pkg=$(apt-cache depends "$KERNEL_META" 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
  if [[ -z $pkg && $EUID -eq 0 ]]; then
    # Fresh machines may have no package lists yet.
    log "apt-get update (no candidate for $KERNEL_META yet)"
    apt-get update -qq
    pkg=$(apt-cache depends "$KERNEL_META" 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
  fi
  [[ -n $pkg ]] || die "cannot resolve $KERNEL_META to a kernel package (apt sources? run apt-get update)"
  printf '%s\n' "$pkg"
}

# Prints the path of the cached kernel .deb, downloading it on first use. The cached package is
# kept across rebuilds, so a change to this script does not fetch a newer kernel.
kernel_deb() {
  cached_deb 'linux-image-*-cloud-amd64_*.deb' || download_deb "$(resolve_kernel_package)"
}

# Prints the path of the cached qemu-guest-agent .deb, downloading it on first use.
agent_deb() {
  cached_deb "${AGENT_PACKAGE}_*.deb" && return
  if [[ -z $(apt-cache policy "$AGENT_PACKAGE" 2>/dev/null | sed -n 's/^ *Candidate: \([^(]\)/\1/p') && $EUID -eq 0 ]]; then
    log "apt-get update (no candidate for $AGENT_PACKAGE yet)"
    apt-get update -qq
  fi
  download_deb "$AGENT_PACKAGE"
}

# Prints the newest cached .deb whose name matches the glob $1; fails when there is none.
cached_deb() {
  local deb
  deb=$(find "$CACHE_DIR/downloads" -maxdepth 1 -name "$1" 2>/dev/null | sort | tail -n 1)
  [[ -n $deb ]] && printf '%s\n' "$deb"
}

# Downloads package $1 into the cache (never installs it) and prints the .deb's path.
download_deb() {
  local pkg=$1 deb dl
  log "downloading $pkg"
  # apt downloads as the unprivileged _apt user, which cannot reach a cache under /root: use a
  # temporary directory it owns, then move the package into the cache.
  dl=$(mktemp -d)
  if [[ $EUID -eq 0 ]] && getent passwd _apt >/dev/null; then chown _apt "$dl"; fi
  (cd "$dl" && apt-get download -qq "$pkg") || die "apt-get download $pkg failed"
  mkdir -p "$CACHE_DIR/downloads"
  deb=$(find "$dl" -maxdepth 1 -name '*.deb' | head -n 1)
  [[ -n $deb ]] || die "apt-get download $pkg produced no .deb"
  mv "$deb" "$CACHE_DIR/downloads/"
  rm -rf "$dl"
  printf '%s\n' "$CACHE_DIR/downloads/${deb##*/}"
}

# Copies a module into the initramfs tree uncompressed: busybox insmod cannot read .ko.xz/.zst.
install_module() {
  local src=$1 dest=$2
  case $src in
    *.ko) cp "$src" "$dest" ;;
    *.ko.xz) xz -dc "$src" >"$dest" ;;
    *.ko.zst) zstd -qdc "$src" >"$dest" ;;
    *.ko.gz) gzip -dc "$src" >"$dest" ;;
    *) die "unknown module format: $src" ;;
  esac
}

# Resolves the module lists and their dependencies from the unpacked kernel, copies the modules
# into $root/lib/modules and writes the load lists $root/etc/modules.{input,controller,disk} (one
# "file.ko args" per line, dependencies first). Dependencies come from each module's own
# .modinfo "depends=" string, so neither depmod nor modules.dep is needed (the package ships no
# modules.dep: depmod runs when it is installed, which we never do).
stage_modules() {
  local kdir=$1 root=$2 file name
  declare -A path_of=() seen=()
  while IFS= read -r file; do
    name=${file##*/}
    name=${name%%.ko*}
    path_of[${name//-/_}]=$file
  done < <(find "$kdir" -name '*.ko*' -type f)
  mkdir -p "$root/lib/modules"

  # Appends module $1 (after its dependencies) with parameters $2 to the list file $3.
  visit() {
    local m=$1 args=$2 list=$3 dep deps
    [[ -n ${seen[$m]:-} ]] && return 0
    seen[$m]=1
    [[ -n ${path_of[$m]:-} ]] || die "module $m not found in the kernel package (built in? renamed?)"
    install_module "${path_of[$m]}" "$root/lib/modules/$m.ko"
    deps=$(tr '\0' '\n' <"$root/lib/modules/$m.ko" | sed -n 's/^depends=//p' | head -n 1)
    for dep in ${deps//,/ }; do visit "${dep//-/_}" '' "$list"; done
    printf '%s.ko %s\n' "$m" "$args" >>"$list"
  }
  # Writes the load list $1 for the module specs that follow ("name [params]").
  stage_list() {
    local list=$1 spec mod args
    shift
    : >"$list"
    for spec; do
      read -r mod args <<<"$spec"
      visit "$mod" "${args:-}" "$list"
    done
    log "${list##*.} modules: $(cut -d' ' -f1 "$list" | paste -sd' ')"
  }
  stage_list "$root/etc/modules.input" "${INPUT_MODULES[@]}"
  stage_list "$root/etc/modules.controller" "${CONTROLLER_MODULES[@]}"
  stage_list "$root/etc/modules.disk" "${DISK_MODULES[@]}"
  stage_list "$root/etc/modules.agent" "${AGENT_MODULES[@]}"
}

# Copies qemu-ga from its package into $root/bin, with every shared library it links (resolved by
# this host's loader: the package comes from the same Debian release, and qemu-system-x86 pulls in
# the same libraries). Busybox stands in for the commands qemu-ga runs: hwclock after guest-set-time,
# and shutdown for guest-shutdown (a script: busybox has no shutdown applet).
stage_agent() {
  local root=$1 dir lib
  dir=$(mktemp -d "$CACHE_DIR/.agent.XXXXXX")
  dpkg-deb -x "$(agent_deb)" "$dir"
  [[ -x $dir/usr/sbin/qemu-ga ]] || die "no usr/sbin/qemu-ga in the $AGENT_PACKAGE package"
  cp "$dir/usr/sbin/qemu-ga" "$root/bin/qemu-ga"
  while IFS= read -r lib; do
    [[ -e $lib ]] || die "qemu-ga needs $lib, which this host does not have (install $AGENT_PACKAGE's dependencies)"
    mkdir -p "$root${lib%/*}"
    cp -L "$lib" "$root$lib"
  done < <(ldd "$dir/usr/sbin/qemu-ga" | grep -o '/[^ ]*')
  rm -rf "$dir"
  mkdir -p "$root/sbin"
  ln -sf /bin/busybox "$root/sbin/hwclock"
  cat >"$root/sbin/shutdown" <<'SHUTDOWN'
#!/bin/busybox sh
# qemu-ga's guest-shutdown runs "shutdown -P|-h|-r +0 <message>": power off (or reboot) now.
. /etc/test-guest.conf
case " $* " in *" -r "*) /bin/busybox reboot -f ;; esac
echo "$POWEROFF_MARKER" >/dev/console
/bin/busybox poweroff -f
SHUTDOWN
  chmod 0755 "$root/sbin/shutdown"
  log "guest agent: $(du -sh "$root/bin/qemu-ga" | cut -f1) qemu-ga + $(ldd "$root/bin/qemu-ga" | grep -c '/') libraries"
}

# --- initramfs ----------------------------------------------------------------------------------

write_init() {
  # Quoted heredoc: this is the guest's /init, expanded by the guest's shell, not by us.
  cat >"$1" <<'INIT'
#!/bin/busybox sh
# PID 1 of libvirt-manager's test guest, generated by scripts/build-test-guest.sh.
/bin/busybox mkdir -p /proc /sys /dev /mnt /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
export PATH=/bin
# The initramfs has no /dev/console node, so the kernel started us without stdio.
exec </dev/console >/dev/console 2>&1
. /etc/test-guest.conf

load_modules() {
  while read -r mod args; do
    # shellcheck disable=SC2086 # args are module parameters, split on purpose
    insmod "/lib/modules/$mod" $args || echo "LIBVIRT_MANAGER_GUEST_WARN insmod $mod failed"
  done <"$1"
}

if [ "$VARIANT" = acpi ]; then
  load_modules /etc/modules.input
  # Open every "Power Button" event device in PID 1: evdev queues events per open file, so a
  # press from now on is kept even before the reader below runs. A press before this point
  # (during firmware and kernel boot) is lost: there is nothing to deliver it to.
  fd=3
  for ev in /sys/class/input/event*; do
    [ "$(cat "$ev/device/name" 2>/dev/null)" = "Power Button" ] || continue
    eval "exec $fd</dev/input/${ev##*/}"
    # One struct input_event is 24 bytes on x86_64; the first one is the key press.
    (dd bs=24 count=1 of=/dev/null <&$fd 2>/dev/null && echo "$POWEROFF_MARKER" && poweroff -f) &
    fd=$((fd + 1))
  done
  [ "$fd" -gt 3 ] || echo "LIBVIRT_MANAGER_GUEST_WARN no Power Button input device: ACPI shutdown will be ignored"
fi

load_modules /etc/modules.controller
# virtio-blk disks now exist, and libata probed its ports during insmod (insmod waits for its
# async probe). virtio-scsi did not scan (scsi_mod scan=manual): scan target 0, all LUNs,
# synchronously. libvirt addresses virtio-scsi disks as target 0, unit (LUN) N.
for host in /sys/class/scsi_host/host*; do
  [ "$(cat "$host/proc_name" 2>/dev/null)" = virtio_scsi ] && echo '- 0 -' >"$host/scan"
done
# sd/sr attach to the SCSI devices found above; insmod returns once they are bound.
load_modules /etc/modules.disk
for sys in /sys/class/block/*; do
  dev=${sys##*/}
  [ -e "$sys/partition" ] && continue
  case $dev in sr* | vd* | sd* | hd*) ;; *) continue ;; esac
  # ISO 9660 primary volume descriptor: sector 16 (2048-byte sectors), volume id at byte 40.
  label=$(dd if="/dev/$dev" bs=2048 skip=16 count=1 2>/dev/null | dd bs=1 skip=40 count=32 2>/dev/null | tr -d ' \000')
  if [ "$label" = cidata ] || [ "$label" = CIDATA ]; then
    if mount -t iso9660 -o ro "/dev/$dev" /mnt 2>/dev/null; then
      if [ -r /mnt/meta-data ]; then
        # meta-data is YAML ("instance-id: x") or JSON ({"instance-id": "x"}).
        id=$(sed -n 's/.*"\{0,1\}instance-id"\{0,1\}[[:space:]]*:[[:space:]]*"\{0,1\}\([^",}[:space:]]*\).*/\1/p' /mnt/meta-data | head -n 1)
        echo "$SEED_MARKER instance-id=$id"
      else
        # Plain ISO 9660 names are 8.3 upper case (META_DAT.): the seed needs Rock Ridge or Joliet.
        echo "LIBVIRT_MANAGER_GUEST_WARN seed on /dev/$dev has no meta-data file (no Rock Ridge/Joliet names?): $(ls /mnt | tr '\n' ' ')"
      fi
      umount /mnt
    else
      echo "LIBVIRT_MANAGER_GUEST_WARN cannot mount seed on /dev/$dev"
    fi
  else
    first=$(dd if="/dev/$dev" bs=64 count=1 2>/dev/null | tr -dc 'A-Za-z0-9_ .=\n-' | head -n 1)
    case $first in "$BASE_IMAGE_MARKER"*) echo "$DISK_MARKER dev=$dev $first" ;; esac
  fi
done

# The guest agent, when the domain has its channel (a virtio-serial port named $AGENT_CHANNEL).
# No udev here, so the port is found by name in sysfs. The agent reports the guest's interfaces:
# loopback, with one more address on it ($AGENT_ADDRESS, a documentation address) so there is an
# address that counts; the guest has no network interface, so it sends nothing anywhere.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
load_modules /etc/modules.agent

# libvirt adds a virtio-serial device (virtio device id 3) only along with a channel.
# (Shell builtins only, here and below: no fork's delay hides the wait that the ports need.)
has_virtio_serial() {
  for vdev in /sys/bus/virtio/devices/*; do
    [ -r "$vdev/device" ] && read -r id <"$vdev/device" && [ "$id" = 0x0003 ] && return 0
  done
  return 1
}
# Sets agent_dev to the agent port's device node once the port exists, has its name and its node.
find_agent_port() {
  agent_dev=
  for port in /sys/class/virtio-ports/*; do
    [ -r "$port/name" ] && read -r name <"$port/name" && [ "$name" = "$AGENT_CHANNEL" ] || continue
    [ -c "/dev/${port##*/}" ] && agent_dev=/dev/${port##*/} && return 0
  done
  return 1
}
# What the ports look like now, for the failure marker.
port_list() {
  for port in /sys/class/virtio-ports/*; do
    [ -e "$port" ] || continue
    name='(no name yet)'
    [ -r "$port/name" ] && read -r name <"$port/name"
    printf '%s=%s ' "${port##*/}" "$name"
  done
}
if has_virtio_serial; then
  # The ports are not there when insmod returns: the host announces each port (DEVICE_ADD) and
  # then its name (PORT_NAME, which is when the kernel creates the sysfs "name" file) in control
  # messages that a kernel worker handles later. Under CPU load the worker may not have run yet
  # when this shell first looks (the port is there without its "name" file, or not there at all):
  # looking once would start no agent and say nothing. So wait for the named port, bounded:
  # 200 naps of 50 ms, each one a chance for the worker to run.
  naps=0
  until find_agent_port; do
    if [ "$naps" -ge 200 ]; then
      echo "$AGENT_FAILED_MARKER no virtio-serial port named $AGENT_CHANNEL after $naps naps of 50 ms; ports: $(port_list)"
      break
    fi
    sleep 0.05
    naps=$((naps + 1))
  done
  if [ -n "$agent_dev" ]; then
    ip addr add "$AGENT_ADDRESS/32" dev lo
    # An agent that dies says so on the console instead of leaving a test waiting in silence.
    (
      qemu-ga -m virtio-serial -p "$agent_dev" -t /tmp -l /tmp/qemu-ga.log
      echo "$AGENT_FAILED_MARKER qemu-ga exited with status $?: $(tail -n 3 /tmp/qemu-ga.log 2>/dev/null | tr '\n' ' ')"
    ) &
    echo "$AGENT_MARKER port=${agent_dev#/dev/} waited=${naps}x50ms"
  fi
fi

read -r uptime _ </proc/uptime
echo "LIBVIRT_MANAGER_GUEST_INFO variant=$VARIANT kernel=$(uname -r) uptime=$uptime"
echo "$READY_MARKER"
# PID 1 must never exit (that would be a kernel panic). Meanwhile it answers each line typed on the
# console, so console input can be tested end to end; if the console cannot be read, it just waits.
while :; do
  if read -r line; then echo "$ECHO_MARKER $line"; else sleep 1; fi
done
INIT
  chmod 0755 "$1"
}

build_initrd() {
  local root=$1 variant=$2 out=$3
  cat >"$root/etc/test-guest.conf" <<EOF
VARIANT=$variant
READY_MARKER=$READY_MARKER
POWEROFF_MARKER=$POWEROFF_MARKER
SEED_MARKER=$SEED_MARKER
DISK_MARKER=$DISK_MARKER
ECHO_MARKER=$ECHO_MARKER
AGENT_MARKER=$AGENT_MARKER
AGENT_FAILED_MARKER=$AGENT_FAILED_MARKER
AGENT_CHANNEL=$AGENT_CHANNEL
AGENT_ADDRESS=$AGENT_ADDRESS
BASE_IMAGE_MARKER='$BASE_IMAGE_MARKER'
EOF
  # Fixed mtimes, sorted names and --reproducible (no inode or device numbers) keep the archive
  # byte-identical between builds.
  find "$root" -exec touch -h -d @0 {} +
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n >"$out"
}

# --- disk ---------------------------------------------------------------------------------------

build_base_image() {
  local out=$1 raw
  raw=$(mktemp "$CACHE_DIR/.base.XXXXXX")
  qemu-img create -q -f raw "$raw" "$BASE_IMAGE_SIZE"
  printf '%s\n' "$BASE_IMAGE_MARKER" | dd of="$raw" conv=notrunc status=none
  qemu-img convert -q -f raw -O qcow2 "$raw" "$out"
  rm -f "$raw"
}

# --- manifest -----------------------------------------------------------------------------------

json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

write_manifest() {
  local out=$1 kver=$2 kpkg=$3 hash=$4
  cat >"$out" <<EOF
{
  "schemaVersion": 1,
  "directory": $(json_string "$CACHE_DIR"),
  "kernel": $(json_string "$CACHE_DIR/vmlinuz"),
  "kernelVersion": $(json_string "$kver"),
  "kernelPackage": $(json_string "$kpkg"),
  "initrdAcpi": $(json_string "$CACHE_DIR/initrd-acpi.img"),
  "initrdNoAcpi": $(json_string "$CACHE_DIR/initrd-noacpi.img"),
  "baseImage": $(json_string "$CACHE_DIR/base.qcow2"),
  "baseImageFormat": "qcow2",
  "baseImageMarker": $(json_string "$BASE_IMAGE_MARKER"),
  "cmdline": $(json_string "$CMDLINE"),
  "domainType": "qemu",
  "machine": "q35",
  "memoryMiB": 256,
  "diskBuses": ["virtio", "scsi", "ide"],
  "readyMarker": $(json_string "$READY_MARKER"),
  "poweroffMarker": $(json_string "$POWEROFF_MARKER"),
  "seedMarkerPrefix": $(json_string "$SEED_MARKER instance-id="),
  "diskMarkerPrefix": $(json_string "$DISK_MARKER dev="),
  "echoMarkerPrefix": $(json_string "$ECHO_MARKER "),
  "agentMarker": $(json_string "$AGENT_MARKER"),
  "agentFailedMarker": $(json_string "$AGENT_FAILED_MARKER"),
  "agentChannel": $(json_string "$AGENT_CHANNEL"),
  "agentAddress": $(json_string "$AGENT_ADDRESS"),
  "buildHash": $(json_string "$hash")
}
EOF
}

# --- main ---------------------------------------------------------------------------------------

build() {
  local hash work deb kpkg kver kdir vmlinuz
  hash=$(build_hash)
  work=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
  # shellcheck disable=SC2064 # expand $work now: it is local
  trap "rm -rf '$work'" EXIT

  deb=$(kernel_deb)
  kpkg=$(dpkg-deb -f "$deb" Package)_$(dpkg-deb -f "$deb" Version)
  log "unpacking ${deb##*/}"
  dpkg-deb -x "$deb" "$work/pkg"
  kdir=$(find "$work/pkg/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  [[ -n $kdir ]] || die "no lib/modules in ${deb##*/}"
  kver=${kdir##*/}
  vmlinuz="$work/pkg/boot/vmlinuz-$kver"
  [[ -f $vmlinuz ]] || die "no boot/vmlinuz-$kver in ${deb##*/}"

  local root="$work/root"
  mkdir -p "$root/bin" "$root/etc" "$root/dev" "$root/proc" "$root/sys" "$root/mnt" "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  stage_modules "$kdir" "$root"
  stage_agent "$root"
  write_init "$root/init"
  build_initrd "$root" acpi "$work/initrd-acpi.img"
  build_initrd "$root" noacpi "$work/initrd-noacpi.img"
  cp "$vmlinuz" "$work/vmlinuz"
  build_base_image "$work/base.qcow2"
  write_manifest "$work/manifest.json" "$kver" "$kpkg" "$hash"

  # Publish by rename, so a reader sees either the old or the new version of each file, never a
  # partial one. The hash goes last: an interrupted publish is redone by the next run.
  rm -f "$CACHE_DIR/.build-hash"
  local f
  for f in vmlinuz initrd-acpi.img initrd-noacpi.img base.qcow2 manifest.json; do
    mv -f "$work/$f" "$CACHE_DIR/$f"
  done
  printf '%s\n' "$hash" >"$CACHE_DIR/.build-hash"
  log "built test guest: kernel $kver ($kpkg)"
}

main() {
  local force=0
  case ${1:-} in
    '') ;;
    --force) force=1 ;;
    --print) printf '%s\n' "$CACHE_DIR"; return 0 ;;
    -h | --help) usage; return 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac

  mkdir -p "$CACHE_DIR"
  # Tests, the demo and CI may build concurrently; one builds, the others wait and find it done.
  exec 9>"$CACHE_DIR/.lock"
  flock 9

  if ((force == 0)) && up_to_date; then
    log "up to date: $CACHE_DIR/manifest.json"
    return 0
  fi
  require_tools
  build
  log "manifest: $CACHE_DIR/manifest.json"
}

main "$@"
