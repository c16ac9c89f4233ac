import Logging
import MySQL
import PeopleLibrary

/// Turns an unexpected error (the database, mostly) into a `RequestError` with a message that says
/// what happened without leaking internals; the details go to the log.
enum FailureMapping {
    static func requestError(for error: any Error, logger: Logger, what: String) -> RequestError {
        if let error = error as? RequestError { return error }
        if let error = error as? PeopleLibraryError {
            switch error {
            case .notFound(let message): return RequestError(.notFound, message)
            case .invalid(let message): return RequestError(.badRequest, message)
            case .conflict(let message): return RequestError(.conflict, message)
            }
        }
        logger.error("request failed", metadata: ["what": "\(what)", "error": "\(error)"])
        if let error = error as? MySQLError,
            error.isConnectionLost || error.kind == .checkoutTimeout || error.kind == .poolClosed
        {
            return RequestError(.serviceUnavailable, "The database cannot be reached right now; try again shortly.")
        }
        return RequestError(.internalServerError, "Something went wrong while reading \(what); the error is logged.")
    }
}
