import FaceEngine
import FaceGallery
import GRPCCore

extension RPCError {
    /// The status a client gets for an engine failure: its input's fault (INVALID_ARGUMENT, NOT_FOUND,
    /// RESOURCE_EXHAUSTED) or the server's (UNAVAILABLE, INTERNAL).
    init(_ error: FaceEngineError) {
        let code: RPCError.Code =
            switch error.category {
            case .notFound: .notFound
            case .invalidInput: .invalidArgument
            case .resourceExhausted: .resourceExhausted
            case .unavailable: .unavailable
            case .internal: .internalError
            }
        self.init(code: code, message: error.description)
    }

    init(_ error: ImagePathError) {
        let code: RPCError.Code =
            switch error {
            case .notFound: .notFound
            case .empty, .invalid, .outsideRoot, .notARegularFile: .invalidArgument
            }
        self.init(code: code, message: error.description)
    }

    init(_ error: GalleryStoreError) {
        switch error {
        case .invalidPersonName: self.init(code: .invalidArgument, message: error.description)
        case .personNotFound: self.init(code: .notFound, message: error.description)
        case .noFace: self.init(code: .failedPrecondition, message: error.description)
        case .image(let engineError): self.init(engineError)
        case .storage: self.init(code: .internalError, message: error.description)
        }
    }
}
