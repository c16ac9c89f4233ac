"""The sample's Python-style client against a running face-recognition server.

The client code is generated at test time from the sample's face.proto (SharedKit/Protos/face.proto)
with grpcio-tools, exactly as a Python client of the original service would be built. The server must
serve the gallery obama.jpg (Barack Obama) + biden.jpg (Joe Biden) with the probes under
unknown_people/ (run-client-test.sh sets that up).

Env: FR_ADDRESS (host:port, default 127.0.0.1:50051), FR_PROTO (path of face.proto),
FR_READY_TIMEOUT (seconds to wait for HealthCheck.ready, default 180).
"""
import importlib
import os
import sys
import tempfile
import time

import grpc
import pytest
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO = os.path.join(HERE, "..", "..", "SharedKit", "Protos", "face.proto")
ADDRESS = os.environ.get("FR_ADDRESS", "127.0.0.1:50051")


def generate_client(proto_path):
    """Runs protoc (grpcio-tools) on face.proto and imports face_pb2 / face_pb2_grpc."""
    proto_path = os.path.abspath(proto_path)
    out = tempfile.mkdtemp(prefix="fr-python-client-")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    status = protoc.main([
        "grpc_tools.protoc", f"-I{os.path.dirname(proto_path)}", f"-I{include}",
        f"--python_out={out}", f"--grpc_python_out={out}", os.path.basename(proto_path),
    ])
    assert status == 0, f"protoc failed on {proto_path}"
    sys.path.insert(0, out)
    return importlib.import_module("face_pb2"), importlib.import_module("face_pb2_grpc")


@pytest.fixture(scope="module")
def api():
    pb2, pb2_grpc = generate_client(os.environ.get("FR_PROTO", DEFAULT_PROTO))
    channel = grpc.insecure_channel(ADDRESS)
    health = pb2_grpc.HealthCheckStub(channel)
    deadline = time.time() + float(os.environ.get("FR_READY_TIMEOUT", "180"))
    while True:
        try:
            if health.HealthCheck(pb2.Empty(), timeout=5).ready:
                break
        except grpc.RpcError:
            pass
        if time.time() > deadline:
            pytest.fail(f"server at {ADDRESS} did not become ready")
        time.sleep(1)
    yield pb2, pb2_grpc.IdentifyStub(channel), health
    channel.close()


def identify(api, path):
    pb2, identify_stub, _ = api
    return identify_stub.Identify(pb2.IdentifyRequest(image_path=path), timeout=60).image_name


def test_health_check_is_ready(api):
    pb2, _, health = api
    assert health.HealthCheck(pb2.Empty(), timeout=10).ready is True


@pytest.mark.parametrize("probe", ["obama2.jpg", "obama3.jpg", "32bit.png"])
def test_obama_probes_match_the_known_obama_photo(api, probe):
    assert identify(api, "unknown_people/" + probe) == "obama.jpg"


@pytest.mark.parametrize("probe", ["t1.jpg", "mask_white.jpg", "Tom_Hanks_54745.png"])
def test_unknown_or_faceless_photos_are_not_found(api, probe):
    assert identify(api, "unknown_people/" + probe) == "not_found"


def test_missing_file_is_a_not_found_status(api):
    with pytest.raises(grpc.RpcError) as error:
        identify(api, "unknown_people/does-not-exist.jpg")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_path_traversal_is_refused(api):
    with pytest.raises(grpc.RpcError) as error:
        identify(api, "../../../../etc/passwd")
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
