import Hummingbird

/// The Receiver's OpenAPI 3.1 document, served at `GET /openapi.json`: the contract of every route and
/// status. `Tests/ReceiverAppTests/OpenAPIContractTests.swift` holds the router and the handlers to it (every
/// route documented and served, every documented status produced, every body valid against its schema);
/// `make test-api-fuzz` fuzzes the running receiver against it with schemathesis. A Swift string, so the
/// binary needs no resource bundle; edit the JSON here.
public enum ReceiverOpenAPI {
    public static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Receiver",
        "version": "1.0.0",
        "description": "The pipeline's HTTP intake: image paths (the Go sample's POST /image/post and POST /images/post, payloads unchanged) and uploads become pending rows of `images` and are announced on the queue. Every refusal is JSON {\"error\", \"code\"} with a 4xx status; 503 means the database is unreachable (retry after the Retry-After seconds). JSON bodies may also be sent as text/plain, application/x-www-form-urlencoded or without a content type (what `curl -d` sends)."
      },
      "paths": {
        "/image/post": {
          "post": {
            "operationId": "postImage",
            "summary": "Register one image path (the sample's payload).",
            "security": [{}, {"bearer": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {"$ref": "#/components/schemas/PathRequest"},
                  "example": {"path": "obama2.jpg"}
                }
              }
            },
            "responses": {
              "200": {"description": "Already known: the existing id, nothing stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DuplicatePath"}}}, "links": {"GetImage": {"operationId": "getImage", "parameters": {"id": "$response.body#/id"}}}},
              "202": {"description": "Stored (pending) and queued.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueuedPath"}}}, "links": {"GetImage": {"operationId": "getImage", "parameters": {"id": "$response.body#/id"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"description": "The path breaks the path rules (relative, no '..', no control characters, at most 255 bytes, jpg/jpeg/png).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RejectedPath"}}}},
              "500": {"$ref": "#/components/responses/Internal"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/images/post": {
          "post": {
            "operationId": "postImages",
            "summary": "Register many image paths in one transaction (the sample's batch payload).",
            "security": [{}, {"bearer": []}],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {"$ref": "#/components/schemas/PathsRequest"},
                  "example": {"paths": [{"path": "biden.jpg"}, {"path": "t1.jpg"}]}
                }
              }
            },
            "responses": {
              "202": {"description": "Every path queued or a duplicate; one result per path, in order.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchOutcome"}}}, "links": {"GetFirstImage": {"operationId": "getImage", "parameters": {"id": "$response.body#/results/0/id"}}}},
              "207": {"description": "Some paths rejected, others accepted (per-item status).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchOutcome"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"description": "Every path rejected (a batch outcome), or the list is empty (an error).", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/BatchOutcome"}, {"$ref": "#/components/schemas/Error"}]}}}},
              "500": {"$ref": "#/components/responses/Internal"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/images": {
          "post": {
            "operationId": "uploadImage",
            "summary": "Upload a JPEG or PNG; stored as uploads/<sha256>.<ext> under the image root (same bytes, same image).",
            "security": [{}, {"bearer": []}],
            "requestBody": {
              "required": true,
              "content": {
                "image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}},
                "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}},
                "multipart/form-data": {
                  "schema": {
                    "type": "object",
                    "properties": {"image": {"type": "string", "contentMediaType": "application/octet-stream", "description": "the photo (a part with a filename, or named image or file)"}},
                    "required": ["image"]
                  }
                }
              }
            },
            "responses": {
              "200": {"description": "The same bytes were uploaded before: the existing id.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DuplicatePath"}}}, "links": {"GetImage": {"operationId": "getImage", "parameters": {"id": "$response.body#/id"}}}},
              "202": {"description": "Stored and queued.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueuedPath"}}}, "links": {"GetImage": {"operationId": "getImage", "parameters": {"id": "$response.body#/id"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"description": "Not a JPEG or PNG (by its magic bytes).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "500": {"$ref": "#/components/responses/Internal"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/images/{id}": {
          "get": {
            "operationId": "getImage",
            "summary": "One image: status, best person, faces with boxes, attempts.",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}}],
            "responses": {
              "200": {"description": "The image.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageDetails"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"description": "No image with that id.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "500": {"$ref": "#/components/responses/Internal"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/healthz": {
          "get": {
            "operationId": "liveness",
            "responses": {"200": {"description": "The process is alive.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/readyz": {
          "get": {
            "operationId": "readiness",
            "responses": {
              "200": {"description": "Ready: started, database reachable, not draining.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ready"}}}},
              "503": {"description": "Not ready, with the reasons.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotReady"}}}}
            }
          }
        },
        "/metrics": {
          "get": {
            "operationId": "metrics",
            "responses": {"200": {"description": "Prometheus text exposition.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "openAPIDocument",
            "responses": {"200": {"description": "This document.", "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}}}}
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearer": {"type": "http", "scheme": "bearer", "description": "Needed for writes only when the receiver runs with --api-token."}
        },
        "responses": {
          "BadRequest": {"description": "Malformed JSON, a missing or unknown field, a bad multipart body, an empty upload, or a non-numeric id.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unauthorized": {"description": "The receiver runs with --api-token and the request has no matching bearer token.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooLarge": {"description": "Body over --max-body-bytes, upload over --max-upload-bytes, or more paths than --max-batch-paths.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "UnsupportedMediaType": {"description": "A content type that cannot carry what the route takes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Internal": {"description": "An unexpected failure (logged); never expected in normal operation.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Unavailable": {"description": "The database is unreachable; retry later.", "headers": {"Retry-After": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "PathRequest": {"type": "object", "properties": {"path": {"type": "string", "description": "relative to the image root"}}, "required": ["path"], "additionalProperties": false},
          "PathsRequest": {"type": "object", "properties": {"paths": {"type": "array", "items": {"$ref": "#/components/schemas/PathRequest"}}}, "required": ["paths"], "additionalProperties": false},
          "QueuedPath": {"type": "object", "properties": {"path": {"type": "string"}, "id": {"type": "integer", "minimum": 1}, "status": {"const": "queued"}}, "required": ["path", "id", "status"], "additionalProperties": false},
          "DuplicatePath": {"type": "object", "properties": {"path": {"type": "string"}, "id": {"type": "integer", "minimum": 1}, "status": {"const": "duplicate"}}, "required": ["path", "id", "status"], "additionalProperties": false},
          "RejectedPath": {"type": "object", "properties": {"path": {"type": "string"}, "status": {"const": "rejected"}, "reason": {"type": "string"}, "code": {"enum": ["empty", "too_long", "nul_byte", "control_character", "absolute", "parent_traversal", "non_canonical", "unsupported_extension", "escapes_root", "not_found", "not_a_file"]}}, "required": ["path", "status", "reason", "code"], "additionalProperties": false},
          "PathOutcome": {"oneOf": [{"$ref": "#/components/schemas/QueuedPath"}, {"$ref": "#/components/schemas/DuplicatePath"}, {"$ref": "#/components/schemas/RejectedPath"}]},
          "BatchOutcome": {
            "type": "object",
            "properties": {
              "results": {"type": "array", "items": {"$ref": "#/components/schemas/PathOutcome"}},
              "queued": {"type": "integer", "minimum": 0},
              "duplicate": {"type": "integer", "minimum": 0},
              "rejected": {"type": "integer", "minimum": 0}
            },
            "required": ["results", "queued", "duplicate", "rejected"],
            "additionalProperties": false
          },
          "PersonRef": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}, "required": ["id", "name"], "additionalProperties": false},
          "Box": {"type": "object", "properties": {"left": {"type": "integer"}, "top": {"type": "integer"}, "right": {"type": "integer"}, "bottom": {"type": "integer"}}, "required": ["left", "top", "right", "bottom"], "additionalProperties": false},
          "Face": {
            "type": "object",
            "properties": {
              "index": {"type": "integer", "minimum": 0},
              "box": {"$ref": "#/components/schemas/Box"},
              "person": {"anyOf": [{"$ref": "#/components/schemas/PersonRef"}, {"type": "null"}]},
              "distance": {"type": ["number", "null"]}
            },
            "required": ["index", "box", "person", "distance"],
            "additionalProperties": false
          },
          "ImageDetails": {
            "type": "object",
            "properties": {
              "id": {"type": "integer", "minimum": 1},
              "path": {"type": "string"},
              "status": {"enum": ["pending", "processed", "failed", "processing"]},
              "status_code": {"enum": [0, 1, 2, 3]},
              "person": {"anyOf": [{"$ref": "#/components/schemas/PersonRef"}, {"type": "null"}], "description": "the best match; null for nobody (images.person -1)"},
              "faces": {"type": "array", "items": {"$ref": "#/components/schemas/Face"}},
              "attempts": {"type": "integer", "minimum": 0},
              "last_error": {"type": ["string", "null"]},
              "next_attempt_at": {"type": ["string", "null"], "format": "date-time"},
              "created_at": {"type": ["string", "null"], "format": "date-time"},
              "updated_at": {"type": ["string", "null"], "format": "date-time"}
            },
            "required": ["id", "path", "status", "status_code", "person", "faces", "attempts", "last_error", "next_attempt_at", "created_at", "updated_at"],
            "additionalProperties": false
          },
          "Error": {"type": "object", "properties": {"error": {"type": "string"}, "code": {"type": "string"}}, "required": ["error", "code"], "additionalProperties": false},
          "Ready": {"type": "object", "properties": {"ready": {"const": true}}, "required": ["ready"], "additionalProperties": false},
          "NotReady": {"type": "object", "properties": {"ready": {"const": false}, "problems": {"type": "array", "items": {"type": "string"}}}, "required": ["ready", "problems"], "additionalProperties": false}
        }
      }
    }
    """#

    /// `GET /openapi.json`: the document above, as is.
    public static func add(to router: Router<some RequestContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }
}
