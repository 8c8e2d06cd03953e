/// The four list methods.
enum ListKind: CaseIterable, Sendable {
    case tools, resources, resourceTemplates, prompts

    var resultKey: String {
        switch self {
        case .tools: return "tools"
        case .resources: return "resources"
        case .resourceTemplates: return "resourceTemplates"
        case .prompts: return "prompts"
        }
    }
}

/// Every page of every list, encoded once per protocol revision when the server starts, so a
/// list request costs a dictionary lookup and one copy (the registry never changes at run time).
struct ListCache: Sendable {
    private struct Entry: Sendable {
        var pagesByVersion: [ProtocolVersion: [[UInt8]]]
        var fingerprint: UInt64
        var count: Int
    }

    private let entries: [ListKind: Entry]
    let pageSize: Int

    init(
        registry: Registry, configuration: ServerConfiguration, tasks: Bool = false,
        modernDecoration: (inout JSONObject) -> Void
    ) {
        pageSize = max(1, configuration.pageSize)
        var entries: [ListKind: Entry] = [:]
        for kind in ListKind.allCases {
            let names: [String]
            let render: (ProtocolVersion) -> [JSONValue]
            switch kind {
            case .tools:
                names = registry.tools.map(\.name)
                render = { version in registry.tools.map { .object($0.json(for: version, tasks: tasks)) } }
            case .resources:
                names = registry.resources.map(\.uri)
                render = { version in registry.resources.map { .object($0.json(for: version)) } }
            case .resourceTemplates:
                names = registry.templates.map(\.uri)
                render = { version in registry.templates.map { .object($0.json(for: version)) } }
            case .prompts:
                names = registry.prompts.map(\.name)
                render = { version in registry.prompts.map { .object($0.json(for: version)) } }
            }
            let fingerprint = PageCursor.fingerprint(names)
            var pagesByVersion: [ProtocolVersion: [[UInt8]]] = [:]
            for version in ProtocolVersion.allCases {
                let items = render(version)
                var pages: [[UInt8]] = []
                var start = 0
                repeat {
                    let end = min(start + pageSize, items.count)
                    var result: JSONObject = [kind.resultKey: .array(Array(items[start..<end]))]
                    if end < items.count {
                        result.append("nextCursor", .string(PageCursor.encode(offset: end, fingerprint: fingerprint)))
                    }
                    if version.isModern { modernDecoration(&result) }
                    pages.append(JSONWriter.bytes(.object(result)))
                    start = end
                } while start < items.count
                pagesByVersion[version] = pages
            }
            entries[kind] = Entry(pagesByVersion: pagesByVersion, fingerprint: fingerprint, count: names.count)
        }
        self.entries = entries
    }

    /// The encoded result for the page `cursor` points at; nil for a cursor that is not ours.
    func page(_ kind: ListKind, version: ProtocolVersion, cursor: String?) -> [UInt8]? {
        guard let entry = entries[kind], let pages = entry.pagesByVersion[version] else { return nil }
        guard let cursor else { return pages[0] }
        guard let offset = PageCursor.decode(cursor, fingerprint: entry.fingerprint, count: entry.count) else {
            return nil
        }
        guard offset % pageSize == 0 else { return nil }
        return pages[offset / pageSize]
    }
}
