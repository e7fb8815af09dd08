import CZlib

/// Streaming decompression of gzip and zlib ("deflate") bodies. Output is drawn a bounded piece
/// at a time (`feed`, then `next(upTo:)` until nil), so the caller decides after every piece
/// whether to go on: a small input that inflates to gigabytes is never inflated further than the
/// caller asked, and never held whole either way.
public final class Inflater {
    private var stream = z_stream()
    private var finished = false
    /// Compressed bytes fed and not yet consumed, from `consumed` on.
    private var input: [UInt8] = []
    private var consumed = 0

    /// The size of the pieces `inflate(_:_:)` hands out, and `next`'s default.
    public static let pieceSize = 256 << 10

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

    /// Compressed bytes fed so far and not yet inflated.
    public var pendingInput: Int { input.count - consumed }

    /// Gives the inflater more compressed bytes; `next(upTo:)` then draws their output.
    public func feed(_ bytes: some Sequence<UInt8>) {
        if consumed == input.count {
            input.removeAll(keepingCapacity: true)
            consumed = 0
        }
        input.append(contentsOf: bytes)
    }

    /// The next piece of output, at most `limit` bytes, or nil once the input fed so far is used
    /// up. A gzip stream may hold several members one after another (`cat a.gz b.gz`), as `gzip -d`
    /// reads them; anything else after a stream's end is corrupt data.
    public func next(upTo limit: Int = pieceSize) throws(InflateError) -> [UInt8]? {
        let limit = max(limit, 1)
        while consumed < input.count {
            if finished { try startNextMember() }
            var piece = [UInt8](repeating: 0, count: limit)
            let (status, used, produced) = input.withUnsafeMutableBufferPointer { source in
                piece.withUnsafeMutableBufferPointer { target in
                    stream.next_in = source.baseAddress! + consumed
                    stream.avail_in = uInt(source.count - consumed)
                    stream.next_out = target.baseAddress!
                    stream.avail_out = uInt(target.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, source.count - consumed - Int(stream.avail_in), target.count - Int(stream.avail_out))
                }
            }
            consumed += used
            switch status {
            case Z_OK, Z_BUF_ERROR: break
            case Z_STREAM_END: finished = true
            default: throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
            }
            if produced > 0 {
                piece.removeLast(piece.count - produced)
                return piece
            }
            // No output and no progress: zlib needs more input than was fed.
            if used == 0 && status != Z_STREAM_END { break }
        }
        return nil
    }

    /// Decompresses `input`, handing each piece of output to `output`.
    public func inflate(_ input: [UInt8], _ output: ([UInt8]) throws -> Void) throws {
        feed(input)
        while let piece = try next() { try output(piece) }
    }

    /// Whether the compressed stream reached its proper end.
    public var isComplete: Bool { finished && consumed == input.count }

    private func startNextMember() throws(InflateError) {
        let status = inflateReset(&stream)
        guard status == Z_OK else { throw .corrupt("zlib could not go on to the next member (\(status))") }
        finished = false
    }
}
