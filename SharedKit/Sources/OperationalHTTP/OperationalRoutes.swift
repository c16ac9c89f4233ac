import Foundation
import Hummingbird
import Observability
import Prometheus

/// `/healthz`, `/readyz` and `/metrics`, the same on every service.
public enum OperationalRoutes {
    public static func add<Context: RequestContext>(
        to router: Router<Context>, health: HealthState, registry: PrometheusCollectorRegistry
    ) {
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            if let problems = await health.readinessProblems() {
                let body = "{\"ready\":false,\"problems\":[\(problems.map { "\"\($0.replacingOccurrences(of: "\"", with: "'"))\"" }.joined(separator: ","))]}\n"
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"ready\":true}\n")))
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
