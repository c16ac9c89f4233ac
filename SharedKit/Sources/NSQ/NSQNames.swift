/// Topic and channel name rules, checked before anything is sent so a bad name never reaches nsqd
/// (nsqd answers a bad name with a fatal `E_BAD_TOPIC`/`E_BAD_CHANNEL` and drops the connection).
///
/// Spec: characters `[.a-zA-Z0-9_-]`, 1 to 64 long (the optional `#ephemeral` suffix included).
public enum NSQNames {
    public static let maxLength = 64
    static let ephemeralSuffix = "#ephemeral"

    public static func isValid(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard (1...maxLength).contains(utf8.count) else { return false }
        var core = utf8[...]
        let suffix = Array(ephemeralSuffix.utf8)
        if utf8.count > suffix.count, utf8.suffix(suffix.count).elementsEqual(suffix) {
            core = utf8.dropLast(suffix.count)
        }
        return !core.isEmpty && core.allSatisfy(isNameByte)
    }

    public static func validateTopic(_ name: String) throws(NSQError) {
        guard isValid(name) else { throw NSQError.invalidTopicName(name) }
    }

    public static func validateChannel(_ name: String) throws(NSQError) {
        guard isValid(name) else { throw NSQError.invalidChannelName(name) }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
