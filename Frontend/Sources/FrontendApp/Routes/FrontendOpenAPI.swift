import Hummingbird

/// The Frontend's OpenAPI 3.1 document, served at `GET /openapi.json`: the contract of every route (pages,
/// JSON API, files, operational) and status. `Tests/FrontendAppTests/OpenAPIContractTests.swift` holds the
/// router and the handlers to it (every route documented and served, every documented status produced, every
/// JSON body valid against its schema); `make test-api-fuzz` fuzzes the running frontend against it with
/// schemathesis. A Swift string, so the binary needs no resource bundle; edit the JSON here (new routes too).
public enum FrontendOpenAPI {
    public static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Frontend",
        "version": "1.0.0",
        "description": "The pipeline's web pages and JSON API over its database, and the image files. JSON refusals are {\"error\": \"...\"} with a 4xx status naming the bad parameter; pages answer refusals with an HTML error page of the same status. 503 means the database is unreachable."
      },
      "paths": {
        "/": {
          "get": {
            "operationId": "imagesPage",
            "summary": "The images table (the sample's page) with counts, filters and pages.",
            "parameters": [
              {"$ref": "#/components/parameters/Status"},
              {"$ref": "#/components/parameters/Person"},
              {"$ref": "#/components/parameters/Page"},
              {"$ref": "#/components/parameters/PerPage"}
            ],
            "responses": {
              "200": {"$ref": "#/components/responses/Page"},
              "400": {"$ref": "#/components/responses/ErrorPage"},
              "500": {"$ref": "#/components/responses/ErrorPage"},
              "503": {"$ref": "#/components/responses/ErrorPage"}
            }
          }
        },
        "/images/{id}": {
          "get": {
            "operationId": "imagePage",
            "summary": "One photo with its faces boxed and labelled.",
            "parameters": [{"$ref": "#/components/parameters/ImageID"}],
            "responses": {
              "200": {"$ref": "#/components/responses/Page"},
              "400": {"$ref": "#/components/responses/ErrorPage"},
              "404": {"$ref": "#/components/responses/ErrorPage"},
              "500": {"$ref": "#/components/responses/ErrorPage"},
              "503": {"$ref": "#/components/responses/ErrorPage"}
            }
          }
        },
        "/people": {
          "post": {
            "operationId": "enrollPersonForm",
            "summary": "Enrolls a person from uploaded photos (multipart/form-data: csrf_token, name, photos). HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [],
            "requestBody": {
              "required": true,
              "content": {
                "multipart/form-data": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      },
                      "name": {
                        "type": "string"
                      },
                      "photos": {
                        "type": "array",
                        "items": {
                          "type": "string",
                          "contentMediaType": "image/jpeg"
                        }
                      }
                    },
                    "required": [
                      "csrf_token",
                      "name",
                      "photos"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "400": {
                "description": "A multipart body that does not parse (no boundary, no parts): the error page (found by schemathesis).",
                "content": {"text/html": {"schema": {"type": "string"}}}
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          },
          "get": {
            "operationId": "peoplePage",
            "summary": "Every known person with a face and the number of images they appear in.",
            "responses": {
              "200": {"$ref": "#/components/responses/Page"},
              "500": {"$ref": "#/components/responses/ErrorPage"},
              "503": {"$ref": "#/components/responses/ErrorPage"}
            }
          }
        },
        "/static/app.css": {
          "get": {
            "operationId": "stylesheet",
            "responses": {"200": {"description": "Our only stylesheet.", "content": {"text/css": {"schema": {"type": "string"}}}}}
          }
        },
        "/static/app.js": {
          "get": {
            "operationId": "script",
            "responses": {"200": {"description": "Our only script.", "content": {"text/javascript": {"schema": {"type": "string"}}}}}
          }
        },
        "/files/{path}": {
          "get": {
            "operationId": "imageFile",
            "summary": "Image bytes from under the image root (relative, canonical, no '..', jpg/jpeg/png, no symbolic link leading out).",
            "parameters": [{"$ref": "#/components/parameters/FilePath"}, {"$ref": "#/components/parameters/IfNoneMatch"}],
            "responses": {
              "200": {"$ref": "#/components/responses/ImageBytes"},
              "304": {"description": "Not modified (If-None-Match matched the ETag)."},
              "400": {"$ref": "#/components/responses/FileRefused"},
              "404": {"$ref": "#/components/responses/FileMissing"}
            }
          },
          "head": {
            "operationId": "imageFileHead",
            "summary": "The headers GET would send, no body.",
            "parameters": [{"$ref": "#/components/parameters/FilePath"}, {"$ref": "#/components/parameters/IfNoneMatch"}],
            "responses": {
              "200": {"$ref": "#/components/responses/ImageBytes"},
              "304": {"description": "Not modified (If-None-Match matched the ETag)."},
              "400": {"$ref": "#/components/responses/FileRefused"},
              "404": {"$ref": "#/components/responses/FileMissing"}
            }
          }
        },
        "/api/images": {
          "get": {
            "operationId": "listImages",
            "summary": "The images list: same filters and pages as the page, newest first.",
            "parameters": [
              {"$ref": "#/components/parameters/Status"},
              {"$ref": "#/components/parameters/Person"},
              {"$ref": "#/components/parameters/Page"},
              {"$ref": "#/components/parameters/PerPage"}
            ],
            "responses": {
              "200": {"description": "One page of images.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageList"}}}, "links": {"GetFirstImage": {"operationId": "getImage", "parameters": {"id": "$response.body#/images/0/id"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "500": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/images/{id}": {
          "get": {
            "operationId": "getImage",
            "summary": "One image with its faces and the photo's natural size.",
            "parameters": [{"$ref": "#/components/parameters/ImageID"}],
            "responses": {
              "200": {"description": "The image.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImageDetail"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "500": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/people": {
          "post": {
            "operationId": "enrollPerson",
            "summary": "Enrolls a person (new or existing) from uploaded photos: FaceRecognition enrolls the largest face of each. Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "requestBody": {
              "required": true,
              "content": {
                "multipart/form-data": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {
                        "type": "string"
                      },
                      "photos": {
                        "type": "array",
                        "items": {
                          "type": "string",
                          "contentMediaType": "image/jpeg"
                        }
                      }
                    },
                    "required": [
                      "name",
                      "photos"
                    ]
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Photos added to an existing person.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Enrollment"
                    }
                  }
                }
              },
              "201": {
                "description": "A new person, with the photos enrolled.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Enrollment"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "413": {
                "$ref": "#/components/responses/Error"
              },
              "415": {
                "$ref": "#/components/responses/Error"
              },
              "422": {
                "description": "No photo could be enrolled (each photo says why).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Enrollment"
                    }
                  }
                }
              },
              "503": {
                "description": "FaceRecognition cannot be reached (or enrollment is not configured).",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Enrollment"
                    }
                  }
                }
              }
            }
          },
          "get": {
            "operationId": "listPeople",
            "summary": "Every known person with a gallery face and an image count.",
            "responses": {
              "200": {"description": "The people.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/People"}}}},
              "500": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/stats": {
          "get": {
            "operationId": "stats",
            "summary": "Counts per status (the page polls this while work is in progress).",
            "responses": {
              "200": {"description": "The counts.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stats"}}}},
              "500": {"$ref": "#/components/responses/Error"},
              "503": {"$ref": "#/components/responses/Error"}
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
              "200": {"description": "Ready: database reachable, not draining.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ready"}}}},
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
        "/api/people/suggest": {
          "get": {
            "operationId": "suggestPeople",
            "summary": "People whose name starts with q, by name.",
            "parameters": [
              {
                "name": "q",
                "in": "query",
                "schema": {
                  "type": "string"
                }
              },
              {
                "name": "limit",
                "in": "query",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 50,
                  "default": 10
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The matching people.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Suggestions"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/api/groups": {
          "get": {
            "operationId": "listUnnamedGroups",
            "summary": "Groups of look-alike unknown faces, largest first, with sample faces.",
            "parameters": [
              {
                "name": "limit",
                "in": "query",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 200,
                  "default": 50
                }
              },
              {
                "name": "offset",
                "in": "query",
                "schema": {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 1000000,
                  "default": 0
                }
              }
            ],
            "responses": {
              "200": {
                "description": "One page of groups.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Groups"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/api/faces/{id}/name": {
          "post": {
            "operationId": "nameFace",
            "summary": "Names an unknown face: it joins the person's gallery; other unknown faces that now match are named too. Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/FaceID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/PersonChoice"
                  },
                  "example": {
                    "name": "Ada"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "What changed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NamingOutcome"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "404": {
                "$ref": "#/components/responses/Error"
              },
              "413": {
                "$ref": "#/components/responses/Error"
              },
              "415": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/api/groups/{id}/name": {
          "post": {
            "operationId": "nameGroup",
            "summary": "Names every face of an unnamed group. Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/GroupID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/PersonChoice"
                  },
                  "example": {
                    "person_id": 3
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "What changed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NamingOutcome"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "404": {
                "$ref": "#/components/responses/Error"
              },
              "413": {
                "$ref": "#/components/responses/Error"
              },
              "415": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/api/people/{id}": {
          "patch": {
            "operationId": "renamePerson",
            "summary": "Renames a person. Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Rename"
                  },
                  "example": {
                    "name": "Ada Lovelace"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The person as renamed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NamedPerson"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "404": {
                "$ref": "#/components/responses/Error"
              },
              "409": {
                "$ref": "#/components/responses/Error"
              },
              "413": {
                "$ref": "#/components/responses/Error"
              },
              "415": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          },
          "delete": {
            "operationId": "deletePerson",
            "summary": "Deletes a person; their faces become unknown (and are grouped again). Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "responses": {
              "200": {
                "description": "Deleted.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/PersonDeleted"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "404": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/api/people/{id}/merge": {
          "post": {
            "operationId": "mergePerson",
            "summary": "Moves a person's gallery and faces to another person and deletes the first. Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Merge"
                  },
                  "example": {
                    "into": 3
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "What moved.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/NamingOutcome"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "404": {
                "$ref": "#/components/responses/Error"
              },
              "413": {
                "$ref": "#/components/responses/Error"
              },
              "415": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/api/people/{id}/faces/{face}": {
          "delete": {
            "operationId": "removeFace",
            "summary": "Takes a face (gallery or matched) from a person: it is unknown again. Needs the API token (Authorization: Bearer, or the login cookie) when one is configured; same-origin only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              },
              {
                "$ref": "#/components/parameters/FaceOfPerson"
              }
            ],
            "responses": {
              "200": {
                "description": "Removed.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/FaceRemoved"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/Error"
              },
              "401": {
                "$ref": "#/components/responses/Error"
              },
              "403": {
                "$ref": "#/components/responses/Error"
              },
              "404": {
                "$ref": "#/components/responses/Error"
              },
              "503": {
                "$ref": "#/components/responses/Error"
              }
            }
          }
        },
        "/people/{id}": {
          "get": {
            "operationId": "personPage",
            "summary": "One person's faces, with rename, merge, remove-a-face and delete forms.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "responses": {
              "200": {
                "$ref": "#/components/responses/Page"
              },
              "400": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "404": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/login": {
          "get": {
            "operationId": "loginPage",
            "summary": "The login form (the API token for a login cookie).",
            "parameters": [
              {
                "name": "next",
                "in": "query",
                "schema": {
                  "type": "string"
                }
              }
            ],
            "responses": {
              "200": {
                "$ref": "#/components/responses/Page"
              }
            }
          },
          "post": {
            "operationId": "login",
            "summary": "Trades the API token for a login cookie (HttpOnly, SameSite=Strict, 12 h); a wrong token goes back to the form.",
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      },
                      "token": {
                        "type": "string"
                      },
                      "next": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token",
                      "token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/logout": {
          "post": {
            "operationId": "logout",
            "summary": "Ends the login. HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/faces/{id}/name": {
          "post": {
            "operationId": "nameFaceForm",
            "summary": "Names a face (new or existing person). HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [
              {
                "$ref": "#/components/parameters/FaceID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      },
                      "name": {
                        "type": "string"
                      },
                      "person_id": {
                        "type": "string"
                      },
                      "image_id": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/groups/{id}/name": {
          "post": {
            "operationId": "nameGroupForm",
            "summary": "Names every face of an unnamed group. HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [
              {
                "$ref": "#/components/parameters/GroupID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      },
                      "name": {
                        "type": "string"
                      },
                      "person_id": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/people/{id}/rename": {
          "post": {
            "operationId": "renamePersonForm",
            "summary": "Renames a person. HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      },
                      "name": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/people/{id}/merge": {
          "post": {
            "operationId": "mergePersonForm",
            "summary": "Merges a person into another. HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      },
                      "into": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/people/{id}/delete": {
          "post": {
            "operationId": "deletePersonForm",
            "summary": "Deletes a person. HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
          }
        },
        "/people/{id}/faces/{face}/remove": {
          "post": {
            "operationId": "removeFaceForm",
            "summary": "Takes a face from a person. HTML form: the page's CSRF token; redirects (303) with a message, to the login page when a token is configured and the browser is not logged in.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PersonID"
              },
              {
                "$ref": "#/components/parameters/FaceOfPerson"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/x-www-form-urlencoded": {
                  "schema": {
                    "type": "object",
                    "properties": {
                      "csrf_token": {
                        "type": "string"
                      }
                    },
                    "required": [
                      "csrf_token"
                    ]
                  }
                }
              }
            },
            "responses": {
              "303": {
                "$ref": "#/components/responses/Redirect"
              },
              "403": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "413": {
                "$ref": "#/components/responses/ErrorPage"
              },
              "415": {
                "$ref": "#/components/responses/ErrorPage"
              }
            }
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
        "parameters": {
          "PersonID": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 1
            }
          },
          "FaceID": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 1
            }
          },
          "GroupID": {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 1
            }
          },
          "FaceOfPerson": {
            "name": "face",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 1
            }
          },
          "Status": {"name": "status", "in": "query", "description": "pending, processed, failed, processing (or the code 0-3, any case), or all; empty means all", "schema": {"type": "string"}},
          "Person": {"name": "person", "in": "query", "description": "images whose best person or any matched face is this person", "schema": {"type": "integer", "format": "int64", "minimum": 1}},
          "Page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
          "PerPage": {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
          "ImageID": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}},
          "FilePath": {"name": "path", "in": "path", "required": true, "description": "relative to the image root; may contain '/' (percent-encoded or not)", "schema": {"type": "string"}},
          "IfNoneMatch": {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
        },
        "responses": {
          "Page": {"description": "The HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
          "ErrorPage": {"description": "An HTML error page with the status and a message naming the bad parameter (400), the missing thing (404), or the failure (500, 503: database unreachable).", "content": {"text/html": {"schema": {"type": "string"}}}},
          "Error": {"description": "A refusal (400 names the parameter, 404 the missing thing) or a failure (500; 503 database unreachable).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "ImageBytes": {"description": "The image, with ETag, Last-Modified and Cache-Control.", "content": {"image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}}, "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}}},
          "FileRefused": {"description": "The path breaks the path rules; the reason as text.", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "FileMissing": {"description": "No such file under the image root.", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "Redirect": {
            "description": "303 See Other to the page to look at (Location), with a one-shot message in the fp_flash cookie."
          }
        },
        "schemas": {
          "PersonRef": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}, "required": ["id"], "additionalProperties": false, "description": "name is left out when the person row is missing"},
          "Box": {"type": "object", "properties": {"left": {"type": "integer"}, "top": {"type": "integer"}, "right": {"type": "integer"}, "bottom": {"type": "integer"}}, "required": ["left", "top", "right", "bottom"], "additionalProperties": false},
          "ImageItem": {
            "type": "object",
            "properties": {
              "id": {"type": "integer", "minimum": 1},
              "path": {"type": "string"},
              "person": {"$ref": "#/components/schemas/PersonRef"},
              "status": {"enum": ["pending", "processed", "failed", "processing", "unknown"]},
              "status_code": {"type": "integer"},
              "status_label": {"type": "string"},
              "attempts": {"type": "integer", "minimum": 0},
              "last_error": {"type": "string"},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"},
              "face_count": {"type": "integer", "minimum": 0},
              "url": {"type": "string"},
              "file_url": {"type": "string"}
            },
            "required": ["id", "path", "status", "status_code", "status_label", "attempts", "face_count", "url", "file_url"],
            "additionalProperties": false,
            "description": "person, last_error and the dates are left out when absent (person -1 is nobody)"
          },
          "ImageList": {
            "type": "object",
            "properties": {
              "images": {"type": "array", "items": {"$ref": "#/components/schemas/ImageItem"}},
              "page": {"type": "integer", "minimum": 1},
              "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
              "pages": {"type": "integer", "minimum": 1},
              "total": {"type": "integer", "minimum": 0},
              "filter": {"type": "object", "properties": {"status": {"type": "string"}, "person": {"type": "integer"}}, "additionalProperties": false}
            },
            "required": ["images", "page", "per_page", "pages", "total", "filter"],
            "additionalProperties": false
          },
          "FaceItem": {
            "type": "object",
            "properties": {
              "id": {"type": "integer"},
              "face_index": {"type": "integer", "minimum": 0},
              "box": {"$ref": "#/components/schemas/Box"},
              "person": {"$ref": "#/components/schemas/PersonRef"},
              "distance": {"type": "number"}
            },
            "required": ["id", "face_index", "box"],
            "additionalProperties": false
          },
          "ImageDetail": {
            "type": "object",
            "properties": {
              "image": {"$ref": "#/components/schemas/ImageItem"},
              "faces": {"type": "array", "items": {"$ref": "#/components/schemas/FaceItem"}},
              "width": {"type": "integer", "minimum": 1},
              "height": {"type": "integer", "minimum": 1}
            },
            "required": ["image", "faces"],
            "additionalProperties": false,
            "description": "width and height when the photo could be read"
          },
          "PersonItem": {
            "type": "object",
            "properties": {
              "id": {"type": "integer"},
              "name": {"type": "string"},
              "image_count": {"type": "integer", "minimum": 0},
              "images_url": {"type": "string"},
              "face": {
                "type": "object",
                "properties": {"image_name": {"type": "string"}, "file_url": {"type": "string"}, "box": {"$ref": "#/components/schemas/Box"}},
                "required": ["image_name", "file_url"],
                "additionalProperties": false
              }
            },
            "required": ["id", "name", "image_count", "images_url"],
            "additionalProperties": false
          },
          "People": {"type": "object", "properties": {"people": {"type": "array", "items": {"$ref": "#/components/schemas/PersonItem"}}}, "required": ["people"], "additionalProperties": false},
          "Stats": {
            "type": "object",
            "properties": {
              "counts": {
                "type": "object",
                "properties": {"pending": {"type": "integer", "minimum": 0}, "processed": {"type": "integer", "minimum": 0}, "failed": {"type": "integer", "minimum": 0}, "processing": {"type": "integer", "minimum": 0}},
                "required": ["pending", "processed", "failed", "processing"],
                "additionalProperties": false
              },
              "total": {"type": "integer", "minimum": 0},
              "in_progress": {"type": "integer", "minimum": 0},
              "people": {"type": "integer", "minimum": 0}
            },
            "required": ["counts", "total", "in_progress", "people"],
            "additionalProperties": false
          },
          "PersonChoice": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string",
                "description": "a new or existing person's name"
              },
              "person_id": {
                "type": "integer",
                "minimum": 1
              }
            },
            "additionalProperties": false,
            "description": "exactly one of name and person_id"
          },
          "Rename": {
            "type": "object",
            "properties": {
              "name": {
                "type": "string"
              }
            },
            "required": [
              "name"
            ],
            "additionalProperties": false
          },
          "Merge": {
            "type": "object",
            "properties": {
              "into": {
                "type": "integer",
                "minimum": 1
              }
            },
            "required": [
              "into"
            ],
            "additionalProperties": false
          },
          "NamingOutcome": {
            "type": "object",
            "properties": {
              "person_id": {
                "type": "integer"
              },
              "person_name": {
                "type": "string"
              },
              "person_created": {
                "type": "boolean"
              },
              "faces_named": {
                "type": "integer",
                "minimum": 0
              },
              "faces_rematched": {
                "type": "integer",
                "minimum": 0
              },
              "images_updated": {
                "type": "array",
                "items": {
                  "type": "integer"
                }
              }
            },
            "required": [
              "person_id",
              "person_name",
              "person_created",
              "faces_named",
              "faces_rematched",
              "images_updated"
            ],
            "additionalProperties": false
          },
          "NamedPerson": {
            "type": "object",
            "properties": {
              "id": {
                "type": "integer"
              },
              "name": {
                "type": "string"
              }
            },
            "required": [
              "id",
              "name"
            ],
            "additionalProperties": false
          },
          "Suggestions": {
            "type": "object",
            "properties": {
              "people": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/NamedPerson"
                }
              }
            },
            "required": [
              "people"
            ],
            "additionalProperties": false
          },
          "GroupSample": {
            "type": "object",
            "properties": {
              "face_id": {
                "type": "integer"
              },
              "image_id": {
                "type": "integer"
              },
              "image_path": {
                "type": "string"
              },
              "file_url": {
                "type": "string"
              },
              "box": {
                "$ref": "#/components/schemas/Box"
              }
            },
            "required": [
              "face_id",
              "image_id",
              "image_path",
              "file_url",
              "box"
            ],
            "additionalProperties": false
          },
          "Group": {
            "type": "object",
            "properties": {
              "id": {
                "type": "integer"
              },
              "face_count": {
                "type": "integer",
                "minimum": 0
              },
              "samples": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/GroupSample"
                }
              }
            },
            "required": [
              "id",
              "face_count",
              "samples"
            ],
            "additionalProperties": false
          },
          "Groups": {
            "type": "object",
            "properties": {
              "groups": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Group"
                }
              },
              "total": {
                "type": "integer",
                "minimum": 0
              },
              "limit": {
                "type": "integer"
              },
              "offset": {
                "type": "integer"
              }
            },
            "required": [
              "groups",
              "total",
              "limit",
              "offset"
            ],
            "additionalProperties": false
          },
          "EnrolledPhoto": {
            "type": "object",
            "properties": {
              "filename": {
                "type": "string"
              },
              "status": {
                "enum": [
                  "enrolled",
                  "no_face",
                  "not_an_image",
                  "too_large",
                  "invalid_name",
                  "unavailable",
                  "failed"
                ]
              },
              "message": {
                "type": "string"
              },
              "faces_detected": {
                "type": "integer",
                "minimum": 0
              },
              "image_name": {
                "type": "string"
              },
              "box": {
                "$ref": "#/components/schemas/Box"
              }
            },
            "required": [
              "filename",
              "status",
              "message"
            ],
            "additionalProperties": false
          },
          "Enrollment": {
            "type": "object",
            "properties": {
              "person_id": {
                "type": "integer"
              },
              "person_name": {
                "type": "string"
              },
              "person_created": {
                "type": "boolean"
              },
              "enrolled": {
                "type": "integer",
                "minimum": 0
              },
              "photos": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/EnrolledPhoto"
                }
              },
              "error": {
                "type": "string"
              }
            },
            "required": [
              "error"
            ],
            "additionalProperties": false,
            "description": "person_id when a photo was enrolled; error when none was (every error answer has error)"
          },
          "FaceRemoved": {
            "type": "object",
            "properties": {
              "person_id": {
                "type": "integer"
              },
              "face_id": {
                "type": "integer"
              },
              "removed": {
                "const": true
              }
            },
            "required": [
              "person_id",
              "face_id",
              "removed"
            ],
            "additionalProperties": false
          },
          "PersonDeleted": {
            "type": "object",
            "properties": {
              "id": {
                "type": "integer"
              },
              "faces_unknown": {
                "type": "integer",
                "minimum": 0
              },
              "deleted": {
                "const": true
              }
            },
            "required": [
              "id",
              "faces_unknown",
              "deleted"
            ],
            "additionalProperties": false
          },
          "Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"], "additionalProperties": false},
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
