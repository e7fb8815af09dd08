import NIOCore
import OspreyCompression

#if canImport(Glibc)
    import Glibc
#endif

/// The synchronous half of `BodyBlocks`: takes a body's buffers as they arrive, inflates them
/// when compressed, and gives back blocks of whole lines once a block's worth is held, checking
/// the decompressed size, the longest line and the pushes' memory as bytes come out. Kept apart
/// from the async reading loop, which only awaits buffers and hands blocks on.
public struct BodyCutter {
    /// The longest line taken: far beyond any real sample line (64 labels of 4 KiB values are
    /// under 300 KiB), and a body with no line end at all is refused here rather than held whole.
    public static let maxLineBytes = 16 << 20

    public typealias Block = (block: [UInt8], linesBefore: Int)

    public let maxBytes: Int
    public let blockSize: Int
    public let memory: IngestMemory.Account?
    private let inflater: Inflater?
    private var pending: [UInt8] = []
    /// Where the last line end in `pending` is.
    private var lastNewline: Int?
    private var total = 0
    private var received = 0
    private var linesBefore = 0

    public init(compressed: Bool, maxBytes: Int, blockSize: Int, memory: IngestMemory.Account?) throws {
        self.inflater = compressed ? try Self.inflating { () throws(Inflater.InflateError) in try Inflater() } : nil
        self.maxBytes = maxBytes
        self.blockSize = blockSize
        self.memory = memory
    }

    /// Decompressed bytes taken so far.
    public var taken: Int { total }

    /// Takes a buffer of the body: a compressed one is only fed to the inflater here, and comes
    /// out through `nextBlock()`.
    public mutating func feed(_ buffer: ByteBuffer) throws {
        received += buffer.readableBytes
        if let inflater {
            inflater.feed(buffer.readableBytesView)
        } else {
            try buffer.withUnsafeReadableBytes { try take($0) }
        }
    }

    /// The next block of whole lines once a block's worth is held, inflating as far as that
    /// needs; nil when more of the body is needed first, or once `limit` bytes are taken.
    public mutating func nextBlock(stoppingAt limit: Int = .max) throws -> Block? {
        while true {
            if let block = cut(final: false) { return block }
            guard total < limit else { return nil }
            // A piece never reaches further than one byte past the limit: a bomb stops there.
            guard let inflater,
                let piece = try Self.inflating({ () throws(Inflater.InflateError) in
                    try inflater.next(upTo: Swift.min(Inflater.pieceSize, maxBytes - total + 1))
                })
            else { return nil }
            try piece.withUnsafeBytes { try take($0) }
        }
    }

    /// What is left once the body has ended, after checking a compressed one ended whole.
    public mutating func finish() throws -> Block? {
        if let inflater, !inflater.isComplete, received > 0 {
            throw IngestError.badData("the body's compressed data ends early")
        }
        return cut(final: true)
    }

    /// A body that does not inflate is bad data, refused as any other.
    private static func inflating<T>(_ body: () throws(Inflater.InflateError) -> T) throws(IngestError) -> T {
        do {
            return try body()
        } catch {
            throw .badData(error.description)
        }
    }

    private mutating func take(_ bytes: UnsafeRawBufferPointer) throws {
        total += bytes.count
        guard total <= maxBytes else {
            throw IngestError.tooLarge("request body is over ingest.max_body_bytes (\(maxBytes) bytes after decompression)")
        }
        try memory?.take(bytes.count)
        if let found = bytes.lastIndex(of: 0x0A) { lastNewline = pending.count + found }
        let needed = pending.count + bytes.count
        if needed > pending.capacity {
            // Doubling, but stopping at a block and a piece on the way, so that a block's buffer
            // is not left half empty; only a line longer than that grows it further.
            let block = blockSize + Inflater.pieceSize
            let doubled = pending.capacity < block ? Swift.min(2 * pending.capacity, block) : 2 * pending.capacity
            pending.reserveCapacity(Swift.max(needed, doubled))
        }
        pending.append(contentsOf: bytes)
        let openLine = pending.count - (lastNewline.map { $0 + 1 } ?? 0)
        guard openLine <= Self.maxLineBytes else {
            let line = linesBefore + Self.countNewlines(pending[...]) + 1
            throw IngestError.badData("line \(line) is longer than \(Self.maxLineBytes) bytes")
        }
    }

    /// A block ending at the last line end once a block's worth is held, or all that is left when
    /// `final`.
    private mutating func cut(final: Bool) -> Block? {
        guard !pending.isEmpty else { return nil }
        var end = pending.count
        if !final {
            guard pending.count >= blockSize, let newline = lastNewline else { return nil }
            end = newline + 1
        }
        // The held bytes become the block, and only the open line after its end is copied: no
        // second block-sized buffer is made, and none is kept for the next.
        var block = pending
        pending = Array(block[end...])
        block.removeSubrange(end...)
        lastNewline = nil
        let before = linesBefore
        linesBefore += Self.countNewlines(block[...])
        return (block, before)
    }

    private static func countNewlines(_ block: ArraySlice<UInt8>) -> Int {
        block.withUnsafeBufferPointer { buffer in
            guard var cursor = buffer.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
            let end = cursor + buffer.count
            var count = 0
            while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
                count += 1
                cursor = UnsafeRawPointer(found) + 1
            }
            return count
        }
    }
}
