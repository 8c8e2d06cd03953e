public import MCPCore

/// A tool that runs longer than a request should: it writes a report section by section, as a
/// task when the client can take one (2025-11-25 `params.task`, or the 2026-07-28 tasks
/// extension), reporting progress after each section. Clients that know no tasks get the
/// report at the end of an ordinary call.
@Catalogue
public struct ReportTools: Sendable {
    /// The report tool; it has no state.
    public init() {}

    /// Write a report on a topic, one section at a time, with progress after each section.
    /// Runs as a task: the call returns a task id at once; poll it for progress and the report.
    /// - Parameters:
    ///   - topic: What the report is about.
    ///   - sections: How many sections (1 to 50).
    ///   - section_ms: Milliseconds spent on each section (0 to 60,000).
    @Tool("generate_report", title: "Generate Report", annotations: .pure, task: .optional)
    static func generateReport(
        topic: String, sections: Int = 3, section_ms sectionMilliseconds: Int = 500, context: HandlerContext
    ) async throws -> Report {
        let topic = topic.trimmed
        guard !topic.isEmpty, topic.utf8.count <= 200 else { throw ToolError("topic must be 1 to 200 bytes of UTF-8") }
        guard (1...50).contains(sections) else { throw ToolError("sections must be between 1 and 50") }
        guard (0...60_000).contains(sectionMilliseconds) else {
            throw ToolError("section_ms must be between 0 and 60000")
        }
        var written: [String] = []
        for number in 1...sections {
            // Cancellation (tasks/cancel, or the client leaving) stops the work here.
            try await Task.sleep(for: .milliseconds(sectionMilliseconds))
            try Task.checkCancellation()
            written.append("## \(number). \(Self.heading(number, of: sections)) of \(topic)")
            await context.reportProgress(
                Double(number), total: Double(sections), message: "Wrote section \(number) of \(sections)")
        }
        return Report(topic: topic, sections: written, text: "# \(topic)\n\n" + written.joined(separator: "\n\n"))
    }

    static func heading(_ number: Int, of count: Int) -> String {
        switch number {
        case 1: return "Overview"
        case count: return "Conclusions"
        default: return "Part \(number)"
        }
    }
}

/// What `generate_report` wrote.
@Schema
public struct Report: Sendable {
    public var topic: String
    public var sections: [String]
    public var text: String
}

extension String {
    fileprivate var trimmed: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
