import CZlib

/// Streaming decompression of gzip and zlib ("deflate") bodies, a buffer at a time, so a
/// compressed push is never held whole in memory either way.
public final class Inflater {
    private var stream = z_stream()
    private var finished = false

    public enum InflateError: Error, CustomStringConvertible {
        case corrupt(String)
        public var description: String {
            switch self {
            case .corrupt(let reason): "the body's compressed data is corrupt: \(reason)"
            }
        }
    }

    public init() throws(InflateError) {
        // 15 + 32: the largest window, and a gzip or zlib header detected automatically.
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .corrupt("zlib could not start (\(status))") }
    }

    deinit {
        inflateEnd(&stream)
    }

    /// Decompresses `input`, handing each piece of output to `output`. A gzip stream may hold
    /// several members one after another (`cat a.gz b.gz`), as `gzip -d` reads them; anything
    /// else after a stream's end is corrupt data.
    public func inflate(_ input: [UInt8], _ output: ([UInt8]) throws -> Void) throws {
        guard !input.isEmpty else { return }
        if finished {
            try startNextMember()
        }
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress!)
            stream.avail_in = uInt(source.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                    stream.next_out = target.baseAddress!
                    stream.avail_out = uInt(target.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, target.count - Int(stream.avail_out))
                }
                switch produced.0 {
                case Z_OK, Z_BUF_ERROR: break
                case Z_STREAM_END:
                    if stream.avail_in > 0 { try startNextMember() } else { finished = true }
                default:
                    throw InflateError.corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(produced.0)")
                }
                if produced.1 > 0 { try output(Array(chunk[0..<produced.1])) }
                if produced.0 == Z_BUF_ERROR && produced.1 == 0 { break }
            } while stream.avail_in > 0 && !finished
        }
    }

    /// Whether the compressed stream reached its proper end.
    public var isComplete: Bool { finished }

    private func startNextMember() throws(InflateError) {
        let status = inflateReset(&stream)
        guard status == Z_OK else { throw .corrupt("zlib could not go on to the next member (\(status))") }
        finished = false
    }
}
