import OspreyModel

/// The compact byte form of a label set kept in the catalog: for each pair, a varint length and
/// the bytes of the name, then the same for the value.
enum LabelsCodec {
    static func encode(_ labels: Labels) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(labels.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        for label in labels {
            Varint.append(UInt64(label.name.utf8.count), to: &bytes)
            bytes.append(contentsOf: label.name.utf8)
            Varint.append(UInt64(label.value.utf8.count), to: &bytes)
            bytes.append(contentsOf: label.value.utf8)
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) throws(StorageError) -> Labels {
        var position = 0
        var pairs: [Label] = []
        func string() throws(StorageError) -> String {
            guard let length = Varint.read(bytes, &position), position + Int(length) <= bytes.count else {
                throw .io("corrupt label set in the series catalog")
            }
            defer { position += Int(length) }
            return String(decoding: bytes[position..<(position + Int(length))], as: UTF8.self)
        }
        while position < bytes.count {
            let name = try string()
            pairs.append(Label(name, try string()))
        }
        return Labels(pairs)
    }
}

/// LEB128 unsigned varints.
enum Varint {
    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    @inline(__always)
    static func read(_ bytes: [UInt8], _ position: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }
}
