#!/bin/sh
# Builds a tiny image from Debian's busybox-static and imports it into podbay as
# localhost/busybox:1 (a tag other than :latest, so imagePullPolicy defaults to IfNotPresent and
# nothing is pulled). Run as root on the machine running `podbay server`:
#
#   sh examples/build-busybox-image.sh [DATA_DIR]
set -eu
data_dir=${1:-/var/lib/podbay}
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "build-busybox-image: $busybox is missing (apt-get install busybox-static)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/var/www" "$work/rootfs/etc"
cp "$busybox" "$work/rootfs/bin/busybox"
# One symlink per applet (sh, sleep, httpd, wget, ...), as `busybox --install -s` would make.
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$work/rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$work/rootfs/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> "$work/rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$work/rootfs/etc/group"
tar -C "$work/rootfs" -cf "$work/busybox.tar" .
"$here/../bin/podbay" image import --data-dir "$data_dir" --name localhost/busybox:1 "$work/busybox.tar"
