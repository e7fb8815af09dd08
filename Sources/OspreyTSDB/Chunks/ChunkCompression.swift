import CZlib

/// zlib over finished chunks: cold chunks compress further, mostly through repeated byte
/// patterns across the Gorilla bits.
///
/// Layout: the uncompressed length as UInt32 big-endian, then one zlib stream (RFC 1950).
/// The length lets `inflate` allocate once and check that nothing is missing.
public enum ChunkCompression {
    static let lengthPrefixByteCount = 4
    /// Deflate cannot compress better than about 1032 to 1 (a maximal match, 258 bytes, costs at
    /// least 2 bits), so a larger claimed size is damage, refused before allocating it.
    static let maximumExpansion = 1032
    /// A zlib stream's header and checksum, around even an empty payload.
    static let streamOverheadByteCount = 64

    /// `bytes` compressed at `level` (0 none ... 9 smallest; clamped to that range, -1 for
    /// zlib's default).
    public static func deflate(_ bytes: [UInt8], level: Int32 = 9) -> [UInt8] {
        precondition(bytes.count <= Int(UInt32.max), "a chunk of \(bytes.count) bytes is too large to compress")
        let level = level == Z_DEFAULT_COMPRESSION ? level : min(max(level, Z_NO_COMPRESSION), Z_BEST_COMPRESSION)
        let bound = Int(compressBound(uLong(bytes.count)))
        return [UInt8](unsafeUninitializedCapacity: lengthPrefixByteCount + bound) { output, initialized in
            let length = UInt32(bytes.count)
            for index in 0..<lengthPrefixByteCount {
                output[index] = UInt8(truncatingIfNeeded: length &>> UInt32(24 - 8 * index))
            }
            var compressedLength = uLongf(bound)
            let status = bytes.withUnsafeBufferPointer { source in
                compress2(
                    output.baseAddress! + lengthPrefixByteCount, &compressedLength,
                    source.baseAddress, uLong(source.count), level)
            }
            // With a buffer of compressBound bytes and a valid level, zlib fails only when it
            // cannot allocate its state: out of memory, which Swift treats as fatal anyway.
            precondition(status == Z_OK, "zlib compress2 failed with \(status)")
            initialized = lengthPrefixByteCount + Int(compressedLength)
        }
    }

    /// The bytes `deflate` compressed. `expectedSize`, when given, must match the stored length.
    public static func inflate(_ bytes: [UInt8], expectedSize: Int? = nil) throws(ChunkError) -> [UInt8] {
        guard bytes.count >= lengthPrefixByteCount else { throw .missingUncompressedSize(byteCount: bytes.count) }
        var declared = 0
        for byte in bytes[0..<lengthPrefixByteCount] { declared = declared << 8 | Int(byte) }
        if let expectedSize, expectedSize != declared {
            throw .uncompressedSizeMismatch(expected: expectedSize, actual: declared)
        }
        let compressedCount = bytes.count - lengthPrefixByteCount
        guard declared <= compressedCount * maximumExpansion + streamOverheadByteCount else {
            throw .implausibleUncompressedSize(declared: declared, compressedByteCount: compressedCount)
        }
        var status = Z_OK
        var inflatedCount = 0
        // zlib wants somewhere to write even for an empty payload.
        let capacity = max(declared, 1)
        let inflated = [UInt8](unsafeUninitializedCapacity: capacity) { output, initialized in
            var outputLength = uLongf(capacity)
            status = bytes.withUnsafeBufferPointer { source in
                uncompress(
                    output.baseAddress, &outputLength,
                    source.baseAddress! + lengthPrefixByteCount, uLong(compressedCount))
            }
            inflatedCount = status == Z_OK ? Int(outputLength) : 0
            initialized = inflatedCount
        }
        switch status {
        case Z_OK: break
        case Z_BUF_ERROR:
            // Output full before the stream ended, or the stream itself cut short.
            throw .zlib(code: status, reason: "data is truncated or inflates past the stored length \(declared)")
        case Z_DATA_ERROR: throw .zlib(code: status, reason: "data is not a valid zlib stream")
        case Z_MEM_ERROR: throw .zlib(code: status, reason: "out of memory")
        default: throw .zlib(code: status, reason: "uncompress failed")
        }
        guard inflatedCount == declared else {
            throw .uncompressedSizeMismatch(expected: declared, actual: inflatedCount)
        }
        return inflated
    }
}
