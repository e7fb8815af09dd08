/// Why bytes could not be read back as a chunk, or as a compressed chunk.
///
/// Chunks come back from disk and from other processes, so every decoder reports damage through
/// this type instead of trapping.
public enum ChunkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the chunk header needs.
    case missingHeader(byteCount: Int)
    /// The header's format byte is not one this build writes.
    case unknownFormat(UInt8)
    /// The header promises more samples than the bytes after it could hold, even at the
    /// encoding's smallest size per sample.
    case sampleCountExceedsData(sampleCount: Int, byteCount: Int)
    /// A bit reader was asked for bits past the end of its bytes.
    case endOfBits(bitPosition: Int, requested: Int)
    /// A varint runs longer than 64 bits.
    case malformedVarint(bitPosition: Int)
    /// The bytes ended inside sample `sampleIndex` (0-based) of the `sampleCount` the header promises.
    case truncated(sampleIndex: Int, sampleCount: Int)
    /// The bits of sample `sampleIndex` (0-based) contradict the encoding.
    case malformedSample(sampleIndex: Int, reason: String)
    /// Fewer bytes than the length prefix of a compressed chunk.
    case missingUncompressedSize(byteCount: Int)
    /// The length prefix claims more bytes than zlib could ever inflate the payload to: damaged
    /// data, refused before allocating that much.
    case implausibleUncompressedSize(declared: Int, compressedByteCount: Int)
    /// The uncompressed size differs from the one the caller or the length prefix expects.
    case uncompressedSizeMismatch(expected: Int, actual: Int)
    /// zlib refused the data; `code` is zlib's return code.
    case zlib(code: Int32, reason: String)

    public var description: String {
        switch self {
        case .missingHeader(let byteCount):
            "chunk of \(byteCount) bytes is shorter than its header"
        case .unknownFormat(let format):
            "unknown chunk format \(format)"
        case .sampleCountExceedsData(let sampleCount, let byteCount):
            "chunk header promises \(sampleCount) samples, more than \(byteCount) bytes can hold"
        case .endOfBits(let bitPosition, let requested):
            "read of \(requested) bits at bit \(bitPosition) runs past the end of the data"
        case .malformedVarint(let bitPosition):
            "varint at bit \(bitPosition) does not fit 64 bits"
        case .truncated(let sampleIndex, let sampleCount):
            "chunk data ends inside sample \(sampleIndex) of \(sampleCount)"
        case .malformedSample(let sampleIndex, let reason):
            "malformed sample \(sampleIndex) in chunk: \(reason)"
        case .missingUncompressedSize(let byteCount):
            "compressed chunk of \(byteCount) bytes is shorter than its length prefix"
        case .implausibleUncompressedSize(let declared, let compressedByteCount):
            "compressed chunk claims \(declared) bytes uncompressed, impossible from \(compressedByteCount) compressed bytes"
        case .uncompressedSizeMismatch(let expected, let actual):
            "compressed chunk inflates to \(actual) bytes, expected \(expected)"
        case .zlib(let code, let reason):
            "zlib error \(code): \(reason)"
        }
    }
}
