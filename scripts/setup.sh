#!/usr/bin/env bash
# Idempotent setup: Debian packages the runtime needs (when root), npm packages, build.
# Safe to run before every command; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS="bubblewrap busybox-static fio git etcd-server e2fsprogs"
need=()
for cmd_pkg in bwrap:bubblewrap busybox:busybox-static fio:fio git:git etcd:etcd-server mkfs.ext4:e2fsprogs; do
  command -v "${cmd_pkg%%:*}" >/dev/null 2>&1 || need+=("${cmd_pkg#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]} (not root: install them with your package manager; pods will be simulated without bubblewrap)" >&2
  fi
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.stowage-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >/dev/null
  echo "$want" > "$stamp"
fi

# Build: tsc is incremental; the generated OpenAPI document is rebuilt only when its inputs change.
npx tsc -p tsconfig.json
node dist/scripts/gen-openapi.js --if-stale
