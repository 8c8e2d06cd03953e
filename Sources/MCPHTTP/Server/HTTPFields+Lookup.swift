import HTTPTypes

extension HTTPFields {
    /// The value of field `name`, as `self[name]` gives it, for less: `self[name]` builds the
    /// value by joining every matching field through a lazy sequence (some 4,000 instructions for
    /// a field that is there); a field that occurs once is returned as it is, and only a repeated
    /// one is joined.
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        let length = name.canonicalName.utf8.count
        for field in self where field.name.hasLength(length) && field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }

    /// True when any field is named one of `names`.
    func contains(anyOf names: [HTTPField.Name]) -> Bool {
        contains { field in names.contains { field.name.hasLength($0.canonicalName.utf8.count) && field.name == $0 } }
    }
}

extension HTTPField.Name {
    /// Whether the lower-case name is `length` bytes long: a stored count, checked before
    /// comparing names, which calls into the runtime for most names that differ.
    @inline(__always)
    func hasLength(_ length: Int) -> Bool { canonicalName.utf8.count == length }
}
