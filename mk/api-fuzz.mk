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
# Build folder of each package's debug binaries (a private scratch path: API_FUZZ_FRONTEND_BUILD=.build-x).
# migrate (SharedKit's product) is built in the Receiver's folder, which compiles its modules already.
API_FUZZ_RECEIVER_BUILD ?= .build
API_FUZZ_FRONTEND_BUILD ?= .build
export API_FUZZ_RECEIVER_BUILD API_FUZZ_FRONTEND_BUILD
PYTHON3 ?= python3
.PHONY: test-api-fuzz api-fuzz-build
TEST_TARGETS += test-api-fuzz

$(API_FUZZ_VENV)/.installed: $(API_FUZZ_ROOT)/mk/api-fuzz.mk
	$(PYTHON3) -m venv $(API_FUZZ_VENV)
	$(API_FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION) pytest==9.0.3
	touch $@

# The debug binaries (already built by the Swift tests in CI, so this is a quick up-to-date check).
api-fuzz-build: setup
	@for pp in migrate:Receiver:$(API_FUZZ_RECEIVER_BUILD) receiver:Receiver:$(API_FUZZ_RECEIVER_BUILD) frontend:Frontend:$(API_FUZZ_FRONTEND_BUILD); do \
	  product=$${pp%%:*}; rest=$${pp#*:}; package=$${rest%%:*}; scratch=$${rest#*:}; \
	  log=$(API_FUZZ_ROOT)/.build-logs/api-fuzz-build-$$product.log; mkdir -p $(API_FUZZ_ROOT)/.build-logs; \
	  (cd $(API_FUZZ_ROOT)/$$package && swift build --scratch-path $$scratch --product $$product >$$log 2>&1) \
	    || { grep -E 'error:' $$log >&2; echo "build of $$product in $$package failed (log: $$log)" >&2; exit 1; }; \
	done

test-api-fuzz: $(API_FUZZ_VENV)/.installed test-data api-fuzz-build
	@$(API_FUZZ_ROOT)/scripts/pytest-result.sh api-fuzz $(API_FUZZ_VENV)/bin/python -m pytest -q -s -p no:cacheprovider $(API_FUZZ_ROOT)/tests/api-fuzz
