/// A missing or malformed setting, reported at startup with the flag and environment names to fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
