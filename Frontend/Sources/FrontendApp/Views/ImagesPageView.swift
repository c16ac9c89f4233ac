import Foundation
import Models

/// What `ImagesTemplate` renders. Stored properties only (templates read them by reflection); names are
/// unique across nesting levels because mustache looks a missing value up in the enclosing contexts.
struct ImagesPageView {
    struct Count {
        var key: String
        var label: String
        var count: Int
        var href: String
        var active: Bool
    }

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Row {
        var id: Int64
        var href: String
        var path: String
        var facesText: String?
        var personLink: Bool
        var personHref: String
        var personName: String
        var statusKey: String
        var statusLabel: String
        var errorText: String?
    }

    struct FilterPerson {
        var label: String
    }

    var pageTitle = "Images"
    var pollURL: String?
    var pollKey: String
    var navImages = true
    var navPeople = false
    var chrome: PageChrome? = nil

    var total: Int
    var allHref: String
    var allActive: Bool
    var counts: [Count]
    var peopleCount: Int
    var refreshing: Bool
    var inProgress: Int
    var statusOptions: [Option]
    var personOptions: [Option]
    var perPageOptions: [Option]
    var filtered: Bool
    var filterPerson: FilterPerson?
    var rows: [Row]
    var emptyText: String
    var page: Int
    var pages: Int
    var rangeText: String
    var prevHref: String?
    var nextHref: String?

    init(parameters: ListParameters, result: ImagePage, stats: FrontendStats, people: [PersonRef], namedPerson: PersonRef?) {
        let query = parameters.query
        pollKey = StatsKey.of(stats)
        refreshing = stats.inProgress > 0
        pollURL = refreshing ? "/api/stats" : nil
        inProgress = stats.inProgress
        total = stats.total
        peopleCount = stats.people
        allActive = query.status == nil
        allHref = "/" + parameters.queryString(page: 1, status: .some(nil))
        counts = ImageStatus.allCases.map { status in
            Count(
                key: status.description, label: status.label, count: stats.count(status),
                href: "/" + parameters.queryString(page: 1, status: status), active: query.status == status)
        }
        statusOptions = ImageStatus.allCases.map {
            Option(value: $0.description, label: $0.label, selected: query.status == $0)
        }
        var personOptions = people.map {
            Option(value: String($0.id), label: $0.displayName, selected: query.personID == $0.id)
        }
        if let id = query.personID, !people.contains(where: { $0.id == id }) {
            personOptions.append(Option(value: String(id), label: "person #\(id)", selected: true))
        }
        self.personOptions = personOptions
        perPageOptions = [10, 25, 50, 100, 200].map {
            Option(value: String($0), label: String($0), selected: query.perPage == $0)
        }
        filtered = query.status != nil || query.personID != nil
        self.filterPerson = query.personID.map { id in
            FilterPerson(label: namedPerson?.name ?? "person #\(id) (not a known person)")
        }
        rows = result.images.map { image in
            Row(
                id: image.id, href: "/images/\(image.id)", path: image.path,
                facesText: image.faceCount == 0 ? nil : (image.faceCount == 1 ? "1 face" : "\(image.faceCount) faces"),
                personLink: image.person != nil, personHref: image.person.map { "/?person=\($0.id)" } ?? "",
                personName: image.person?.displayName ?? "",
                statusKey: image.status?.description ?? "unknown", statusLabel: image.statusLabel,
                errorText: image.status == .failed ? (image.lastError ?? "failed") : nil)
        }
        page = query.page
        pages = max(1, (result.total + query.perPage - 1) / query.perPage)
        emptyText =
            result.total > 0
            ? "No images on this page: there \(pages == 1 ? "is 1 page" : "are \(pages) pages")."
            : filtered ? "No images match these filters." : "No images yet: post some to the receiver."
        let first = result.images.isEmpty ? 0 : query.offset + 1
        let last = query.offset + result.images.count
        rangeText = result.images.isEmpty ? "\(result.total) images" : "\(first)–\(last) of \(result.total)"
        prevHref = query.page > 1 ? "/" + parameters.queryString(page: min(query.page - 1, pages)) : nil
        nextHref = query.page < pages ? "/" + parameters.queryString(page: query.page + 1) : nil
    }
}

/// The value a page compares with `/api/stats` to decide it is stale (same formula as app.js).
enum StatsKey {
    static func of(_ stats: FrontendStats) -> String {
        [stats.count(.pending), stats.count(.processing), stats.count(.processed), stats.count(.failed), stats.total]
            .map(String.init).joined(separator: ",")
    }
}
