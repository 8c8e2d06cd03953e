import HTTPTypes

extension HTTPFields {
    /// The value of field `name`, as `self[name]` gives it, for less: `self[name]` builds the
    /// value by joining every matching field through a lazy sequence (some 4,000 instructions for
    /// a field that is there); a field that occurs once is returned as it is, and only a repeated
    /// one is joined.
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }

    /// True when any field is named one of `names`.
    func contains(anyOf names: [HTTPField.Name]) -> Bool {
        contains { names.contains($0.name) }
    }
}
