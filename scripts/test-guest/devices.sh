# shellcheck shell=sh
# The test guest's device watcher: /init (scripts/test-guest/init.sh) sources this file from
# /lib/test-guest/devices.sh, calls devices_baseline before its ready marker and runs devices_watch
# in the background after it. Busybox sh; the markers come from /etc/test-guest.conf.
#
# Once READY is out, the guest prints one console line per change it sees (polled about every
# 0.3 s, with shell builtins only: no fork per look, the guest runs under TCG):
#   $BLOCK_MARKER add <dev> size=<n>     a disk (vd*, sd*) or cdrom drive (sr*) appeared; n in
#                                        512-byte sectors, 0 for a drive without a medium
#   $BLOCK_MARKER remove <dev>           it is gone (the guest let go of a hot-unplugged disk)
#   $BLOCK_MARKER resize <dev> size=<n>  a disk's capacity changed (virsh blockresize)
#   $BLOCK_MARKER media <dev> size=<n>   a cdrom's medium changed: inserted (its size) or ejected (0)
#   $NET_MARKER add <if> mac=<mac>       a network interface appeared (lo is left out)
#   $NET_MARKER remove <if>
#   $MEM_MARKER total=<kB>               MemTotal, once before READY and then at each change: the
#                                        virtio balloon takes what it inflates out of MemTotal
#   $CPU_MARKER online=<list>            the online CPUs (e.g. 0-1), once before READY and then at
#                                        each change; a hot-plugged CPU is onlined first (no udev)
#   $UNPLUG_MARKER ...                   the unplug variants, see unplug_setup below
# <dev> and <if> are the guest's names (vda, sr0, eth0), which do not follow libvirt's targets.

# Sets $blocks to " dev=size dev=size ..." for the disks and cdrom drives there are now.
scan_blocks() {
  blocks=
  for sys in /sys/block/*; do
    dev=${sys##*/}
    case $dev in
      sr*)
        # A cdrom's size in sysfs is only re-read when the drive is opened, and it keeps the last
        # medium's size after an eject. So open it: no medium fails (ENOMEDIUM), a new one is
        # measured. `true` is a regular builtin: a failed redirection does not end the shell
        # (with ':', a special builtin, it would). The cdrom module is loaded with autoclose=0
        # and lockdoor=0, so these opens never close the tray or lock it under libvirt's feet.
        if true 2>/dev/null <"/dev/$dev"; then read -r size <"$sys/size" || size=0; else size=0; fi
        ;;
      vd* | sd*) read -r size <"$sys/size" || continue ;;
      *) continue ;;
    esac
    blocks="$blocks $dev=$size"
  done
}

# Prints a line for each difference between the lists $1 (before) and $2 (now) of scan_blocks.
report_blocks() {
  for entry in $2; do
    dev=${entry%%=*}
    case " $1 " in
      *" $entry "*) ;;
      *" $dev="*)
        case $dev in sr*) verb=media ;; *) verb=resize ;; esac
        echo "$BLOCK_MARKER $verb $dev size=${entry#*=}"
        ;;
      *) echo "$BLOCK_MARKER add $dev size=${entry#*=}" ;;
    esac
  done
  for entry in $1; do
    case " $2 " in *" ${entry%%=*}="*) ;; *) echo "$BLOCK_MARKER remove ${entry%%=*}" ;; esac
  done
}

# Sets $nets to " if=mac ..." for the network interfaces there are now, loopback aside.
scan_nets() {
  nets=
  for sys in /sys/class/net/*; do
    dev=${sys##*/}
    [ "$dev" = lo ] && continue
    read -r mac <"$sys/address" || continue
    nets="$nets $dev=$mac"
  done
}

# Prints a line for each difference between the lists $1 (before) and $2 (now) of scan_nets
# (a changed address reads as remove, then add).
report_nets() {
  for entry in $1; do
    case " $2 " in *" $entry "*) ;; *) echo "$NET_MARKER remove ${entry%%=*}" ;; esac
  done
  for entry in $2; do
    case " $1 " in *" $entry "*) ;; *) echo "$NET_MARKER add ${entry%%=*} mac=${entry#*=}" ;; esac
  done
}

# Sets $mem to MemTotal in kB (the first line of /proc/meminfo: "MemTotal:  223352 kB").
scan_mem() {
  read -r _ mem _ </proc/meminfo
}

# Onlines the CPUs that appeared since the last look, then sets $cpus to the online list. A
# hot-plugged vCPU arrives offline: onlining it is udev's job on a normal system. A CPU whose
# online write fails stays "new" and is tried again next time.
scan_cpus() {
  seen=
  for dir in /sys/devices/system/cpu/cpu[0-9]*; do
    name=${dir##*/}
    case " $cpu_dirs " in
      *" $name "*) ;;
      *)
        if [ -r "$dir/online" ] && read -r on <"$dir/online" && [ "$on" = 0 ]; then
          { echo 1 >"$dir/online"; } 2>/dev/null || continue
        fi
        ;;
    esac
    seen="$seen $name"
  done
  cpu_dirs=$seen
  read -r cpus </sys/devices/system/cpu/online
}

# --- unplug variants --------------------------------------------------------------------------
#
# $UNPLUG_PARAMETER=ignore-first|never (test_guest.unplug) on the kernel command line makes the
# guest hold on to hot-unplugged PCI devices: ignore-first ignores the first unplug request and
# honours later ones, never ignores them all. The guest arms once it has seen a hot-added PCI
# device, because plugs and unplugs share the signal it silences: from then on, the next PCI
# hotplug event, plug or unplug, is ignored (ignore-first), or every one is (never). How it
# silences them depends on how the machine signals PCI hotplug (docs/test-environment.md, "PCI
# hot-unplug"):
#   acpi    QEMU's default on q35 since 6.1: a request is an ACPI GPE (GPE 0x01, whose handler
#           tells the guest which slots to eject). The guest masks that GPE, so a request only
#           sets its status bit, which the guest then clears. QEMU keeps the ignored request
#           pending: once the guest unmasks the GPE, the next request's event makes it eject.
#   native  the PCIe root ports' own hotplug (pciehp), when ACPI PCI hotplug is off: a request
#           presses the slot's attention button (QEMU presses it on plug too). The guest clears
#           Attention Button Pressed Enable in each port's Slot Control, so a press only sets the
#           Attention Button Pressed bit in Slot Status, which the guest clears (write 1).
# Lines:
#   $UNPLUG_MARKER armed hotplug=<acpi|native> variant=<v>  requests are ignored from now on
#   $UNPLUG_MARKER ignored hotplug=<acpi|native> [port=<p>] one was (the device stays)
#   $UNPLUG_MARKER disarmed                                 (ignore-first) later ones are honoured
readonly GPE=/sys/firmware/acpi/interrupts/gpe01

# Prints byte $2 (decimal offset) of the PCI config space file $1, in decimal.
peek() {
  echo "$(($(od -A n -t u1 -j "$2" -N 1 "$1")))"
}

# Writes byte value $3 at offset $2 of the PCI config space file $1.
poke() {
  # shellcheck disable=SC2059 # the format is the octal escape of the byte, built on purpose
  printf "\\$(printf %o "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# Prints the offset of the PCI Express capability (id 0x10) in the config space file $1.
pcie_cap() {
  off=$(peek "$1" 52) # 0x34: the capabilities pointer
  while [ "$off" -ne 0 ]; do
    [ "$(peek "$1" "$off")" -eq 16 ] && echo "$off" && return 0
    off=$(peek "$1" $((off + 1)))
  done
  return 1
}

# Sets or clears Attention Button Pressed Enable (bit 0 of Slot Control, capability + 0x18) on
# every hotplug port; $1 is 1 or 0.
set_abpe() {
  for p in $ports; do
    cfg=/sys/bus/pci/devices/${p%@*}/config
    ctl=$((${p#*@} + 24))
    v=$(peek "$cfg" "$ctl")
    poke "$cfg" "$ctl" $(((v & 254) | $1))
  done
}

unplug_setup() {
  unplug='' hotplug='' armed='' ports=''
  read -r cmdline </proc/cmdline
  for word in $cmdline; do
    case $word in "$UNPLUG_PARAMETER"=*) unplug=${word#*=} ;; esac
  done
  case $unplug in
    '') return 0 ;;
    ignore-first | never) ;;
    *)
      echo "LIBVIRT_MANAGER_GUEST_WARN unknown $UNPLUG_PARAMETER=$unplug (ignore-first or never): unplug requests are honoured"
      unplug=
      return 0
      ;;
  esac
  # Ports bound to pciehp (its port service devices are named <port>:pcie<n>).
  for svc in /sys/bus/pci_express/drivers/pciehp/*:pcie*; do
    [ -e "$svc" ] || continue
    port=${svc##*/}
    port=${port%:pcie*}
    if cap=$(pcie_cap "/sys/bus/pci/devices/$port/config"); then
      ports="$ports $port@$cap"
    else
      echo "LIBVIRT_MANAGER_GUEST_WARN no PCI Express capability on hotplug port $port"
    fi
  done
  if [ -n "$ports" ]; then
    hotplug=native
  elif [ -w "$GPE" ]; then
    hotplug=acpi
  else
    echo "LIBVIRT_MANAGER_GUEST_WARN neither pciehp ports nor $GPE: unplug requests are honoured"
    unplug=
  fi
}

unplug_poll() {
  if [ -z "$armed" ]; then
    # A PCI device was hot-added (its hotplug event has been handled by now): arm.
    set -- /sys/bus/pci/devices/*
    if [ "$#" -gt "$pci_count" ]; then
      case $hotplug in
        acpi) echo mask >"$GPE" ;;
        native) set_abpe 0 ;;
      esac
      armed=1
      echo "$UNPLUG_MARKER armed hotplug=$hotplug variant=$unplug"
    fi
    pci_count=$#
    return 0
  fi
  case $hotplug in
    acpi)
      read -r state <"$GPE"
      case " $state " in *" STS "*) ;; *) return 0 ;; esac
      echo clear >"$GPE"
      echo "$UNPLUG_MARKER ignored hotplug=acpi"
      if [ "$unplug" = ignore-first ]; then
        echo unmask >"$GPE"
        unplug=''
        echo "$UNPLUG_MARKER disarmed"
      fi
      ;;
    native)
      for p in $ports; do
        cfg=/sys/bus/pci/devices/${p%@*}/config
        sta=$((${p#*@} + 26))
        [ $(($(peek "$cfg" "$sta") & 1)) -eq 1 ] || continue
        poke "$cfg" "$sta" 1
        echo "$UNPLUG_MARKER ignored hotplug=native port=${p%@*}"
        if [ "$unplug" = ignore-first ]; then
          set_abpe 1
          unplug=''
          echo "$UNPLUG_MARKER disarmed"
          return 0
        fi
      done
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------

# Before READY: the state that later lines are differences from, the two lines that state it
# (memory and CPUs), and the unplug variant armed when it arms at boot.
devices_baseline() {
  cpu_dirs=
  scan_blocks
  scan_nets
  scan_mem
  scan_cpus
  set -- /sys/bus/pci/devices/*
  pci_count=$#
  echo "$MEM_MARKER total=$mem"
  echo "$CPU_MARKER online=$cpus"
  unplug_setup
}

# After READY, in the background: look, report, nap, forever.
devices_watch() {
  # The nap is a read with a timeout on a FIFO that nobody writes: a builtin, not a fork of sleep.
  mkfifo /tmp/.devices-nap
  exec 7<>/tmp/.devices-nap
  while :; do
    [ -n "$unplug" ] && unplug_poll
    old=$blocks
    scan_blocks
    [ "$blocks" = "$old" ] || report_blocks "$old" "$blocks"
    old=$nets
    scan_nets
    [ "$nets" = "$old" ] || report_nets "$old" "$nets"
    old=$mem
    scan_mem
    [ "$mem" = "$old" ] || echo "$MEM_MARKER total=$mem"
    old=$cpus
    scan_cpus
    [ "$cpus" = "$old" ] || echo "$CPU_MARKER online=$cpus"
    # shellcheck disable=SC3045 # busybox sh's read has -t (fractions too) and -u
    read -r -t 0.3 -u 7 _
  done
}
