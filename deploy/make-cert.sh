#!/bin/sh
# A self-signed certificate for trying the compose path (browsers will warn): deploy/certs/
# fullchain.pem and privkey.pem for the host name given. Use a real certificate in production.
set -eu
host=${1:?usage: deploy/make-cert.sh HOST}
dir=$(dirname "$0")/certs
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -sha256 -days 365 -nodes \
  -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" \
  -subj "/CN=$host" -addext "subjectAltName=DNS:$host" 2>/dev/null
chmod 600 "$dir/privkey.pem"
echo "wrote $dir/fullchain.pem and $dir/privkey.pem for $host (self-signed)"
