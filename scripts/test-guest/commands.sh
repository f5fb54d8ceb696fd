# shellcheck shell=sh
# The test guest's console commands: /init (scripts/test-guest/init.sh) sources this file from
# /lib/test-guest/commands.sh and hands run_command each console line that starts with $CMD_MARKER.
# Busybox sh and applets only; the markers come from /etc/test-guest.conf.
#
#   $CMD_MARKER <id> disk-write <dev> <text>   write <text> at $DISK_DATA_OFFSET on the disk
#   $CMD_MARKER <id> disk-read <dev>           read what is there
#   $CMD_MARKER <id> count                     from now on, one $COUNT_MARKER line a second
#   $CMD_MARKER <id> fs-read <tag> <file>      the first line of <file> on the virtiofs share <tag>
#   $CMD_MARKER <id> fs-write <tag> <file> <text>  write "<text>\n" to <file> on the share, then sync
#   $CMD_MARKER <id> dirty <MiB>               from now on, rewrite a <MiB> buffer in RAM over and over
# Each is answered by exactly one line:
#   $CMD_DONE_MARKER <id> ok disk-write <dev>
#   $CMD_DONE_MARKER <id> ok disk-read <dev> data=<text>   or  ... disk-read <dev> empty
#   $CMD_DONE_MARKER <id> ok count
#   $CMD_DONE_MARKER <id> ok fs-read <tag> <file> data=<line>   (an empty line: ... <file> empty)
#   $CMD_DONE_MARKER <id> ok fs-write <tag> <file>
#   $CMD_DONE_MARKER <id> ok dirty <MiB>   (then about once a second: $DIRTY_MARKER pass=<n> mib=<MiB> uptime=<s>)
#   $CMD_DONE_MARKER <id> error <command> <why>
# <dev> is a virtio disk's serial (libvirt's <serial>, which the tests' helper sets to the disk's
# target, e.g. vdb) or else a guest device name (vda, sda): guest names do not follow libvirt's.
# <text> is one word of [A-Za-z0-9._:-], at most 200 characters.
#
# The data block is one 512-byte sector at 1 MiB, far from the base image's marker line at 0: it
# starts with "$DISK_DATA_TAG <text>\n" and is zero-padded. Both directions bypass the guest's page
# cache (O_DIRECT), and the write ends with a flush (conv=fsync), so what a command reports is what
# the virtual disk holds: a snapshot taken after "ok disk-write" has the data, and a read after a
# revert sees the reverted disk, not a cached copy.
DISK_DATA_OFFSET_SECTORS=2048
DISK_DATA_TAG=LVM_DATA1

# Sets $disk_dev to /dev/<name> of the disk named $1 (serial first, then guest name); fails if none.
find_disk() {
  disk_dev=
  for sys in /sys/block/*; do
    [ -r "$sys/serial" ] || continue
    # virtio-blk's serial file has no newline: read fails at EOF, yet sets $serial.
    serial=
    read -r serial <"$sys/serial" || [ -n "$serial" ] || continue
    [ "$serial" = "$1" ] && disk_dev=/dev/${sys##*/} && return 0
  done
  case $1 in */* | .*) return 1 ;; esac
  [ -b "/dev/$1" ] && disk_dev=/dev/$1
}

disk_write() {
  find_disk "$2" || { echo "$CMD_DONE_MARKER $1 error disk-write no disk $2"; return; }
  case $3 in
    '' | *[!A-Za-z0-9._:-]*) echo "$CMD_DONE_MARKER $1 error disk-write bad text"; return ;;
  esac
  [ ${#3} -le 200 ] || { echo "$CMD_DONE_MARKER $1 error disk-write text longer than 200"; return; }
  # One whole sector: O_DIRECT transfers whole logical blocks only.
  if { printf '%s %s\n' "$DISK_DATA_TAG" "$3"; head -c 512 /dev/zero; } | head -c 512 |
    dd of="$disk_dev" bs=512 count=1 seek="$DISK_DATA_OFFSET_SECTORS" iflag=fullblock oflag=direct conv=notrunc,fsync 2>/tmp/dd.err; then
    echo "$CMD_DONE_MARKER $1 ok disk-write $2"
  else
    echo "$CMD_DONE_MARKER $1 error disk-write dd: $(tr '\n' ' ' </tmp/dd.err)"
  fi
}

disk_read() {
  find_disk "$2" || { echo "$CMD_DONE_MARKER $1 error disk-read no disk $2"; return; }
  if ! dd if="$disk_dev" bs=512 count=1 skip="$DISK_DATA_OFFSET_SECTORS" iflag=direct of=/tmp/block 2>/tmp/dd.err; then
    echo "$CMD_DONE_MARKER $1 error disk-read dd: $(tr '\n' ' ' </tmp/dd.err)"
    return
  fi
  first=$(head -n 1 /tmp/block | tr -d '\000')
  case $first in
    "$DISK_DATA_TAG "*) echo "$CMD_DONE_MARKER $1 ok disk-read $2 data=${first#"$DISK_DATA_TAG "}" ;;
    '') echo "$CMD_DONE_MARKER $1 ok disk-read $2 empty" ;;
    *) echo "$CMD_DONE_MARKER $1 error disk-read $2 holds something else: $(printf '%s' "$first" | tr -dc 'A-Za-z0-9._: -' | head -c 60)" ;;
  esac
}

# One line a second until the guest stops: a counter and the uptime, so a test can tell that the
# guest kept running (migration, pause/resume) and for how long.
count_forever() {
  n=0
  while :; do
    n=$((n + 1))
    read -r uptime _ </proc/uptime
    echo "$COUNT_MARKER n=$n uptime=$uptime"
    sleep 1
  done
}

# Sets $fs_dir to the mount point of the virtiofs share $1, mounting it (at /mnt/fs/<tag>) on first use;
# fails with the reason in $fs_err. The tag is libvirt's <target dir>, at most 36 bytes.
mount_share() {
  fs_dir=/mnt/fs/$1
  case $1 in
    '' | *[!A-Za-z0-9._-]*) fs_err="bad tag" && return 1 ;;
  esac
  grep -q " $fs_dir virtiofs " /proc/mounts && return 0
  # The driver is loaded on first use (load_modules is /init's), not at boot.
  grep -q '^virtiofs ' /proc/modules || load_modules /etc/modules.fs
  mkdir -p "$fs_dir"
  mount -t virtiofs "$1" "$fs_dir" 2>/tmp/mount.err && return 0
  fs_err="mount: $(tr '\n' ' ' </tmp/mount.err)"
  return 1
}

# A file name in the share's top directory: no path, no dot files.
check_file() {
  case $1 in
    '' | .* | *[!A-Za-z0-9._-]*) return 1 ;;
  esac
}

fs_read() {
  mount_share "$2" || { echo "$CMD_DONE_MARKER $1 error fs-read $fs_err"; return; }
  check_file "$3" || { echo "$CMD_DONE_MARKER $1 error fs-read bad file name"; return; }
  [ -f "$fs_dir/$3" ] || { echo "$CMD_DONE_MARKER $1 error fs-read no file $3"; return; }
  # A last line without a newline still sets $first (read fails at EOF).
  first=
  read -r first <"$fs_dir/$3" || :
  [ -n "$first" ] || { echo "$CMD_DONE_MARKER $1 ok fs-read $2 $3 empty"; return; }
  echo "$CMD_DONE_MARKER $1 ok fs-read $2 $3 data=$(printf '%s' "$first" | tr -dc 'A-Za-z0-9._: -' | head -c 200)"
}

fs_write() {
  mount_share "$2" || { echo "$CMD_DONE_MARKER $1 error fs-write $fs_err"; return; }
  check_file "$3" || { echo "$CMD_DONE_MARKER $1 error fs-write bad file name"; return; }
  case $4 in
    '' | *[!A-Za-z0-9._:-]*) echo "$CMD_DONE_MARKER $1 error fs-write bad text"; return ;;
  esac
  # sync: the host reads the file as soon as the answer is in.
  if printf '%s\n' "$4" >"$fs_dir/$3" 2>/tmp/fs.err && sync; then
    echo "$CMD_DONE_MARKER $1 ok fs-write $2 $3"
  else
    echo "$CMD_DONE_MARKER $1 error fs-write $(tr '\n' ' ' </tmp/fs.err)"
  fi
}

# Rewrites a <MiB>-MiB file in the initramfs' rootfs (RAM: its pages are guest memory) with random
# data, one MiB at a time, forever: memory that a live migration's pre-copy must send again and again.
# Random, not zeros: QEMU sends a zero page as a header only. The pages are overwritten in place
# (conv=notrunc), so the same guest pages are dirtied each pass. About once a second (at most once a
# pass) it says how far it got, so a test can see it keeps running (across a migration, too).
DIRTY_MAX_MIB=128
dirty_forever() {
  head -c 1048576 /dev/urandom >/tmp/dirty.src
  : >/tmp/dirty.buf
  pass=0
  said=
  while :; do
    pass=$((pass + 1))
    i=0
    while [ "$i" -lt "$1" ]; do
      dd if=/tmp/dirty.src of=/tmp/dirty.buf bs=1048576 count=1 seek="$i" conv=notrunc 2>/dev/null
      i=$((i + 1))
    done
    read -r uptime _ </proc/uptime
    if [ "${uptime%.*}" != "$said" ]; then
      said=${uptime%.*}
      echo "$DIRTY_MARKER pass=$pass mib=$1 uptime=$uptime"
    fi
  done
}

dirty() {
  case $2 in
    '' | *[!0-9]*) echo "$CMD_DONE_MARKER $1 error dirty bad size"; return ;;
  esac
  if [ "$2" -lt 1 ] || [ "$2" -gt "$DIRTY_MAX_MIB" ]; then
    echo "$CMD_DONE_MARKER $1 error dirty size not in 1..$DIRTY_MAX_MIB"
    return
  fi
  dirty_forever "$2" &
  echo "$CMD_DONE_MARKER $1 ok dirty $2"
}

# Runs one console line "$CMD_MARKER <id> <command> [args]" (the caller checked the marker).
run_command() {
  # Split the line into words, without expanding globs in them.
  set -f
  # shellcheck disable=SC2086 # split on purpose
  set -- $1
  set +f
  id=${2:-none}
  case ${3:-} in
    disk-write) disk_write "$id" "${4:-}" "${5:-}" ;;
    disk-read) disk_read "$id" "${4:-}" ;;
    fs-read) fs_read "$id" "${4:-}" "${5:-}" ;;
    fs-write) fs_write "$id" "${4:-}" "${5:-}" "${6:-}" ;;
    count)
      count_forever &
      echo "$CMD_DONE_MARKER $id ok count"
      ;;
    dirty) dirty "$id" "${4:-}" ;;
    *) echo "$CMD_DONE_MARKER $id error ${3:-none} unknown command" ;;
  esac
}
