import AsyncAlgorithms
import Foundation
import Hummingbird
import OspreyCompression
import OspreyIngest

/// A request body read as it streams in, decompressed when it says so, cut into blocks that
/// end at line ends, with a limit on its decompressed size. Reading runs in a task of its own
/// and hands blocks over one at a time, so the body keeps arriving on one core while the
/// previous block is parsed on the other, and at most two blocks are held besides the parse.
/// A compressed body is inflated a piece at a time and cut as it comes out, never further than
/// its limit, so what a push holds stays near a few blocks however well its body compresses;
/// that is counted against the memory of all pushes (`IngestMemory`) until each block is staged.
struct BodyBlocks {
    let maxBytes: Int
    let blockSize: Int
    /// Where the push counts what it holds; nil reads without counting.
    let memory: IngestMemory.Account?

    init(maxBytes: Int, memory: IngestMemory.Account? = nil, blockSize: Int = 4 << 20) {
        self.maxBytes = maxBytes
        self.memory = memory
        self.blockSize = blockSize
    }

    /// The push's body with its limit and its account.
    init(for batch: IngestBatch) {
        self.init(maxBytes: batch.limits.maxBodyBytes, memory: batch.memory)
    }

    /// Calls `handle` with each block of whole lines and the number of lines before it.
    func read(
        _ request: Request, _ handle: (_ block: [UInt8], _ linesBefore: Int) async throws -> Void
    ) async throws {
        try await stream(request) { block, linesBefore in
            try await handle(block, linesBefore)
            memory?.give(block.count)
        }
    }

    /// Transforms blocks on both cores (two at a time beside the reader) and merges the
    /// results in the order of the body, so line numbers and last-write-wins stay as written.
    func read<Part: HeldInMemory>(
        _ request: Request, transform: @escaping @Sendable (_ block: [UInt8], _ linesBefore: Int) throws -> Part,
        merge: (Part) throws -> Void
    ) async throws {
        var inFlight: [(part: Task<Part, any Error>, size: Int)] = []
        var big = false
        func mergeOldest() async throws {
            let oldest = inFlight.removeFirst()
            let part = try await oldest.part.value
            try merge(part)
            memory?.give(oldest.size + part.heldBytes)
        }
        do {
            try await stream(request) { block, linesBefore in
                big = big || block.count >= blockSize
                let memory = self.memory
                let transformed = Task(executorPreference: big ? IngestLane.shared : nil) {
                    let part = try transform(block, linesBefore)
                    // What the parsed block holds until it is merged counts as the text did.
                    try memory?.take(part.heldBytes)
                    return part
                }
                inFlight.append((transformed, block.count))
                if inFlight.count >= 2 { try await mergeOldest() }
            }
            while !inFlight.isEmpty { try await mergeOldest() }
        } catch {
            for task in inFlight { task.part.cancel() }
            // A transform still running counts what it parsed when it ends: it must end before the
            // push gives back its account, or that count would outlive the push.
            for task in inFlight { _ = try? await task.part.value }
            throw error
        }
    }

    private func stream(
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
        let (maxBytes, blockSize, memory) = (self.maxBytes, self.blockSize, self.memory)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await Self.cut(
                        request, compressed: compressed, maxBytes: maxBytes, blockSize: blockSize, memory: memory
                    ) {
                        await blocks.send($0)
                    }
                    blocks.finish()
                } catch {
                    blocks.fail(error)
                }
            }
            do {
                // A body of one short block is handled where the request is; from its first full block
                // on, a bigger one is handled on the lane.
                var received = blocks.makeAsyncIterator()
                var firstFull: (block: [UInt8], linesBefore: Int)?
                while let next = try await received.next() {
                    if next.block.count >= blockSize {
                        firstFull = next
                        break
                    }
                    try await handle(next.block, next.linesBefore)
                }
                if let firstFull {
                    try await withTaskExecutorPreference(IngestLane.shared) {
                        try await handle(firstFull.block, firstFull.linesBefore)
                        while let next = try await received.next() {
                            try await handle(next.block, next.linesBefore)
                        }
                    }
                }
            } catch {
                tasks.cancelAll()
                throw error
            }
            try await tasks.waitForAll()
        }
    }

    private static func cut(
        _ request: Request, compressed: Bool, maxBytes: Int, blockSize: Int, memory: IngestMemory.Account?,
        _ emit: (BodyCutter.Block) async -> Void
    ) async throws {
        var cutter = try BodyCutter(compressed: compressed, maxBytes: maxBytes, blockSize: blockSize, memory: memory)
        // A body within a push's free first MiB is read where the request is; the rest of a bigger
        // one on the lane.
        var buffers = request.body.makeAsyncIterator()
        var ended = false
        while cutter.taken < IngestMemory.floorBytes {
            guard let buffer = try await buffers.next() else {
                ended = true
                break
            }
            try cutter.feed(buffer)
            // One buffer of a bomb inflates to megabytes: only the first MiB is inflated here.
            while let block = try cutter.nextBlock(stoppingAt: IngestMemory.floorBytes) { await emit(block) }
        }
        if !ended {
            try await withTaskExecutorPreference(IngestLane.shared) {
                while let block = try cutter.nextBlock() { await emit(block) }
                while let buffer = try await buffers.next() {
                    try cutter.feed(buffer)
                    while let block = try cutter.nextBlock() { await emit(block) }
                }
            }
        }
        if let block = try cutter.finish() { await emit(block) }
    }
}
