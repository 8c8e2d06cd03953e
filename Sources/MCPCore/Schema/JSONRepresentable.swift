/// A Swift type with a JSON Schema, read from and written to JSON.
///
/// Tool parameters, tool results and resource contents are declared with these types; their
/// schemas are derived, never written by hand. Structs get a conformance from `@Schema`;
/// string enums from ``JSONStringEnum``.
public protocol JSONRepresentable: Sendable {
    /// The JSON Schema every value of this type satisfies.
    static var jsonSchema: JSONSchema { get }
    /// Reads a value, rejecting JSON that does not fit ``jsonSchema``.
    init(json: JSONValue) throws(SchemaMismatch)
    /// The value as JSON.
    var json: JSONValue { get }
}

extension String: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .string }
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .string(let value) = json else { throw .expected("string", got: json) }
        self = value
    }
    public var json: JSONValue { .string(self) }
}

extension Bool: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .boolean }
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .bool(let value) = json else { throw .expected("boolean", got: json) }
        self = value
    }
    public var json: JSONValue { .bool(self) }
}

extension Int: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .integer }
    /// Accepts whole numbers, also when written with a fraction of zero (`2.0`), as JSON Schema does.
    public init(json: JSONValue) throws(SchemaMismatch) {
        switch json {
        case .int(let value): self = value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: self = Int(value)
        default: throw .expected("integer", got: json)
        }
    }
    public var json: JSONValue { .int(self) }
}

extension Double: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .number }
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard let value = json.doubleValue else { throw .expected("number", got: json) }
        self = value
    }
    public var json: JSONValue { isFinite ? .double(self) : .null }
}

extension Array: JSONRepresentable where Element: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .array(of: Element.jsonSchema) }
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .array(let elements) = json else { throw .expected("array", got: json) }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do throws(SchemaMismatch) {
                result.append(try Element(json: element))
            } catch {
                throw error.inside("[\(index)]")
            }
        }
        self = result
    }
    public var json: JSONValue { .array(map(\.json)) }
}

extension Dictionary: JSONRepresentable where Key == String, Value: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .dictionary(of: Value.jsonSchema) }
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .object(let object) = json else { throw .expected("object", got: json) }
        var result: [String: Value] = [:]
        for (key, value) in object {
            do throws(SchemaMismatch) {
                result[key] = try Value(json: value)
            } catch {
                throw error.inside(key)
            }
        }
        self = result
    }
    public var json: JSONValue { .object(JSONObject(sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })) }
}

extension JSONValue: JSONRepresentable {
    public static var jsonSchema: JSONSchema { .any }
    public init(json: JSONValue) throws(SchemaMismatch) { self = json }
    public var json: JSONValue { self }
}

extension JSONObject: JSONRepresentable {
    public static var jsonSchema: JSONSchema { JSONSchema(["type": "object"]) }
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .object(let object) = json else { throw .expected("object", got: json) }
        self = object
    }
    public var json: JSONValue { .object(self) }
}

/// Marks `Optional` for declarations: an optional parameter is not required, and a missing
/// argument reads as nil.
public protocol OptionalRepresentable {
    static var absentValue: Self { get }
}

extension Optional: OptionalRepresentable {
    public static var absentValue: Self { nil }
}

/// `T`'s absent value when `T` is optional, else nil.
func absentValue<T>(of type: T.Type) -> T? {
    (T.self as? any OptionalRepresentable.Type)?.absentValue as? T
}

extension Optional: JSONRepresentable where Wrapped: JSONRepresentable {
    public static var jsonSchema: JSONSchema { Wrapped.jsonSchema }
    public init(json: JSONValue) throws(SchemaMismatch) {
        if case .null = json {
            self = .none
        } else {
            self = .some(try Wrapped(json: json))
        }
    }
    public var json: JSONValue { self?.json ?? .null }
}

/// A string enum usable as a parameter: its schema lists the cases, and prompts and resource
/// templates offer them as completions.
///
/// ```swift
/// enum CaseType: String, CaseIterable, JSONStringEnum { case upper, lower, title, capitalize }
/// ```
public protocol JSONStringEnum: JSONRepresentable, CaseIterable, RawRepresentable where RawValue == String {}

extension JSONStringEnum {
    public static var jsonSchema: JSONSchema { .enumeration(allCases.map(\.rawValue)) }

    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .string(let text) = json else { throw .expected("string", got: json) }
        guard let value = Self(rawValue: text) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw SchemaMismatch(problem: "expected one of \(allowed), got \"\(LogSafe.clip(text, to: 40))\"")
        }
        self = value
    }

    public var json: JSONValue { .string(rawValue) }
}
