#!/bin/sh
# Installs what podbay needs on a fresh Debian machine, then builds it. Idempotent and quick when
# everything is already there, so `npm start` and `npm test` can run it every time.
#
#   - Debian packages (as root, only those missing): runc, conmon, catatonit (PID 1 of pods with
#     shareProcessNamespace), CNI plugins, busybox-static (test
#     and example images), iptables, iproute2, etcd-server (the store peer in benchmarks), attr
#     (setfattr: opaque-directory markers in unpacked image layers for overlayfs), openssl (tests
#     check the certificates podbay writes with it, independently of node:crypto).
#   - npm packages (only when package-lock.json changed since the last install).
#   - the TypeScript build in dist/.
set -eu
cd "$(dirname "$0")/.."

packages="runc conmon catatonit containernetworking-plugins busybox-static iptables iproute2 etcd-server attr openssl"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages:$missing" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: missing Debian packages:$missing (run as root to install them; pods need them)" >&2
  fi
fi

stamp=node_modules/.podbay-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

echo "setup: building" >&2
./node_modules/.bin/tsc -p tsconfig.build.json
