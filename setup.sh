#!/usr/bin/env bash
# Installs everything any part of dpsim needs on a fresh Debian machine (run as root), then
# builds the kernel-side helper and the BPF programs. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(clang-19 llvm-19 libbpf-dev bpftool iproute2 iputils-ping netcat-openbsd socat ethtool
  nftables tcpdump tshark chromium make gcc libelf-dev zlib1g-dev)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages (${missing[*]}); run ./setup.sh as root to install them" >&2
    exit 4
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Native addons (if any) build against the machine's Node headers, never downloaded ones.
export npm_config_nodedir=/usr
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# bpffs: only mounted where it is missing (other tools may keep pins there; dpsim uses dpsim-*).
if [ "$(id -u)" -eq 0 ] && ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
  mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
fi

make -s -C harness
make -s -C bpf
# Compiled JavaScript for bin/dpsim.js and the benchmark (it runs the VM faster than tsx does).
npx tsc -p tsconfig.json
echo "setup: done"
