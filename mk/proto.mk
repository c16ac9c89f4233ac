# Protobuf / gRPC code generation (owner: FaceRecognition service).
#
# `make proto` regenerates SharedKit/Sources/FaceRecognitionAPI from SharedKit/Protos and the output is
# committed. The protoc plugins are built from the pinned local packages into a git-ignored scratch
# package (.build-protoc-plugins/), never through SwiftPM build plugins (those compile protobuf and
# abseil from source). protoc itself comes from Debian's `protobuf-compiler`.

PROTO_ROOT        := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
PROTO_DIR         := $(PROTO_ROOT)/SharedKit/Protos
PROTO_OUT         := $(PROTO_ROOT)/SharedKit/Sources/FaceRecognitionAPI
PROTO_PLUGINS_DIR := $(PROTO_ROOT)/.build-protoc-plugins
PROTO_PLUGINS_BIN := $(PROTO_PLUGINS_DIR)/.build/release
PROTO_FILES       := face.proto facerecog_v2.proto grpc/health/v1/health.proto
PROTOC            ?= protoc

SWIFT_PROTOBUF_VERSION      := 1.39.0
GRPC_SWIFT_2_VERSION        := 2.4.3
GRPC_SWIFT_PROTOBUF_VERSION := 2.4.1

.PHONY: proto proto-plugins proto-check-protoc

proto-check-protoc:
	@command -v $(PROTOC) >/dev/null 2>&1 || { \
	  echo "protoc not found: apt-get install -y protobuf-compiler"; exit 1; }

# A throwaway manifest that pins the generator packages; `swift build --product` builds a dependency's
# executable product.
$(PROTO_PLUGINS_DIR)/Package.swift:
	@mkdir -p $(PROTO_PLUGINS_DIR)/Sources/Placeholder
	@echo '// Placeholder so the manifest has a target.' > $(PROTO_PLUGINS_DIR)/Sources/Placeholder/Placeholder.swift
	@printf '%s\n' \
	  '// swift-tools-version:6.2' \
	  'import PackageDescription' \
	  'let package = Package(' \
	  '    name: "ProtocPlugins",' \
	  '    platforms: [.macOS(.v15)],' \
	  '    dependencies: [' \
	  '        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "$(SWIFT_PROTOBUF_VERSION)"),' \
	  '        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "$(GRPC_SWIFT_2_VERSION)"),' \
	  '        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "$(GRPC_SWIFT_PROTOBUF_VERSION)"),' \
	  '    ],' \
	  '    targets: [.target(name: "Placeholder")]' \
	  ')' > $@

proto-plugins: $(PROTO_PLUGINS_DIR)/Package.swift
	cd $(PROTO_PLUGINS_DIR) && swift build -c release --product protoc-gen-swift
	cd $(PROTO_PLUGINS_DIR) && swift build -c release --product protoc-gen-grpc-swift-2

proto: proto-check-protoc proto-plugins
	cd $(PROTO_DIR) && $(PROTOC) \
	  --plugin=protoc-gen-swift=$(PROTO_PLUGINS_BIN)/protoc-gen-swift \
	  --plugin=protoc-gen-grpc-swift-2=$(PROTO_PLUGINS_BIN)/protoc-gen-grpc-swift-2 \
	  --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
	  --swift_out=$(PROTO_OUT) \
	  --grpc-swift-2_opt=Visibility=Public --grpc-swift-2_opt=FileNaming=PathToUnderscores \
	  --grpc-swift-2_out=$(PROTO_OUT) \
	  -I $(PROTO_DIR) $(PROTO_FILES)
	@echo "generated into $(PROTO_OUT)"
