#if canImport(Glibc)
import Glibc
#endif
import AsyncAlgorithms
import Foundation
import Hummingbird
import OspreyCompression

/// A request body read as it streams in, decompressed when it says so, cut into blocks that
/// end at line ends, with a limit on its decompressed size. Reading runs in a task of its own
/// and hands blocks over one at a time, so the body keeps arriving on one core while the
/// previous block is parsed on the other, and at most two blocks are held besides the parse.
struct BodyBlocks {
    let maxBytes: Int
    let blockSize: Int

    init(maxBytes: Int, blockSize: Int = 4 << 20) {
        self.maxBytes = maxBytes
        self.blockSize = blockSize
    }

    /// Calls `handle` with each block of whole lines and the number of lines before it.
    func read(
        _ request: Request, _ handle: (_ block: [UInt8], _ linesBefore: Int) async throws -> Void
    ) async throws {
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: .whitespaces)
        let compressed: Bool
        switch encoding {
        case nil, "", "identity": compressed = false
        case "gzip", "x-gzip", "deflate": compressed = true
        default: throw APIError.badData("unsupported Content-Encoding \"\(encoding ?? "")\": use gzip, deflate or none")
        }
        let blocks = AsyncThrowingChannel<(block: [UInt8], linesBefore: Int), any Error>()
        let (maxBytes, blockSize) = (self.maxBytes, self.blockSize)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await Self.cut(request, compressed: compressed, maxBytes: maxBytes, blockSize: blockSize) {
                        await blocks.send($0)
                    }
                    blocks.finish()
                } catch {
                    blocks.fail(error)
                }
            }
            do {
                for try await next in blocks {
                    try await handle(next.block, next.linesBefore)
                }
            } catch {
                tasks.cancelAll()
                throw error
            }
            try await tasks.waitForAll()
        }
    }

    /// Transforms blocks on both cores (two at a time beside the reader) and merges the
    /// results in the order of the body, so line numbers and last-write-wins stay as written.
    func read<Part: Sendable>(
        _ request: Request, transform: @escaping @Sendable (_ block: [UInt8], _ linesBefore: Int) throws -> Part,
        merge: (Part) throws -> Void
    ) async throws {
        var inFlight: [Task<Part, any Error>] = []
        do {
            try await read(request) { block, linesBefore in
                inFlight.append(Task { try transform(block, linesBefore) })
                if inFlight.count >= 2 {
                    try merge(try await inFlight.removeFirst().value)
                }
            }
            while !inFlight.isEmpty {
                try merge(try await inFlight.removeFirst().value)
            }
        } catch {
            for task in inFlight { task.cancel() }
            throw error
        }
    }

    private static func cut(
        _ request: Request, compressed: Bool, maxBytes: Int, blockSize: Int,
        _ emit: ((block: [UInt8], linesBefore: Int)) async -> Void
    ) async throws {
        let inflater = compressed ? try Inflater() : nil
        var pending: [UInt8] = []
        var total = 0
        var received = 0
        var linesBefore = 0

        func take(_ bytes: UnsafeRawBufferPointer) throws {
            total += bytes.count
            guard total <= maxBytes else {
                throw APIError.tooLarge("request body is over ingest.max_body_bytes (\(maxBytes) bytes after decompression)")
            }
            pending.append(contentsOf: bytes)
        }
        func flush(final: Bool) async {
            guard !pending.isEmpty else { return }
            var cut = pending.count
            if !final {
                guard pending.count >= blockSize, let newline = pending.lastIndex(of: UInt8(ascii: "\n")) else { return }
                cut = newline + 1
            }
            let block = Array(pending[..<cut])
            pending.removeSubrange(..<cut)
            let lines = countNewlines(block)
            await emit((block, linesBefore))
            linesBefore += lines
        }

        for try await buffer in request.body {
            received += buffer.readableBytes
            if let inflater {
                try inflater.inflate(Array(buffer.readableBytesView)) { piece in
                    try piece.withUnsafeBytes { try take($0) }
                }
            } else {
                try buffer.withUnsafeReadableBytes { try take($0) }
            }
            await flush(final: false)
        }
        if let inflater, !inflater.isComplete, received > 0 {
            throw APIError.badData("the body's compressed data ends early")
        }
        await flush(final: true)
    }

    private static func countNewlines(_ block: [UInt8]) -> Int {
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
