import HTTPForms
import Hummingbird
import Logging
import NIOCore
import PeopleLibrary

/// A person's name and photos from a `multipart/form-data` upload (fields `name`, `photos`/`photo`;
/// HTML forms and `curl -F name=Ada -F photos=@a.jpg` alike), and the enrollment of each photo.
struct EnrollmentUpload: Sendable {
    struct Photo: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    var name: String
    var photos: [Photo]
    /// Other text fields (the form's CSRF token).
    var fields: [String: String]

    /// Reads and parses the request body, refusing what is not a sensible upload.
    static func read(_ request: Request, maxBytes: Int) async throws -> EnrollmentUpload {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw RequestError(
                .unsupportedMediaType,
                "upload the photos as multipart/form-data (fields name and photos); got \(contentType.isEmpty ? "no content type" : contentType)")
        }
        guard let boundary = MultipartForm.boundary(fromContentType: contentType) else {
            throw RequestError.badRequest("multipart/form-data without a boundary")
        }
        let body = try await RequestBody.collect(request, maxBytes: maxBytes)
        guard let parts = MultipartForm.parts(Array(body.readableBytesView), boundary: boundary) else {
            throw RequestError.badRequest("the multipart body is malformed")
        }
        var upload = EnrollmentUpload(name: "", photos: [], fields: [:])
        for part in parts {
            if let filename = part.filename {
                // Browsers send an empty part for a file input left empty.
                if filename.isEmpty && part.body.isEmpty { continue }
                guard part.name == nil || part.name == "photos" || part.name == "photo" || part.name == "image" else { continue }
                upload.photos.append(Photo(filename: filename.isEmpty ? "photo \(upload.photos.count + 1)" : filename, bytes: Array(part.body)))
            } else if let name = part.name {
                upload.fields[name] = String(decoding: part.body, as: UTF8.self)
            }
        }
        upload.name = upload.fields["name"] ?? ""
        return upload
    }

    /// Validates the name and the photos, then enrolls the photos one after the other.
    func enroll(with enroller: any PersonEnroller, logger: Logger) async throws(RequestError) -> EnrollmentReport {
        let name: String
        do {
            name = try PersonName.validated(self.name)
        } catch {
            throw RequestError.badRequest("name: \(error.message)")
        }
        guard !photos.isEmpty else { throw RequestError.badRequest("choose at least one photo (field photos)") }
        guard photos.count <= Self.maxPhotos else {
            throw RequestError.badRequest("at most \(Self.maxPhotos) photos at once; got \(photos.count)")
        }
        var report = EnrollmentReport(personName: name, personID: nil, personCreated: false, photos: [])
        for photo in photos {
            // The header check FaceRecognition would do, without the round trip.
            guard ImageDimensions(header: photo.bytes) != nil else {
                report.photos.append(.init(filename: photo.filename, error: .notAnImage("not a JPEG or PNG image")))
                continue
            }
            do {
                let enrolled = try await enroller.enroll(personName: name, photo: photo.bytes)
                report.personID = enrolled.personID
                report.personCreated = report.personCreated || enrolled.personCreated
                report.photos.append(.init(filename: photo.filename, enrolled: enrolled))
                logger.info(
                    "photo enrolled",
                    metadata: ["person_id": "\(enrolled.personID)", "file": "\(photo.filename)", "faces": "\(enrolled.facesDetected)"])
            } catch {
                logger.info("photo not enrolled", metadata: ["file": "\(photo.filename)", "reason": "\(error)"])
                if case .invalidName(let message) = error { throw RequestError.badRequest(message) }
                report.photos.append(.init(filename: photo.filename, error: error))
            }
        }
        return report
    }

    static let maxPhotos = 20
}

/// The outcome of an upload, photo by photo.
struct EnrollmentReport: Sendable {
    struct PhotoResult: Sendable {
        var filename: String
        var enrolled: EnrolledPhoto?
        var error: EnrollmentError?

        init(filename: String, enrolled: EnrolledPhoto) {
            self.filename = filename
            self.enrolled = enrolled
        }

        init(filename: String, error: EnrollmentError) {
            self.filename = filename
            self.error = error
        }

        /// What to tell the user about this photo.
        var message: String {
            if let error { return error.description }
            guard let enrolled else { return "" }
            return enrolled.facesDetected > 1
                ? "enrolled; \(enrolled.facesDetected) faces were found, the largest was enrolled"
                : "enrolled"
        }
    }

    var personName: String
    var personID: Int64?
    var personCreated: Bool
    var photos: [PhotoResult]

    var enrolledCount: Int { photos.filter { $0.enrolled != nil }.count }

    /// 201 for a new person, 200 when photos were added, 503 when FaceRecognition could not be reached
    /// for any photo, 422 when every photo was refused.
    var status: HTTPResponse.Status {
        if enrolledCount > 0 { return personCreated ? .created : .ok }
        if photos.contains(where: { if case .unavailable = $0.error { true } else { false } }) { return .serviceUnavailable }
        return .unprocessableContent
    }

    /// One line per photo, for the page's message.
    var summary: String {
        let head = enrolledCount > 0
            ? "\(personName): \(enrolledCount) of \(photos.count) photo(s) enrolled."
            : "\(personName): no photo enrolled."
        return ([head] + photos.map { "\($0.filename): \($0.message)." }).joined(separator: " ")
    }
}

/// Reads a request body up to a limit; over it is a 413 with the limit in the message.
enum RequestBody {
    static func collect(_ request: Request, maxBytes: Int) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw RequestError(.contentTooLarge, "the upload is larger than \(ByteText.describe(maxBytes)): send fewer or smaller photos")
        }
    }
}

enum ByteText {
    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : bytes >= 1024 && bytes % 1024 == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}
