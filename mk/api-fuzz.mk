# OpenAPI fuzzing (issue #17): schemathesis against the running receiver and frontend, each from its own
# GET /openapi.json, over a real MariaDB with seeded rows (tests/api-fuzz). Loopback only.
#   make test-api-fuzz   checks not_a_server_error, status_code_conformance, content_type_conformance,
#                        response_schema_conformance; examples, coverage, fuzzing and stateful (links)
#                        phases; bounded by API_FUZZ_MAX_EXAMPLES per operation and API_FUZZ_MAX_SECONDS per
#                        service (60 s each by default; part of make test: about 2.5 minutes once the debug builds exist)
# The documents themselves are checked against the routers in each package's OpenAPIContractTests.
API_FUZZ_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
API_FUZZ_VENV := $(API_FUZZ_ROOT)/.cache/api-fuzz-venv
SCHEMATHESIS_VERSION := 4.32.5
PYTHON3 ?= python3
.PHONY: test-api-fuzz api-fuzz-build
TEST_TARGETS += test-api-fuzz

$(API_FUZZ_VENV)/.installed: $(API_FUZZ_ROOT)/mk/api-fuzz.mk
	$(PYTHON3) -m venv $(API_FUZZ_VENV)
	$(API_FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION) pytest==9.0.3
	touch $@

# The debug binaries in .build-debug (already built by the Swift tests in CI, so a quick up-to-date check).
api-fuzz-build: setup
	@$(API_FUZZ_ROOT)/scripts/build-debug.sh migrate receiver frontend

test-api-fuzz: $(API_FUZZ_VENV)/.installed test-data api-fuzz-build
	@$(API_FUZZ_ROOT)/scripts/pytest-result.sh api-fuzz $(API_FUZZ_VENV)/bin/python -m pytest -q -s -p no:cacheprovider $(API_FUZZ_ROOT)/tests/api-fuzz
