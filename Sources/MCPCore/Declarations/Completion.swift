/// Where the suggestions for one prompt argument or template parameter come from.
public struct CompletionSource: Sendable {
    let suggest: @Sendable (_ prefix: String, _ context: JSONObject) async -> [String]

    /// Suggestions computed per request from the typed prefix and the other arguments.
    public init(_ suggest: @escaping @Sendable (_ prefix: String, _ context: JSONObject) async -> [String]) {
        self.suggest = suggest
    }

    /// A fixed list, filtered by case-insensitive prefix.
    public static func values(_ values: [String]) -> CompletionSource {
        CompletionSource { prefix, _ in
            let lowered = prefix.lowercased()
            return values.filter { $0.lowercased().hasPrefix(lowered) }
        }
    }

    /// The cases of a string enum.
    public static func cases<E: JSONStringEnum>(of type: E.Type) -> CompletionSource {
        values(E.allCases.map(\.rawValue))
    }
}

extension CompletionSource: ExpressibleByArrayLiteral {
    /// A fixed list of suggestions, as ``values(_:)``.
    public init(arrayLiteral elements: String...) {
        self = .values(elements)
    }
}
