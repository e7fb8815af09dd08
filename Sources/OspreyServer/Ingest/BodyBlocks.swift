import Hummingbird

/// A request body read as it streams in, decompressed when it says so, cut into blocks that
/// end at line ends, with a limit on its decompressed size.
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
        let encoding = request.headers[.contentEncoding]?.lowercased().trimmingCharacters(in: " ")
        let inflater: Inflater?
        switch encoding {
        case nil, "", "identity": inflater = nil
        case "gzip", "x-gzip", "deflate": inflater = try Inflater()
        default: throw IngestError.badData("unsupported Content-Encoding \"\(encoding ?? "")\": use gzip, deflate or none")
        }
        var pending: [UInt8] = []
        var total = 0
        var received = 0
        var linesBefore = 0

        func take(_ bytes: [UInt8]) throws {
            total += bytes.count
            guard total <= maxBytes else {
                throw IngestError.tooLarge("request body is over ingest.max_body_bytes (\(maxBytes) bytes after decompression)")
            }
            pending.append(contentsOf: bytes)
        }
        func flush(final: Bool) async throws {
            guard !pending.isEmpty else { return }
            var cut = pending.count
            if !final {
                guard pending.count >= blockSize, let newline = pending.lastIndex(of: UInt8(ascii: "\n")) else { return }
                cut = newline + 1
            }
            let block = Array(pending[..<cut])
            pending.removeSubrange(..<cut)
            try await handle(block, linesBefore)
            linesBefore += block.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }

        for try await buffer in request.body {
            let bytes = Array(buffer.readableBytesView)
            received += bytes.count
            if let inflater {
                try inflater.inflate(bytes) { try take($0) }
            } else {
                try take(bytes)
            }
            try await flush(final: false)
        }
        if let inflater, !inflater.isComplete, received > 0 {
            throw IngestError.badData("the body's compressed data ends early")
        }
        try await flush(final: true)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
