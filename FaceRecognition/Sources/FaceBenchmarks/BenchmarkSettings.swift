import FaceEngine
import Foundation

/// Command line: face-bench [--rounds N] [--runs N] [--photos DIR] [--models DIR] [--engine-only] [--gallery-only]
struct BenchmarkSettings {
    var rounds = 5          // throughput: passes over the photo set
    var runs = 5            // per-image timings: runs per photo (median reported)
    var photosDirectory = FaceEngineConfiguration.repositoryRoot + "/.cache/photos"
    var modelsDirectory = FaceEngineConfiguration.defaultModelsDirectory()
    var runEngine = true
    var runGallery = true

    static let photoNames = [
        "obama.jpg", "obama2.jpg", "obama3.jpg", "32bit.png", "biden.jpg", "obama_partial_face.jpg",
        "obama_partial_face2.jpg", "t1.jpg", "Tom_Hanks_54745.png", "mask_white.jpg", "mask_blue.jpg",
        "mask_black.jpg", "mask_green.jpg",
    ]

    init(arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            func value() throws -> String {
                guard let v = iterator.next() else { throw UsageError("\(argument) needs a value") }
                return v
            }
            switch argument {
            case "--rounds": rounds = Int(try value()) ?? rounds
            case "--runs": runs = Int(try value()) ?? runs
            case "--photos": photosDirectory = try value()
            case "--models": modelsDirectory = try value()
            case "--engine-only": runGallery = false
            case "--gallery-only": runEngine = false
            default: throw UsageError("unknown argument \(argument)")
            }
        }
    }

    var photoPaths: [String] { Self.photoNames.map { photosDirectory + "/" + $0 } }

    func checkData() throws {
        for path in photoPaths + [modelsDirectory + "/dlib_face_recognition_resnet_model_v1.dat"]
        where !FileManager.default.fileExists(atPath: path) {
            throw UsageError("missing \(path): run scripts/fetch-test-data.sh first")
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
