#!/usr/bin/env bash
# Checks a host before udpnotif-recv-dpdk is started on it (docs/deploy-dpdk.md): hugepages
# (per size and per NUMA node), hugetlbfs, IOMMU / VFIO, the NICs' drivers, isolated cores vs
# the lcores given with -l, RLIMIT_MEMLOCK, CPU flags. Each check prints OK, WARN or FAIL, and
# a fix under every WARN and FAIL. Reads only; changes nothing.
#
# Usage: tools/dpdk-preflight.sh [EAL-ARGS...]
#   Takes the EAL arguments you mean to start udpnotif-recv-dpdk with (everything before its
#   `--`; anything after a `--` is ignored); it reads these and ignores the others:
#     -l LIST / --lcores LIST (plain CPU lists only: 1-5, 1,3,5-7), --main-lcore N,
#     -a / --allow PCI (repeatable), --socket-mem MB,MB,..., -m MB, --no-huge, --no-pci
#   e.g. tools/dpdk-preflight.sh -l 1-5 --main-lcore 1 -a 0000:3b:00.0 --socket-mem 2048,0
# Exit status: 0 when nothing FAILed (WARNs allowed), 1 when a check FAILed, 2 on bad usage.
# UDPN_PREFLIGHT_ROOT=DIR reads DIR/sys and DIR/proc instead of /sys and /proc (tests).
set -u -o pipefail

root=${UDPN_PREFLIGHT_ROOT:-}
sys=$root/sys
proc=$root/proc

n_ok=0
n_warn=0
n_fail=0

ok() {
  printf 'OK    %s\n' "$1"
  n_ok=$((n_ok + 1))
}
# warn/fail MESSAGE FIX
warn() {
  printf 'WARN  %s\n      fix: %s\n' "$1" "$2"
  n_warn=$((n_warn + 1))
}
fail() {
  printf 'FAIL  %s\n      fix: %s\n' "$1" "$2"
  n_fail=$((n_fail + 1))
}
info() {
  printf 'INFO  %s\n' "$1"
}

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}

# expand_list "1-3,7" -> "1 2 3 7" (empty on a malformed list)
expand_list() {
  local part lo hi i out=()
  local IFS=,
  for part in $1; do
    if [[ $part =~ ^([0-9]+)-([0-9]+)$ ]]; then
      lo=${BASH_REMATCH[1]}
      hi=${BASH_REMATCH[2]}
      for ((i = lo; i <= hi; i++)); do out+=("$i"); done
    elif [[ $part =~ ^[0-9]+$ ]]; then
      out+=("$part")
    else
      return 1
    fi
  done
  IFS=' '
  echo "${out[*]}"
}

# in_list WORD "LIST OF WORDS"
in_list() {
  local w
  for w in $2; do
    [ "$w" = "$1" ] && return 0
  done
  return 1
}

# pci_full 3b:00.0 -> 0000:3b:00.0 (device arguments after a comma dropped)
pci_full() {
  local a=${1%%,*}
  [[ $a =~ ^[0-9a-fA-F]{4}: ]] || a=0000:$a
  echo "${a,,}"
}

read_file() {
  local v=""
  [ -r "$1" ] && v=$(cat "$1" 2>/dev/null)
  echo "$v"
}

# ---------------------------------------------------------------- arguments
lcore_arg=""
main_lcore=""
allow=()
socket_mem=""
mem_mb=""
no_huge=0
no_pci=0
while [ $# -gt 0 ]; do
  case $1 in
  -h | --help)
    usage
    exit 0
    ;;
  --) break ;;
  -l | --lcores) lcore_arg=${2:-}; shift ;;
  -l* ) lcore_arg=${1#-l} ;;
  --lcores=*) lcore_arg=${1#*=} ;;
  --main-lcore) main_lcore=${2:-}; shift ;;
  --main-lcore=*) main_lcore=${1#*=} ;;
  -a | --allow) allow+=("$(pci_full "${2:-}")"); shift ;;
  --allow=*) allow+=("$(pci_full "${1#*=}")") ;;
  --socket-mem) socket_mem=${2:-}; shift ;;
  --socket-mem=*) socket_mem=${1#*=} ;;
  -m) mem_mb=${2:-}; shift ;;
  --no-huge) no_huge=1 ;;
  --no-pci) no_pci=1 ;;
  *) ;; # other EAL arguments: not checked
  esac
  shift
done

lcores=""
if [ -n "$lcore_arg" ]; then
  if ! lcores=$(expand_list "$lcore_arg") || [ -z "$lcores" ]; then
    echo "dpdk-preflight: cannot read the lcore list '$lcore_arg' (only plain lists such as 1-5 or 1,3,5-7)" >&2
    exit 2
  fi
fi
if [ -n "$main_lcore" ] && ! [[ $main_lcore =~ ^[0-9]+$ ]]; then
  echo "dpdk-preflight: --main-lcore '$main_lcore' is not a number" >&2
  exit 2
fi
[ -z "$main_lcore" ] && [ -n "$lcores" ] && main_lcore=${lcores%% *}
rx_lcores=""
for c in $lcores; do
  [ "$c" = "$main_lcore" ] || rx_lcores+="${rx_lcores:+ }$c"
done

# Hugepage memory asked for, in MB per node (--socket-mem) or in all (-m).
need_total_mb=0
declare -a need_node_mb=()
if [ -n "$socket_mem" ]; then
  IFS=, read -r -a need_node_mb <<<"$socket_mem"
  for v in "${need_node_mb[@]}"; do
    [[ $v =~ ^[0-9]+$ ]] || { echo "dpdk-preflight: bad --socket-mem '$socket_mem'" >&2; exit 2; }
    need_total_mb=$((need_total_mb + v))
  done
elif [ -n "$mem_mb" ]; then
  [[ $mem_mb =~ ^[0-9]+$ ]] || { echo "dpdk-preflight: bad -m '$mem_mb'" >&2; exit 2; }
  need_total_mb=$mem_mb
fi

echo "udpnotif-recv-dpdk preflight on $(uname -n) ($(uname -r))"

# ---------------------------------------------------------------- hugepages
hp_fix="reserve at boot (kernel command line: default_hugepagesz=1G hugepagesz=1G hugepages=4) or now: dpdk-hugepages.py --pagesize 2M --setup 4G (docs/deploy-dpdk.md §1)"
if [ "$no_huge" = 1 ]; then
  ok "hugepages: not needed (--no-huge; test and laptop runs only, not for line rate)"
else
  total_free_kb=0
  total_nr=0
  if ! compgen -G "$sys/kernel/mm/hugepages/hugepages-*" >/dev/null; then
    fail "hugepages: $sys/kernel/mm/hugepages missing (kernel without hugetlbfs support?)" \
      "use a kernel built with CONFIG_HUGETLBFS"
  else
    for d in "$sys"/kernel/mm/hugepages/hugepages-*; do
      size_kb=${d##*hugepages-}
      size_kb=${size_kb%kB}
      nr=$(read_file "$d/nr_hugepages")
      free=$(read_file "$d/free_hugepages")
      nr=${nr:-0}
      free=${free:-0}
      total_nr=$((total_nr + nr))
      total_free_kb=$((total_free_kb + free * size_kb))
      line="hugepages ${size_kb} kB: $nr reserved, $free free ($((free * size_kb / 1024)) MB)"
      if [ "$nr" -gt 0 ] && [ "$free" -eq 0 ]; then
        warn "$line: all in use (another DPDK process, or runtime files left in the hugetlbfs mount)" \
          "stop the other process or remove stale files (dpdk-hugepages.py --clear, then --setup)"
      else
        info "$line"
      fi
    done
    if [ "$total_nr" -eq 0 ]; then
      fail "hugepages: none reserved, of any size" "$hp_fix"
    elif [ "$need_total_mb" -gt 0 ] && [ $((total_free_kb / 1024)) -lt "$need_total_mb" ]; then
      fail "hugepages: $((total_free_kb / 1024)) MB free, EAL is asked for $need_total_mb MB" "$hp_fix"
    else
      asked=""
      [ "$need_total_mb" -gt 0 ] && asked=" (asked: $need_total_mb MB)"
      ok "hugepages: $((total_free_kb / 1024)) MB free$asked"
    fi
  fi
  # Per NUMA node.
  for nd in "$sys"/devices/system/node/node[0-9]*; do
    [ -d "$nd" ] || continue
    node=${nd##*node}
    node_free_kb=0
    desc=""
    for d in "$nd"/hugepages/hugepages-*; do
      [ -d "$d" ] || continue
      size_kb=${d##*hugepages-}
      size_kb=${size_kb%kB}
      nr=$(read_file "$d/nr_hugepages")
      free=$(read_file "$d/free_hugepages")
      node_free_kb=$((node_free_kb + ${free:-0} * size_kb))
      desc+=" ${size_kb}kB:${nr:-0}/${free:-0}"
    done
    want=${need_node_mb[$node]:-0}
    msg="hugepages node $node (size:reserved/free):$desc = $((node_free_kb / 1024)) MB free"
    if [ "$want" -gt 0 ] && [ $((node_free_kb / 1024)) -lt "$want" ]; then
      fail "$msg, --socket-mem asks $want MB" \
        "reserve on that node: dpdk-hugepages.py --pagesize 2M --node $node --reserve ${want}M (or echo N > $nd/hugepages/hugepages-2048kB/nr_hugepages)"
    elif [ "$node_free_kb" -eq 0 ] && [ "$total_nr" -gt 0 ]; then
      warn "$msg" "if RX lcores or NICs are on node $node, reserve pages there: dpdk-hugepages.py --pagesize 2M --node $node --reserve 2G"
    else
      info "$msg"
    fi
  done

  for ((i = 0; i < ${#need_node_mb[@]}; i++)); do
    if [ "${need_node_mb[$i]}" -gt 0 ] && [ ! -d "$sys/devices/system/node/node$i" ]; then
      fail "hugepages: --socket-mem asks ${need_node_mb[$i]} MB on NUMA node $i, which this host does not have" \
        "one --socket-mem value per node of this host: $(read_file "$sys/devices/system/node/online")"
    fi
  done

  # hugetlbfs mount
  mounts=$(awk '$3 == "hugetlbfs" { print $2 " (" $4 ")" }' "$proc/mounts" 2>/dev/null)
  if [ -n "$mounts" ]; then
    ok "hugetlbfs mounted: $(echo "$mounts" | paste -sd ' ' -)"
  else
    fail "hugetlbfs: not mounted" \
      "mount -t hugetlbfs nodev /dev/hugepages (systemd: systemctl start dev-hugepages.mount; or dpdk-hugepages.py --mount)"
  fi
fi

# ---------------------------------------------------------------- IOMMU / VFIO
iommu_groups=0
if [ -d "$sys/kernel/iommu_groups" ]; then
  iommu_groups=$(find "$sys/kernel/iommu_groups" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
fi
noiommu=$(read_file "$sys/module/vfio/parameters/enable_unsafe_noiommu_mode")
cmdline=$(read_file "$proc/cmdline")
if [ "$iommu_groups" -gt 0 ]; then
  ok "IOMMU: enabled ($iommu_groups IOMMU groups)"
elif [ "$noiommu" = Y ] || [ "$noiommu" = 1 ]; then
  warn "IOMMU: off, VFIO in no-IOMMU mode (works, but a device can DMA anywhere in memory)" \
    "for isolation enable the IOMMU: intel_iommu=on iommu=pt (AMD: iommu=pt) on the kernel command line"
else
  iommu_args=$(echo "$cmdline" | tr ' ' '\n' | grep -E '^(intel_iommu|amd_iommu|iommu)=' | paste -sd ' ' -)
  fail "IOMMU: no IOMMU group in $sys/kernel/iommu_groups and VFIO no-IOMMU mode off (kernel command line: ${iommu_args:-no iommu option})" \
    "intel_iommu=on iommu=pt (AMD: iommu=pt) on the kernel command line and reboot, with VT-d/AMD-Vi on in the firmware; or, without an IOMMU (VMs): modprobe vfio enable_unsafe_noiommu_mode=1. mlx5 NICs need neither"
fi

if [ -d "$sys/module/vfio_pci" ] || [ -d "$sys/bus/pci/drivers/vfio-pci" ]; then
  if [ -e /dev/vfio/vfio ] || [ -n "$root" ]; then
    ok "vfio-pci: loaded"
  else
    warn "vfio-pci: loaded but /dev/vfio/vfio missing" "modprobe vfio; check udev"
  fi
else
  fail "vfio-pci: module not loaded" \
    "modprobe vfio-pci (at boot: echo vfio-pci > /etc/modules-load.d/vfio-pci.conf); mlx5 NICs do not need it"
fi

# ---------------------------------------------------------------- NIC binding
devbind=""
for cand in dpdk-devbind.py dpdk-devbind; do
  if command -v "$cand" >/dev/null 2>&1; then
    devbind=$cand
    break
  fi
done
if [ "$no_pci" = 1 ]; then
  ok "NICs: not used (--no-pci)"
elif [ ${#allow[@]} -gt 0 ]; then
  for a in "${allow[@]}"; do
    dev=$sys/bus/pci/devices/$a
    if [ ! -e "$dev" ]; then
      fail "NIC $a: no such PCI device" "$devbind --status (or lspci -D) lists the addresses"
      continue
    fi
    drv=""
    [ -L "$dev/driver" ] && drv=$(basename "$(readlink "$dev/driver")")
    numa=$(read_file "$dev/numa_node")
    where="NIC $a (NUMA node ${numa:-?})"
    case $drv in
    vfio-pci) ok "$where: bound to vfio-pci" ;;
    mlx5_core | mlx4_core) ok "$where: $drv (bifurcated: DPDK uses it through ibverbs, do not rebind)" ;;
    uio_pci_generic | igb_uio)
      warn "$where: bound to $drv" "prefer vfio-pci: ${devbind:-dpdk-devbind.py} --bind=vfio-pci $a" ;;
    "")
      fail "$where: no driver bound" "modprobe vfio-pci; ${devbind:-dpdk-devbind.py} --bind=vfio-pci $a" ;;
    *)
      fail "$where: bound to the kernel driver $drv" \
        "ip link set <ifname> down; ${devbind:-dpdk-devbind.py} --bind=vfio-pci $a" ;;
    esac
    # RX lcores on the NIC's node
    if [ -n "$rx_lcores" ] && [ -n "$numa" ] && [ "$numa" -ge 0 ] 2>/dev/null; then
      node_cpus=$(expand_list "$(read_file "$sys/devices/system/node/node$numa/cpulist")" || true)
      far=""
      for c in $rx_lcores; do
        in_list "$c" "$node_cpus" || far+="${far:+ }$c"
      done
      if [ -n "$far" ]; then
        warn "$where: RX lcores $far are on another NUMA node" \
          "use CPUs of node $numa ($(read_file "$sys/devices/system/node/node$numa/cpulist")) in -l"
      fi
    fi
  done
else
  bound=()
  for d in "$sys"/bus/pci/drivers/vfio-pci/[0-9a-f]*:*; do
    [ -e "$d" ] && bound+=("$(basename "$d")")
  done
  if [ ${#bound[@]} -gt 0 ]; then
    ok "NICs bound to vfio-pci: ${bound[*]} (pass them with -a to check them one by one)"
  elif compgen -G "$sys/bus/pci/drivers/mlx5_core/*:*" >/dev/null; then
    warn "NICs: none bound to vfio-pci; mlx5 devices present (bifurcated, need no binding)" \
      "pass the device with -a to check it"
  else
    fail "NICs: no device bound to vfio-pci" \
      "${devbind:-dpdk-devbind.py} --status; ip link set <ifname> down; ${devbind:-dpdk-devbind.py} --bind=vfio-pci <PCI address>"
  fi
fi
if [ -n "$devbind" ] && [ "$no_pci" != 1 ] && [ -z "$root" ]; then
  echo "----- $devbind --status-dev net"
  "$devbind" --status-dev net 2>&1 | sed 's/^/      /'
  echo "-----"
elif [ -z "$devbind" ]; then
  info "dpdk-devbind.py not found (Debian: apt install dpdk); read $sys/bus/pci/drivers/vfio-pci instead"
fi

# ---------------------------------------------------------------- cores
online=$(expand_list "$(read_file "$sys/devices/system/cpu/online")" || true)
isolated_raw=$(read_file "$sys/devices/system/cpu/isolated")
isolated=""
[ -n "$isolated_raw" ] && isolated=$(expand_list "$isolated_raw" || true)
nohz=$(read_file "$sys/devices/system/cpu/nohz_full")
[ "$nohz" = "(null)" ] && nohz=""
if [ -z "$lcores" ]; then
  warn "lcores: no -l given: EAL takes every CPU (${online:-?}) and RX lcores poll at 100 %" \
    "pass the lcores you will use, e.g. -l 1-5 --main-lcore 1"
else
  offline=""
  for c in $lcores; do
    [ -z "$online" ] || in_list "$c" "$online" || offline+="${offline:+ }$c"
  done
  if [ -n "$offline" ]; then
    fail "lcores: CPU(s) $offline are not online (online: $(read_file "$sys/devices/system/cpu/online"))" \
      "give EAL only online CPUs; never more lcores than CPUs"
  fi
  if [ -n "$main_lcore" ] && ! in_list "$main_lcore" "$lcores"; then
    fail "lcores: --main-lcore $main_lcore is not in -l $lcore_arg" "add it to -l"
  fi
  if [ -z "$rx_lcores" ]; then
    fail "lcores: -l $lcore_arg leaves no RX lcore (the main lcore $main_lcore runs control only)" \
      "give at least two lcores, e.g. -l 1-2"
  else
    not_iso=""
    rx_csv=${rx_lcores// /,}
    for c in $rx_lcores; do
      in_list "$c" "$isolated" || not_iso+="${not_iso:+ }$c"
    done
    if [ -z "$not_iso" ]; then
      ok "isolated cores: RX lcores $rx_lcores isolated (isolated: $isolated_raw${nohz:+, nohz_full: $nohz})"
    else
      warn "isolated cores: RX lcores $not_iso not isolated (isolated: ${isolated_raw:-none}); they poll at 100 % and share their CPU with other work" \
        "isolcpus=$rx_csv nohz_full=$rx_csv rcu_nocbs=$rx_csv on the kernel command line, and reboot (also the CPUs of pinned workers and producers; docs/deploy-dpdk.md §3)"
    fi
  fi
fi

# ---------------------------------------------------------------- RLIMIT_MEMLOCK
memlock=$(ulimit -l)
cap_eff=$(awk '/^CapEff:/ { print $2 }' "/proc/$$/status" 2>/dev/null)
has_ipc_lock=0
if [ -n "$cap_eff" ] && [ $(((16#$cap_eff >> 14) & 1)) -eq 1 ]; then
  has_ipc_lock=1
fi
if [ "$memlock" = unlimited ]; then
  ok "RLIMIT_MEMLOCK: unlimited"
elif [ "$has_ipc_lock" = 1 ]; then
  ok "RLIMIT_MEMLOCK: $memlock kB, but this shell has CAP_IPC_LOCK (root): the limit does not apply; the service must run with it too"
else
  fail "RLIMIT_MEMLOCK: $memlock kB without CAP_IPC_LOCK: VFIO cannot lock the DMA memory" \
    "LimitMEMLOCK=infinity in the systemd unit, or 'user - memlock unlimited' in /etc/security/limits.conf, or run as root"
fi

# ---------------------------------------------------------------- CPU flags
flags=$(awk -F: '/^flags/ { print $2; exit }' "$proc/cpuinfo" 2>/dev/null)
model=$(awk -F': ' '/^model name/ { print $2; exit }' "$proc/cpuinfo" 2>/dev/null)
if [ -z "$flags" ]; then
  warn "CPU flags: none in $proc/cpuinfo (not x86?)" "check the CPU supports DPDK's build baseline"
else
  if in_list sse4_2 "$flags"; then
    ok "CPU: sse4.2 (${model:-?})"
  else
    fail "CPU: no sse4.2: DPDK's x86 baseline needs it" "run on a newer CPU (or expose the flag to the VM: -cpu host)"
  fi
  if in_list avx2 "$flags"; then
    extra=""
    in_list avx512f "$flags" && extra=", avx512f"
    ok "CPU: avx2$extra (vector RX paths available)"
  else
    warn "CPU: no avx2: PMDs fall back to their SSE RX paths, simdjson to a slower kernel" \
      "a Haswell or newer CPU (VMs: expose host CPU flags)"
  fi
fi

echo "summary: $n_ok OK, $n_warn WARN, $n_fail FAIL"
[ "$n_fail" -eq 0 ]
