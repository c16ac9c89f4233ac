import Config
import FaceEngine
import FaceRecognitionServer
import MySQL

/// Every setting of the service, resolved from flags, environment and defaults.
struct FaceRecognitionSettings: Sendable {
    var server: FaceRecognitionServerConfiguration
    var admin: HostPort
    var imageRoot: String
    var knownPeopleDirectory: String
    var engine: FaceEngineConfiguration
    var matchThreshold: Double
    /// nil: load the gallery at start only.
    var galleryRefresh: Duration?
    /// Apply the schema migrations before loading the gallery.
    var migrate: Bool
    var database: MySQLConfiguration
    var service: ServiceOptions.Resolved
}
