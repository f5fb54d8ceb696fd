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
#                                            (other than the commands below)
#   After READY, console commands (test-guest/commands.sh), each answered by one DONE line:
#   typed: LIBVIRT_MANAGER_CMD <id> disk-write <dev> <text>  answer: LIBVIRT_MANAGER_CMD_DONE <id> ok disk-write <dev>
#   typed: LIBVIRT_MANAGER_CMD <id> disk-read <dev>          answer: ... ok disk-read <dev> data=<text> | ... empty
#   typed: LIBVIRT_MANAGER_CMD <id> count                    answer: ... ok count, then once a second
#                                                            LIBVIRT_MANAGER_COUNT n=<n> uptime=<s>
#   typed: LIBVIRT_MANAGER_CMD <id> fs-read <tag> <file>     answer: ... ok fs-read <tag> <file> data=<first line>
#                                                            (loads virtiofs, mounts the share <tag> at /mnt/fs/<tag> once)
#   typed: LIBVIRT_MANAGER_CMD <id> fs-write <tag> <file> <text>  answer: ... ok fs-write <tag> <file>
#                                                            (writes "<text>\n" to the file and syncs it)
#   typed: LIBVIRT_MANAGER_CMD <id> dirty <MiB>            answer: ... ok dirty <MiB>, then it rewrites a <MiB>
#                                                            buffer in RAM with random data forever, saying about
#                                                            once a second LIBVIRT_MANAGER_DIRTY pass=<n> mib=<MiB> uptime=<s>
#   any failure:                                             LIBVIRT_MANAGER_CMD_DONE <id> error <command> <why>
#   (<dev>: a virtio disk's serial, else a guest device name; the data is at 1 MiB, direct I/O.
#   <file>: a plain name in the share's top directory; <text>: one word of [A-Za-z0-9._:-].)
#   LIBVIRT_MANAGER_MEM total=<kB>           MemTotal: before READY, then at each change (balloon)
#   LIBVIRT_MANAGER_CPU online=<list>        online CPUs: before READY, then at each change; hot-plugged
#                                            vCPUs are onlined by the guest
#   After READY, one line per device change (test-guest/devices.sh; <dev>/<if> are guest names):
#   LIBVIRT_MANAGER_BLOCK add <dev> size=<n>     a disk (vd*, sd*) or cdrom drive (sr*) appeared;
#                                                n in 512-byte sectors (0: a drive without medium)
#   LIBVIRT_MANAGER_BLOCK remove <dev>           it is gone
#   LIBVIRT_MANAGER_BLOCK resize <dev> size=<n>  a disk's capacity changed
#   LIBVIRT_MANAGER_BLOCK media <dev> size=<n>   a cdrom's medium was inserted (n) or ejected (0)
#   LIBVIRT_MANAGER_NET add <if> mac=<mac>       a network interface appeared
#   LIBVIRT_MANAGER_NET remove <if>              it is gone
#   With test_guest.unplug=ignore-first|never on the kernel command line, the guest holds on to
#   hot-unplugged PCI devices (once, or always) and says so:
#   LIBVIRT_MANAGER_UNPLUG armed hotplug=<acpi|native> variant=<v>  from now on requests are ignored
#   LIBVIRT_MANAGER_UNPLUG ignored hotplug=<acpi|native> [port=<p>] one was (the device stays)
#   LIBVIRT_MANAGER_UNPLUG disarmed                                 (ignore-first) the next is honoured
#
# The guest's /init is scripts/test-guest/init.sh, which sources test-guest/devices.sh (the device
# watcher, /lib/test-guest/devices.sh) and test-guest/commands.sh (the console commands), and its /sbin/shutdown test-guest/shutdown.sh (busybox sh,
# linted by shellcheck in npm test); editing any of them rebuilds the images.
# The kernel package is downloaded with apt-get download and unpacked, never installed.
# So is qemu-guest-agent: qemu-ga and its libraries go into the initramfs, and run when the domain
# has the agent's channel.
# Needs: apt sources, dpkg-deb, busybox-static, cpio, gzip, qemu-img (scripts/setup-libvirt.sh
# installs them). Root is only needed to run apt-get update on a machine with no package lists.
set -euo pipefail

SELF=$(realpath "${BASH_SOURCE[0]}")
readonly SELF
# The guest's own scripts: init.sh becomes /init, devices.sh and commands.sh go to /lib/test-guest/
# (sourced by /init) and shutdown.sh becomes /sbin/shutdown (all busybox sh).
readonly GUEST_DIR="${SELF%/*}/test-guest"
readonly GUEST_FILES=(init.sh devices.sh commands.sh shutdown.sh)
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
readonly BLOCK_MARKER=LIBVIRT_MANAGER_BLOCK
readonly NET_MARKER=LIBVIRT_MANAGER_NET
readonly MEM_MARKER=LIBVIRT_MANAGER_MEM
readonly CPU_MARKER=LIBVIRT_MANAGER_CPU
readonly UNPLUG_MARKER=LIBVIRT_MANAGER_UNPLUG
readonly CMD_MARKER=LIBVIRT_MANAGER_CMD
readonly CMD_DONE_MARKER=LIBVIRT_MANAGER_CMD_DONE
readonly COUNT_MARKER=LIBVIRT_MANAGER_COUNT
readonly DIRTY_MARKER=LIBVIRT_MANAGER_DIRTY
# The kernel command line parameter that selects an unplug variant (test-guest/devices.sh).
readonly UNPLUG_PARAMETER=test_guest.unplug
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
# cdrom (sr_mod's dependency) with autoclose=0 lockdoor=0: the device watcher opens cdrom drives to
# see their medium, and an open must neither close an open tray nor lock it during a media change.
readonly DISK_MODULES=('cdrom autoclose=0 lockdoor=0' sr_mod sd_mod isofs)
# Last, the guest agent's port: virtio-serial (libvirt adds the controller with the channel).
readonly AGENT_MODULES=(virtio_console)
# Last, for the device watcher: NICs that tests hot-plug and the memory balloon they resize (PCIe
# hotplug itself, pciehp and acpiphp, is built into the cloud kernel).
readonly DEVICE_MODULES=(virtio_net virtio_balloon)
# Not at boot: the file system of host directory shares (libvirt <filesystem> with driver virtiofs;
# fuse is its dependency). The fs-read/fs-write console commands load them on first use: loading
# them at boot delayed READY by 1-2 s under TCG (noisy, on a loaded host).
readonly FS_MODULES=(virtiofs)
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

# Covers this script and the files it copies into the guest, so editing init.sh rebuilds. Names are
# hashed relative to scripts/: checkouts in different directories agree on the hash of the same files.
build_hash() {
  (cd "${SELF%/*}" && sha256sum "${SELF##*/}" "${GUEST_FILES[@]/#/test-guest/}") | sha256sum | cut -d' ' -f1
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
  stage_list "$root/etc/modules.device" "${DEVICE_MODULES[@]}"
  stage_list "$root/etc/modules.fs" "${FS_MODULES[@]}"
}

# Copies qemu-ga from its package into $root/bin, with every shared library it links (resolved by
# this host's loader: the package comes from the same Debian release, and qemu-system-x86 pulls in
# the same libraries). Busybox stands in for the commands qemu-ga runs: hwclock after guest-set-time,
# and shutdown for guest-shutdown (test-guest/shutdown.sh: busybox has no shutdown applet).
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
  install -m 0755 "$GUEST_DIR/shutdown.sh" "$root/sbin/shutdown"
  log "guest agent: $(du -sh "$root/bin/qemu-ga" | cut -f1) qemu-ga + $(ldd "$root/bin/qemu-ga" | grep -c '/') libraries"
}

# --- initramfs ----------------------------------------------------------------------------------

# The settings init.sh and shutdown.sh read (they source it): the variant and the values that
# tests find in the manifest too, so the guest and the tests cannot disagree.
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
BLOCK_MARKER=$BLOCK_MARKER
NET_MARKER=$NET_MARKER
MEM_MARKER=$MEM_MARKER
CPU_MARKER=$CPU_MARKER
UNPLUG_MARKER=$UNPLUG_MARKER
CMD_MARKER=$CMD_MARKER
CMD_DONE_MARKER=$CMD_DONE_MARKER
COUNT_MARKER=$COUNT_MARKER
DIRTY_MARKER=$DIRTY_MARKER
UNPLUG_PARAMETER=$UNPLUG_PARAMETER
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
  "blockMarkerPrefix": $(json_string "$BLOCK_MARKER "),
  "netMarkerPrefix": $(json_string "$NET_MARKER "),
  "memMarkerPrefix": $(json_string "$MEM_MARKER total="),
  "cpuMarkerPrefix": $(json_string "$CPU_MARKER online="),
  "unplugMarkerPrefix": $(json_string "$UNPLUG_MARKER "),
  "unplugParameter": $(json_string "$UNPLUG_PARAMETER"),
  "commandPrefix": $(json_string "$CMD_MARKER "),
  "commandDonePrefix": $(json_string "$CMD_DONE_MARKER "),
  "countMarkerPrefix": $(json_string "$COUNT_MARKER n="),
  "dirtyMarkerPrefix": $(json_string "$DIRTY_MARKER pass="),
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
  install -m 0755 "$GUEST_DIR/init.sh" "$root/init"
  install -D -m 0644 "$GUEST_DIR/devices.sh" "$root/lib/test-guest/devices.sh"
  install -D -m 0644 "$GUEST_DIR/commands.sh" "$root/lib/test-guest/commands.sh"
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
