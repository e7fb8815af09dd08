import OspreyModel
import SwiftASN1
import X509

/// A certificate's subject or issuer written as Go's `pkix.Name.String()` writes it, which is
/// what blackbox exporter puts in `probe_ssl_last_chain_info`'s `subject` and `issuer` labels:
/// the standard attributes in Go's fixed order (C, ST, L, STREET, POSTALCODE, O, OU, CN,
/// SERIALNUMBER), repeated ones joined with `+`, the others before them as `OID=#hex`, and the
/// whole read back to front, with RFC 2253's escapes.
public enum GoDistinguishedName {
    private static let order: [(oid: ASN1ObjectIdentifier, name: String)] = [
        ([2, 5, 4, 6], "C"), ([2, 5, 4, 8], "ST"), ([2, 5, 4, 7], "L"), ([2, 5, 4, 9], "STREET"),
        ([2, 5, 4, 17], "POSTALCODE"), ([2, 5, 4, 10], "O"), ([2, 5, 4, 11], "OU"), ([2, 5, 4, 3], "CN"),
        ([2, 5, 4, 5], "SERIALNUMBER"),
    ]
    /// Go keeps one common name and one serial number: the last one given.
    private static let singleValued: Set<ASN1ObjectIdentifier> = [[2, 5, 4, 3], [2, 5, 4, 5]]

    public static func string(_ name: DistinguishedName) -> String {
        let attributes = name.flatMap { $0 }
        let known = Set(order.map(\.oid))
        // Each relative name is a list of `TYPE=value` parts joined with `+`.
        var sequence: [[String]] = attributes.filter { !known.contains($0.type) }.map { [hexForm($0)] }
        for (oid, typeName) in order {
            var values = attributes.filter { $0.type == oid }.compactMap { String($0.value) }
            if singleValued.contains(oid), let last = values.last { values = [last] }
            if !values.isEmpty { sequence.append(values.map { typeName + "=" + escaped($0) }) }
        }
        return sequence.reversed().map { $0.joined(separator: "+") }.joined(separator: ",")
    }

    /// RFC 2253's escapes as Go applies them.
    private static func escaped(_ value: String) -> String {
        let characters = Array(value)
        var out = ""
        for (index, character) in characters.enumerated() {
            let escape =
                switch character {
                case ",", "+", "\"", "\\", "<", ">", ";": true
                case " ": index == 0 || index == characters.count - 1
                case "#": index == 0
                default: false
                }
            if escape { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// An attribute Go has no name for: its dotted type and the DER of its value as Go would
    /// encode the parsed text (PrintableString where the characters allow, else UTF8String).
    private static func hexForm(_ attribute: RelativeDistinguishedName.Attribute) -> String {
        let der: [UInt8]
        if let text = String(attribute.value) {
            let bytes = Array(text.utf8)
            der = [text.allSatisfy(isPrintableStringCharacter) ? 0x13 : 0x0C] + lengthBytes(bytes.count) + bytes
        } else {
            der = encodedValue(of: attribute) ?? []
        }
        return "\(attribute.type)=#" + der.lowercaseHex
    }

    /// The value's own DER, as the certificate carried it: the second element of the attribute's
    /// `SEQUENCE { type, value }`.
    private static func encodedValue(of attribute: RelativeDistinguishedName.Attribute) -> [UInt8]? {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(attribute)) != nil, let node = try? DER.parse(serializer.serializedBytes),
            case .constructed(let children) = node.content
        else { return nil }
        var nodes = children.makeIterator()
        _ = nodes.next()
        return nodes.next().map { Array($0.encodedBytes) }
    }

    private static func isPrintableStringCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return " '()+,-./:=?".utf8.contains(ascii)
        }
    }

    private static func lengthBytes(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var rest = count
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}
