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
    /// `{"type": "string"}`.
    public static var jsonSchema: JSONSchema { .string }
    /// Reads a JSON string; throws ``SchemaMismatch`` for any other JSON type.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .string(let value) = json else { throw .expected("string", got: json) }
        self = value
    }
    /// The string as a JSON string.
    public var json: JSONValue { .string(self) }
}

extension Bool: JSONRepresentable {
    /// `{"type": "boolean"}`.
    public static var jsonSchema: JSONSchema { .boolean }
    /// Reads `true` or `false`; throws ``SchemaMismatch`` for any other JSON type.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .bool(let value) = json else { throw .expected("boolean", got: json) }
        self = value
    }
    /// The value as JSON `true` or `false`.
    public var json: JSONValue { .bool(self) }
}

extension Int: JSONRepresentable {
    /// `{"type": "integer"}`.
    public static var jsonSchema: JSONSchema { .integer }
    /// Accepts whole numbers, also when written with a fraction of zero (`2.0`), as JSON Schema does.
    public init(json: JSONValue) throws(SchemaMismatch) {
        switch json {
        case .int(let value): self = value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: self = Int(value)
        default: throw .expected("integer", got: json)
        }
    }
    /// The value as a JSON integer.
    public var json: JSONValue { .int(self) }
}

extension Double: JSONRepresentable {
    /// `{"type": "number"}`.
    public static var jsonSchema: JSONSchema { .number }
    /// Reads any JSON number, integer or not; throws ``SchemaMismatch`` for any other JSON type.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard let value = json.doubleValue else { throw .expected("number", got: json) }
        self = value
    }
    /// The value as a JSON number; NaN and the infinities, which JSON cannot hold, become `null`.
    public var json: JSONValue { isFinite ? .double(self) : .null }
}

extension Array: JSONRepresentable where Element: JSONRepresentable {
    /// An array schema whose items are the element's schema.
    public static var jsonSchema: JSONSchema { .array(of: Element.jsonSchema) }
    /// Reads a JSON array element by element; a mismatch names the failing index (`[3]`).
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
    /// The elements as a JSON array.
    public var json: JSONValue { .array(map(\.json)) }
}

extension Dictionary: JSONRepresentable where Key == String, Value: JSONRepresentable {
    /// An object schema whose `additionalProperties` are the value's schema.
    public static var jsonSchema: JSONSchema { .dictionary(of: Value.jsonSchema) }
    /// Reads a JSON object value by value; a mismatch names the failing key.
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
    /// The dictionary as a JSON object with its keys sorted, so the output is stable.
    public var json: JSONValue { .object(JSONObject(sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) })) }
}

extension JSONValue: JSONRepresentable {
    /// The empty schema: any JSON value.
    public static var jsonSchema: JSONSchema { .any }
    /// Takes any JSON value as it is; never throws.
    public init(json: JSONValue) throws(SchemaMismatch) { self = json }
    /// The value itself.
    public var json: JSONValue { self }
}

extension JSONObject: JSONRepresentable {
    /// `{"type": "object"}` with any properties.
    public static var jsonSchema: JSONSchema { JSONSchema(["type": "object"]) }
    /// Reads a JSON object; throws ``SchemaMismatch`` for any other JSON type.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .object(let object) = json else { throw .expected("object", got: json) }
        self = object
    }
    /// The object as a JSON object.
    public var json: JSONValue { .object(self) }
}

/// Marks `Optional` for declarations: an optional parameter is not required, and a missing
/// argument reads as nil.
public protocol OptionalRepresentable {
    /// The value a missing argument reads as (`nil`).
    static var absentValue: Self { get }
}

extension Optional: OptionalRepresentable {
    /// `nil`.
    public static var absentValue: Self { nil }
}

/// `T`'s absent value when `T` is optional, else nil.
func absentValue<T>(of type: T.Type) -> T? {
    (T.self as? any OptionalRepresentable.Type)?.absentValue as? T
}

extension Optional: JSONRepresentable where Wrapped: JSONRepresentable {
    /// The wrapped type's schema; optionality is expressed by leaving the property out of `required`.
    public static var jsonSchema: JSONSchema { Wrapped.jsonSchema }
    /// Reads `null` as `nil`, anything else as the wrapped type.
    public init(json: JSONValue) throws(SchemaMismatch) {
        if case .null = json {
            self = .none
        } else {
            self = .some(try Wrapped(json: json))
        }
    }
    /// The wrapped value as JSON, or `null` for `nil`.
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
    /// A string schema whose `enum` lists every case's raw value.
    public static var jsonSchema: JSONSchema { .enumeration(allCases.map(\.rawValue)) }

    /// Reads a string that is one of the raw values; the mismatch lists the allowed values.
    public init(json: JSONValue) throws(SchemaMismatch) {
        guard case .string(let text) = json else { throw .expected("string", got: json) }
        guard let value = Self(rawValue: text) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw SchemaMismatch(problem: "expected one of \(allowed), got \"\(LogSafe.clip(text, to: 40))\"")
        }
        self = value
    }

    /// The raw value as a JSON string.
    public var json: JSONValue { .string(rawValue) }
}
