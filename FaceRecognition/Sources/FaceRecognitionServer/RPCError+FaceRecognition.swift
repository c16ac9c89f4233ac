import FaceEngine
import FaceGallery
import GRPCCore
import ImageFiles

// How failures reach clients: the input's fault (INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED,
// FAILED_PRECONDITION) or the server's (UNAVAILABLE, INTERNAL), always with the readable description.

extension FaceEngineError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch category {
        case .notFound: .notFound
        case .invalidInput: .invalidArgument
        case .resourceExhausted: .resourceExhausted
        case .unavailable: .unavailable
        case .internal: .internalError
        }
    }

    public var rpcErrorMessage: String { description }
}

extension ImagePathError: @retroactive RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .notFound: .notFound
        default: .invalidArgument
        }
    }

    public var rpcErrorMessage: String { "image path refused: \(description)" }
}

extension GalleryStoreError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .invalidPersonName: .invalidArgument
        case .personNotFound: .notFound
        case .noFace: .failedPrecondition
        case .image(let error): error.rpcErrorCode
        case .storage: .internalError
        }
    }

    public var rpcErrorMessage: String { description }
}
