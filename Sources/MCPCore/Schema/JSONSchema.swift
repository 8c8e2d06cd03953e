/// A JSON Schema (2020-12) document, built from Swift types rather than written by hand.
///
/// Declarations derive their schemas through ``JSONRepresentable/jsonSchema``; the builders
/// here are what those derivations are made of.
public struct JSONSchema: Sendable, Hashable {
    /// The schema document as a JSON object.
    public var json: JSONObject

    /// Wraps a schema document as it is, without checking it.
    public init(_ json: JSONObject) { self.json = json }

    /// `{"type": "string"}`.
    public static let string = JSONSchema(["type": "string"])
    /// `{"type": "number"}`: any JSON number, integer or not.
    public static let number = JSONSchema(["type": "number"])
    /// `{"type": "integer"}`.
    public static let integer = JSONSchema(["type": "integer"])
    /// `{"type": "boolean"}`.
    public static let boolean = JSONSchema(["type": "boolean"])
    /// Any JSON value.
    public static let any = JSONSchema([:])

    /// An array whose elements all follow `items`.
    public static func array(of items: JSONSchema) -> JSONSchema {
        JSONSchema(["type": "array", "items": .object(items.json)])
    }

    /// A string limited to the given values.
    public static func enumeration(_ values: [String]) -> JSONSchema {
        JSONSchema(["type": "string", "enum": .array(values.map { .string($0) })])
    }

    /// An object with named properties. Unknown properties are rejected unless
    /// `additionalProperties` says otherwise.
    public static func object(
        properties: [(name: String, schema: JSONSchema)],
        required: [String],
        additionalProperties: JSONValue = false
    ) -> JSONSchema {
        var propertyObject = JSONObject(minimumCapacity: properties.count)
        for property in properties { propertyObject.append(property.name, .object(property.schema.json)) }
        var json: JSONObject = ["type": "object", "properties": .object(propertyObject)]
        if !required.isEmpty { json.append("required", .array(required.map { .string($0) })) }
        json.append("additionalProperties", additionalProperties)
        return JSONSchema(json)
    }

    /// An object whose values all follow `values`.
    public static func dictionary(of values: JSONSchema) -> JSONSchema {
        JSONSchema(["type": "object", "additionalProperties": .object(values.json)])
    }

    /// This schema with a `description`.
    public func describing(_ description: String?) -> JSONSchema {
        guard let description, !description.isEmpty else { return self }
        var copy = self
        copy.json["description"] = .string(description)
        return copy
    }

    /// This schema with a `default`.
    public func withDefault(_ value: JSONValue?) -> JSONSchema {
        guard let value else { return self }
        var copy = self
        copy.json["default"] = value
        return copy
    }

    /// True when the schema describes a JSON object.
    public var isObject: Bool { json["type"] == .string("object") }
}
