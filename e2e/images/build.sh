#!/usr/bin/env bash
# Builds Vigil's container images here, without Docker and without pulling anything: the bases from Debian
# packages (mmdebstrap, umoci), the operator with the Quarkus ecosystem's own tool (quarkus-container-image-jib,
# pushed to a registry on 127.0.0.1 that this script runs for the length of the build), the collector from Vigil's
# own distribution (e2e/tools/build-tools.sh otelcol). Every image ends up as an OCI archive under
# e2e/.work/images/ (what a node imports) and in the local OCI layout e2e/.work/images/oci (what runc unpacks).
#   e2e/images/build.sh [base] [operator] [collector] [pool-demo]     (no argument: the last three)
# Figures (sizes, times) go to e2e/.work/images/figures.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
# shellcheck source=images.env
source "$here/images.env"
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}/images
out=$root/e2e/.work/images
mkdir -p "$cache" "$out"
want=("$@"); [ ${#want[@]} -gt 0 ] || want=(operator collector pool-demo)
for tool in mmdebstrap umoci skopeo docker-registry jlink; do
  command -v "$tool" >/dev/null || { echo "missing $tool (.ci/run installs mmdebstrap umoci skopeo docker-registry)"; exit 1; }
done
figures=$out/figures.txt
: > "$figures"
note() { echo "$*" | tee -a "$figures"; }

# A root filesystem of exactly these Debian packages, unpacked without running anything (variant extract), with
# the unprivileged user Vigil's pods run as, every timestamp at the epoch and no docs.
rootfs() {
  local dir=$1; shift
  rm -rf "$dir"
  mmdebstrap --quiet --variant=extract --mode=root --include="$(IFS=,; echo "$*")" "$DEBIAN_SUITE" "$dir" \
    "$DEBIAN_MIRROR" >/dev/null
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nvigil:x:%s:%s:vigil:/home/vigil:/usr/sbin/nologin\n' \
    "$IMAGE_UID" "$IMAGE_UID" > "$dir/etc/passwd"
  printf 'root:x:0:\nvigil:x:%s:\n' "$IMAGE_UID" > "$dir/etc/group"
  mkdir -p "$dir/home/vigil" "$dir/tmp"
  chown "$IMAGE_UID:$IMAGE_UID" "$dir/home/vigil"
  chmod 1777 "$dir/tmp"
  rm -rf "$dir"/usr/share/{doc,man,info,lintian,locale} "$dir"/var/cache/* "$dir"/var/lib/apt "$dir"/var/log/*
}

# The CA bundle of Debian's ca-certificates package, concatenated the way update-ca-certificates would.
ca_bundle() {
  local dir=$1
  mkdir -p "$dir/etc/ssl/certs"
  find "$dir/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat > "$dir/etc/ssl/certs/ca-certificates.crt"
}

# One-layer OCI image from a directory: deterministic (epoch timestamps, sorted tar by umoci), user IMAGE_UID.
image_from_dir() {
  local layout=$1 tag=$2 dir=$3; shift 3
  local bundle; bundle=$(mktemp -d)
  [ -d "$layout" ] || umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  umoci unpack --image "$layout:$tag" "$bundle/b" >/dev/null
  cp -a "$dir/." "$bundle/b/rootfs/"
  find "$bundle/b/rootfs" -exec touch -h -d @0 {} +
  umoci repack --image "$layout:$tag" --no-history "$bundle/b" 2>/dev/null
  umoci config --image "$layout:$tag" --no-history --created 1970-01-01T00:00:00Z \
    --config.user "$IMAGE_UID:$IMAGE_UID" --config.workingdir /home/vigil "$@" 2>/dev/null
  umoci gc --layout "$layout"
  rm -rf "$bundle"
}

# The Java base every Java image of Vigil's starts from: a jlink'ed Java 17 runtime with the modules Quarkus,
# Fabric8 and the OpenTelemetry SDK use, on a glibc rootfs. The operator's base adds one layer to it: Vigil's
# collector distribution as the config validator (the same binary the fleets run). Both cached by recipe.
java_bases() {
  local otelcol=$1
  local key; key=$(cat "$here/build.sh" "$here/images.env" "$otelcol" <(java -version 2>&1) | sha256sum | cut -c1-16)
  jre_tar=$cache/jre-base-$key.tar
  base_tar=$cache/operator-base-$key.tar
  # Stable names for the commands in docs/operations.md (-Dquarkus.jib.base-jvm-image=tar://...).
  ln -sfn "$jre_tar" "$cache/jre-base.tar"
  ln -sfn "$base_tar" "$cache/operator-base.tar"
  [ -f "$base_tar" ] && [ -f "$jre_tar" ] && return 0
  local t0=$SECONDS work; work=$(mktemp -d)
  rootfs "$work/rootfs" $JAVA_BASE_PACKAGES
  "$(dirname "$(readlink -f "$(command -v javac)")")/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-header-files \
    --no-man-pages --compress=2 --output "$work/rootfs/opt/java"
  image_from_dir "$work/oci" jre "$work/rootfs" \
    --config.env PATH=/opt/java/bin:/usr/bin:/bin --config.env JAVA_HOME=/opt/java
  skopeo copy -q "oci:$work/oci:jre" "docker-archive:$jre_tar.part:vigil/jre-base:$key"
  # The validator as a layer of its own on top of the Java base.
  umoci unpack --image "$work/oci:jre" "$work/b" >/dev/null
  mkdir -p "$work/b/rootfs/opt/vigil"
  cp "$otelcol" "$work/b/rootfs/opt/vigil/otelcol-vigil"
  touch -h -d @0 "$work/b/rootfs/opt/vigil" "$work/b/rootfs/opt/vigil/otelcol-vigil"
  umoci repack --image "$work/oci:operator-base" --no-history "$work/b" 2>/dev/null
  umoci config --image "$work/oci:operator-base" --no-history --created 1970-01-01T00:00:00Z \
    --config.env VIGIL_COLLECTOR_VALIDATOR_BINARY=/opt/vigil/otelcol-vigil 2>/dev/null
  skopeo copy -q "oci:$work/oci:operator-base" "docker-archive:$base_tar.part:vigil/operator-base:$key"
  mv "$jre_tar.part" "$jre_tar"
  mv "$base_tar.part" "$base_tar"
  rm -rf "$work"
  note "Java base image: $(du -m "$jre_tar" | cut -f1) MB (tar); operator base (+ collector validator): $(du -m "$base_tar" | cut -f1) MB; built in $((SECONDS - t0)) s"
}

registry_pid=
registry_start() {
  local dir=$root/e2e/.work/registry
  rm -rf "$dir"; mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<CFG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$REGISTRY_PORT}
CFG
  docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the local registry did not start:"; cat "$dir/registry.log"; exit 1
}
registry_stop() { [ -z "$registry_pid" ] || kill "$registry_pid" 2>/dev/null || true; registry_pid=; }
trap registry_stop EXIT

build_operator() {
  eval "$(bash e2e/tools/bin-path.sh)"
  bash e2e/tools/build-tools.sh otelcol
  java_bases "$VIGIL_OTELCOL"
  registry_start
  local t0=$SECONDS
  # Exactly what a user runs to build and push the image to their registry (docs/operations.md), with this
  # machine's base and registry.
  mvn -B -ntp -q package -DskipTests -Dquarkus.container-image.build=true -Dquarkus.container-image.push=true \
    -Dquarkus.container-image.registry="127.0.0.1:$REGISTRY_PORT" -Dquarkus.container-image.insecure=true \
    -Dquarkus.jib.base-jvm-image="tar://$base_tar"
  local ref=127.0.0.1:$REGISTRY_PORT/$OPERATOR_IMAGE_PATH:$OPERATOR_IMAGE_TAG
  skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$out/oci:operator"
  rm -f "$out/vigil-operator.oci.tar"
  skopeo copy -q --src-tls-verify=false "docker://$ref" "oci-archive:$out/vigil-operator.oci.tar:$OPERATOR_IMAGE_REF"
  registry_stop
  note "operator image $OPERATOR_IMAGE_REF: $(du -m "$out/vigil-operator.oci.tar" | cut -f1) MB (compressed OCI archive), $(uncompressed "$out/oci" operator) MB unpacked, built in $((SECONDS - t0)) s"
}

build_collector() {
  eval "$(bash e2e/tools/bin-path.sh)"
  bash e2e/tools/build-tools.sh otelcol
  local t0=$SECONDS work; work=$(mktemp -d)
  # Only the CA bundle and the time zones of these packages: the collector is one static binary.
  rootfs "$work/debian" $COLLECTOR_BASE_PACKAGES
  ca_bundle "$work/debian"
  mkdir -p "$work/rootfs/etc/ssl/certs" "$work/rootfs/usr/share" "$work/rootfs/tmp" "$work/rootfs/home/vigil"
  cp "$work/debian/etc/ssl/certs/ca-certificates.crt" "$work/rootfs/etc/ssl/certs/"
  cp -a "$work/debian/usr/share/zoneinfo" "$work/rootfs/usr/share/"
  cp "$work/debian/etc/passwd" "$work/debian/etc/group" "$work/rootfs/etc/"
  chmod 1777 "$work/rootfs/tmp"
  chown "$IMAGE_UID:$IMAGE_UID" "$work/rootfs/home/vigil"
  cp "$VIGIL_OTELCOL" "$work/rootfs/otelcol-vigil"
  image_from_dir "$work/oci" collector "$work/rootfs" --config.entrypoint /otelcol-vigil \
    --config.exposedports 4317/tcp --config.exposedports 4318/tcp --config.exposedports 8888/tcp
  skopeo copy -q "oci:$work/oci:collector" "oci:$out/oci:collector"
  rm -f "$out/otelcol-vigil.oci.tar"
  skopeo copy -q "oci:$work/oci:collector" "oci-archive:$out/otelcol-vigil.oci.tar:$COLLECTOR_IMAGE_REF"
  rm -rf "$work"
  check_collector
  note "collector image $COLLECTOR_IMAGE_REF: $(du -m "$out/otelcol-vigil.oci.tar" | cut -f1) MB (compressed OCI archive), $(uncompressed "$out/oci" collector) MB unpacked, built in $((SECONDS - t0)) s"
}

# The collector image runs as its user with a read-only root filesystem and holds every component of the
# distribution's manifest (what the generated configs use).
check_collector() {
  local b; b=$(mktemp -d)
  umoci unpack --image "$out/oci:collector" "$b/c" >/dev/null
  python3 - "$b/c/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert c["process"]["user"]["uid"] == 10001, c["process"]["user"]
c["process"]["args"] = c["process"]["args"] + ["components"]
c["process"]["terminal"] = False
c["root"]["readonly"] = True
json.dump(c, open(sys.argv[1], "w"))
PY
  local listed; listed=$(cd "$b/c" && timeout 30 runc run "vigil-collector-check-$$" 2>&1 </dev/null)
  runc delete --force "vigil-collector-check-$$" >/dev/null 2>&1 || true
  rm -rf "$b"
  local m
  for m in $(grep -o 'gomod: [^ ]*' "$root/e2e/tools/otelcol-builder.yaml" | cut -d' ' -f2); do
    grep -q "module: $m " <<<"$listed" || { echo "the collector image lacks $m:"; echo "$listed" | head -20; exit 1; }
  done
}

# The pool demo service of e2e/pools (a plain Java app: Jib's Maven plugin) on the Java base.
build_pool_demo() {
  eval "$(bash e2e/tools/bin-path.sh)"
  bash e2e/tools/build-tools.sh otelcol
  java_bases "$VIGIL_OTELCOL"
  registry_start
  local t0=$SECONDS ref=127.0.0.1:$REGISTRY_PORT/$POOL_DEMO_IMAGE_PATH:$POOL_DEMO_IMAGE_TAG
  (cd e2e/pool-demo && mvn -B -ntp -q package jib:build -DskipTests -Djib.from.image="tar://$jre_tar" \
    -Djib.to.image="$ref")
  skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$out/oci:pool-demo"
  rm -f "$out/vigil-pool-demo.oci.tar"
  skopeo copy -q --src-tls-verify=false "docker://$ref" "oci-archive:$out/vigil-pool-demo.oci.tar:$POOL_DEMO_IMAGE_REF"
  registry_stop
  note "pool demo image $POOL_DEMO_IMAGE_REF: $(du -m "$out/vigil-pool-demo.oci.tar" | cut -f1) MB (compressed OCI archive), $(uncompressed "$out/oci" pool-demo) MB unpacked, built in $((SECONDS - t0)) s"
}

# Sum of the image's layers once unpacked (what the node stores), in MB.
uncompressed() {
  local d; d=$(mktemp -d)
  umoci unpack --image "$1:$2" "$d/b" >/dev/null 2>&1
  du -sm "$d/b/rootfs" | cut -f1
  rm -rf "$d"
}

for w in "${want[@]}"; do
  case "$w" in
    base) eval "$(bash e2e/tools/bin-path.sh)"; bash e2e/tools/build-tools.sh otelcol; java_bases "$VIGIL_OTELCOL"
      echo "Java base: $cache/jre-base.tar; operator base: $cache/operator-base.tar" ;;
    pool-demo) build_pool_demo ;;
    operator) build_operator ;;
    collector) build_collector ;;
    *) echo "unknown image $w" >&2; exit 2 ;;
  esac
done
