import CZlib

/// gzip (RFC 1952) in one call, as a push's body is sent with `Content-Encoding: gzip`.
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int32
        public var description: String { "gzip compression failed (zlib status \(status))" }
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits, plus 16 for a gzip header and trailer rather than zlib's.
        let initialized = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initialized == Z_OK else { throw Failure(status: initialized) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Failure(status: status) }
        return Array(output[..<Int(stream.total_out)])
    }

    /// The whole of a gzip (one or more members) or zlib stream, which must end where `input` does.
    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        let inflater = try Inflater()
        var output: [UInt8] = []
        try inflater.inflate(input) { output += $0 }
        guard inflater.isComplete else { throw Inflater.InflateError.corrupt("the stream ends early") }
        return output
    }
}
