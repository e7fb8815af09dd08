import OspreyConfig
import OspreyModel

/// The DNS wire format (RFC 1035) as far as a prober needs it: build one query, read a response's
/// header and records. Record data is rendered as `dig` writes it for the common types and as
/// RFC 3597 `\# length hex` for the rest.
struct DNSMessage: Sendable, Equatable {
    struct Record: Sendable, Equatable {
        var name: String
        var type: UInt16
        var rrClass: UInt16
        var ttl: UInt32
        var data: String
        /// The SOA serial, for `probe_dns_serial`.
        var serial: UInt32?

        /// One line in miekg/dns's format, which blackbox's regexes are written against.
        var text: String {
            "\(name)\t\(ttl)\t\(DNSMessage.name(ofClass: rrClass))\t\(DNSMessage.name(ofType: type))\t\(data)"
        }
    }

    struct MalformedResponse: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    var id: UInt16
    var rcode: UInt16
    var answers: [Record]
    var authorities: [Record]
    var additionals: [Record]

    static func query(id: UInt16, name: String, type: UInt16, rrClass: UInt16, recursionDesired: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        func append16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xff)] }
        append16(id)
        append16(recursionDesired ? 0x0100 : 0)
        append16(1)
        append16(0)
        append16(0)
        append16(0)
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8.prefix(63))
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        append16(type)
        append16(rrClass)
        return bytes
    }

    init(id: UInt16, rcode: UInt16, answers: [Record] = [], authorities: [Record] = [], additionals: [Record] = []) {
        self.id = id
        self.rcode = rcode
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    init(parsing bytes: [UInt8]) throws(MalformedResponse) {
        var reader = DNSWireReader(bytes: bytes)
        id = try reader.u16()
        let flags = try reader.u16()
        rcode = flags & 0x000f
        let questions = try reader.u16()
        let counts = (try reader.u16(), try reader.u16(), try reader.u16())
        for _ in 0..<questions {
            _ = try reader.name()
            _ = try reader.u16()
            _ = try reader.u16()
        }
        func records(_ count: UInt16) throws(MalformedResponse) -> [Record] {
            var records: [Record] = []
            for _ in 0..<count { records.append(try reader.record()) }
            return records
        }
        answers = try records(counts.0)
        authorities = try records(counts.1)
        additionals = try records(counts.2)
    }

    static func name(ofType type: UInt16) -> String {
        DNSProbeTypeNames.types[type] ?? "TYPE\(type)"
    }

    static func name(ofClass rrClass: UInt16) -> String {
        DNSProbeTypeNames.classes[rrClass] ?? "CLASS\(rrClass)"
    }
}

/// Names by number, the reverse of the config's tables.
enum DNSProbeTypeNames {
    static let types = Dictionary(DNSProbeConfiguration.queryTypes.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    static let classes = Dictionary(DNSProbeConfiguration.queryClasses.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    static let rcodes = Dictionary(DNSProbeConfiguration.rcodes.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
}

/// A cursor over a response, following name compression pointers.
struct DNSWireReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    private func truncated() -> DNSMessage.MalformedResponse {
        DNSMessage.MalformedResponse(description: "DNS response truncated at byte \(offset) of \(bytes.count)")
    }

    mutating func u8() throws(DNSMessage.MalformedResponse) -> UInt8 {
        guard offset < bytes.count else { throw truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSMessage.MalformedResponse) -> UInt16 {
        UInt16(try u8()) << 8 | UInt16(try u8())
    }

    mutating func u32() throws(DNSMessage.MalformedResponse) -> UInt32 {
        UInt32(try u16()) << 16 | UInt32(try u16())
    }

    mutating func name() throws(DNSMessage.MalformedResponse) -> String {
        var labels: [String] = []
        var position = offset
        var jumped = false
        var jumps = 0
        while true {
            guard position < bytes.count else { throw truncated() }
            let length = bytes[position]
            if length & 0xc0 == 0xc0 {
                guard position + 1 < bytes.count else { throw truncated() }
                let target = Int(length & 0x3f) << 8 | Int(bytes[position + 1])
                if !jumped { offset = position + 2 }
                jumped = true
                jumps += 1
                // A pointer loop would otherwise never end.
                guard jumps < 64, target < bytes.count else {
                    throw DNSMessage.MalformedResponse(description: "DNS response has a bad name pointer")
                }
                position = target
                continue
            }
            position += 1
            if length == 0 { break }
            guard position + Int(length) <= bytes.count else { throw truncated() }
            labels.append(String(decoding: bytes[position..<position + Int(length)], as: UTF8.self))
            position += Int(length)
        }
        if !jumped { offset = position }
        return labels.joined(separator: ".") + "."
    }

    mutating func record() throws(DNSMessage.MalformedResponse) -> DNSMessage.Record {
        let name = try name()
        let type = try u16()
        let rrClass = try u16()
        let ttl = try u32()
        let length = Int(try u16())
        let end = offset + length
        guard end <= bytes.count else { throw truncated() }
        var serial: UInt32?
        let data: String
        switch type {
        case 1 where length == 4:
            data = bytes[offset..<end].map(String.init).joined(separator: ".")
        case 28 where length == 16:
            data = stride(from: offset, to: end, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        case 2, 5, 12:
            data = try self.name()
        case 15:
            let preference = try u16()
            data = "\(preference) \(try self.name())"
        case 16:
            var strings: [String] = []
            var position = offset
            while position < end {
                let count = Int(bytes[position])
                let stop = min(position + 1 + count, end)
                strings.append("\"" + String(decoding: bytes[(position + 1)..<stop], as: UTF8.self) + "\"")
                position = stop
            }
            data = strings.joined(separator: " ")
        case 6:
            let primary = try self.name()
            let mailbox = try self.name()
            let numbers = (try u32(), try u32(), try u32(), try u32(), try u32())
            serial = numbers.0
            data = "\(primary) \(mailbox) \(numbers.0) \(numbers.1) \(numbers.2) \(numbers.3) \(numbers.4)"
        default:
            data = "\\# \(length) " + bytes[offset..<end].lowercaseHex
        }
        offset = end
        return DNSMessage.Record(name: name, type: type, rrClass: rrClass, ttl: ttl, data: data, serial: serial)
    }
}
