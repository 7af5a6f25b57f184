"""A generic gRPC client that knows nothing of Allmenn's protos: it starts `allmenn-server --demo`,
discovers the services through server reflection, builds the messages from the descriptors it is
sent, and calls GetPatientGp for a demo resident and with a malformed number.

Run by .ci/run with the server binary built by the test suite:
    python generic_client_test.py path/to/allmenn-server
It prints 'N passed, N failed' and exits non-zero when a check fails.
"""

import re
import subprocess
import sys
import tempfile
import time

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

EXPECTED_SERVICES = {
    "allmenn.v1.PatientListService",
    "allmenn.v1.TeamRosterService",
    "allmenn.v1.LegevaktService",
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
}


def start_server(binary, database):
    process = subprocess.Popen(
        [binary, "--demo", "--listen", "127.0.0.1:0", "--database-url", f"sqlite://{database}?mode=rwc"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={"RUST_LOG": "warn", "PATH": "/usr/bin:/bin"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the server exited before printing its address")
        match = re.search(r" is up on (\S+)", line)
        if match:
            contract = re.search(r"\"contract_id\":\"([0-9a-f-]+)\"", process.stdout.readline() + process.stdout.readline() + process.stdout.readline())
            return process, match.group(1), contract.group(1) if contract else None
    raise RuntimeError("no start-up banner within two minutes")


def unary(channel, pool, service, method, request_json):
    method_descriptor = pool.FindServiceByName(service).FindMethodByName(method)
    request_class = message_factory.GetMessageClass(method_descriptor.input_type)
    response_class = message_factory.GetMessageClass(method_descriptor.output_type)
    call = channel.unary_unary(
        f"/{service}/{method}",
        request_serializer=lambda message: message.SerializeToString(),
        response_deserializer=response_class.FromString,
    )
    request = json_format.Parse(request_json, request_class())
    return json_format.MessageToDict(call(request, timeout=10))


def main():
    binary = sys.argv[1]
    passed, failed = 0, 0

    def check(name, condition):
        nonlocal passed, failed
        if condition:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name}")

    with tempfile.TemporaryDirectory() as directory:
        process, address, contract_id = start_server(binary, f"{directory}/demo.db")
        try:
            channel = grpc.insecure_channel(address)
            database = ProtoReflectionDescriptorDatabase(channel)
            services = set(database.get_services())
            check("reflection lists the three services, health and reflection", services == EXPECTED_SERVICES)
            pool = descriptor_pool.DescriptorPool(database)
            check("the demo banner names a list contract", contract_id is not None)
            page = unary(
                channel,
                pool,
                "allmenn.v1.PatientListService",
                "ListContractPatients",
                f'{{"contract_id": "{contract_id}", "page_size": 2}}',
            )
            person_id = page["memberships"][0]["personId"]
            answer = unary(
                channel, pool, "allmenn.v1.PatientListService", "GetPatientGp", f'{{"person_id": "{person_id}"}}'
            )
            check("GetPatientGp answers for a demo resident", answer["contract"]["id"] == contract_id)
            check("the answer names the responsible doctor", "hprNumber" in answer.get("responsibleDoctor", {}))
            try:
                unary(channel, pool, "allmenn.v1.PatientListService", "GetPatientGp", '{"person_id": "12345678901"}')
                check("a malformed number is refused", False)
            except grpc.RpcError as error:
                check("a malformed number is refused with INVALID_ARGUMENT", error.code() == grpc.StatusCode.INVALID_ARGUMENT)
                check("the message does not echo the number", "12345678901" not in (error.details() or ""))
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
