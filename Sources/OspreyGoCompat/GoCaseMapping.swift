/// Go's `strings.ToLower` and `strings.ToUpper`, which the `lowercase` and `uppercase` actions use.
///
/// Go maps each code point on its own by Unicode's simple case mapping, so one code point stays
/// one: `ß` stays `ß` in upper case and `İ` becomes a plain `i`. Swift's `lowercased()` and
/// `uppercased()` use the full mappings instead (`ß` becomes `SS`), so they would give other values.
public enum GoCaseMapping {
    public static func lowercased(_ text: String) -> String {
        mapped(text, ascii: { $0 | 0x20 }, isASCIIToChange: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) {
            simpleLowercase(of: $0)
        }
    }

    public static func uppercased(_ text: String) -> String {
        mapped(text, ascii: { $0 & ~0x20 }, isASCIIToChange: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) {
            simpleUppercase(of: $0)
        }
    }

    private static func mapped(
        _ text: String, ascii: (UInt8) -> UInt8, isASCIIToChange: (UInt8) -> Bool,
        scalar: (Unicode.Scalar) -> Unicode.Scalar
    ) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 >= 0x80 || isASCIIToChange($0) }) else { return text }
        if utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: utf8.map { isASCIIToChange($0) ? ascii($0) : $0 }, as: UTF8.self)
        }
        var result = String.UnicodeScalarView()
        for character in text.unicodeScalars { result.append(scalar(character)) }
        return String(result)
    }

    /// The full mapping is one code point for all but `İ`, whose simple lower case is `i`.
    private static func simpleLowercase(of scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar == "\u{130}" { return "i" }
        return single(scalar.properties.lowercaseMapping) ?? scalar
    }

    /// Where the full upper case is several code points (`ß` → `SS`, `ᾳ` → `ΑΙ`), the simple one
    /// is the title case when that is a single code point (`ᾳ` → `ᾼ`), else the code point itself.
    private static func simpleUppercase(of scalar: Unicode.Scalar) -> Unicode.Scalar {
        single(scalar.properties.uppercaseMapping) ?? single(scalar.properties.titlecaseMapping) ?? scalar
    }

    private static func single(_ mapping: String) -> Unicode.Scalar? {
        var scalars = mapping.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }
}
