import MCPCore

struct HiddenFailure: Error {}

enum Style: String, CaseIterable, Sendable, JSONStringEnum { case plain, loud }

/// A postal address.
@Schema
struct Address: Sendable, Equatable {
    /// Street name.
    var street: String
    /// House number.
    var number: Int?
}

@Schema
struct Greeting: Sendable, Equatable {
    var text: String
    var count: Int
}

/// Declarations that use every feature the macros support.
@Catalogue
struct SampleCatalogue {
    /// Greets someone.
    /// - Parameters:
    ///   - name: Who to greet.
    ///   - times: How often.
    ///   - style: The style.
    ///   - tags: Extra tags.
    ///   - nickname: Optional nickname.
    ///   - address: Where they live.
    @Tool(title: "Greet", annotations: .pure)
    static func greet(
        name: String, times: Int = 1, style: Style = .plain, tags: [String] = [], nickname: String? = nil,
        address: Address? = nil
    ) -> Greeting {
        var text = "Hello, \(nickname ?? name)"
        if style == .loud { text = text.uppercased() + "!" }
        if let street = address?.street { text += " of \(street)" }
        return Greeting(text: text + tags.map { " #\($0)" }.joined(), count: times)
    }

    /// Fails with a message for the client.
    @Tool static func refuse() throws -> String { throw ToolError("not today") }

    /// Fails with an internal error.
    @Tool static func explode() throws -> String { throw HiddenFailure() }

    /// Reports progress and logs.
    @Tool static func work(steps: Int, context: HandlerContext) async throws -> Int {
        for step in 1...steps {
            await context.reportProgress(Double(step), total: Double(steps))
            await context.reportProgress(Double(step) - 0.5, total: Double(steps))
            await context.log(.info, "step \(step)")
            await context.log(.debug, "detail")
        }
        return steps
    }

    /// Waits until cancelled or a long time passed.
    @Tool static func wait(seconds: Double) async throws -> String {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return "done"
    }

    @Tool("named.tool-1") static func renamed() -> Bool { true }

    /// A fixed note.
    @Resource("mem://note", name: "note", mimeType: "text/plain")
    static func note() -> String { "remember" }

    /// An item by number.
    @Resource("mem://item/{id}", completions: ["id": ["1", "2", "10"]])
    static func item(id: Int) throws -> JSONValue {
        guard id < 100 else { throw ResourceNotFound() }
        return ["id": .int(id)]
    }

    /// Says hello in a language.
    /// - Parameters:
    ///   - who: Whom to greet.
    ///   - language: Which language.
    @Prompt(completions: ["language": ["english", "esperanto", "estonian", "french"]])
    static func hello(who: String, language: String = "english") -> String {
        "Say hello to \(who) in \(language)."
    }

    @Prompt static func dialogue(topic: String?) -> [PromptMessage] {
        [.user("Let's talk about \(topic ?? "anything")."), .assistant("Gladly.")]
    }
}
