import OspreyTSDB
import Testing

/// Bit fields come back as written, at every alignment and width.
@Suite struct BitStreamTests {
    private enum Field {
        case bits(UInt64, count: Int)
        case bit(Bool)
        case varint(UInt64)
        case zigZag(Int64)
    }

    private func randomField(_ generator: inout SeededGenerator) -> Field {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            let count = Int.random(in: 1...64, using: &generator)
            let mask = count == 64 ? UInt64.max : (1 << UInt64(count)) - 1
            return .bits(generator.next() & mask, count: count)
        case 1: return .bit(Bool.random(using: &generator))
        case 2: return .varint(generator.next() >> UInt64.random(in: 0...63, using: &generator))
        default: return .zigZag(Int64(bitPattern: generator.next()) >> Int64.random(in: 0...63, using: &generator))
        }
    }

    @Test(arguments: 1...4 as ClosedRange<UInt64>)
    func randomFieldsRoundTrip(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let prefix = (0..<Int.random(in: 0...3, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let fields = (0..<Int.random(in: 0...100, using: &generator)).map { _ in randomField(&generator) }
            var writer = BitWriter(prefix: prefix)
            var expectedBitCount = prefix.count * 8
            for field in fields {
                switch field {
                case .bits(let value, let count):
                    // Stray high bits must be ignored.
                    writer.write(count == 64 ? value : value | (UInt64.max << UInt64(count)), bitCount: count)
                    expectedBitCount += count
                case .bit(let bit):
                    writer.writeBit(bit)
                    expectedBitCount += 1
                case .varint(let value):
                    writer.writeVarint(value)
                    expectedBitCount += 8 * max(1, (64 - value.leadingZeroBitCount + 6) / 7)
                case .zigZag(let value): writer.writeZigZagVarint(value)
                }
            }
            if fields.allSatisfy({ if case .zigZag = $0 { false } else { true } }) {
                #expect(writer.bitCount == expectedBitCount)
            }
            #expect(writer.bytes.count == (writer.bitCount + 7) / 8)
            #expect(Array(writer.bytes.prefix(prefix.count)) == prefix)

            var reader = BitReader(bytes: writer.bytes, startingAtByte: prefix.count)
            for field in fields {
                switch field {
                case .bits(let value, let count): #expect(try reader.read(bitCount: count) == value)
                case .bit(let bit): #expect(try reader.readBit() == bit)
                case .varint(let value): #expect(try reader.readVarint() == value)
                case .zigZag(let value): #expect(try reader.readZigZagVarint() == value)
                }
            }
            #expect(reader.bitPosition == writer.bitCount)
            // Only the zero padding of the last byte is left.
            #expect(reader.remainingBitCount < 8)
            if reader.remainingBitCount > 0 { #expect(try reader.read(bitCount: reader.remainingBitCount) == 0) }
        }
    }

    @Test func msbFirstLayout() {
        var writer = BitWriter()
        writer.writeBit(true)
        writer.write(0b01, bitCount: 2)
        writer.write(0x1FF, bitCount: 9)
        #expect(writer.bytes == [0b1011_1111, 0b1111_0000])
        #expect(writer.bitCount == 12)
        writer.write(0xABC_DEF0, bitCount: 28)
        #expect(writer.bytes == [0xBF, 0xFA, 0xBC, 0xDE, 0xF0])
        writer.overwrite(bigEndian: 0x0102_0304, atByte: 0)
        #expect(writer.bytes == [1, 2, 3, 4, 0xF0])
    }

    @Test func readingPastTheEndThrows() throws {
        var reader = BitReader(bytes: [0xFF, 0x00])
        #expect(try reader.read(bitCount: 3) == 0b111)
        #expect(throws: ChunkError.endOfBits(bitPosition: 3, requested: 14)) { try reader.read(bitCount: 14) }
        #expect(try reader.read(bitCount: 13) == 0b1_1111_0000_0000)
        #expect(throws: ChunkError.endOfBits(bitPosition: 16, requested: 1)) { try reader.readBit() }
        var empty = BitReader(bytes: [])
        #expect(throws: ChunkError.endOfBits(bitPosition: 0, requested: 64)) { try empty.read(bitCount: 64) }
    }

    @Test func overlongVarintIsRefused() throws {
        var reader = BitReader(bytes: Array(repeating: 0xFF, count: 12))
        #expect(throws: ChunkError.malformedVarint(bitPosition: 0)) { try reader.readVarint() }
        var tenth = BitReader(bytes: Array(repeating: 0x80, count: 9) + [0x02])
        #expect(throws: ChunkError.malformedVarint(bitPosition: 0)) { try tenth.readVarint() }
        var largest = BitReader(bytes: Array(repeating: 0xFF, count: 9) + [0x01])
        #expect(try largest.readVarint() == UInt64.max)
    }
}
