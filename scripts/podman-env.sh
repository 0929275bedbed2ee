# Sourced by scripts/image.sh and scripts/image-test.sh: installs podman (idempotently) and
# points it at the project's own configuration, so nothing here changes the machine's podman
# defaults. What this machine needs (docs/deploy.md, "Building here"):
#   - storage driver vfs (overlay is not available in this sandbox),
#   - the runc runtime (crun fails here),
#   - explicit ulimits: the defaults need CAP_SYS_RESOURCE, which this machine lacks.
# Images, containers and layers live under $ZAVA_HOME/image/storage (removed with .zava).

ZAVA_HOME="${ZAVA_HOME:-$PWD/.zava}"
IMAGE_DIR="$ZAVA_HOME/image"

say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mimage:\033[0m %s\n' "$*" >&2; exit 1; }

ensure_debian_packages() { # package...
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]}"
}

podman_setup() {
  ensure_debian_packages podman runc debootstrap
  [ "$(id -u)" -eq 0 ] || die "podman runs as root here (rootless podman needs user namespaces this machine does not offer)"
  mkdir -p "$IMAGE_DIR/storage"
  cat > "$IMAGE_DIR/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$IMAGE_DIR/storage"
runroot = "/run/containers/zava-$(printf '%s' "$IMAGE_DIR" | md5sum | cut -c1-8)"
EOF
  cat > "$IMAGE_DIR/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]

[engine]
runtime = "runc"
EOF
  export CONTAINERS_STORAGE_CONF="$IMAGE_DIR/storage.conf" CONTAINERS_CONF="$IMAGE_DIR/containers.conf"
  # Health checks are scheduled by systemd timers, which this machine does not run: podman says
  # so on every `run`. The tests run `podman healthcheck run` themselves.
  podman info --format '{{.Store.GraphDriverName}}' >/dev/null 2>&1 || die "podman does not start: $(podman info 2>&1 | tail -1)"
}

# Containers on one podman network find each other by name through podman's DNS server
# (aardvark-dns 1.4 on Debian 12). On one fresh CI machine it answered nothing for a container
# name for minutes while the container ran; these tell that apart from a failure of zava's.
container_ip() { # container, network: the container's address on that network
  podman inspect --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
}
name_resolves() { # network, image, name, tries (one a second): whether a container there resolves the name
  local _
  for _ in $(seq 1 "$4"); do
    podman run --rm --network "$1" --entrypoint getent "$2" hosts "$3" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}
dns_diagnostics() { # network: what podman's DNS server holds for it
  printf 'podman DNS for network %s:\n' "$1"
  ps -eo pid,etime,args | grep '[a]ardvark-dns' || echo "  no aardvark-dns process"
  cat "/run/containers/networks/aardvark-dns/$1" 2>/dev/null || echo "  no aardvark-dns entries for $1"
}
