/// Why a people operation was refused. Messages are shown to the user as they are.
public enum PeopleLibraryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The face, group or person does not exist (or is not the person's).
    case notFound(String)
    /// The request cannot be done as asked (a bad name, merging a person into itself).
    case invalid(String)
    /// The request clashes with what is stored (the name belongs to someone else).
    case conflict(String)

    public var message: String {
        switch self {
        case .notFound(let message), .invalid(let message), .conflict(let message): message
        }
    }

    public var description: String { message }
}
