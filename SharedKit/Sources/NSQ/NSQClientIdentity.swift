#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Defaults for the IDENTIFY fields that name this client.
public enum NSQClientIdentity {
    public static let userAgent = "facepipeline-swift-nsq/1.0"

    /// The machine's hostname (in Kubernetes: the pod name), used as `hostname` and default `client_id`.
    public static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// go-nsq's default `client_id`: the short hostname.
    public static var shortHostname: String {
        String(hostname.split(separator: ".").first ?? "unknown")
    }
}
