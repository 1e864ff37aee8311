# Infra part "pki": the local internal CA and one certificate per service, for mutual TLS
# between services (gRPC to social-graph, relays between SFU nodes). Issued with Debian's
# openssl into .onair/pki/; a cluster gets its certificates from cert-manager instead.
# Sourced by tools/lib/infra.sh: defines functions only.

PKI_DIR="$ONAIR_STATE/pki"
PKI_LOG="$ONAIR_STATE/logs/pki.log"
# Every service that talks to another one (or may, as the platform grows) has an identity.
PKI_SERVICES=(identity social-graph stream-sessions sfu-worker edge chat notifications discovery ops)

# Issues <name>.crt/.key signed by the CA: CN and DNS subjectAltName are the service name
# (peers verify that name, whatever address they dial), plus localhost/127.0.0.1 for a laptop.
_pki_issue() {
  local name=$1 ext
  ext=$(mktemp)
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n' "$name" >"$ext"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI_DIR/$name.key.tmp" &&
    openssl req -new -key "$PKI_DIR/$name.key.tmp" -subj "/O=OnAir/CN=$name" -out "$PKI_DIR/$name.csr" &&
    openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" -CAcreateserial \
      -days 825 -sha256 -extfile "$ext" -out "$PKI_DIR/$name.crt.tmp"
  local rc=$?
  rm -f "$ext" "$PKI_DIR/$name.csr"
  [ $rc -eq 0 ] || return $rc
  chmod 600 "$PKI_DIR/$name.key.tmp"
  mv "$PKI_DIR/$name.key.tmp" "$PKI_DIR/$name.key" && mv "$PKI_DIR/$name.crt.tmp" "$PKI_DIR/$name.crt"
}

pki_up() {
  command -v openssl >/dev/null || apt_ensure openssl
  mkdir -p "$PKI_DIR" "$(dirname "$PKI_LOG")"
  chmod 700 "$PKI_DIR"
  # A half-written CA (a killed run) is replaced together with everything it signed.
  if [ ! -s "$PKI_DIR/ca.crt" ] || [ ! -s "$PKI_DIR/ca.key" ] || ! openssl x509 -in "$PKI_DIR/ca.crt" -noout -checkend 86400 >/dev/null 2>&1; then
    step "pki: a new local internal CA in $PKI_DIR"
    rm -f "$PKI_DIR"/*
    { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI_DIR/ca.key" &&
      openssl req -x509 -new -key "$PKI_DIR/ca.key" -sha256 -days 3650 -subj "/O=OnAir/CN=OnAir local internal CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$PKI_DIR/ca.crt"; } >>"$PKI_LOG" 2>&1 \
      || fail pki "could not create the CA" "$PKI_LOG"
    chmod 600 "$PKI_DIR/ca.key"
  fi
  local name
  for name in "${PKI_SERVICES[@]}"; do
    if [ -s "$PKI_DIR/$name.crt" ] && [ -s "$PKI_DIR/$name.key" ] && openssl verify -CAfile "$PKI_DIR/ca.crt" "$PKI_DIR/$name.crt" >/dev/null 2>&1 \
      && openssl x509 -in "$PKI_DIR/$name.crt" -noout -checkend 86400 >/dev/null 2>&1; then continue; fi
    _pki_issue "$name" >>"$PKI_LOG" 2>&1 || fail pki "could not issue the certificate of $name" "$PKI_LOG"
  done
  env_set ONAIR_PKI_DIR "$PKI_DIR"
}

# Files only: nothing runs.
pki_down() { :; }

pki_status() {
  [ -s "$PKI_DIR/ca.crt" ] || { echo "no CA in $PKI_DIR"; return 1; }
  local name n=0
  for name in "${PKI_SERVICES[@]}"; do
    openssl verify -CAfile "$PKI_DIR/ca.crt" "$PKI_DIR/$name.crt" >/dev/null 2>&1 || { echo "$name.crt missing or not from the CA"; return 1; }
    n=$((n + 1))
  done
  echo "CA and $n service certificates in $PKI_DIR"
}

pki_logs() { echo "$PKI_LOG"; }
