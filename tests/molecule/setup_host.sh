#!/usr/bin/env bash
# Prepare this machine for the molecule scenarios (make molecule), idempotently:
#   1. apt packages podman, runc, debootstrap (only the missing ones are installed);
#   2. /etc/containers/containers.conf with runc and no default ulimits (written only when absent or
#      different; an existing different file is kept as containers.conf.bak.<time>);
#   3. the Debian 12 test image localhost/hardening-signal-debian12:<hash of the recipe below>, built with
#      debootstrap and imported with podman, unless that tag already exists (a cache: a second run skips it);
#      images of older recipes are removed after a new build.
# Prints the image reference on stdout (everything else goes to stderr), so callers can do
#   image=$(bash tests/molecule/setup_host.sh)
# Not root: nothing is installed; if anything is missing the script names exactly what and exits 1.
# Options: --check  only report what is missing (exit 1 if anything is), never change the machine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
IMAGE_REPO=localhost/hardening-signal-debian12
PACKAGES=(podman runc debootstrap)
CONTAINERS_CONF=/etc/containers/containers.conf
CONF_WANTED='[containers]
default_ulimits = []
[engine]
runtime = "runc"'

log() { echo "setup_host: $*" >&2; }

check_only=false
[ "${1:-}" = "--check" ] && check_only=true

# The build recipe: everything between the two markers is hashed into the image tag, so changing any
# line of it (package list, suite, mirror, the customisation) builds a new image; old tags stay cached.
# recipe:begin
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
VARIANT=minbase
# python3: Ansible's modules; ca-certificates, gnupg: as on any desktop that adds a signed apt repository;
# python3-apt: what ansible.builtin.apt needs; sudo: what Ansible's become uses (a Debian desktop has both);
# dconf-cli: the real `dconf` tool
# (gnome-shell itself is far too big for a test image: the scenarios add /usr/share/gnome-shell as a
# marker, a stand-in for an installed GNOME Shell).
INCLUDE=python3,ca-certificates,gnupg,python3-apt,sudo,dconf-cli
customise_rootfs() {
  local rootfs=$1
  # No daemons start inside the container's package installs.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  # Smaller image; apt-get update runs inside the container when a test needs package lists.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  # A workstation user (uid 1000) with a home, like the desktop the collection judges.
  chroot "$rootfs" /usr/sbin/useradd --create-home --uid 1000 --shell /bin/bash alice
}
# recipe:end

recipe_hash() {
  sed -n '/^# recipe:begin$/,/^# recipe:end$/p' "$self" | sha256sum | cut -c1-12
}
IMAGE="$IMAGE_REPO:$(recipe_hash)"

missing_packages() {
  local p out=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out+=("$p")
  done
  echo "${out[@]:-}"
}

conf_ok() {
  [ -f "$CONTAINERS_CONF" ] && [ "$(cat "$CONTAINERS_CONF")" = "$CONF_WANTED" ]
}

image_present() {
  command -v podman >/dev/null && podman image exists "$IMAGE" 2>/dev/null
}

report_missing() {
  local pk problems=()
  pk=$(missing_packages)
  [ -n "$pk" ] && problems+=("apt packages: $pk (apt-get install -y $pk)")
  conf_ok || problems+=("$CONTAINERS_CONF with exactly: $(echo "$CONF_WANTED" | tr '\n' ';' | sed 's/;/; /g')")
  image_present || problems+=("podman image $IMAGE (built with debootstrap by this script as root)")
  if [ ${#problems[@]} -gt 0 ]; then
    log "missing:"
    local p
    for p in "${problems[@]}"; do log "  - $p"; done
    return 1
  fi
  return 0
}

if $check_only || [ "$(id -u)" != 0 ]; then
  if report_missing; then
    echo "$IMAGE"
    exit 0
  fi
  if ! $check_only; then
    log "not root: run this script as root (sudo bash $self) to install what is missing"
  fi
  exit 1
fi

# --- 1. packages -------------------------------------------------------------------------------------
pk=$(missing_packages)
if [ -n "$pk" ]; then
  log "installing: $pk"
  # shellcheck disable=SC2086  # word splitting of the package list is wanted
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pk; } >&2
else
  log "packages present: ${PACKAGES[*]}"
fi

# --- 2. containers.conf ------------------------------------------------------------------------------
if conf_ok; then
  log "$CONTAINERS_CONF already as wanted"
else
  mkdir -p "$(dirname "$CONTAINERS_CONF")"
  if [ -e "$CONTAINERS_CONF" ]; then
    backup="$CONTAINERS_CONF.bak.$(date +%Y%m%d%H%M%S)"
    cp -p "$CONTAINERS_CONF" "$backup"
    log "kept the previous $CONTAINERS_CONF as $backup"
  fi
  tmp=$(mktemp "$CONTAINERS_CONF.XXXXXX")
  printf '%s\n' "$CONF_WANTED" >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$CONTAINERS_CONF"
  log "wrote $CONTAINERS_CONF (runc, no default ulimits)"
fi

# --- 3. image ----------------------------------------------------------------------------------------
if image_present; then
  log "image $IMAGE present (cached)"
else
  work=$(mktemp -d "${TMPDIR:-/var/tmp}/hardening-signal-rootfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  log "building $IMAGE with debootstrap ($SUITE, $VARIANT, include $INCLUDE)"
  start=$SECONDS
  debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    log "debootstrap failed"
    exit 1
  }
  customise_rootfs "$work/rootfs"
  tar -C "$work/rootfs" -c . | podman import --quiet \
    --change 'CMD ["sleep", "infinity"]' \
    --message "hardening.signal test image (debootstrap $SUITE $VARIANT + $INCLUDE)" \
    - "$IMAGE" >&2
  log "built and imported $IMAGE in $((SECONDS - start)) s"
  # Older builds of the recipe are of no further use.
  for old in $(podman images --format '{{.Repository}}:{{.Tag}}'); do
    if [ "${old%:*}" = "$IMAGE_REPO" ] && [ "$old" != "$IMAGE" ] && podman rmi "$old" >/dev/null 2>&1; then
      log "removed the outdated image $old"
    fi
  done
fi
echo "$IMAGE"
