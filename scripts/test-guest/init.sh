#!/bin/busybox sh
# shellcheck shell=sh
# PID 1 of libvirt-manager's test guest: scripts/build-test-guest.sh copies this file to /init in
# both initramfs images. It runs under busybox sh with busybox applets only (plus qemu-ga), and
# reads its settings (VARIANT=acpi|noacpi, the console markers, the agent's channel and address)
# from /etc/test-guest.conf, which the build script writes per image. The device watcher it starts
# after READY lives in test-guest/devices.sh (/lib/test-guest/devices.sh in the guest), its console
# commands in test-guest/commands.sh (/lib/test-guest/commands.sh).
/bin/busybox mkdir -p /proc /sys /dev /mnt /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
export PATH=/bin
# The initramfs has no /dev/console node, so the kernel started us without stdio.
exec </dev/console >/dev/console 2>&1
# shellcheck source=/dev/null # written by the build script; its variables are listed above
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
        echo "LIBVIRT_MANAGER_GUEST_WARN seed on /dev/$dev has no meta-data file (no Rock Ridge/Joliet names?): $(find /mnt -mindepth 1 -maxdepth 1 | tr '\n' ' ')"
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
    if [ -r "$port/name" ] && read -r name <"$port/name" && [ "$name" = "$AGENT_CHANNEL" ]; then
      [ -c "/dev/${port##*/}" ] && agent_dev=/dev/${port##*/} && return 0
    fi
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

# The device watcher (scripts/test-guest/devices.sh): NICs and the balloon need their drivers
# before it takes stock; its first lines (memory, CPUs, an unplug variant armed) come before READY.
load_modules /etc/modules.device
# shellcheck source=/dev/null # scripts/test-guest/devices.sh, copied here by the build script
. /lib/test-guest/devices.sh
devices_baseline

read -r uptime _ </proc/uptime
echo "LIBVIRT_MANAGER_GUEST_INFO variant=$VARIANT kernel=$(uname -r) uptime=$uptime"
echo "$READY_MARKER"
# From now on, one line per device change (hot-plug, unplug, resize, media, balloon, vCPUs).
devices_watch &
# shellcheck source=/dev/null # scripts/test-guest/commands.sh, copied here by the build script
. /lib/test-guest/commands.sh
# PID 1 must never exit (that would be a kernel panic). Meanwhile it runs each command line typed on
# the console (test-guest/commands.sh) and echoes every other line, so console input can be tested
# end to end; if the console cannot be read, it just waits.
while :; do
  if read -r line; then
    case $line in
      "$CMD_MARKER "*) run_command "$line" ;;
      *) echo "$ECHO_MARKER $line" ;;
    esac
  else
    sleep 1
  fi
done
