#!/bin/sh
# Makes the container's base image, tessera-base:bookworm, from Debian's packages alone: debootstrap a
# minimal bookworm root filesystem and `podman import` it. No registry is asked for an image.
#
#   sudo scripts/container-base.sh            # or as root; needs debootstrap and podman
#
# Environment:
#   TESSERA_BASE_IMAGE   the name to import as (default tessera-base:bookworm)
#   DEBIAN_MIRROR        the Debian mirror (default: the first in /etc/apt/sources.list*, else deb.debian.org)
#   DEBIAN_SUITE         default bookworm
#   CONTAINER_ENGINE     podman (default) or docker (imports with `docker import`)
set -eu

image=${TESSERA_BASE_IMAGE:-tessera-base:bookworm}
suite=${DEBIAN_SUITE:-bookworm}
engine=${CONTAINER_ENGINE:-podman}

if [ -z "${DEBIAN_MIRROR:-}" ]; then
  # deb822 (URIs: ...) or one-line (deb URL suite ...) sources; the first Debian one wins.
  DEBIAN_MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -n -e 's/^URIs:[[:space:]]*\([^[:space:]]*debian\/\{0,1\}\)$/\1/p' -e 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*debian\/\{0,1\}\)[[:space:]].*/\2/p' |
    head -n 1)
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

for tool in debootstrap "$engine" tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "container-base: $tool is missing (apt-get install -y debootstrap podman)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

echo "container-base: debootstrap $suite from $mirror (a few minutes)"
# minbase: dpkg, apt and essential tools only. Node's binary and the native addons (better-sqlite3,
# argon2) need glibc, libstdc++ and libgcc, which minbase has; ca-certificates for outbound TLS
# (JWKS, SMTP).
debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" "$mirror"

# What a runtime image does not need: package caches and lists, documentation, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log "$rootfs"/var/cache/debconf/*-old
# The same sources apt would use inside the image, should someone extend it.
printf 'deb %s %s main\n' "$mirror" "$suite" > "$rootfs"/etc/apt/sources.list

tar -C "$rootfs" --numeric-owner -cf "$work/rootfs.tar" .
"$engine" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' \
  "$work/rootfs.tar" "$image"
echo "container-base: imported $image"
